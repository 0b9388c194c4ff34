"""The search box: tickets found in the local cache (cache lane)."""

from __future__ import annotations

from PySide6.QtCore import QObject

from desk_app.services.local_cache import LocalCache, TicketRow
from desk_app.ui.ops import CACHE, Op, OpRunner

__all__ = ["search_tickets"]


def search_tickets(*, parent: QObject, runner: OpRunner, cache: LocalCache, text: str,
                   limit: int) -> Op[list[TicketRow]]:
    return Op(parent, lambda _: cache.search(text, limit=limit), lane=CACHE, label="search", runner=runner)
