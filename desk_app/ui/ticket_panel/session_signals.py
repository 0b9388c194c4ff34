"""`session.events` hooks as Qt signals, delivered on the UI thread.

The services call their hooks on worker threads (sync engine, outbox,
presence). One `SessionSignals` per session turns each hook into a Qt signal;
queued connections bring every report to the UI thread, where widgets may be
touched. It is parented to the application, so it outlives every window and a
worker can never emit into a destroyed object.

    signals = SessionSignals.of(session)
    signals.changes.connect(panel.on_changes)
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

__all__ = ["SessionSignals"]

_ATTRIBUTE = "_desk_session_signals"


class SessionSignals(QObject):
    #: ChangeSet
    changes = Signal(object)
    #: SyncStatus
    status = Signal(object)
    #: Rejection
    rejection = Signal(object)
    #: PresenceSnapshot
    presence = Signal(object)
    #: frozenset[str]: reference lists that changed
    reference = Signal(object)

    def __init__(self, session: Any, parent: QObject | None = None) -> None:
        super().__init__(parent or QCoreApplication.instance())
        events = session.events
        # Signal.emit is safe from any thread; receivers in the UI thread get a queued call.
        events.changes.connect(self.changes.emit)
        events.status.connect(self.status.emit)
        events.rejection.connect(self.rejection.emit)
        events.presence.connect(self.presence.emit)
        events.reference.connect(self.reference.emit)

    @classmethod
    def of(cls, session: Any) -> SessionSignals:
        """The session's one bridge (made on first use, on the UI thread)."""
        signals = session.__dict__.get(_ATTRIBUTE)
        if signals is None:
            signals = cls(session)
            session.__dict__[_ATTRIBUTE] = signals
        return signals
