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

from sqlalchemy import bindparam, delete, event, insert, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from desk_app.core.policy import Policy
from desk_app.core.sla import Clock, ClockState, SlaSnapshot, compute_clocks, most_urgent
from desk_app.core.ticket import ModeSpan, TicketEvent, TicketFacts
from desk_app.server.core.types import iso
from desk_app.server.policies.models import PolicyModeSpan
from desk_app.server.reports.clock_runs import record_runs
from desk_app.server.sync.service import Rider
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
_EVENT_COLUMNS = ("ticket_id", "at", "kind", "status", "tier", "party", "direction")
_HISTORY_COLUMNS = ("at", "kind", "status", "tier", "party", "direction", "id")
_HISTORY = (
    select(*(_EVENTS.c[c] for c in _HISTORY_COLUMNS))
    .where(_EVENTS.c.ticket_id == bindparam("ticket_id"))
    .order_by(_EVENTS.c.at, _EVENTS.c.id)
)
_INSERT_EVENTS = insert(_EVENTS)
#: Key in `Session.info`: events added in this transaction and not yet written.
PENDING_EVENTS_KEY = "desk_pending_events"


def add_event(session: Session, row: dict[str, Any]) -> None:
    """Append a history event (a row of `ticket_events`) in this transaction.

    It is written with the next `history` read, in the same statement on
    PostgreSQL (one round trip, not two), or before the commit at the latest.
    """
    session.info.setdefault(PENDING_EVENTS_KEY, []).append(row)


def write_pending_events(session: Session) -> None:
    """Write the events `add_event` holds (a no-op when there are none)."""
    pending = session.info.pop(PENDING_EVENTS_KEY, None)
    if pending:
        # In the order added: events of the same instant replay in id order.
        session.connection().execute(_INSERT_EVENTS, pending if len(pending) > 1 else pending[0])


def _pg_history_with_event() -> Any:
    """Insert one event and read the ticket's history, that event included, in one statement."""
    added = (
        insert(_EVENTS)
        .values({c: bindparam(f"event_{c}", type_=_EVENTS.c[c].type) for c in _EVENT_COLUMNS})
        .returning(_EVENTS.c.ticket_id, *(_EVENTS.c[c] for c in _HISTORY_COLUMNS))
        .cte("added")
    )
    stored = select(*(_EVENTS.c[c] for c in _HISTORY_COLUMNS)).where(_EVENTS.c.ticket_id == bindparam("ticket_id"))
    # The statement's read does not see its own insert: the new row comes from RETURNING.
    new = select(*(added.c[c] for c in _HISTORY_COLUMNS)).where(added.c.ticket_id == bindparam("ticket_id"))
    both = union_all(stored, new).subquery()
    return select(*(both.c[c] for c in _HISTORY_COLUMNS)).order_by(both.c.at, both.c.id)


_PG_HISTORY_WITH_EVENT = _pg_history_with_event()


def history(session: Session, ticket_id: int) -> list[TicketEvent]:
    """The ticket's events in order, those added in this transaction included."""
    pending = session.info.get(PENDING_EVENTS_KEY)
    connection = session.connection()
    if pending and len(pending) == 1 and connection.dialect.name == "postgresql":
        # The common case (a note, a reply): one round trip, not two. With
        # several events the plain way keeps their ids in the order they
        # were added, which orders events of the same instant.
        del session.info[PENDING_EVENTS_KEY]
        params = {"ticket_id": ticket_id, **{f"event_{c}": pending[0].get(c) for c in _EVENT_COLUMNS}}
        rows = connection.execute(_PG_HISTORY_WITH_EVENT, params).all()
    else:
        write_pending_events(session)
        rows = connection.execute(_HISTORY, {"ticket_id": ticket_id}).all()
    return [TicketEvent(at=r[0], kind=r[1], status=r[2], tier=r[3], party=r[4], direction=r[5]) for r in rows]


@event.listens_for(Session, "before_commit")
def _write_events_before_commit(session: Session) -> None:
    # Every ticket operation reads the history (and so writes its events)
    # before it ends; this only guarantees that none is ever lost.
    if session.info.get(PENDING_EVENTS_KEY):
        write_pending_events(session)


@event.listens_for(Session, "after_rollback")
def _drop_events_on_rollback(session: Session) -> None:
    session.info.pop(PENDING_EVENTS_KEY, None)


_CLOCKS = TicketClock.__table__
_CLOCK_COLUMNS = tuple(c.name for c in _CLOCKS.columns)
_DELETE_CLOCKS = delete(_CLOCKS).where(_CLOCKS.c.ticket_id == bindparam("clocks_ticket_id"))
_OTHER_CLOCKS: dict[int, Any] = {}
_UPSERT_CLOCK: dict[tuple[str, int | None], Any] = {}


def _upsert_clock(dialect: str, index: int | None) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE of one clock row; `index`: its parameters are named clock<index>_<column>."""
    statement = _UPSERT_CLOCK.get((dialect, index))
    if statement is None:
        module = postgresql if dialect == "postgresql" else sqlite
        statement = module.insert(_CLOCKS)
        if index is not None:
            statement = statement.values(
                {c: bindparam(f"clock{index}_{c}", type_=_CLOCKS.c[c].type) for c in _CLOCK_COLUMNS}
            )
        statement = statement.on_conflict_do_update(
            index_elements=["ticket_id", "key"],
            set_={c: statement.excluded[c] for c in _CLOCK_COLUMNS if c not in ("ticket_id", "key")},
        )
        _UPSERT_CLOCK[(dialect, index)] = statement
    return statement


def _other_clocks(count: int) -> Any:
    """DELETE the ticket's clock rows other than `count` named ones."""
    statement = _OTHER_CLOCKS.get(count)
    if statement is None:
        statement = _OTHER_CLOCKS[count] = delete(_CLOCKS).where(
            _CLOCKS.c.ticket_id == bindparam("clocks_ticket_id"),
            _CLOCKS.c.key.not_in([bindparam(f"clocks_key{i}") for i in range(count)]),
        )
    return statement


def _clock_writes(dialect: str, ticket_id: int, rows: list[dict[str, Any]], same_keys: bool) -> list[Rider]:
    """The statements that make the ticket's `ticket_clocks` rows equal `rows`.

    An upsert of the rows (whatever changed in them) and, when the set of
    clocks may have changed, a delete of the rows of other clocks. On
    PostgreSQL one statement per row, to go into the change's statement; on
    SQLite one executemany.
    """
    if not rows:
        return [(_DELETE_CLOCKS, {"clocks_ticket_id": ticket_id})]
    writes: list[Rider] = []
    if not same_keys:
        params = {"clocks_ticket_id": ticket_id}
        params.update({f"clocks_key{i}": row["key"] for i, row in enumerate(rows)})
        writes.append((_other_clocks(len(rows)), params))
    if dialect == "postgresql":
        for i, row in enumerate(rows):
            writes.append((_upsert_clock(dialect, i), {f"clock{i}_{c}": row[c] for c in _CLOCK_COLUMNS}))
    else:
        writes.append((_upsert_clock(dialect, None), rows))
    return writes


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
        "next_clock": None if urgent is None else urgent.key,
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
    riders: list[Rider] | None = None,
) -> tuple[SlaSnapshot, dict[str, Any]]:
    """Replay the ticket's history now and store the clocks with it (same transaction).

    `previous_sla`: the SLA part of the ticket's last snapshot, if known; the
    clock rows are left alone when no clock changed.
    `riders`: when given, the writes of the clock rows are added to it, for
    the caller to send with the change (`sync.service.append_change`),
    instead of being run here.
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
            # The stored rows are those of the previous snapshot: when it had
            # the same clocks, no other row can exist.
            same_keys = bool(previous) and [c["key"] for c in previous] == [r["key"] for r in rows]
            connection = session.connection()
            writes = _clock_writes(connection.dialect.name, ticket.id, rows, same_keys)
            if riders is not None:
                riders.extend(writes)
            else:
                for statement, params in writes:
                    connection.execute(statement, params)
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
