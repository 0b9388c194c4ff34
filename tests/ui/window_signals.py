"""The `SessionSignals` bridge a main window makes and passes to its widgets, for tests that
build a widget without a window: `TicketPanel(session, runner, signals=window_signals(session))`.

One bridge per session (as one window has one), parented to the application so a worker
never emits into a deleted object; the conftest unhooks them after each test.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desk_app.ui.session_signals import SessionSignals

_made: dict[int, SessionSignals] = {}


def window_signals(session) -> SessionSignals:
    bridge = _made.get(id(session))
    if bridge is None:
        bridge = _made[id(session)] = SessionSignals(session.events, QCoreApplication.instance())
    return bridge


def unhook_all() -> None:
    for bridge in _made.values():
        bridge.detach()
        bridge.deleteLater()
    _made.clear()
