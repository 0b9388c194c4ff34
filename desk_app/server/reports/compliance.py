"""SLA compliance: % of clock runs met, per measure, by a dimension, with a trend.

A clock run counts in the period when it stopped in the period (met or
missed, from `clock_runs`); a clock still open whose due time fell in the
period and has passed by now counts as `breached_open` (without it a team
drowning in overdue tickets would look compliant until they are answered).
Groups follow the ticket as it is now (its queue, its assignee...).

The finished runs are read from `clock_runs` alone (the ticket's grouping
fields are copied onto each run), in one index-only scan of its covering
(metric, stopped_at) index; on PostgreSQL that one scan feeds both the groups
and the trend (GROUPING SETS), and so does one scan of the live clocks. The
live clocks overdue are few: each one's ticket is looked up by id rather than
joined.

Over a long period the closed days come from the daily rollups
(`reports.rollups`) and only the rest of the period from `clock_runs`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, null, select, tuple_
from sqlalchemy.orm import Session

from desk_app.server.reports import rollups
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
    run_bucket,
    run_dimension,
    ticket_value,
)
from desk_app.server.reports.models import ClockRun
from desk_app.server.reports.schemas import CompliancePoint, ComplianceRow
from desk_app.server.tickets.models import TicketClock

Counts = dict[tuple, list[int]]


def _key(by: Any) -> Any:
    return (by if by is not None else null()).label("k")


def _group(by: Any) -> list[Any]:
    return [] if by is None else [by]


def _run_counts(f: Filters) -> tuple[Any, list[Any], list[Any]]:
    """(measure, [met, missed] sums, WHERE) of the finished runs stopped in the period."""
    m = measure(ClockRun.metric, ClockRun.key)
    sums = [
        func.sum(case((ClockRun.state == "met", 1), else_=0)),
        func.sum(case((ClockRun.state == "missed", 1), else_=0)),
    ]
    return m, sums, [ClockRun.metric.in_(PROMISE_METRICS), f.period(ClockRun.stopped_at)]


def _finished(session: Session, f: Filters, by: Any) -> list[tuple]:
    """(measure, key, met, missed) of the runs that stopped in the period."""
    m, sums, where = _run_counts(f)
    query = select(m.label("measure"), _key(by), *sums).where(*where).group_by(m, *_group(by))
    return session.execute(f.runs(query)).all()


def _finished_both(session: Session, f: Filters, by: Any, trend: str) -> tuple[list[tuple], list[tuple]]:
    """`_finished` by the dimension and by the trend bucket: one scan on PostgreSQL, two elsewhere."""
    day = run_bucket(session, trend)
    if session.get_bind().dialect.name != "postgresql":
        return _finished(session, f, by), _finished(session, f, day)
    m, sums, where = _run_counts(f)
    sets = [tuple_(m, by) if by is not None else tuple_(m), tuple_(m, day)]
    query = (
        select(m, by if by is not None else null(), day, func.grouping(day), *sums)
        .where(*where)
        .group_by(func.grouping_sets(*sets))
    )
    by_group, by_day = [], []
    for m_, k, d, rolled_up, met, missed in session.execute(f.runs(query)).all():
        if rolled_up:  # the day was rolled up: a row of the dimension's set
            by_group.append((m_, k, met, missed))
        else:
            by_day.append((m_, d, met, missed))
    return by_group, by_day


def _live_overdue(f: Filters, by: Any, day: Any = None) -> Any:
    """Live clocks due in the period and overdue now: (measure, k[, d]) rows, a subquery.

    `by`: a grouping on the clock itself (a trend bucket), or a ticket field
    (looked up by the clock's ticket id).
    """
    c = TicketClock
    cols = [measure(c.metric, c.key).label("measure"), _key(by)]
    if day is not None:
        cols.append(day.label("d"))
    query = select(*cols).where(
        c.metric.in_(PROMISE_METRICS),
        f.period(c.due_at),
        is_overdue(f.now, c.state, c.due_at, c.remaining_seconds),
    )
    return f.by_ticket(query, c.ticket_id).subquery()


def _open_breached(session: Session, f: Filters, by: Any) -> list[tuple]:
    """(measure, key, count) of live clocks due in the period and overdue now."""
    rows = _live_overdue(f, by)
    query = select(rows.c.measure, rows.c.k, func.count()).group_by(rows.c.measure, rows.c.k)
    return session.execute(query).all()


def _open_both(session: Session, f: Filters, group_by: str | None, trend: str) -> tuple[list[tuple], list[tuple]]:
    """`_open_breached` by the dimension and by the trend bucket: one scan on PostgreSQL, two elsewhere."""
    by = dimension(group_by)
    by = None if by is None else ticket_value(by, TicketClock.ticket_id)
    day = bucket(session, TicketClock.due_at, trend)
    if session.get_bind().dialect.name != "postgresql":
        return _open_breached(session, f, by), _open_breached(session, f, day)
    rows = _live_overdue(f, by, day)
    query = select(rows.c.measure, rows.c.k, rows.c.d, func.grouping(rows.c.d), func.count()).group_by(
        func.grouping_sets(tuple_(rows.c.measure, rows.c.k), tuple_(rows.c.measure, rows.c.d))
    )
    by_group, by_day = [], []
    for m, k, d, rolled_up, count in session.execute(query).all():
        if rolled_up:
            by_group.append((m, k, count))
        else:
            by_day.append((m, d, count))
    return by_group, by_day


def _outcome(met: int, missed: int, open_: int) -> dict[str, Any]:
    total = met + missed + open_
    return {"met": met, "missed": missed, "breached_open": open_, "total": total, "percent_met": ratio(met, total)}


def _merge(finished: list[tuple], open_rows: list[tuple]) -> Counts:
    merged: Counts = defaultdict(lambda: [0, 0, 0])
    for m, k, met, missed in finished:
        merged[(m, k)][0] += int(met or 0)
        merged[(m, k)][1] += int(missed or 0)
    for m, k, count in open_rows:
        merged[(m, k)][2] += int(count)
    return merged


def _rows(session: Session, group_by: str | None, merged: Counts) -> tuple[list[ComplianceRow], list[ComplianceRow]]:
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


def _dated(rows: list[tuple]) -> list[tuple]:
    """Trend rows with the bucket as an ISO date string (the backends return dates or strings)."""
    return [(m, str(b), *rest) for m, b, *rest in rows]


def _points(merged: Counts) -> list[CompliancePoint]:
    return [
        CompliancePoint(bucket=str(b), measure=m, **_outcome(*v))
        for (m, b), v in sorted(merged.items(), key=lambda item: (str(item[0][1]), item[0][0]))
    ]


def compliance_report(
    session: Session, f: Filters, group_by: str | None, trend: str
) -> tuple[list[ComplianceRow], list[ComplianceRow], list[CompliancePoint]]:
    """(overall per measure, rows per measure and group, trend points), each table read once."""
    split = rollups.plan(session, f)
    if split is None:
        finished_groups, finished_days = _finished_both(session, f, run_dimension(group_by), trend)
    else:
        finished_groups = rollups.run_counts(session, split, group_by or "")
        finished_days = rollups.run_counts_by_day(session, split, trend)
        for window in split.live:
            groups, days = _finished_both(session, window, run_dimension(group_by), trend)
            finished_groups += groups
            finished_days += days
    open_groups, open_days = _open_both(session, f, group_by, trend)
    overall, rows = _rows(session, group_by, _merge(finished_groups, open_groups))
    points = _points(_merge(_dated(finished_days), _dated(open_days)))
    return overall, rows, points
