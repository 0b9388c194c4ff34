"""Queue rows: one queue of tickets as columns, sorted and filtered on the data side.

A queue can hold a million tickets (a manager's "All"), so rows are not
objects: every field is a numpy column (`desk_app.ui.queue.queue_columns`: strings
in blocks of numpy's variable-width `StringDType`, repeated names as codes
into a vocabulary), and the display order is a permutation of physical row
numbers. Reading one cell is two array lookups, whatever the size.

Inputs are plain Python data, what a local-cache query yields: `QueueRow`
records (`QueueRows.from_rows`, `QueueRows.upsert`) or whole columns
(`QueueRows.from_columns`, the fast path for a full load). Bad input raises
`QueueRowsError` naming the field and the row, and changes nothing.

Ordering
    Every order ends with arrival (created_at, then ticket id: first come, first
    served), so it is total and the same on every machine. The default
    (`SortField.URGENCY`, "most urgent first") is the SLA clock: tickets whose
    next clock is live (breached, warning, running) first, then paused ones,
    then those without a live clock, as `desk_app.core.sla.most_urgent` ranks
    them; within each, by the clock's due time, so the breached come first,
    the most overdue at the top, then the nearest due; the policy's priority
    rank breaks ties; then arrival. Tickets of a channel whose policy serves
    them in arrival order (`queue_order = "arrival"`, Shopee's Twitter
    mentions; `set_arrival_classes`) take no priority tie-break: among
    themselves they share one first-response target, so nearest due is first
    come, and a tie goes to the earlier arrival. Sorting by a column is a
    stable order on that column, then arrival; an empty value (no clock, no
    assignee) stays last in both directions.

    A full sort packs each row's key into one int64 (the components' ranges,
    then the row's rank in arrival order), sorts those keys with numpy (they
    are unique, so a plain sort will do, several times faster than an
    argsort) and reads each row's rank back from the low bits; when the ranges
    do not fit in 63 bits it falls back to `numpy.lexsort`. Text columns
    (number, subject) sort with Python's stable sort on case-folded text:
    slower, and rarely asked for on huge queues.

Incremental updates
    `upsert` / `remove` change only the rows named, and tell a `RowsListener`
    exactly what happens to the display order, one step at a time: a row
    changed in place (with the fields that changed), moved from one position
    to another, inserted, or removed. The table model turns these into
    dataChanged / beginMoveRows / beginInsertRows / beginRemoveRows. A row's
    position is found by bisecting the permutation with the same key the full
    sort uses, so no inverse permutation is kept; a move shifts only the rows
    between its old and new place. Batches larger than `RESET_BATCH` are
    applied in one go and reported as a reset.

Threading: a `QueueRows` may be built (and sorted) on a worker thread, from
the cache, and handed to the UI thread; from then on only the UI thread
touches it, until it is released (`release_in_background`). Building runs its
passes over the columns in chunks so that the worker never holds the GIL for
long, and `release_freed_memory()` after a full load gives glibc's freed
blocks back to the system (bench/README.md, "Queue table model").
"""

from __future__ import annotations

import math
import queue
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import numpy as np

from desk_app.core.sla import Clock, ClockState, most_urgent
from desk_app.ui.queue.queue_columns import (
    DTYPES,
    FIELD_KINDS,
    FIELDS,
    NONE,
    PAUSED_CODE,
    SPAN,
    STATE,
    STATES,
    TEXT,
    TIME,
    VOCAB,
    GrowArray,
    QueueRowsError,
    Reversed,
    TextColumn,
    Vocabulary,
    casefold_key,
    check_column,
    code_dtype,
    empty_column,
    release_freed_memory,
    status_key,
)

__all__ = [
    "QueueRow",
    "QueueRows",
    "QueueRowsError",
    "RESET_BATCH",
    "RowFilter",
    "RowsListener",
    "SortField",
    "next_clock_fields",
    "release_freed_memory",
    "release_in_background",
]

#: Above this many rows in one upsert/remove, the change is applied in one go
#: and reported as a reset: k single moves cost about k passes over the order.
RESET_BATCH = 200

@dataclass(frozen=True, slots=True)
class QueueRow:
    """One ticket as a queue shows it: plain data a cache query can produce."""

    ticket_id: int
    number: str  # "SHP-000123"
    subject: str
    customer_name: str
    customer_tier: str  # a desk_app.core.ticket.CustomerTier value
    category: str  # the category's label
    priority: str  # the priority's key
    priority_rank: int  # the policy's rank: 0 is the most urgent
    channel: str
    status: str  # a desk_app.core.ticket.Status value
    tier_level: int
    policy: str  # the policy's key
    created_at: int  # epoch seconds
    assignee: str | None = None  # the assignee's display name; None: unassigned
    priority_label: str | None = None  # shown instead of the key when given
    # The most urgent live clock (`next_clock_fields` fills these from a snapshot):
    next_due: int | None = None  # epoch seconds
    next_state: ClockState | None = None  # running, warning, breached or paused
    warn_at: int | None = None  # epoch seconds
    next_clock: str | None = None  # its key: "first_response", "tier_budget:1"
    paused_reason: str | None = None  # the pausing status, or "mode:<key>"
    remaining: int | None = None  # business seconds left when computed (frozen while paused)


def _epoch_ceil(moment: datetime) -> int:
    # Rounded up, so that a row never shows a breach before the core would.
    return math.ceil(moment.timestamp())


def next_clock_fields(clocks: Sequence[Clock]) -> dict[str, Any]:
    """The `QueueRow` clock fields for a ticket's clocks: its `most_urgent` live clock."""
    clock = most_urgent(clocks)
    if clock is None:
        return dict(next_due=None, next_state=None, warn_at=None, next_clock=None, paused_reason=None, remaining=None)
    return dict(
        next_due=_epoch_ceil(clock.due_at),
        next_state=clock.state,
        warn_at=_epoch_ceil(clock.warn_at) if clock.warn_at is not None else None,
        next_clock=clock.key,
        paused_reason=clock.paused_reason,
        remaining=math.floor(clock.remaining.total_seconds()),
    )


class SortField(StrEnum):
    URGENCY = "urgency"  # the default: next clock (breached first), due time, priority rank, arrival
    NUMBER = "number"
    SUBJECT = "subject"
    CUSTOMER = "customer_name"
    CATEGORY = "category"
    PRIORITY = "priority_rank"
    CHANNEL = "channel"
    STATUS = "status"
    TIER = "tier_level"
    ASSIGNEE = "assignee"
    POLICY = "policy"
    DUE = "next_due"
    ARRIVAL = "created_at"


@dataclass(frozen=True, slots=True)
class RowFilter:
    """Which rows a queue shows. None (or empty text) means no condition on that field."""

    text: str = ""  # case-insensitive substring of the number, subject or customer name
    statuses: frozenset[str] | None = None
    assignees: frozenset[str | None] | None = None  # None in the set: unassigned tickets
    tier_levels: frozenset[int] | None = None
    policies: frozenset[str] | None = None

    @property
    def is_empty(self) -> bool:
        return not self.text and self.statuses is None and self.assignees is None and (
            self.tier_levels is None and self.policies is None
        )


class RowsListener(Protocol):
    """What `QueueRows.upsert`/`remove` report, step by step, in display positions."""

    def rows_about_to_be_inserted(self, first: int, last: int) -> None: ...
    def rows_inserted(self) -> None: ...
    def rows_about_to_be_removed(self, first: int, last: int) -> None: ...
    def rows_removed(self) -> None: ...
    #: The row at `source` will be at `destination` once the move is done.
    def row_about_to_be_moved(self, source: int, destination: int) -> None: ...
    def row_moved(self) -> None: ...
    def row_changed(self, row: int, fields: frozenset[str]) -> None: ...
    def reset_about_to_begin(self) -> None: ...
    def reset_done(self) -> None: ...


class _NullListener:
    def rows_about_to_be_inserted(self, first: int, last: int) -> None:
        pass

    def rows_inserted(self) -> None:
        pass

    def rows_about_to_be_removed(self, first: int, last: int) -> None:
        pass

    def rows_removed(self) -> None:
        pass

    def row_about_to_be_moved(self, source: int, destination: int) -> None:
        pass

    def row_moved(self) -> None:
        pass

    def row_changed(self, row: int, fields: frozenset[str]) -> None:
        pass

    def reset_about_to_begin(self) -> None:
        pass

    def reset_done(self) -> None:
        pass


_NULL = _NullListener()

# -- the store ----------------------------------------------------------------------------


class QueueRows:
    """A queue's tickets as columns, in display order (sorted, filtered). See the module docstring."""

    def __init__(self) -> None:
        self._vocab = {
            name: Vocabulary(status_key if name == "status" else casefold_key)
            for name, (kind, _) in FIELD_KINDS.items()
            if kind == VOCAB
        }
        self._cols: dict[str, Any] = {  # numpy arrays; TextColumn for text
            name: TextColumn([""] * 16) if kind == TEXT else np.zeros(16, dtype=np.uint8 if kind == VOCAB else DTYPES[kind])
            for name, (kind, _) in FIELD_KINDS.items()
        }
        self._visible = np.zeros(16, dtype=bool)
        self._n = 0
        self._id_sorted = GrowArray(np.int64)  # ticket ids, ascending
        self._id_rows = GrowArray(np.int32)  # the physical row of each
        self._arrival = GrowArray(np.int32)  # physical rows by (created_at, ticket_id)
        self._perm = GrowArray(np.int32)  # display row -> physical row (visible rows only)
        self._sort = SortField.URGENCY
        self._descending = False
        self._filter = RowFilter()
        #: (policy key, channel as the rows hold it) served in arrival order: no priority tie-break.
        self._arrival_classes: frozenset[tuple[str, str]] = frozenset()

    # -- building --------------------------------------------------------------------

    @classmethod
    def from_rows(cls, rows: Iterable[QueueRow], *, row_filter: RowFilter | None = None) -> QueueRows:
        rows = list(rows)
        for i, row in enumerate(rows):
            if not isinstance(row, QueueRow):
                raise QueueRowsError("*", i, f"expected a QueueRow, got {type(row).__name__}")
        return cls.from_columns({name: [getattr(r, name) for r in rows] for name in FIELDS}, row_filter=row_filter)

    @classmethod
    def from_columns(cls, columns: Mapping[str, Sequence[Any]], *, row_filter: RowFilter | None = None) -> QueueRows:
        """Rows from whole columns (a mapping of field name to sequence, all the same length).

        Optional fields may be left out (all None). The fast path for a full load.
        """
        rows = cls()
        encoded, n = rows._encode(columns)
        # The encoded arrays become the columns: no second copy of a million rows.
        for name, values in encoded.items():
            if name in rows._vocab:
                values = values.astype(code_dtype(len(rows._vocab[name].values)))
            rows._cols[name] = values
        rows._visible = np.zeros(n, dtype=bool)
        rows._n = n
        rows._reserve(1)
        rows._filter = row_filter or RowFilter()
        rows._rebuild()
        sorted_ids = rows._id_sorted.view()
        dup = np.flatnonzero(sorted_ids[1:] == sorted_ids[:-1])
        if dup.size:
            first = int(rows._id_rows.data[dup[0] + 1])
            raise QueueRowsError("ticket_id", first, f"ticket {int(sorted_ids[dup[0]])} appears twice")
        return rows

    def _rebuild(self) -> None:
        """Every index from the columns: ids, arrival order, filter, display order."""
        n = self._n
        ids = self._cols["ticket_id"][:n]
        order = np.argsort(ids, kind="stable")
        self._id_sorted = GrowArray(np.int64, ids[order])
        self._id_rows = GrowArray(np.int32, order.astype(np.int32))
        self._arrival = GrowArray(np.int32, np.lexsort((ids, self._cols["created_at"][:n])).astype(np.int32))
        self._refresh_visible()
        self._perm = GrowArray(np.int32, self._full_order())

    def _encode(self, columns: Mapping[str, Sequence[Any]]) -> tuple[dict[str, np.ndarray], int]:
        """Validates every column, then encodes them; nothing is changed if anything is wrong."""
        unknown = sorted(set(columns) - set(FIELD_KINDS))
        if unknown:
            raise QueueRowsError(unknown[0], None, f"unknown field (known: {', '.join(FIELDS)})")
        lengths = {name: len(values) for name, values in columns.items()}
        n = lengths.get("ticket_id", 0)
        for name, (kind, optional) in FIELD_KINDS.items():
            if name not in columns and not optional:
                raise QueueRowsError(name, None, "missing (a required field)")
            if name in columns and lengths[name] != n:
                raise QueueRowsError(name, None, f"has {lengths[name]} values, ticket_id has {n}")
        checked: dict[str, Any] = {}
        for name, (kind, optional) in FIELD_KINDS.items():
            values = columns.get(name)
            if values is None:
                checked[name] = None
                continue
            checked[name] = check_column(name, kind, optional, values)
        self._check_clock_fields(checked, n)
        encoded: dict[str, np.ndarray] = {}
        for name, (kind, optional) in FIELD_KINDS.items():
            values = checked[name]
            if values is None:
                encoded[name] = empty_column(kind, n)
            elif kind == VOCAB:
                encoded[name] = self._vocab[name].encode(values)
            else:
                encoded[name] = values
        return encoded, n

    @staticmethod
    def _check_clock_fields(checked: dict[str, Any], n: int) -> None:
        due = checked["next_due"] if checked["next_due"] is not None else np.full(n, NONE, dtype=np.int64)
        state = checked["next_state"] if checked["next_state"] is not None else np.full(n, -1, dtype=np.int8)
        bad = np.flatnonzero((due == NONE) != (state < 0))
        if bad.size:
            i = int(bad[0])
            if due[i] == NONE:
                raise QueueRowsError("next_due", i, "a next clock state needs its due time")
            raise QueueRowsError("next_state", i, "a due time needs the clock's state")

    def _widen_codes(self) -> None:
        """Vocabulary codes are stored as narrow as their vocabulary allows; grow with it."""
        for name, vocab in self._vocab.items():
            column = self._cols[name]
            wanted = np.dtype(code_dtype(len(vocab.values)))
            if wanted.itemsize > column.dtype.itemsize:
                self._cols[name] = column.astype(wanted)

    def _reserve(self, need: int) -> None:
        capacity = len(self._visible)
        if need <= capacity:
            return
        capacity = max(need, 2 * capacity)
        for name, column in self._cols.items():
            if isinstance(column, TextColumn):
                column.reserve(capacity)
                continue
            grown = np.zeros(capacity, dtype=column.dtype)
            grown[: self._n] = column[: self._n]
            self._cols[name] = grown
        visible = np.zeros(capacity, dtype=bool)
        visible[: self._n] = self._visible[: self._n]
        self._visible = visible

    # -- reading (display rows; each O(1)) -------------------------------------------

    def __len__(self) -> int:
        """Rows shown (those that pass the filter)."""
        return self._perm.n

    @property
    def total(self) -> int:
        """Rows held, shown or not."""
        return self._n

    @property
    def sort_field(self) -> SortField:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def filter(self) -> RowFilter:
        return self._filter

    def column(self, name: str) -> np.ndarray:
        """A read-only view of one raw column over every held row (physical order).

        Vocabulary fields hold codes, absent times the int64 maximum. For
        vectorised summaries (counts); `decode` turns one value into Python data.
        Text fields (number, subject) are not arrays: read them with `decode`.
        """
        if name not in FIELD_KINDS:
            raise KeyError(f"no field {name!r}")
        if FIELD_KINDS[name][0] == TEXT:
            raise KeyError(f"{name!r} is a text field, stored in blocks: read it with decode()")
        view = self._cols[name][: self._n]
        view.flags.writeable = False
        return view

    def physical(self, row: int) -> int:
        """The physical row shown at display `row` (valid until the next change)."""
        if not 0 <= row < self._perm.n:
            raise IndexError(f"row {row} out of range (0..{self._perm.n - 1})")
        return int(self._perm.data[row])

    def value(self, name: str, row: int) -> Any:
        """One field of the ticket shown at display `row`, as plain Python data."""
        return self.decode(name, self.physical(row))

    def decode(self, name: str, phys: int) -> Any:
        """One field of physical row `phys` (see `physical`), as plain Python data."""
        kind = FIELD_KINDS[name][0]
        raw = self._cols[name][phys]
        if kind == TEXT:
            return str(raw)
        if kind == VOCAB:
            return self._vocab[name].values[raw]
        if kind == STATE:
            return STATES.get(int(raw))
        value = int(raw)
        if kind in (TIME, SPAN) and value == NONE:
            return None
        return value

    def ticket_id(self, row: int) -> int:
        return int(self._cols["ticket_id"][self.physical(row)])

    def row(self, row: int) -> QueueRow:
        phys = self.physical(row)
        return QueueRow(**{name: self.decode(name, phys) for name in FIELDS})

    def display_row_of(self, ticket_id: int) -> int | None:
        """Where a ticket is shown; None when it is not in the queue or filtered out."""
        phys = self._lookup(ticket_id)
        if phys is None or not self._visible[phys]:
            return None
        return self._display_pos(phys, self._key_fn())

    def __contains__(self, ticket_id: object) -> bool:
        return isinstance(ticket_id, int) and self._lookup(ticket_id) is not None

    def ticket_ids(self) -> list[int]:
        """Ids of the shown rows, in display order."""
        return self._cols["ticket_id"][self._perm.view()].tolist()

    # -- ordering and filtering --------------------------------------------------------

    def sort(self, field: SortField | str = SortField.URGENCY, *, descending: bool = False) -> None:
        """Reorder the shown rows (the caller reports a layout change)."""
        self._sort = SortField(field)
        self._descending = bool(descending) and self._sort is not SortField.URGENCY
        self._perm = GrowArray(np.int32, self._full_order())

    def set_arrival_classes(self, classes: Iterable[tuple[str, str]]) -> None:
        """The (policy, channel) pairs whose tickets are served in arrival order; from the next `sort`."""
        self._arrival_classes = frozenset(classes)

    @property
    def arrival_classes(self) -> frozenset[tuple[str, str]]:
        return self._arrival_classes

    def _tie_ranks(self, phys: np.ndarray | slice) -> np.ndarray:
        """The priority rank that breaks due-time ties: 0 for the arrival-ordered channels."""
        ranks = self._cols["priority_rank"][phys].astype(np.int64)
        lut = self._arrival_lut()
        if lut is not None:
            ranks[lut[self._cols["policy"][phys], self._cols["channel"][phys]]] = 0
        return ranks

    def _arrival_lut(self) -> np.ndarray | None:
        """[policy code, channel code] -> served in arrival order (None: no such channel here)."""
        if not self._arrival_classes:
            return None
        policies, channels = self._vocab["policy"].values, self._vocab["channel"].values
        lut = np.zeros((len(policies), len(channels)), dtype=bool)
        for i, policy in enumerate(policies):
            for j, channel in enumerate(channels):
                lut[i, j] = (policy, channel) in self._arrival_classes
        return lut if lut.any() else None

    def set_filter(self, row_filter: RowFilter | None) -> None:
        """Show only the rows `row_filter` accepts (the caller reports a reset)."""
        self._filter = row_filter or RowFilter()
        self._refresh_visible()
        self._perm = GrowArray(np.int32, self._full_order())

    def _refresh_visible(self) -> None:
        n = self._n
        if self._filter.is_empty:
            self._visible[:n] = True
        else:
            self._visible[:n] = self._filter_mask(np.arange(n))

    def _filter_mask(self, phys: np.ndarray) -> np.ndarray:
        f = self._filter
        cols = self._cols
        mask = np.ones(len(phys), dtype=bool)
        if f.statuses is not None:
            mask &= np.isin(cols["status"][phys], self._codes("status", f.statuses))
        if f.assignees is not None:
            mask &= np.isin(cols["assignee"][phys], self._codes("assignee", f.assignees))
        if f.policies is not None:
            mask &= np.isin(cols["policy"][phys], self._codes("policy", f.policies))
        if f.tier_levels is not None:
            mask &= np.isin(cols["tier_level"][phys], np.fromiter(f.tier_levels, dtype=np.int64))
        if f.text:
            needle = f.text.lower()
            hit = np.zeros(len(phys), dtype=bool)
            for name in ("number", "subject"):
                hit |= cols[name].contains(needle, phys)
            names = self._vocab["customer_name"].values
            codes = [code for code, value in enumerate(names) if value is not None and needle in value.lower()]
            hit |= np.isin(cols["customer_name"][phys], np.asarray(codes, dtype=np.int32))
            mask &= hit
        return mask

    def _codes(self, name: str, values: Iterable[str | None]) -> np.ndarray:
        index = self._vocab[name]._index
        return np.asarray([index[v] for v in values if v in index], dtype=np.int32)

    def _row_passes(self, phys: int) -> bool:
        f = self._filter
        if f.is_empty:
            return True
        if f.statuses is not None and self.decode("status", phys) not in f.statuses:
            return False
        if f.assignees is not None and self.decode("assignee", phys) not in f.assignees:
            return False
        if f.policies is not None and self.decode("policy", phys) not in f.policies:
            return False
        if f.tier_levels is not None and self.decode("tier_level", phys) not in f.tier_levels:
            return False
        if f.text:
            needle = f.text.lower()
            return any(needle in str(self.decode(name, phys)).lower() for name in ("number", "subject", "customer_name"))
        return True

    def _components(self, phys: np.ndarray | slice) -> list[np.ndarray] | None:
        """The current order's key columns for `phys` (ascending, most significant first).

        None for text orders, which sort in Python. `phys` is an index array or a slice.
        """
        cols = self._cols
        flip = -1 if self._descending else 1
        field = self._sort
        if field in (SortField.NUMBER, SortField.SUBJECT, SortField.ARRIVAL):
            return None

        def group() -> np.ndarray:
            state = cols["next_state"][phys]
            return np.where(state < 0, 2, np.where(state == PAUSED_CODE, 1, 0)).astype(np.int64)

        def due() -> np.ndarray:
            values = cols["next_due"][phys]
            return np.where(values == NONE, 0, values)

        def vocab(name: str) -> np.ndarray:
            return self._vocab[name].ranks()[cols[name][phys]]

        if field is SortField.URGENCY:
            return [group(), due(), self._tie_ranks(phys)]
        if field is SortField.DUE:
            return [group(), flip * due()]
        if field is SortField.PRIORITY:
            return [flip * cols["priority_rank"][phys].astype(np.int64)]
        if field is SortField.TIER:
            return [flip * cols["tier_level"][phys].astype(np.int64)]
        if field is SortField.ASSIGNEE:
            return [(cols["assignee"][phys] == 0).astype(np.int64), flip * vocab("assignee")]
        return [flip * vocab(field.value)]

    def _full_order(self) -> np.ndarray:
        """The shown rows, in the current order (physical row numbers)."""
        n = self._n
        arrival = self._arrival.view()
        everything = self._filter.is_empty
        order = arrival if everything else arrival[self._visible[arrival]]
        m = len(order)
        if m == 0:
            return np.zeros(0, dtype=np.int32)
        if self._sort is SortField.ARRIVAL:
            return order[::-1].copy() if self._descending else order.copy()
        if self._sort in (SortField.NUMBER, SortField.SUBJECT):
            texts = self._cols[self._sort.value].take(order)
            folded = [t.casefold() for t in texts]
            ranked = sorted(range(m), key=folded.__getitem__, reverse=self._descending)
            return order[np.asarray(ranked, dtype=np.int64)]
        if everything:
            # Every row: read the columns in place (no gathers) and carry each
            # row's rank in arrival order as the tie-break.
            components = self._components(np.s_[:n])
            payload = np.empty(n, dtype=np.int64)
            payload[order] = np.arange(n, dtype=np.int64)
        else:
            components = self._components(order)
            payload = np.arange(m, dtype=np.int64)
        payload_bits = max(1, (m - 1).bit_length())
        spans = []
        for column in components:
            low = int(column.min())
            spans.append((column, low, max(1, (int(column.max()) - low).bit_length())))
        if sum(bits for _, _, bits in spans) + payload_bits > 63:
            index = np.lexsort([payload] + components[::-1])
            return order[payload[index]]
        key = np.zeros(len(payload), dtype=np.int64)
        for column, low, bits in spans:
            key <<= bits
            key |= column - low
        key <<= payload_bits
        key |= payload
        # Keys are unique (they end with the arrival rank), so sorting the keys
        # themselves orders the rows, and the rank comes back out of the low
        # bits: a plain sort is several times faster than an argsort.
        key.sort()
        key &= (1 << payload_bits) - 1
        return order[key]

    def _key_fn(self) -> Callable[[int], tuple]:
        """The current order's key of one physical row; consistent with `_full_order`."""
        cols = self._cols
        field = self._sort
        flip = -1 if self._descending else 1
        created, ids = cols["created_at"], cols["ticket_id"]
        state_col, due_col = cols["next_state"], cols["next_due"]

        def tail(p: int) -> tuple:
            return (int(created[p]), int(ids[p]))

        def group(p: int) -> int:
            s = state_col[p]
            return 2 if s < 0 else (1 if s == PAUSED_CODE else 0)

        def due(p: int) -> int:
            d = int(due_col[p])
            return 0 if d == NONE else d

        if field is SortField.URGENCY:
            rank = cols["priority_rank"]
            lut = self._arrival_lut()
            if lut is None:
                return lambda p: (group(p), due(p), int(rank[p]), *tail(p))
            policy, channel = cols["policy"], cols["channel"]
            return lambda p: (group(p), due(p), 0 if lut[policy[p], channel[p]] else int(rank[p]), *tail(p))
        if field is SortField.DUE:
            return lambda p: (group(p), flip * due(p), *tail(p))
        if field in (SortField.PRIORITY, SortField.TIER):
            column = cols[field.value]
            return lambda p: (flip * int(column[p]), *tail(p))
        if field is SortField.ARRIVAL:
            return (lambda p: tail(p)) if flip > 0 else (lambda p: (-int(created[p]), -int(ids[p])))
        if field in (SortField.NUMBER, SortField.SUBJECT):
            column = cols[field.value]
            if flip > 0:
                return lambda p: (str(column[p]).casefold(), *tail(p))
            return lambda p: (Reversed(str(column[p]).casefold()), *tail(p))
        # Vocabulary fields compare their values' sort keys, the order `ranks()` numbers:
        # no re-ranking of every distinct value when an upsert brings a new one.
        codes = cols[field.value]
        vocab = self._vocab[field.value]
        values, sort_key = vocab.values, vocab.sort_key
        wrap: Callable[[Any], Any] = (lambda k: k) if flip > 0 else Reversed
        if field is SortField.ASSIGNEE:
            return lambda p: (int(codes[p] == 0), wrap(sort_key(values[codes[p]]) if codes[p] else ()), *tail(p))
        return lambda p: (wrap(sort_key(values[codes[p]])), *tail(p))

    def _display_pos(self, phys: int, key: Callable[[int], tuple]) -> int:
        perm = self._perm
        pos = bisect_left(perm.data, key(phys), 0, perm.n, key=key)
        if pos < perm.n and perm.data[pos] == phys:
            return pos
        # Not where its key says (the index is kept exact, so this is a safety net): look it up.
        hits = np.flatnonzero(perm.view() == phys)
        if not hits.size:
            raise LookupError(f"physical row {phys} is not shown")
        return int(hits[0])

    def _arrival_pos(self, phys: int) -> int:
        created, ids = self._cols["created_at"], self._cols["ticket_id"]

        def key(p: int) -> tuple[int, int]:
            return (int(created[p]), int(ids[p]))

        pos = bisect_left(self._arrival.data, key(phys), 0, self._arrival.n, key=key)
        if self._arrival.data[pos] != phys:  # pragma: no cover - the index is kept exact
            raise LookupError(f"physical row {phys} missing from the arrival order")
        return pos

    def _arrival_insert(self, phys: int) -> None:
        created, ids = self._cols["created_at"], self._cols["ticket_id"]

        def key(p: int) -> tuple[int, int]:
            return (int(created[p]), int(ids[p]))

        self._arrival.insert(bisect_left(self._arrival.data, key(phys), 0, self._arrival.n, key=key), phys)

    def _lookup(self, ticket_id: int) -> int | None:
        ids = self._id_sorted
        i = int(np.searchsorted(ids.view(), ticket_id))
        if i < ids.n and ids.data[i] == ticket_id:
            return int(self._id_rows.data[i])
        return None

    # -- changing ----------------------------------------------------------------------

    def upsert(self, rows: Sequence[QueueRow], listener: RowsListener = _NULL) -> None:
        """Add or update tickets (whole rows, as the cache has them now).

        Validated as a whole first: a bad row raises and changes nothing. A row
        whose fields are all unchanged reports nothing.
        """
        rows = list(rows)
        if not rows:
            return
        for i, row in enumerate(rows):
            if not isinstance(row, QueueRow):
                raise QueueRowsError("*", i, f"expected a QueueRow, got {type(row).__name__}")
        seen: dict[int, int] = {}
        for i, row in enumerate(rows):
            if row.ticket_id in seen:
                raise QueueRowsError("ticket_id", i, f"ticket {row.ticket_id} appears twice in the batch (row {seen[row.ticket_id]})")
            seen[row.ticket_id] = i
        encoded, k = self._encode({name: [getattr(r, name) for r in rows] for name in FIELDS})
        self._widen_codes()
        if k > RESET_BATCH:
            # In one go: k single steps would each shift up to the whole order.
            listener.reset_about_to_begin()
            fresh = []
            for i in range(k):
                phys = self._lookup(int(encoded["ticket_id"][i]))
                if phys is None:
                    fresh.append(i)
                else:
                    self._write(phys, {name: column[i] for name, column in encoded.items()})
            if fresh:
                start, added = self._n, len(fresh)
                self._reserve(start + added)
                picked = np.asarray(fresh, dtype=np.int64)
                for name, column in encoded.items():
                    if isinstance(column, TextColumn):
                        self._cols[name].put(start, column.take(picked))
                    else:
                        self._cols[name][start : start + added] = column[picked]
                self._n += added
            self._rebuild()
            listener.reset_done()
            return
        for i in range(k):
            values = {name: column[i] for name, column in encoded.items()}
            phys = self._lookup(int(values["ticket_id"]))
            if phys is None:
                phys = self._append(values)
                if self._visible[phys]:
                    key = self._key_fn()
                    pos = bisect_left(self._perm.data, key(phys), 0, self._perm.n, key=key)
                    listener.rows_about_to_be_inserted(pos, pos)
                    self._perm.insert(pos, phys)
                    listener.rows_inserted()
            else:
                self._update(phys, values, listener)

    def _update(self, phys: int, values: dict[str, Any], listener: RowsListener) -> None:
        was_visible = bool(self._visible[phys])
        old = self._display_pos(phys, self._key_fn()) if was_visible else -1
        arrival_moves = values["created_at"] != self._cols["created_at"][phys]
        if arrival_moves:
            self._arrival.delete(self._arrival_pos(phys))
        changed = self._write(phys, values)
        if arrival_moves:
            self._arrival_insert(phys)
        if not changed:
            return
        visible = self._row_passes(phys)
        self._visible[phys] = visible
        perm = self._perm
        key = self._key_fn()
        if was_visible and visible:
            new_key = key(phys)
            if old > 0 and new_key < key(int(perm.data[old - 1])):
                new = bisect_left(perm.data, new_key, 0, old, key=key)
            elif old + 1 < perm.n and key(int(perm.data[old + 1])) < new_key:
                new = bisect_left(perm.data, new_key, old + 1, perm.n, key=key) - 1
            else:
                new = old
            if new != old:
                listener.row_about_to_be_moved(old, new)
                perm.move(old, new)
                listener.row_moved()
            listener.row_changed(new, changed)
        elif was_visible:
            listener.rows_about_to_be_removed(old, old)
            perm.delete(old)
            listener.rows_removed()
        elif visible:
            pos = bisect_left(perm.data, key(phys), 0, perm.n, key=key)
            listener.rows_about_to_be_inserted(pos, pos)
            perm.insert(pos, phys)
            listener.rows_inserted()

    def _write(self, phys: int, values: dict[str, Any]) -> frozenset[str]:
        changed = []
        for name, value in values.items():
            column = self._cols[name]
            if column[phys] != value:
                column[phys] = value
                changed.append(name)
        return frozenset(changed)

    def _append(self, values: dict[str, Any]) -> int:
        phys = self._n
        self._reserve(phys + 1)
        for name, value in values.items():
            self._cols[name][phys] = value
        self._n += 1
        ticket_id = int(values["ticket_id"])
        i = int(np.searchsorted(self._id_sorted.view(), ticket_id))
        self._id_sorted.insert(i, ticket_id)
        self._id_rows.insert(i, phys)
        self._arrival_insert(phys)
        self._visible[phys] = self._row_passes(phys)
        return phys

    def remove(self, ticket_ids: Iterable[int], listener: RowsListener = _NULL) -> list[int]:
        """Drop tickets from the queue; ids it does not hold are ignored. Returns the ids dropped."""
        wanted = list(dict.fromkeys(int(t) for t in ticket_ids))
        present = [t for t in wanted if self._lookup(t) is not None]
        if len(present) > RESET_BATCH:
            listener.reset_about_to_begin()
            n = self._n
            keep = np.ones(n, dtype=bool)
            keep[[self._lookup(t) for t in present]] = False
            kept = int(keep.sum())
            rows_kept = np.flatnonzero(keep)
            for column in self._cols.values():
                if isinstance(column, TextColumn):
                    column.keep(rows_kept)
                else:
                    column[:kept] = column[:n][keep]
            self._n = kept
            self._rebuild()
            listener.reset_done()
            return present
        for ticket_id in present:
            phys = self._lookup(ticket_id)
            assert phys is not None
            if self._visible[phys]:
                pos = self._display_pos(phys, self._key_fn())
                listener.rows_about_to_be_removed(pos, pos)
                self._perm.delete(pos)
                self._visible[phys] = False
                listener.rows_removed()
            self._drop(phys)
        return present

    def release(self) -> None:
        """Free the storage a piece at a time; the queue is empty afterwards.

        Dropping a big queue frees it in one chain of C calls that holds the
        GIL throughout (about 100 ms for a million rows); this frees one column,
        text block or slice of names at a time, so that it can run on a worker
        (`release_in_background`) while the UI thread keeps running.
        """
        for name in list(self._cols):
            column = self._cols.pop(name)
            if isinstance(column, TextColumn):
                column.release()
            del column
        for vocabulary in self._vocab.values():
            vocabulary.release()
        self.__init__()  # type: ignore[misc]  # an empty, usable queue

    def _drop(self, phys: int) -> None:
        """Forget a physical row that is no longer shown; the last row takes its place."""
        self._arrival.delete(self._arrival_pos(phys))
        ids = self._id_sorted
        i = int(np.searchsorted(ids.view(), self._cols["ticket_id"][phys]))
        ids.delete(i)
        self._id_rows.delete(i)
        last = self._n - 1
        if phys != last:
            self._arrival.data[self._arrival_pos(last)] = phys
            j = int(np.searchsorted(ids.view(), self._cols["ticket_id"][last]))
            self._id_rows.data[j] = phys
            if self._visible[last]:
                self._perm.data[self._display_pos(last, self._key_fn())] = phys
            for column in self._cols.values():
                column[phys] = column[last]
            self._visible[phys] = self._visible[last]
        self._n = last


# -- releasing big queues off the UI thread -------------------------------------------------

_graveyard: queue.SimpleQueue[QueueRows] | None = None
_graveyard_lock = threading.Lock()


def release_in_background(rows: QueueRows) -> None:
    """Hand a queue nobody uses any more to a worker that releases it piecemeal.

    The table model does this with the rows it stops showing, so that leaving
    a million-row queue does not stall the UI thread for the ~100 ms its
    deallocation takes.
    """
    global _graveyard
    with _graveyard_lock:
        if _graveyard is None:
            _graveyard = queue.SimpleQueue()
            threading.Thread(target=_bury, args=(_graveyard,), name="desk-queue-release", daemon=True).start()
    _graveyard.put(rows)


def _bury(graveyard: queue.SimpleQueue[QueueRows]) -> None:
    while True:
        rows = graveyard.get()
        rows.release()
        del rows
