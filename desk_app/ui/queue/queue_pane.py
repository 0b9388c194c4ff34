"""The queue table with what the agent must know about it: the filter applied, and tickets that came back.

    pane = QueuePane(queue_view)
    pane.show_filter(describe_filter(fltr, names))   # a dashboard click-through: the chip above the table
    pane.filter_cleared.connect(back_to_the_sidebar) # its "Clear filter" button
    pane.add_notice(notice)                          # a `TicketNotice`: "SHP-000012 came back to you..."
    pane.open_ticket.connect(open_ticket)            # a notice's "Open" button

Both sit right above the rows they are about, in the window's own layout: not
in the status bar, which a small screen pushes out of sight, and not in a
pop-up that would take the keyboard from what the agent is typing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desk_app.core.ticket import OPEN_STATUSES
from desk_app.services.events import TicketNotice
from desk_app.ui.reference import TicketLabels
from desk_app.ui.sla_display import is_dark
from desk_app.ui.ticket_panel.banners import Banner

__all__ = ["FilterChip", "NoticeBar", "QueuePane", "describe_filter"]

#: Notices kept on screen at once (the oldest go first).
MAX_NOTICES = 5
_OPEN = frozenset(OPEN_STATUSES)


def describe_filter(fltr: Mapping[str, Any], names: Mapping[str, Mapping[Any, Any]] | None = None) -> list[str]:
    """The parts of a click-through filter (`ui.dashboard` keys), in words, most telling first.

    `names`: {"policies": {key: name}, "queues": {id: name}, "users": {id: name},
    "labels": {(policy, key): label}} to name what the filter holds as ids or keys.
    A `title` (what the dashboard called the tile, bar or row clicked) names the
    condition it was made from; the filter bar's policy and queue, and the
    statuses, are said besides. Without a title every condition is spelled out.
    """
    names = names or {}
    policies, queues, users = names.get("policies", {}), names.get("queues", {}), names.get("users", {})
    labels = names.get("labels", {})
    policy = fltr.get("policy")
    parts: list[str] = []
    title = fltr.get("title")
    if title:
        parts.append(str(title))
    else:
        if fltr.get("sla_state") == "breached":
            parts.append(QCoreApplication.translate("FilterChip", "SLA breached"))
        elif fltr.get("sla_state") == "warning":
            parts.append(QCoreApplication.translate("FilterChip", "due within 2 hours"))
        if fltr.get("escalation") == "waiting":
            parts.append(QCoreApplication.translate("FilterChip", "escalation not acknowledged"))
        if fltr.get("tier") is not None:
            parts.append(QCoreApplication.translate("FilterChip", "Tier {n}").format(n=fltr["tier"]))
        if fltr.get("unassigned"):
            parts.append(QCoreApplication.translate("FilterChip", "unassigned"))
        elif fltr.get("assignee_id") is not None:
            parts.append(QCoreApplication.translate("FilterChip", "assigned to {name}").format(
                name=users.get(fltr["assignee_id"], f"#{fltr['assignee_id']}")))
        for key in ("category", "priority", "channel"):
            value = fltr.get(key)
            if value is not None:
                parts.append(str(labels.get((policy, value)) or next(
                    (label for (_, k), label in labels.items() if k == value), value)))
        if fltr.get("customer_tier") is not None:
            parts.append(QCoreApplication.translate("FilterChip", "{tier} customers").format(
                tier=fltr["customer_tier"]))
        low, high = fltr.get("min_age_days"), fltr.get("max_age_days")
        if low or high is not None:
            if high is None:
                parts.append(QCoreApplication.translate("FilterChip", "open more than {n} days").format(n=low))
            else:
                parts.append(QCoreApplication.translate("FilterChip", "open {low}\u2013{high} days").format(
                    low=low or 0, high=high))
    if policy is not None:
        parts.append(str(policies.get(policy, policy)))
    if fltr.get("queue_id") is not None:
        name = queues.get(fltr["queue_id"], f"#{fltr['queue_id']}")
        parts.append(QCoreApplication.translate("FilterChip", "queue {name}").format(name=name))
    statuses = fltr.get("statuses")
    if statuses:
        said = ", ".join(TicketLabels.status(s) for s in statuses)
        if set(statuses) == _OPEN:
            said = QCoreApplication.translate("FilterChip", "open tickets")
        if not title or said.casefold() not in str(title).casefold():
            parts.append(said)
    return parts


class FilterChip(QFrame):
    """ "Filtered: Breached · Shopee · open tickets  [✕ Clear filter]" above the queue."""

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FilterChip")
        dark = is_dark(self.palette())
        self.setStyleSheet(
            "QFrame#FilterChip { background: %s; border: 1px solid %s; border-radius: 12px; }"
            % (("#1e2a3d", "#35548a") if dark else ("#e8f0fe", "#aecbfa"))
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 4, 2)
        layout.setSpacing(8)
        self.text = QLabel(self)
        self.text.setObjectName("FilterChipText")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.clear_button = QPushButton(self.tr("\u2715 Clear filter"), self)
        self.clear_button.setObjectName("ClearFilter")
        self.clear_button.setFlat(True)
        self.clear_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clear_button.setAccessibleName(self.tr("Clear filter"))
        self.clear_button.setToolTip(self.tr("Show the queue you had open before"))
        self.clear_button.clicked.connect(self.cleared)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.clear_button, 0)
        self.parts: list[str] = []
        self.hide()

    def show_filter(self, parts: Sequence[str]) -> None:
        self.parts = list(parts)
        text = self.tr("Filtered: {parts}").format(parts=" \u00b7 ".join(self.parts))
        self.text.setText(text)
        self.setAccessibleName(text)
        self.show()

    def clear(self) -> None:
        self.parts = []
        self.hide()


class NoticeBar(QWidget):
    """Tickets that came back to the agent, one line each with "Open" and "Dismiss"."""

    open_ticket = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NoticeBar")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.banners: list[tuple[TicketNotice, Banner]] = []
        self.hide()

    @staticmethod
    def text_of(notice: TicketNotice) -> str:
        if notice.from_tier is not None:
            text = QCoreApplication.translate("NoticeBar", "{number} came back to you from Tier {tier}").format(
                number=notice.number, tier=notice.from_tier)
        else:
            text = QCoreApplication.translate("NoticeBar", "{number} came back to you").format(number=notice.number)
        if notice.by:
            text += " " + QCoreApplication.translate("NoticeBar", "(sent back by {name})").format(name=notice.by)
        text += ": " + (notice.reason or notice.subject)
        return text

    def add(self, notice: TicketNotice) -> Banner:
        for held, banner in list(self.banners):
            if held.ticket_id == notice.ticket_id:  # the latest word on a ticket replaces the earlier
                self._drop(banner)
        banner = Banner("info", self)
        banner.setObjectName("TicketNotice")
        banner.show_message(self.text_of(notice))
        opener = banner.add_button(self.tr("Open"), lambda: self._open(notice, banner))
        opener.setAccessibleName(self.tr("Open {number}").format(number=notice.number))
        dismiss = banner.add_button(self.tr("Dismiss"), lambda: self._drop(banner))
        dismiss.setAccessibleName(self.tr("Dismiss the notice about {number}").format(number=notice.number))
        self._layout.addWidget(banner)
        self.banners.append((notice, banner))
        while len(self.banners) > MAX_NOTICES:
            self._drop(self.banners[0][1])
        self.show()
        return banner

    def _open(self, notice: TicketNotice, banner: Banner) -> None:
        self._drop(banner)
        self.open_ticket.emit(notice.ticket_id)

    def _drop(self, banner: Banner) -> None:
        self.banners = [(n, b) for n, b in self.banners if b is not banner]
        self._layout.removeWidget(banner)
        banner.hide()
        banner.deleteLater()
        self.setVisible(bool(self.banners))

    def notices(self) -> list[TicketNotice]:
        return [n for n, _ in self.banners]


class QueuePane(QWidget):
    """The queue table, and above it the filter chip and the notices."""

    filter_cleared = Signal()
    open_ticket = Signal(int)

    def __init__(self, queue_view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("QueuePane")
        self.queue_view = queue_view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.filter_chip = FilterChip(self)
        self.filter_chip.cleared.connect(self.filter_cleared)
        self.notices = NoticeBar(self)
        self.notices.open_ticket.connect(self.open_ticket)
        chip_row = QHBoxLayout()
        chip_row.setContentsMargins(4, 4, 4, 0)
        chip_row.addWidget(self.filter_chip, 0)
        chip_row.addStretch(1)
        layout.addLayout(chip_row)
        layout.addWidget(self.notices)
        layout.addWidget(queue_view, 1)

    def show_filter(self, parts: Sequence[str]) -> None:
        self.filter_chip.show_filter(parts)

    def clear_filter(self) -> None:
        self.filter_chip.clear()

    def add_notice(self, notice: TicketNotice) -> None:
        self.notices.add(notice)
