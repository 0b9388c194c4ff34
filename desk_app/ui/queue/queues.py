"""The sidebar's queues and how they read the local cache (no Qt widgets; run on the cache lane).

A `QueueSpec` names one queue and turns into a `QueueQuery` over the cache at
a given instant ("breaching soon" moves with time). `queue_specs(user, ...)`
lists what a role sees: every agent has the working views; specialists get
the tier they work ("escalated to me"); managers and admins every tier and
every server queue. Agents and specialists also follow what they escalated
("Following": the store keeps those tickets in their sight).

`load_queue_rows` builds the table's `QueueRows` from cache rows plus the
reference data the cache keeps (policy priority ranks and labels, which
channels are served in arrival order, user names), sorted most urgent first,
off the UI thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desk_app.core.sla import ClockState
from desk_app.core.ticket import DONE_STATUSES, Status
from desk_app.services.local_cache import LocalCache, QueueQuery, TicketRow
from desk_app.ui.queue.queue_rows import QueueRow, QueueRows, SortField

__all__ = [
    "ACTIVE_STATUSES",
    "BREACHING_SOON_SECONDS",
    "QueueSpec",
    "ReferenceData",
    "count_queues",
    "load_queue_rows",
    "queue_rows_for",
    "queue_specs",
]

ACTIVE_STATUSES = tuple(s.value for s in Status if s not in DONE_STATUSES)
#: "Breaching soon": a counting clock due within this many seconds (or already overdue).
BREACHING_SOON_SECONDS = 2 * 3600
#: Above this many rows a queue is built from the queue columns alone: the clock's
#: warning time (in the ticket JSON) is left out, and the row turns "warning" when the
#: server says so rather than on its own.
CLOCK_DETAIL_LIMIT = 50_000

_LABELS = {
    "mine": QT_TRANSLATE_NOOP("Queues", "My open tickets"),
    "unassigned": QT_TRANSLATE_NOOP("Queues", "Unassigned"),
    "breaching": QT_TRANSLATE_NOOP("Queues", "Breaching soon"),
    "waiting": QT_TRANSLATE_NOOP("Queues", "Waiting on customer"),
    "following": QT_TRANSLATE_NOOP("Queues", "Following (escalated by me)"),
    "escalated": QT_TRANSLATE_NOOP("Queues", "Escalated to me (Tier {tier})"),
    "tier": QT_TRANSLATE_NOOP("Queues", "Tier {tier}"),
    "all": QT_TRANSLATE_NOOP("Queues", "All tickets"),
}


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """One queue of the sidebar. `key` is stable (settings remember the last one opened)."""

    key: str
    kind: str  # mine, unassigned, breaching, waiting, following, escalated, tier, all, server, custom
    tier: int | None = None
    queue_id: int | None = None
    name: str | None = None  # a server queue's own name, or a custom queue's title
    user_id: int | None = None
    #: The working views of agents and specialists: only tickets at their tier or below (what they
    #: can take), not the ones they follow at a higher tier. None: every tier (managers).
    max_tier: int | None = None
    #: kind "custom" (e.g. a dashboard click-through): the query as of an instant.
    custom: Callable[[float], QueueQuery] | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        if self.kind in ("server", "custom"):
            return self.name or self.key
        text = QCoreApplication.translate("Queues", _LABELS[self.kind])
        return text.format(tier=self.tier)

    def query(self, now: float) -> QueueQuery:
        if self.kind == "mine":
            return QueueQuery(statuses=ACTIVE_STATUSES, assignee_id=self.user_id)
        if self.kind == "unassigned":
            return QueueQuery(statuses=ACTIVE_STATUSES, unassigned=True, max_tier=self.max_tier)
        if self.kind == "breaching":
            return QueueQuery(statuses=ACTIVE_STATUSES, due_before=now + BREACHING_SOON_SECONDS,
                              max_tier=self.max_tier)
        if self.kind == "waiting":
            return QueueQuery(statuses=(Status.PENDING_CUSTOMER.value,), max_tier=self.max_tier)
        if self.kind == "following":
            return QueueQuery(statuses=ACTIVE_STATUSES, following=True)
        if self.kind in ("escalated", "tier"):
            return QueueQuery(statuses=ACTIVE_STATUSES, tier=self.tier)
        if self.kind == "server":
            return QueueQuery(statuses=ACTIVE_STATUSES, queue_id=self.queue_id)
        if self.kind == "custom" and self.custom is not None:
            return self.custom(now)
        return QueueQuery()


def queue_specs(user: Mapping[str, Any], server_queues: Sequence[Mapping[str, Any]] | None = (),
                policies: Sequence[Mapping[str, Any]] | None = ()) -> list[QueueSpec]:
    """The queues a user's sidebar lists, in order; managers get one per escalation tier the policies have."""
    uid = int(user["id"])
    tier = int(user.get("tier") or 1)
    role = user.get("role") or "agent"
    manager = role in ("manager", "admin")
    work_tier = None if manager else tier
    specs = [
        QueueSpec("mine", "mine", user_id=uid),
        QueueSpec("unassigned", "unassigned", max_tier=work_tier),
        QueueSpec("breaching", "breaching", max_tier=work_tier),
        QueueSpec("waiting", "waiting", max_tier=work_tier),
    ]
    if not manager:
        # What they sent up the ladder stays in reach (a customer calling back about it).
        specs.append(QueueSpec("following", "following", user_id=uid))
    if manager:
        levels = {int(t["level"]) for p in policies or () for t in p.get("ladder", ())} - {1}
        specs += [QueueSpec(f"tier:{level}", "tier", tier=level) for level in sorted(levels or {2, 3})]
    elif tier > 1:
        specs.append(QueueSpec(f"escalated:{tier}", "escalated", tier=tier))
    specs.append(QueueSpec("all", "all"))
    for q in server_queues or ():
        specs.append(QueueSpec(f"queue:{q['key']}", "server", queue_id=int(q["id"]), name=q.get("name")))
    return specs


def count_queues(cache: LocalCache, specs: Iterable[QueueSpec], now: float) -> dict[str, int]:
    """{spec key: tickets in it}: one COUNT per queue, on the cache's indexes."""
    return {spec.key: cache.count(spec.query(now)) for spec in specs}


# -- rows -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """What turns cache rows into table rows: labels and ranks per policy, user names."""

    priority_rank: Mapping[tuple[str, str], int]
    priority_label: Mapping[tuple[str, str], str]
    category_label: Mapping[tuple[str, str], str]
    channel_label: Mapping[tuple[str, str], str]
    user_name: Mapping[int, str]
    #: (policy key, channel label: what rows hold) served strictly in arrival order
    #: (the policy's or the channel's `queue_order`, `Policy.channel_queue_order`).
    arrival_classes: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def from_cache(cls, cache: LocalCache) -> ReferenceData:
        return cls.from_lists(cache.reference("policies") or [], cache.reference("users") or [])

    @classmethod
    def from_lists(cls, policies: Sequence[Mapping[str, Any]], users: Sequence[Mapping[str, Any]]) -> ReferenceData:
        rank, plabel, clabel, chlabel, arrival = {}, {}, {}, {}, set()
        for p in policies:
            for pr in p.get("priorities", ()):
                rank[(p["key"], pr["key"])] = int(pr["rank"])
                plabel[(p["key"], pr["key"])] = pr["label"]
            for c in p.get("categories", ()):
                clabel[(p["key"], c["key"])] = c["label"]
            for c in p.get("channels", ()):
                chlabel[(p["key"], c["key"])] = c["label"]
                if (c.get("queue_order") or p.get("queue_order")) == "arrival":
                    arrival.add((p["key"], c["label"]))
        names = {int(u["id"]): u.get("display_name") or u["username"] for u in users}
        return cls(rank, plabel, clabel, chlabel, names, frozenset(arrival))


def _epoch_ceil(value: str | float | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        from datetime import datetime

        value = datetime.fromisoformat(value).timestamp()
    return math.ceil(value)


def _state(value: str | None) -> ClockState | None:
    if value in ("running", "warning", "breached", "paused"):
        return ClockState(value)
    return None


def queue_rows_for(rows: Sequence[TicketRow], ref: ReferenceData,
                   clocks: Mapping[int, Mapping[str, Any]] | None = None) -> list[QueueRow]:
    """Table rows for cache rows; `clocks`: per ticket, its clocks by key (from the JSON)."""
    clocks = clocks or {}
    out = []
    for r in rows:
        key = (r.policy, r.priority)
        clock = (clocks.get(r.id) or {}).get(r.sla_next_clock) if r.sla_next_clock else None
        if clock is not None:
            state = _state(clock.get("state"))
            due = _epoch_ceil(clock.get("due_at")) if state is not None else None
            fields = dict(next_due=due, next_state=state if due is not None else None,
                          warn_at=_epoch_ceil(clock.get("warn_at")), next_clock=r.sla_next_clock,
                          paused_reason=clock.get("paused_reason"),
                          remaining=clock.get("remaining_seconds"))
        else:
            state = _state(r.sla_state)
            due = _epoch_ceil(r.sla_due_at)
            fields = dict(next_due=due, next_state=state if due is not None else None, warn_at=None,
                          next_clock=r.sla_next_clock if due is not None else None, paused_reason=None,
                          remaining=None)
        out.append(QueueRow(
            ticket_id=r.id,
            number=r.number,
            subject=r.subject,
            customer_name=r.customer_name,
            customer_tier=r.customer_tier,
            category=ref.category_label.get((r.policy, r.category), r.category),
            priority=r.priority,
            priority_rank=ref.priority_rank.get(key, 99),
            channel=ref.channel_label.get((r.policy, r.channel), r.channel),
            status=r.status,
            tier_level=r.tier,
            policy=r.policy,
            created_at=int(r.created_at),
            assignee=ref.user_name.get(r.assignee_id, f"#{r.assignee_id}") if r.assignee_id is not None else None,
            priority_label=ref.priority_label.get(key),
            **fields,
        ))
    return out


def load_queue_rows(cache: LocalCache, spec: QueueSpec, now: float, *, ref: ReferenceData | None = None,
                    ids: Iterable[int] | None = None, sort: SortField = SortField.URGENCY,
                    descending: bool = False) -> QueueRows | list[QueueRow]:
    """A queue's rows, sorted (a full load); with `ids`, only those tickets' current rows (a list)."""
    ref = ref or ReferenceData.from_cache(cache)
    rows = cache.rows(spec.query(now), ids=ids)
    clocks = cache.clock_details(r.id for r in rows if r.sla_next_clock) if len(rows) <= CLOCK_DETAIL_LIMIT else None
    table_rows = queue_rows_for(rows, ref, clocks)
    if ids is not None:
        return table_rows
    built = QueueRows.from_rows(table_rows)
    built.set_arrival_classes(ref.arrival_classes)
    built.sort(sort, descending=descending)
    return built
