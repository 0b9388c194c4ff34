"""Escalations never take the keyboard from the agent, and many of them are one summary (issue 13, item 1).

A specialist typing in the search box while escalations arrive keeps every
character in the search box; twenty pending escalations are one list with a
count and one notification, not twenty windows. The agent still answers each
one, from the list, by keyboard.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from person_keys import press, type_text
from window_helpers import *  # noqa: F403
from window_helpers import WAIT_MS

from desk_app.ui.escalation_prompt import EscalationPromptDialog, NeedsAttention
from live_store import *  # noqa: F401,F403 - the store's fixtures
from live_store import wait_until
from window_signals import window_signals


def prompt_windows() -> list[EscalationPromptDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, EscalationPromptDialog) and w.isVisible()]


def test_typing_in_the_search_box_while_escalations_arrive_keeps_every_character(windows, ui_store, qtbot):
    made = [ui_store.create_ticket("agent", subject=f"Chargeback {n}") for n in range(3)]
    window = windows("specialist")
    attention = window.needs_attention
    assert attention.list.count() == 0
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=WAIT_MS)
    press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # the search shortcut
    assert QApplication.focusWidget() is window.search_box
    type_text("refund ")

    for ticket in made:  # colleagues escalate to tier 2 while the specialist types
        ui_store.call("agent", "POST", f"/tickets/{ticket['id']}/escalate", {"reason": "Chargeback risk"},
                      if_match=ticket["version"])
    typed = "refund "
    for ch in "blender":
        type_text(ch)
        typed += ch
        qtbot.wait(50)
    qtbot.waitUntil(lambda: attention.list.count() == 3 and not attention.watcher.claiming, timeout=WAIT_MS)
    type_text(" SO-2002")
    typed += " SO-2002"
    assert window.search_box.text() == typed
    assert QApplication.focusWidget() is window.search_box
    assert prompt_windows() == []

    qtbot.waitUntil(lambda: bool(attention.announcements), timeout=WAIT_MS)  # the gathering timer ran
    type_text("!")
    assert window.search_box.text() == typed + "!"
    assert len(attention.announcements) == 1 and prompt_windows() == []
    assert window.needs_attention.indicator.text() == "Needs attention (3)"
    assert window.needs_attention.indicator.isVisibleTo(window)  # in the status bar
    assert not window.runner.error_reporter.errors


def test_twenty_pending_escalations_are_one_summary_and_each_is_answered_from_the_list(qtbot, live, sync_ops):
    tickets = []
    for n in range(20):
        ticket = live.create_ticket("agent", assign_to_me=True)
        tickets.append(live.call("agent", "POST", f"/tickets/{ticket['id']}/escalate", {"reason": f"Case {n}"},
                                 if_match=ticket["version"]))
    specialist = live.session("specialist")
    wait_until(lambda: specialist.cache.reference("policies") and specialist.cache.cursor is not None
               and all(specialist.cache.ticket(t["id"]) for t in tickets), message="the escalations are cached")

    attention = NeedsAttention(specialist, sync_ops, signals=window_signals(specialist))
    qtbot.addWidget(attention)
    attention.show()
    assert attention.list.count() == 20 and prompt_windows() == []
    assert attention.announce_timer.isActive() and attention.announcements == []
    attention.announce_timer.timeout.emit()  # the gathering timer fires: one notification for all twenty
    ((title, text),) = attention.announcements
    assert title == "20 escalations need your attention"
    assert text.startswith(", ".join(t["number"] for t in tickets[:3]) + " and 17 more")
    assert attention.indicator.text() == "Needs attention (20)" and attention.indicator.font().bold()

    # The agent goes to the list (the status-bar button), opens the first item with Enter, takes it with Space.
    attention.activateWindow()
    qtbot.waitUntil(lambda: attention.isActiveWindow(), timeout=5_000)
    attention.indicator.click()
    assert QApplication.focusWidget() is attention.list and not attention.indicator.font().bold()
    press(Qt.Key.Key_Return)
    (dialog,) = prompt_windows()
    assert QApplication.focusWidget() is dialog.take  # opened on purpose: it has the keyboard
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: attention.count == 19, timeout=5_000)
    assert prompt_windows() == []
    wait_until(lambda: specialist.cache.outbox.size() == 0, message="sent")
    first = live.call("manager", "GET", f"/tickets/{tickets[0]['id']}")
    assert first["assignee_id"] == live.ids["specialist"] and first["escalation"]["acknowledged"]
    assert not sync_ops.error_reporter.errors
