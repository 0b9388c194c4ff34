"""Issue 13, item 8: the conversation is never left half-shown or "Loading..." forever.

* after "Add note and keep" the note is in the thread (the store wrote it; the feed carries only the
  system entry, so the panel must fetch the rest);
* a ticket never opened, opened offline, says it is not on this computer yet, and loads on reconnect;
* "Part of the conversation is not on this computer yet" goes once the client is back online.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desk_app.services.events import Connection
from desk_app.ui.countdown import CountdownClock
from desk_app.ui.ticket_panel import TicketPanel
from live_store import *  # noqa: F401,F403 - the store's fixtures
from live_store import START, wait_until
from window_signals import window_signals

NOT_HERE = "This conversation is not on this computer yet; it will load when you are back online."
PART = "Part of the conversation is not on this computer yet"


class FakeTime:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def countdown(qapp):
    clock = CountdownClock(FakeTime(START.timestamp()))
    yield clock
    clock.deleteLater()


def _panel(qtbot, session, runner, countdown) -> TicketPanel:
    panel = TicketPanel(session, runner, signals=window_signals(session), countdown=countdown)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    return panel


def _notice(panel) -> str | None:
    return panel.thread.notice.text() if panel.thread.notice.isVisible() else None


def _online(session) -> bool:
    return session.status.connection is Connection.ONLINE


def test_the_note_of_add_note_and_keep_shows_in_the_thread(qtbot, live, sync_ops, countdown):
    ticket = live.create_ticket("agent", assign_to_me=True)
    live.clock.advance(timedelta(hours=72))  # Shopom's tier 1 budget runs out: the prompt is due
    live._tokens.clear()
    live.app.state.scheduler.run_due(live.clock.now())
    session = live.session("agent")
    wait_until(lambda: (session.cache.ticket(ticket["id"]) or {}).get("escalation_due"), message="due cached")
    panel = _panel(qtbot, session, sync_ops, countdown)
    panel.show_ticket(ticket["id"])
    qtbot.waitUntil(lambda: panel.due_keep.isVisible() and _notice(panel) is None, timeout=10_000)

    qtbot.mouseClick(panel.due_keep, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "Replacement ships tomorrow")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    wait_until(lambda: session.cache.outbox.size() == 0, message="sent")

    def note_shown() -> bool:
        return any(c.kind == "internal_note" and c.entry.get("body") == "Replacement ships tomorrow"
                   and not c.entry.get("pending") for c in panel.thread.cards)

    # The store's note (not the "Sending..." copy) and its "kept" event, the whole thread.
    qtbot.waitUntil(lambda: note_shown() and any(c.entry.get("event_code") == "escalation_kept"
                                                 for c in panel.thread.cards), timeout=10_000)
    qtbot.waitUntil(lambda: _notice(panel) is None, timeout=10_000)


def test_a_ticket_never_opened_says_so_offline_and_loads_on_reconnect(qtbot, live, sync_ops, countdown):
    ticket = live.create_ticket("agent")  # before the client starts: bootstrapped, its thread not fetched
    session = live.session("agent")
    wait_until(lambda: _online(session) and session.cache.ticket(ticket["id"]), message="bootstrapped")
    assert session.cache.thread(ticket["id"]).entries == []
    live.server.stop()
    wait_until(lambda: session.status.connection is Connection.OFFLINE, message="offline")

    panel = _panel(qtbot, session, sync_ops, countdown)
    panel.show_ticket(ticket["id"])
    qtbot.waitUntil(lambda: panel.ticket is not None, timeout=10_000)
    qtbot.waitUntil(lambda: _notice(panel) == NOT_HERE, timeout=10_000)
    assert panel.header.number.text() == ticket["number"]  # the ticket itself is here

    live.server.start()  # same port: the client finds it again by itself
    qtbot.waitUntil(lambda: panel.thread.kinds() == ["customer_message"], timeout=20_000)
    qtbot.waitUntil(lambda: _notice(panel) is None, timeout=10_000)


def test_the_missing_part_is_fetched_when_the_client_is_back_online(qtbot, live, sync_ops, countdown):
    ticket = live.create_ticket("agent", assign_to_me=True)
    session = live.session("agent")
    wait_until(lambda: _online(session) and session.cache.ticket(ticket["id"]), message="live")
    panel = _panel(qtbot, session, sync_ops, countdown)
    panel.show_ticket(ticket["id"])
    qtbot.waitUntil(lambda: panel.thread.kinds() == ["customer_message"] and _notice(panel) is None,
                    timeout=10_000)

    live.server.stop()
    wait_until(lambda: session.status.connection is Connection.OFFLINE, message="offline")
    # Offline, the agent answers: the first reply opens the ticket, and the store will write a
    # "status changed" event that the client does not have yet.
    panel.composer.editor.setFocus()
    qtbot.keyClicks(panel.composer.editor, "We are looking into it.")
    qtbot.keyClick(panel.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.thread.kinds()[-1] == "public_reply"

    live.server.start()
    wait_until(lambda: session.cache.outbox.size() == 0, message="sent")
    # Back online: the whole conversation, with the store's event, and no "part of it" notice.
    qtbot.waitUntil(lambda: any(c.entry.get("event_code") == "status_changed" for c in panel.thread.cards),
                    timeout=20_000)
    qtbot.waitUntil(lambda: _notice(panel) is None, timeout=10_000)
    assert not any(c.entry.get("pending") for c in panel.thread.cards)
