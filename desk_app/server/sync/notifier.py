"""Waking live streams when the change log grows.

* Within one instance: the write session's commit hook calls
  `ChangeNotifier.publish(seq)` (from any thread); every SSE stream waiting in
  the event loop wakes at once and re-reads the log by cursor.
* Across instances (PostgreSQL): each change's transaction sends
  `NOTIFY desk_changes, '<seq>'`; one `PgChangeListener` thread per instance
  holds its own psycopg connection in LISTEN mode and publishes what it hears
  to the local notifier. The payload is only a wake-up: streams always re-read
  the log, so a coalesced or missed notification loses nothing. After a
  reconnect the listener publishes the current head, so streams catch up on
  anything committed while it was away.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import psycopg
from sqlalchemy.engine import make_url

from desk_app.server.sync.service import NOTIFY_CHANNEL

log = logging.getLogger("desk.server.notifier")

#: How the listener connection shows in pg_stat_activity.
LISTENER_APPLICATION_NAME = "desk-change-listener"


class ChangeNotifier:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._head = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Attach to the server's event loop (at startup)."""
        self._loop = loop
        self._event = asyncio.Event()

    @property
    def head(self) -> int:
        return self._head

    def publish(self, seq: int) -> None:
        """A change up to `seq` committed; safe to call from any thread."""
        with self._lock:
            if seq > self._head:
                self._head = seq
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
        """Take the wake-up token *before* reading the log, then `wait` on it.

        A publish that lands between the read and the wait sets this token,
        so the stream never sleeps through a change.
        """
        if self._event is None:
            self.bind(asyncio.get_running_loop())
        return self._event

    @staticmethod
    async def wait(token: asyncio.Event, timeout: float) -> bool:
        try:
            await asyncio.wait_for(token.wait(), timeout)
            return True
        except TimeoutError:
            return False


def libpq_url(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgChangeListener:
    """LISTEN desk_changes on a dedicated connection and feed the notifier."""

    def __init__(self, url: str, notifier: ChangeNotifier, *, max_backoff: float = 5.0) -> None:
        self._conninfo = libpq_url(url)
        self._notifier = notifier
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._max_backoff = max_backoff
        self.connected = threading.Event()
        self._conn: psycopg.Connection | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="desk-pg-listener", daemon=True)
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
                    # Anything committed while we were not listening: catch up.
                    head = conn.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]
                    self._notifier.publish(int(head))
                    self.connected.set()
                    backoff = 0.1
                    while not self._stop.is_set():
                        for notify in conn.notifies(timeout=0.5):
                            try:
                                self._notifier.publish(int(notify.payload))
                            except ValueError:
                                log.warning("ignoring a malformed notification %r", notify.payload)
            except psycopg.Error as exc:
                self.connected.clear()
                if self._stop.is_set():
                    break
                log.warning("change listener lost PostgreSQL (%s); reconnecting in %.1fs", exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff)
        self.connected.clear()


__all__ = ["ChangeNotifier", "PgChangeListener", "libpq_url"]
