"""`clock_runs` is written only when a ticket's finished runs or grouping fields change, and then correctly.

Each test drives the real API and compares the stored runs with the core's
replay of the ticket's history (`compute_clocks`) and with the ticket's
fields as they are now; statements are counted on the real engine.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, select

from desk_app.core.sla import compute_clocks
from desk_app.core.ticket import EventKind, TicketEvent, TicketFacts
from desk_app.server.directory.models import Customer
from desk_app.server.reports.clock_runs import finished_runs
from desk_app.server.reports.models import ClockRun
from desk_app.server.tickets.models import Ticket, TicketHistoryEvent


@contextmanager
def run_statements(db):
    """The statements that touch clock_runs while the block runs."""
    seen: list[str] = []

    def listen(conn, cursor, statement, params, context, executemany):
        if "clock_runs" in statement:
            seen.append(statement.split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def stored(db, tid):
    with db.read() as s:
        rows = s.scalars(select(ClockRun).where(ClockRun.ticket_id == tid)).all()
        return {
            (r.key, r.started_at): (r.metric, r.state, r.elapsed_seconds, r.stopped_at, r.queue_id, r.category,
                                    r.priority, r.channel, r.customer_tier, r.policy_key, r.assignee_id)
            for r in rows
        }


def expected(db, policies, tid, now):
    """The runs the core's replay gives now, with the ticket's fields as they are now."""
    with db.read() as s:
        t = s.get(Ticket, tid)
        tier = s.get(Customer, t.customer_id).tier
        events = s.scalars(
            select(TicketHistoryEvent).where(TicketHistoryEvent.ticket_id == tid)
            .order_by(TicketHistoryEvent.at, TicketHistoryEvent.id)
        ).all()
        history = [TicketEvent(at=e.at, kind=EventKind(e.kind), status=e.status, tier=e.tier, party=e.party,
                               direction=e.direction) for e in events]
        snap = compute_clocks(policies[t.policy_key], TicketFacts(t.created_at, t.category, t.priority, t.channel, tier),
                              history, now)
        fields = (t.queue_id, t.category, t.priority, t.channel, tier, t.policy_key, t.assignee_id)
    return {
        (c.key, c.started_at): (str(c.metric), str(c.state),
                                int(c.target.total_seconds()) - int(c.remaining.total_seconds()), c.stopped_at, *fields)
        for c in finished_runs(snap)
    }


def test_notes_cost_no_statement_replies_rewrite_the_runs(store, db, clock, policies):
    tid = store.agent.create_ticket()["id"]
    assert store.agent.post(f"/tickets/{tid}/take").status_code == 200
    clock.advance(timedelta(minutes=20))
    with run_statements(db) as seen:
        r = store.agent.post(f"/tickets/{tid}/entries", {"kind": "public_reply", "body": "On it."})
        assert r.status_code == 201, r.text
    assert seen == ["DELETE", "INSERT"]  # the first response has been met
    assert any(key == "first_response" for key, _ in stored(db, tid))
    assert stored(db, tid) == expected(db, policies, tid, clock.now())

    for minutes in (30, 90):
        clock.advance(timedelta(minutes=minutes))
        with run_statements(db) as seen:
            r = store.agent.post(f"/tickets/{tid}/entries", {"kind": "internal_note", "body": "Checked the order."})
            assert r.status_code == 201, r.text
        assert seen == []
    assert stored(db, tid) == expected(db, policies, tid, clock.now())

    # A customer message starts a next-response run (no finished run changes); the reply finishes it.
    clock.advance(timedelta(hours=2))
    assert store.agent.post(f"/tickets/{tid}/entries", {"kind": "customer_message", "body": "Any news?"}).status_code == 201
    clock.advance(timedelta(minutes=40))
    with run_statements(db) as seen:
        assert store.agent.post(f"/tickets/{tid}/entries", {"kind": "public_reply", "body": "Shipped."}).status_code == 201
    assert seen == ["DELETE", "INSERT"]
    assert any(key == "next_response" for key, _ in stored(db, tid))
    assert stored(db, tid) == expected(db, policies, tid, clock.now())


def test_grouping_changes_update_the_copies_and_a_reopen_drops_the_resolution_run(store, db, clock, policies):
    # Holesalemart promises a resolution time.
    tid = store.agent.create_ticket(policy="holesalemart", category="orders", priority="normal")["id"]
    assert store.agent.post(f"/tickets/{tid}/take").status_code == 200
    clock.advance(timedelta(minutes=30))
    assert store.agent.post(f"/tickets/{tid}/entries", {"kind": "public_reply", "body": "Done."}).status_code == 201
    clock.advance(timedelta(hours=1))
    assert store.agent.post(f"/tickets/{tid}/status", {"status": "resolved"}).status_code == 200
    runs = stored(db, tid)
    assert runs == expected(db, policies, tid, clock.now())
    assert any(key == "resolution" for key, _ in runs)
    assert {r[-1] for r in runs.values()} == {store.ids["agent"]}

    # Reassigning a resolved ticket changes no clock: one UPDATE of the copies.
    clock.advance(timedelta(hours=1))
    with run_statements(db) as seen:
        r = store.manager.post(f"/tickets/{tid}/assign", {"assignee_id": store.ids["agent2"]})
        assert r.status_code == 200, r.text
    assert seen == ["UPDATE"]
    assert {r[-1] for r in stored(db, tid).values()} == {store.ids["agent2"]}
    assert stored(db, tid) == expected(db, policies, tid, clock.now())

    # Queue, channel and priority follow the ticket.
    version = store.manager.get(f"/tickets/{tid}").json()["version"]
    r = store.manager.patch(
        f"/tickets/{tid}", {"queue_id": store.ids["queue:management"], "channel": "portal", "priority": "high"},
        if_match=version,
    )
    assert r.status_code == 200, r.text
    runs = stored(db, tid)
    assert {(r[4], r[7], r[6]) for r in runs.values()} == {(store.ids["queue:management"], "portal", "high")}
    assert runs == expected(db, policies, tid, clock.now())

    # A reopen un-finishes the resolution run; resolving again brings a new one.
    clock.advance(timedelta(hours=1))
    assert store.manager.post(f"/tickets/{tid}/status", {"status": "open"}).status_code == 200
    assert not any(key == "resolution" for key, _ in stored(db, tid))
    assert stored(db, tid) == expected(db, policies, tid, clock.now())
    clock.advance(timedelta(hours=1))
    assert store.manager.post(f"/tickets/{tid}/status", {"status": "resolved"}).status_code == 200
    assert any(key == "resolution" for key, _ in stored(db, tid))
    assert stored(db, tid) == expected(db, policies, tid, clock.now())


def test_migration_0007_fills_existing_runs_from_their_tickets(tmp_path):
    """Runs recorded before 0007 get their ticket's fields and UTC day (SQLite here; the bench upgrades PostgreSQL)."""
    from sqlalchemy import text

    from desk_app.server.core.db import Database
    from desk_app.server.core.migrate import upgrade as migrate
    from desk_app.server.core.settings import DatabaseSettings

    db = Database(DatabaseSettings(url=f"sqlite:///{tmp_path / 'old.sqlite3'}"))

    migrate(db, "0005")
    with db.engine.begin() as c:
        c.execute(text("""INSERT INTO users (id, username, display_name, role, password_hash, active, created_at)
                          VALUES (7, 'asha', 'Asha', 'agent', 'x', 1, '2026-01-01 00:00:00')"""))
        c.execute(text("INSERT INTO queues (id, key, name, tier, private, description) VALUES (3, 'general', 'General', 1, 0, '')"))
        c.execute(text("""INSERT INTO customers (id, name, tier, conduct_flag, created_at)
                          VALUES (5, 'Ooulet Ltd', 'enterprise', 0, '2026-01-01 00:00:00')"""))
        c.execute(text("""INSERT INTO tickets (id, number, subject, category, priority, channel, status, tier, policy_key,
                                               queue_id, assignee_id, customer_id, version, created_at, updated_at, snapshot)
                          VALUES (11, 'DSK-11', 'Late', 'orders', 'high', 'portal', 'resolved', 1, 'holesalemart',
                                  3, 7, 5, 1, '2026-03-02 09:00:00', '2026-03-02 09:00:00', '{}')"""))
        c.execute(text("""INSERT INTO clock_runs (ticket_id, key, started_at, metric, state, target_seconds, elapsed_seconds,
                                                  due_at, stopped_at)
                          VALUES (11, 'first_response', '2026-03-02 09:00:00', 'first_response', 'met', 75600, 600,
                                  '2026-03-03 06:00:00', '2026-03-02 23:50:00.250000')"""))
    # Later migrations rebuild `tickets` on SQLite (batch mode): the run refers to its ticket
    # with ON DELETE CASCADE, and must survive the rebuild.
    migrate(db, "head")
    with db.read() as s:
        run = s.scalars(select(ClockRun)).one()
    assert (run.queue_id, run.category, run.priority, run.channel, run.customer_tier, run.policy_key, run.assignee_id) == (
        3, "orders", "high", "portal", "enterprise", "holesalemart", 7
    )
    assert str(run.stopped_on) == "2026-03-02"
    db.dispose()
