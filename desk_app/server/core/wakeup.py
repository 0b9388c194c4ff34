"""Waking SSE streams: an asyncio wake-up token, and a PostgreSQL LISTEN thread.

Both the change feed (`sync.notifier`) and presence (`presence.hub`) wake the
streams waiting in the event loop when something changed in this instance, or
in another one that said so through NOTIFY. The mechanics are the same; only
what the streams re-read afterwards differs.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

import psycopg

log = logging.getLogger("desk.server.wakeup")


class LoopWaker:
    """Wakes every coroutine waiting on the current token; `wake()` is safe from any thread.

    A stream takes the token with `arm()` *before* reading, then `wait`s on it:
    a wake-up that lands between the read and the wait sets that token, so no
    change is slept through.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Attach to the server's event loop (at startup, or on first use)."""
        self._loop = loop
        self._event = asyncio.Event()

    def wake(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._swap)
            except RuntimeError:  # the loop is shutting down
                pass

    def _swap(self) -> None:
        event, self._event = self._event, asyncio.Event()
        if event is not None:
            event.set()

    def arm(self) -> asyncio.Event:
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


class PgListener:
    """LISTEN on one channel over a dedicated connection, reconnecting with backoff.

    `on_connect(conn)` runs after each (re)connection, before `connected` is
    set, to catch up on what was committed while nobody listened;
    `on_notify(payload)` runs for each notification. Both run on this thread.
    """

    def __init__(
        self,
        conninfo: str,
        channel: str,
        *,
        application_name: str,
        on_connect: Callable[[psycopg.Connection], None],
        on_notify: Callable[[str], None],
        max_backoff: float = 5.0,
    ) -> None:
        self._conninfo = conninfo
        self._channel = channel
        self._application_name = application_name
        self._on_connect = on_connect
        self._on_notify = on_notify
        self._max_backoff = max_backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self._application_name, daemon=True)
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
                    self._conninfo, autocommit=True, connect_timeout=5, application_name=self._application_name
                ) as conn:
                    conn.execute(f"LISTEN {self._channel}")
                    self._on_connect(conn)
                    self.connected.set()
                    backoff = 0.1
                    while not self._stop.is_set():
                        for notify in conn.notifies(timeout=0.5):
                            self._on_notify(notify.payload)
            except psycopg.Error as exc:
                self.connected.clear()
                if self._stop.is_set():
                    break
                log.warning("%s lost PostgreSQL (%s); reconnecting in %.1fs", self._application_name, exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff)
        self.connected.clear()
