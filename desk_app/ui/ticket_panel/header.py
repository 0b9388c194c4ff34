"""The ticket panel's header: the ticket's facts and every SLA clock, counting down live.

The clocks tick with the application's one `CountdownClock` (its `ticked`
signal): no timer of its own, no database access on a tick. A clock's state
follows from its times (`sla_display.live_state`), so a countdown turns to
warning or breached at the tick that crosses the threshold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desk_app.core.sla import ClockState
from desk_app.ui.countdown import CountdownClock
from desk_app.ui.reference import PolicyInfo, TicketLabels
from desk_app.ui.sla_display import (
    ICON_SIZE,
    clock_label,
    countdown_text,
    due_tooltip,
    is_dark,
    live_state,
    state_colour,
    state_icon,
    state_label,
    tier_badge_icon,
)

__all__ = ["ClockChip", "TicketHeader"]


def _chip_colours(dark: bool) -> tuple[QColor, QColor]:
    return (QColor("#2b2f36"), QColor("#3d434c")) if dark else (QColor("#eef1f5"), QColor("#d5dae1"))


def paint_pill(widget: QWidget, radius: float) -> None:
    """A rounded chip behind a widget's content (painted: no style sheets, they are slow to apply)."""
    background, border = _chip_colours(is_dark(widget.palette()))
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(border, 1))
    painter.setBrush(background)
    painter.drawRoundedRect(QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    painter.end()


def tint(label: QLabel, colour: QColor | None) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour if colour is not None
                     else label.parentWidget().palette().color(QPalette.ColorRole.WindowText))
    label.setPalette(palette)


class Pill(QLabel):
    """The status chip."""

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        paint_pill(self, self.height() / 2)
        super().paintEvent(event)


def epoch(value: str | None) -> int | None:
    return int(datetime.fromisoformat(value).timestamp()) if value else None


class ClockChip(QFrame):
    """One SLA clock: state icon (shape per state), its name, the time left; details in the tooltip."""

    #: Top and bottom margin around the icon and text.
    MARGIN = 3

    def __init__(self, clock: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clockChip")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, self.MARGIN, 8, self.MARGIN)
        layout.setSpacing(6)
        self.icon = QLabel(self)
        self.icon.setFixedSize(ICON_SIZE, ICON_SIZE)
        self.name = QLabel(self)
        self.time = QLabel(self)
        bold = QFont(self.time.font())
        bold.setBold(True)
        self.time.setFont(bold)
        for widget in (self.icon, self.name, self.time):
            layout.addWidget(widget)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # keyboard users reach the tooltip text too
        self.set_clock(clock)

    @classmethod
    def row_height(cls, font: QFont) -> int:
        """A chip's height, known before any chip exists: the clock row keeps it with no clock
        shown, so the header does not grow (and push the queue) when a ticket opens."""
        bold = QFont(font)
        bold.setBold(True)
        return max(ICON_SIZE, QFontMetrics(bold).height(), QFontMetrics(font).height()) + 2 * cls.MARGIN

    def set_clock(self, clock: dict[str, Any]) -> None:
        """Show `clock` (a chip is reused from ticket to ticket: no widgets made on opening one)."""
        self.clock = clock
        self.key = clock["key"]
        try:
            self.stored = ClockState(clock["state"])
        except ValueError:
            self.stored = None
        self.due = epoch(clock.get("due_at"))
        self.warn_at = epoch(clock.get("warn_at"))
        self.name.setText(clock_label(self.key))
        self.state: ClockState | None = None

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        paint_pill(self, 10)
        super().paintEvent(event)

    def update_time(self, now: float) -> None:
        state = live_state(self.stored, self.due, self.warn_at, now)
        self.time.setText(countdown_text(state, self.due, now))
        if state != self.state:
            self.state = state
            icon = state_icon(state)
            if icon is not None:
                self.icon.setPixmap(icon.pixmap(16, 16))
            colour = state_colour(state) if state is not None else None
            tint(self.time, colour if state is not ClockState.RUNNING else None)
        tip = due_tooltip(state=state, clock_key=self.key, due=self.due, warn_at=self.warn_at,
                          paused_reason=self.clock.get("paused_reason"),
                          remaining=self.clock.get("remaining_seconds"), now=now)
        self.setToolTip(tip)
        self.setAccessibleName(f"{clock_label(self.key)}: {state_label(state)}, {self.time.text()}")


class TicketHeader(QWidget):
    def __init__(self, countdown: CountdownClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.countdown = countdown
        self.ticket: dict[str, Any] | None = None
        self.chips: list[ClockChip] = []  # the ones showing a clock, in order
        self._spare: list[ClockChip] = []  # hidden, kept for the next ticket's clocks
        self._clocks: list[dict[str, Any]] | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 6)
        outer.setSpacing(6)

        title_row = QHBoxLayout()
        self.number = QLabel(self)
        self.number.setObjectName("ticketNumber")
        self.subject = QLabel(self)
        self.subject.setObjectName("ticketSubject")
        self.subject.setWordWrap(True)
        self.subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.subject.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.subject.setFont(font)
        self.number.setFont(font)
        self.status = Pill(self)
        self.status.setObjectName("statusChip")
        self.status.setContentsMargins(10, 2, 10, 2)
        status_font = QFont(self.status.font())
        status_font.setBold(True)
        self.status.setFont(status_font)
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title_row.addWidget(self.number)
        title_row.addWidget(self.subject, 1)
        title_row.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(title_row)

        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(18)
        self.facts.setVerticalSpacing(2)
        self.fact_values: dict[str, QLabel] = {}
        names = [
            ("customer", self.tr("Customer")), ("policy", self.tr("Policy")), ("category", self.tr("Category")),
            ("priority", self.tr("Priority")), ("channel", self.tr("Channel")), ("tier", self.tr("Tier")),
            ("assignee", self.tr("Assignee")), ("order", self.tr("Order")),
        ]
        for index, (key, label) in enumerate(names):
            row, col = divmod(index, 4)
            caption = QLabel(label, self)
            caption.setObjectName("factCaption")
            value = QLabel(self)
            value.setObjectName("factValue")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(caption)
            box.addWidget(value)
            self.facts.addLayout(box, row, col)
            self.fact_values[key] = value
        outer.addLayout(self.facts)

        self.clock_row = QHBoxLayout()
        self.clock_row.setSpacing(6)
        self.clock_caption = QLabel(self.tr("SLA"), self)
        self.clock_caption.setObjectName("factCaption")
        self.clock_row.addWidget(self.clock_caption)
        self.no_clocks = QLabel(self.tr("No SLA clock is running."), self)
        self.no_clocks.setMinimumHeight(ClockChip.row_height(self.font()))
        self.clock_row.addWidget(self.no_clocks)
        self.clock_row.addStretch(1)
        outer.addLayout(self.clock_row)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._restyle()
        countdown.ticked.connect(self.tick)

    def _restyle(self) -> None:
        muted = QColor("#9aa0a6" if is_dark(self.palette()) else "#5f6368")
        for label in self.findChildren(QLabel):
            if label.objectName() in ("factCaption", "ticketNumber"):
                tint(label, muted)
            if label.objectName() == "factCaption":
                small = QFont(label.font())
                small.setPointSizeF(small.pointSizeF() * 0.85)
                label.setFont(small)

    def show_ticket(self, ticket: dict[str, Any] | None, info: PolicyInfo | None, names: dict[int, str],
                    customer: dict[str, Any] | None = None) -> None:
        self.ticket = ticket
        clocks = (ticket or {}).get("sla", {}) or {}
        clocks = clocks.get("clocks") or []
        if ticket is None or clocks != self._clocks:
            for chip in self.chips:
                chip.hide()
            self._spare = self.chips + self._spare
            self.chips = []
            self._clocks = None
        if ticket is None:
            self.number.clear()
            self.subject.setText(self.tr("No ticket selected"))
            self.status.hide()
            for value in self.fact_values.values():
                value.clear()
            self.no_clocks.show()
            return
        info = info or PolicyInfo(None, ticket["policy"])
        self.number.setText(ticket["number"])
        self.subject.setText(ticket["subject"])
        self.status.setText(TicketLabels.status(ticket["status"]))
        self.status.show()
        tier_text = TicketLabels.customer_tier(ticket.get("customer_tier"))
        who = ticket.get("customer_name") or ""
        if customer and customer.get("phone"):
            who = f"{who} \u00b7 {customer['phone']}"
        badge = tier_badge_icon(ticket.get("customer_tier") or "standard")
        values = {
            "customer": f"{who} ({tier_text})" if badge is not None else who,
            "policy": info.name,
            "category": info.label("categories", ticket.get("category")),
            "priority": info.label("priorities", ticket.get("priority")),
            "channel": info.label("channels", ticket.get("channel")),
            "tier": info.tier_name(ticket.get("tier")),
            "assignee": names.get(ticket.get("assignee_id"), "") if ticket.get("assignee_id")
            else self.tr("Unassigned"),
            "order": ticket.get("order_id") or "\u2014",
        }
        for key, text in values.items():
            self.fact_values[key].setText(text)
        self.no_clocks.setVisible(not clocks)
        if self._clocks is None:  # new clocks (a change of the same ones keeps the chips)
            self._clocks = clocks
            # Every clock, live ones first; met and missed ones stay visible, quietly, at the end.
            for index, clock in enumerate(sorted(clocks, key=lambda c: c.get("state") in ("met", "missed"))):
                if self._spare:
                    chip = self._spare.pop(0)
                    chip.set_clock(clock)
                    self.clock_row.removeWidget(chip)
                else:
                    chip = ClockChip(clock, self)
                # after the caption and "no clock", in order; the spare chips stay behind, hidden
                self.clock_row.insertWidget(2 + index, chip)
                chip.show()
                self.chips.append(chip)
        self.tick(self.countdown.now())

    def tick(self, now: float) -> None:
        for chip in self.chips:
            chip.update_time(now)

    def clock_states(self) -> dict[str, ClockState | None]:
        """{clock key: the state shown} (tests, accessibility)."""
        return {chip.key: chip.state for chip in self.chips}
