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

import logging
import threading

from sqlalchemy.engine import make_url

from desk_app.server.core.wakeup import LoopWaker, PgListener
from desk_app.server.sync.service import NOTIFY_CHANNEL, SESSION_ENDED

log = logging.getLogger("desk.server.notifier")

#: How the listener connection shows in pg_stat_activity.
LISTENER_APPLICATION_NAME = "desk-change-listener"


class ChangeNotifier(LoopWaker):
    """The change log's head in this instance, and the streams' wake-up."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._head = 0
        self._sessions_ended = 0

    @property
    def sessions_ended(self) -> int:
        """Bumped whenever a session ends somewhere (a logout): streams re-check their token."""
        return self._sessions_ended

    def session_ended(self) -> None:
        """A token was revoked (here, or on another instance); safe to call from any thread."""
        with self._lock:
            self._sessions_ended += 1
        self.wake()

    @property
    def head(self) -> int:
        return self._head

    def publish(self, seq: int) -> None:
        """A change up to `seq` committed; safe to call from any thread."""
        with self._lock:
            if seq > self._head:
                self._head = seq
        self.wake()


def libpq_url(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgChangeListener(PgListener):
    """LISTEN desk_changes on a dedicated connection and feed the notifier."""

    def __init__(self, url: str, notifier: ChangeNotifier, *, max_backoff: float = 5.0) -> None:
        def catch_up(conn) -> None:
            # Anything committed while we were not listening.
            head = conn.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]
            notifier.publish(int(head))

        def heard(payload: str) -> None:
            if payload == SESSION_ENDED:
                notifier.session_ended()
                return
            try:
                notifier.publish(int(payload))
            except ValueError:
                log.warning("ignoring a malformed notification %r", payload)

        super().__init__(
            libpq_url(url),
            NOTIFY_CHANNEL,
            application_name=LISTENER_APPLICATION_NAME,
            on_connect=catch_up,
            on_notify=heard,
            max_backoff=max_backoff,
        )


__all__ = ["ChangeNotifier", "PgChangeListener", "libpq_url"]
