"""Daily rollups: closed UTC days pre-aggregated, so long periods read a few rows per day.

A report over a period reads each *closed* UTC day wholly inside the period
from the rollup tables (`models.report_*`), and computes the rest from the
raw tables as before: the partial first and last days, today, and any day
whose rollup is missing or dirty. Counts and sums add up across the parts;
medians and p90s stay exact because the timed runs are kept per day and
group in value buckets that also hold the values themselves: the bucket
counts locate the rank, and only the values of the one or two buckets
holding it are read (`distribution`).

A day is closed when it ended more than `GRACE` ago. Every row the reports
read is stamped with the server's clock when written (a ticket's creation,
history events, replies, CSAT answers: all `ctx.now`), so it lands on an
open day, except the finished clock runs: a ticket's runs are rewritten (a
reopen drops a resolution run of an earlier day) and regrouped (a
reassignment moves a year of runs to another agent). `record_runs` marks the
closed days it changes in `report_dirty_days`; the next report drops those
days' rollups and rebuilds them. A write still running when its day closes
is covered by the grace period. Anything else that changes rows of a closed
day (an import, a repair) must call `mark_dirty`.

Rollups are built ahead of time by the server (`rollup_builder`: at startup,
after each day closes, soon after days are marked dirty), and a report builds
only what is still missing (`prepare`, before it opens its read transaction),
in a write transaction of its own, one statement per table and dimension over
every missing day at once; the run tables also get one row set per whole UTC
week (Monday to Sunday), summed from its days, so a year reads ~52 week rows
and a few day rows per group.

Filters. The run tables hold each row set three times (`scope`): over all
runs, per queue ('queue:<id>') and per policy ('policy:<key>'), from the
runs' own copies of the ticket's fields, exactly what the raw queries filter
on. The day tables (arrivals, replies, CSAT) are grouped by the ticket's
queue and policy too, which the raw queries join the ticket for; a change of
a ticket's queue or policy marks the closed days of its rows dirty
(`clock_runs.record_runs`). A report narrowed to both a queue and a policy
reads the raw tables.

Locking (PostgreSQL). Building takes the transaction advisory lock
`LOCK_BUILD`; the background builder also holds the session lock
`LOCK_BUILDER` while it works through its chunks. A report never waits for
either: when a build is under way it reads the days still missing from the
raw tables (exact all the same) instead of building them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    Numeric,
    String,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from desk_app.server.auth.models import User
from desk_app.server.directory.models import Queue
from desk_app.server.feedback.models import SurveyResponse
from desk_app.server.reports.common import DIMENSIONS, PROMISE_METRICS, Filters, Stats, measure, run_dimension
from desk_app.server.reports.models import (
    ClockRun,
    report_csat_days,
    report_days,
    report_dirty_days,
    report_entry_days,
    report_flow_days,
    report_run_buckets,
    report_run_counts,
)
from desk_app.server.tickets.models import ThreadEntry, Ticket, TicketHistoryEvent

#: Switch for the benchmark's "before" run and for tests of the raw path.
ENABLED = True
#: A UTC day is rolled up once it ended this long ago (longer than any write transaction).
GRACE = timedelta(hours=1)
#: Metrics whose business times are kept in value buckets for every dimension (the tier budgets are
#: kept too, without a dimension, for the time spent at each tier).
TIMED = ("first_response", "resolution")
#: Value buckets for the timed runs: ~20% wide (bucket i holds BOUNDS[i-1] <= v < BOUNDS[i]).
BOUNDS: tuple[int, ...] = tuple(
    sorted({int(60 * 1.2**i) for i in range(0, 120) if 60 * 1.2**i < 2**40})
)
#: The report dimensions the rollups are grouped by ('' = no grouping).
DIMS: tuple[str, ...] = ("", *DIMENSIONS)
#: The filters the run tables are also kept under ('' = none), and the run column each filters on.
SCOPES: tuple[str, ...] = ("", "queue", "policy")
_SCOPE_COLUMN = {"queue": ClockRun.queue_id, "policy": ClockRun.policy_key}
#: PostgreSQL advisory lock keys: one build transaction at a time; the background builder at work.
LOCK_BUILD = 7011
LOCK_BUILDER = 7012
_ID_DIMS = {"queue": Queue, "agent": User}
#: A rollup-only grouping of the first responses by the ticket's assignee and channel (the agents
#: report's per-channel figures): value "<assignee id>|<channel>", "" for no assignee.
AGENT_CHANNEL = "agent_channel"
_PERCENTILES = (0.5, 0.9)


def utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


def closed_before(now: datetime) -> date:
    """The first day that is not closed yet at `now` (days before it are)."""
    return (_utc(now) - GRACE).date()


def scope_of(f: Filters) -> str | None:
    """The run tables' scope that serves `f`'s filters (None: both filters, read raw)."""
    if f.queue_id is not None and f.policy is not None:
        return None
    if f.queue_id is not None:
        return f"queue:{f.queue_id}"
    if f.policy is not None:
        return f"policy:{f.policy}"
    return ""


def bucket_of(value: int) -> int:
    return bisect_right(BOUNDS, value)


def _bucket_sql(column: Any, lo: int = 0, hi: int = len(BOUNDS)) -> ColumnElement[int]:
    """`bucket_of` in SQL: a binary search of nested CASEs (7 comparisons a row, not up to 90).

    Between `lo` and `hi` inclusive; constants inline, so that PostgreSQL sees
    the same expression in SELECT and GROUP BY.
    """
    if lo == hi:
        return literal_column(str(lo))
    mid = (lo + hi) // 2
    return case(
        (column < literal_column(str(BOUNDS[mid])), _bucket_sql(column, lo, mid)),
        else_=_bucket_sql(column, mid + 1, hi),
    )


def _postgres(session_or_conn: Any) -> bool:
    bind = session_or_conn.get_bind() if isinstance(session_or_conn, Session) else session_or_conn
    return bind.dialect.name == "postgresql"


# -- marking days dirty (the write path: record_runs) -----------------------------------


def mark_dirty(connection: Connection, days: Iterable[date]) -> None:
    """Record that rows of these days changed; the rollups of those already built are rebuilt."""
    rows = [{"day": d} for d in sorted(set(days))]
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(dialect.insert(report_dirty_days).on_conflict_do_nothing(), rows)


# -- which days a report reads from the rollups ------------------------------------------


@dataclass(frozen=True, slots=True)
class Split:
    """A period cut into day ranges read from the rollups and windows read from the raw tables.

    The run tables also hold whole weeks (Monday to Sunday, span 7): within
    the rolled days, those weeks are read as one row each instead of seven.
    """

    rolled: tuple[tuple[date, date], ...]  # [first, last) day ranges
    weeks: tuple[date, ...]  # Mondays of the whole weeks of `rolled` whose week rows are built
    live: tuple[Filters, ...]  # the same filters, each over one raw window
    scope: str = ""  # the run tables' rows to read (`scope_of`)
    queue_id: int | None = None  # the day tables' rows to read
    policy: str | None = None

    def filtered(self, table: Any) -> list[ColumnElement[bool]]:
        """The day tables' rows of the report's queue and policy (every row when not filtered)."""
        where = []
        if self.queue_id is not None:
            where.append(table.c.queue_id == self.queue_id)
        if self.policy is not None:
            where.append(table.c.policy_key == self.policy)
        return where

    def days(self, column: Any) -> ColumnElement[bool]:
        """Every rolled day (tables kept per day only, or their day rows)."""
        return or_(*[and_(column >= a, column < b) for a, b in self.rolled])

    def spans(self, table: Any) -> ColumnElement[bool]:
        """The rolled days of a run table: its week rows for the whole weeks, day rows for the rest."""
        weeks = set(self.weeks)
        days = [d for d in _each_day(self.rolled) if _monday(d) not in weeks]
        parts = []
        if days:
            ranges = [and_(table.c.day >= a, table.c.day < b) for a, b in _ranges(days)]
            parts.append(and_(table.c.span == 1, or_(*ranges)))
        if weeks:
            parts.append(and_(table.c.span == 7, table.c.day.in_(sorted(weeks))))
        return or_(*parts)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _each_day(ranges: Iterable[tuple[date, date]]) -> list[date]:
    return [a + timedelta(days=i) for a, b in ranges for i in range((b - a).days)]


def _full_days(f: Filters) -> tuple[date, date] | None:
    start, end = _utc(f.start), _utc(f.end)
    first = start.date() if start == utc_midnight(start.date()) else start.date() + timedelta(days=1)
    last = min(end.date(), closed_before(f.now))
    return (first, last) if first < last else None


def _ranges(days: Sequence[date]) -> list[tuple[date, date]]:
    ranges: list[list[date]] = []
    for d in days:
        if ranges and ranges[-1][1] == d:
            ranges[-1][1] = d + timedelta(days=1)
        else:
            ranges.append([d, d + timedelta(days=1)])
    return [(a, b) for a, b in ranges]


def plan(session: Session, f: Filters) -> Split | None:
    """How to read `f`'s period: None when the rollups cannot serve any of it (read it all raw)."""
    scope = scope_of(f)
    if not ENABLED or scope is None:
        return None
    full = _full_days(f)
    if full is None:
        return None
    cache = session.info.setdefault("report_rollup_plans", {})
    if f in cache:
        return cache[f]
    first, last = full
    spans = session.execute(
        select(report_days.c.day, report_days.c.span).where(report_days.c.day >= first - timedelta(days=6),
                                                           report_days.c.day < last)
    ).all()
    dirty = set(session.scalars(select(report_dirty_days.c.day)))
    built = {d for d, span in spans if span == 1 and first <= d < last} - dirty
    rolled = _ranges(sorted(built))
    split = None
    if rolled:
        weeks = tuple(sorted(
            d for d, span in spans
            if span == 7 and all(d + timedelta(days=i) in built for i in range(7))
        ))
        live, cursor = [], _utc(f.start)
        for a, b in rolled:
            if cursor < utc_midnight(a):
                live.append(replace(f, start=cursor, end=utc_midnight(a)))
            cursor = utc_midnight(b)
        if cursor < _utc(f.end):
            live.append(replace(f, start=cursor, end=_utc(f.end)))
        split = Split(rolled=tuple(rolled), weeks=weeks, live=tuple(live), scope=scope, queue_id=f.queue_id,
                      policy=f.policy)
    cache[f] = split
    return split


# -- building -------------------------------------------------------------------------------


def prepare(db: Any, f: Filters, *, wait: bool = False) -> bool:
    """Build the rollups of the closed days of `f`'s period that are missing or dirty.

    Its own transactions, before the report's read: first the dirty days lose
    their "built" mark (short), then the missing days are built in one write
    transaction. Both hold an advisory lock on PostgreSQL: two builders never
    build the same days, and a dirty mark is never consumed while a build
    that may predate the change is still to commit. Whatever is built, for
    every filter scope. The days already built when the lock is taken are
    left alone.

    `wait`: wait for a build under way (the builder, the CLI); without it (a
    report) nothing is built while another build runs or the background
    builder is at work: the report reads those days raw. False when it gave
    up for that reason.
    """
    if not ENABLED or scope_of(f) is None:
        return True
    full = _full_days(f)
    if full is None:
        return True
    first, last = full
    with db.read() as session:
        dirty = list(session.scalars(select(report_dirty_days.c.day)))
        spans = set(session.execute(
            select(report_days.c.day, report_days.c.span).where(report_days.c.day >= first - timedelta(days=6),
                                                               report_days.c.day < last)
        ).all())
    if dirty:
        with db.write() as session:
            conn = session.connection()
            # Not while another build runs: it might be building these days from before the change.
            if not _lock(conn, wait):
                return False
            days = [d for (d,) in conn.execute(delete(report_dirty_days).returning(report_dirty_days.c.day)).all()]
            if days:
                _unmark(conn, days)
                spans -= {(d, 1) for d in days} | {(_monday(d), 7) for d in days}
    wanted = [first + timedelta(days=i) for i in range((last - first).days)]
    if all((d, 1) in spans for d in wanted) and all((w, 7) in spans for w in _whole_weeks(wanted)):
        return True
    with db.write() as session:
        conn = session.connection()
        if not _lock(conn, wait):
            return False
        if _postgres(conn):
            conn.execute(text("SET LOCAL jit = off"))
        spans = set(conn.execute(
            select(report_days.c.day, report_days.c.span).where(report_days.c.day >= first - timedelta(days=6),
                                                               report_days.c.day < last)
        ).all())
        for a, b in _ranges([d for d in wanted if (d, 1) not in spans]):
            build(conn, a, b)
        for week in _whole_weeks(wanted):
            if (week, 7) not in spans:
                build_week(conn, week)
    return True


def catch_up(db: Any, now: datetime, days: int = 366) -> None:
    """Build the rollups of the last `days` closed days in one go, waiting for any build under way."""
    end = utc_midnight(closed_before(now))
    prepare(db, Filters(start=end - timedelta(days=days), end=end, now=now, queue_id=None, policy=None), wait=True)


def _lock(conn: Connection, wait: bool = True) -> bool:
    """One build at a time (PostgreSQL; SQLite has a single writer anyway), until the transaction ends.

    Without `wait`: only if no build runs and the background builder is not
    at work (its session lock), else False at once.
    """
    if not _postgres(conn):
        return True
    if wait:
        conn.execute(text(f"SELECT pg_advisory_xact_lock({LOCK_BUILD})"))
        return True
    got = conn.execute(text(f"SELECT pg_try_advisory_xact_lock({LOCK_BUILD})")).scalar_one()
    return bool(got and conn.execute(text(f"SELECT pg_try_advisory_xact_lock({LOCK_BUILDER})")).scalar_one())


def _whole_weeks(days: Sequence[date]) -> list[date]:
    """Mondays of the weeks all of whose days are in `days`."""
    have = set(days)
    return sorted({_monday(d) for d in days if all(_monday(d) + timedelta(days=i) in have for i in range(7))})


def _unmark(conn: Connection, days: Iterable[date]) -> None:
    """Forget that these days, and the weeks holding them, are built."""
    days = set(days)
    weeks = {_monday(d) for d in days}
    conn.execute(delete(report_days).where(report_days.c.span == 1, report_days.c.day.in_(sorted(days))))
    conn.execute(delete(report_days).where(report_days.c.span == 7, report_days.c.day.in_(sorted(weeks))))


def _day(conn: Connection, column: Any) -> ColumnElement[date]:
    if _postgres(conn):
        return cast(func.timezone(literal_column("'UTC'"), column), Date)
    return func.date(column)


def _text(column: Any) -> ColumnElement[str]:
    return cast(column, String)


def build(conn: Connection, first: date, last: date) -> None:
    """(Re)build the rollups of the days [first, last) from the raw tables, and mark them built."""
    t0, t1 = utc_midnight(first), utc_midnight(last)
    for table in (report_flow_days, report_entry_days, report_csat_days):
        conn.execute(delete(table).where(table.c.day >= first, table.c.day < last))
    for table in (report_run_counts, report_run_buckets):
        conn.execute(delete(table).where(table.c.span == 1, table.c.day >= first, table.c.day < last))
        # The weeks holding these days are summed from them: gone too, until rebuilt.
        conn.execute(delete(table).where(table.c.span == 7, table.c.day >= _monday(first), table.c.day < last))
    days = _each_day([(first, last)])
    _unmark(conn, days)
    in_days = and_(ClockRun.stopped_at >= t0, ClockRun.stopped_at < t1)
    m = measure(ClockRun.metric, ClockRun.key)
    elapsed = ClockRun.elapsed_seconds
    values = (
        func.string_agg(cast(elapsed, String), literal(","))
        if _postgres(conn)
        else func.group_concat(elapsed, literal(","))
    )
    b = _bucket_sql(elapsed)
    for scope_name in SCOPES:
        scope, by_scope, scoped = _scope_sql(scope_name)
        for dim in DIMS:
            col = run_dimension(dim or None)
            value = _text(col) if col is not None else null()
            group = [*by_scope, *([col] if col is not None else [])]
            counts = select(
                ClockRun.stopped_on, literal(1), scope, m, literal(dim), value,
                func.sum(case((ClockRun.state == "met", 1), else_=0)),
                func.sum(case((ClockRun.state == "missed", 1), else_=0)),
            ).where(ClockRun.metric.in_(PROMISE_METRICS), in_days, *scoped).group_by(ClockRun.stopped_on, m, *group)
            conn.execute(insert(report_run_counts).from_select(
                ["day", "span", "scope", "measure", "dim", "value", "met", "missed"], counts))
            timed = select(
                ClockRun.stopped_on, literal(1), scope, ClockRun.metric, literal(dim), value, b, func.count(),
                func.sum(elapsed), values,
            ).where(ClockRun.metric.in_(TIMED), in_days, *scoped).group_by(ClockRun.stopped_on, ClockRun.metric, *group, b)
            conn.execute(insert(report_run_buckets).from_select(
                ["day", "span", "scope", "measure", "dim", "value", "bucket", "n", "total", "vals"], timed))
        budgets = select(
            ClockRun.stopped_on, literal(1), scope, ClockRun.key, literal(""), null(), b, func.count(), func.sum(elapsed),
            values,
        ).where(ClockRun.metric == "tier_budget", in_days, *scoped).group_by(ClockRun.stopped_on, ClockRun.key, *by_scope, b)
        conn.execute(insert(report_run_buckets).from_select(
            ["day", "span", "scope", "measure", "dim", "value", "bucket", "n", "total", "vals"], budgets))
        pair = agent_channel_value()
        firsts = select(
            ClockRun.stopped_on, literal(1), scope, ClockRun.metric, literal(AGENT_CHANNEL), pair, b, func.count(),
            func.sum(elapsed), values,
        ).where(ClockRun.metric == "first_response", in_days, *scoped).group_by(
            ClockRun.stopped_on, ClockRun.metric, *by_scope, ClockRun.assignee_id, ClockRun.channel, b)
        conn.execute(insert(report_run_buckets).from_select(
            ["day", "span", "scope", "measure", "dim", "value", "bucket", "n", "total", "vals"], firsts))

    # The day tables by the ticket's queue and policy as they are now (what the raw queries join for).
    filters = (Ticket.queue_id, Ticket.policy_key)
    flow: dict[tuple, dict[str, int]] = defaultdict(lambda: {"arrivals": 0, "resolved": 0, "closed": 0})
    day = _day(conn, Ticket.created_at)
    for d, q, p, n in conn.execute(
        select(day, *filters, func.count()).where(Ticket.created_at >= t0, Ticket.created_at < t1)
        .group_by(day, *filters)
    ):
        flow[(_as_date(d), q, p)]["arrivals"] += n
    ev = TicketHistoryEvent
    day = _day(conn, ev.at)
    for d, q, p, status, n in conn.execute(
        select(day, *filters, ev.status, func.count())
        .join(Ticket, Ticket.id == ev.ticket_id)
        .where(ev.kind == "status_changed", ev.status.in_(("resolved", "closed")), ev.at >= t0, ev.at < t1)
        .group_by(day, *filters, ev.status)
    ):
        flow[(_as_date(d), q, p)][status] += n
    if flow:
        conn.execute(insert(report_flow_days), [
            {"day": d, "queue_id": q, "policy_key": p, **v}
            for (d, q, p), v in sorted(flow.items(), key=lambda item: (item[0][0], str(item[0][1]), item[0][2]))
        ])

    t = ThreadEntry
    day = _day(conn, t.created_at)
    conn.execute(insert(report_entry_days).from_select(
        ["day", "author_id", "queue_id", "policy_key", "replies", "calls"],
        select(day, t.author_id, *filters, func.sum(case((t.kind == "public_reply", 1), else_=0)),
               func.sum(case((t.kind == "phone_call", 1), else_=0)))
        .join(Ticket, Ticket.id == t.ticket_id)
        .where(t.kind.in_(("public_reply", "phone_call")), t.author_id.is_not(None), t.created_at >= t0, t.created_at < t1)
        .group_by(day, t.author_id, *filters),
    ))
    s = SurveyResponse
    day = _day(conn, s.answered_at)
    conn.execute(insert(report_csat_days).from_select(
        ["day", "agent_id", "queue_id", "policy_key", "responses", "score_sum", "satisfied"],
        select(day, s.agent_id, *filters, func.count(s.score), func.coalesce(func.sum(s.score), 0),
               func.sum(case((s.score >= 4, 1), else_=0)))
        .join(Ticket, Ticket.id == s.ticket_id)
        .where(s.answered_at.is_not(None), s.answered_at >= t0, s.answered_at < t1)
        .group_by(day, s.agent_id, *filters),
    ))
    conn.execute(insert(report_days), [{"day": d, "span": 1} for d in days])


def _scope_sql(name: str) -> tuple[ColumnElement[str], list[Any], list[ColumnElement[bool]]]:
    """(the scope value of a run, the GROUP BY it needs, the WHERE it needs) for a scope of `SCOPES`."""
    if not name:
        return literal(""), [], []
    column = _SCOPE_COLUMN[name]
    # Runs without a queue are under no queue scope: a report cannot be narrowed to "no queue".
    return literal(f"{name}:") + _text(column), [column], [column.is_not(None)]


def build_week(conn: Connection, monday: date) -> None:
    """(Re)build the week rows of the run tables from the seven day rows of the week starting `monday`."""
    end = monday + timedelta(days=7)
    week = [report_run_counts.c.day >= monday, report_run_counts.c.day < end]
    for table in (report_run_counts, report_run_buckets):
        conn.execute(delete(table).where(table.c.span == 7, table.c.day == monday))
    r = report_run_counts
    conn.execute(insert(r).from_select(
        ["day", "span", "scope", "measure", "dim", "value", "met", "missed"],
        select(literal(monday, Date), literal(7), r.c.scope, r.c.measure, r.c.dim, r.c.value, func.sum(r.c.met),
               func.sum(r.c.missed))
        .where(r.c.span == 1, *week).group_by(r.c.scope, r.c.measure, r.c.dim, r.c.value),
    ))
    b = report_run_buckets
    vals = func.string_agg(b.c.vals, literal(",")) if _postgres(conn) else func.group_concat(b.c.vals, literal(","))
    conn.execute(insert(b).from_select(
        ["day", "span", "scope", "measure", "dim", "value", "bucket", "n", "total", "vals"],
        select(literal(monday, Date), literal(7), b.c.scope, b.c.measure, b.c.dim, b.c.value, b.c.bucket,
               func.sum(b.c.n), func.sum(b.c.total), vals)
        .where(b.c.span == 1, b.c.day >= monday, b.c.day < end)
        .group_by(b.c.scope, b.c.measure, b.c.dim, b.c.value, b.c.bucket),
    ))
    conn.execute(insert(report_days), [{"day": monday, "span": 7}])


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# -- reading ------------------------------------------------------------------------------


class GroupValues:
    """Turns the text group values of the rollups back into the keys the raw queries give.

    Queue and agent ids are integers; an id whose queue or user no longer
    exists reads as None, as the raw runs' foreign keys (ON DELETE SET NULL)
    made it there.
    """

    def __init__(self, session: Session, dim: str):
        self.dim = dim
        model = _ID_DIMS.get("agent" if dim == AGENT_CHANNEL else dim)
        self.known = set(session.scalars(select(model.id))) if model is not None else None

    def __call__(self, value: str | None) -> Any:
        if value is None or self.known is None:
            return value
        if self.dim == AGENT_CHANNEL:  # the same key the raw runs give (`agent_channel_value`)
            agent, _, channel = value.partition("|")
            return f"{agent if agent and int(agent) in self.known else ''}|{channel}"
        key = int(value)
        return key if key in self.known else None


def agent_channel_value() -> ColumnElement[str]:
    """A run's `AGENT_CHANNEL` value: "<assignee id>|<channel>" ("|phone": no assignee)."""
    return func.coalesce(_text(ClockRun.assignee_id), literal("")) + literal("|") + ClockRun.channel


def split_agent_channel(value: str) -> tuple[int | None, str]:
    agent, _, channel = value.partition("|")
    return (int(agent) if agent else None), channel


def run_counts(session: Session, split: Split, dim: str) -> list[tuple]:
    """(measure, key, met, missed) of the rolled days, grouped by `dim` ('' : key None)."""
    r = report_run_counts
    rows = session.execute(
        select(r.c.measure, r.c.value, func.sum(r.c.met), func.sum(r.c.missed))
        .where(r.c.scope == split.scope, r.c.dim == dim, split.spans(r))
        .group_by(r.c.measure, r.c.value)
    ).all()
    key = GroupValues(session, dim)
    return [(m, key(v), int(met), int(missed)) for m, v, met, missed in rows]


def run_counts_by_day(session: Session, split: Split, trend: str) -> list[tuple]:
    """(measure, bucket date, met, missed) of the rolled days, by day or by the Monday of the week."""
    r = report_run_counts
    rows = session.execute(
        select(r.c.measure, r.c.day, func.sum(r.c.met), func.sum(r.c.missed))
        .where(r.c.scope == split.scope, r.c.dim == "", r.c.span == 1, split.days(r.c.day))
        .group_by(r.c.measure, r.c.day)
    ).all()
    return [(m, trend_bucket(_as_date(d), trend), int(a), int(b)) for m, d, a, b in rows]


def trend_bucket(day: date, trend: str) -> date:
    return day - timedelta(days=day.weekday()) if trend == "week" else day


def flow_days(session: Session, split: Split) -> list[tuple[date, int, int, int]]:
    r = report_flow_days
    rows = session.execute(
        select(r.c.day, func.sum(r.c.arrivals), func.sum(r.c.resolved), func.sum(r.c.closed))
        .where(split.days(r.c.day), *split.filtered(r)).group_by(r.c.day)
    ).all()
    return [(_as_date(d), int(a), int(b), int(c)) for d, a, b, c in rows]


def entry_counts(session: Session, split: Split) -> list[tuple[int, int, int]]:
    """(author, replies, calls) of the rolled days (authors that no longer exist are left out, as NULLs are)."""
    r = report_entry_days
    rows = session.execute(
        select(r.c.author_id, func.sum(r.c.replies), func.sum(r.c.calls))
        .where(split.days(r.c.day), *split.filtered(r)).group_by(r.c.author_id)
    ).all()
    key = GroupValues(session, "agent")
    return [(key(str(a)), int(x), int(y)) for a, x, y in rows if key(str(a)) is not None]


def csat_counts(session: Session, split: Split) -> list[tuple[Any, int, int, int]]:
    """(agent, responses, score sum, satisfied) of the rolled days."""
    r = report_csat_days
    rows = session.execute(
        select(r.c.agent_id, func.sum(r.c.responses), func.sum(r.c.score_sum), func.sum(r.c.satisfied))
        .where(split.days(r.c.day), *split.filtered(r)).group_by(r.c.agent_id)
    ).all()
    key = GroupValues(session, "agent")
    return [(key(None if a is None else str(a)), int(n), int(s), int(h)) for a, n, s, h in rows]


def means(session: Session, pairs: Sequence[tuple[int, int]]) -> list[float | None]:
    """sum / count for each pair, exactly as the database's avg() gives it.

    PostgreSQL's avg() of integers is a NUMERIC division of the sum by the
    count, rounded to its own precision; the same division here gives the
    same float. SQLite's avg() divides in double precision, as Python does.
    """
    if not _postgres(session):
        return [None if n == 0 else total / n for total, n in pairs]
    out: list[float | None] = [None] * len(pairs)
    todo = [(i, t, n) for i, (t, n) in enumerate(pairs) if n]
    for chunk in range(0, len(todo), 500):
        part = todo[chunk : chunk + 500]
        row = session.execute(
            select(*[cast(literal(t), Numeric) / cast(literal(n), Numeric) for _, t, n in part])
        ).one()
        for (i, _, _), value in zip(part, row):
            out[i] = float(Decimal(value))
    return out


def _percentile_ranks(n: int, p: float) -> tuple[int, int, float]:
    """PostgreSQL's percentile_cont: the two ranks around p * (n - 1) and the weight of the second."""
    pos = p * (n - 1)
    first = int(pos)  # floor: never negative
    second = first + 1 if pos > first else first
    return first, second, pos - first


def distribution(
    session: Session,
    split: Split,
    dim: str,
    measures: Sequence[str] | None,
    live: Callable[[Filters], Select],
) -> dict[tuple[str, Any], Stats]:
    """Count, mean, median and p90 of the timed runs per (measure, group), exact, over the split.

    `measures`: the stored measures to read (None: every tier budget);
    `live(filters)`: the raw runs of one window, as (measure, value[, k]) rows.
    """
    r = report_run_buckets
    where = [r.c.scope == split.scope, r.c.dim == dim, split.spans(r)]
    where.append(r.c.measure.in_(measures) if measures is not None else r.c.measure.like("tier_budget:%"))
    key_of = GroupValues(session, dim)
    counts: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[tuple, int] = defaultdict(int)
    for m, v, b, n, total in session.execute(
        select(r.c.measure, r.c.value, r.c.bucket, func.sum(r.c.n), func.sum(r.c.total))
        .where(*where).group_by(r.c.measure, r.c.value, r.c.bucket)
    ).all():
        key = (m, key_of(v))
        counts[key][b] += int(n)
        totals[key] += int(total)
    raw: dict[tuple, list[int]] = defaultdict(list)
    for window in split.live:
        for row in session.execute(live(window)).all():
            key = (row[0], row[2] if len(row) > 2 else None)
            raw[key].append(int(row[1]))
    for key, values in raw.items():
        for v in values:
            counts[key][bucket_of(v)] += 1
        totals[key] += sum(values)

    # The rank positions each group needs, and the bucket each falls in.
    wanted: dict[tuple, list[tuple[int, int, int, float]]] = {}
    needed: dict[tuple, set[int]] = defaultdict(set)
    for key, per_bucket in counts.items():
        order = sorted(per_bucket)
        n = sum(per_bucket.values())
        picks = []
        for p in _PERCENTILES:
            first, second, weight = _percentile_ranks(n, p)
            picks.append((first, second, weight))
            for rank in {first, second}:
                needed[key].add(_locate(order, per_bucket, rank))
        wanted[key] = picks

    values_in: dict[tuple, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    all_buckets = set().union(*needed.values()) if needed else set()
    if all_buckets:
        for m, v, b, vals in session.execute(
            select(r.c.measure, r.c.value, r.c.bucket, r.c.vals).where(*where, r.c.bucket.in_(sorted(all_buckets)))
        ).all():
            key = (m, key_of(v))
            if b in needed.get(key, ()):
                values_in[key][b].extend(map(int, vals.split(",")))
    for key, values in raw.items():
        for v in values:
            b = bucket_of(v)
            if b in needed[key]:
                values_in[key][b].append(v)

    keys = sorted(counts, key=lambda k: (k[0], str(k[1])))
    mean_values = means(session, [(totals[k], sum(counts[k].values())) for k in keys])
    result = {}
    for key, mean in zip(keys, mean_values):
        per_bucket = counts[key]
        order = sorted(per_bucket)
        sorted_in = {b: sorted(v) for b, v in values_in[key].items()}

        def value_at(rank: int) -> float:
            b = _locate(order, per_bucket, rank)
            before = sum(per_bucket[x] for x in order if x < b)
            return float(sorted_in[b][rank - before])

        figures = []
        for first, second, weight in wanted[key]:
            lo = value_at(first)
            figures.append(lo if second == first else lo + weight * (value_at(second) - lo))
        result[key] = Stats(count=sum(per_bucket.values()), mean=mean, median=figures[0], p90=figures[1])
    return result


def _locate(order: Sequence[int], per_bucket: dict[int, int], rank: int) -> int:
    """The bucket holding the value of 0-based `rank` in ascending order."""
    seen = 0
    for b in order:
        seen += per_bucket[b]
        if rank < seen:
            return b
    raise AssertionError(f"rank {rank} beyond {seen} values")
