"""SLA compliance: % of clock runs met, per measure, by a dimension, with a trend.

A clock run counts in the period when it stopped in the period (met or
missed, from `clock_runs`); a clock still open whose due time fell in the
period and has passed by now counts as `breached_open` (without it a team
drowning in overdue tickets would look compliant until they are answered).
Groups follow the ticket as it is now (its queue, its assignee...).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, null, select
from sqlalchemy.orm import Session

from desk_app.server.reports.common import (
    PROMISE_METRICS,
    Filters,
    bucket,
    dimension,
    group_key,
    group_labels,
    is_overdue,
    measure,
    ratio,
)
from desk_app.server.reports.models import ClockRun
from desk_app.server.reports.schemas import CompliancePoint, ComplianceRow
from desk_app.server.tickets.models import TicketClock


def _key(by: Any) -> Any:
    return (by if by is not None else null()).label("k")


def _group(by: Any) -> list[Any]:
    return [] if by is None else [by]


def _finished(session: Session, f: Filters, by: Any, by_dim: str | None) -> list[tuple]:
    """(measure, key, met, missed) of the runs that stopped in the period."""
    m = measure(ClockRun.metric, ClockRun.key).label("measure")
    query = (
        select(
            m,
            _key(by),
            func.sum(case((ClockRun.state == "met", 1), else_=0)),
            func.sum(case((ClockRun.state == "missed", 1), else_=0)),
        )
        .where(ClockRun.metric.in_(PROMISE_METRICS), f.period(ClockRun.stopped_at))
        .group_by(m, *_group(by))
    )
    return session.execute(f.join_tickets(query, ClockRun.ticket_id, by_dim)).all()


def _open_breached(session: Session, f: Filters, by: Any, by_dim: str | None) -> list[tuple]:
    """(measure, key, count) of live clocks due in the period and overdue now."""
    m = measure(TicketClock.metric, TicketClock.key).label("measure")
    query = (
        select(m, _key(by), func.count())
        .where(
            TicketClock.metric.in_(PROMISE_METRICS),
            f.period(TicketClock.due_at),
            is_overdue(f.now, TicketClock.state, TicketClock.due_at, TicketClock.remaining_seconds),
        )
        .group_by(m, *_group(by))
    )
    return session.execute(f.join_tickets(query, TicketClock.ticket_id, by_dim)).all()


def _outcome(met: int, missed: int, open_: int) -> dict[str, Any]:
    total = met + missed + open_
    return {"met": met, "missed": missed, "breached_open": open_, "total": total, "percent_met": ratio(met, total)}


def _merge(finished: list[tuple], open_rows: list[tuple]) -> dict[tuple, list[int]]:
    merged: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for m, k, met, missed in finished:
        merged[(m, k)][0] += int(met or 0)
        merged[(m, k)][1] += int(missed or 0)
    for m, k, count in open_rows:
        merged[(m, k)][2] += int(count)
    return merged


def compliance_rows(
    session: Session, f: Filters, group_by: str | None
) -> tuple[list[ComplianceRow], list[ComplianceRow]]:
    """(overall per measure, rows per measure and group)."""
    by = dimension(group_by)
    merged = _merge(_finished(session, f, by, group_by), _open_breached(session, f, by, group_by))
    labels = group_labels(session, group_by, {k for _, k in merged}) if group_by else {}
    rows = [
        ComplianceRow(measure=m, group=group_key(k), label=labels.get(k) if group_by else None, **_outcome(*v))
        for (m, k), v in sorted(merged.items(), key=lambda item: (item[0][0], str(item[0][1])))
    ]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (m, _), v in merged.items():
        totals[m] = [a + b for a, b in zip(totals[m], v)]
    overall = [ComplianceRow(measure=m, group=None, label=None, **_outcome(*v)) for m, v in sorted(totals.items())]
    return overall, rows


def compliance_trend(session: Session, f: Filters, trend: str) -> list[CompliancePoint]:
    finished = _finished(session, f, bucket(session, ClockRun.stopped_at, trend), None)
    open_rows = _open_breached(session, f, bucket(session, TicketClock.due_at, trend), None)
    merged = _merge(finished, open_rows)
    return [
        CompliancePoint(bucket=str(b), measure=m, **_outcome(*v))
        for (m, b), v in sorted(merged.items(), key=lambda item: (str(item[0][1]), item[0][0]))
    ]
