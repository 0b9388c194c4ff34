"""Manager reports on 1,000,000 tickets in PostgreSQL: each report's response time, before and after.

    ./desk bench bench_reports [--tickets 1000000] [--repeat 5] [--reuse] [--rebuild] [--database NAME]

Fills a fresh database (`desk_bench_reports`) with generate_series in SQL (not
the ORM): tickets over one year, finished clock runs with business times (and
the ticket's grouping fields, as `record_runs` writes them), live clocks for
open tickets, history events, escalations, replies and CSAT answers, in
proportions like the demo's. Then builds the daily rollups of the year
(`reports.rollups`, migration 0011; timed) and times every report endpoint
through the real app (HTTP via the ASGI test client, JSON included) for the
last 30, 90 and 365 days, twice in the same run on the same database: before,
with the rollups switched off (every figure from the raw tables, the query
shapes of migration 0007), and after, with the closed days read from the
rollups. The two answers are checked equal, figure for figure, before timing.
PostgreSQL URL: DESK_BENCH_POSTGRES_URL or DESK_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from desk_app.server.app import create_app
from desk_app.server.auth import passwords
from desk_app.server.auth.models import Role
from desk_app.server.auth.service import create_user
from desk_app.server.core.clock import ManualClock
from desk_app.server.core.db import Database
from desk_app.server.core.migrate import upgrade_to_head
from desk_app.server.core.settings import DatabaseSettings, Settings, StorageSettings
from desk_app.server.reports import compliance, rollups
from desk_app.server.reports.common import Filters
from desk_app.server.reports.models import ClockRun, report_days, report_run_buckets, report_run_counts
from desk_app.server.tickets.models import Ticket

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


PERIODS = (30, 90, 365)
REPORTS = [
    ("compliance by agent, daily trend", "/reports/compliance", {"group_by": "agent", "trend": "day"}),
    ("compliance by customer tier, weekly", "/reports/compliance", {"group_by": "customer_tier", "trend": "week"}),
    ("breaches / near-breaches now, by queue", "/reports/breaches", {"group_by": "queue"}),
    ("escalations by tier", "/reports/escalations", {}),
    ("backlog ageing + arrivals vs resolutions", "/reports/backlog", {}),
    ("first response / resolution times by priority", "/reports/times", {"group_by": "priority"}),
    ("agent load and CSAT", "/reports/agents", {}),
]
#: The dashboard's queue and policy filters, over the longest period (365 days).
FILTERED = [
    ("compliance by agent, queue Specialists", "/reports/compliance", {"group_by": "agent", "trend": "day", "queue": 2}),
    ("compliance by tier, weekly, policy holesalemart", "/reports/compliance",
     {"group_by": "customer_tier", "trend": "week", "policy": "holesalemart"}),
    ("escalations by tier, queue Specialists", "/reports/escalations", {"queue": 2}),
    ("backlog + arrivals, queue General", "/reports/backlog", {"queue": 1}),
    ("backlog + arrivals, policy shopom", "/reports/backlog", {"policy": "shopom"}),
    ("times by priority, queue General", "/reports/times", {"group_by": "priority", "queue": 1}),
    ("times by channel, policy holesalemart", "/reports/times", {"group_by": "channel", "policy": "holesalemart"}),
    ("agent load and CSAT, queue General", "/reports/agents", {"queue": 1}),
    ("agent load and CSAT, policy shopom", "/reports/agents", {"policy": "shopom"}),
]


# -- the baseline: every figure from the raw tables (the rollups switched off) -------------


@contextmanager
def rollups_off():
    with mock.patch.object(rollups, "ENABLED", False):
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
    parser.add_argument("--rebuild", action="store_true", help="drop the rollups first, to time building them")
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
    periods = {days: {"from": (NOW - timedelta(days=days)).isoformat(), "to": NOW.isoformat()} for days in PERIODS}
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.rebuild:
        with db.write() as session:
            session.execute(report_days.delete())
    t0 = time.perf_counter()
    rollups.prepare(db, Filters(start=NOW - timedelta(days=max(PERIODS)), end=NOW, now=NOW, queue_id=None, policy=None),
                    wait=True)
    with db.read() as session:
        sizes = [session.scalar(select(func.count()).select_from(t)) for t in (report_run_counts, report_run_buckets)]
    print(f"rollups of the closed days built (or brought up to date) in {time.perf_counter() - t0:.1f} s: "
          f"{sizes[0]:,} run-count rows, {sizes[1]:,} value-bucket rows")
    with TestClient(app) as client:
        token = client.post("/api/v1/auth/login", json={"username": "manager", "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}

        def get(path, params):
            r = client.get("/api/v1" + path, params=params, headers=headers)
            assert r.status_code == 200, r.text
            return r.json()

        head = "".join(f"{f'{d} days: before / after (max)':>34}" for d in PERIODS)
        print(f"\n{'report':48}{head}")
        for name, path, params in REPORTS:
            figures = []
            for days in PERIODS:
                query = {**periods[days], **params}
                with rollups_off():
                    before_body = get(path, query)
                    before = timed(lambda: get(path, query), args.repeat)
                after_body = get(path, query)
                after = timed(lambda: get(path, query), args.repeat)
                assert before_body == after_body, f"{name}, {days} days: the rollups and the raw tables disagree"
                figures.append(f"{before[0]:7.0f} / {after[0]:5.0f} ({after[1]:5.0f})")
            print(f"{name:48}" + "".join(f"{x:>34}" for x in figures), flush=True)
        print(f"\n{'narrowed to a queue or a policy, 365 days':48}{'before / after (max)':>34}")
        for name, path, params in FILTERED:
            query = {**periods[365], **params}
            with rollups_off():
                before_body = get(path, query)
                before = timed(lambda: get(path, query), args.repeat)
            after_body = get(path, query)
            after = timed(lambda: get(path, query), args.repeat)
            assert before_body == after_body, f"{name}: the rollups and the raw tables disagree"
            print(f"{name:48}{f'{before[0]:7.0f} / {after[0]:5.0f} ({after[1]:5.0f})':>34}", flush=True)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    year = Filters(start=NOW - timedelta(days=365), end=NOW, now=NOW, queue_id=None, policy=None)

    def rebuild_one_day():
        with db.write() as session:
            rollups.mark_dirty(session.connection(), [(NOW - timedelta(days=12)).date()])
        rollups.prepare(db, year, wait=True)

    rebuilt = timed(rebuild_one_day, args.repeat)
    print(f"\na day of the year changed (marked dirty): rebuilding it and its week before the next report "
          f"{rebuilt[0]:.0f} ms (max {rebuilt[1]:.0f})")

    start = NOW - timedelta(days=30)
    sql = timed(lambda: get_compliance_sql(db, start), args.repeat)
    naive = timed(lambda: naive_compliance(db, start, NOW), args.repeat)
    print(f"compliance by agent, 30 days, counting only: SQL GROUP BY {sql[0]:.0f} ms, "
          f"rows loaded into Python {naive[0]:.0f} ms")
    db.dispose()


def get_compliance_sql(db: Database, start: datetime):
    from desk_app.server.reports.common import run_dimension

    f = Filters(start=start, end=NOW, now=NOW, queue_id=None, policy=None)
    with db.read() as session:
        return compliance._finished(session, f, run_dimension("agent"))


if __name__ == "__main__":
    main()
