"""The outbox against a real store: offline work, exactly-once delivery, conflicts, rejections, drafts."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from desk_app.server.audit.models import AuditEntry
from desk_app.server.sync.models import Change
from desk_app.services.errors import Conflict, ValidationFailed
from desk_app.services.events import Connection
from desk_app.services.local_cache import _DETAIL_ONLY
from desk_app.services.mutations import request_for
from service_helpers import wait_until

sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def online(session) -> bool:
    return session.status.connection is Connection.ONLINE


def audit_actions(db, ticket_id: int) -> list[str]:
    with db.read() as session:
        return list(session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_type == "ticket", AuditEntry.entity_id == str(ticket_id))
            .order_by(AuditEntry.id)
        ))


def change_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Change))


def test_ten_changes_made_offline_are_applied_once_each(live, db):
    ticket = live.create_ticket("agent", subject="Refund not received")
    other = live.create_ticket("agent")
    client = live.session("agent")
    wait_until(lambda: online(client), message="live")
    live.server.stop()  # the network goes away
    wait_until(lambda: client.status.connection is Connection.OFFLINE, message="offline")
    before = change_count(db)

    tid = ticket["id"]
    acts = client.actions
    acts.take(tid)
    acts.add_note(tid, "Checked the payment gateway: refund issued on the 3rd.")
    acts.reply(tid, "Your refund was issued; it takes 5-7 days to appear.")
    acts.update(tid, priority="urgent")
    acts.set_status(tid, "pending_customer", note="Waiting for the customer's bank statement.")
    acts.log_call(tid, number="+91 98765 43210", direction="outbound", duration_seconds=240, notes="Left a voicemail.")
    acts.add_note(tid, "Second note.")
    acts.set_status(tid, "open")
    acts.update(tid, order_id="SO-2002", subject="Refund not received (SO-2002)")
    acts.reply(other["id"], "Looking into this now.")
    # Everything shows at once, locally.
    local = client.cache.ticket(tid)
    assert (local["assignee_id"], local["priority"], local["status"], local["order_id"]) == (
        live.ids["agent"], "urgent", "open", "SO-2002")
    assert client.cache.outbox.size() == 10 and client.status.outbox_size == 10
    assert len([e for e in client.cache.thread(tid).entries if e.get("pending")]) == 5
    assert change_count(db) == before  # nothing reached the server

    live.server.start()
    assert client.outbox.wait_idle(20), "the outbox drained"
    wait_until(lambda: online(client) and client.status.outbox_size == 0, message="live again, outbox empty")
    assert change_count(db) == before + 10
    assert audit_actions(db, tid) == [
        "ticket.created", "ticket.assigned", "entry.internal_note", "entry.public_reply", "ticket.updated",
        "ticket.status_changed", "entry.phone_call", "entry.internal_note", "ticket.status_changed", "ticket.updated",
    ]
    server = live.call("agent", "GET", f"/tickets/{tid}")
    assert (server["priority"], server["status"], server["order_id"], server["version"]) == ("urgent", "open", "SO-2002", 10)
    client.engine.refresh_ticket(tid)
    mine = client.cache.thread(tid)
    assert mine.complete and mine.entries == server["thread"]
    assert client.cache.ticket(tid) == {k: v for k, v in server.items() if k not in _DETAIL_ONLY}
    assert not client.cache.outbox.rejections()


@sqlite_only
def test_a_change_the_server_applied_before_a_crash_is_not_applied_again(live, db, tmp_path):
    """The response was lost (the client died after sending): the same key replays, nothing doubles."""
    ticket = live.create_ticket("agent")
    engine, cache, _ = live.engine("agent", tmp_path / "c.sqlite3")
    engine.sync_by_cursor()
    op, _ = cache.outbox.enqueue(*_note(ticket["id"], "Sent once"))
    method, path, body, if_match = request_for(op)
    engine.api.mutate(method, path, body, idempotency_key=op.key, if_match=if_match)  # applied; answer lost
    outbox = live.outbox(engine)
    assert outbox.drain() == 1
    thread = live.call("agent", "GET", f"/tickets/{ticket['id']}")["thread"]
    assert [e["body"] for e in thread if e["kind"] == "internal_note"] == ["Sent once"]
    assert audit_actions(db, ticket["id"]).count("entry.internal_note") == 1
    cache.close()


def _note(ticket_id: int, body: str):
    from desk_app.services.mutations import OpKind

    return OpKind.ENTRY, ticket_id, {"entry": {"kind": "internal_note", "body": body}}


@sqlite_only
def test_the_outbox_survives_a_restart(live, tmp_path):
    ticket = live.create_ticket("agent")
    data_dir = tmp_path / "desk"
    first = live.session("agent", data_dir=data_dir)
    wait_until(lambda: online(first), message="live")
    first.outbox.stop()  # the app is closed before it could send anything
    first.actions.add_note(ticket["id"], "Typed just before closing")
    first.stop()
    second = live.session("agent", data_dir=data_dir, start=False)
    assert second.cache.outbox.size() == 1
    second.start()
    assert second.outbox.wait_idle(15)
    thread = live.call("agent", "GET", f"/tickets/{ticket['id']}")["thread"]
    assert [e["body"] for e in thread if e["kind"] == "internal_note"] == ["Typed just before closing"]


def test_a_stale_update_is_a_conflict_carrying_the_servers_ticket(live):
    ticket = live.create_ticket("agent")
    client = live.session("agent")
    wait_until(lambda: online(client), message="live")
    client.outbox.stop()  # hold our change back while a colleague edits
    rejections = []
    client.events.rejection.connect(rejections.append)
    client.actions.update(ticket["id"], priority="urgent", subject="Mine")
    assert client.cache.ticket(ticket["id"])["subject"] == "Mine"
    live.call("agent2", "PATCH", f"/tickets/{ticket['id']}", {"subject": "Theirs"}, if_match=1)
    wait_until(lambda: client.cache.server_ticket(ticket["id"])["version"] == 2, message="colleague's change heard")
    local = client.cache.ticket(ticket["id"])
    assert (local["subject"], local["priority"], local["version"]) == ("Mine", "urgent", 2)  # still shown as pending

    # The API client says so directly...
    with pytest.raises(Conflict) as raised:
        client.api.mutate("PATCH", f"/tickets/{ticket['id']}", {"priority": "urgent"},
                          idempotency_key=str(uuid.uuid4()), if_match=1)
    assert raised.value.status == 412 and raised.value.current["version"] == 2
    assert raised.value.current["subject"] == "Theirs"
    # ... and the outbox rolls the local copy back to the server's and tells the agent.
    client.outbox.start()
    wait_until(lambda: rejections, message="rejection reported")
    rejection = rejections[0]
    assert rejection.code == "version_conflict" and rejection.current["subject"] == "Theirs"
    assert rejection.op_kind == "update" and rejection.ticket_number == ticket["number"]
    rolled_back = client.cache.ticket(ticket["id"])
    assert (rolled_back["subject"], rolled_back["priority"], rolled_back["version"]) == ("Theirs", "normal", 2)
    assert client.cache.outbox.size() == 0
    assert [r.code for r in client.cache.outbox.rejections()] == ["version_conflict"]


@sqlite_only
def test_a_refused_reply_is_kept_as_a_draft(live):
    ticket = live.create_ticket("agent")
    client = live.session("agent")
    wait_until(lambda: online(client), message="live")
    client.outbox.stop()
    rejections = []
    client.events.rejection.connect(rejections.append)
    client.cache.outbox.save_draft(ticket["id"], "Half-written second reply", "public_reply")
    client.actions.reply(ticket["id"], "Dear Asha, your parcel is on its way.")
    client.actions.add_note(ticket["id"], "Courier confirmed pickup.")
    assert client.cache.outbox.load_draft(ticket["id"]) is None  # sending took the composer's draft
    client.cache.outbox.save_draft(ticket["id"], "Half-written second reply", "public_reply")
    # Meanwhile a manager moves the ticket to a private queue the agent cannot see.
    live.call("manager", "POST", f"/tickets/{ticket['id']}/escalate", {"reason": "Legal review"})
    client.outbox.start()
    wait_until(lambda: len(rejections) == 2, message="both refused")
    assert {r.code for r in rejections} == {"ticket_not_found"}
    assert all(r.draft_saved for r in rejections)
    reply = client.cache.outbox.load_draft(ticket["id"], "public_reply")
    assert reply.body == "Half-written second reply\n\nDear Asha, your parcel is on its way."
    note = client.cache.outbox.load_draft(ticket["id"], "internal_note")
    assert note.body == "Courier confirmed pickup."  # a note never lands in a public reply
    assert client.cache.ticket(ticket["id"]) is None  # no longer visible: dropped
    assert [r.text for r in rejections] == ["Dear Asha, your parcel is on its way.", "Courier confirmed pickup."]


@sqlite_only
def test_a_ticket_created_offline_gets_its_real_id_and_keeps_its_note(live):
    client = live.session("agent")
    wait_until(lambda: online(client), message="live")
    live.server.stop()
    changes = []
    client.events.changes.connect(changes.append)
    placeholder = client.actions.create_ticket(
        policy="shopom", subject="Caller asks about SO-7", category="order_issues", priority="normal",
        channel="phone", customer={"name": "Ravi Kumar", "phone": "+91 90000 00007"}, order_id="SO-7",
        assign_to_me=True, message={"kind": "phone_call", "body": "Called about a late parcel.",
                                    "call": {"number": "+91 90000 00007", "direction": "inbound",
                                             "duration_seconds": 95}},
    )
    assert placeholder < 0 and client.cache.ticket(placeholder)["subject"] == "Caller asks about SO-7"
    client.actions.add_note(placeholder, "Promised a call back tomorrow.")
    live.server.start()
    assert client.outbox.wait_idle(20)
    replaced = [c.replaced for c in changes if c.replaced]
    assert len(replaced) == 1 and placeholder in replaced[0]
    real = replaced[0][placeholder]
    assert client.cache.ticket(placeholder) is None
    server = live.call("agent", "GET", f"/tickets/{real}")
    assert server["assignee_id"] == live.ids["agent"]
    assert [e["kind"] for e in server["thread"]] == ["phone_call", "internal_note"]
    wait_until(lambda: client.cache.ticket(real) and client.cache.ticket(real)["version"] == server["version"],
               message="real ticket cached")


@sqlite_only
def test_bad_input_is_refused_before_anything_is_recorded(live, tmp_path):
    ticket = live.create_ticket("agent")
    engine, cache, events = live.engine("agent", tmp_path / "c.sqlite3")
    engine.sync_by_cursor()
    from desk_app.services.actions import TicketActions

    actions = TicketActions(cache, events)
    for call in (
        lambda: actions.reply(ticket["id"], "   "),
        lambda: actions.add_note(ticket["id"], "a\x00b"),
        lambda: actions.set_status(ticket["id"], "thinking"),
        lambda: actions.set_status(ticket["id"], "new"),
        lambda: actions.update(ticket["id"], colour="red"),
        lambda: actions.escalate(ticket["id"], ""),
        lambda: actions.log_call(ticket["id"], number="call me", direction="inbound", duration_seconds=3),
        lambda: actions.create_ticket(policy="shopom", subject="x", category="c", priority="p", channel="e"),
    ):
        with pytest.raises(ValidationFailed):
            call()
    assert cache.outbox.size() == 0
    assert cache.ticket(ticket["id"])["version"] == 1
    cache.close()


def test_drafts_are_kept_per_ticket_and_kind_across_restarts(tmp_path):
    from desk_app.services.local_cache import LocalCache

    path = tmp_path / "c.sqlite3"
    with LocalCache(path, user_id=1, user_name="Agent") as cache:
        drafts = cache.outbox
        drafts.save_draft(7, "Dear customer,", "public_reply")
        drafts.save_draft(7, "Internal: check the warehouse", "internal_note")
        drafts.save_draft(8, "Other ticket")
        drafts.save_draft(8, "   ")  # emptied: gone
        with pytest.raises(ValidationFailed):
            drafts.save_draft(7, "x", "smoke_signal")
    with LocalCache(path) as cache:
        drafts = cache.outbox
        assert drafts.load_draft(7).body == "Dear customer,"
        assert drafts.load_draft(7, "internal_note").body == "Internal: check the warehouse"
        assert drafts.load_draft(8) is None
        assert [(d.ticket_id, d.kind) for d in drafts.drafts()] == [(7, "internal_note"), (7, "public_reply")]
        drafts.delete_draft(7)
        assert drafts.load_draft(7) is None and drafts.load_draft(7, "internal_note") is not None
