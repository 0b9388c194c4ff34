"""Whether the phone lines and support teams are within business hours now, per policy.

For the status bar: "☎ 2 of 3 phone lines open · Support open 4 of 5", with a
tooltip naming each policy, its calendars, open or closed, and when a closed
one opens next (in the agent's local time). Computed from the policies'
business calendars (`desk_app.core.calendar`) with the time read once per
refresh (injectable `now`); no database work after the first read of which
policies the desk serves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desk_app.core.calendar import NoBusinessTimeError
from desk_app.core.policy import Policy
from desk_app.services.session import DeskSession
from desk_app.ui.ops import CACHE, NETWORK, Op, OpRunner, op_runner
from desk_app.ui.reference import shipped_policy
from desk_app.ui.session_signals import SessionSignals
from desk_app.ui.sla_display import format_local_time

__all__ = ["BusinessHoursIndicator", "HoursState", "business_hours_now"]


@dataclass(frozen=True, slots=True)
class HoursState:
    policy: str  # key
    name: str
    what: str  # "phone" or "support"
    label: str  # the calendar's label ("Phone line (Mon-Fri 10:00-18:00)")
    open: bool
    opens_at: datetime | None  # when closed: the next opening


def _state(policy: Policy, what: str, calendar_key: str, now: datetime) -> HoursState:
    calendar = policy.calendars[calendar_key]
    info = policy.calendar_info.get(calendar_key)
    is_open = calendar.is_open(now)
    opens_at = None
    if not is_open:
        try:
            opens_at = calendar.next_open(now)
        except NoBusinessTimeError:
            opens_at = None
    return HoursState(policy.key, policy.name, what, info.label if info else calendar_key, is_open, opens_at)


def business_hours_now(policies: Iterable[Policy], now: datetime) -> list[HoursState]:
    """For each policy: its phone line (if it has one) and its support calendar, at `now`."""
    states = []
    for policy in policies:
        phone = policy.channels.get("phone")
        if phone is not None:
            states.append(_state(policy, "phone", phone.availability or policy.support_calendar, now))
        states.append(_state(policy, "support", policy.support_calendar, now))
    return states


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
        session = self.session

        def read(_):
            keys = [p["key"] for p in session.cache.reference("policies") or ()]
            return [p for p in (shipped_policy(k) for k in keys) if p is not None]

        Op(self, read, lane=CACHE, label="policies for business hours", runner=self._runner()).success(
            self._loaded).run_in_background()

    def _runner(self) -> OpRunner:
        return self.runner or op_runner()

    def _loaded(self, policies: list[Policy]) -> None:
        self.policies = policies
        self.refresh()

    def refresh(self) -> None:
        """Work the calendars out on a worker (a calendar's first look at a year builds its tables)."""
        policies, now = list(self.policies), self._now()
        Op(self, lambda _: business_hours_now(policies, now), lane=NETWORK, label="business hours",
           runner=self._runner()).success(self._show).run_in_background()

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
