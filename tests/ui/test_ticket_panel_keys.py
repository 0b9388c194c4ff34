"""The ticket panel by keyboard, as an agent works it (issue 13, items 2, 3, 5 and 6).

Every key goes through the window that has the focus (`person_keys.py`), so a
dialog that opens with the focus in the wrong field gets the keys there.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QSpacerItem
from person_keys import press, type_text

from desk_app.ui import theme
from desk_app.ui.countdown import CountdownClock
from desk_app.ui.ticket_panel import TicketPanel
from desk_app.ui.ticket_panel.composer import NOTE, REPLY
from live_store import *  # noqa: F401,F403 - the store's fixtures
from live_store import wait_until
from window_signals import window_signals

CTRL = Qt.KeyboardModifier.ControlModifier


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


def open_panel(qtbot, session, runner, countdown, ticket_id: int) -> TicketPanel:
    wait_until(lambda: session.cache.ticket(ticket_id), message="the ticket reached the cache")
    panel = TicketPanel(session, runner, signals=window_signals(session), countdown=countdown)
    qtbot.addWidget(panel)
    panel.resize(1000, 760)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=5_000)
    panel.show_ticket(ticket_id)
    qtbot.waitUntil(lambda: panel.ticket is not None and bool(panel.thread.cards), timeout=10_000)
    return panel


def on_server(live, ticket_id: int, check, message: str) -> dict:
    return wait_until(lambda: (t := live.call("manager", "GET", f"/tickets/{ticket_id}")) and check(t) and t,
                      message=message)


# -- item 3: the escalate dialog ---------------------------------------------------------------


def test_the_escalate_dialog_takes_the_reason_first_and_ctrl_enter_sends_it(qtbot, live, sync_ops, countdown):
    tid = live.create_ticket("agent", assign_to_me=True)["id"]
    panel = open_panel(qtbot, live.session("agent"), sync_ops, countdown, tid)
    panel.actions_bar.escalate.setFocus()
    press(Qt.Key.Key_Space)
    dialog = panel.actions_bar.dialog
    assert QApplication.focusWidget() is dialog.reason
    type_text("Manager must approve the refund.\nOrder SO-1001.")
    assert dialog.isVisible()  # Enter was a new line in the reason
    assert dialog.tier.currentText() == "Senior Support Specialist"  # the target was not retargeted by typing
    press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: panel.ticket["tier"] == 2, timeout=5_000)
    server = on_server(live, tid, lambda t: t["tier"] == 2, "escalated on the server")
    assert server["escalation"]["reason"] == "Manager must approve the refund.\nOrder SO-1001."


def test_ctrl_enter_submits_the_status_dialog_and_not_an_empty_reason(qtbot, live, sync_ops, countdown):
    tid = live.create_ticket("agent", assign_to_me=True, status="open")["id"]
    panel = open_panel(qtbot, live.session("agent"), sync_ops, countdown, tid)

    panel.actions_bar.escalate.setFocus()
    press(Qt.Key.Key_Space)
    dialog = panel.actions_bar.dialog
    press(Qt.Key.Key_Return, CTRL)  # no reason yet: nothing is sent, the dialog stays
    assert dialog.isVisible() and panel.ticket["tier"] == 1
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: panel.actions_bar.dialog is None, timeout=5_000)
    panel.activateWindow()  # what the window manager does when a dialog closes
    qtbot.waitUntil(panel.isActiveWindow, timeout=5_000)

    panel.actions_bar.status.setFocus()
    press(Qt.Key.Key_Space)
    dialog = panel.actions_bar.dialog
    assert QApplication.focusWidget() is dialog.status
    while dialog.status.currentData() != "pending_customer":
        press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.note
    type_text("Asked for the bank statement.")
    press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: panel.ticket["status"] == "pending_customer", timeout=5_000)
    server = on_server(live, tid, lambda t: t["status"] == "pending_customer", "status on the server")
    assert any(e["body"] == "Asked for the bank statement." for e in server["thread"])


# -- item 5: Resolve stands apart and can be undone -----------------------------------------------


def test_resolve_stands_apart_and_is_undone_through_the_outbox(qtbot, live, sync_ops, countdown):
    ticket = live.create_ticket("agent", assign_to_me=True, status="open")
    tid = ticket["id"]
    live.call("agent", "POST", f"/tickets/{tid}/status", {"status": "pending_customer"}, if_match=ticket["version"])
    session = live.session("agent")
    wait_until(lambda: (session.cache.ticket(tid) or {}).get("status") == "pending_customer", message="synced")
    panel = open_panel(qtbot, session, sync_ops, countdown, tid)
    bar = panel.actions_bar

    # The row: the routine buttons, a stretch, then Resolve on its own.
    row = bar.layout().itemAt(0).layout()
    items = [row.itemAt(i) for i in range(row.count())]
    stretch = next(i for i, item in enumerate(items) if isinstance(item, QSpacerItem))
    assert [item.widget() for item in items].index(bar.resolve) > stretch
    assert all([item.widget() for item in items].index(b) < stretch
               for b in (bar.take, bar.assign, bar.status, bar.escalate, bar.log_call))

    messages = []
    panel.status_message.connect(messages.append)
    bar.resolve.setFocus()
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.ticket["status"] == "resolved", timeout=5_000)
    toast = bar.undo_toast
    assert toast.isVisible() and toast.offering and toast.timer.isActive()
    assert toast.label.text() == f"{ticket['number']} resolved."
    assert QApplication.focusWidget() is toast.undo  # one key away
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.ticket["status"] == "pending_customer", timeout=5_000)
    assert not toast.isVisible() and not toast.offering
    assert messages[-1] == f"{ticket['number']} is \u201cWaiting on customer\u201d again."
    wait_until(lambda: session.cache.outbox.size() == 0, message="both changes sent")
    server = live.call("manager", "GET", f"/tickets/{tid}")
    assert server["status"] == "pending_customer"
    codes = [e["event_code"] for e in server["thread"] if e["kind"] == "system_event"]
    assert codes[-2:] == ["status_changed", "reopened"]  # resolved, then back: both on the record

    # Resolved again and left alone: the offer goes when its time is up (the test fires the timer).
    bar.resolve.setFocus()
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: toast.offering, timeout=5_000)
    toast.timer.timeout.emit()
    assert not toast.isVisible() and not toast.offering
    wait_until(lambda: session.cache.outbox.size() == 0, message="sent")
    assert live.call("manager", "GET", f"/tickets/{tid}")["status"] == "resolved"


def test_undoing_the_resolve_of_a_new_ticket_opens_it(qtbot, live, sync_ops, countdown):
    tid = live.create_ticket("agent", assign_to_me=True)["id"]  # status "new": a ticket never goes back to it
    panel = open_panel(qtbot, live.session("agent"), sync_ops, countdown, tid)
    panel.actions_bar.resolve.click()
    qtbot.waitUntil(lambda: panel.actions_bar.undo_toast.offering, timeout=5_000)
    panel.actions_bar.undo_toast.undo.click()
    qtbot.waitUntil(lambda: panel.ticket["status"] == "open", timeout=5_000)


# -- item 6: reply / note mode per ticket, and note mode looks different --------------------------


def _base(widget) -> str:
    return widget.palette().color(QPalette.ColorRole.Base).name()


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_note_mode_is_per_ticket_and_tints_the_editor(qtbot, live, sync_ops, countdown, qapp, palette):
    previous = qapp.palette()
    qapp.setPalette(theme._dark() if palette == "dark" else theme._light())
    try:
        first = live.create_ticket("agent", assign_to_me=True)["id"]
        second = live.create_ticket("agent", assign_to_me=True, subject="Wrong size")["id"]
        session = live.session("agent")
        wait_until(lambda: session.cache.ticket(second), message="cached")
        panel = open_panel(qtbot, session, sync_ops, countdown, first)
        composer = panel.composer
        plain = _base(composer.editor)

        panel.focus_note()  # Ctrl+Shift+N in the window
        assert QApplication.focusWidget() is composer.editor
        type_text("Carrier says the parcel is lost.")
        assert composer.kind == NOTE
        tinted = _base(composer.editor)

        panel.show_ticket(second)  # the next ticket opens in reply mode
        qtbot.waitUntil(lambda: panel.ticket is not None and panel.ticket["id"] == second, timeout=5_000)
        assert composer.kind == REPLY and composer.reply_mode.isChecked() and composer.editor.toPlainText() == ""
        assert _base(composer.editor) == plain

        panel.show_ticket(first)  # the note typed there is kept, in its mode
        qtbot.waitUntil(lambda: composer.editor.toPlainText() == "Carrier says the parcel is lost.", timeout=5_000)
        assert composer.kind == NOTE

        # Note mode looks different: the editor tinted (dark on a dark palette), a label says who reads it.
        assert tinted != plain and _base(composer.editor) == tinted
        dark = palette == "dark"
        assert (composer.editor.palette().color(QPalette.ColorRole.Base).lightness() < 128) == dark
        badge = composer.note_badge
        assert badge.isVisible() and "only staff" in badge.text()
        composer.set_mode(REPLY)
        assert _base(composer.editor) == plain and not badge.isVisible()
    finally:
        qapp.setPalette(previous)


# -- item 2: correcting a mistaken entry, in the thread -------------------------------------------


def test_the_agent_corrects_their_mistaken_call_from_the_thread(qtbot, live, sync_ops, countdown):
    ticket = live.create_ticket("agent", assign_to_me=True, status="open")
    tid = ticket["id"]
    live.call("agent", "POST", f"/tickets/{tid}/entries",
              {"kind": "phone_call", "body": "Customer confirmed the address.",
               "call": {"number": "+91 98765 43210", "direction": "inbound", "duration_seconds": 5}})
    note = live.call("agent2", "POST", f"/tickets/{tid}/entries", {"kind": "internal_note", "body": "Agent2 was here."})
    session = live.session("agent")
    wait_until(lambda: (session.cache.ticket(tid) or {}).get("version") == note["ticket"]["version"], message="synced")
    panel = open_panel(qtbot, session, sync_ops, countdown, tid)  # it fetches the full thread
    qtbot.waitUntil(lambda: "phone_call" in panel.thread.kinds() and panel.thread.kinds()[-1] == "internal_note",
                    timeout=5_000)
    cards = {card.kind: card for card in panel.thread.cards}
    call, colleague = cards["phone_call"], panel.thread.cards[-1]
    assert call.correct_button is not None  # the agent's own entry
    assert colleague.correct_button is None  # Agent2's note: not theirs to correct

    call.correct_button.setFocus()
    press(Qt.Key.Key_Space)
    dialog = panel.dialog
    assert QApplication.focusWidget() is dialog.reason
    assert f"Entry {call.position} (phone call" in dialog.findChildren(type(call.caption))[0].text()
    type_text("Wrong ticket: this call was about DSK-000009.")
    press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: panel.thread.cards[-1].entry.get("corrects_entry_id") == call.entry["id"],
                    timeout=5_000)
    correction = panel.thread.cards[-1]
    assert correction.caption.text() == f"Correction of entry {call.position} by Agent"
    wait_until(lambda: session.cache.outbox.size() == 0, message="sent")
    qtbot.waitUntil(lambda: any(c.corrected_in for c in panel.thread.cards), timeout=5_000)
    corrected = next(c for c in panel.thread.cards if c.entry.get("id") == call.entry["id"])
    assert corrected.entry["body"] == "Customer confirmed the address."  # the entry stays as it was
    assert corrected.corrected_in == (panel.thread.cards[-1].position,)
    server = live.call("agent", "GET", f"/tickets/{tid}")["thread"]
    assert [(e["body"], e["corrects_entry_id"]) for e in server if e["corrects_entry_id"]] == [
        ("Wrong ticket: this call was about DSK-000009.", call.entry["id"])]
