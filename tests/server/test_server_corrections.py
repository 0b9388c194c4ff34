"""Correcting a thread entry: a correction entry that names it, audited; nothing deleted or changed."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import func, select

from desk_app.server.audit.models import AuditEntry
from desk_app.server.sync.models import Change
from desk_app.server.tickets.models import ThreadEntry, Ticket
from desk_app.server.tickets.schemas import EntryAddedOut, TicketDetailOut

CALL = {"number": "+91 98765 43210", "direction": "inbound", "duration_seconds": 5}


def _state(db):
    """Everything a refused correction must leave untouched."""
    with db.read() as session:
        tickets = session.execute(select(Ticket.id, Ticket.version, Ticket.snapshot).order_by(Ticket.id)).all()
        entries = session.scalar(select(func.count()).select_from(ThreadEntry))
        changes = session.scalar(select(func.count()).select_from(Change))
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
    return tickets, entries, changes, audits


def _log_empty_call(store) -> tuple[dict, dict]:
    ticket = store.agent.create_ticket()
    r = store.agent.post(f"/tickets/{ticket['id']}/entries", {"kind": "phone_call", "body": "", "call": CALL})
    assert r.status_code == 201, r.text
    return ticket, r.json()["entry"]


def test_the_author_corrects_a_mistaken_call_and_nothing_is_deleted(store, db):
    ticket, call = _log_empty_call(store)
    tid = ticket["id"]
    before = store.agent.get(f"/tickets/{tid}").json()

    r = store.agent.post(f"/tickets/{tid}/entries/{call['id']}/corrections",
                         {"body": "Logged by mistake: no call took place."}, key=str(uuid.uuid4()))
    assert r.status_code == 201, r.text
    out = EntryAddedOut.model_validate(r.json())
    assert out.entry.kind == "internal_note" and out.entry.corrects_entry_id == call["id"]
    assert out.entry.author_id == store.ids["agent"] and out.entry.body == "Logged by mistake: no call took place."
    assert out.ticket.version == before["version"] + 1

    detail = TicketDetailOut.model_validate(store.agent.get(f"/tickets/{tid}").json()).model_dump(mode="json")
    # The mistaken entry is still there, unchanged; the correction follows it and names it.
    assert detail["thread"][:len(before["thread"])] == [{**e, "corrects_entry_id": None} for e in before["thread"]]
    assert detail["thread"][-1]["id"] == out.entry.id and detail["thread"][-1]["corrects_entry_id"] == call["id"]
    assert detail["status"] == before["status"]

    with db.read() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "entry.corrected")).one()
        change = session.scalars(select(Change).order_by(Change.seq.desc()).limit(1)).one()
    assert audit.actor_id == store.ids["agent"] and audit.entity_id == str(tid)
    assert json.loads(audit.before) == {"entry_id": call["id"], "entry_kind": "phone_call"}
    assert json.loads(audit.after) == {"entry_id": out.entry.id, "entry_kind": "internal_note",
                                       "corrects_entry_id": call["id"]}
    # Other clients get the correction through the change feed, like any entry.
    payload = json.loads(change.payload)
    assert change.kind == "entry.added" and payload["data"]["entry"]["corrects_entry_id"] == call["id"]

    # A correction can itself be corrected (it is the author's entry too).
    again = store.agent.post(f"/tickets/{tid}/entries/{out.entry.id}/corrections", {"body": "It was 0:05, not 0:50."})
    assert again.status_code == 201 and again.json()["entry"]["corrects_entry_id"] == out.entry.id


def test_a_correction_is_refused_with_a_reason_and_changes_nothing(store, db):
    ticket, call = _log_empty_call(store)
    tid = ticket["id"]
    store.agent.post(f"/tickets/{tid}/status", {"status": "pending_customer"})
    system = next(e for e in store.agent.get(f"/tickets/{tid}").json()["thread"] if e["kind"] == "system_event")
    other = store.agent2.create_ticket(subject="Another")
    before = _state(db)

    cases = [
        (store.agent2, f"/tickets/{tid}/entries/{call['id']}/corrections", {"body": "Not mine"}, 403, "not_your_entry"),
        (store.agent, f"/tickets/{tid}/entries/{system['id']}/corrections", {"body": "No"}, 422, "not_correctable"),
        (store.agent, f"/tickets/{other['id']}/entries/{call['id']}/corrections", {"body": "Wrong ticket"}, 404,
         "entry_not_found"),
        (store.agent, f"/tickets/{tid}/entries/999999/corrections", {"body": "Nothing"}, 404, "entry_not_found"),
        (store.agent, f"/tickets/{tid}/entries/{call['id']}/corrections", {"body": "   "}, 422, "validation_error"),
        (store.agent, f"/tickets/{tid}/entries/{call['id']}/corrections", {"body": "x", "kind": "public_reply"}, 422,
         "validation_error"),
    ]
    for who, path, body, status, code in cases:
        r = who.post(path, body)
        assert r.status_code == status, (path, body, r.text)
        assert r.json()["code"] == code and r.json()["message"], r.text
    assert _state(db) == before


def test_a_repeated_correction_is_recorded_once(store, db):
    ticket, call = _log_empty_call(store)
    key = str(uuid.uuid4())
    path = f"/tickets/{ticket['id']}/entries/{call['id']}/corrections"
    first = store.agent.post(path, {"body": "Logged by mistake."}, key=key)
    second = store.agent.post(path, {"body": "Logged by mistake."}, key=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ThreadEntry)
                              .where(ThreadEntry.corrects_entry_id == call["id"])) == 1
