"""The queue table: a `QTableView` over `TicketTableModel`, fed from the local cache.

Loading and updating happen on the cache lane; the UI thread only swaps the
result in:

* `open_queue(spec)`: a full load, built and sorted on the worker
  (`queues.load_queue_rows`), shown with one model reset. A load started for
  a queue that is no longer current is dropped when it returns.
* `apply_changes(change_set)`: only the changed tickets are re-read (`ids=`):
  rows still in the queue are upserted in place, the others removed. A change
  while no update runs is read at once (from a zero-timer, which gathers what
  the same turn of the event loop delivers); changes arriving while an update
  runs are gathered into one more, `COALESCE_MS` after it. A big batch (a
  bootstrap page) or a cache reset reloads the whole queue instead.

Sorting happens on the data side (the model's `sort`), the countdown column
ticks through the application's `CountdownClock`, and the header (order,
widths, sort) and hidden columns are saved through `DeskSettings`.

The ticket shown: `ticket_selected` is emitted only when the agent moves
(click, keys, `select_ticket`), never because rows changed under the view.
When the ticket the agent acted on leaves the queue (taken from
"Unassigned", resolved, escalated), no other row becomes the chosen one: the
panel stays on it, no row is current, and the keys go on from where it was
(`_gap`). A ticket shown from elsewhere (search, a new ticket) is held
(`hold_ticket`) and selected, quietly, once the queue lists it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QStyle, QTableView, QWidget

from desk_app.services.events import ChangeSet
from desk_app.services.session import DeskSession
from desk_app.ui.countdown import CountdownClock
from desk_app.ui.operations import queue
from desk_app.ui.ops import OpRunner
from desk_app.ui.queue.queue_fit import ColumnFitter
from desk_app.ui.queue.queue_rows import RESET_BATCH, QueueRows, SortField
from desk_app.ui.queue.queues import QueueSpec, ReferenceData
from desk_app.ui.settings import DeskSettings, Keys
from desk_app.ui.queue.ticket_table_model import Column, TicketTableModel

__all__ = ["QueueView"]

#: Changes that arrive while an update of changed rows runs (a burst) are gathered for this
#: long after it. A change while none runs does not wait: a colleague's change shows at once
#: (a trailing 200 ms timer would spend a third of the 500 ms a change may take to show).
COALESCE_MS = 200

#: The highest escalation tier a ticket can be at (a queue's tier is 1-9; the policies use 1-3).
MAX_TIER = 9
_DEFAULT_WIDTHS = {
    Column.NUMBER: 104, Column.SUBJECT: 280, Column.CUSTOMER: 150, Column.CATEGORY: 150, Column.PRIORITY: 80,
    Column.CHANNEL: 90, Column.STATUS: 140, Column.TIER: 60, Column.ASSIGNEE: 120, Column.DUE: 112,
}


class QueueView(QTableView):
    #: The current ticket changed: its id, or None.
    ticket_selected = Signal(object)
    #: A full load of the current queue was shown: the number of rows.
    loaded = Signal(int)
    #: Changed rows were applied (tests wait on it).
    updated = Signal()

    def __init__(self, session: DeskSession, runner: OpRunner, clock: CountdownClock,
                 settings: DeskSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("QueueTable")
        self._session = session
        self._runner = runner
        self._clock = clock
        self._settings = settings
        self._spec: QueueSpec | None = None
        self._generation = 0
        self._loading = False
        self._pending: ChangeSet | None = None
        self._updating = False  # an update of changed rows is on the cache lane
        self._ref: ReferenceData | None = None
        #: The ticket the agent chose (or was shown from elsewhere): what the panel shows.
        self._shown: int | None = None
        #: > 0 while rows change under the view: a move of the current row then is not the agent's.
        self._quiet = 0
        #: The display row the shown ticket left from (it left the queue): the keys go on from there.
        self._gap: int | None = None
        self.model_ = TicketTableModel(now=clock.now, parent=self)
        self.setModel(self.model_)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setAccessibleName(self.tr("Tickets in the queue"))
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(max(28, self.fontMetrics().height() + 12))
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setSortIndicatorClearable(True)
        # The default order, most urgent first, shows as the due column's ascending indicator.
        header.setSortIndicator(int(Column.DUE), Qt.SortOrder.AscendingOrder)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        for column, width in _DEFAULT_WIDTHS.items():
            self.setColumnWidth(int(column), width)
        self.setColumnWidth(int(Column.TIER), max(_DEFAULT_WIDTHS[Column.TIER], self.tier_column_width()))
        # The subject takes whatever room the other columns leave.
        header.setSectionResizeMode(int(Column.SUBJECT), QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        self.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.restore_layout()
        self.fitter = ColumnFitter(self)  # a narrow table: the SLA column stays in view
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        clock.watch(self)
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(COALESCE_MS)
        self._coalesce.timeout.connect(self._apply_pending)

    # -- layout -------------------------------------------------------------------------

    def tier_column_width(self) -> int:
        """Wide enough for the tier's header and its longest value in this language and font
        ("Tier 3", "Tingkat 3"), with the margins the style draws them with."""
        style, header = self.style(), self.horizontalHeader()
        texts = [QCoreApplication.translate("TicketTableModel", "Tier {level}").format(level=level)
                 for level in range(1, MAX_TIER + 1)]  # as TicketTableModel shows them
        cell_margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1)
        cells = max(self.fontMetrics().horizontalAdvance(text) for text in texts) + cell_margin
        title = str(self.model_.headerData(int(Column.TIER), Qt.Orientation.Horizontal))
        header_margins = 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        sort_mark = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + header_margins
        titled = header.fontMetrics().horizontalAdvance(title) + header_margins + sort_mark
        return max(cells, titled) + 2  # the grid line and a pixel of air

    def restore_layout(self) -> None:
        state = self._settings.get(Keys.TABLE_HEADER)
        header = self.horizontalHeader()
        if state is not None:
            header.restoreState(state)
        for column in self._settings.hidden_columns():
            if 0 <= column < len(Column):
                self.setColumnHidden(column, True)
        header.setSortIndicatorClearable(True)

    def _sort_indicator_changed(self, section: int, _order: Qt.SortOrder) -> None:
        if section < 0:  # cleared (or a layout saved before it showed): the default order, and say so
            self.horizontalHeader().setSortIndicator(int(Column.DUE), Qt.SortOrder.AscendingOrder)

    def save_layout(self) -> None:
        with self.fitter.preferred_widths():  # the agent's widths, not those squeezed to fit
            self._settings.set(Keys.TABLE_HEADER, self.horizontalHeader().saveState())
        self._settings.set_hidden_columns({c for c in range(len(Column)) if self.isColumnHidden(c)})

    def _column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        self.fill_column_menu(menu)
        menu.popup(self.horizontalHeader().mapToGlobal(pos))

    def fill_column_menu(self, menu: QMenu) -> None:
        """Checkable actions, one per column (the subject always stays)."""
        for column in Column:
            title = self.model_.headerData(int(column), Qt.Orientation.Horizontal)
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(int(column)))
            action.setEnabled(column is not Column.SUBJECT)
            action.toggled.connect(lambda shown, c=int(column): self.set_column_shown(c, shown))

    def set_column_shown(self, column: int, shown: bool) -> None:
        self.setColumnHidden(column, not shown)
        self.fitter.fit()
        self.save_layout()

    # -- loading ------------------------------------------------------------------------

    def spec(self) -> QueueSpec | None:
        return self._spec

    @property
    def loading(self) -> bool:
        return self._loading

    def open_queue(self, spec: QueueSpec) -> None:
        self._spec = spec
        self.reload()

    def reload(self) -> None:
        """Load the current queue afresh (on the cache lane)."""
        spec = self._spec
        if spec is None:
            return
        self._generation += 1
        generation = self._generation
        self._pending = None
        self._loading = True
        cache, now = self._session.cache, self._clock.now() or time.time()
        rows = self.model_.queue_rows()
        sort, descending = rows.sort_field, rows.descending

        queue.load_queue(parent=self, runner=self._runner, cache=cache, spec=spec, now=now, sort=sort,
                         descending=descending).success(
            lambda result: self._loaded(generation, *result)).failure(
            lambda error: self._failed(generation, error)).run_in_background()

    def _loaded(self, generation: int, rows: QueueRows, ref: ReferenceData) -> None:
        if generation != self._generation:
            rows.release()
            return
        self._loading = False
        self._ref = ref
        with self._rows_changing(keep_gap=False):
            self.model_.set_rows(rows)
        self.loaded.emit(len(rows))
        if self._pending is not None:
            self._schedule_update()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self._runner.report(self, error, "loading the queue failed")

    def apply_changes(self, changes: ChangeSet) -> None:
        """Tickets changed in the cache: refresh their rows soon (coalesced)."""
        if changes.empty:
            return
        if self._shown in changes.replaced:  # created offline, now on the server: the same ticket
            self._shown = changes.replaced[self._shown]
        self._pending = changes if self._pending is None else self._pending.merge(changes)
        self._schedule_update()

    def _schedule_update(self, delay_ms: int = 0) -> None:
        if self._coalesce.isActive() or self._loading or self._updating:
            return  # the pending changes go with the next update
        self._coalesce.start(delay_ms)

    def _apply_pending(self) -> None:
        changes, self._pending = self._pending, None
        spec = self._spec
        if changes is None or spec is None:
            return
        if self._loading or self._updating:
            self._pending = changes
            return
        if changes.reset or self._ref is None or len(changes.ticket_ids) + len(changes.removed) > RESET_BATCH:
            self.reload()
            return
        ids = sorted(changes.ticket_ids)
        removed = set(changes.removed) | set(changes.replaced)
        cache, now, ref, generation = self._session.cache, self._clock.now() or time.time(), self._ref, self._generation

        def done(rows) -> None:
            self._update_finished()
            if generation != self._generation:
                return
            present = {r.ticket_id for r in rows}
            gone = [tid for tid in (*ids, *removed) if tid not in present]
            with self._rows_changing():
                if gone:
                    self.model_.remove_tickets(gone)
                if rows:
                    self.model_.upsert_rows(rows)
            self.updated.emit()

        def failed(error: BaseException) -> None:
            self._update_finished()
            self._runner.report(self, error, "updating the queue failed")

        self._updating = True
        queue.update_queue_rows(parent=self, runner=self._runner, cache=cache, spec=spec, now=now, ref=ref,
                                ticket_ids=ids).success(done).failure(failed).run_in_background()

    def _update_finished(self) -> None:
        self._updating = False
        if self._pending is not None:
            self._schedule_update(COALESCE_MS)  # they came during this one: a burst, gathered

    # -- selection ----------------------------------------------------------------------

    def current_ticket_id(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid() or index.row() >= self.model_.rowCount():
            return None
        return self.model_.ticket_id(index.row())

    def select_ticket(self, ticket_id: int, *, emit: bool = True) -> bool:
        row = self.model_.row_of_ticket(ticket_id)
        if row is None:
            return False
        if not emit:
            self.selectionModel().blockSignals(True)
        try:
            self.selectRow(row)
            self.setCurrentIndex(self.model_.index(row, int(Column.SUBJECT)))
        finally:
            if not emit:
                self.selectionModel().blockSignals(False)
        self.scrollTo(self.model_.index(row, 0))
        return True

    def select_row(self, row: int) -> None:
        count = self.model_.rowCount()
        if count == 0:
            return
        row = max(0, min(row, count - 1))
        self.selectRow(row)
        self.setCurrentIndex(self.model_.index(row, int(Column.SUBJECT)))
        self.scrollTo(self.model_.index(row, 0))

    def next_ticket(self, step: int = 1) -> None:
        index = self.currentIndex()
        if index.isValid():
            self.select_row(index.row() + step)
        elif self._gap is not None:  # the shown ticket left the queue: on from where it was
            self.select_row(self._gap if step > 0 else self._gap - 1)
        else:
            self.select_row(0)

    def shown_ticket(self) -> int | None:
        """The ticket the panel shows (chosen here, or held); it may have left this queue."""
        return self._shown

    def hold_ticket(self, ticket_id: int | None) -> None:
        """The panel shows `ticket_id`, opened from elsewhere: no row is current; it is selected
        (quietly) as soon as the queue lists it."""
        self._shown, self._gap = ticket_id, None
        if ticket_id is not None and self.select_ticket(ticket_id, emit=False):
            return
        self._clear_current()

    def _clear_current(self) -> None:
        selection = self.selectionModel()
        selection.blockSignals(True)
        try:
            selection.clear()
        finally:
            selection.blockSignals(False)
        self.viewport().update()

    @contextmanager
    def _rows_changing(self, *, keep_gap: bool = True) -> Iterator[None]:
        """Rows change under the view: the current row may move, but the agent's choice stays."""
        shown = self._shown
        before = self.model_.row_of_ticket(shown) if shown is not None and keep_gap else None
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1
        if shown is None:
            return
        row = self.model_.row_of_ticket(shown)
        if row is not None:
            self._gap = None
            if self.currentIndex().row() != row or not self.selectionModel().isRowSelected(row):
                self.select_ticket(shown, emit=False)
        elif self.currentIndex().isValid() or before is not None:
            # It left the queue (the agent took, resolved or escalated it): the panel stays on it
            # and no other ticket becomes the chosen one.
            if before is not None:
                self._gap = before
            self._clear_current()

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.currentIndex().isValid() or self._shown is None:
            super().focusInEvent(event)
            return
        # Qt makes a row current when a table without one gets the focus: going to the table is
        # not choosing a ticket. The keys start from there; the panel stays.
        self._quiet += 1
        try:
            super().focusInEvent(event)
        finally:
            self._quiet -= 1
        if self.currentIndex().isValid():
            if self._gap is None:
                self._gap = self.currentIndex().row()
            self._clear_current()

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers) -> object:  # noqa: N802 - Qt's name
        gap, count = self._gap, self.model_.rowCount()
        if gap is not None and count and not self.currentIndex().isValid():
            forward = (QAbstractItemView.CursorAction.MoveDown, QAbstractItemView.CursorAction.MoveNext)
            back = (QAbstractItemView.CursorAction.MoveUp, QAbstractItemView.CursorAction.MovePrevious)
            if action in forward or action in back:
                row = gap if action in forward else gap - 1
                return self.model_.index(max(0, min(row, count - 1)), int(Column.SUBJECT))
        return super().moveCursor(action, modifiers)

    def _current_changed(self, current, _previous) -> None:
        if self._quiet:
            return  # the rows changed, the agent did not move
        if not current.isValid():
            return  # no row chosen any more (nothing the agent did): what is shown stays
        ticket_id = self.model_.ticket_id(current.row())
        self._shown, self._gap = ticket_id, None
        self.ticket_selected.emit(ticket_id)

    def sort_state(self) -> tuple[SortField, bool]:
        rows = self.model_.queue_rows()
        return rows.sort_field, rows.descending
