"""What every report shares: filters, grouping dimensions, time buckets, percentiles.

Every figure is an aggregate computed by the database (GROUP BY); Python only
shapes the few result rows. Times are UTC: days and weeks (Monday-based) are
UTC days.

Percentiles (median, p90) follow PostgreSQL's `percentile_cont` (linear
interpolation between the two nearest ranks, position p * (n - 1)). On
PostgreSQL that aggregate is used directly. SQLite has no percentile
aggregate, so there the same value is computed portably: a window query
numbers each group's values (ROW_NUMBER) and counts them (COUNT OVER), and an
outer GROUP BY sums the one or two rows around the position with their
interpolation weights. Both give identical results (the tests compare them
with a plain-Python percentile on the same rows).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import Date, DateTime, Integer, and_, case, cast, func, literal, literal_column, or_, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from desk_app.server.auth.models import User
from desk_app.server.core.errors import ApiError
from desk_app.server.core.validation import MAX_ID
from desk_app.server.directory.models import Customer, Queue
from desk_app.server.reports.models import ClockRun
from desk_app.server.tickets.models import Ticket

#: The default period when none is given: the 30 days up to now.
DEFAULT_PERIOD = timedelta(days=30)
#: The times a report's period may name (a bound that keeps date arithmetic in range).
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
#: The longest period a report accepts (a bound on the work one request can ask for).
MAX_PERIOD = timedelta(days=3 * 366)

#: group_by values and what they group on (customer_tier needs the customers join).
DIMENSIONS = ("queue", "category", "priority", "channel", "customer_tier", "policy", "agent")
TRENDS = ("day", "week")
#: Metrics counted as our promises (evidence windows and third parties are the other party's deadlines).
PROMISE_METRICS = ("first_response", "next_response", "periodic_update", "resolution", "tier_budget")


@contextmanager
def report_session(request: Request) -> Iterator[Session]:
    """A read transaction for a report.

    On PostgreSQL without JIT compilation for its statements: a report's
    queries are estimated costly enough to trigger it (per-row ticket look-ups
    above all), and compiling took 200-300 ms of a 500 ms query on the bench.
    """
    with request.app.state.db.read() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL jit = off"))
        yield session


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", message, errors=[{"field": field, "message": message}])


@dataclass(frozen=True, slots=True)
class Filters:
    start: datetime
    end: datetime
    now: datetime
    queue_id: int | None
    policy: str | None

    def tickets(self, query: Select) -> Select:
        """Restrict a query that involves `tickets` to the queue and policy asked for."""
        if self.queue_id is not None:
            query = query.where(Ticket.queue_id == self.queue_id)
        if self.policy is not None:
            query = query.where(Ticket.policy_key == self.policy)
        return query

    @property
    def narrowed(self) -> bool:
        return self.queue_id is not None or self.policy is not None

    def join_tickets(self, query: Select, ticket_id: Any, group_by: str | None = None) -> Select:
        """Join `tickets` (and filter on it) only when a filter or the grouping needs it.

        The join is most of the cost on a big table; a plain count by measure
        or by day reads the report table's own index alone.
        """
        if not self.narrowed and group_by is None:
            return query
        return self.tickets(join_dimension(query.join(Ticket, Ticket.id == ticket_id), group_by))

    def runs(self, query: Select) -> Select:
        """Restrict a query on `clock_runs` to the queue and policy asked for (its own copies: no join)."""
        if self.queue_id is not None:
            query = query.where(ClockRun.queue_id == self.queue_id)
        if self.policy is not None:
            query = query.where(ClockRun.policy_key == self.policy)
        return query

    def by_ticket(self, query: Select, ticket_id: Any) -> Select:
        """Restrict a query to the queue and policy asked for, looking each row's ticket up by id."""
        if self.queue_id is not None:
            query = query.where(ticket_value(Ticket.queue_id, ticket_id) == self.queue_id)
        if self.policy is not None:
            query = query.where(ticket_value(Ticket.policy_key, ticket_id) == self.policy)
        return query

    def period(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def report_filters(
    request: Request,
    from_: Annotated[
        datetime | None, Query(alias="from", description="Start of the period (ISO date or time, UTC if naive).")
    ] = None,
    to: Annotated[datetime | None, Query(description="End of the period, exclusive (default: now).")] = None,
    queue: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only tickets in this queue (id).")] = None,
    policy: Annotated[str | None, Query(description="Only tickets under this policy (key).")] = None,
) -> Filters:
    now = request.app.state.clock.now()
    # Without 'to', the period ends just after now, so what happened at this instant counts.
    end = _utc(to) if to is not None else now + timedelta(microseconds=1)
    for name, value in (("from", from_), ("to", end)):
        # Found by the fuzzer: a period at year 1 made `end - DEFAULT_PERIOD` overflow (500).
        if value is not None and not EARLIEST <= _utc(value) <= LATEST:
            raise invalid(name, f"'{name}' must be between {EARLIEST.year} and {LATEST.year}.")
    start = _utc(from_) if from_ is not None else end - DEFAULT_PERIOD
    if start >= end:
        raise invalid("from", f"'from' ({start.isoformat()}) must be before 'to' ({end.isoformat()}).")
    if end - start > MAX_PERIOD:
        raise invalid("from", f"The period is {(end - start).days} days; at most {MAX_PERIOD.days} are allowed.")
    if policy is not None and policy not in request.app.state.policies:
        known = ", ".join(sorted(request.app.state.policies))
        raise invalid("policy", f"Unknown policy {policy!r}; known policies: {known}.")
    if queue is not None:
        with request.app.state.db.read() as session:
            if session.get(Queue, queue) is None:
                raise invalid("queue", f"No queue with id {queue}.")
    return Filters(start=start, end=end, now=now, queue_id=queue, policy=policy)


ReportFilters = Annotated[Filters, Depends(report_filters)]


def check_choice(field: str, value: str | None, choices: Sequence[str]) -> str | None:
    if value is not None and value not in choices:
        raise invalid(field, f"Unknown {field} {value!r}; use one of: {', '.join(choices)}.")
    return value


GroupBy = Annotated[
    str | None, Query(description=f"Split the figures by one of: {', '.join(DIMENSIONS)}.")
]
Trend = Annotated[str, Query(description="Trend buckets: day or week (UTC).")]


def dimension(name: str | None) -> ColumnElement[Any] | None:
    """The column a group_by value groups on (None: no grouping)."""
    if name is None:
        return None
    return {
        "queue": Ticket.queue_id,
        "category": Ticket.category,
        "priority": Ticket.priority,
        "channel": Ticket.channel,
        "customer_tier": Customer.tier,
        "policy": Ticket.policy_key,
        "agent": Ticket.assignee_id,
    }[name]


def run_dimension(name: str | None) -> ColumnElement[Any] | None:
    """The `clock_runs` column (the ticket's field, copied) a group_by value groups on."""
    if name is None:
        return None
    return {
        "queue": ClockRun.queue_id,
        "category": ClockRun.category,
        "priority": ClockRun.priority,
        "channel": ClockRun.channel,
        "customer_tier": ClockRun.customer_tier,
        "policy": ClockRun.policy_key,
        "agent": ClockRun.assignee_id,
    }[name]


def join_dimension(query: Select, name: str | None) -> Select:
    if name == "customer_tier":
        query = query.join(Customer, Customer.id == Ticket.customer_id)
    return query


def group_labels(session: Session, name: str | None, keys: set[Any]) -> dict[Any, str]:
    """Display names for the group keys (queue and agent ids); other keys are their own label."""
    keys = {k for k in keys if k is not None}
    if name == "queue" and keys:
        return dict(session.execute(select(Queue.id, Queue.name).where(Queue.id.in_(keys))).all())
    if name == "agent" and keys:
        return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(keys))).all())
    return {k: str(k) for k in keys}


def group_key(value: Any) -> str | None:
    return None if value is None else str(value)


def bucket(session: Session, column: Any, trend: str) -> ColumnElement[Any]:
    """The UTC day (or the Monday of the UTC week) of a timestamp, as an ISO date."""
    if session.get_bind().dialect.name == "postgresql":
        # Constants inline: PostgreSQL must see the same expression in SELECT and GROUP BY.
        utc = func.timezone(literal_column("'UTC'"), column)
        unit = literal_column("'week'" if trend == "week" else "'day'")
        return func.to_char(func.date_trunc(unit, utc), literal_column("'YYYY-MM-DD'"))
    if trend == "week":
        # Next Sunday (or the day itself), then back 6 days: the Monday of its week.
        return func.date(column, "weekday 0", "-6 days")
    return func.date(column)


def run_bucket(session: Session, trend: str) -> ColumnElement[Any]:
    """The trend bucket of a clock run: its stored UTC day, or the Monday of that day's week.

    Grouping on a stored date (with statistics) instead of a per-row
    date_trunc() of a timestamp lets PostgreSQL hash a handful of groups
    rather than sort every row of the period.
    """
    if trend == "day":
        return ClockRun.stopped_on
    if session.get_bind().dialect.name == "postgresql":
        week = func.date_trunc(literal_column("'week'"), cast(ClockRun.stopped_on, DateTime()))
        return cast(week, Date())
    return func.date(ClockRun.stopped_on, "weekday 0", "-6 days")


def ticket_value(column: Any, ticket_id: Any) -> ColumnElement[Any]:
    """A field of the ticket `ticket_id` (or of its customer), read by primary key.

    For the few rows of live clocks: one index lookup per row, where a join
    made PostgreSQL hash the whole `tickets` table.
    """
    query = select(column).where(Ticket.id == ticket_id)
    if getattr(column, "table", None) is Customer.__table__:
        query = query.join_from(Ticket, Customer, Customer.id == Ticket.customer_id)
    return query.scalar_subquery()


def seconds_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 2)


@dataclass(frozen=True, slots=True)
class Stats:
    count: int
    mean: float | None
    median: float | None
    p90: float | None


def distribution(
    session: Session, rows: Select, groups: Sequence[str], value: str = "value"
) -> dict[tuple[Any, ...], Stats]:
    """Count, mean, median and p90 of `value` per group, computed in the database.

    `rows` is a SELECT whose columns include the `groups` labels and `value`.
    """
    sub = rows.subquery()
    keys = [sub.c[g] for g in groups]
    val = sub.c[value]
    if session.get_bind().dialect.name == "postgresql":
        query = select(
            *keys,
            func.count(val),
            func.avg(val),
            func.percentile_cont(0.5).within_group(val),
            func.percentile_cont(0.9).within_group(val),
        ).group_by(*keys)
    else:
        ranked = select(
            *keys,
            val.label("v"),
            func.row_number().over(partition_by=keys or None, order_by=val).label("rn"),
            func.count().over(partition_by=keys or None).label("n"),
        ).subquery()
        rkeys = [ranked.c[g] for g in groups]
        v, rn, n = ranked.c.v, ranked.c.rn, ranked.c.n

        def percentile(p: float) -> ColumnElement[Any]:
            pos = (n - 1) * literal(p)
            lo = cast(pos, Integer)  # floor: positions are never negative
            frac = pos - lo
            return func.sum(case((rn == lo + 1, v * (1 - frac)), (rn == lo + 2, v * frac), else_=0))

        query = select(*rkeys, func.count(v), func.avg(v), percentile(0.5), percentile(0.9)).group_by(*rkeys)
    result = {}
    for row in session.execute(query).all():
        *key, count, mean, median, p90 = row
        result[tuple(key)] = Stats(
            count=int(count),
            mean=None if mean is None else float(mean),
            median=None if median is None else float(median),
            p90=None if p90 is None else float(p90),
        )
    return result


def is_overdue(now: datetime, state: Any, due_at: Any, remaining: Any) -> ColumnElement[bool]:
    """A live clock that has used up its target as of `now` (whether or not the scheduler has run)."""
    return or_(
        and_(state.in_(("running", "warning", "breached")), due_at <= now),
        and_(state == "paused", remaining < 0),
    )


def period_out(f: Filters):
    from desk_app.server.reports.schemas import PeriodOut

    return PeriodOut(start=f.start, end=f.end, now=f.now, queue_id=f.queue_id, policy=f.policy)


def measure(metric: Any, key: Any) -> ColumnElement[str]:
    """What compliance is reported on: the metric, and each tier's budget apart."""
    return case((metric == literal_column("'tier_budget'"), key), else_=metric)
