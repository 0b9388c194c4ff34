"""TEMPORARY stand-ins for panels other helpers deliver; the main window uses the real ones when importable.

* `TicketSummaryPlaceholder` stands in for `desk_app.ui.ticket_panel.TicketPanel` (U2):
  a read-only view of the ticket's facts and thread from the local cache,
  fetching the full thread from the server when the cache holds only part of it.
* `DashboardPlaceholder` stands in for `desk_app.ui.dashboard.DashboardView` (R, issue 7).

Delete this module once both exist (see `main_window._ticket_panel_class`).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, Qt, Signal
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from desk_app.services.session import DeskSession
from desk_app.ui.ops import CACHE, NETWORK, Op, OpRunner

__all__ = ["DashboardPlaceholder", "TicketSummaryPlaceholder"]

_KIND_STYLE = {
    "customer_message": ("#eef2ff", "#3730a3"),
    "public_reply": ("#ecfdf5", "#065f46"),
    "internal_note": ("#fffbeb", "#92400e"),
    "phone_call": ("#f0f9ff", "#075985"),
    "system_event": ("transparent", "#6b7280"),
}


class TicketSummaryPlaceholder(QWidget):
    status_message = Signal(str)
    #: The shown ticket was (re)loaded: its id.
    ticket_loaded = Signal(int)

    def __init__(self, session: DeskSession, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._runner = runner
        self._ticket_id: int | None = None
        self._fetched: set[int] = set()
        self.title = QLabel(self)
        self.title.setObjectName("PanelTitle")
        self.title.setWordWrap(True)
        self.facts = QLabel(self)
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.thread = QTextBrowser(self)
        self.thread.setOpenLinks(False)
        self.thread.setAccessibleName(self.tr("Conversation"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.thread, 1)
        self.show_ticket(None)

    def ticket_id(self) -> int | None:
        return self._ticket_id

    def show_ticket(self, ticket_id: int | None) -> None:
        self._ticket_id = ticket_id
        if ticket_id is None:
            self.title.setText(self.tr("No ticket selected"))
            self.facts.setText(self.tr("Pick a ticket in the queue, or search for one (Ctrl+F)."))
            self.thread.clear()
            return
        cache = self._session.cache
        Op(self, lambda _: (cache.ticket(ticket_id), cache.thread(ticket_id)), lane=CACHE, label="read_ticket",
           runner=self._runner).success(lambda result: self._show(ticket_id, *result)).run_in_background()

    def _show(self, ticket_id: int, ticket: dict[str, Any] | None, thread) -> None:
        if ticket_id != self._ticket_id:
            return
        if ticket is None:
            self.title.setText(self.tr("This ticket is no longer available"))
            self.facts.clear()
            self.thread.clear()
            return
        self.title.setText(f"{ticket['number']}  ·  {ticket['subject']}")
        facts = [
            (self.tr("Customer"), ticket.get("customer_name") or ""),
            (self.tr("Status"), ticket["status"].replace("_", " ")),
            (self.tr("Priority"), ticket["priority"]),
            (self.tr("Tier"), str(ticket["tier"])),
            (self.tr("Policy"), ticket["policy"]),
        ]
        self.facts.setText("&nbsp;&nbsp;·&nbsp;&nbsp;".join(
            f"<span style='color:palette(placeholder-text)'>{html.escape(k)}</span> <b>{html.escape(v)}</b>"
            for k, v in facts))
        parts = []
        locale = QLocale()
        for entry in thread.entries:
            background, colour = _KIND_STYLE.get(entry.get("kind"), ("transparent", "inherit"))
            when = QDateTime.fromString(entry.get("created_at", ""), Qt.DateFormat.ISODateWithMs).toLocalTime()
            stamp = locale.toString(when, QLocale.FormatType.ShortFormat) if when.isValid() else ""
            who = html.escape(entry.get("author_name") or "")
            body = html.escape(entry.get("body") or entry.get("event_code") or "").replace("\n", "<br>")
            parts.append(
                f"<div style='background:{background}; padding:6px; margin:4px 0'>"
                f"<span style='color:{colour}; font-weight:600'>{who}</span> "
                f"<span style='color:#6b7280'>{stamp}</span><br>{body}</div>")
        self.thread.setHtml("".join(parts))
        self.ticket_loaded.emit(ticket_id)
        if not thread.complete and ticket_id not in self._fetched and ticket_id > 0:
            self._fetched.add(ticket_id)
            engine = self._session.engine
            Op(self, lambda _: engine.refresh_ticket(ticket_id), lane=NETWORK, label="open_ticket",
               runner=self._runner).success(lambda _c: self.show_ticket(self._ticket_id)).failure(
                lambda error: self.status_message.emit(str(error))).run_in_background()


class DashboardPlaceholder(QWidget):
    def __init__(self, session: DeskSession, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label = QLabel(self.tr("The managers' dashboard (SLA compliance, volumes, CSAT) appears here."), self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
