"""Whether the phone lines and support teams are within business hours now, per policy.

For the status bar: "☎ 2 of 3 phone lines open · Support open 4 of 5", with a
tooltip naming each policy, its calendars, open or closed, and when a closed
one opens next (in the agent's local time). Computed from the policies'
business calendars (`desk_app.core.calendar`) with the time read once per
refresh (injectable `now`); no database work after the first read of which
policies the desk serves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desk_app.core.policy import Policy
from desk_app.services.session import DeskSession
from desk_app.ui.operations import phone
from desk_app.ui.operations.phone import HoursState, business_hours_now
from desk_app.ui.ops import OpRunner, op_runner
from desk_app.ui.session_signals import SessionSignals
from desk_app.ui.sla_display import format_local_time

__all__ = ["BusinessHoursIndicator", "HoursState", "business_hours_now"]


class BusinessHoursIndicator(QWidget):
    REFRESH_MS = 30_000

    def __init__(self, session: DeskSession, parent: QWidget | None = None, *, signals: SessionSignals,
                 runner: OpRunner | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self._now = now or (lambda: datetime.now(timezone.utc))
        self.policies: list[Policy] = []
        self.states: list[HoursState] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.label = QLabel(self)
        layout.addWidget(self.label)
        self._timer = QTimer(self)
        self._timer.setInterval(self.REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        signals.reference.connect(self._reference_changed)
        self.load()

    def _reference_changed(self, names) -> None:
        if "policies" in names:
            self.load()

    def load(self) -> None:
        """Which policies the desk serves (cache lane), then refresh."""
        phone.read_served_policies(parent=self, runner=self._runner(), session=self.session).success(
            self._loaded).run_in_background()

    def _runner(self) -> OpRunner:
        return self.runner or op_runner()

    def _loaded(self, policies: list[Policy]) -> None:
        self.policies = policies
        self.refresh()

    def refresh(self) -> None:
        """Work the calendars out on a worker (a calendar's first look at a year builds its tables)."""
        policies, now = list(self.policies), self._now()
        phone.read_business_hours(parent=self, runner=self._runner(), policies=policies, now=now).success(
            self._show).run_in_background()

    def _show(self, states: list[HoursState]) -> None:
        self.states = states
        phones = [s for s in self.states if s.what == "phone"]
        support = [s for s in self.states if s.what == "support"]
        if not self.states:
            self.label.setText(QCoreApplication.translate("BusinessHoursIndicator", "Business hours: unknown"))
            self.setToolTip(QCoreApplication.translate("BusinessHoursIndicator", "The policies are not loaded yet."))
            return
        parts = []
        if phones:
            n = sum(s.open for s in phones)
            symbol = "\u260e" if n else "\u2716"
            parts.append(QCoreApplication.translate(
                "BusinessHoursIndicator", "{symbol} Phone lines open: {open} of {total}").format(
                symbol=symbol, open=n, total=len(phones)))
        n = sum(s.open for s in support)
        parts.append(QCoreApplication.translate(
            "BusinessHoursIndicator", "Support open: {open} of {total}").format(open=n, total=len(support)))
        self.label.setText("  \u00b7  ".join(parts))
        self.setToolTip("\n".join(self._line(s) for s in self.states))
        self.setAccessibleName(self.label.text())

    def _line(self, s: HoursState) -> str:
        if s.what == "phone":
            what = QCoreApplication.translate("BusinessHoursIndicator", "Phone")
        else:
            what = QCoreApplication.translate("BusinessHoursIndicator", "Support")
        if s.open:
            state = QCoreApplication.translate("BusinessHoursIndicator", "open now")
        elif s.opens_at is not None:
            state = QCoreApplication.translate("BusinessHoursIndicator", "closed, opens {when}").format(
                when=format_local_time(int(s.opens_at.timestamp())))
        else:
            state = QCoreApplication.translate("BusinessHoursIndicator", "closed")
        return f"{s.name} \u2014 {what}: {s.label}: {state}"

    def open_now(self, policy: str, what: str) -> bool | None:
        for s in self.states:
            if s.policy == policy and s.what == what:
                return s.open
        return None
