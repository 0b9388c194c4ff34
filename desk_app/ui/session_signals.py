"""`session.events` hooks as Qt signals on the UI thread.

The services call their hooks on worker threads (the sync engine, the
outbox, presence). `SessionSignals` lives on the UI thread and re-emits each
report as a signal; a signal emitted on another thread reaches receivers on
the UI thread through a queued connection, so no widget is ever touched from
a worker (Picard's rule). One bridge per window: the main window makes it and
passes it to the widgets that listen (`signals=`); `detach()` unhooks it
before the session stops.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desk_app.services.events import ServiceEvents

__all__ = ["SessionSignals"]

class SessionSignals(QObject):
    #: A `ChangeSet`: which tickets changed.
    changes = Signal(object)
    #: A `SyncStatus`.
    status = Signal(object)
    #: A `Rejection`: a change the server refused.
    rejection = Signal(object)
    #: A `PresenceSnapshot`.
    presence = Signal(object)
    #: A frozenset of reference lists that changed ("policies", "users", "queues").
    reference = Signal(object)
    #: A `TicketNotice`: something to tell the agent (a ticket came back to them).
    notice = Signal(object)

    def __init__(self, events: ServiceEvents, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events = events
        self._hooks = [
            (events.changes, self.changes.emit),
            (events.status, self.status.emit),
            (events.rejection, self.rejection.emit),
            (events.presence, self.presence.emit),
            (events.reference, self.reference.emit),
            (events.notice, self.notice.emit),
        ]
        for hook, emit in self._hooks:
            hook.connect(emit)
        self.destroyed.connect(lambda *_: self.detach())

    def detach(self) -> None:
        for hook, emit in self._hooks:
            hook.disconnect(emit)
        self._hooks = []
