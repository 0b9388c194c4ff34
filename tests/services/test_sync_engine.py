"""The sync engine against a real store on loopback: bootstrap, cursor catch-up, the live stream."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from desk_app.server.app import create_app
from desk_app.services.events import ALL_FIELDS, Connection
from desk_app.services.local_cache import LocalCache
from service_helpers import wait_until

ROOT = Path(__file__).resolve().parents[2]
#: What the server's backend cannot change (client-side logic) runs on SQLite only, to keep the suite fast.
sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def server_versions(live, username: str) -> dict[int, int]:
    """{id: version} of every ticket `username` may see, read from the store."""
    out, cursor = {}, None
    while True:
        path = "/tickets?limit=500" + (f"&cursor={cursor}" if cursor else "")
        page = live.call(username, "GET", path)
        out.update({t["id"]: t["version"] for t in page["tickets"]})
        cursor = page["next_cursor"]
        if not cursor:
            return out


def online(session) -> bool:
    return session.status.connection is Connection.ONLINE


def test_two_clients_see_each_others_changes_and_converge(live):
    tickets = [live.create_ticket("manager", subject=f"Ticket {i}")["id"] for i in range(4)]
    a, b = live.session("agent"), live.session("agent2")
    wait_until(lambda: online(a) and online(b), message="both clients live")
    assert set(a.cache.ticket_ids()) == set(b.cache.ticket_ids()) == set(tickets)
    seen_by_b = []
    b.events.changes.connect(seen_by_b.append)

    a.actions.take(tickets[0])
    a.actions.reply(tickets[0], "We are on it.")
    b.actions.add_note(tickets[1], "Called the courier.")
    b.actions.set_status(tickets[2], "pending_customer")
    # Concurrent edits of one ticket: both based on the same version, one must lose.
    a.actions.update(tickets[3], priority="urgent")
    b.actions.set_status(tickets[3], "on_hold")
    rejections = []
    a.events.rejection.connect(rejections.append)
    b.events.rejection.connect(rejections.append)

    assert a.outbox.wait_idle(15) and b.outbox.wait_idle(15)
    expected = server_versions(live, "manager")
    wait_until(lambda: a.cache.versions() == expected == b.cache.versions(), message="identical caches")
    for ticket_id in tickets:
        assert a.cache.ticket(ticket_id) == b.cache.ticket(ticket_id)
    assert a.cache.ticket(tickets[0])["assignee_id"] == live.ids["agent"]
    assert a.cache.ticket(tickets[2])["status"] == "pending_customer"
    thread = b.cache.thread(tickets[0]).entries
    assert [e["body"] for e in thread if e["kind"] == "public_reply"] == ["We are on it."]
    # B heard about A's take with the fields that changed.
    fields = {}
    for change in seen_by_b:
        for tid, names in change.fields.items():
            fields.setdefault(tid, set()).update(names)
    assert {"assignee_id", "thread"} <= fields[tickets[0]]
    # Exactly one of the two concurrent edits was refused, and both caches show the winner.
    assert len(rejections) == 1 and rejections[0].code == "version_conflict"
    final = live.call("agent", "GET", f"/tickets/{tickets[3]}")
    assert (final["priority"] == "urgent") != (final["status"] == "on_hold")
    for session in (a, b):
        mine = session.cache.ticket(tickets[3])
        assert (mine["priority"], mine["status"], mine["version"]) == (final["priority"], final["status"], final["version"])


@sqlite_only
def test_bootstrap_killed_mid_way_resumes_without_duplicates(live, tmp_path):
    ids = [live.create_ticket("agent", subject=f"Order {i}")["id"] for i in range(9)]
    path = tmp_path / "cache.sqlite3"
    token, user_id = live.token("agent"), live.ids["agent"]
    child = textwrap.dedent(
        f"""
        import os
        from desk_app.services.api_client import ApiClient
        from desk_app.services.events import ServiceEvents
        from desk_app.services.local_cache import LocalCache
        from desk_app.services.sync_engine import SyncEngine

        events = ServiceEvents()
        pages = []

        def on_changes(changes):
            pages.append(changes)
            if len(pages) == 2:
                os._exit(17)  # killed: no cleanup, nothing flushed after this point

        events.changes.connect(on_changes)
        cache = LocalCache({str(path)!r}, user_id={user_id}, user_name="Agent")
        SyncEngine(ApiClient({live.base!r}, token={token!r}), cache, events, bootstrap_page_size=2).bootstrap()
        """
    )
    done = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 17, done.stderr
    with LocalCache(path) as cache:
        state = cache.bootstrap_state()
        assert not state.done and state.after == ids[3] and state.cursor == 9
        assert cache.ticket_ids() == ids[:4]
    # While the client was dead, a ticket it already had changed.
    live.call("agent2", "POST", f"/tickets/{ids[0]}/entries", {"kind": "internal_note", "body": "meanwhile"})

    engine, cache, _ = live.engine("agent", path, bootstrap_page_size=2)
    fetched = []
    fetch = engine.api.bootstrap_rows
    engine.api.bootstrap_rows = lambda after, limit=None: fetched.append(after) or fetch(after, limit)
    loaded, applied = engine.sync_by_cursor()
    assert fetched[0] == ids[3], "the bootstrap must resume after the last page written"
    assert loaded == 5, "only the tickets not yet written are fetched again"
    assert cache.ticket_ids() == ids and cache.count() == 9
    assert cache.ticket(ids[0])["version"] == 2 and applied == 1
    assert cache.cursor == 10
    cache.close()


@sqlite_only
def test_stream_reconnects_and_catches_up_after_the_server_drops_it(live, settings, db, clock, policies):
    ticket = live.create_ticket("agent")
    client = live.session("agent2")
    wait_until(lambda: online(client), message="live stream")
    opened = client.engine.streams_opened
    live.server.stop()
    wait_until(lambda: client.status.connection is Connection.OFFLINE, message="offline after the drop")
    # Meanwhile another instance of the store (same database) takes two changes.
    with TestClient(create_app(settings, database=db, clock=clock, policies=policies, listen=False)) as other:
        headers = {"Authorization": f"Bearer {live.token('agent')}"}
        for body in ("first while away", "second while away"):
            r = other.post(f"/api/v1/tickets/{ticket['id']}/entries", json={"kind": "internal_note", "body": body},
                           headers=headers)
            assert r.status_code == 201, r.text
    live.server.start()  # the same port: the client finds it again by itself
    wait_until(lambda: client.cache.ticket(ticket["id"])["version"] == 3, message="caught up after the gap")
    wait_until(lambda: online(client), message="live again")
    assert client.engine.streams_opened > opened
    live.call("agent", "POST", f"/tickets/{ticket['id']}/status", {"status": "on_hold"})
    wait_until(lambda: client.cache.ticket(ticket["id"])["status"] == "on_hold", message="live change after reconnect")
    notes = [e["body"] for e in client.cache.thread(ticket["id"]).entries if e["kind"] == "internal_note"]
    assert notes == ["first while away", "second while away"]


@sqlite_only
def test_a_dead_connection_is_noticed_by_the_read_timeout(live, monkeypatch):
    """A stream that stays open but goes silent (not even heartbeats) is dropped and reopened."""
    ticket = live.create_ticket("agent")
    client = live.session("agent", stream_timeout=1.0)
    wait_until(lambda: online(client), message="live")
    opened = client.engine.streams_opened
    stalled = []

    async def never_wakes(token, timeout):  # the server's streams hang: no change, no heartbeat
        stalled.append(1)
        await asyncio.sleep(3600)

    monkeypatch.setattr(live.app.state.notifier, "wait", never_wakes)
    client.engine.reconnect()
    wait_until(lambda: client.engine.streams_opened >= opened + 2 and len(stalled) >= 2,
               message="the silent stream given up and opened again")
    monkeypatch.undo()
    client.engine.reconnect()
    live.call("agent", "POST", f"/tickets/{ticket['id']}/status", {"status": "open"})
    wait_until(lambda: client.cache.ticket(ticket["id"])["status"] == "open", message="live again")


@sqlite_only
def test_reset_event_rebuilds_the_cache(live, tmp_path):
    tickets = [live.create_ticket("agent")["id"] for _ in range(3)]
    engine, cache, events = live.engine("agent", tmp_path / "c.sqlite3")
    engine.sync_by_cursor()
    resets = []
    events.changes.connect(lambda c: resets.append(c) if c.reset else None)
    with cache.write() as conn:  # as after restoring the server from an older backup
        cache._set_meta(conn, "cursor", "999")
    engine.start()
    try:
        wait_until(lambda: resets, message="reset reported")
        wait_until(lambda: cache.cursor == 3 and cache.ticket_ids() == tickets, message="bootstrapped again")
    finally:
        engine.stop()
        cache.close()


@sqlite_only
def test_ticket_leaving_the_agents_view_is_dropped(live):
    ticket = live.create_ticket("agent")
    client = live.session("agent")
    wait_until(lambda: online(client), message="live")
    changes = []
    client.events.changes.connect(changes.append)
    live.call("manager", "POST", f"/tickets/{ticket['id']}/escalate", {"reason": "Needs a specialist"})
    wait_until(lambda: client.cache.ticket(ticket["id"]) is None, message="ticket dropped")
    assert any(ticket["id"] in c.removed for c in changes)
    # And a new ticket arrives with every field marked new.
    new = live.create_ticket("agent2")
    wait_until(lambda: any(c.fields.get(new["id"]) == {ALL_FIELDS, *c.fields[new["id"]]} for c in changes
                           if new["id"] in c.fields), message="created ticket reported")


@sqlite_only
def test_catch_up_pages_by_cursor_and_refresh_fills_the_thread(live, tmp_path):
    ticket = live.create_ticket("agent")
    engine, cache, _ = live.engine("agent", tmp_path / "c.sqlite3", changes_page_size=2)
    engine.sync_by_cursor()
    for i in range(5):
        live.call("agent", "POST", f"/tickets/{ticket['id']}/entries", {"kind": "internal_note", "body": f"n{i}"})
    assert engine.catch_up() == 5
    assert cache.ticket(ticket["id"])["version"] == 6 and cache.cursor == 6
    assert engine.catch_up() == 0  # nothing twice
    assert not cache.thread(ticket["id"]).complete
    engine.refresh_ticket(ticket["id"])
    thread = cache.thread(ticket["id"])
    assert thread.complete and [e["body"] for e in thread.entries][-5:] == [f"n{i}" for i in range(5)]
    assert cache.customer(ticket["customer_id"])["email"] == "asha@example.com"
    # Reference data for labels and names, kept for offline starts.
    assert {p["key"] for p in cache.reference("policies")} >= {"shopom"}
    assert {u["username"] for u in cache.reference("users")} >= {"agent", "agent2"}
    assert {q["key"] for q in cache.reference("queues")} == {"general"}  # the agent's view
    assert engine.refresh_reference() == frozenset()  # unchanged: nothing reported
    cache.close()


def test_bootstrap_rows_make_the_same_cache_rows_as_the_json_pages(live):
    """The `rows` format's queue rows are exactly what `queue_values` makes of each snapshot."""
    from desk_app.services.bootstrap_page import BootstrapPage, parse_rows_page
    from desk_app.services.local_cache import queue_values

    ids = [live.create_ticket("agent", subject=f"Row {i}")["id"] for i in range(4)]
    live.call("agent", "POST", f"/tickets/{ids[2]}/take")
    api = live.api("agent")
    page = parse_rows_page(api.bootstrap_rows(0, 3))
    snapshots = api.bootstrap_page(0, 3)["tickets"]
    assert page.ids == ids[:3] and page.has_more and page.next_after == ids[2]
    assert [tuple(row) for row in page.rows] == [queue_values(t) for t in snapshots]
    assert [page.snapshot_of(i) for i in range(3)] == snapshots
    as_json = BootstrapPage.from_json(api.bootstrap_page(0, 3))
    assert [tuple(row) for row in as_json.rows] == [tuple(row) for row in page.rows]
    assert [as_json.snapshot_of(i) for i in range(3)] == snapshots


def test_the_queue_row_is_the_cache_row_less_its_pending_count():
    from desk_app.server.sync.queue_row import ROW_FIELDS as SERVED
    from desk_app.services.bootstrap_page import ROW_FIELDS
    from desk_app.services.local_cache import _BULK_COLUMNS

    assert ROW_FIELDS == SERVED
    assert _BULK_COLUMNS == [*ROW_FIELDS[:21], "pending", ROW_FIELDS[21]]


def test_bootstrap_falls_back_to_json_pages_on_a_store_without_rows(live, tmp_path):
    ids = [live.create_ticket("agent", subject=f"Old {i}")["id"] for i in range(3)]
    engine, cache, _ = live.engine("agent", tmp_path / "cache.sqlite3", bootstrap_page_size=2)

    def no_rows(after, limit=None):
        # What a store from before the `rows` format answers to an unknown query value.
        engine.api.call("GET", "/sync/bootstrap", params={"after": after, "format": "no-such-format"})

    engine.api.bootstrap_rows = no_rows
    assert engine.bootstrap() == 3
    assert cache.ticket_ids() == ids and cache.bootstrap_state().done


@sqlite_only
def test_the_bootstrap_starts_with_a_small_page_and_doubles(live, tmp_path, monkeypatch):
    from desk_app.services import sync_engine

    ids = [live.create_ticket("manager", subject=f"Ticket {i}")["id"] for i in range(12)]
    monkeypatch.setattr(sync_engine, "FIRST_BOOTSTRAP_PAGE", 1)
    engine, cache, _ = live.engine("agent", tmp_path / "cache.sqlite3", bootstrap_page_size=4)
    asked = []
    fetch = engine.api.bootstrap_rows
    engine.api.bootstrap_rows = lambda after, limit=None: asked.append(limit) or fetch(after, limit)
    assert engine.bootstrap() == len(ids)
    # 12 tickets as 1 + 2 + 4 + 4 + (4, of which 1 left): the writer gets its first page at once,
    # then pages grow to the size asked for.
    assert asked == [1, 2, 4, 4, 4]
    assert cache.ticket_ids() == ids and cache.bootstrap_state().done
    cache.close()
