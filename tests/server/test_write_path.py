"""The write path's economies keep every guarantee: one statement for the change's last writes,
events written with the history read, live streams served from recently committed rows,
and pooled PostgreSQL connections pinged only after sitting idle."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.pool import NullPool

from desk_app.server.audit.models import AuditEntry
from desk_app.server.core import db as core_db
from desk_app.server.core.db import RecentChanges
from desk_app.server.sync.models import Change
from desk_app.server.tickets import sla_authority
from desk_app.server.tickets.models import Ticket, TicketClock, TicketHistoryEvent


class Statements:
    """Counts the statements the store sends (BEGIN/COMMIT are not statements)."""

    def __init__(self, db) -> None:
        self.db, self.seen = db, []

    def __enter__(self) -> Statements:
        event.listen(self.db.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.db.engine, "before_cursor_execute", self._on)

    def _on(self, _conn, _cursor, statement, *_args) -> None:
        self.seen.append(" ".join(statement.split()[:3]))


def test_a_note_is_four_statements_on_postgresql(store, db):
    """Lock the ticket, add the entry, add the event and read the history, then the rest in one.

    (As a manager: an agent's request also reads which queues it may see.)
    """
    t = store.manager.create_ticket()
    store.manager.post(f"/tickets/{t['id']}/entries", {"kind": "internal_note", "body": "warm"})
    with Statements(db) as seen:
        r = store.manager.post(f"/tickets/{t['id']}/entries", {"kind": "internal_note", "body": "counted"})
    assert r.status_code == 201
    writes = [s for s in seen.seen if not s.startswith("SELECT users.") and "auth_tokens" not in s]
    if db.is_postgres:
        assert len(writes) == 4, writes
        assert writes[0].startswith("SELECT tickets.") and writes[1].startswith("INSERT INTO thread_entries")
        assert writes[2].startswith("WITH added") and writes[3].startswith("WITH rider_0")
    else:
        assert any(s.startswith("INSERT INTO ticket_events") for s in writes)


def test_the_change_ticket_row_clocks_and_audit_are_written_together(store, db, clock):
    from datetime import timedelta

    t = store.agent.create_ticket()
    clock.advance(timedelta(minutes=5))  # the running clocks' remaining time moves: their rows are rewritten
    r = store.agent.post(f"/tickets/{t['id']}/entries", {"kind": "public_reply", "body": "On it"})
    assert r.status_code == 201
    served = r.json()["ticket"]
    with db.read() as session:
        ticket = session.get(Ticket, t["id"])
        clocks = {c.key: c for c in session.scalars(select(TicketClock).where(TicketClock.ticket_id == t["id"]))}
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        change = session.scalars(select(Change).order_by(Change.seq.desc()).limit(1)).one()
    assert orjson.loads(ticket.snapshot) == served and ticket.version == served["version"] == 2
    assert {c["key"]: c["remaining_seconds"] for c in served["sla"]["clocks"]} == {
        k: c.remaining_seconds for k, c in clocks.items()
    }
    assert {c["key"]: c["state"] for c in served["sla"]["clocks"]} == {k: c.state for k, c in clocks.items()}
    assert audit[-1].action == "entry.public_reply" and audit[-1].entity_id == str(t["id"])
    assert orjson.loads(change.payload)["data"]["ticket"] == served


def test_a_failed_write_leaves_no_row_of_its_riders(store, db):
    t = store.agent.create_ticket()
    with db.read() as session:
        before = (
            session.scalar(text("SELECT count(*) FROM audit_log")),
            session.scalar(text("SELECT count(*) FROM change_log")),
            session.scalar(text("SELECT count(*) FROM ticket_events")),
        )
    r = store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"}, if_match=99)
    assert r.status_code == 412
    with db.read() as session:
        after = (
            session.scalar(text("SELECT count(*) FROM audit_log")),
            session.scalar(text("SELECT count(*) FROM change_log")),
            session.scalar(text("SELECT count(*) FROM ticket_events")),
        )
    assert after == before


def test_history_holds_the_events_of_the_transaction_in_the_order_added(store, db, clock):
    t = store.agent.create_ticket()
    now = clock.now()
    with db.write() as session:
        for kind, status in (("status_changed", "pending_customer"), ("status_changed", "open")):
            sla_authority.add_event(
                session,
                {"ticket_id": t["id"], "at": now, "kind": kind, "status": status, "tier": None, "party": None,
                 "direction": None},
            )
        events = sla_authority.history(session, t["id"])
        sla_authority.add_event(
            session,
            {"ticket_id": t["id"], "at": now, "kind": "internal_note", "status": None, "tier": None, "party": None,
             "direction": None},
        )
        once_more = sla_authority.history(session, t["id"])
    assert [(e.kind, e.status) for e in events][-2:] == [("status_changed", "pending_customer"),
                                                         ("status_changed", "open")]
    assert [(e.kind, e.status) for e in once_more] == [(e.kind, e.status) for e in events] + [("internal_note", None)]
    with db.read() as session:
        stored = session.execute(
            select(TicketHistoryEvent.kind, TicketHistoryEvent.status)
            .where(TicketHistoryEvent.ticket_id == t["id"])
            .order_by(TicketHistoryEvent.at, TicketHistoryEvent.id)
        ).all()
    assert [tuple(r) for r in stored] == [(e.kind, e.status) for e in once_more]


def test_an_event_never_read_back_is_still_written_at_commit(store, db, clock):
    t = store.agent.create_ticket()
    with db.write() as session:
        sla_authority.add_event(
            session,
            {"ticket_id": t["id"], "at": clock.now(), "kind": "internal_note", "status": None, "tier": None,
             "party": None, "direction": None},
        )
    with db.read() as session:
        kinds = session.scalars(
            select(TicketHistoryEvent.kind).where(TicketHistoryEvent.ticket_id == t["id"]).order_by(TicketHistoryEvent.id)
        ).all()  # ordered: PostgreSQL returns rows in no set order without it (a CI run saw the note first)
    assert kinds[-1] == "internal_note" and kinds.count("internal_note") == 1


def test_a_rolled_back_event_is_forgotten(store, db, clock):
    t = store.agent.create_ticket()
    with pytest.raises(RuntimeError):
        with db.write() as session:
            sla_authority.add_event(
                session,
                {"ticket_id": t["id"], "at": clock.now(), "kind": "internal_note", "status": None, "tier": None,
                 "party": None, "direction": None},
            )
            raise RuntimeError("abandon")
    with db.read() as session:
        kinds = session.scalars(select(TicketHistoryEvent.kind).where(TicketHistoryEvent.ticket_id == t["id"])).all()
    assert "internal_note" not in kinds


def _row(seq: int, payload: str = "{}") -> tuple:
    return (seq, 1, "entry.added", payload, None, None, None, None)


def test_recent_changes_give_rows_after_the_cursor_without_a_gap():
    recent = RecentChanges(keep=4)
    recent.committed([_row(2), _row(1), _row(4)])  # commit hooks may run out of order
    assert [r[0] for r in recent.after(0, 10)] == [1, 2]  # 3 is missing: the stream reads the log
    assert recent.after(2, 10) == [] and [r[0] for r in recent.after(3, 10)] == [4]
    recent.read([_row(3)], 2, to_the_end=False)
    assert [r[0] for r in recent.after(0, 3)] == [1, 2, 3]
    recent.committed([_row(n) for n in range(5, 20)])
    assert recent.after(0, 10) == [] and recent.after(18, 10)[0][0] == 19  # only the latest are kept


def test_recent_changes_never_serve_what_the_log_does_not_hold():
    recent = RecentChanges()
    recent.committed([_row(1, '{"a":1}'), _row(2, '{"a":2}'), _row(3, '{"a":3}')])
    # A read that reached the end of the log at 1: the log was emptied and refilled since.
    recent.read([_row(1, '{"b":1}')], 0, to_the_end=True)
    assert [r[3] for r in recent.after(0, 10)] == ['{"b":1}']
    # A committed row that contradicts a held one: the log was reset; nothing old survives.
    recent.committed([_row(5, "x"), _row(6, "y")])
    recent.committed([_row(5, "other")])
    assert recent.after(5, 10) == [] and recent.after(4, 10)[0][3] == "other"


def test_a_live_stream_gets_every_change_once_in_order_from_memory_and_from_the_log(app, db, clock):
    """Rows committed by this instance come from memory; a row committed elsewhere is read from the log."""
    from datetime import timedelta

    import httpx

    from desk_app.server.core.db import Database
    from desk_app.server.sync.service import append_change
    from store_helpers import API, SseStream, live_server, login, seed_staff_and_queues, ticket_body

    seed_staff_and_queues(db, clock.now())
    with live_server(app) as base:
        http = httpx.Client(base_url=base + API, timeout=10)
        token = login(httpx.Client(base_url=base, timeout=10), "manager")
        headers = {"Authorization": f"Bearer {token}"}
        stream = SseStream(base + API + "/events", token)
        try:
            t = http.post("/tickets", json=ticket_body(), headers=headers).json()
            for i in range(3):
                r = http.post(f"/tickets/{t['id']}/entries", json={"kind": "internal_note", "body": f"n{i}"},
                              headers=headers)
                assert r.status_code == 201, r.text
            # Another instance's change: written without this app, so only the log has it.
            other = Database(db.url)
            try:
                with other.write() as session:
                    append_change(session, now=clock.now() + timedelta(seconds=1), kind="ticket.updated",
                                  ticket_id=t["id"], actor_id=None, fields=["subject"], payload=b'{"elsewhere":true}',
                                  placement=(None, None, None), prev_placement=None)
            finally:
                other.dispose()
            http.post(f"/tickets/{t['id']}/entries", json={"kind": "internal_note", "body": "last"}, headers=headers)
            seqs, datas = [], []
            while len(seqs) < 6:
                e = stream.next(timeout=10)
                seqs.append(int(e["id"]))
                datas.append(orjson.loads(e["data"]))
        finally:
            stream.close()
    assert seqs == [1, 2, 3, 4, 5, 6]
    assert datas[4]["data"] == {"elsewhere": True}


@pytest.mark.postgres
def test_an_idle_pooled_connection_the_server_dropped_is_replaced(db, monkeypatch):
    if not db.is_postgres:
        pytest.skip("PostgreSQL only")
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    with db.read() as session:
        pid = session.scalar(text("SELECT pg_backend_pid()"))
    killer = create_engine(db.url, poolclass=NullPool)
    with killer.begin() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    killer.dispose()
    for _ in range(3):  # whichever pooled connection comes next, the read succeeds
        with db.read() as session:
            assert session.scalar(text("SELECT 1")) == 1
