"""Waking presence streams: within an instance at once, across instances through PostgreSQL NOTIFY.

`PresenceHub` is one per app (`hub_for(app)`), like the change notifier: a
state change (in this instance, or NOTIFY desk_presence from another) calls
`publish()`, which wakes every stream waiting in the event loop; each stream
then re-reads the table. The payload carries nothing: a missed notification
only delays an update until the stream's next recheck.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import psycopg

from desk_app.server.presence.service import NOTIFY_CHANNEL, PresenceSettings, load_presence_settings

log = logging.getLogger("desk.server.presence")

LISTENER_APPLICATION_NAME = "desk-presence-listener"


class PresenceHub:
    def __init__(self, settings: PresenceSettings) -> None:
        self.settings = settings
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self.listener: PresenceListener | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._event = asyncio.Event()

    def publish(self) -> None:
        """Presence changed somewhere; safe from any thread."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._wake)
            except RuntimeError:  # the loop is shutting down
                pass

    def _wake(self) -> None:
        event, self._event = self._event, asyncio.Event()
        if event is not None:
            event.set()

    def arm(self) -> asyncio.Event:
        """Take the wake-up token before reading the table, then `wait` on it (no lost wake-up)."""
        loop = asyncio.get_running_loop()
        if self._event is None or self._loop is not loop:
            self.bind(loop)
        return self._event

    @staticmethod
    async def wait(token: asyncio.Event, timeout: float) -> bool:
        try:
            await asyncio.wait_for(token.wait(), timeout)
            return True
        except TimeoutError:
            return False


_hub_lock = threading.Lock()


def hub_for(app) -> PresenceHub:
    hub = getattr(app.state, "presence_hub", None)
    if hub is None:
        with _hub_lock:
            hub = getattr(app.state, "presence_hub", None)
            if hub is None:
                settings = getattr(app.state, "presence_settings", None) or load_presence_settings()
                hub = app.state.presence_hub = PresenceHub(settings)
    return hub


class PresenceListener:
    """LISTEN desk_presence on a dedicated connection; each notification wakes the hub."""

    def __init__(self, conninfo: str, hub: PresenceHub, *, max_backoff: float = 5.0) -> None:
        self._conninfo = conninfo
        self._hub = hub
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._max_backoff = max_backoff
        self.connected = threading.Event()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="desk-presence-listener", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._conninfo, autocommit=True, connect_timeout=5, application_name=LISTENER_APPLICATION_NAME
                ) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.connected.set()
                    self._hub.publish()  # whatever changed while we were not listening
                    backoff = 0.1
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5):
                            self._hub.publish()
            except psycopg.Error as exc:
                self.connected.clear()
                if self._stop.is_set():
                    break
                log.warning("presence listener lost PostgreSQL (%s); reconnecting in %.1fs", exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff)
        self.connected.clear()
