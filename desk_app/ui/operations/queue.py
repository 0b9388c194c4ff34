"""The sidebar's queues and their counts, and the names a filtered queue is described with (cache lane)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QObject

from desk_app.services.local_cache import LocalCache
from desk_app.ui.ops import CACHE, Op, OpRunner
from desk_app.ui.queue.queues import QueueSpec, count_queues, queue_specs
from desk_app.ui.reference import filter_names

__all__ = ["count_queue_tickets", "read_filter_names", "read_queue_specs"]


def read_queue_specs(*, parent: QObject, runner: OpRunner, cache: LocalCache,
                     user: Mapping[str, Any]) -> Op[list[QueueSpec]]:
    """The user's views plus the server queues the cache lists."""
    return Op(parent, lambda _: queue_specs(user, cache.reference("queues") or [], cache.reference("policies") or []),
              lane=CACHE, label="queue_specs", runner=runner)


def count_queue_tickets(*, parent: QObject, runner: OpRunner, cache: LocalCache, specs: Iterable[QueueSpec],
                        now: float) -> Op[dict[str, int]]:
    return Op(parent, lambda _: count_queues(cache, specs, now), lane=CACHE, label="count_queues", runner=runner)


def read_filter_names(*, parent: QObject, runner: OpRunner, cache: LocalCache) -> Op[dict[str, dict]]:
    return Op(parent, lambda _: filter_names(cache), lane=CACHE, label="filter names", runner=runner)
