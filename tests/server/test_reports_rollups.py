"""Daily rollups: reports over closed days read pre-aggregates, and give the same figures as the raw tables.

The seed drives the real API over a few simulated days (the same as
`test_reports.py`). Every report is read twice over periods that cross
rolled-up days and the live part (partial first day, today): with the
rollups and with them switched off (every figure from the raw tables, which
`test_reports.py` checks against a replay of every ticket); compliance and
times are also checked against that replay directly. Then past data changes
(a resolved ticket reassigned, a ticket resolved days ago reopened, a run
written late onto a closed day) and the figures must follow. SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
from conftest import START
from sqlalchemy import func, insert, select
from test_reports import Raw, elapsed, measure, overdue, params, percentile_cont, seed

from desk_app.server.reports import rollups
from desk_app.server.reports.models import ClockRun, report_days, report_dirty_days, report_run_counts
from desk_app.server.tickets.models import Ticket

REPORTS = [
    ("/reports/compliance", {"group_by": "agent", "trend": "day"}),
    ("/reports/compliance", {"group_by": "customer_tier", "trend": "week"}),
    ("/reports/compliance", {"group_by": "queue"}),
    ("/reports/compliance", {"group_by": "category", "trend": "week"}),
    ("/reports/compliance", {}),
    ("/reports/escalations", {}),
    ("/reports/backlog", {"trend": "day"}),
    ("/reports/backlog", {"trend": "week"}),
    ("/reports/times", {}),
    ("/reports/times", {"group_by": "priority"}),
    ("/reports/times", {"group_by": "agent"}),
    ("/reports/times", {"group_by": "channel"}),
    ("/reports/agents", {}),
]


def periods(now):
    return [
        (START - timedelta(days=2, hours=5), now),  # before the first ticket to now (today live)
        (START + timedelta(hours=7), now + timedelta(days=1)),  # partial first day, beyond now
        (START + timedelta(days=1), START + timedelta(days=4)),  # whole days only
        (START - timedelta(days=1), START + timedelta(days=3, hours=13)),  # partial last day
    ]


def both_ways(store, monkeypatch, path, query):
    with_rollups = store.manager.get(path, params=query)
    assert with_rollups.status_code == 200, with_rollups.text
    with monkeypatch.context() as m:
        m.setattr(rollups, "ENABLED", False)
        raw = store.manager.get(path, params=query)
    assert raw.status_code == 200, raw.text
    return with_rollups.json(), raw.json()


def assert_all_reports_agree(store, monkeypatch, now):
    for start, end in periods(now):
        for path, extra in REPORTS:
            got, expected = both_ways(store, monkeypatch, path, params(start, end, **extra))
            assert_same(got, expected, (path, extra, start, end))


def assert_same(got, expected, where):
    """Equal figures; means and percentiles to the last bits of a double (SQLite's avg sums in floating point)."""
    assert _rounded(got) == _rounded(expected), where


def _rounded(value):
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def rolled_days(db) -> set:
    with db.read() as s:
        days = set(s.scalars(select(report_days.c.day).where(report_days.c.span == 1)))
        return days - set(s.scalars(select(report_dirty_days.c.day)))


def rolled_weeks(db) -> set:
    with db.read() as s:
        return set(s.scalars(select(report_days.c.day).where(report_days.c.span == 7)))


def dirty_days(db) -> set:
    with db.read() as s:
        return set(s.scalars(select(report_dirty_days.c.day)))


def assert_matches_the_replay(store, db, policies, clock, group_by):
    """Compliance and times by `group_by` against a replay of every ticket, over the first period."""
    raw = Raw(db, policies, clock.now())
    start, end = periods(clock.now())[0]
    counts = defaultdict(lambda: [0, 0, 0])
    values = defaultdict(list)
    for tid, c in raw.finished:
        if start <= c.stopped_at < end:
            counts[(measure(c), raw.group(tid, group_by))][0 if c.state == "met" else 1] += 1
            if c.metric in ("first_response", "resolution"):
                values[(str(c.metric), raw.group(tid, group_by))].append(elapsed(c))
    for tid, c in raw.live:
        if start <= c.due_at < end and overdue(c, raw.now):
            counts[(measure(c), raw.group(tid, group_by))][2] += 1
    body = store.manager.get("/reports/compliance", params=params(start, end, group_by=group_by)).json()
    assert {(r["measure"], r["group"]): [r["met"], r["missed"], r["breached_open"]] for r in body["rows"]} == dict(counts)
    body = store.manager.get("/reports/times", params=params(start, end, group_by=group_by)).json()
    rows = {(r["measure"], r["group"]): r for r in body["rows"]}
    assert set(rows) == set(values)
    for key, vals in values.items():
        assert rows[key]["count"] == len(vals)
        assert rows[key]["median_seconds"] == pytest.approx(percentile_cont(vals, 0.5))
        assert rows[key]["p90_seconds"] == pytest.approx(percentile_cont(vals, 0.9))
        assert rows[key]["mean_seconds"] == pytest.approx(sum(vals) / len(vals))


def resolved_on_a_closed_day(db, clock):
    """A ticket whose resolution run stopped on a rolled-up day, and that day."""
    closed = rollups.closed_before(clock.now())
    with db.read() as s:
        run = s.execute(
            select(ClockRun.ticket_id, ClockRun.stopped_on)
            .join(Ticket, Ticket.id == ClockRun.ticket_id)
            .where(ClockRun.metric == "resolution", ClockRun.stopped_on < closed, Ticket.status == "resolved")
            .order_by(ClockRun.stopped_on, ClockRun.ticket_id)
        ).first()
    assert run is not None, "the seed resolves tickets on earlier days"
    return run


def test_rollups_give_the_raw_figures_and_follow_past_changes(store, db, clock, policies, monkeypatch):
    seed(store, clock, db)
    assert rolled_days(db) == set()  # nothing is built before a report asks
    assert_all_reports_agree(store, monkeypatch, clock.now())
    built = rolled_days(db)
    closed = rollups.closed_before(clock.now())
    assert built and max(built) == closed - timedelta(days=1)  # every closed day of the periods, not today
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(report_run_counts)) > 0
    assert_matches_the_replay(store, db, policies, clock, "agent")

    # Past data changes: a ticket resolved on a rolled-up day goes to another agent and queue.
    tid, day = resolved_on_a_closed_day(db, clock)
    clock.advance(timedelta(minutes=20))
    with db.read() as s:
        assignee = s.get(Ticket, tid).assignee_id
    other = store.ids["agent2"] if assignee != store.ids["agent2"] else store.ids["agent"]
    assert store.manager.post(f"/tickets/{tid}/assign", {"assignee_id": other}).status_code == 200
    assert day in dirty_days(db)  # record_runs marked it
    assert_all_reports_agree(store, monkeypatch, clock.now())
    assert dirty_days(db) == set() and day in rolled_days(db)  # rebuilt
    assert_matches_the_replay(store, db, policies, clock, "agent")

    # Reopening it drops its resolution run of that day.
    clock.advance(timedelta(minutes=20))
    assert store.manager.post(f"/tickets/{tid}/status", {"status": "open"}).status_code == 200
    assert day in dirty_days(db)
    assert_all_reports_agree(store, monkeypatch, clock.now())
    assert_matches_the_replay(store, db, policies, clock, None)

    # New days close: the next report rolls them up too, and the week of the seed is read as one row.
    clock.advance(timedelta(days=3))
    store._as.clear()  # sessions last 12 hours: log in again
    assert_all_reports_agree(store, monkeypatch, clock.now())
    assert max(rolled_days(db)) == rollups.closed_before(clock.now()) - timedelta(days=1)
    week = START.date()  # a Monday
    assert week in rolled_weeks(db)
    assert_matches_the_replay(store, db, policies, clock, "priority")

    # A change inside that week: the week row goes with the day, and both come back.
    tid, day = resolved_on_a_closed_day(db, clock)
    assert rollups._monday(day) == week
    with db.read() as s:
        assignee = s.get(Ticket, tid).assignee_id
    other = store.ids["agent2"] if assignee != store.ids["agent2"] else store.ids["agent"]
    assert store.manager.post(f"/tickets/{tid}/assign", {"assignee_id": other}).status_code == 200
    assert day in dirty_days(db)
    assert_all_reports_agree(store, monkeypatch, clock.now())
    assert week in rolled_weeks(db) and day in rolled_days(db)
    assert_matches_the_replay(store, db, policies, clock, "agent")


def test_a_run_written_late_onto_a_closed_day_counts_once_marked(store, db, clock, monkeypatch):
    seed(store, clock, db)
    start, end = periods(clock.now())[0]
    query = params(start, end, group_by="priority")
    before = store.manager.get("/reports/times", params=query).json()
    day = rollups.closed_before(clock.now()) - timedelta(days=2)
    assert day in rolled_days(db)
    with db.read() as s:
        t = s.scalars(select(Ticket).order_by(Ticket.id)).first()
        tier = "standard"
    late = rollups.utc_midnight(day) + timedelta(hours=13)
    with db.write() as s:
        s.execute(insert(ClockRun).values(
            ticket_id=t.id, key="first_response", started_at=late - timedelta(days=30), metric="first_response",
            state="missed", target_seconds=3600, elapsed_seconds=987654, due_at=late - timedelta(days=29),
            stopped_at=late, stopped_on=day, queue_id=t.queue_id, category=t.category, priority=t.priority,
            channel=t.channel, customer_tier=tier, policy_key=t.policy_key, assignee_id=t.assignee_id,
        ))
        rollups.mark_dirty(s.connection(), [day])
    for path, extra in REPORTS:
        got, expected = both_ways(store, monkeypatch, path, params(start, end, **extra))
        assert_same(got, expected, (path, extra))
    after = store.manager.get("/reports/times", params=query).json()
    count = {(r["measure"], r["group"]): r["count"] for r in before["rows"]}
    changed = {(r["measure"], r["group"]) for r in after["rows"] if r["count"] != count.get((r["measure"], r["group"]))}
    assert changed == {("first_response", t.priority)}
    assert max(r["p90_seconds"] for r in after["rows"]) >= max(r["p90_seconds"] for r in before["rows"])


def test_reports_narrowed_to_a_queue_or_a_policy_read_the_rollups_and_agree(store, db, clock, monkeypatch):
    seed(store, clock, db)
    now = clock.now()
    general, specialists = store.ids["queue:general"], store.ids["queue:specialists"]
    both = params(START, now, queue=general, policy="shopom")
    got, expected = both_ways(store, monkeypatch, "/reports/times", both)
    assert_same(got, expected, "queue and policy")
    assert rolled_days(db) == set()  # both filters at once: the raw tables (nothing built for them)
    for narrowed in ({"queue": general}, {"queue": specialists}, {"policy": "shopom"}, {"policy": "holesalemart"}):
        for start, end in periods(now):
            for path, extra in REPORTS:
                got, expected = both_ways(store, monkeypatch, path, params(start, end, **narrowed, **extra))
                assert_same(got, expected, (path, extra, narrowed, start, end))
    assert rolled_days(db)  # built by the narrowed reports
    with db.read() as s:
        scopes = set(s.scalars(select(report_run_counts.c.scope).distinct()))
    assert scopes == {"", f"queue:{general}", f"queue:{specialists}", "policy:shopom", "policy:holesalemart"}
    # Read from the rollups: with the raw runs of the rolled days gone, the narrowed figures stay.
    start = rollups.utc_midnight(START.date() + timedelta(days=1))
    end = start + timedelta(days=3)  # whole closed days only
    query = params(start, end, queue=specialists, group_by="agent")
    kept = store.manager.get("/reports/compliance", params=query).json()
    assert kept["overall"] and any(r["total"] for r in kept["overall"])
    with db.write() as s:
        s.execute(ClockRun.__table__.delete().where(ClockRun.stopped_at >= start, ClockRun.stopped_at < end))
    assert store.manager.get("/reports/compliance", params=query).json() == kept
    _, raw = both_ways(store, monkeypatch, "/reports/compliance", query)
    assert raw != kept  # (the raw path does see the runs gone)


def test_short_periods_read_the_raw_tables(store, db, clock, monkeypatch):
    seed(store, clock, db, n=8)
    now = clock.now()
    today = rollups.utc_midnight(now.date())
    got, expected = both_ways(store, monkeypatch, "/reports/times", params(today, now))
    assert got == expected and rolled_days(db) == set()


def test_percentiles_from_value_buckets_are_exact_at_every_rank():
    """The bucket walk picks the same values as sorting them all (ranks at bucket edges included)."""
    import random

    rng = random.Random(3)
    for n in (1, 2, 3, 10, 11, 200):
        values = [rng.choice([0, 59, 60, 61, 71, 72, 5000, 5001, 99999]) for _ in range(n)]
        per_bucket = defaultdict(int)
        for v in values:
            per_bucket[rollups.bucket_of(v)] += 1
        order = sorted(per_bucket)
        ordered = sorted(values)
        for rank in range(n):
            b = rollups._locate(order, per_bucket, rank)
            before = sum(per_bucket[x] for x in order if x < b)
            in_bucket = sorted(v for v in values if rollups.bucket_of(v) == b)
            assert in_bucket[rank - before] == ordered[rank]
    assert rollups.bucket_of(rollups.BOUNDS[0] - 1) == 0 and rollups.bucket_of(rollups.BOUNDS[0]) == 1


def dirty_statements(db):
    """The statements that touch report_dirty_days while the block runs (a context manager)."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def watch():
        seen: list[str] = []

        def listen(conn, cursor, statement, params, context, executemany):
            if "report_dirty_days" in statement:
                seen.append(statement.split(None, 1)[0].upper())

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)

    return watch()


def test_only_changes_to_closed_days_mark_them_dirty(store, db, clock):
    """Writes that touch today's runs only (the usual case) cost no statement; a change to an earlier day, one."""
    tid = store.agent.create_ticket(policy="holesalemart", category="orders", priority="normal")["id"]
    assert store.agent.post(f"/tickets/{tid}/take").status_code == 200
    clock.advance(timedelta(minutes=30))
    with dirty_statements(db) as seen:
        assert store.agent.post(f"/tickets/{tid}/entries", {"kind": "public_reply", "body": "Done."}).status_code == 201
        clock.advance(timedelta(hours=1))
        assert store.agent.post(f"/tickets/{tid}/status", {"status": "resolved"}).status_code == 200
    assert seen == [] and dirty_days(db) == set()
    resolved_on = clock.now().date()

    clock.advance(timedelta(days=2))
    store._as.clear()
    other = store.agent.create_ticket()["id"]
    with dirty_statements(db) as seen:
        assert store.agent.post(f"/tickets/{other}/take").status_code == 200
        assert store.agent.post(f"/tickets/{other}/entries", {"kind": "public_reply", "body": "On it."}).status_code == 201
        assert store.agent.post(f"/tickets/{tid}/entries", {"kind": "internal_note", "body": "Filed."}).status_code == 201
    assert seen == []
    with dirty_statements(db) as seen:
        r = store.manager.post(f"/tickets/{tid}/assign", {"assignee_id": store.ids["agent2"]})
        assert r.status_code == 200, r.text
    assert seen == ["INSERT"] and dirty_days(db) == {resolved_on}
    with dirty_statements(db) as seen:
        assert store.manager.post(f"/tickets/{tid}/status", {"status": "open"}).status_code == 200
    assert seen == ["INSERT"] and dirty_days(db) == {resolved_on}  # marked again: no error, one row


def test_catch_up_builds_the_last_closed_days(store, db, clock):
    seed(store, clock, db, n=8)
    rollups.catch_up(db, clock.now(), days=10)
    closed = rollups.closed_before(clock.now())
    assert rolled_days(db) == {closed - timedelta(days=i) for i in range(1, 11)}


def test_the_sql_bucket_is_the_python_bucket(db):
    from sqlalchemy import literal, union_all

    values = sorted({0, 1, 59, *[b + d for b in rollups.BOUNDS[:60] for d in (-1, 0, 1)], 10**9, 2**40})
    # One expression over a table of values (180 copies of it took 14 s to compile and run on SQLite).
    table = union_all(*[select(literal(i).label("i"), literal(v).label("v")) for i, v in enumerate(values)]).subquery()
    with db.read() as s:
        got = s.execute(select(rollups._bucket_sql(table.c.v)).order_by(table.c.i)).scalars().all()
    assert got == [rollups.bucket_of(v) for v in values]
