"""The queue's columns: field kinds, vocabularies, growable arrays, input checks.

The machinery under `desk_app.ui.queue.queue_rows`: what each `QueueRow` field is
stored as (numpy dtypes; strings in `StringDType`; repeated names as codes into
a `Vocabulary`, one byte wide until a column has more than 255 distinct
values), and the checks that turn a column of plain Python values into an
array or raise `QueueRowsError` naming the field and the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any

import numpy as np
from numpy.dtypes import StringDType

from desk_app.core.sla import ClockState
from desk_app.core.ticket import Status

NONE = np.iinfo(np.int64).max  # "no value" in time columns; sorts last
TIME_LIMIT = 1 << 40  # epoch seconds up to year ~36800; keeps packed keys small

STATE_CODES = {
    ClockState.RUNNING: 0,
    ClockState.WARNING: 1,
    ClockState.BREACHED: 2,
    ClockState.PAUSED: 3,
}
STATES = {code: state for state, code in STATE_CODES.items()}
PAUSED_CODE = STATE_CODES[ClockState.PAUSED]


class QueueRowsError(ValueError):
    """Input a queue cannot hold; says which field of which row, and why."""

    def __init__(self, field: str, row: int | None, reason: str) -> None:
        self.field = field
        self.row = row
        self.reason = reason
        where = f"field {field!r}" if row is None else f"row {row}, field {field!r}"
        super().__init__(f"{where}: {reason}")


#: Rows per C-level pass over a column. Such a pass holds the GIL from start to
#: end, and a million-row load runs on a worker while the UI thread waits for
#: the GIL: 4k rows keep each hold to a few milliseconds even for a column of
#: 200,000 distinct names (one pass over a million of them held it over a second).
CHUNK = 4_096


def slices(n: int) -> list[tuple[int, int]]:
    return [(start, min(start + CHUNK, n)) for start in range(0, n, CHUNK)]


def types_of(values: Sequence[Any]) -> set[type]:
    found: set[type] = set()
    for start, stop in slices(len(values)):
        found.update(map(type, values[start:stop]))
    return found


# -- text -----------------------------------------------------------------------------------

BLOCK_BITS = 16
BLOCK = 1 << BLOCK_BITS  # rows per text block
_IN_BLOCK = BLOCK - 1


class TextColumn:
    """A column of strings in `StringDType` blocks of `BLOCK` rows.

    One array of a million strings would keep them in one arena, which numpy
    regrows by copying as it fills (tens of milliseconds per copy, holding the
    GIL) and frees in one go; blocks bound both to one block's worth, and a
    column can be released a block at a time (`release`). Every block but the
    last is full; the last grows as rows are added. Row `i` is
    `blocks[i >> 16][i & 0xFFFF]`: O(1).
    """

    __slots__ = ("blocks",)

    def __init__(self, values: Sequence[str] = ()) -> None:
        self.blocks: list[np.ndarray] = []
        self.put(0, values)

    def __len__(self) -> int:
        """The capacity: rows that can be read or written."""
        return (len(self.blocks) - 1) * BLOCK + len(self.blocks[-1]) if self.blocks else 0

    def reserve(self, capacity: int) -> None:
        blocks = self.blocks
        if blocks and len(blocks[-1]) < BLOCK and len(self) < capacity:
            last = blocks[-1]
            grown = np.empty(min(BLOCK, max(2 * len(last), capacity - (len(blocks) - 1) * BLOCK)), dtype=StringDType())
            grown[: len(last)] = last
            blocks[-1] = grown
        while len(self) < capacity:
            blocks.append(np.empty(min(BLOCK, max(16, capacity - len(self))), dtype=StringDType()))

    def __getitem__(self, i: int) -> str:
        return self.blocks[i >> BLOCK_BITS][i & _IN_BLOCK]

    def __setitem__(self, i: int, value: str) -> None:
        self.blocks[i >> BLOCK_BITS][i & _IN_BLOCK] = value

    def put(self, start: int, values: Sequence[str]) -> None:
        """Write `values` from row `start` on, a chunk at a time (growing as needed)."""
        self.reserve(start + len(values))
        at = start
        for chunk_start, chunk_stop in slices(len(values)):
            chunk = values[chunk_start:chunk_stop]
            while len(chunk):
                block = self.blocks[at >> BLOCK_BITS]
                offset = at & _IN_BLOCK
                room = min(len(chunk), len(block) - offset)
                block[offset : offset + room] = chunk[:room]
                chunk = chunk[room:]
                at += room

    def take(self, rows: np.ndarray) -> list[str]:
        """The strings of `rows`, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty(len(rows), dtype=object)
        which = rows >> BLOCK_BITS
        for b, block in enumerate(self.blocks):
            where = np.flatnonzero(which == b)
            if where.size:
                out[where] = block[rows[where] & _IN_BLOCK]
        return out.tolist()

    def contains(self, needle: str, rows: np.ndarray) -> np.ndarray:
        """Whether each of `rows` contains `needle` (lower case), ignoring case."""
        rows = np.asarray(rows, dtype=np.int64)
        hits = np.zeros(len(rows), dtype=bool)
        which = rows >> BLOCK_BITS
        for b, block in enumerate(self.blocks):
            where = np.flatnonzero(which == b)
            if where.size:
                hits[where] = np.strings.find(np.strings.lower(block[rows[where] & _IN_BLOCK]), needle) >= 0
        return hits

    def keep(self, kept: np.ndarray) -> None:
        """Keep only the rows `kept` (ascending), packed from row 0."""
        values = self.take(kept)
        self.blocks = []
        self.put(0, values)

    def release(self) -> None:
        """Free the blocks one at a time (each a short hold of the GIL)."""
        while self.blocks:
            self.blocks.pop()


# -- fields -------------------------------------------------------------------------------

TEXT, VOCAB, SMALL, ID, TIME, SPAN, STATE = "text", "vocab", "small", "id", "time", "span", "state"

#: name -> (kind, optional)
FIELD_KINDS: dict[str, tuple[str, bool]] = {
    "ticket_id": (ID, False),
    "number": (TEXT, False),
    "subject": (TEXT, False),
    "customer_name": (VOCAB, False),
    "customer_tier": (VOCAB, False),
    "category": (VOCAB, False),
    "priority": (VOCAB, False),
    "priority_rank": (SMALL, False),
    "channel": (VOCAB, False),
    "status": (VOCAB, False),
    "tier_level": (SMALL, False),
    "policy": (VOCAB, False),
    "created_at": (TIME, False),
    "assignee": (VOCAB, True),
    "priority_label": (VOCAB, True),
    "next_due": (TIME, True),
    "next_state": (STATE, True),
    "warn_at": (TIME, True),
    "next_clock": (VOCAB, True),
    "paused_reason": (VOCAB, True),
    "remaining": (SPAN, True),
}
FIELDS: tuple[str, ...] = tuple(FIELD_KINDS)

DTYPES = {
    TEXT: StringDType(),
    VOCAB: np.dtype(np.int32),
    SMALL: np.dtype(np.int16),
    ID: np.dtype(np.int64),
    TIME: np.dtype(np.int64),
    SPAN: np.dtype(np.int64),
    STATE: np.dtype(np.int8),
}

_STATUS_ORDER = {status.value: i for i, status in enumerate(Status)}


def code_dtype(vocabulary_size: int) -> type:
    if vocabulary_size <= 1 << 8:
        return np.uint8
    if vocabulary_size <= 1 << 16:
        return np.uint16
    return np.int32


def casefold_key(value: str) -> tuple:
    return (value.casefold(), value)


def status_key(value: str) -> tuple:
    return (_STATUS_ORDER.get(value, len(_STATUS_ORDER)), value.casefold(), value)


class Vocabulary:
    """Distinct strings of one column; code 0 is "no value" (None)."""

    __slots__ = ("values", "_index", "sort_key", "_ranks", "_ranked")

    def __init__(self, sort_key: Callable[[str], tuple] = casefold_key) -> None:
        self.values: list[str | None] = [None]
        self._index: dict[str | None, int] = {None: 0}
        self.sort_key = sort_key
        self._ranks: np.ndarray | None = None
        self._ranked = 0

    def encode(self, values: Sequence[str | None]) -> np.ndarray:
        # A chunk at a time, new values found with small sets: one set of 200,000
        # names would be rehashed (and diffed) in single long C calls.
        index, known = self._index, self.values
        codes = np.empty(len(values), dtype=np.int32)
        for start, stop in slices(len(values)):
            chunk = values[start:stop]
            for value in set(chunk).difference(index):
                index[value] = len(known)
                known.append(value)
            codes[start:stop] = np.fromiter(map(index.__getitem__, chunk), dtype=np.int32, count=stop - start)
        return codes

    def release(self) -> None:
        """Forget every value, a slice at a time (see `QueueRows.release`)."""
        self._index = {None: 0}
        values = self.values
        while len(values) > 1:
            del values[max(1, len(values) - CHUNK) :]
        self._ranks = None
        self._ranked = 0

    def ranks(self) -> np.ndarray:
        """Rank of every code in sorted order, "no value" last; recomputed when values were added."""
        if self._ranks is None or self._ranked != len(self.values):
            order = sorted(range(1, len(self.values)), key=lambda code: self.sort_key(self.values[code]))
            ranks = np.empty(len(self.values), dtype=np.int64)
            ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
            ranks[0] = len(order)
            self._ranks, self._ranked = ranks, len(self.values)
        return self._ranks


# -- growable int arrays ------------------------------------------------------------------


class GrowArray:
    """A numpy array with spare capacity: insert/delete/move shift only what they must."""

    __slots__ = ("data", "n")

    def __init__(self, dtype: Any, values: np.ndarray | None = None) -> None:
        if values is None:
            self.data = np.zeros(16, dtype=dtype)
            self.n = 0
        else:
            self.data = np.zeros(max(16, len(values) + len(values) // 8), dtype=dtype)
            self.data[: len(values)] = values
            self.n = len(values)

    def view(self) -> np.ndarray:
        return self.data[: self.n]

    def _reserve(self, need: int) -> None:
        if need > len(self.data):
            grown = np.zeros(max(need, 2 * len(self.data)), dtype=self.data.dtype)
            grown[: self.n] = self.data[: self.n]
            self.data = grown

    def insert(self, i: int, value: int) -> None:
        self._reserve(self.n + 1)
        d = self.data
        d[i + 1 : self.n + 1] = d[i : self.n]
        d[i] = value
        self.n += 1

    def delete(self, i: int) -> None:
        d = self.data
        d[i : self.n - 1] = d[i + 1 : self.n]
        self.n -= 1

    def move(self, source: int, destination: int) -> None:
        d = self.data
        value = d[source]
        if destination > source:
            d[source:destination] = d[source + 1 : destination + 1]
        else:
            d[destination + 1 : source + 1] = d[destination:source]
        d[destination] = value


class Reversed:
    """Inverts a key's order (text, tuples) for descending bisects."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: Reversed) -> bool:
        return other.value < self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reversed) and other.value == self.value

    __hash__ = None  # type: ignore[assignment]


# -- memory -------------------------------------------------------------------------------

_malloc_trim: Any = None


def release_freed_memory() -> bool:
    """Hand memory freed by a big load back to the system; False where that is not possible.

    Call it after a full load once the input columns are gone (on the cache
    worker, after `from_columns`). glibc raises its mmap threshold as large
    blocks are freed, so later large blocks (a million-entry list, an 8 MB
    column) come from the heap, and once freed they stay in the process:
    ~100 MB after a million-row load (bench/README.md). `malloc_trim` returns
    them. Elsewhere (macOS, Windows, musl) this does nothing.
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            import ctypes

            _malloc_trim = ctypes.CDLL(None).malloc_trim
            _malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim is False:
        return False
    return bool(_malloc_trim(0))


# -- column checks ------------------------------------------------------------------------


def _first_bad(values: Sequence[Any], ok: Callable[[Any], bool]) -> int:
    return next((i for i, v in enumerate(values) if not ok(v)), 0)


_NoneType = type(None)
_BAD_STATE = 99
_STATE_LOOKUP: dict[Any, int] = {None: -1, **{state.value: code for state, code in STATE_CODES.items()}}


def _state_code(value: Any) -> int:
    try:
        return _STATE_LOOKUP.get(value, _BAD_STATE)
    except TypeError:  # unhashable
        return _BAD_STATE


def empty_column(kind: str, n: int) -> np.ndarray:
    if kind in (TIME, SPAN):
        return np.full(n, NONE, dtype=np.int64)
    if kind == STATE:
        return np.full(n, -1, dtype=np.int8)
    return np.zeros(n, dtype=DTYPES[kind])


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def check_column(name: str, kind: str, optional: bool, values: Sequence[Any]) -> Any:
    """The column as a fresh validated array (or, for vocabularies, the checked values).

    Type checks and conversions run as C-level passes of `CHUNK` rows (a
    million values take milliseconds, and the GIL changes hands between
    chunks); the per-value Python loop only runs to name a bad row.
    """
    n = len(values)
    types = types_of(values)
    if kind in (TEXT, VOCAB):
        allowed = {str, _NoneType} if optional else {str}
        if not types <= allowed:
            if not all(issubclass(t, str) or (optional and t is _NoneType) for t in types):
                i = _first_bad(values, lambda v: isinstance(v, str) or (optional and v is None))
                raise QueueRowsError(name, i, f"expected text, got {values[i]!r}")
            # str subclasses (StrEnum members such as Status.OPEN): keep their plain text
            values = [v if v is None or type(v) is str else str.__str__(v) for v in values]
        if kind == TEXT:
            return TextColumn(values)
        return values
    if kind == STATE:
        codes = np.empty(n, dtype=np.int8)
        for start, stop in slices(n):
            chunk = values[start:stop]
            try:
                codes[start:stop] = np.fromiter(map(_STATE_LOOKUP.get, chunk, repeat(_BAD_STATE)), np.int8, stop - start)
            except TypeError:  # an unhashable value
                codes[start:stop] = np.fromiter(map(_state_code, chunk), np.int8, stop - start)
        bad = np.flatnonzero(codes == _BAD_STATE)
        if bad.size:
            i = int(bad[0])
            raise QueueRowsError(name, i, f"{values[i]!r} is not a live clock state (running, warning, breached, paused)")
        return codes
    ints = all(t is not bool and issubclass(t, (int, np.integer)) for t in types - {_NoneType})
    if not ints or (_NoneType in types and not optional):
        i = _first_bad(values, lambda v: _is_int(v) and -NONE <= v <= NONE or (optional and v is None))
        raise QueueRowsError(name, i, f"expected a whole number, got {values[i]!r}")
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise QueueRowsError(name, None, "expected a flat sequence of whole numbers")
    array = np.empty(n, dtype=np.int64)  # a copy, even of an int64 array
    try:
        for start, stop in slices(n):
            if _NoneType in types:
                boxed = np.array(values[start:stop], dtype=object)
                boxed[np.equal(boxed, None)] = NONE
                array[start:stop] = boxed.astype(np.int64)
            else:
                array[start:stop] = values[start:stop]
    except OverflowError:
        i = _first_bad(values, lambda v: v is None or -NONE <= v <= NONE)
        raise QueueRowsError(name, i, f"{values[i]!r} is out of range") from None
    if kind == SMALL:
        bad = np.flatnonzero((array < 0) | (array > 32_767))
        if bad.size:
            raise QueueRowsError(name, int(bad[0]), f"{int(array[bad[0]])} is out of range (0..32767)")
        return array.astype(np.int16)
    if kind == ID:
        bad = np.flatnonzero(array < 0)
        if bad.size:
            raise QueueRowsError(name, int(bad[0]), f"{int(array[bad[0]])} is not a valid ticket id")
        return array
    present = array != NONE
    limit = TIME_LIMIT
    low = -limit if kind == SPAN else 0
    bad = np.flatnonzero(present & ((array < low) | (array >= limit)))
    if bad.size:
        unit = "seconds" if kind == SPAN else "epoch seconds"
        raise QueueRowsError(name, int(bad[0]), f"{int(array[bad[0]])} is out of range for {unit}")
    return array
