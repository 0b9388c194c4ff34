"""Backlog and ageing (open tickets by age and status, now), and arrivals vs resolutions.

Ages are wall-clock time since creation, bucketed by comparing `created_at`
with fixed instants before now (no date arithmetic in SQL, so the index on
`created_at` serves both backends).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from desk_app.server.reports import rollups
from desk_app.core.ticket import OPEN_STATUSES
from desk_app.server.reports.common import Filters, bucket
from desk_app.server.reports.schemas import BacklogRow, FlowPoint
from desk_app.server.tickets.models import Ticket, TicketHistoryEvent

#: (label, upper bound of the age); the last bucket is open-ended.
AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("<1d", timedelta(days=1)),
    ("1-3d", timedelta(days=3)),
    ("3-7d", timedelta(days=7)),
    ("7-14d", timedelta(days=14)),
    ("14-30d", timedelta(days=30)),
    (">30d", None),
)


def age_bucket_label(age: timedelta) -> str:
    for label, bound in AGE_BUCKETS:
        if bound is None or age < bound:
            return label
    raise AssertionError("unreachable")


def backlog_rows(session: Session, f: Filters) -> list[BacklogRow]:
    age = case(
        *[(Ticket.created_at > f.now - bound, label) for label, bound in AGE_BUCKETS if bound is not None],
        else_=AGE_BUCKETS[-1][0],
    ).label("age")
    query = (
        select(age, Ticket.status, func.count())
        .where(Ticket.status.in_(OPEN_STATUSES))
        .group_by(age, Ticket.status)
    )
    order = {label: i for i, (label, _) in enumerate(AGE_BUCKETS)}
    rows = [BacklogRow(age=a, status=s, count=n) for a, s, n in session.execute(f.tickets(query)).all()]
    return sorted(rows, key=lambda r: (order[r.age], OPEN_STATUSES.index(r.status)))


def flow(session: Session, f: Filters, trend: str) -> list[FlowPoint]:
    """Arrivals, resolutions and closures per day or week: closed days from the rollups, the rest raw."""
    split = rollups.plan(session, f)
    if split is None:
        return _points(raw_flow(session, f, trend))
    points: dict[str, dict[str, int]] = {}
    for day, arrivals, resolved, closed in rollups.flow_days(session, split):
        p = points.setdefault(rollups.trend_bucket(day, trend).isoformat(), {"arrivals": 0, "resolved": 0, "closed": 0})
        p["arrivals"] += arrivals
        p["resolved"] += resolved
        p["closed"] += closed
    for window in split.live:
        for day, counts in raw_flow(session, window, trend).items():
            p = points.setdefault(day, {"arrivals": 0, "resolved": 0, "closed": 0})
            for k, n in counts.items():
                p[k] += n
    return _points(points)


def _points(points: dict[str, dict[str, int]]) -> list[FlowPoint]:
    return [FlowPoint(bucket=day, **counts) for day, counts in sorted(points.items()) if any(counts.values())]


def raw_flow(session: Session, f: Filters, trend: str) -> dict[str, dict[str, int]]:
    b = bucket(session, Ticket.created_at, trend).label("b")
    arrivals = session.execute(f.tickets(select(b, func.count()).where(f.period(Ticket.created_at)).group_by(b))).all()
    ev = TicketHistoryEvent
    eb = bucket(session, ev.at, trend).label("b")
    changes = session.execute(
        f.join_tickets(
            select(eb, ev.status, func.count())
            .where(ev.kind == "status_changed", ev.status.in_(("resolved", "closed")), f.period(ev.at))
            .group_by(eb, ev.status),
            ev.ticket_id,
        )
    ).all()
    points: dict[str, dict[str, int]] = {}
    for day, n in arrivals:
        points.setdefault(str(day), {"arrivals": 0, "resolved": 0, "closed": 0})["arrivals"] += n
    for day, status, n in changes:
        points.setdefault(str(day), {"arrivals": 0, "resolved": 0, "closed": 0})[status] += n
    return points
