"""The queue table: a `QAbstractTableModel` over `QueueRows`.

Sorting and filtering happen on the data side (`QueueRows`): no
`QSortFilterProxyModel`, no `QStandardItemModel`, and `rowCount`/`data` are
O(1) whatever the queue's size.

Time: the model shows countdowns as of `now()`, a value it holds and that the
application's `CountdownClock` pushes on every tick (`set_now`); it never reads
the system clock while painting, so every cell of one paint agrees, and tests
drive time by hand. The countdown column changes state (running -> warning ->
breached) at the tick that crosses a threshold.

Sorting: `sort(column, order)` reorders through layoutAboutToBeChanged /
layoutChanged and carries persistent indexes (selection, current row) along.
The default order, most urgent first (`SortField.URGENCY`: breached first, then
the nearest due, priority breaking ties), is the "Next SLA due" column
ascending: `sort(Column.DUE, Ascending)` and `sort(-1)` (a cleared indicator)
both give it, and `sort_column()` names that column, so a view shows its sort
indicator there. In a view, set the indicator (`header.setSortIndicator(
Column.DUE, Qt.AscendingOrder)`) before `setSortingEnabled(True)`, or Qt sorts
by column 0 at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desk_app.core.sla import ClockState
from desk_app.ui import sla_display
from desk_app.ui.queue.queue_rows import QueueRow, QueueRows, RowFilter, SortField, release_in_background

__all__ = ["Column", "TicketTableModel", "TICKET_ID_ROLE", "CLOCK_STATE_ROLE"]

#: The ticket id of any cell's row.
TICKET_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: The countdown's live state (a ClockState, or None) of any cell's row.
CLOCK_STATE_ROLE = int(Qt.ItemDataRole.UserRole) + 2


class Column(IntEnum):
    NUMBER = 0
    SUBJECT = 1
    CUSTOMER = 2
    CATEGORY = 3
    PRIORITY = 4
    CHANNEL = 5
    STATUS = 6
    TIER = 7
    ASSIGNEE = 8
    DUE = 9


_SORT_FIELDS = {
    Column.NUMBER: SortField.NUMBER,
    Column.SUBJECT: SortField.SUBJECT,
    Column.CUSTOMER: SortField.CUSTOMER,
    Column.CATEGORY: SortField.CATEGORY,
    Column.PRIORITY: SortField.PRIORITY,
    Column.CHANNEL: SortField.CHANNEL,
    Column.STATUS: SortField.STATUS,
    Column.TIER: SortField.TIER,
    Column.ASSIGNEE: SortField.ASSIGNEE,
    Column.DUE: SortField.DUE,
}

#: Which column shows each row field (for precise dataChanged).
_FIELD_COLUMNS = {
    "ticket_id": Column.NUMBER,
    "number": Column.NUMBER,
    "policy": Column.NUMBER,
    "created_at": Column.NUMBER,
    "subject": Column.SUBJECT,
    "customer_name": Column.CUSTOMER,
    "customer_tier": Column.CUSTOMER,
    "category": Column.CATEGORY,
    "priority": Column.PRIORITY,
    "priority_label": Column.PRIORITY,
    "priority_rank": Column.PRIORITY,
    "channel": Column.CHANNEL,
    "status": Column.STATUS,
    "tier_level": Column.TIER,
    "assignee": Column.ASSIGNEE,
    "next_due": Column.DUE,
    "next_state": Column.DUE,
    "warn_at": Column.DUE,
    "next_clock": Column.DUE,
    "paused_reason": Column.DUE,
    "remaining": Column.DUE,
}

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_USER = int(Qt.ItemDataRole.UserRole)
_DUE = int(Column.DUE)
_CUSTOMER = int(Column.CUSTOMER)

_STATUS_LABELS = {  # marked for lupdate, translated when shown
    "new": QT_TRANSLATE_NOOP("TicketTableModel", "New"),
    "open": QT_TRANSLATE_NOOP("TicketTableModel", "Open"),
    "pending_customer": QT_TRANSLATE_NOOP("TicketTableModel", "Waiting on customer"),
    "pending_third_party": QT_TRANSLATE_NOOP("TicketTableModel", "Waiting on third party"),
    "on_hold": QT_TRANSLATE_NOOP("TicketTableModel", "On hold"),
    "resolved": QT_TRANSLATE_NOOP("TicketTableModel", "Resolved"),
    "closed": QT_TRANSLATE_NOOP("TicketTableModel", "Closed"),
}


def _status_label(status: str) -> str:
    label = _STATUS_LABELS.get(status)
    return QCoreApplication.translate("TicketTableModel", label) if label else status


class TicketTableModel(QAbstractTableModel):
    """One queue's tickets; see the module docstring."""

    #: Emitted after `set_now`: the instant the countdowns now show.
    now_changed = Signal(float)

    countdown_column = int(Column.DUE)

    def __init__(
        self,
        rows: QueueRows | None = None,
        *,
        now: Callable[[], float] = time.time,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._rows = rows if rows is not None else QueueRows()
        self._now_source = now
        self._now = float(now())
        self._dark = sla_display.is_dark()
        self._sort_column = _column_of(self._rows.sort_field)
        self._translate_headers()
        self._display = {
            Column.NUMBER: self._number,
            Column.SUBJECT: lambda p: self._rows.decode("subject", p),
            Column.CUSTOMER: lambda p: self._rows.decode("customer_name", p),
            Column.CATEGORY: lambda p: self._rows.decode("category", p),
            Column.PRIORITY: self._priority,
            Column.CHANNEL: lambda p: self._rows.decode("channel", p),
            Column.STATUS: lambda p: _status_label(self._rows.decode("status", p)),
            Column.TIER: lambda p: QCoreApplication.translate("TicketTableModel", "Tier {level}").format(
                level=self._rows.decode("tier_level", p)
            ),
            Column.ASSIGNEE: self._assignee,
            Column.DUE: self._countdown,
        }
        self._raw_fields = {
            Column.NUMBER: "number",
            Column.SUBJECT: "subject",
            Column.CUSTOMER: "customer_name",
            Column.CATEGORY: "category",
            Column.PRIORITY: "priority",
            Column.CHANNEL: "channel",
            Column.STATUS: "status",
            Column.TIER: "tier_level",
            Column.ASSIGNEE: "assignee",
            Column.DUE: "next_due",
        }
        self._roles: dict[int, Callable[[int, int], Any]] = {
            _DISPLAY: self._display_role,
            _TOOLTIP: self._tooltip_role,
            _DECORATION: self._decoration_role,
            _FOREGROUND: self._due_only(_FOREGROUND),
            _FONT: self._due_only(_FONT),
            _ALIGNMENT: self._due_only(_ALIGNMENT),
            _ACCESSIBLE: self._accessible_role,
            _USER: self._user_role,
            TICKET_ID_ROLE: self._ticket_id_role,
            CLOCK_STATE_ROLE: self._clock_state_role,
        }
        # (physical row, now, rows) -> state: one countdown cell is asked several roles in a row.
        self._state_memo: tuple[int, float, QueueRows, ClockState | None] = (-1, 0.0, self._rows, None)
        self._listener = _ModelListener(self)

    def _translate_headers(self) -> None:
        self._headers = {
            Column.NUMBER: QCoreApplication.translate("TicketTableModel", "Number"),
            Column.SUBJECT: QCoreApplication.translate("TicketTableModel", "Subject"),
            Column.CUSTOMER: QCoreApplication.translate("TicketTableModel", "Customer"),
            Column.CATEGORY: QCoreApplication.translate("TicketTableModel", "Category"),
            Column.PRIORITY: QCoreApplication.translate("TicketTableModel", "Priority"),
            Column.CHANNEL: QCoreApplication.translate("TicketTableModel", "Channel"),
            Column.STATUS: QCoreApplication.translate("TicketTableModel", "Status"),
            Column.TIER: QCoreApplication.translate("TicketTableModel", "Tier"),
            Column.ASSIGNEE: QCoreApplication.translate("TicketTableModel", "Assignee"),
            Column.DUE: QCoreApplication.translate("TicketTableModel", "Next SLA due"),
        }
        self._header_tips = {
            Column.CUSTOMER: QCoreApplication.translate("TicketTableModel", "Customer, with a badge for startup (S) and enterprise (E) customers"),
            Column.DUE: QCoreApplication.translate(
                "TicketTableModel", "Time left on the ticket's most urgent SLA clock; negative when overdue. "
                "Sorted this way (\u25b2), the queue is most urgent first: breached tickets (the most overdue "
                "at the top), then the nearest due; priority breaks ties."
            ),
        }

    def retranslate(self) -> None:
        """Follow a change of the application's language (QEvent.LanguageChange)."""
        sla_display.retranslate()
        self._translate_headers()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if len(self._rows):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1))

    # -- the data ----------------------------------------------------------------------

    def queue_rows(self) -> QueueRows:
        return self._rows

    def set_rows(self, rows: QueueRows) -> None:
        """Show a new queue (a full load): one model reset, the rows' own order kept.

        The model owns the rows it shows: the previous ones are released on a
        worker thread (a million-row queue takes ~100 ms to free), so do not use
        them after this call. Sort them on the worker before handing them over
        (`QueueRows.sort`) to keep the UI thread free of that too.
        """
        previous = self._rows
        self.beginResetModel()
        self._rows = rows
        self._forget_states()
        self._sort_column = _column_of(rows.sort_field)
        self._now = float(self._now_source())
        self.endResetModel()
        if previous is not rows:
            release_in_background(previous)

    def upsert_rows(self, rows: Sequence[QueueRow]) -> None:
        """New or changed tickets (as the cache has them now): only their rows change."""
        self._forget_states()
        self._rows.upsert(rows, self._listener)

    def remove_tickets(self, ticket_ids: Iterable[int]) -> list[int]:
        """Tickets that left the queue; returns the ids that were in it."""
        self._forget_states()
        return self._rows.remove(ticket_ids, self._listener)

    def set_filter(self, row_filter: RowFilter | None) -> None:
        self.beginResetModel()
        self._rows.set_filter(row_filter)
        self.endResetModel()

    def ticket_id(self, row: int) -> int:
        return self._rows.ticket_id(row)

    def row_of_ticket(self, ticket_id: int) -> int | None:
        return self._rows.display_row_of(ticket_id)

    def queue_row(self, row: int) -> QueueRow:
        return self._rows.row(row)

    # -- time --------------------------------------------------------------------------

    def now(self) -> float:
        return self._now

    def set_now(self, now: float) -> None:
        """The instant countdowns show; the caller says which cells to repaint."""
        self._now = float(now)
        self._dark = sla_display.is_dark()  # follows a palette switch within a tick
        self.now_changed.emit(self._now)

    def emit_countdown_changed(self, first: int, last: int) -> None:
        """Repaint the countdown cells of rows first..last (the visible ones): nothing else."""
        count = len(self._rows)
        if count == 0:
            return
        first = max(0, first)
        last = min(last, count - 1)
        if first > last:
            return
        column = self.countdown_column
        self.dataChanged.emit(self.index(first, column), self.index(last, column))

    # -- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    # No `flags` here: QAbstractTableModel's own (selectable, enabled, never has children) is
    # what the queue needs, and answering it in Python would cost a call into the interpreter
    # per cell and paint (see `multiData`).

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        role = int(role)
        if role == _DISPLAY:
            return self._headers[Column(section)]
        if role == _TOOLTIP:
            return self._header_tips.get(Column(section), self._headers[Column(section)])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        # A repaint asks ~8 roles per cell; most answer None, so dispatch on the role first.
        cell = self._roles.get(role)
        if cell is None:
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        return cell(row, index.column())

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan: QModelRoleDataSpan) -> None:
        """Every role a delegate asks of one cell, in one call.

        Qt's delegates ask a cell for seven roles each time they paint it.
        Each call from Qt into Python must take the interpreter lock, and a
        worker thread busy in Python (reading a ticket, parsing a page) holds
        it between calls: a full repaint of a 30-row queue made 2,000 such
        calls and took 3-4 times longer while a worker ran. One call per
        cell keeps the repaint short however busy the workers are
        (tests/ui/test_ticket_table_model.py checks both paths agree).
        """
        row = index.row()
        valid = 0 <= row < len(self._rows)
        column = index.column()
        roles = self._roles
        for role_data in roleDataSpan:
            cell = roles.get(role_data.role()) if valid else None
            value = cell(row, column) if cell is not None else None
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _display_role(self, row: int, column: int) -> Any:
        show = self._display.get(column)
        return show(self._rows.physical(row)) if show is not None else None

    def _tooltip_role(self, row: int, column: int) -> Any:
        phys = self._rows.physical(row)
        return self._due_data(phys, _TOOLTIP) if column == _DUE else self._tooltip(column, phys)

    def _decoration_role(self, row: int, column: int) -> Any:
        if column == _DUE:
            return sla_display.state_icon(self._state(self._rows.physical(row)), self._dark)
        if column == _CUSTOMER:
            return sla_display.tier_badge_icon(self._rows.decode("customer_tier", self._rows.physical(row)))
        return None

    def _due_only(self, role: int) -> Callable[[int, int], Any]:
        def cell(row: int, column: int) -> Any:
            return self._due_data(self._rows.physical(row), role) if column == _DUE else None

        return cell

    def _accessible_role(self, row: int, column: int) -> Any:
        phys = self._rows.physical(row)
        if column == _DUE:
            return self._due_data(phys, _ACCESSIBLE)
        if column == _CUSTOMER:
            name = self._rows.decode("customer_name", phys)
            return f"{name}, {sla_display.tier_badge_label(self._rows.decode('customer_tier', phys))}"
        return None

    def _user_role(self, row: int, column: int) -> Any:
        name = self._raw_fields.get(column)
        return self._rows.decode(name, self._rows.physical(row)) if name is not None else None

    def _ticket_id_role(self, row: int, column: int) -> Any:
        return self._rows.ticket_id(row)

    def _clock_state_role(self, row: int, column: int) -> Any:
        return self._state(self._rows.physical(row))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder on the data side; the due column ascending, or -1, is the default (most urgent first)."""
        field = _SORT_FIELDS.get(Column(column)) if 0 <= column < len(Column) else SortField.URGENCY
        descending = order == Qt.SortOrder.DescendingOrder and field is not SortField.URGENCY
        if field is SortField.DUE and not descending:
            field = SortField.URGENCY  # the nearest due first, with the default's tie-breaks
        rows = self._rows
        if field is rows.sort_field and descending == rows.descending:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        tickets = [rows.ticket_id(index.row()) if 0 <= index.row() < len(rows) else None for index in persistent]
        rows.sort(field, descending=descending)
        self._sort_column = _column_of(field)
        moved_to = []
        for index, ticket in zip(persistent, tickets):
            row = rows.display_row_of(ticket) if ticket is not None else None
            moved_to.append(self.index(row, index.column()) if row is not None else QModelIndex())
        self.changePersistentIndexList(persistent, moved_to)
        self.layoutChanged.emit()

    def sort_column(self) -> int:
        """The column the rows are sorted by: the due column for the default order (most urgent first)."""
        return self._sort_column

    # -- cells -------------------------------------------------------------------------

    def _forget_states(self) -> None:
        # Physical rows are rewritten in place (and reused after a removal).
        self._state_memo = (-1, 0.0, self._rows, None)

    def _state(self, phys: int) -> ClockState | None:
        memo_phys, memo_now, memo_rows, memo_state = self._state_memo
        r = self._rows
        if memo_phys == phys and memo_now == self._now and memo_rows is r:
            return memo_state
        state = sla_display.live_state(r.decode("next_state", phys), r.decode("next_due", phys), r.decode("warn_at", phys), self._now)
        self._state_memo = (phys, self._now, r, state)
        return state

    def _countdown(self, phys: int) -> str:
        return sla_display.countdown_text(self._state(phys), self._rows.decode("next_due", phys), self._now)

    def _due_data(self, phys: int, role: int) -> Any:
        state = self._state(phys)
        if role == _DECORATION:
            return sla_display.state_icon(state, self._dark)
        if role == _FOREGROUND:
            return sla_display.state_foreground(state, self._dark)
        if role == _FONT:
            return sla_display.state_font(state)
        if role == _ALIGNMENT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        r = self._rows
        if role == _TOOLTIP:
            return sla_display.due_tooltip(
                state=state,
                clock_key=r.decode("next_clock", phys),
                due=r.decode("next_due", phys),
                warn_at=r.decode("warn_at", phys),
                paused_reason=r.decode("paused_reason", phys),
                remaining=r.decode("remaining", phys),
                now=self._now,
            )
        if role == _ACCESSIBLE:
            text = sla_display.countdown_text(state, r.decode("next_due", phys), self._now)
            return f"{sla_display.state_label(state)}: {text}" if state is not None else sla_display.state_label(None)
        if role == _USER:
            return r.decode("next_due", phys)
        if role == TICKET_ID_ROLE:
            return r.decode("ticket_id", phys)
        if role == CLOCK_STATE_ROLE:
            return state
        return None

    def _number(self, phys: int) -> str:
        return self._rows.decode("number", phys)

    def _priority(self, phys: int) -> str:
        label = self._rows.decode("priority_label", phys)
        return label if label is not None else self._rows.decode("priority", phys)

    def _assignee(self, phys: int) -> str:
        name = self._rows.decode("assignee", phys)
        return name if name is not None else QCoreApplication.translate("TicketTableModel", "Unassigned")

    def _tooltip(self, column: int, phys: int) -> str | None:
        r = self._rows
        if column == Column.NUMBER:
            created = sla_display.format_local_time(r.decode("created_at", phys))
            return QCoreApplication.translate("TicketTableModel", "{number} ({policy}), created {created}").format(
                number=r.decode("number", phys), policy=r.decode("policy", phys), created=created
            )
        if column == Column.SUBJECT:
            return r.decode("subject", phys)
        if column == Column.CUSTOMER:
            return f"{r.decode('customer_name', phys)}\n{sla_display.tier_badge_label(r.decode('customer_tier', phys))}"
        if column == Column.PRIORITY:
            return QCoreApplication.translate("TicketTableModel", "{priority} (rank {rank}, 0 is the most urgent)").format(
                priority=self._priority(phys), rank=r.decode("priority_rank", phys)
            )
        return None


def _column_of(field: SortField) -> int:
    if field is SortField.URGENCY:
        return int(Column.DUE)
    for column, f in _SORT_FIELDS.items():
        if f is field:
            return int(column)
    return -1


class _ModelListener:
    """Turns `QueueRows` change steps into Qt's row signals."""

    __slots__ = ("model",)

    def __init__(self, model: TicketTableModel) -> None:
        self.model = model

    def rows_about_to_be_inserted(self, first: int, last: int) -> None:
        self.model.beginInsertRows(QModelIndex(), first, last)

    def rows_inserted(self) -> None:
        self.model.endInsertRows()

    def rows_about_to_be_removed(self, first: int, last: int) -> None:
        self.model.beginRemoveRows(QModelIndex(), first, last)

    def rows_removed(self) -> None:
        self.model.endRemoveRows()

    def row_about_to_be_moved(self, source: int, destination: int) -> None:
        # Qt counts the destination before the move: moving down lands before destination + 1.
        target = destination + 1 if destination > source else destination
        ok = self.model.beginMoveRows(QModelIndex(), source, source, QModelIndex(), target)
        if not ok:  # pragma: no cover - only for a no-op move, which QueueRows never reports
            raise RuntimeError(f"Qt refused to move row {source} to {destination}")

    def row_moved(self) -> None:
        self.model.endMoveRows()

    def row_changed(self, row: int, fields: frozenset[str]) -> None:
        model = self.model
        columns = sorted({int(_FIELD_COLUMNS[f]) for f in fields})
        # One signal per run of adjacent columns: "status, sla" repaints two cells, not four.
        start = prev = columns[0]
        for column in columns[1:] + [None]:
            if column is not None and column == prev + 1:
                prev = column
                continue
            model.dataChanged.emit(model.index(row, start), model.index(row, prev))
            if column is not None:
                start = prev = column

    def reset_about_to_begin(self) -> None:
        self.model.beginResetModel()

    def reset_done(self) -> None:
        self.model.endResetModel()
