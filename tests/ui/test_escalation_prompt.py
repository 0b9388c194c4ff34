"""Escalation prompts against a real store: announced once per record, kept until handled, gone when handled.

Nothing pops up by itself (issue 13, item 1): new items are listed and announced
together; the agent opens a prompt from the list.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from live_store import *  # noqa: F401,F403 - the store's fixtures
from live_store import wait_until
from person_keys import press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from window_signals import window_signals

from desk_app.ui.escalation_prompt import (
    SHOWN_KEY,
    EscalationWatcher,
    NeedsAttention,
    attention_item,
)
from desk_app.ui.reference import PolicyInfo

BUDGET = timedelta(hours=72)  # Shopom's tier 1 budget (24/7)


def budget_run_out(live, owner: str = "agent") -> dict:
    ticket = live.create_ticket(owner, assign_to_me=True)
    live.clock.advance(BUDGET)
    live._tokens.clear()  # tokens live 12h
    live.app.state.scheduler.run_due(live.clock.now())
    return live.call(owner, "GET", f"/tickets/{ticket['id']}")


def test_attention_items_follow_the_record_and_the_role():
    info = PolicyInfo(None, "shopom")
    agent = {"id": 5, "role": "agent"}
    specialist = {"id": 7, "role": "specialist"}
    ticket = {"id": 3, "number": "DSK-3", "subject": "Late", "policy": "shopom", "status": "open", "tier": 1,
              "assignee_id": 5, "escalation": None,
              "escalation_due": {"id": 9, "from_tier": 1, "to_tier": 2, "to_tier_name": "Senior Support Specialist",
                                 "owner_id": 5, "source": "budget", "can_keep": True, "state": "open",
                                 "auto_at": None}}
    item = attention_item(ticket, agent, info)
    assert item["key"] == "due:9" and item["can_keep"] and item["to_tier_name"] == "Senior Support Specialist"
    assert attention_item(ticket, {"id": 6, "role": "agent"}, info) is None  # not the owner's
    assert attention_item({**ticket, "status": "resolved"}, agent, info) is None
    escalated = {**ticket, "tier": 2, "assignee_id": None, "escalation_due": None,
                 "escalation": {"id": 4, "direction": "up", "to_tier": 2, "acknowledged": False, "reason": "why"}}
    assert attention_item(escalated, specialist, info)["key"] == "esc:4"
    assert attention_item(escalated, {"id": 8, "role": "manager"}, info) is None  # tier 2 is the specialists'
    to_three = {**escalated, "tier": 3, "escalation": {**escalated["escalation"], "to_tier": 3}}
    assert attention_item(to_three, {"id": 8, "role": "manager"}, info)["key"] == "esc:4"
    acknowledged = {**escalated, "escalation": {**escalated["escalation"], "acknowledged": True}}
    assert attention_item(acknowledged, specialist, info) is None


def test_an_item_is_announced_once_survives_a_restart_and_goes_when_handled(qtbot, live, sync_ops, tmp_path):
    ticket = budget_run_out(live)
    tid, due = ticket["id"], ticket["escalation_due"]
    assert due["can_keep"]
    session = live.session("agent", data_dir=tmp_path / "machine")
    wait_until(lambda: (session.cache.ticket(tid) or {}).get("escalation_due"), message="the record is cached")

    attention = NeedsAttention(session, sync_ops, signals=window_signals(session))
    qtbot.addWidget(attention)
    prompted = []
    attention.watcher.prompt.connect(prompted.append)
    attention.watcher.scan()  # the first scan ran in the constructor; again: still once
    assert attention.list.count() == 1
    assert f"{ticket['number']}: escalation due to Senior Support Specialist" in attention.list.item(0).text()
    assert attention.prompts == {}  # nothing pops up by itself
    attention.announce_timer.timeout.emit()  # what the gathering timer does
    assert attention.announcements == [(f"Escalation due: {ticket['number']}",
                                        f"{ticket['subject']}\nThey are listed under \u201cNeeds attention\u201d.")]
    assert prompted == []  # announced by the constructor's scan already; not again
    assert session.cache.meta(SHOWN_KEY) == f'["due:{due["id"]}"]'

    # The agent opens it from the list (Enter on the item): the prompt, an ordinary window.
    attention.list.setFocus()
    attention.list.setCurrentRow(0)
    qtbot.keyClick(attention.list, Qt.Key.Key_Return)
    dialog = attention.prompts[f"due:{due['id']}"]
    assert dialog.isVisible() and not dialog.isModal()
    assert not dialog.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert dialog.escalate.text() == "&Escalate to Senior Support Specialist"
    assert dialog.keep is not None and dialog.keep.text() == "Add note and &keep"

    # "Later": the prompt closes, the item stays; a new window (a restart) lists it but does not announce it.
    dialog.close()
    again = EscalationWatcher(session, sync_ops, signals=window_signals(session))
    fresh = []
    again.prompt.connect(fresh.append)
    again.start()
    assert list(again.items) == [f"due:{due['id']}"] and fresh == []

    # Opening it from the list, then handling it: escalate with a reason.
    attention.list.setCurrentRow(0)
    attention.list.itemActivated.emit(attention.list.item(0))
    dialog = attention.prompts[f"due:{due['id']}"]
    opened = []
    dialog.open_ticket.connect(opened.append)
    dialog.open_button.click()
    assert opened == [tid]
    dialog.escalate.click()
    assert "reason" in dialog.error.text()  # a reason is required
    dialog.text.setPlainText("Needs a senior decision on the refund.")
    dialog.escalate.click()
    qtbot.waitUntil(lambda: attention.list.count() == 0, timeout=5_000)
    assert not attention.prompts
    assert "(0)" in attention.caption.text()
    wait_until(lambda: session.cache.outbox.size() == 0, message="sent")
    server = live.call("manager", "GET", f"/tickets/{tid}")
    assert server["tier"] == 2 and server["escalation_due"] is None
    assert server["escalation"]["reason"] == "Needs a senior decision on the refund."


def test_a_specialist_hears_of_a_new_escalation_and_takes_it(qtbot, live, sync_ops):
    ticket = live.create_ticket("agent", assign_to_me=True)
    tid = ticket["id"]
    specialist = live.session("specialist")
    wait_until(lambda: specialist.cache.reference("policies"), message="reference data")
    attention = NeedsAttention(specialist, sync_ops, signals=window_signals(specialist))
    qtbot.addWidget(attention)
    assert attention.list.count() == 0

    live.call("agent", "POST", f"/tickets/{tid}/escalate", {"reason": "Chargeback risk"}, if_match=ticket["version"])
    qtbot.waitUntil(lambda: attention.list.count() == 1, timeout=10_000)
    assert attention.prompts == {} and attention.announce_timer.isActive()
    attention.announce_timer.timeout.emit()
    assert [title for title, _ in attention.announcements] == [f"Escalated to Senior Support Specialist: "
                                                               f"{ticket['number']}"]
    attention.list.setCurrentRow(0)
    attention.list.itemActivated.emit(attention.list.item(0))
    (key,) = attention.prompts
    dialog = attention.prompts[key]
    assert dialog.take is not None and "Chargeback risk" in dialog.findChildren(type(attention.caption))[1].text()
    dialog.take.click()
    qtbot.waitUntil(lambda: attention.list.count() == 0, timeout=5_000)
    wait_until(lambda: specialist.cache.outbox.size() == 0, message="sent")
    server = live.call("manager", "GET", f"/tickets/{tid}")
    assert server["assignee_id"] == live.ids["specialist"] and server["escalation"]["acknowledged"]


@pytest.mark.parametrize("role, tier, expected", [("agent", 2, 0), ("specialist", 2, 1), ("manager", 3, 1)])
def test_who_is_told_of_an_escalation(qtbot, live, sync_ops, role, tier, expected):
    ticket = live.create_ticket("agent", assign_to_me=True)
    live.call("manager", "POST", f"/tickets/{ticket['id']}/escalate", {"reason": "Up", "to_tier": tier},
              if_match=ticket["version"])
    session = live.session(role)
    wait_until(lambda: session.cache.reference("policies") and session.cache.cursor is not None,
               message="first sync done")
    if expected:
        wait_until(lambda: session.cache.ticket(ticket["id"]), message="cached")
    watcher = EscalationWatcher(session, sync_ops, signals=window_signals(session))
    prompts = []
    watcher.prompt.connect(prompts.append)
    watcher.start()
    assert len(watcher.items) == expected and len(prompts) == expected


def test_the_item_appears_live_when_the_budget_runs_out_with_the_app_open(qtbot, live, sync_ops):
    ticket = live.create_ticket("agent", assign_to_me=True)
    session = live.session("agent", remember=True)  # 72h on, the session logs in again by itself
    wait_until(lambda: session.cache.ticket(ticket["id"]) and session.cache.reference("policies"), message="cached")
    attention = NeedsAttention(session, sync_ops, signals=window_signals(session))
    qtbot.addWidget(attention)
    assert attention.list.count() == 0

    live.clock.advance(BUDGET)
    live._tokens.clear()
    live.app.state.scheduler.run_due(live.clock.now())
    qtbot.waitUntil(lambda: attention.list.count() == 1, timeout=15_000)
    assert attention.prompts == {}  # listed and announced, not popped up
    attention.announce_timer.timeout.emit()
    assert len(attention.announcements) == 1 and "(1)" in attention.indicator.text()


def test_the_prompt_opened_from_the_list_takes_the_reason_and_asks_which_answer_ctrl_enter_means(qtbot, live,
                                                                                                  sync_ops):
    ticket = budget_run_out(live)
    session = live.session("agent")
    wait_until(lambda: (session.cache.ticket(ticket["id"]) or {}).get("escalation_due"), message="cached")
    attention = NeedsAttention(session, sync_ops, signals=window_signals(session))
    qtbot.addWidget(attention)
    attention.show()
    attention.activateWindow()
    qtbot.waitUntil(attention.isActiveWindow, timeout=5_000)
    attention.focus_list()
    press(Qt.Key.Key_Return)
    (dialog,) = attention.prompts.values()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    assert QApplication.focusWidget() is dialog.text
    type_text("Refund above my limit.\nNeeds a senior.")
    assert dialog.isVisible() and session.cache.outbox.size() == 0  # Enter was a new line
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # escalate or keep? it asks
    assert "Alt+E" in dialog.error.text() and session.cache.outbox.size() == 0
    press(Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: attention.list.count() == 0, timeout=5_000)
    wait_until(lambda: session.cache.outbox.size() == 0, message="sent")
    server = live.call("manager", "GET", f"/tickets/{ticket['id']}")
    assert server["tier"] == 2 and server["escalation"]["reason"] == "Refund above my limit.\nNeeds a senior."
