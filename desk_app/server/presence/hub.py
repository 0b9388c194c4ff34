"""Waking presence streams: within an instance at once, across instances through PostgreSQL NOTIFY.

`PresenceHub` is one per app (`hub_for(app)`), like the change notifier: a
state change (in this instance, or NOTIFY desk_presence from another) calls
`publish()`, which wakes every stream waiting in the event loop; each stream
then re-reads the table. The payload carries nothing: a missed notification
only delays an update until the stream's next recheck.
"""

from __future__ import annotations

import threading

from desk_app.server.core.wakeup import LoopWaker, PgListener
from desk_app.server.presence.service import NOTIFY_CHANNEL, PresenceSettings, load_presence_settings

LISTENER_APPLICATION_NAME = "desk-presence-listener"


class PresenceHub(LoopWaker):
    def __init__(self, settings: PresenceSettings) -> None:
        super().__init__()
        self.settings = settings
        self.listener: PresenceListener | None = None

    def publish(self) -> None:
        """Presence changed somewhere; safe from any thread."""
        self.wake()


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


class PresenceListener(PgListener):
    """LISTEN desk_presence on a dedicated connection; each notification wakes the hub."""

    def __init__(self, conninfo: str, hub: PresenceHub, *, max_backoff: float = 5.0) -> None:
        super().__init__(
            conninfo,
            NOTIFY_CHANNEL,
            application_name=LISTENER_APPLICATION_NAME,
            # Whatever changed while we were not listening: streams re-read the table.
            on_connect=lambda conn: hub.publish(),
            on_notify=lambda payload: hub.publish(),
            max_backoff=max_backoff,
        )
