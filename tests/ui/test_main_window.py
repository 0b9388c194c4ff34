"""The main window against a real store on loopback: queues and counts, opening, searching, offline, two clients."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel
from window_helpers import *  # noqa: F403
from window_helpers import WAIT_MS

from desk_app.core.ticket import DONE_STATUSES, Status
from desk_app.server.tickets.models import Ticket
from desk_app.services.events import Connection
from desk_app.ui.settings import DeskSettings
from desk_app.ui.queue.ticket_table_model import Column

ACTIVE = [s.value for s in Status if s not in DONE_STATUSES]


def _fill(store):
    """Six tickets: two taken by the agent (one waiting on the customer), one resolved, three unassigned."""
    made = [store.create_ticket("agent", subject=f"Parcel {i} late", order_id=f"SO-{2000 + i}",
                                priority="urgent" if i == 0 else "normal") for i in range(6)]
    mine = store.take("agent", made[0])
    waiting = store.take("agent", made[1])
    waiting = store.set_status("agent", waiting, Status.PENDING_CUSTOMER)
    resolved = store.set_status("agent", made[2], Status.RESOLVED)
    return made, mine, waiting, resolved


def _panel_text(window) -> str:
    return " ".join(label.text() for label in window.ticket_panel.findChildren(QLabel))


def _store_counts(store) -> dict[str, int]:
    agent_id = store.user_id("agent")
    return {
        "mine": store.count(Ticket.assignee_id == agent_id, Ticket.status.in_(ACTIVE)),
        "unassigned": store.count(Ticket.assignee_id.is_(None), Ticket.status.in_(ACTIVE)),
        "waiting": store.count(Ticket.status == Status.PENDING_CUSTOMER.value),
        "all": store.count(),
    }


def test_agent_sees_queues_with_the_stores_counts(windows, ui_store):
    before = _store_counts(ui_store)  # the demo store's own live tickets
    _fill(ui_store)
    window = windows("agent")
    expected = _store_counts(ui_store)
    # The data is what the test made on top of the seeded tickets.
    assert {k: expected[k] - before[k] for k in expected} == {"mine": 2, "unassigned": 3, "waiting": 1, "all": 6}
    counts = window.sidebar.counts()
    assert {key: counts[key] for key in expected} == expected
    # The agent's views hold no manager queues, and there is no dashboard page.
    keys = [spec.key for spec in window.sidebar.specs()]
    assert "tier:3" not in keys and "all" in keys
    assert window.dashboard is None and not window.pages.tabBar().isVisible()
    # The opened queue ("My open tickets" for an agent) lists exactly the agent's active tickets.
    assert window.queue_view.spec().key == "mine"
    assert window.queue_view.model_.rowCount() == expected["mine"]
    # The count column shows the numbers.
    assert window.sidebar._items["all"].text(1) == str(expected["all"])


def test_manager_sees_every_tier_and_the_dashboard_page(windows, ui_store, qtbot):
    _fill(ui_store)
    window = windows("manager")
    keys = [spec.key for spec in window.sidebar.specs()]
    assert {"tier:2", "tier:3", "all"} <= set(keys)
    assert any(key.startswith("queue:") for key in keys)  # the server's queues, one by one
    assert window.dashboard is not None and window.pages.count() == 2
    assert window.queue_view.spec().key == "all"
    assert window.queue_view.model_.rowCount() == ui_store.count()
    # A dashboard click-through opens the matching tickets in the workspace.
    if hasattr(window.dashboard, "open_queue"):
        window.pages.setCurrentIndex(1)
        window.dashboard.open_queue.emit({"statuses": ACTIVE, "unassigned": True, "title": "Unassigned (dashboard)"})
        assert window.pages.currentIndex() == 0
        expected = ui_store.count(Ticket.assignee_id.is_(None), Ticket.status.in_(ACTIVE))
        qtbot.waitUntil(lambda: window.queue_view.spec().label == "Unassigned (dashboard)"
                        and window.queue_view.model_.rowCount() == expected, timeout=WAIT_MS)


def test_selecting_a_ticket_shows_it_in_the_panel(windows, ui_store, qtbot):
    made, *_ = _fill(ui_store)
    window = windows("agent")
    window.sidebar.select_queue("all")
    qtbot.waitUntil(lambda: window.queue_view.model_.rowCount() == ui_store.count(), timeout=WAIT_MS)
    view = window.queue_view
    ticket_id = made[4]["id"]
    assert view.select_ticket(ticket_id)
    qtbot.waitUntil(lambda: made[4]["number"] in _panel_text(window), timeout=WAIT_MS)
    # Keyboard: the next-ticket shortcut moves the selection one row down.
    row = view.currentIndex().row()
    window.act_next.trigger()
    assert view.currentIndex().row() == min(row + 1, view.model_.rowCount() - 1)


def test_search_answers_from_the_cache_and_opens_the_ticket(windows, ui_store, qtbot):
    made, *_ = _fill(ui_store)
    window = windows("agent")
    box = window.search_box
    with qtbot.waitSignal(box.results_ready, timeout=WAIT_MS) as blocker:
        box.search(made[3]["number"])
    assert [r.id for r in blocker.args[0]] == [made[3]["id"]]
    with qtbot.waitSignal(box.results_ready, timeout=WAIT_MS) as blocker:
        box.search("SO-2005")  # an order id
    assert [r.id for r in blocker.args[0]] == [made[5]["id"]]
    with qtbot.waitSignal(box.results_ready, timeout=WAIT_MS) as blocker:
        box.search("Parcel")  # words of the subject
    assert {r.id for r in blocker.args[0]} == {t["id"] for t in made}
    with qtbot.waitSignal(box.results_ready, timeout=WAIT_MS) as blocker:
        box.search("no such words anywhere")
    assert blocker.args[0] == []
    # Choosing a result opens it in the panel.
    with qtbot.waitSignal(box.results_ready, timeout=WAIT_MS):
        box.search(made[5]["number"])
    box.choose(0)
    qtbot.waitUntil(lambda: made[5]["number"] in _panel_text(window), timeout=WAIT_MS)
    # Ctrl+F focuses the box.
    window.activateWindow()
    window.queue_view.setFocus()
    window.act_search.trigger()
    assert box.hasFocus() or window.focusWidget() is box


def test_status_bar_follows_offline_outbox_and_reconnect(windows, ui_store, qtbot):
    made, mine, *_ = _fill(ui_store)
    window = windows("agent")
    status = window.sync_status
    qtbot.waitUntil(lambda: status.status.connection is Connection.ONLINE, timeout=WAIT_MS)
    assert status.state_label.text() == "Online"
    assert status.outbox_label.text() == "All changes sent"
    assert status.sync_label.text().startswith("Last sync")

    ui_store.stop()
    qtbot.waitUntil(lambda: status.status.connection is Connection.OFFLINE, timeout=WAIT_MS)
    assert status.state_label.text() == "Offline"
    window.session.actions.add_note(mine["id"], "Called the courier while the server was away.")
    qtbot.waitUntil(lambda: status.status.outbox_size == 1, timeout=WAIT_MS)
    assert "1 change" in status.outbox_label.text()

    ui_store.start()  # same port: the client finds it again by itself
    qtbot.waitUntil(lambda: status.status.connection is Connection.ONLINE and status.status.outbox_size == 0,
                    timeout=WAIT_MS)
    assert status.outbox_label.text() == "All changes sent"
    entries = ui_store.call("agent", "GET", f"/tickets/{mine['id']}")["thread"]
    assert any(e["body"] == "Called the courier while the server was away." for e in entries)


def test_a_second_clients_window_sees_a_change(windows, ui_store, qtbot, tmp_path):
    made, *_ = _fill(ui_store)
    agent = windows("agent")
    manager = windows("manager", settings=DeskSettings(QSettings(str(tmp_path / "manager.ini"),
                                                                   QSettings.Format.IniFormat)))
    target = made[5]
    view = manager.queue_view

    def assignee_shown() -> str | None:
        row = view.model_.row_of_ticket(target["id"])
        return None if row is None else view.model_.index(row, int(Column.ASSIGNEE)).data()

    assert assignee_shown() == "Unassigned"
    unassigned_before = manager.sidebar.counts()["unassigned"]
    agent.session.actions.take(target["id"])  # in the agent's window: optimistic, then sent
    qtbot.waitUntil(lambda: assignee_shown() == "Ava Agent", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: manager.sidebar.counts()["unassigned"] == unassigned_before - 1, timeout=WAIT_MS)
    # The agent's own "My open tickets" gained it as well.
    qtbot.waitUntil(lambda: agent.queue_view.model_.row_of_ticket(target["id"]) is not None, timeout=WAIT_MS)


def test_window_layout_and_columns_persist(windows, ui_store, ui_settings, qtbot):
    _fill(ui_store)
    first = windows("agent")
    queue_height, panel_height = first.work_splitter.sizes()
    assert panel_height > queue_height  # by default the open ticket's conversation gets the larger share
    # Within the tests' 1920x1080 screen (restoring clamps to the screen), and wide enough for every
    # column at its width (a narrower table squeezes them: test_small_screens.py).
    first.resize(1700, 900)
    first.main_splitter.setSizes([230, 1470])
    first.queue_view.set_column_shown(int(Column.CHANNEL), False)
    first.queue_view.setColumnWidth(int(Column.CUSTOMER), 222)
    first.sidebar.select_queue("waiting")
    sizes = first.main_splitter.sizes()
    windows.close(first)

    second = windows("agent")
    assert second.queue_view.isColumnHidden(int(Column.CHANNEL))
    assert second.queue_view.columnWidth(int(Column.CUSTOMER)) == 222
    assert second.main_splitter.sizes() == sizes
    assert second.size().width() == 1700
    assert second.queue_view.spec().key == "waiting"
    assert ui_settings.store.fileName().endswith("desk-app-test.ini")


def test_keyboard_reaches_every_panel(windows, ui_store, qtbot):
    _fill(ui_store)
    window = windows("agent")
    window.activateWindow()
    for action, widget in ((window.act_focus_queues, window.sidebar), (window.act_focus_table, window.queue_view)):
        action.trigger()
        assert window.focusWidget() is widget or widget.hasFocus()
    # Reply: with a ticket open, the shortcut puts the keyboard in the ticket panel's composer.
    window.sidebar.select_queue("all")
    qtbot.waitUntil(lambda: window.queue_view.model_.rowCount() > 0, timeout=WAIT_MS)
    window.act_next.trigger()
    qtbot.waitUntil(lambda: window.runner.is_idle, timeout=WAIT_MS)
    window.act_reply.trigger()
    focused = QApplication.focusWidget()
    assert focused is not None and window.ticket_panel.isAncestorOf(focused)
    shortcuts = {a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()}
    assert {"Ctrl+J", "Ctrl+R", "Ctrl+Shift+N", "Ctrl+E", "Ctrl+F"} <= shortcuts
    assert window.queue_view.selectionBehavior() == window.queue_view.SelectionBehavior.SelectRows
    assert window.sidebar.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_light_and_dark_palettes(qapp):
    from desk_app.ui import theme

    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    try:
        theme.apply_theme(qapp, "dark")
        assert theme.is_dark_palette()
        dark_icon = theme.icon("user").pixmap(24, 24).toImage()
        theme.apply_theme(qapp, "light")
        assert not theme.is_dark_palette()
        light_icon = theme.icon("user").pixmap(24, 24).toImage()
        assert dark_icon != light_icon  # icons are tinted for the palette in use
        assert "#Sidebar" in qapp.styleSheet()
    finally:
        qapp.setStyle(style)
        qapp.setPalette(palette)
        qapp.setStyleSheet(sheet)
        theme.icon.cache_clear()


def test_an_ended_session_asks_for_the_password_and_carries_on(windows, ui_store, qtbot):
    import httpx
    from window_helpers import API

    window = windows("agent")
    session = window.session
    response = httpx.post(ui_store.url + API + "/auth/logout",
                          headers={"Authorization": f"Bearer {session.api.token}"}, timeout=10)
    assert response.status_code == 204
    session.engine.reconnect()  # the next request learns the token is gone
    qtbot.waitUntil(lambda: window._relogin is not None, timeout=WAIT_MS)
    assert window.sync_status.state_label.text() == "Login expired"
    window._relogin.setTextValue("demo")
    window._relogin.accept()
    qtbot.waitUntil(lambda: session.status.connection is Connection.ONLINE, timeout=WAIT_MS)
    assert window._relogin is None
