"""The rollups are built ahead of time (the server's builder, the CLI) and follow queue, policy and tier changes.

The builder is driven with the test clock (`run_once(now)`); one test starts
the app's thread and waits for its first pass (an event, not a deadline).
A report then finds the days built and builds nothing itself; while another
builder is at work (PostgreSQL advisory lock) a report reads the missing days
raw instead of waiting. SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from conftest import START
from sqlalchemy import select, text, update
from test_reports import POLICIES, params, seed
from test_reports_rollups import REPORTS, assert_same, both_ways, dirty_days, periods, rolled_days, rolled_weeks

from desk_app.server.reports import clock_runs, rollups
from desk_app.server.reports.models import ClockRun
from desk_app.server.reports.rollup_builder import RollupBuilder
from desk_app.server.tickets.models import Ticket


def kept_days(builder, now):
    chunks = builder.chunks(now)
    first, last = chunks[-1][0], chunks[0][1]
    return {first + timedelta(days=i) for i in range((last - first).days)}


@pytest.fixture
def builds(monkeypatch):
    """The day ranges `rollups.build` is called for (by anyone)."""
    calls = []
    real = rollups.build

    def spy(conn, first, last):
        calls.append((first, last))
        return real(conn, first, last)

    monkeypatch.setattr(rollups, "build", spy)
    return calls


def test_the_builder_builds_ahead_and_reports_build_nothing(store, db, clock, monkeypatch, builds):
    seed(store, clock, db)
    builder = RollupBuilder(db, clock, days=20)
    now = clock.now()
    report = builder.run_once(now)
    assert not report.skipped and report.chunks
    assert rolled_days(db) == kept_days(builder, now)
    assert max(rolled_days(db)) == rollups.closed_before(now) - timedelta(days=1)
    assert rollups._monday(START.date()) in rolled_weeks(db)
    builds.clear()
    for narrowed in ({}, {"queue": store.ids["queue:specialists"]}, {"policy": "shopom"}):
        for start, end in periods(now)[:3]:
            for path, extra in REPORTS:
                got, expected = both_ways(store, monkeypatch, path, params(start, end, **narrowed, **extra))
                assert_same(got, expected, (path, extra, narrowed))
    assert builds == []  # every closed day was there already
    assert builder.run_once(now).chunks == []  # nothing left to do: two small reads per chunk

    # A day closes (midnight + the grace period): the builder wakes for it and builds that day only.
    wait = builder.next_wait(now)
    closes = rollups.utc_midnight(now.date() + timedelta(days=1)) + rollups.GRACE
    assert wait == min(builder.poll_seconds, (closes - now).total_seconds())
    clock.set(closes - timedelta(seconds=1))
    assert builder.run_once().chunks == []  # not closed yet
    assert builder.next_wait(clock.now()) == 1.0
    clock.set(closes)
    builds.clear()
    builder.run_once()
    assert builds == [(now.date(), now.date() + timedelta(days=1))]
    assert now.date() in rolled_days(db)

    # A change to a closed day: the next pass (within a poll) rebuilds it, before any report asks.
    day = rollups.closed_before(clock.now()) - timedelta(days=3)
    with db.write() as s:
        rollups.mark_dirty(s.connection(), [day])
    builds.clear()
    builder.run_once()
    assert builds == [(day, day + timedelta(days=1))] and dirty_days(db) == set() and day in rolled_days(db)


def test_a_day_moved_to_another_queue_or_policy_is_rebuilt(store, db, clock, monkeypatch):
    """Arrivals, replies and CSAT of the closed days are kept per queue and policy: a move marks their days."""
    seed(store, clock, db)
    builder = RollupBuilder(db, clock, days=20)
    builder.run_once()
    closed = rollups.closed_before(clock.now())
    with db.read() as s:
        moved = s.scalars(
            select(Ticket).where(Ticket.created_at < rollups.utc_midnight(START.date() + timedelta(days=1)),
                                 Ticket.queue_id == store.ids["queue:general"], Ticket.status == "resolved")
            .order_by(Ticket.id)
        ).first()
    assert moved is not None
    created_on = moved.created_at.date()
    assert created_on < closed and created_on in rolled_days(db)
    specialists = store.ids["queue:specialists"]
    clock.advance(timedelta(minutes=10))
    r = store.manager.patch(f"/tickets/{moved.id}", {"queue_id": specialists}, if_match=moved.version)
    assert r.status_code == 200, r.text
    assert created_on in dirty_days(db)
    builder.run_once()
    assert dirty_days(db) == set()
    # And to another policy.
    other = "holesalemart" if moved.policy_key == "shopom" else "shopom"
    cats, prios, chans = POLICIES[other]
    move = {"policy": other, "category": cats[0], "priority": prios[0], "channel": chans[0]}
    r = store.manager.patch(f"/tickets/{moved.id}", move, if_match=r.json()["version"])
    assert r.status_code == 200, r.text
    assert created_on in dirty_days(db)
    builder.run_once()
    start, end = periods(clock.now())[0]
    for narrowed in ({"queue": specialists}, {"queue": store.ids["queue:general"]}, {"policy": "shopom"},
                     {"policy": "holesalemart"}):
        for path, extra in REPORTS:
            got, expected = both_ways(store, monkeypatch, path, params(start, end, **narrowed, **extra))
            assert_same(got, expected, (path, extra, narrowed))


def test_a_customer_tier_change_moves_their_runs_and_marks_the_days(store, db, clock, monkeypatch):
    seed(store, clock, db)
    RollupBuilder(db, clock, days=20).run_once()
    with db.read() as s:
        customer_id, = s.execute(
            select(Ticket.customer_id).join(ClockRun, ClockRun.ticket_id == Ticket.id)
            .where(ClockRun.customer_tier == "standard", ClockRun.stopped_on < rollups.closed_before(clock.now()))
            .order_by(Ticket.id)
        ).first()
        days = set(s.scalars(select(ClockRun.stopped_on).join(Ticket, Ticket.id == ClockRun.ticket_id)
                             .where(Ticket.customer_id == customer_id)))
    start, end = periods(clock.now())[0]
    query = params(start, end, group_by="customer_tier")
    before = store.manager.get("/reports/compliance", params=query).json()
    with db.write() as s:
        from desk_app.server.directory.models import Customer

        s.execute(update(Customer).where(Customer.id == customer_id).values(tier="enterprise"))
        clock_runs.retier_customer(s.connection(), customer_id, "enterprise", clock.now())
    today = clock.now().date()
    assert dirty_days(db) == {d for d in days if d < today} != set()
    for path, extra in REPORTS:
        got, expected = both_ways(store, monkeypatch, path, params(start, end, **extra))
        assert_same(got, expected, (path, extra))
    after = store.manager.get("/reports/compliance", params=query).json()
    assert after["rows"] != before["rows"]


def test_reports_never_wait_for_a_build_under_way(store, db, clock, monkeypatch, builds, database):
    if not db.is_postgres:
        pytest.skip("advisory locks: PostgreSQL (SQLite has one writer)")
    seed(store, clock, db, n=10)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as other:
        other.execute(text(f"SELECT pg_advisory_lock({rollups.LOCK_BUILDER})"))  # another instance's builder
        try:
            assert RollupBuilder(db, clock, days=20).run_once().skipped
            for path, extra in REPORTS:
                got, expected = both_ways(store, monkeypatch, path, params(*periods(clock.now())[0], **extra))
                assert_same(got, expected, (path, extra))
            assert builds == [] and rolled_days(db) == set()  # the missing days were read raw
        finally:
            other.execute(text(f"SELECT pg_advisory_unlock({rollups.LOCK_BUILDER})"))
    store.manager.get("/reports/times", params=params(*periods(clock.now())[0]))
    assert builds and rolled_days(db)  # with nobody building, a report builds what is missing


def test_the_app_builds_the_rollups_in_the_background_at_startup(db, clock, policies, tmp_path, store):
    from fastapi.testclient import TestClient

    from desk_app.server.app import create_app
    from desk_app.server.core.settings import DatabaseSettings, Settings, StorageSettings

    seed(store, clock, db, n=8)
    settings = Settings(database=DatabaseSettings(url=db.url), storage=StorageSettings(data_dir=tmp_path))
    app = create_app(settings, database=db, clock=clock, policies=policies, listen=False, scheduler=False,
                     rollup_builder=True)
    builder = app.state.rollup_builder
    builder.days = 10
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert builder.passed.wait(120), "the builder's first pass"
    assert builder._thread is None  # stopped with the app
    assert rolled_days(db) == kept_days(builder, clock.now())


def test_cli_builds_the_rollups(tmp_path, capsys):
    from desk_app.server.cli import main
    from desk_app.server.core.db import Database

    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert main(["reports", "build-rollups", "--db", url]) == 2  # not initialised
    assert main(["init", "--db", url]) == 0
    assert main(["reports", "build-rollups", "--db", url, "--days", "0"]) == 2
    capsys.readouterr()
    assert main(["reports", "build-rollups", "--db", url, "--days", "9"]) == 0
    assert "Done in" in capsys.readouterr().out
    db = Database(url)
    try:
        days = rolled_days(db)
        assert len(days) >= 9 and max(days) == rollups.closed_before(datetime.now(timezone.utc)) - timedelta(days=1)
    finally:
        db.dispose()
