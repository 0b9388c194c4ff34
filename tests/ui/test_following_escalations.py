"""Issue 13, item 7: Tier 1 does not lose the tickets it escalates.

The agent escalates a ticket; the store moves it to the specialists' private queue. The agent can still
find it (search, "Following"), read it (read-only, saying who works it now), and is told when Tier 2
sends it back, with the ticket one click away.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from window_helpers import *  # noqa: F403
from window_helpers import WAIT_MS


def test_an_escalated_ticket_stays_findable_readable_and_comes_back_with_a_notice(windows, ui_store, qtbot):
    made = ui_store.create_ticket("agent", subject="Kettle arrived broken", order_id="SO-7001")
    ui_store.take("agent", made)
    window = windows("agent")
    view, panel = window.queue_view, window.ticket_panel
    window.sidebar.select_queue("mine")
    qtbot.waitUntil(lambda: view.spec().key == "mine" and view.model_.row_of_ticket(made["id"]) is not None,
                    timeout=WAIT_MS)
    assert view.select_ticket(made["id"])
    qtbot.waitUntil(lambda: (panel.ticket or {}).get("id") == made["id"], timeout=WAIT_MS)

    # Escalate, as the agent does: the dialog, a reason, OK.
    panel.actions_bar.open_escalate()
    dialog = panel.actions_bar.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "Refund above my limit")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    # The store confirmed: the ticket is at Tier 2, and still on this computer, read-only.
    qtbot.waitUntil(lambda: window.session.cache.follows(made["id"]), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.follow_banner.isVisible(), timeout=WAIT_MS)
    assert (panel.ticket or {}).get("tier") == 2
    assert "works it now" in panel.follow_banner.text.text()
    assert not panel.actions_bar.isEnabled() and not panel.composer.isEnabled()

    # A customer calls back: search finds it, by order id and by words of the subject.
    box = window.search_box
    for text in ("SO-7001", "kettle"):
        with qtbot.waitSignal(box.results_ready, timeout=WAIT_MS) as found:
            box.setFocus()
            box.clear()
            qtbot.keyClicks(box, text)
        assert [r.id for r in found.args[0]] == [made["id"]], text

    # "Following (escalated by me)" lists it, with its count.
    item = window.sidebar._items["following"]
    assert item.text(0) == "Following (escalated by me)"
    qtbot.waitUntil(lambda: item.text(1) == "1", timeout=WAIT_MS)
    window.sidebar.setCurrentItem(item)
    qtbot.waitUntil(lambda: view.spec().key == "following" and view.model_.rowCount() == 1, timeout=WAIT_MS)
    assert view.model_.ticket_id(0) == made["id"]

    # Tier 2 sends it back: the agent is told above the queue, and one click opens it, theirs again.
    current = ui_store.call("specialist", "GET", f"/tickets/{made['id']}")
    ui_store.call("specialist", "POST", f"/tickets/{made['id']}/deescalate",
                  {"reason": "Refund approved; please tell the customer"}, if_match=current["version"])
    notices = window.queue_pane.notices
    qtbot.waitUntil(lambda: bool(notices.banners) and notices.isVisible(), timeout=WAIT_MS)
    notice, banner = notices.banners[0]
    text = banner.text.text()
    assert made["number"] in text and "came back to you from Tier 2" in text
    assert "Refund approved; please tell the customer" in text
    window.sidebar.select_queue("mine")  # somewhere else, as an agent would be
    qtbot.mouseClick(banner.buttons[0], Qt.MouseButton.LeftButton)  # "Open"
    qtbot.waitUntil(lambda: (panel.ticket or {}).get("id") == made["id"]
                    and (panel.ticket or {}).get("assignee_id") == window.user["id"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not panel.follow_banner.isVisible() and panel.actions_bar.isEnabled(), timeout=WAIT_MS)
    assert not notices.banners
