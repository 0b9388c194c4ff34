"""The store is the SLA authority: clocks are recomputed on every ticket event.

`recompute` replays the ticket's history with `desk_app.core.sla.compute_clocks`
inside the transaction of the event and stores the result with the ticket:
summary columns for queries and the scheduler (`sla_due_at`, `sla_state`,
`sla_next_change_at`, `sla_escalation_due_at`), one `ticket_clocks` row per
clock, and the JSON that goes into the ticket's snapshot and the change feed.
So every agent sees the same due times, and the feed always carries clocks
consistent with the change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from desk_app.core.policy import Policy
from desk_app.core.sla import Clock, ClockState, SlaSnapshot, compute_clocks, most_urgent
from desk_app.core.ticket import ModeSpan, TicketEvent, TicketFacts
from desk_app.server.core.types import iso
from desk_app.server.policies.models import PolicyModeSpan
from desk_app.server.reports.clock_runs import record_runs
from desk_app.server.tickets.models import Ticket, TicketClock, TicketHistoryEvent

#: Worst first: the ticket's `sla_state` is the first of these any clock has.
_STATE_ORDER = (
    ClockState.BREACHED,
    ClockState.WARNING,
    ClockState.RUNNING,
    ClockState.PAUSED,
    ClockState.MISSED,
    ClockState.MET,
)
_COUNTING = frozenset({ClockState.RUNNING, ClockState.WARNING, ClockState.BREACHED})


_EVENTS = TicketHistoryEvent.__table__
_HISTORY = (
    select(_EVENTS.c.at, _EVENTS.c.kind, _EVENTS.c.status, _EVENTS.c.tier, _EVENTS.c.party, _EVENTS.c.direction)
    .where(_EVENTS.c.ticket_id == bindparam("ticket_id"))
    .order_by(_EVENTS.c.at, _EVENTS.c.id)
)


_CLOCKS = TicketClock.__table__
_DELETE_CLOCKS = delete(_CLOCKS).where(_CLOCKS.c.ticket_id == bindparam("ticket_id"))
_INSERT_CLOCKS = insert(_CLOCKS)
# SET takes the other columns from the parameters.
_UPDATE_CLOCK = update(_CLOCKS).where(
    _CLOCKS.c.ticket_id == bindparam("b_ticket_id"), _CLOCKS.c.key == bindparam("b_key")
)


def _clock_values(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("ticket_id", "key")}


def history(session: Session, ticket_id: int) -> list[TicketEvent]:
    rows = session.connection().execute(_HISTORY, {"ticket_id": ticket_id}).all()
    return [TicketEvent(at=r[0], kind=r[1], status=r[2], tier=r[3], party=r[4], direction=r[5]) for r in rows]


def mode_spans(session: Session, policy_key: str, now: datetime) -> list[ModeSpan]:
    rows = session.execute(
        select(PolicyModeSpan.mode, PolicyModeSpan.start_at, PolicyModeSpan.end_at)
        .where(PolicyModeSpan.policy_key == policy_key, PolicyModeSpan.start_at <= now)
        .order_by(PolicyModeSpan.start_at, PolicyModeSpan.id)
    ).all()
    return [ModeSpan(mode=m, start=s, end=e) for m, s, e in rows]


def facts_for(ticket: Ticket, customer_tier: str) -> TicketFacts:
    return TicketFacts(
        created_at=ticket.created_at,
        category=ticket.category,
        priority=ticket.priority,
        channel=ticket.channel,
        customer_tier=customer_tier,
    )


def clock_json(clock: Clock) -> dict[str, Any]:
    return {
        "key": clock.key,
        "metric": str(clock.metric),
        "state": str(clock.state),
        "target_seconds": int(clock.target.total_seconds()),
        "calendar": clock.calendar,
        "started_at": iso(clock.started_at),
        "due_at": iso(clock.due_at),
        "warn_at": iso(clock.warn_at),
        "remaining_seconds": int(clock.remaining.total_seconds()),
        "paused_reason": clock.paused_reason,
        "stopped_at": iso(clock.stopped_at),
        "extended_by": getattr(clock, "extended_by", None),
    }


def snapshot_json(snap: SlaSnapshot) -> dict[str, Any]:
    urgent = most_urgent(snap.clocks)
    due = snap.escalation
    return {
        "rule": snap.rule,
        "computed_at": iso(snap.computed_at),
        "state": _worst_state(snap),
        "next_due": None if urgent is None else urgent.key,
        "due_at": iso(_counting_due(snap)),
        "next_change_at": iso(snap.next_change_at),
        "clocks": [clock_json(c) for c in snap.clocks],
        "escalation_due": None
        if due is None
        else {
            "from_tier": due.from_tier,
            "to_tier": due.to_tier,
            "to_tier_name": due.to_tier_name,
            "due_at": iso(due.due_at),
            "reason": due.reason,
            "auto_escalate_at": iso(due.auto_escalate_at),
        },
    }


def _worst_state(snap: SlaSnapshot) -> str | None:
    states = {c.state for c in snap.clocks}
    for state in _STATE_ORDER:
        if state in states:
            return str(state)
    return None


def _counting_due(snap: SlaSnapshot) -> datetime | None:
    dues = [c.due_at for c in snap.clocks if c.state in _COUNTING]
    return min(dues) if dues else None


def recompute(
    session: Session,
    ticket: Ticket,
    policy: Policy,
    customer_tier: str,
    now: datetime,
    previous_sla: dict[str, Any] | None = None,
) -> tuple[SlaSnapshot, dict[str, Any]]:
    """Replay the ticket's history now and store the clocks with it (same transaction).

    `previous_sla`: the SLA part of the ticket's last snapshot, if known; the
    clock rows are left alone when no clock changed.
    """
    session.flush()  # the events just added must be in the history we replay
    with session.no_autoflush:
        snap = compute_clocks(
            policy,
            facts_for(ticket, customer_tier),
            history(session, ticket.id),
            now,
            # Only policies that define modes can have mode spans.
            mode_spans(session, policy.key, now) if policy.modes else (),
        )
        ticket.sla_rule = snap.rule
        ticket.sla_computed_at = snap.computed_at
        ticket.sla_state = _worst_state(snap)
        ticket.sla_due_at = _counting_due(snap)
        ticket.sla_next_change_at = snap.next_change_at
        ticket.sla_escalation_due_at = snap.escalation.due_at if snap.escalation else None
        sla = snapshot_json(snap)
        # Rewrite the clock rows only when a clock changed (a note changes none
        # but the remaining time); Core statements built once: a handful of
        # rows, without unit-of-work overhead.
        previous = (previous_sla or {}).get("clocks")
        if previous != sla["clocks"]:
            rows = [
                {
                    "ticket_id": ticket.id,
                    "key": c.key,
                    "metric": str(c.metric),
                    "state": str(c.state),
                    "target_seconds": int(c.target.total_seconds()),
                    "calendar": c.calendar,
                    "started_at": c.started_at,
                    "due_at": c.due_at,
                    "warn_at": c.warn_at,
                    "remaining_seconds": int(c.remaining.total_seconds()),
                    "paused_reason": c.paused_reason,
                    "stopped_at": c.stopped_at,
                }
                for c in snap.clocks
            ]
            connection = session.connection()
            updated = 0
            if previous and rows and [c["key"] for c in previous] == [r["key"] for r in rows]:
                # The same clocks as the stored rows: update them in place, one
                # executemany instead of a delete and an insert.
                updated = connection.execute(
                    _UPDATE_CLOCK,
                    [{"b_ticket_id": r["ticket_id"], "b_key": r["key"], **_clock_values(r)} for r in rows],
                ).rowcount
            if updated != len(rows) or not rows:
                # Other clocks (or rows missing): replace them all.
                connection.execute(_DELETE_CLOCKS, {"ticket_id": ticket.id})
                if rows:
                    connection.execute(_INSERT_CLOCKS, rows)
        # --- reports (helpers R, R2): finished runs and the ticket's grouping fields, written only when changed ---
        record_runs(session.connection(), ticket, customer_tier, snap, sla, previous_sla)
        # --- end reports ---
    return snap, sla


def due_for_refresh(session: Session, now: datetime, limit: int) -> list[int]:
    """Tickets whose clocks change state on their own at or before `now`.

    On PostgreSQL the rows are locked with SKIP LOCKED, so several instances
    refreshing at once each take different tickets.
    """
    query = (
        select(Ticket.id)
        .where(Ticket.sla_next_change_at.is_not(None), Ticket.sla_next_change_at <= now)
        .order_by(Ticket.sla_next_change_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


__all__ = ["due_for_refresh", "history", "mode_spans", "recompute", "snapshot_json"]
