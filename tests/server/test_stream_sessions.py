"""Issue 19.7 and 19.8: live streams end with their session on every instance, and are capped."""

from __future__ import annotations

import time
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


def _ticket(http, token) -> None:
    r = http.post(API + "/tickets", json=ticket_body(), headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text


def _events_until_end(stream, http, token, limit: int = 40) -> list[str]:
    """Keep changes coming (faster than heartbeats) and collect what the stream says until it ends."""
    seen = []
    for _ in range(limit):
        _ticket(http, token)
        try:
            while True:
                event = stream.next(timeout=0.3)
                seen.append(event["event"] if event["event"] != "error" else orjson.loads(event["data"])["code"])
                if event["event"] in ("error", "_end", "_error"):
                    return seen
        except Exception:  # noqa: BLE001 - queue.Empty / TimeoutError: nothing more yet
            pass
    return seen


def test_logout_ends_the_stream_at_once_while_changes_keep_coming(live):
    base, http, tokens, _ = live
    stream = SseStream(base + "/events", tokens["agent"])
    try:
        _ticket(http, tokens["manager"])
        assert stream.next()["event"] == "change"
        assert http.post(API + "/auth/logout", headers={"Authorization": f"Bearer {tokens['agent']}"}).status_code == 204
        seen = _events_until_end(stream, http, tokens["manager"])
        assert seen[:1] == ["token_expired"], seen  # not one change after the logout
    finally:
        stream.close()


def test_expiry_ends_the_stream_while_changes_keep_coming(live, clock, app):
    base, http, tokens, _ = live
    stream = SseStream(base + "/events", tokens["agent"])
    try:
        _ticket(http, tokens["manager"])
        assert stream.next()["event"] == "change"
        clock.advance(timedelta(minutes=app.state.settings.auth.token_ttl_minutes, seconds=1))
        manager = login(http, "manager")  # a fresh session keeps writing
        seen = _events_until_end(stream, http, manager)
        assert seen[:1] == ["token_expired"], seen
    finally:
        stream.close()


def test_logout_through_another_instance_ends_the_stream(live, app, db, clock, policies, settings):
    from desk_app.server.app import create_app

    base, http, tokens, _ = live
    other = create_app(settings, database=db, clock=clock, policies=policies, listen=db.is_postgres)
    with live_server(other) as other_base:
        stream = SseStream(other_base + "/events", tokens["agent"])
        try:
            _ticket(http, tokens["manager"])
            assert stream.next()["event"] == "change"
            assert http.post(API + "/auth/logout",
                             headers={"Authorization": f"Bearer {tokens['agent']}"}).status_code == 204
            started = time.monotonic()
            seen = _events_until_end(stream, http, tokens["manager"])
            assert seen and seen[-1] == "token_expired", seen
            if db.is_postgres:
                assert seen == ["token_expired"]  # the logout's notification reached it at once
            else:
                # Instances sharing a SQLite file cannot notify each other: within a heartbeat.
                assert time.monotonic() - started < 5 * settings.sync.heartbeat_seconds + 3
        finally:
            stream.close()


def test_a_users_oldest_stream_is_closed_past_the_cap(live, app):
    base, http, tokens, _ = live
    cap = app.state.settings.sync.max_streams_per_user
    streams = [SseStream(base + "/events", tokens["agent"]) for _ in range(cap)]
    try:
        for s in streams:
            assert s.next(timeout=5, skip_heartbeats=False)["event"] == "heartbeat"  # all open
        newest = SseStream(base + "/events", tokens["agent"])
        streams.append(newest)
        event = streams[0].next(timeout=5)
        assert event["event"] == "error" and orjson.loads(event["data"])["code"] == "stream_replaced"
        assert streams[0].next(timeout=5)["event"] == "_end"
        _ticket(http, tokens["manager"])
        for s in streams[1:]:
            assert s.next(timeout=5)["event"] == "change"  # the others live on
        assert app.state.stream_limits.open_count == cap
    finally:
        for s in streams:
            s.close()


def test_an_instance_refuses_streams_past_its_cap(live, app):
    from desk_app.server.sync.streams import StreamLimits

    base, http, tokens, _ = live
    saved = app.state.stream_limits
    app.state.stream_limits = StreamLimits(per_user=8, per_instance=2)
    streams = []
    try:
        streams = [SseStream(base + "/events", tokens[name]) for name in ("agent", "agent2")]
        for s in streams:
            assert s.next(timeout=5, skip_heartbeats=False)["event"] == "heartbeat"
        r = http.get("/events", headers={"Authorization": f"Bearer {tokens['manager']}"})
        assert r.status_code == 503 and r.json()["code"] == "too_many_streams" and r.headers["Retry-After"]
        streams.pop().close()
        deadline = time.monotonic() + 5
        while app.state.stream_limits.open_count > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.state.stream_limits.open_count == 1  # a closed stream gives its place back
    finally:
        for s in streams:
            s.close()
        app.state.stream_limits = saved
