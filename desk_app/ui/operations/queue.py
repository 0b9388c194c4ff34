"""The sidebar's queues and their counts, and the names a filtered queue is described with (cache lane)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QObject

from desk_app.services.local_cache import LocalCache
from desk_app.ui.ops import CACHE, Op, OpRunner
from desk_app.ui.queue.queue_rows import QueueRow, QueueRows, SortField
from desk_app.ui.queue.queues import (
    QueueSpec,
    ReferenceData,
    count_queues,
    load_queue_rows,
    queue_specs,
)
from desk_app.ui.reference import filter_names

__all__ = ["count_queue_tickets", "load_queue", "read_filter_names", "read_queue_specs", "update_queue_rows"]


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


def load_queue(*, parent: QObject, runner: OpRunner, cache: LocalCache, spec: QueueSpec, now: float,
               sort: SortField, descending: bool) -> Op[tuple[QueueRows, ReferenceData]]:
    """The table's rows of one queue, sorted, with the reference data they are shown with."""

    def work(_resource) -> tuple[QueueRows, ReferenceData]:
        ref = ReferenceData.from_cache(cache)
        return load_queue_rows(cache, spec, now, ref=ref, sort=sort, descending=descending), ref

    return Op(parent, work, lane=CACHE, label=f"load_queue:{spec.key}", runner=runner)


def update_queue_rows(*, parent: QObject, runner: OpRunner, cache: LocalCache, spec: QueueSpec, now: float,
                      ref: ReferenceData, ticket_ids: list[int]) -> Op[list[QueueRow]]:
    """The rows of these changed tickets that are (still) in the queue."""
    ids = ticket_ids

    def work(_resource):
        return load_queue_rows(cache, spec, now, ref=ref, ids=ids) if ids else []

    return Op(parent, work, lane=CACHE, label="update_queue", runner=runner)
