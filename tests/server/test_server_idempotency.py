"""Idempotency-Key: a retried mutation replays the first response and changes nothing twice."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from desk_app.server.sync.models import Change
from desk_app.server.tickets.models import Ticket
from store_helpers import API, ticket_body


def _count(db, model):
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_same_key_replays_the_first_response(store, db):
    key = str(uuid.uuid4())
    first = store.agent.post("/tickets", ticket_body(), key=key)
    second = store.agent.post("/tickets", ticket_body(), key=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert second.headers["ETag"] == first.headers["ETag"] == '"1"'
    assert _count(db, Ticket) == 1 and _count(db, Change) == 1


def test_replay_of_an_update_does_not_apply_it_twice(store, db):
    t = store.agent.create_ticket()
    key = str(uuid.uuid4())
    body = {"kind": "public_reply", "body": "On it"}
    a = store.agent.post(f"/tickets/{t['id']}/entries", body, key=key)
    b = store.agent.post(f"/tickets/{t['id']}/entries", body, key=key)
    assert a.json() == b.json()
    thread = store.agent.get(f"/tickets/{t['id']}").json()["thread"]
    assert sum(e["kind"] == "public_reply" for e in thread) == 1


def test_same_key_with_another_body_is_refused(store, db):
    key = str(uuid.uuid4())
    assert store.agent.post("/tickets", ticket_body(), key=key).status_code == 201
    r = store.agent.post("/tickets", ticket_body(subject="Something else"), key=key)
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    assert "different request" in r.json()["message"]
    t = store.agent.get("/tickets").json()["tickets"][0]
    r = store.agent.post(f"/tickets/{t['id']}/take", key=key)  # another endpoint, same key
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    assert _count(db, Ticket) == 1


def test_keys_are_per_user(store, db):
    key = "shared-key-1"
    assert store.agent.post("/tickets", ticket_body(), key=key).status_code == 201
    r = store.agent2.post("/tickets", ticket_body(), key=key)
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    assert _count(db, Ticket) == 2


def test_a_failed_request_is_not_remembered(store, db):
    t = store.agent.create_ticket()
    key = str(uuid.uuid4())
    r = store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"}, key=key, if_match=9)
    assert r.status_code == 412
    r = store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"}, key=key, if_match=9)
    assert r.status_code == 412  # ran again, did not replay a stored error
    # Nothing was stored for the key, so the corrected request may use it.
    r = store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"}, key=key, if_match=1)
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    # Now the key belongs to that request; If-Match is part of what it names.
    r = store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"}, key=key, if_match=9)
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"


def test_invalid_key_is_422(store):
    r = store.agent.post("/tickets", ticket_body(), key="has space")
    assert r.status_code == 422 and r.json()["code"] == "invalid_idempotency_key"
    r = store.agent.post("/tickets", ticket_body(), key="x" * 256)
    assert r.status_code == 422


def test_concurrent_retries_with_one_key_create_one_ticket(store, db):
    """Two copies of a request race: one runs, the other waits and replays it."""
    key = str(uuid.uuid4())
    headers = {**store.agent.headers, "Idempotency-Key": key}
    results = []
    barrier = threading.Barrier(4)

    def send():
        barrier.wait()
        r = store.client.post(API + "/tickets", json=ticket_body(), headers=headers)
        results.append((r.status_code, r.json()["id"]))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [code for code, _ in results] == [201] * 4
    assert len({tid for _, tid in results}) == 1
    assert _count(db, Ticket) == 1 and _count(db, Change) == 1
