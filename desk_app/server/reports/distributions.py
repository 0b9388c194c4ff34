"""First-response and resolution times in business time: count, mean, median, p90.

From `clock_runs` alone (the business time each clock run took, as the core
computed it when the clock stopped, and the ticket's grouping fields), for
runs that stopped in the period; over a long period the closed days come
from the daily rollups (`rollups.distribution`, exact all the same).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from desk_app.server.reports import rollups
from desk_app.server.reports.common import Filters, distribution, group_key, group_labels, run_dimension
from desk_app.server.reports.models import ClockRun
from desk_app.server.reports.schemas import TimeRow

TIME_MEASURES = ("first_response", "resolution")


def time_runs(f: Filters, group_by: str | None) -> Select:
    """(measure, value[, k]) of the runs measured, from `clock_runs` alone."""
    by = run_dimension(group_by)
    cols = [ClockRun.metric.label("measure"), ClockRun.elapsed_seconds.label("value")]
    if by is not None:
        cols.append(by.label("k"))
    return f.runs(select(*cols).where(ClockRun.metric.in_(TIME_MEASURES), f.period(ClockRun.stopped_at)))


def time_rows(session: Session, f: Filters, group_by: str | None) -> list[TimeRow]:
    by = run_dimension(group_by)
    groups = ["measure"] if by is None else ["measure", "k"]
    split = rollups.plan(session, f)
    if split is None:
        stats = distribution(session, time_runs(f, group_by), groups)
    else:
        stats = rollups.distribution(session, split, group_by or "", TIME_MEASURES, lambda w: time_runs(w, group_by))
        if by is None:
            stats = {(m,): s for (m, _), s in stats.items()}
    keys = {k[1] for k in stats} if by is not None else set()
    labels = group_labels(session, group_by, keys) if group_by else {}
    rows = [
        TimeRow(
            measure=key[0],
            group=group_key(key[1]) if by is not None else None,
            label=labels.get(key[1]) if by is not None else None,
            count=s.count,
            mean_seconds=s.mean,
            median_seconds=s.median,
            p90_seconds=s.p90,
        )
        for key, s in stats.items()
    ]
    return sorted(rows, key=lambda r: (r.measure, r.group or ""))
