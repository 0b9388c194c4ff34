"""Live push over Server-Sent Events from a real server on loopback."""

from __future__ import annotations

from datetime import timedelta

import httpx
import orjson
import pytest

from store_helpers import API, SseStream, live_server, login, seed_staff_and_queues, ticket_body


@pytest.fixture
def live(app, db, clock):
    ids = seed_staff_and_queues(db, clock.now())
    with live_server(app) as base:
        http = httpx.Client(base_url=base, timeout=10)
        tokens = {name: login(http, name) for name in ("agent", "agent2", "manager")}
        yield base, http, tokens, ids
        http.close()


def _post(http, token, path, body=None):
    r = http.post(API + path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code in (200, 201), r.text
    return r.json()


def _changes(stream, n):
    events = [stream.next() for _ in range(n)]
    assert all(e["event"] == "change" for e in events), events
    return events


def test_stream_starts_at_head_and_pushes_each_change_with_its_id(live):
    base, http, tokens, _ = live
    t = _post(http, tokens["agent"], "/tickets", ticket_body())  # before the stream: not replayed
    stream = SseStream(base + "/events", tokens["agent2"])
    try:
        assert stream.response.status_code == 200
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        _post(http, tokens["agent"], f"/tickets/{t['id']}/take")
        _post(http, tokens["agent"], f"/tickets/{t['id']}/entries", {"kind": "public_reply", "body": "Hi"})
        events = _changes(stream, 2)
        assert [int(e["id"]) for e in events] == [2, 3]
        data = [orjson.loads(e["data"]) for e in events]
        assert [d["kind"] for d in data] == ["ticket.assigned", "entry.added"]
        assert data[1]["data"]["ticket"]["version"] == 3 and data[1]["data"]["entry"]["body"] == "Hi"
    finally:
        stream.close()


def test_resume_with_last_event_id_loses_and_repeats_nothing(live):
    base, http, tokens, _ = live
    stream = SseStream(base + "/api/v1/events", tokens["agent2"], params={"since": 0})
    t = _post(http, tokens["agent"], "/tickets", ticket_body())
    for _ in range(2):
        _post(http, tokens["agent"], f"/tickets/{t['id']}/entries", {"kind": "internal_note", "body": "n"})
    got = _changes(stream, 2)
    stream.close()
    last = int(got[-1]["id"])
    assert last == 2
    # Changes made while disconnected...
    for i in range(4):
        _post(http, tokens["agent"], f"/tickets/{t['id']}/entries", {"kind": "internal_note", "body": f"m{i}"})
    stream = SseStream(base + "/events", tokens["agent2"], last_event_id=last)
    try:
        resumed = _changes(stream, 5)
        assert [int(e["id"]) for e in resumed] == [3, 4, 5, 6, 7]
        # ... and nothing more: the next thing on the wire is a heartbeat, not a repeat.
        assert stream.next(timeout=5, skip_heartbeats=False)["event"] == "heartbeat"
    finally:
        stream.close()


def test_heartbeats_and_reset(live):
    base, http, tokens, _ = live
    stream = SseStream(base + "/events", tokens["agent"])
    try:
        beat = stream.next(timeout=5, skip_heartbeats=False)
        assert beat["event"] == "heartbeat" and "id" not in beat
    finally:
        stream.close()
    stream = SseStream(base + "/events", tokens["agent"], last_event_id=999)
    try:
        event = stream.next(timeout=5)
        assert event["event"] == "reset" and orjson.loads(event["data"])["head"] == 0
        assert stream.next(timeout=5)["event"] == "_end"
    finally:
        stream.close()


def test_stream_filters_by_visibility(live):
    base, http, tokens, ids = live
    stream = SseStream(base + "/events", tokens["agent"])
    try:
        _post(http, tokens["manager"], "/tickets", ticket_body(queue_id=ids["queue:management"], subject="Secret"))
        t = _post(http, tokens["manager"], "/tickets", ticket_body())
        _post(http, tokens["manager"], f"/tickets/{t['id']}/escalate", {"reason": "Tier 2 please"})
        events = _changes(stream, 2)
        kinds = [(int(e["id"]), orjson.loads(e["data"])["kind"]) for e in events]
        assert kinds == [(2, "ticket.created"), (3, "ticket.hidden")]
    finally:
        stream.close()


def test_stream_ends_when_the_session_expires(live, clock, app):
    base, http, tokens, _ = live
    stream = SseStream(base + "/events", tokens["agent"])
    try:
        assert stream.next(timeout=5, skip_heartbeats=False)["event"] == "heartbeat"
        clock.advance(timedelta(minutes=app.state.settings.auth.token_ttl_minutes, seconds=1))
        event = stream.next(timeout=5)
        assert event["event"] == "error" and orjson.loads(event["data"])["code"] == "token_expired"
        assert stream.next(timeout=5)["event"] == "_end"
    finally:
        stream.close()


def test_events_needs_a_valid_cursor(live):
    base, http, tokens, _ = live
    r = http.get("/events", headers={"Authorization": f"Bearer {tokens['agent']}", "Last-Event-ID": "abc"})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    r = http.get("/events")
    assert r.status_code == 401
