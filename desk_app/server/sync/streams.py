"""How many live streams may be open: per user (the oldest is closed first) and per instance (issue 19.8).

Each stream registers when it opens and lets go when it ends. A user past
their cap keeps their newest streams: the oldest is told to close (its loop
sees `closed` on its next wake-up, and is woken at once). An instance at its
cap refuses new streams with 503 and `Retry-After`, so the connections and
memory a stream costs stay bounded whoever asks.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable

from desk_app.server.core.errors import ApiError


class StreamSlot:
    """One open stream's place; `closed` turns true when a newer stream of its user took it."""

    __slots__ = ("user_id", "number", "closed", "_limits")

    def __init__(self, limits: StreamLimits, user_id: int, number: int) -> None:
        self._limits = limits
        self.user_id = user_id
        self.number = number
        self.closed = False

    def release(self) -> None:
        self._limits._release(self)


class StreamLimits:
    def __init__(self, per_user: int, per_instance: int, wake: Callable[[], None] = lambda: None) -> None:
        self.per_user = per_user
        self.per_instance = per_instance
        self._wake = wake
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._by_user: dict[int, OrderedDict[int, StreamSlot]] = {}
        self._open = 0

    @property
    def open_count(self) -> int:
        return self._open

    def open(self, user_id: int) -> StreamSlot:
        """A slot for a new stream; 503 when the instance is full."""
        evicted = []
        with self._lock:
            mine = self._by_user.setdefault(user_id, OrderedDict())
            while len(mine) >= self.per_user:
                _, oldest = mine.popitem(last=False)
                oldest.closed = True
                self._open -= 1
                evicted.append(oldest)
            if self._open >= self.per_instance:
                if not mine:
                    del self._by_user[user_id]
                raise ApiError(
                    503,
                    "too_many_streams",
                    "This server has as many live streams open as it serves; try again shortly.",
                    headers={"Retry-After": "5"},
                    retry_after=5,
                )
            slot = StreamSlot(self, user_id, next(self._numbers))
            mine[slot.number] = slot
            self._open += 1
        if evicted:
            self._wake()  # the evicted streams see `closed` and end
        return slot

    def _release(self, slot: StreamSlot) -> None:
        with self._lock:
            mine = self._by_user.get(slot.user_id)
            if mine is not None and mine.pop(slot.number, None) is not None:
                self._open -= 1
                if not mine:
                    del self._by_user[slot.user_id]
