"""Coming back after an outage: short capped waits, reset by success; the outbox drains at once.

The workers' waits go through an injected `wait(event, seconds)` that records
the delay asked for and returns at once, so a long outage (dozens of failed
attempts) takes milliseconds and nothing sleeps. The server is the real store
on loopback, stopped and started again on the same port.
"""

from __future__ import annotations

import socket
import threading

import pytest

from desk_app.services.api_client import NO_RETRY, ApiClient, RetryPolicy, Timeouts
from desk_app.services.errors import Offline
from desk_app.services.events import Connection
from desk_app.services.session import DeskSession
from desk_app.services.sync_engine import RECONNECT_BASE, RECONNECT_CAP, Backoff
from service_helpers import wait_until
from store_helpers import PASSWORD

sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)

#: Failed attempts before the server comes back: with the waits doubling to 30 s as they did,
#: the last ones would have been 15-30 s each.
OUTAGE_ATTEMPTS = 30


class Waits:
    """The injected `wait`: records each delay per worker thread and returns at once.

    `on_wait(thread_name, count)` runs before returning (the test brings the server back there).
    """

    def __init__(self, on_wait=None) -> None:
        self.by_thread: dict[str, list[float]] = {}
        self.on_wait = on_wait
        self._lock = threading.Lock()

    def __call__(self, event: threading.Event, seconds: float) -> bool:
        name = threading.current_thread().name
        with self._lock:
            waits = self.by_thread.setdefault(name, [])
            waits.append(seconds)
            count = len(waits)
        if self.on_wait is not None:
            self.on_wait(name, count)
        return event.is_set()

    def of(self, name: str) -> list[float]:
        with self._lock:
            return list(self.by_thread.get(name, []))


def test_backoff_starts_at_a_quarter_second_doubles_to_its_cap_and_resets():
    top = Backoff(rng=lambda: 1.0)  # the ceiling of each draw
    assert [top.next() for _ in range(6)] == [0.25, 0.5, 1.0, 1.5, 1.5, 1.5]
    top.reset()
    assert top.next() == RECONNECT_BASE == 0.25
    bottom = Backoff(rng=lambda: 0.0)  # jitter: never below half the ceiling
    assert [bottom.next() for _ in range(5)] == [0.125, 0.25, 0.5, 0.75, 0.75]
    assert RECONNECT_CAP < 2.0, "back within 2 s of the server answering again"


def test_a_request_waiting_to_retry_tries_again_at_once_when_nudged():
    """The session nudges the API client when the server answers again: a change the outbox
    was sending while it was away goes now, not after the request's own retry wait."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed: refused
    api = ApiClient(f"http://127.0.0.1:{port}", token="t", retry=RetryPolicy(attempts=2, base=600.0, cap=600.0))
    failed = []

    def call() -> None:
        try:
            api.mutate("POST", "/tickets/1/entries", {"kind": "internal_note", "body": "x"}, idempotency_key="k")
        except Offline as exc:
            failed.append(exc)

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    try:
        wait_until(lambda: api.waiting == 1, message="the request waiting 5-10 minutes to retry")
        api.nudge()
        worker.join(10)
        assert not worker.is_alive(), "the nudge ended the wait"
        assert [e.code for e in failed] == ["connection_refused"]  # tried again: still nobody there
    finally:
        api.close()


@sqlite_only
def test_the_engine_is_back_without_a_wait_once_the_server_answers(live, tmp_path):
    ticket = live.create_ticket("agent")
    back = threading.Event()

    def outage(_name: str, count: int) -> None:
        if count == OUTAGE_ATTEMPTS and not back.is_set():
            live.server.start()  # the same port
            back.set()

    waits = Waits(outage)
    # No retries inside the client (and no sleeping in them): each loop is one attempt.
    api = ApiClient(live.base, token=live.token("agent"), timeouts=Timeouts(connect=2.0, read=10.0), retry=NO_RETRY)
    engine, cache, _ = live.engine("agent", tmp_path / "c.sqlite3", backoff=Backoff(rng=lambda: 1.0), wait=waits)
    engine.api = api
    engine.start()
    try:
        wait_until(lambda: engine.board.status.connection is Connection.ONLINE, message="live")
        live.server.stop()
        wait_until(lambda: back.is_set(), message=f"{OUTAGE_ATTEMPTS} failed attempts")
        wait_until(lambda: engine.board.status.connection is Connection.ONLINE, message="live again")
        outage_waits = waits.of("desk-sync")
        assert len(outage_waits) == OUTAGE_ATTEMPTS, "no wait between the server answering and the stream"
        assert outage_waits[:4] == [0.25, 0.5, 1.0, 1.5]
        assert max(outage_waits) == RECONNECT_CAP
        assert engine.board.status.offline_since is None
        live.call("agent", "POST", f"/tickets/{ticket['id']}/status", {"status": "on_hold"})
        wait_until(lambda: cache.ticket(ticket["id"])["status"] == "on_hold", message="live change after the outage")

        # The catch-up that answered reset the waits: the next outage starts from the shortest.
        live.server.stop()
        wait_until(lambda: len(waits.of("desk-sync")) > OUTAGE_ATTEMPTS, message="offline again")
        assert waits.of("desk-sync")[OUTAGE_ATTEMPTS] == RECONNECT_BASE
        status = engine.board.status
        assert status.connection is Connection.OFFLINE and status.offline_since is not None
    finally:
        engine.stop()
        cache.close()


@sqlite_only
def test_changes_made_during_a_long_outage_are_sent_as_soon_as_the_server_answers(live, tmp_path):
    ticket = live.create_ticket("agent")
    back = threading.Event()

    def outage(name: str, count: int) -> None:
        # The server comes back after a long outage, as the outbox sees it.
        if name == "desk-outbox" and count == OUTAGE_ATTEMPTS and not back.is_set():
            live.server.start()
            back.set()

    waits = Waits(outage)
    session = DeskSession.login(live.base, "agent", PASSWORD, data_dir=tmp_path / "client", stream_timeout=2.0,
                                presence_interval=0.5, timeouts=Timeouts(connect=2.0, read=10.0),
                                retry=RetryPolicy(attempts=1), wait=waits)
    live._sessions.append(session)  # stopped with the store
    session.start()
    wait_until(lambda: session.status.connection is Connection.ONLINE, message="live")
    live.server.stop()
    wait_until(lambda: session.status.connection is Connection.OFFLINE, message="offline")
    notes = [f"Note {i} written while the server was away" for i in range(10)]
    for note in notes:
        session.actions.add_note(ticket["id"], note)
    assert session.cache.outbox.size() == 10

    assert session.outbox.wait_idle(20), "the outbox drained once the server answered"
    wait_until(lambda: session.status.connection is Connection.ONLINE, message="live again")
    thread = live.call("agent", "GET", f"/tickets/{ticket['id']}")["thread"]
    assert [e["body"] for e in thread if e["kind"] == "internal_note"] == notes  # in order, once each
    assert max(waits.of("desk-outbox")) <= RECONNECT_CAP
    assert max(waits.of("desk-sync")) <= RECONNECT_CAP


def test_a_proxy_answering_503_while_the_server_restarts_does_not_refuse_queued_changes(tmp_path):
    """Behind a reverse proxy an absent server is a 503: offline (short waits), not a failing change.

    Counted as the operation's own server error, a restart longer than `max_server_errors`
    tries refused the change (the agent's new ticket rolled back to a draft).
    """
    import http.server

    from desk_app.services.actions import TicketActions
    from desk_app.services.events import ServiceEvents
    from desk_app.services.local_cache import LocalCache
    from desk_app.services.outbox import OutboxWorker

    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the stdlib's name
            body = b'{"code": "upstream_unavailable", "message": "The server is restarting."}'
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, name="proxy-503", daemon=True).start()
    enough = threading.Event()
    waits = Waits(lambda name, count: enough.set() if name == "desk-outbox" and count >= 12 else None)
    cache = LocalCache(tmp_path / "c.sqlite3", user_id=1, user_name="Agent")
    events = ServiceEvents()
    rejections = []
    events.rejection.connect(rejections.append)
    api = ApiClient(f"http://127.0.0.1:{proxy.server_address[1]}", token="t", retry=NO_RETRY)
    outbox = OutboxWorker(api, cache, events, backoff=Backoff(rng=lambda: 1.0), wait=waits, max_server_errors=3)
    try:
        TicketActions(cache, events, outbox.wake).create_ticket(
            policy="shopom", subject="Parcel late", category="order_issues", priority="normal", channel="email",
            customer={"name": "Asha Rao", "email": "asha@example.com"})
        outbox.start()
        wait_until(enough.is_set, message="a dozen tries through the restarting proxy")
        outbox.stop()
        assert rejections == [] and cache.outbox.size() == 1, "the change waits for the server, kept"
        assert max(waits.of("desk-outbox")) == RECONNECT_CAP
    finally:
        outbox.stop()
        proxy.shutdown()
        cache.close()
