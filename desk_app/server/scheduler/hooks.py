"""Callbacks the store runs after each committed ticket change."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

log = logging.getLogger("desk.server.scheduler")


class SchedulerHooks:
    """After every committed ticket change: (ticket id, its new `sla_next_change_at`).

    The scheduler subscribes here, so a sleeping loop wakes early when a
    change moves a due time before its planned wake-up.
    """

    def __init__(self) -> None:
        self._listeners: list[Callable[[int, datetime | None], None]] = []

    def subscribe(self, listener: Callable[[int, datetime | None], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[int, datetime | None], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def unsubscribe_all(self) -> None:
        self._listeners.clear()

    def ticket_changed(self, ticket_id: int, next_change_at: datetime | None) -> None:
        for listener in list(self._listeners):
            try:
                listener(ticket_id, next_change_at)
            except Exception:  # a scheduler bug must never fail a committed write
                log.exception("scheduler hook failed")
