"""The window while the server is away and when a colleague's change comes in (issue 13, item 16).

* An offline banner spans the window (above every page) while the server does
  not answer, says what is kept, and goes when the server answers again.
* A colleague's change is shown on the next turns of the event loop: the
  queue's rows and the sidebar's counts no longer wait for a trailing timer
  (200 ms and 400 ms, before) when nothing else is being updated.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QCoreApplication, Qt
from window_helpers import *  # noqa: F403
from window_helpers import WAIT_MS, WindowFactory

from desk_app.services.events import Connection


def test_an_offline_banner_spans_the_window_while_the_server_is_away(windows, ui_store, qtbot):
    ticket = ui_store.take("agent", ui_store.create_ticket("agent", subject="Parcel late"))
    window = windows("agent")
    banner = window.offline_banner
    assert not banner.isVisible()

    ui_store.stop()
    qtbot.waitUntil(lambda: window.sync_status.status.connection is Connection.OFFLINE, timeout=WAIT_MS)
    assert banner.isVisible()
    # Across the top of the window, above the pages: seen whatever page or panel has the focus.
    assert banner.parentWidget() is window.centralWidget() is window.pages.parentWidget()
    banner_bottom = banner.mapTo(window, banner.rect().bottomLeft()).y()
    assert banner_bottom <= window.pages.mapTo(window, window.pages.rect().topLeft()).y()
    text = banner.text.text()
    assert text.startswith("You are offline since ") and "kept on this computer" in text
    assert banner.accessibleName() == text  # read out by a screen reader as it is shown

    window.session.actions.add_note(ticket["id"], "Called the courier while the server was away.")
    qtbot.waitUntil(lambda: "1 change" in banner.text.text(), timeout=WAIT_MS)
    retry = banner.retry_button
    assert retry.accessibleName() and retry.focusPolicy() & Qt.FocusPolicy.TabFocus

    ui_store.start()  # the same port
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.session.status.outbox_size == 0, timeout=WAIT_MS)


def test_a_colleagues_change_is_shown_without_waiting_for_a_timer(qtbot, ui_store, sync_ops, ui_settings, tmp_path):
    ticket = ui_store.create_ticket("agent", subject="Parcel late")
    factory = WindowFactory(qtbot, ui_store, sync_ops, ui_settings, tmp_path)
    try:
        window = factory("agent")
        view, sidebar = window.queue_view, window.sidebar
        sidebar.select_queue("unassigned")
        qtbot.waitUntil(lambda: view.model_.row_of_ticket(ticket["id"]) is not None, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: sync_ops.is_idle and not view.loading, timeout=WAIT_MS)
        unassigned = sidebar.counts()["unassigned"]

        # The client hears of the colleague's change on its sync thread; the window's thread is
        # left alone meanwhile, so that nothing it has queued runs before the checks below.
        heard = threading.Event()
        window.session.events.changes.connect(
            lambda changes: heard.set() if ticket["id"] in changes.ticket_ids else None)
        ui_store.take("manager", ticket)
        deadline = time.monotonic() + WAIT_MS / 1000
        while not heard.is_set():
            assert time.monotonic() < deadline, "the change never reached the client"
            heard.wait(0.01)

        for _ in range(6):  # a few turns of the event loop; no timer is waited for
            QCoreApplication.processEvents()
        assert view.model_.row_of_ticket(ticket["id"]) is None, "taken: no longer unassigned"
        assert sidebar.counts()["unassigned"] == unassigned - 1
    finally:
        factory.close_all()
