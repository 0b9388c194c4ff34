"""Manager reports on 1,000,000 tickets in PostgreSQL: each report's response time, before and after.

    ./desk bench bench_reports [--tickets 1000000] [--repeat 5] [--reuse] [--database NAME]

Fills a fresh database (`desk_bench_reports`) with generate_series in SQL (not
the ORM): tickets over one year, finished clock runs with business times (and
the ticket's grouping fields, as `record_runs` writes them), live clocks for
open tickets, history events, escalations, replies and CSAT answers, in
proportions like the demo's. Then times every report endpoint through the
real app (HTTP via the ASGI test client, JSON included) for the last 30 days
and the whole year, twice in the same run: with the current queries, and with
the baseline, the query shapes before migration 0007 (runs joined to
`tickets` for every grouping, per-row date buckets, live clocks joined to
`tickets`, JIT left on), patched into the same app. Both run on the same
database and indexes. PostgreSQL URL: DESK_BENCH_POSTGRES_URL or
DESK_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

from fastapi.testclient import TestClient
from sqlalchemy import case, create_engine, func, null, select, text
from sqlalchemy.engine import make_url

from desk_app.server.app import create_app
from desk_app.server.auth import passwords
from desk_app.server.auth.models import Role
from desk_app.server.auth.service import create_user
from desk_app.server.core.clock import ManualClock
from desk_app.server.core.db import Database
from desk_app.server.core.migrate import upgrade_to_head
from desk_app.server.core.settings import DatabaseSettings, Settings, StorageSettings
from desk_app.server.reports import agents, backlog, breaches, compliance, distributions, router
from desk_app.server.reports.common import (
    PROMISE_METRICS,
    bucket,
    dimension,
    group_key,
    group_labels,
    is_overdue,
    join_dimension,
    measure,
)
from desk_app.server.reports.models import ClockRun
from desk_app.server.reports.schemas import BreachRow, FlowPoint
from desk_app.server.tickets.models import Ticket, TicketClock, TicketHistoryEvent

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
PASSWORD = "bench-password"
AGENTS = 40
DB_NAME = "desk_bench_reports"

FILL = [
    # Customers: one per 20 tickets, a tier each.
    """INSERT INTO customers (id, name, email, tier, conduct_flag, created_at)
       SELECT g, 'Customer ' || g, 'c' || g || '@example.com',
              (ARRAY['standard','standard','standard','startup','enterprise'])[1 + g % 5], false,
              :now - interval '2 years'
       FROM generate_series(1, :customers) g""",
    # Tickets over the year before NOW; recent ones are more often still open.
    """INSERT INTO tickets (id, number, subject, category, priority, channel, status, tier, policy_key, queue_id,
                            assignee_id, customer_id, version, created_at, updated_at, snapshot, sla_escalation_due_at)
       SELECT g, 'DSK-' || g, 'Ticket ' || g,
              CASE WHEN g % 3 = 0 THEN (ARRAY['orders','payments','returns_refunds'])[1 + g % 3]
                   ELSE (ARRAY['order_issues','returns_refunds','payment_issues','account_issues'])[1 + g % 4] END,
              CASE WHEN g % 3 = 0 THEN (ARRAY['high','normal','low'])[1 + g % 3] ELSE (ARRAY['urgent','normal'])[1 + g % 2] END,
              (ARRAY['email','phone','portal'])[1 + g % 3],
              CASE WHEN c.at > :now - interval '30 days' AND g % 4 = 0
                   THEN (ARRAY['new','open','pending_customer','on_hold'])[1 + (g / 4) % 4]
                   WHEN g % 97 = 0 THEN 'open'
                   WHEN g % 5 = 0 THEN 'closed' ELSE 'resolved' END,
              CASE WHEN g % 10 = 0 THEN 2 ELSE 1 END,
              CASE WHEN g % 3 = 0 THEN 'holesalemart' ELSE 'shopom' END,
              CASE WHEN g % 10 = 0 THEN 2 ELSE 1 END,
              CASE WHEN g % 50 = 0 THEN NULL ELSE 2 + g % :agents END,
              1 + g % :customers, 1, c.at, c.at, '{}',
              CASE WHEN g % 40 = 0 THEN c.at + interval '2 days' END
       FROM generate_series(1::bigint, :tickets) g,
            LATERAL (SELECT :now - (interval '365 days' * ((g * 7919) % :tickets) / :tickets) AS at) c""",
    # First response: 4 business hours target; ~85% met.
    """INSERT INTO clock_runs (ticket_id, key, started_at, metric, state, target_seconds, elapsed_seconds, due_at, stopped_at,
                               stopped_on, queue_id, category, priority, channel, customer_tier, policy_key, assignee_id)
       SELECT id, 'first_response', created_at, 'first_response',
              CASE WHEN e < 14400 THEN 'met' ELSE 'missed' END, 14400, e,
              created_at + interval '4 hours', created_at + e * interval '1 second', ((created_at + e * interval '1 second') AT TIME ZONE 'UTC')::date, queue_id, category, priority, channel, customer_tier, policy_key, assignee_id
       FROM (SELECT t.*, c.tier AS customer_tier, (t.id * 48271) % 17000 AS e FROM tickets t JOIN customers c ON c.id = t.customer_id
             WHERE t.id % 33 <> 0) t
       WHERE created_at + e * interval '1 second' < :now""",
    # Next responses for a third of the tickets.
    """INSERT INTO clock_runs (ticket_id, key, started_at, metric, state, target_seconds, elapsed_seconds, due_at, stopped_at,
                               stopped_on, queue_id, category, priority, channel, customer_tier, policy_key, assignee_id)
       SELECT id, 'next_response', created_at + interval '1 day', 'next_response',
              CASE WHEN e < 28800 THEN 'met' ELSE 'missed' END, 28800, e,
              created_at + interval '1 day 8 hours', created_at + interval '1 day' + e * interval '1 second', ((created_at + interval '1 day' + e * interval '1 second') AT TIME ZONE 'UTC')::date, queue_id, category, priority, channel, customer_tier, policy_key, assignee_id
       FROM (SELECT t.*, c.tier AS customer_tier, (t.id * 16807) % 32000 AS e FROM tickets t JOIN customers c ON c.id = t.customer_id
             WHERE t.id % 3 = 1) t
       WHERE created_at + interval '1 day' + e * interval '1 second' < :now""",
    # Resolution and tier budgets of finished tickets.
    """INSERT INTO clock_runs (ticket_id, key, started_at, metric, state, target_seconds, elapsed_seconds, due_at, stopped_at,
                               stopped_on, queue_id, category, priority, channel, customer_tier, policy_key, assignee_id)
       SELECT id, k.key, created_at, k.metric, CASE WHEN e < k.target THEN 'met' ELSE 'missed' END, k.target, e,
              created_at + k.target * interval '1 second', created_at + e * interval '1.5 second', ((created_at + e * interval '1.5 second') AT TIME ZONE 'UTC')::date, queue_id, category, priority, channel, customer_tier, policy_key, assignee_id
       FROM (SELECT t.*, c.tier AS customer_tier, (t.id * 69621) % 300000 AS e FROM tickets t JOIN customers c ON c.id = t.customer_id
             WHERE t.status IN ('resolved','closed')) t,
            (VALUES ('resolution', 'resolution', 259200), ('tier_budget:1', 'tier_budget', 172800)) AS k(key, metric, target)""",
    """INSERT INTO clock_runs (ticket_id, key, started_at, metric, state, target_seconds, elapsed_seconds, due_at, stopped_at,
                               stopped_on, queue_id, category, priority, channel, customer_tier, policy_key, assignee_id)
       SELECT id, 'tier_budget:2', created_at + interval '1 day', 'tier_budget',
              CASE WHEN e < 172800 THEN 'met' ELSE 'missed' END, 172800, e,
              created_at + interval '3 days', created_at + interval '1 day' + e * interval '1 second', ((created_at + interval '1 day' + e * interval '1 second') AT TIME ZONE 'UTC')::date, queue_id, category, priority, channel, customer_tier, policy_key, assignee_id
       FROM (SELECT t.*, c.tier AS customer_tier, (t.id * 7) % 250000 AS e FROM tickets t JOIN customers c ON c.id = t.customer_id
             WHERE t.tier = 2 AND t.status IN ('resolved','closed')) t""",
    # Live clocks of open tickets (resolution and tier budget), some overdue, some in warning.
    """INSERT INTO ticket_clocks (ticket_id, key, metric, state, target_seconds, calendar, started_at, due_at, warn_at,
                                  remaining_seconds, paused_reason, stopped_at)
       SELECT id, k.key, k.metric, CASE WHEN status IN ('pending_customer','on_hold') THEN 'paused' ELSE 'running' END,
              k.target, 'support', created_at, created_at + k.target * interval '1 second',
              created_at + k.target * interval '0.8 second', k.target, NULL, NULL
       FROM tickets, (VALUES ('resolution', 'resolution', 259200), ('tier_budget:1', 'tier_budget', 172800)) AS k(key, metric, target)
       WHERE status NOT IN ('resolved','closed')""",
    # History: creation, tier changes, resolutions (and closures).
    """INSERT INTO ticket_events (ticket_id, at, kind, status, tier)
       SELECT id, created_at, 'created', 'new', 1 FROM tickets""",
    """INSERT INTO ticket_events (ticket_id, at, kind, tier)
       SELECT id, created_at + interval '1 day', 'tier_changed', 2 FROM tickets WHERE tier = 2""",
    """INSERT INTO ticket_events (ticket_id, at, kind, status)
       SELECT id, created_at + ((id * 69621) % 300000) * interval '1.5 second', 'status_changed', 'resolved'
       FROM tickets WHERE status IN ('resolved','closed')""",
    """INSERT INTO ticket_events (ticket_id, at, kind, status)
       SELECT id, created_at + interval '5 days', 'status_changed', 'closed' FROM tickets WHERE status = 'closed'""",
    """INSERT INTO escalations (ticket_id, from_tier, to_tier, direction, kind, reason, created_at, acknowledged)
       SELECT id, 1, 2, 'up', (ARRAY['manual','automatic','customer_request','manual'])[1 + (id / 10) % 4],
              'bench', created_at + interval '1 day', status IN ('resolved','closed')
       FROM tickets WHERE tier = 2""",
    # Replies (1 or 2 per ticket) and calls.
    """INSERT INTO thread_entries (ticket_id, kind, author_id, author_name, body, created_at)
       SELECT id, CASE WHEN n = 2 AND id % 5 = 0 THEN 'phone_call' ELSE 'public_reply' END, assignee_id, 'Agent',
              'We are on it.', created_at + n * interval '3 hours'
       FROM tickets, generate_series(1, 2) n WHERE assignee_id IS NOT NULL AND (n = 1 OR id % 2 = 0)""",
    # CSAT answers for a quarter of the finished tickets.
    """INSERT INTO survey_responses (token_hash, ticket_id, agent_id, issued_at, expires_at, answered_at, score)
       SELECT md5(id::text) || md5((id + 1)::text), id, assignee_id, created_at + interval '3 days',
              created_at + interval '17 days', created_at + interval '4 days', 1 + (id * 31) % 5
       FROM tickets WHERE status IN ('resolved','closed') AND id % 4 = 0 AND created_at + interval '4 days' < :now""",
]


def fresh_url(db_name: str) -> str:
    base = os.environ.get("DESK_BENCH_POSTGRES_URL") or os.environ.get("DESK_TEST_POSTGRES_URL")
    if not base:
        raise SystemExit("this benchmark needs DESK_BENCH_POSTGRES_URL or DESK_TEST_POSTGRES_URL")
    url = Database(base).url
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    return make_url(url).set(database=db_name).render_as_string(hide_password=False)


def fill(db: Database, tickets: int) -> dict[str, int]:
    passwords.configure(time_cost=1, memory_cost_kib=256, parallelism=1)  # 41 users: hashing is not measured
    with db.write() as session:
        create_user(session, username="manager", password=PASSWORD, role=Role.MANAGER, now=NOW)
        for i in range(AGENTS):
            create_user(session, username=f"agent{i}", password=PASSWORD, role=Role.AGENT, now=NOW, display_name=f"Agent {i}")
        session.execute(text("""INSERT INTO queues (id, key, name, tier, private, description) VALUES
            (1, 'general', 'General', 1, false, ''), (2, 'specialists', 'Specialists', 2, true, '')"""))
    values = {"now": NOW, "tickets": tickets, "customers": max(1, tickets // 20), "agents": AGENTS}
    with db.engine.begin() as conn:
        for statement in FILL:
            conn.execute(text(statement), values)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("tickets", "clock_runs", "ticket_clocks", "ticket_events", "escalations", "thread_entries", "survey_responses")
        }
    return counts


def timed(fn, repeat: int) -> tuple[float, float]:
    """(median, max) milliseconds of `repeat` runs after one warm-up."""
    fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), max(runs)


REPORTS = [
    ("compliance by agent, daily trend", "/reports/compliance", {"group_by": "agent", "trend": "day"}),
    ("compliance by customer tier, weekly", "/reports/compliance", {"group_by": "customer_tier", "trend": "week"}),
    ("breaches / near-breaches now, by queue", "/reports/breaches", {"group_by": "queue"}),
    ("escalations by tier", "/reports/escalations", {}),
    ("backlog ageing + arrivals vs resolutions", "/reports/backlog", {}),
    ("first response / resolution times by priority", "/reports/times", {"group_by": "priority"}),
    ("agent load and CSAT", "/reports/agents", {}),
]


# -- the baseline: the query shapes before migration 0007 ------------------------------


def old_finished(session, f, by, by_dim):
    """Runs joined to `tickets` for the grouping; trend buckets computed per row."""
    m = measure(ClockRun.metric, ClockRun.key).label("measure")
    query = (
        select(
            m,
            (by if by is not None else null()).label("k"),
            func.sum(case((ClockRun.state == "met", 1), else_=0)),
            func.sum(case((ClockRun.state == "missed", 1), else_=0)),
        )
        .where(ClockRun.metric.in_(PROMISE_METRICS), f.period(ClockRun.stopped_at))
        .group_by(m, *([] if by is None else [by]))
    )
    return session.execute(f.join_tickets(query, ClockRun.ticket_id, by_dim)).all()


def old_open_breached(session, f, by, by_dim):
    m = measure(TicketClock.metric, TicketClock.key).label("measure")
    query = (
        select(m, (by if by is not None else null()).label("k"), func.count())
        .where(
            TicketClock.metric.in_(PROMISE_METRICS),
            f.period(TicketClock.due_at),
            is_overdue(f.now, TicketClock.state, TicketClock.due_at, TicketClock.remaining_seconds),
        )
        .group_by(m, *([] if by is None else [by]))
    )
    return session.execute(f.join_tickets(query, TicketClock.ticket_id, by_dim)).all()


def old_compliance_report(session, f, group_by, trend):
    by = dimension(group_by)
    merged = compliance._merge(old_finished(session, f, by, group_by), old_open_breached(session, f, by, group_by))
    overall, rows = compliance._rows(session, group_by, merged)
    finished = old_finished(session, f, bucket(session, ClockRun.stopped_at, trend), None)
    open_rows = old_open_breached(session, f, bucket(session, TicketClock.due_at, trend), None)
    return overall, rows, compliance._points(compliance._merge(finished, open_rows))


def old_breach_rows(session, f, group_by):
    c = TicketClock
    m = measure(c.metric, c.key).label("measure")
    by = dimension(group_by)
    overdue = is_overdue(f.now, c.state, c.due_at, c.remaining_seconds)
    query = (
        select(
            m,
            (by if by is not None else null()).label("k"),
            func.sum(case((overdue, 1), else_=0)),
            func.sum(case((breaches._near(f.now), 1), else_=0)),
        )
        .join(Ticket, Ticket.id == c.ticket_id)
        .where(c.metric.in_(PROMISE_METRICS), c.state.in_(breaches._LIVE))
        .group_by(m, *([] if by is None else [by]))
    )
    rows = session.execute(f.tickets(join_dimension(query, group_by))).all()
    labels = group_labels(session, group_by, {r[1] for r in rows}) if group_by else {}
    result = [
        BreachRow(measure=r[0], group=group_key(r[1]), label=labels.get(r[1]) if group_by else None,
                  breached=int(r[2] or 0), near_breach=int(r[3] or 0))
        for r in rows
        if (r[2] or 0) or (r[3] or 0)
    ]
    return sorted(result, key=lambda r: (r.measure, r.group or ""))


def old_flow(session, f, trend):
    b = bucket(session, Ticket.created_at, trend).label("b")
    arrivals = session.execute(f.tickets(select(b, func.count()).where(f.period(Ticket.created_at)).group_by(b))).all()
    ev = TicketHistoryEvent
    eb = bucket(session, ev.at, trend).label("b")
    changes = session.execute(
        f.tickets(
            select(eb, ev.status, func.count())
            .join(Ticket, Ticket.id == ev.ticket_id)
            .where(ev.kind == "status_changed", ev.status.in_(("resolved", "closed")), f.period(ev.at))
            .group_by(eb, ev.status)
        )
    ).all()
    points: dict[str, dict[str, int]] = {}
    for day, n in arrivals:
        points.setdefault(str(day), {"arrivals": 0, "resolved": 0, "closed": 0})["arrivals"] += n
    for day, status, n in changes:
        points.setdefault(str(day), {"arrivals": 0, "resolved": 0, "closed": 0})[status] += n
    return [FlowPoint(bucket=day, **counts) for day, counts in sorted(points.items())]


def old_time_runs(f, group_by):
    by = dimension(group_by)
    cols = [ClockRun.metric.label("measure"), ClockRun.elapsed_seconds.label("value")]
    if by is not None:
        cols.append(by.label("k"))
    return f.join_tickets(
        select(*cols).where(ClockRun.metric.in_(distributions.TIME_MEASURES), f.period(ClockRun.stopped_at)),
        ClockRun.ticket_id,
        group_by,
    )


def old_first_response_runs(f):
    return f.tickets(
        select(Ticket.assignee_id.label("agent"), ClockRun.elapsed_seconds.label("value"))
        .join(Ticket, Ticket.id == ClockRun.ticket_id)
        .where(ClockRun.metric == "first_response", f.period(ClockRun.stopped_at))
    )


@contextmanager
def old_shapes(db: Database):
    """The app, with the report queries as they were before (JIT left on)."""

    @contextmanager
    def plain_session(request):
        with db.read() as session:
            yield session

    patches = [
        mock.patch.object(router, "report_session", plain_session),
        mock.patch.object(compliance, "compliance_report", old_compliance_report),
        mock.patch.object(breaches, "breach_rows", old_breach_rows),
        mock.patch.object(backlog, "flow", old_flow),
        mock.patch.object(distributions, "time_runs", old_time_runs),
        mock.patch.object(agents, "first_response_runs", old_first_response_runs),
    ]
    with ExitStack() as stack:
        for p in patches:
            stack.enter_context(p)
        yield


def naive_compliance(db: Database, start: datetime, end: datetime) -> Counter:
    """The baseline: load the runs and their tickets into Python and count there."""
    counts: Counter = Counter()
    with db.read() as session:
        rows = session.execute(
            select(ClockRun.metric, ClockRun.key, ClockRun.state, Ticket.assignee_id)
            .join(Ticket, Ticket.id == ClockRun.ticket_id)
            .where(ClockRun.stopped_at >= start, ClockRun.stopped_at < end)
        )
        for metric, key, state, agent in rows:
            counts[(key if metric == "tier_budget" else metric, agent, state)] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="time the database the last run filled")
    parser.add_argument("--database", default=DB_NAME, help=f"database name (default {DB_NAME})")
    args = parser.parse_args()

    if args.reuse:
        url = make_url(Database(os.environ.get("DESK_BENCH_POSTGRES_URL") or os.environ["DESK_TEST_POSTGRES_URL"]).url)
        url = url.set(database=args.database).render_as_string(hide_password=False)
        db = Database(DatabaseSettings(url=url, pool_size=4, max_overflow=4))
        upgrade_to_head(db)  # a database filled before the last migration is brought up to date
    else:
        url = fresh_url(args.database)
        db = Database(DatabaseSettings(url=url, pool_size=4, max_overflow=4))
        upgrade_to_head(db)
        t0 = time.perf_counter()
        counts = fill(db, args.tickets)
        print(f"filled in {time.perf_counter() - t0:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))

    settings = Settings(database=DatabaseSettings(url=url), storage=StorageSettings(data_dir=Path(tempfile.mkdtemp())))
    app = create_app(settings, database=db, clock=ManualClock(NOW), listen=False)
    month = {"from": (NOW - timedelta(days=30)).isoformat(), "to": NOW.isoformat()}
    year = {"from": (NOW - timedelta(days=366)).isoformat(), "to": NOW.isoformat()}
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with TestClient(app) as client:
        token = client.post("/api/v1/auth/login", json={"username": "manager", "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}

        def get(path, params):
            r = client.get("/api/v1" + path, params=params, headers=headers)
            assert r.status_code == 200, r.text
            return r.json()

        print(f"\n{'report':48} {'30 days: before / after (max)':>32} {'whole year: before / after (max)':>34}")
        for name, path, params in REPORTS:
            figures = []
            for period in (month, year):
                with old_shapes(db):
                    before_body = get(path, {**period, **params})
                    before = timed(lambda: get(path, {**period, **params}), args.repeat)
                after_body = get(path, {**period, **params})
                after = timed(lambda: get(path, {**period, **params}), args.repeat)
                # Same figures both ways (the period's 'now' aside).
                assert {k: v for k, v in before_body.items() if k != "period"} == {
                    k: v for k, v in after_body.items() if k != "period"
                }, f"{name}: the baseline and the current queries disagree"
                figures.append(f"{before[0]:7.0f} / {after[0]:5.0f} ({after[1]:5.0f})")
            print(f"{name:48} {figures[0]:>32} {figures[1]:>34}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    start = NOW - timedelta(days=30)
    sql = timed(lambda: get_compliance_sql(db, start), args.repeat)
    naive = timed(lambda: naive_compliance(db, start, NOW), args.repeat)
    print(f"\ncompliance by agent, 30 days, counting only: SQL GROUP BY {sql[0]:.0f} ms, "
          f"rows loaded into Python {naive[0]:.0f} ms")
    db.dispose()


def get_compliance_sql(db: Database, start: datetime):
    from desk_app.server.reports.common import Filters, run_dimension

    f = Filters(start=start, end=NOW, now=NOW, queue_id=None, policy=None)
    with db.read() as session:
        return compliance._finished(session, f, run_dimension("agent"))


if __name__ == "__main__":
    main()
