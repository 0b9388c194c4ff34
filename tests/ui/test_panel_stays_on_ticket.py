"""Issue 13, item 4: after Take, Resolve or Escalate the panel stays on the ticket; a ticket made from a call opens.

The agent acts on a ticket and it leaves the queue on screen ("Unassigned" once taken, "My open tickets"
once resolved or escalated). The panel must not jump to the next customer; the arrow keys go on from
where the ticket was.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from window_helpers import *  # noqa: F403
from window_helpers import WAIT_MS

from desk_app.ui.queue.ticket_table_model import Column


def _click_ticket(qtbot, view, ticket_id: int) -> int:
    """Click the ticket's row (scrolled into view first); returns the row."""
    row = view.model_.row_of_ticket(ticket_id)
    index = view.model_.index(row, int(Column.SUBJECT))
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert view.model_.ticket_id(view.currentIndex().row()) == ticket_id
    return row


def _showing(window, ticket_id: int) -> bool:
    panel = window.ticket_panel
    return panel.ticket_id == ticket_id and (panel.ticket or {}).get("id") == ticket_id


def _open_queue(qtbot, window, key: str, holding=(), without=()):
    """Open a queue of the sidebar; wait until it lists `holding` and not `without` (ticket ids)."""
    window.sidebar.select_queue(key)
    view = window.queue_view
    qtbot.waitUntil(lambda: view.spec().key == key and not view.loading
                    and all(view.model_.row_of_ticket(t) is not None for t in holding)
                    and all(view.model_.row_of_ticket(t) is None for t in without), timeout=WAIT_MS)
    return view


def test_the_panel_stays_on_a_ticket_the_agent_takes_or_escalates(windows, ui_store, qtbot):
    made = [ui_store.create_ticket("agent", subject=f"Parcel {i} late", order_id=f"SO-{3000 + i}")["id"]
            for i in range(4)]
    window = windows("agent")
    view = _open_queue(qtbot, window, "unassigned", holding=made)
    view.setFocus()
    chosen = made[1]
    row = _click_ticket(qtbot, view, chosen)
    following = view.model_.ticket_id(row + 1)
    qtbot.waitUntil(lambda: _showing(window, chosen), timeout=WAIT_MS)

    qtbot.mouseClick(window.ticket_panel.actions_bar.take, Qt.MouseButton.LeftButton)
    # Taken: it leaves "Unassigned"; the panel stays on it and no other row becomes the chosen one.
    qtbot.waitUntil(lambda: view.model_.row_of_ticket(chosen) is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: (window.ticket_panel.ticket or {}).get("assignee_id") == window.user["id"],
                    timeout=WAIT_MS)
    assert _showing(window, chosen)
    assert not view.currentIndex().isValid() and not view.selectionModel().hasSelection()
    # The agent moves on with the keyboard: the ticket that came after it.
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: _showing(window, following), timeout=WAIT_MS)

    # In "My open tickets", escalate the one just taken: it leaves the queue; the panel stays.
    view = _open_queue(qtbot, window, "mine", holding=[chosen])
    assert view.select_ticket(chosen)
    qtbot.waitUntil(lambda: _showing(window, chosen), timeout=WAIT_MS)
    window.ticket_panel.actions_bar.open_escalate()
    dialog = window.ticket_panel.actions_bar.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "Refund above my limit")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model_.row_of_ticket(chosen) is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: (window.ticket_panel.ticket or {}).get("tier") == 2, timeout=WAIT_MS)
    assert _showing(window, chosen)


def test_the_panel_stays_on_a_ticket_the_agent_resolves(windows, ui_store, qtbot):
    made = [ui_store.create_ticket("agent", subject=f"Refund {i}") for i in range(3)]
    for ticket in made:
        ui_store.take("agent", ticket)
    window = windows("agent")
    view = _open_queue(qtbot, window, "mine", holding=[t["id"] for t in made])
    view.setFocus()
    chosen = made[1]["id"]
    row = _click_ticket(qtbot, view, chosen)
    following = view.model_.ticket_id(row + 1) if row + 1 < view.model_.rowCount() else view.model_.ticket_id(row - 1)
    qtbot.waitUntil(lambda: _showing(window, chosen), timeout=WAIT_MS)
    qtbot.mouseClick(window.ticket_panel.actions_bar.resolve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model_.row_of_ticket(chosen) is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: (window.ticket_panel.ticket or {}).get("status") == "resolved", timeout=WAIT_MS)
    assert _showing(window, chosen) and not view.currentIndex().isValid()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: _showing(window, following), timeout=WAIT_MS)


def test_a_ticket_created_from_a_call_opens_in_the_panel(windows, ui_store, qtbot):
    from desk_app.ui.phone import NewTicketFromCallDialog

    other = ui_store.create_ticket("agent", subject="Someone else's parcel")["id"]
    window = windows("agent")
    view = _open_queue(qtbot, window, "unassigned", holding=[other])
    view.setFocus()
    _click_ticket(qtbot, view, other)
    qtbot.waitUntil(lambda: _showing(window, other), timeout=WAIT_MS)

    window.act_new_call.trigger()
    dialog = window.findChild(NewTicketFromCallDialog)
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.policy.count() > 0, timeout=WAIT_MS)
    for field, text in ((dialog.number, "+91 98111 22334"), (dialog.name, "Ravi Kumar"),
                        (dialog.subject, "Wrong size delivered")):
        field.setFocus()
        qtbot.keyClicks(field, text)
    dialog.notes.setFocus()
    qtbot.keyClicks(dialog.notes, "Wants an exchange for size M.")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    panel = window.ticket_panel
    qtbot.waitUntil(lambda: (panel.ticket or {}).get("subject") == "Wrong size delivered", timeout=WAIT_MS)
    # Created offline-first with a placeholder id, then the server's: the panel follows it, and the
    # queue ("My open tickets" would list it) does not take the panel elsewhere.
    qtbot.waitUntil(lambda: (panel.ticket_id or 0) > 0, timeout=WAIT_MS)
    assert (panel.ticket or {}).get("subject") == "Wrong size delivered"
    assert QApplication.activeModalWidget() is None


def test_going_to_the_table_is_not_choosing_a_ticket(windows, ui_store, qtbot):
    """A ticket opened from search is not in the queue on screen: Ctrl+2 to the table keeps it shown."""
    others = [ui_store.create_ticket("agent", subject=f"Parcel {i} late")["id"] for i in range(2)]
    mine = ui_store.create_ticket("agent", subject="Refund for the kettle")
    ui_store.take("agent", mine)
    window = windows("agent")
    view = _open_queue(qtbot, window, "unassigned", holding=others, without=[mine["id"]])
    box = window.search_box
    with qtbot.waitSignal(box.results_ready, timeout=WAIT_MS):
        box.setFocus()
        qtbot.keyClicks(box, "kettle")
    box.choose(0)
    qtbot.waitUntil(lambda: _showing(window, mine["id"]), timeout=WAIT_MS)
    assert not view.currentIndex().isValid()

    window.activateWindow()
    window.act_focus_table.trigger()  # Ctrl+2
    QApplication.processEvents()
    assert _showing(window, mine["id"]) and not view.selectionModel().hasSelection()
    qtbot.keyClick(view, Qt.Key.Key_Down)  # now the agent moves: the first row
    qtbot.waitUntil(lambda: _showing(window, view.model_.ticket_id(0)), timeout=WAIT_MS)
