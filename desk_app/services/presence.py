"""Presence on the client: tell the server what this agent has open, hear what the others have.

Two worker threads:

* heartbeat: PUT /presence with {client_id, ticket_id, composing} at once when
  `focus()` changes it, and every `heartbeat_interval` seconds otherwise (the
  server forgets a client that is quiet for its TTL, 30 s);
* listener: the SSE stream GET /presence/events, whose `presence` events hold
  the full list of others; reconnects with backoff and, until it is back,
  the heartbeat's answers keep the list fresh.

`events.presence` receives a `PresenceSnapshot` whenever the list changes;
`others_on(ticket_id)` answers "who else is on this ticket" for the collision
banner. `stop()` says goodbye (DELETE), so the others see the agent leave at once.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import datetime

import orjson

from desk_app.services.api_client import NO_RETRY, ApiClient
from desk_app.services.errors import ApiError, AuthExpired
from desk_app.services.events import PresenceEntry, PresenceSnapshot, ServiceEvents
from desk_app.services.sse import EventStream
from desk_app.services.sync_engine import Backoff

log = logging.getLogger("desk.services.presence")


def _snapshot(body: dict) -> PresenceSnapshot:
    return PresenceSnapshot(tuple(
        PresenceEntry(
            user_id=e["user_id"],
            display_name=e["display_name"],
            client_id=e["client_id"],
            ticket_id=e.get("ticket_id"),
            composing=bool(e.get("composing")),
            since=datetime.fromisoformat(e["since"]) if e.get("since") else None,
        )
        for e in body.get("entries", ())
    ))


class PresenceClient:
    def __init__(
        self,
        api: ApiClient,
        events: ServiceEvents,
        *,
        client_id: str | None = None,
        heartbeat_interval: float = 10.0,
        stream_timeout: float = 45.0,
        backoff: Backoff | None = None,
    ) -> None:
        self.api = api
        self.events = events
        self.client_id = client_id or uuid.uuid4().hex
        self.heartbeat_interval = heartbeat_interval
        self.stream_timeout = stream_timeout
        self.backoff = backoff or Backoff()
        self._state: tuple[int | None, bool] = (None, False)
        self._sent_state: tuple[int | None, bool] | None = None
        self._snapshot = PresenceSnapshot()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._paused = threading.Event()
        self._threads: list[threading.Thread] = []
        self._stream: EventStream | None = None

    # -- what the UI calls ------------------------------------------------------------

    def focus(self, ticket_id: int | None, *, composing: bool = False) -> None:
        """The agent opened `ticket_id` (None: none) and is / is not typing a reply."""
        if ticket_id is not None and ticket_id <= 0:
            ticket_id = None  # a ticket created offline has no server id yet
        state = (ticket_id, bool(composing and ticket_id is not None))
        with self._lock:
            if state == self._state:
                return
            self._state = state
        self._wake.set()

    @property
    def snapshot(self) -> PresenceSnapshot:
        return self._snapshot

    def others_on(self, ticket_id: int) -> list[PresenceEntry]:
        return self._snapshot.on_ticket(ticket_id)

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> None:
        if self._threads:
            return
        self._stop.clear()
        for target, name in ((self._heartbeats, "desk-presence-heartbeat"), (self._listen, "desk-presence-stream")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, *, say_goodbye: bool = True, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        stream = self._stream
        if stream is not None:
            stream.abort()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []
        if say_goodbye and self.api.token and not self.api.closed:
            try:
                self.api.call("DELETE", f"/presence/{self.client_id}", retry=NO_RETRY)
            except ApiError:
                pass  # the server forgets us after its TTL anyway

    def pause(self) -> None:
        """Session expired: stop sending until `resume()`."""
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()
        self._sent_state = None
        self._wake.set()

    # -- workers ----------------------------------------------------------------------

    def _publish(self, snapshot: PresenceSnapshot) -> None:
        mine = self.client_id
        snapshot = PresenceSnapshot(tuple(e for e in snapshot.entries if e.client_id != mine))
        with self._lock:
            if snapshot == self._snapshot:
                return
            self._snapshot = snapshot
        self.events.presence.emit(snapshot)

    def send_heartbeat(self) -> None:
        """One heartbeat now, on the calling thread."""
        with self._lock:
            ticket_id, composing = self._state
        body = self.api.call(
            "PUT", "/presence",
            json={"client_id": self.client_id, "ticket_id": ticket_id, "composing": composing},
            retry=NO_RETRY,
        )
        self._sent_state = (ticket_id, composing)
        self._publish(_snapshot(body))

    def _heartbeats(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            wait = self.heartbeat_interval
            if not self._paused.is_set():
                try:
                    self.send_heartbeat()
                except AuthExpired:
                    self.pause()
                except ApiError as exc:
                    log.debug("presence heartbeat failed (%s)", exc.code)
                    wait = min(wait, self.backoff.next())
            self._wake.wait(wait)

    def _listen(self) -> None:
        backoff = Backoff(base=self.backoff.base, cap=self.backoff.cap, rng=self.backoff.rng)
        while not self._stop.is_set():
            if self._paused.is_set():
                self._stop.wait(0.5)
                continue
            try:
                response = self.api.open_stream("/presence/events", read_timeout=self.stream_timeout)
                self._stream = stream = EventStream(response)
                if self._stop.is_set():
                    stream.abort()
                for event in stream:
                    backoff.reset()
                    if event.event == "presence":
                        self._publish(_snapshot(orjson.loads(event.data)))
                    elif event.event == "error":
                        self.pause()
                        break
            except AuthExpired:
                self.pause()
            except Exception as exc:  # noqa: BLE001 - offline, dropped, aborted: try again later
                log.debug("presence stream ended (%s)", type(exc).__name__)
            finally:
                self._stream = None
            if not self._stop.is_set():
                self._stop.wait(backoff.next())
