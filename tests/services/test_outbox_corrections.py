"""Correcting an entry from the client: queued like any change, shown at once, kept when refused."""

from __future__ import annotations

import uuid

import pytest

from desk_app.services.errors import Forbidden, ValidationFailed
from desk_app.services.events import Connection
from desk_app.services.local_cache import _DETAIL_ONLY
from service_helpers import wait_until

CALL = {"number": "+91 98765 43210", "direction": "inbound", "duration_seconds": 5}


def _ticket_with_a_call(live, username: str = "agent") -> tuple[dict, dict]:
    ticket = live.create_ticket(username)
    added = live.call(username, "POST", f"/tickets/{ticket['id']}/entries",
                      {"kind": "phone_call", "body": "", "call": CALL})
    return ticket, added["entry"]


def test_a_correction_made_offline_shows_at_once_and_is_sent_once(live, db):
    ticket, call = _ticket_with_a_call(live)
    tid = ticket["id"]
    client = live.session("agent")
    wait_until(lambda: client.status.connection is Connection.ONLINE and client.cache.ticket(tid), message="live")
    client.engine.refresh_ticket(tid)
    live.server.stop()
    wait_until(lambda: client.status.connection is Connection.OFFLINE, message="offline")

    status = client.cache.ticket(tid)["status"]
    client.actions.correct_entry(tid, call["id"], "Logged by mistake: no call took place.")
    shown = client.cache.thread(tid).entries[-1]
    assert shown["pending"] and shown["kind"] == "internal_note" and shown["corrects_entry_id"] == call["id"]
    assert client.cache.ticket(tid)["status"] == status == "open"  # a note: the status stays

    live.server.start()
    assert client.outbox.wait_idle(20), "the outbox drained"
    server = live.call("agent", "GET", f"/tickets/{tid}")
    corrections = [e for e in server["thread"] if e["corrects_entry_id"] == call["id"]]
    assert [e["body"] for e in corrections] == ["Logged by mistake: no call took place."]
    assert any(e["id"] == call["id"] and e["kind"] == "phone_call" for e in server["thread"])  # nothing deleted
    client.engine.refresh_ticket(tid)
    assert client.cache.thread(tid).entries == server["thread"]
    assert client.cache.ticket(tid) == {k: v for k, v in server.items() if k not in _DETAIL_ONLY}


def test_a_refused_correction_keeps_the_text_as_a_note_draft(live):
    ticket, call = _ticket_with_a_call(live, "agent2")  # a colleague's entry
    tid = ticket["id"]
    client = live.session("agent")
    wait_until(lambda: client.status.connection is Connection.ONLINE and client.cache.ticket(tid), message="live")
    rejections = []
    client.events.rejection.connect(rejections.append)

    client.actions.correct_entry(tid, call["id"], "That call was mine, not Agent2's.")
    assert client.outbox.wait_idle(20)
    (rejection,) = rejections
    assert rejection.code == "not_your_entry" and rejection.draft_saved
    assert client.cache.outbox.load_draft(tid, "internal_note").body == "That call was mine, not Agent2's."
    assert not any(e.get("corrects_entry_id") for e in client.cache.thread(tid).entries)


def test_the_api_client_corrects_and_bad_input_is_refused_before_anything_is_recorded(live):
    ticket, call = _ticket_with_a_call(live)
    api = live.api("agent")
    key = uuid.uuid4().hex
    answer = api.correct_entry(ticket["id"], call["id"], "It was 0:05.", idempotency_key=key)
    assert answer["entry"]["corrects_entry_id"] == call["id"]
    assert api.correct_entry(ticket["id"], call["id"], "It was 0:05.", idempotency_key=key) == answer  # replayed
    with pytest.raises(Forbidden):
        live.api("agent2").correct_entry(ticket["id"], call["id"], "Not mine", idempotency_key=uuid.uuid4().hex)

    client = live.session("agent")
    wait_until(lambda: client.cache.ticket(ticket["id"]), message="cached")
    for bad in (lambda: client.actions.correct_entry(ticket["id"], call["id"], "   "),
                lambda: client.actions.correct_entry(ticket["id"], -3, "A pending entry"),
                lambda: client.actions.log_call(ticket["id"], number="+62 811 1", direction="inbound",
                                                duration_seconds=5, notes="  ")):
        with pytest.raises(ValidationFailed):
            bad()
    assert client.cache.outbox.size() == 0
