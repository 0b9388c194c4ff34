"""Presence: collision warnings between agents, short-lived, outside the change log, across instances."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from sqlalchemy import func, select

from desk_app.server.app import create_app
from desk_app.server.core.db import Database
from desk_app.server.presence.hub import hub_for
from desk_app.server.presence.service import PresenceSettings
from desk_app.server.sync.models import Change
from desk_app.services.api_client import ApiClient
from desk_app.services.sse import EventStream
from service_helpers import LoopbackServer, wait_until
from store_helpers import PASSWORD, seed_staff_and_queues

sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def change_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Change))


def test_colleagues_see_who_is_on_a_ticket_and_who_is_typing(live, db):
    ticket = live.create_ticket("agent")
    tid = ticket["id"]
    a, b = live.session("agent"), live.session("agent2")
    heard = []
    b.events.presence.connect(heard.append)
    before = change_count(db)

    a.presence.focus(tid)
    wait_until(lambda: [(e.display_name, e.composing) for e in b.presence.others_on(tid)] == [("Agent", False)],
               message="B sees A viewing")
    a.presence.focus(tid, composing=True)
    wait_until(lambda: [e.user_id for e in b.presence.snapshot.composing_on(tid)] == [live.ids["agent"]],
               message="B sees A typing")
    assert heard and heard[-1].composing_on(tid)
    assert a.presence.others_on(tid) == []  # nobody else there; A never sees itself
    b.presence.focus(tid)
    wait_until(lambda: [e.user_id for e in a.presence.others_on(tid)] == [live.ids["agent2"]], message="A sees B")

    # Presence is not a change: no log entry, no new ticket version.
    assert change_count(db) == before
    assert live.call("agent", "GET", f"/tickets/{tid}")["version"] == ticket["version"]

    a.presence.stop()  # closing the app says goodbye: gone at once, not after the TTL
    wait_until(lambda: b.presence.others_on(tid) == [], message="A left")


@sqlite_only
def test_a_client_that_goes_quiet_expires(live):
    ticket = live.create_ticket("agent")
    a, b = live.session("agent"), live.session("agent2")
    a.presence.focus(ticket["id"], composing=True)
    wait_until(lambda: b.presence.others_on(ticket["id"]), message="B sees A")
    a.presence.stop(say_goodbye=False)  # the machine lost its network: no goodbye, no heartbeats
    live.clock.advance(timedelta(seconds=live.presence.ttl_seconds - 1))
    live.call("agent2", "GET", "/presence")  # still there within the TTL
    assert b.presence.others_on(ticket["id"])
    live.clock.advance(timedelta(seconds=2))
    wait_until(lambda: b.presence.others_on(ticket["id"]) == [], message="A expired")


@sqlite_only
def test_presence_on_a_ticket_you_cannot_see_shows_no_ticket(live):
    private = live.create_ticket("manager", queue_id=live.ids["queue:specialists"], subject="Chargeback")
    specialist = live.session("specialist")
    agent = live.session("agent")
    specialist.presence.focus(private["id"], composing=True)
    wait_until(lambda: agent.presence.snapshot.entries, message="agent sees the specialist")
    (entry,) = agent.presence.snapshot.entries
    assert entry.display_name == "Specialist" and entry.ticket_id is None and not entry.composing
    manager = live.session("manager")
    wait_until(lambda: manager.presence.others_on(private["id"]), message="the manager sees the ticket")


@sqlite_only
def test_presence_events_carry_no_id(live):
    api = live.api("agent")
    stream = EventStream(api.open_stream("/presence/events", read_timeout=5))
    events = iter(stream)
    try:
        first = next(events)
        assert first.event == "presence" and first.id is None
        assert orjson.loads(first.data) == {"ttl_seconds": 30, "entries": []}
        live.call("agent2", "PUT", "/presence", {"client_id": "c-2", "ticket_id": None})
        second = next(e for e in events if e.event == "presence")
        assert second.id is None and orjson.loads(second.data)["entries"][0]["client_id"] == "c-2"
        assert stream.parser.last_event_id is None
    finally:
        stream.abort()
    r = live.call("agent", "PUT", "/presence", {"client_id": "bad id!", "ticket_id": 1}, expect=422)
    assert r["code"] == "validation_error"


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_presence_reaches_clients_of_another_instance_through_notify(db, settings, clock, policies):
    """Two instances on one PostgreSQL; rechecks are off (60 s), so only NOTIFY can carry it in time."""
    seed_staff_and_queues(db, clock.now())
    slow = PresenceSettings(ttl_seconds=30, recheck_seconds=60, heartbeat_seconds=60)
    databases = [Database(db.url), Database(db.url)]

    def factory(database):
        def make():
            app = create_app(settings, database=database, clock=clock, policies=policies, listen=True)
            app.state.presence_settings = slow
            return app
        return make

    one, two = LoopbackServer(factory(databases[0])).start(), LoopbackServer(factory(databases[1])).start()
    try:
        wait_until(lambda: hub_for(two.app).listener and hub_for(two.app).listener.connected.is_set(),
                   message="instance two listens")
        writer, reader = ApiClient(one.base), ApiClient(two.base)
        writer.login("agent", PASSWORD)
        reader.login("agent2", PASSWORD)
        stream = EventStream(reader.open_stream("/presence/events", read_timeout=30))
        events = iter(stream)
        try:
            assert orjson.loads(next(events).data)["entries"] == []
            writer.call("PUT", "/presence", json={"client_id": "on-one", "ticket_id": None})
            pushed = next(e for e in events if e.event == "presence")
            assert [e["client_id"] for e in orjson.loads(pushed.data)["entries"]] == ["on-one"]
        finally:
            stream.abort()
    finally:
        one.stop()
        two.stop()
        for database in databases:
            database.dispose()
