"""Keep `clock_runs` in step with the clocks the SLA authority computes.

Called by `tickets.sla_authority.recompute` in the ticket's transaction on
every recompute. It writes only when something the reports read changed:

- the ticket's finished runs: they are replaced (DELETE + INSERT) when the
  runs derivable from the new clocks differ from those of the previous
  snapshot (a reply that answers a clock, a reopen that un-finishes a
  resolution run, a new next-response run that turns the answered one into
  history...). A note, or any other write that changes neither a run nor
  a grouping field, costs no statement here.
- the ticket's grouping fields (queue, category, priority, channel, policy,
  assignee, customer): one UPDATE of its runs' copies, when a write set one
  of them since the last recompute (tracked by attribute events on `Ticket`).

A customer's tier is set when the customer is created and no endpoint changes
it; a future edit of it must call `retier_customer` in its transaction, which
updates `clock_runs.customer_tier` of the customer's tickets and marks the
closed days concerned (a ticket moved to another customer is tracked above).

Closed days (`reports.rollups`): when either statement changes runs of a day
before today (a reopen dropping last week's resolution run, a reassignment
moving last month's runs to another agent), those days are marked dirty
(one INSERT into `report_dirty_days`, only then), so their daily rollups are
rebuilt before the next report reads them. The DELETE and the UPDATE return
the rows' days (RETURNING) for that, at no extra statement; a write that
only touches today's runs, the usual case, costs nothing more. The rollups
of arrivals, resolutions, replies and CSAT are also kept per ticket queue and
policy (the dashboard's filters): a write that moves a ticket created before
today to another queue or policy also marks the days of its creation, status
changes, replies and CSAT answers (one more SELECT, on that write only).

Earlier runs (`SlaSnapshot.history`) are not in the snapshot JSON; they are
fixed by events before the current runs, so they change only together with
the current runs' identity (key, start), targets or the SLA rule, which the
comparison covers.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import bindparam, delete, event, insert, inspect, select, union_all, update
from sqlalchemy.engine import Connection

from desk_app.core.sla import Clock, ClockState, SlaSnapshot
from desk_app.server.feedback.models import SurveyResponse
from desk_app.server.reports.models import GROUPING_FIELDS, ClockRun
from desk_app.server.reports.rollups import mark_dirty
from desk_app.server.tickets.models import ThreadEntry, Ticket, TicketHistoryEvent

_FINISHED = frozenset({ClockState.MET, ClockState.MISSED})
_FINISHED_JSON = frozenset({str(ClockState.MET), str(ClockState.MISSED)})
_RUNS = ClockRun.__table__
#: What the daily rollups read of a run: a day changes when these change.
_ROLLED = ("stopped_on", "metric", "key", "state", "elapsed_seconds", *GROUPING_FIELDS, "customer_tier")
_DELETE = (
    delete(_RUNS)
    .where(_RUNS.c.ticket_id == bindparam("ticket_id"))
    .returning(*[_RUNS.c[name] for name in _ROLLED])
)
_INSERT = insert(_RUNS)
_REGROUP = (
    update(_RUNS)
    .where(_RUNS.c.ticket_id == bindparam("b_ticket_id"))
    .values({name: bindparam(name) for name in (*GROUPING_FIELDS, "customer_tier")})
    .returning(_RUNS.c.stopped_on)
)
#: Set on a ticket's instance state when one of its grouping fields is written.
_REGROUP_FLAG = "reports.regroup"
#: Set when its queue or policy is written (the filters of the day rollups).
_REFILTER_FLAG = "reports.refilter"
_FILTER_FIELDS = ("queue_id", "policy_key")


def finished_runs(snap: SlaSnapshot) -> list[Clock]:
    """Every met or missed run of the snapshot, earlier runs included."""
    runs = [c for c in (*snap.history, *snap.clocks) if c.state in _FINISHED and c.stopped_at is not None]
    # A run is identified by (key, started_at); keep the last word on each.
    return list({(c.key, c.started_at): c for c in runs}.values())


def grouping(ticket: Ticket, customer_tier: str) -> dict[str, Any]:
    return {**{name: getattr(ticket, name) for name in GROUPING_FIELDS}, "customer_tier": customer_tier}


def run_row(ticket_id: int, clock: Clock, groups: dict[str, Any]) -> dict:
    target = int(clock.target.total_seconds())
    return {
        "ticket_id": ticket_id,
        "key": clock.key,
        "started_at": clock.started_at,
        "metric": str(clock.metric),
        "state": str(clock.state),
        "target_seconds": target,
        "elapsed_seconds": target - int(clock.remaining.total_seconds()),
        "due_at": clock.due_at,
        "stopped_at": clock.stopped_at,
        "stopped_on": clock.stopped_at.astimezone(timezone.utc).date(),
        **groups,
    }


def runs_signature(sla: dict[str, Any]) -> tuple:
    """What determines the finished runs, read from a snapshot's SLA JSON.

    For every current clock: its identity and target; for a finished one
    also its outcome. A live clock's remaining time moves with every write
    and is no run yet, so it is left out.
    """
    clocks = []
    for c in sla.get("clocks") or ():
        done = c["state"] in _FINISHED_JSON
        clocks.append(
            (
                c["key"],
                c["metric"],
                c["started_at"],
                c["target_seconds"],
                c["calendar"],
                c.get("extended_by"),
                c["state"] if done else None,
                c["stopped_at"] if done else None,
                c["due_at"] if done else None,
                c["remaining_seconds"] if done else None,
            )
        )
    return sla.get("rule"), tuple(clocks)


def record_runs(
    connection: Connection,
    ticket: Ticket,
    customer_tier: str,
    snap: SlaSnapshot,
    sla: dict[str, Any],
    previous_sla: dict[str, Any] | None,
) -> None:
    """Bring the ticket's rows in `clock_runs` up to date with `snap` (nothing when nothing changed).

    `previous_sla`: the SLA JSON of the ticket's last snapshot (None: unknown,
    so the runs are rewritten).
    """
    regroup = inspect(ticket).info.pop(_REGROUP_FLAG, False)
    refilter = inspect(ticket).info.pop(_REFILTER_FLAG, False)
    today = snap.computed_at.astimezone(timezone.utc).date()
    if refilter and ticket.id is not None and ticket.created_at.astimezone(timezone.utc).date() < today:
        _mark_closed_days(connection, connection.execute(_ticket_days(ticket.id)).scalars(), today)
    if previous_sla is None or runs_signature(previous_sla) != runs_signature(sla):
        groups = grouping(ticket, customer_tier)
        old = connection.execute(_DELETE, {"ticket_id": ticket.id}).all()
        rows = [run_row(ticket.id, c, groups) for c in finished_runs(snap)]
        if rows:
            connection.execute(_INSERT, rows)
        changed = Counter(tuple(r) for r in old)
        changed.subtract(tuple(r[name] for name in _ROLLED) for r in rows)
        _mark_closed_days(connection, (key[0] for key, n in changed.items() if n), today)
    elif regroup:
        days = connection.execute(_REGROUP, {"b_ticket_id": ticket.id, **grouping(ticket, customer_tier)}).scalars()
        _mark_closed_days(connection, days, today)


def _ticket_days(ticket_id: int) -> Any:
    """Every instant of the ticket's rows in the day rollups: creation, resolutions / closures, replies, CSAT."""
    ev, t, s = TicketHistoryEvent, ThreadEntry, SurveyResponse
    return union_all(
        select(Ticket.created_at.label("at")).where(Ticket.id == ticket_id),
        select(ev.at).where(ev.ticket_id == ticket_id, ev.kind == "status_changed", ev.status.in_(("resolved", "closed"))),
        select(t.created_at).where(
            t.ticket_id == ticket_id, t.kind.in_(("public_reply", "phone_call")), t.author_id.is_not(None)
        ),
        select(s.answered_at).where(s.ticket_id == ticket_id, s.answered_at.is_not(None)),
    )


def retier_customer(connection: Connection, customer_id: int, tier: str, now: Any) -> None:
    """A customer's tier changed (call in the same transaction): their tickets' runs follow, closed days are marked.

    The raw reports group and filter finished runs on the copy of the tier in
    `clock_runs`, so the copy is brought up to date here, and the days of the
    runs it changes are rebuilt in the rollups.
    """
    tickets = select(Ticket.id).where(Ticket.customer_id == customer_id).scalar_subquery()
    days = connection.execute(
        update(_RUNS)
        .where(_RUNS.c.ticket_id.in_(tickets), _RUNS.c.customer_tier != tier)
        .values(customer_tier=tier)
        .returning(_RUNS.c.stopped_on)
    ).scalars()
    _mark_closed_days(connection, days, now.astimezone(timezone.utc).date())


def _mark_closed_days(connection: Connection, days: Any, today: date) -> None:
    """Mark the days before today among `days` dirty for the rollups (today's are never rolled up yet)."""
    past = {_as_date(d) for d in days}
    past = {d for d in past if d < today}
    if past:
        mark_dirty(connection, past)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return _utc_day(value)
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _utc_day(value: datetime) -> date:
    return (value.astimezone(timezone.utc) if value.tzinfo else value).date()


def _mark_regroup(target: Ticket, value: Any, oldvalue: Any, initiator: Any) -> None:
    if value != oldvalue:  # NO_VALUE (not loaded) counts as a change
        inspect(target).info[_REGROUP_FLAG] = True
        if initiator.key in _FILTER_FIELDS:
            inspect(target).info[_REFILTER_FLAG] = True


for _name in (*GROUPING_FIELDS, "customer_id"):
    event.listen(getattr(Ticket, _name), "set", _mark_regroup)
