"""The change log: gap-free, increasing, in commit order, with consistent clocks, under concurrent writers."""

from __future__ import annotations

import threading
from datetime import timedelta

import orjson
import pytest
from sqlalchemy import select

from desk_app.server.auth.service import Principal
from desk_app.server.auth.models import Role
from desk_app.server.sync.models import Change
from desk_app.server.sync.service import read_changes
from desk_app.server.tickets import service, write
from desk_app.server.tickets.models import Ticket
from desk_app.server.tickets.schemas import EntryIn, TicketCreateIn
from store_helpers import ticket_body

WRITERS = 6
WRITES_EACH = 15


def _all_changes(db):
    with db.read() as session:
        return session.execute(select(Change.seq, Change.ticket_id, Change.payload).order_by(Change.seq)).all()


def test_changes_are_numbered_from_one_without_gaps(store, db):
    t = store.agent.create_ticket()
    store.agent.post(f"/tickets/{t['id']}/take")
    store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"}, if_match=9)  # rejected: no number used
    store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"})
    rows = _all_changes(db)
    assert [r.seq for r in rows] == [1, 2, 3]
    versions = [orjson.loads(r.payload)["data"]["ticket"]["version"] for r in rows]
    assert versions == [1, 2, 3]


def test_concurrent_writers_get_a_gap_free_sequence_in_commit_order(store, db, app, clock):
    """Writers on threads (each its own transaction) while a reader follows the log by cursor.

    The reader must never see a number before all smaller numbers are visible:
    that is what lets clients read 'everything after my cursor' safely.
    """
    policies, settings = app.state.policies, app.state.settings
    agent = Principal(store.ids["agent"], "agent", "Agent", Role.AGENT)
    with db.write() as session:
        ctx = write.Ctx(session, clock.now(), agent, policies, settings)
        body = TicketCreateIn.model_validate(ticket_body())
        ticket_ids = [service.create_ticket(ctx, body).id for _ in range(WRITERS)]
    start_seq = WRITERS
    stop = threading.Event()
    errors: list[BaseException] = []
    observed: list[int] = []

    def reader():
        cursor = start_seq
        try:
            while True:
                done = stop.is_set()
                with db.read() as session:
                    rows = read_changes(session, cursor, 1000)
                for row in rows:
                    assert row.seq == cursor + 1, f"saw {row.seq} after {cursor}: a gap"
                    cursor = row.seq
                    observed.append(row.seq)
                if done and not rows:
                    return
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def writer(index: int):
        try:
            for n in range(WRITES_EACH):
                with db.write() as session:
                    ctx = write.Ctx(session, clock.now(), agent, policies, settings)
                    # Half write their own ticket, half contend on a shared one.
                    tid = ticket_ids[index] if index % 2 else ticket_ids[0]
                    service.add_entry(ctx, tid, None, EntryIn(kind="internal_note", body=f"w{index} n{n}"))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    follow = threading.Thread(target=reader)
    follow.start()
    writers = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    stop.set()
    follow.join()
    assert not errors, errors
    total = WRITERS + WRITERS * WRITES_EACH
    rows = _all_changes(db)
    assert [r.seq for r in rows] == list(range(1, total + 1))
    assert observed == list(range(start_seq + 1, total + 1))
    # Per ticket, versions in the log increase by one in sequence order, and
    # the last payload equals the ticket's stored snapshot.
    by_ticket: dict[int, list[int]] = {}
    last: dict[int, str] = {}
    for r in rows:
        data = orjson.loads(r.payload)["data"]["ticket"]
        by_ticket.setdefault(r.ticket_id, []).append(data["version"])
        last[r.ticket_id] = r.payload
    for tid, versions in by_ticket.items():
        assert versions == list(range(1, len(versions) + 1)), tid
    with db.read() as session:
        for ticket in session.scalars(select(Ticket)):
            assert orjson.loads(last[ticket.id])["data"]["ticket"] == orjson.loads(ticket.snapshot)


def test_a_rejected_change_uses_no_sequence_number(store, db, app, clock):
    t = store.agent.create_ticket()
    agent = Principal(store.ids["agent"], "agent", "Agent", Role.AGENT)
    with pytest.raises(RuntimeError):
        with db.write() as session:
            ctx = write.Ctx(session, clock.now(), agent, app.state.policies, app.state.settings)
            service.add_entry(ctx, t["id"], None, EntryIn(kind="internal_note", body="lost"))
            raise RuntimeError("crash after the change was appended")
    store.agent.post(f"/tickets/{t['id']}/take")
    assert [r.seq for r in _all_changes(db)] == [1, 2]
    thread = store.agent.get(f"/tickets/{t['id']}").json()["thread"]
    assert all(e["body"] != "lost" for e in thread)


def test_change_payload_carries_the_clocks_of_that_moment(store, db, clock):
    t = store.agent.create_ticket()
    clock.advance(timedelta(hours=2))
    store.agent.post(f"/tickets/{t['id']}/entries", {"kind": "public_reply", "body": "Hello"})
    rows = _all_changes(db)
    first, second = (orjson.loads(r.payload)["data"] for r in rows)
    fr1 = next(c for c in first["ticket"]["sla"]["clocks"] if c["key"] == "first_response")
    fr2 = next(c for c in second["ticket"]["sla"]["clocks"] if c["key"] == "first_response")
    assert fr1["state"] == "running" and fr2["state"] == "met" and fr2["stopped_at"] == "2026-03-02T11:00:00Z"
    assert second["entry"]["kind"] == "public_reply"
    assert second["ticket"]["sla"]["computed_at"] == "2026-03-02T11:00:00Z"
