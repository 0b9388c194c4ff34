"""Breaches and near-breaches now: live clocks past due, or in their warning window.

"Now" is the request's time, not the state last written by the scheduler, so
a clock whose due time has just passed counts even before the scheduler has
woken for it. The period does not apply; queue and policy filters do.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, null, select
from sqlalchemy.orm import Session

from desk_app.server.reports.common import (
    PROMISE_METRICS,
    Filters,
    dimension,
    group_key,
    group_labels,
    is_overdue,
    measure,
    ticket_value,
)
from desk_app.server.reports.schemas import BreachRow, BreachTicket
from desk_app.server.tickets.models import Ticket, TicketClock

_LIVE = ("running", "warning", "breached", "paused")
MOST_OVERDUE_LIMIT = 50


def _near(now) -> Any:
    c = TicketClock
    return and_(c.state.in_(("running", "warning")), c.warn_at.is_not(None), c.warn_at <= now, c.due_at > now)


def breach_rows(session: Session, f: Filters, group_by: str | None) -> list[BreachRow]:
    c = TicketClock
    by = dimension(group_by)
    # Each live clock's ticket is looked up by id (a join hashed the whole tickets table).
    live = f.by_ticket(
        select(
            measure(c.metric, c.key).label("measure"),
            (ticket_value(by, c.ticket_id) if by is not None else null()).label("k"),
            case((is_overdue(f.now, c.state, c.due_at, c.remaining_seconds), 1), else_=0).label("overdue"),
            case((_near(f.now), 1), else_=0).label("near"),
        ).where(c.metric.in_(PROMISE_METRICS), c.state.in_(_LIVE)),
        c.ticket_id,
    ).subquery()
    query = select(live.c.measure, live.c.k, func.sum(live.c.overdue), func.sum(live.c.near)).group_by(
        live.c.measure, live.c.k
    )
    rows = session.execute(query).all()
    labels = group_labels(session, group_by, {r[1] for r in rows}) if group_by else {}
    result = [
        BreachRow(
            measure=r[0],
            group=group_key(r[1]),
            label=labels.get(r[1]) if group_by else None,
            breached=int(r[2] or 0),
            near_breach=int(r[3] or 0),
        )
        for r in rows
        if (r[2] or 0) or (r[3] or 0)
    ]
    return sorted(result, key=lambda r: (r.measure, r.group or ""))


def most_overdue(session: Session, f: Filters, limit: int = MOST_OVERDUE_LIMIT) -> list[BreachTicket]:
    c = TicketClock
    query = (
        select(
            Ticket.id,
            Ticket.number,
            Ticket.subject,
            measure(c.metric, c.key),
            c.due_at,
            Ticket.assignee_id,
            Ticket.queue_id,
            Ticket.policy_key,
        )
        .join(Ticket, Ticket.id == c.ticket_id)
        .where(c.metric.in_(PROMISE_METRICS), is_overdue(f.now, c.state, c.due_at, c.remaining_seconds))
        .order_by(c.due_at, Ticket.id, c.key)
        .limit(limit)
    )
    return [
        BreachTicket(
            ticket_id=r[0],
            number=r[1],
            subject=r[2],
            measure=r[3],
            due_at=r[4],
            overdue_seconds=(f.now - r[4]).total_seconds(),
            assignee_id=r[5],
            queue_id=r[6],
            policy=r[7],
        )
        for r in session.execute(f.tickets(query)).all()
    ]
