"""The search box: ticket number, order id, phone, e-mail or words, answered from the local cache as you type.

Each edit (after a short pause, `DEBOUNCE_MS`) runs `LocalCache.search` on the
cache lane; the answer is shown in a drop-down list under the box only if
it still matches the text in the box (answers to older text are dropped).
Keyboard: the search shortcut focuses the box, Down/Up walk the results,
Enter opens the highlighted ticket (or the only/first one), Escape closes.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from desk_app.services.local_cache import TicketRow
from desk_app.services.session import DeskSession
from desk_app.ui.operations.search import search_tickets
from desk_app.ui.ops import OpRunner
from desk_app.ui.theme import icon

__all__ = ["SearchBox"]

DEBOUNCE_MS = 150
LIMIT = 30


class SearchBox(QLineEdit):
    #: The agent chose a ticket from the results: its id.
    ticket_chosen = Signal(int)
    #: Results for the text now in the box were shown (tests and accessibility).
    results_ready = Signal(list)

    def __init__(self, session: DeskSession, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SearchBox")
        self._session = session
        self._runner = runner
        self._results: list[TicketRow] = []
        self._answered: str | None = None
        self.setClearButtonEnabled(True)
        # Qt's clear button and the search symbol are buttons to assistive technology: named.
        for action in self.findChildren(QAction, "_q_qlineeditclearaction"):
            action.setText(self.tr("Clear search"))
            action.setToolTip(self.tr("Clear search"))
        self.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition).setText(self.tr("Search tickets"))
        self.setPlaceholderText(self.tr("Search tickets: number, order id, phone, e-mail or words"))
        self.setAccessibleName(self.tr("Search tickets"))
        self.setToolTip(self.tr("Searches the tickets on this computer as you type"))
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setMaxVisibleItems(12)
        self._completer.setWidget(self)
        self._completer.activated[QModelIndex].connect(self._activated)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._search_now)
        self.textEdited.connect(lambda _text: self._debounce.start())
        self.returnPressed.connect(self._open_first)

    def results(self) -> list[TicketRow]:
        """The results shown for the current text."""
        return list(self._results)

    def search(self, text: str) -> None:
        """Put `text` in the box and search at once (tests, a pasted number)."""
        self.setText(text)
        self._search_now()

    def choose(self, row: int) -> None:
        self.ticket_chosen.emit(self._results[row].id)
        self._completer.popup().hide()

    def _search_now(self) -> None:
        text = self.text().strip()
        if not text:
            self._show(text, [])
            return
        cache = self._session.cache
        search_tickets(parent=self, runner=self._runner, cache=cache, text=text, limit=LIMIT).success(lambda rows: self._show(text, rows)).run_in_background()

    def _show(self, text: str, rows: list[TicketRow]) -> None:
        if text != self.text().strip():
            return  # the agent typed on meanwhile; a newer search is under way
        self._results = list(rows)
        self._answered = text
        if rows:
            self._model.setStringList([f"{r.number}  ·  {r.subject}  ·  {r.customer_name}" for r in rows])
        else:
            self._model.setStringList([self.tr("No ticket matches “{text}”").format(text=text)] if text else [])
        if text and self.hasFocus():
            self._completer.complete()
        else:
            self._completer.popup().hide()
        self.results_ready.emit(self.results())

    def _activated(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self._results):
            self.choose(index.row())
        QTimer.singleShot(0, self.clear)

    def _open_first(self) -> None:
        if self._answered == self.text().strip() and self._results:
            self.choose(0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._completer.popup().hide()
            self.clear()
            self._results = []
            self.clearFocus()
            return
        super().keyPressEvent(event)
