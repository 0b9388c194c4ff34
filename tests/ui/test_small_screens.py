"""Desk on a contact centre's thin client: 1280x720 and 1366x768 screens.

The window opens within the screen's available area; nothing forces it to be
larger (the manager's dashboard scrolls instead); the queue keeps its SLA
column in view with the subject elided; the open ticket's conversation keeps
a useful share of the height; the composer and the status bar are on the
screen. The screens are the offscreen platform's (tests/ui/screens.json).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget
from window_helpers import *  # noqa: F403
from window_helpers import WAIT_MS

from desk_app.ui.queue.queue_fit import SUBJECT_MIN
from desk_app.ui.queue.ticket_table_model import Column

SIZES = ["1280x720", "1366x768"]


def _fill(store, n: int = 14) -> None:
    for i in range(n):
        ticket = store.create_ticket("agent", subject=f"Parcel {i} has not arrived and the customer wants a refund",
                                     order_id=f"SO-{3000 + i}")
        if i % 2:
            store.take("agent", ticket)


def _in_window(window, widget: QWidget) -> QRect:
    """Where `widget` is, in the window's coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _shown_on_screen(window, widget: QWidget, screen) -> bool:
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return widget.isVisible() and screen.availableGeometry().contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("size", SIZES)
def test_the_agents_window_fits_the_screen(size, screen_sized, windows, ui_store, qtbot):
    screen = screen_sized(size)
    _fill(ui_store)
    window = windows("agent", screen=screen)
    QApplication.processEvents()
    area = screen.availableGeometry()
    assert area.contains(window.frameGeometry()), (window.frameGeometry(), area)
    hint = window.minimumSizeHint()
    assert hint.width() <= area.width() and hint.height() <= area.height(), hint

    view = window.queue_view
    window.sidebar.select_queue("all")
    qtbot.waitUntil(lambda: view.model_.rowCount() >= 10, timeout=WAIT_MS)
    view.select_row(0)
    header = view.horizontalHeader()
    due = int(Column.DUE)
    # The SLA countdown is in view, whole, without scrolling sideways; the subject elides instead.
    assert header.sectionViewportPosition(due) + header.sectionSize(due) <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0
    assert header.sectionSize(int(Column.SUBJECT)) >= SUBJECT_MIN
    cell = view.visualRect(view.model_.index(0, due))
    assert view.viewport().rect().contains(cell)

    panel = window.ticket_panel
    qtbot.waitUntil(lambda: panel.ticket_id is not None, timeout=WAIT_MS)
    # The conversation keeps a useful share: more than a fifth of the window, a few cards' worth.
    thread = panel.thread.viewport()
    assert thread.height() >= max(150, window.height() // 5), (thread.height(), window.height())
    assert sum(1 for r in range(view.model_.rowCount())
               if view.viewport().rect().intersects(view.visualRect(view.model_.index(r, 0)))) >= 5
    for widget in (panel.composer.editor, panel.composer.send, window.statusBar(), window.sync_status):
        assert _shown_on_screen(window, widget, screen), widget


@pytest.mark.parametrize("size", SIZES)
def test_the_managers_dashboard_scrolls_to_every_table_and_button(size, screen_sized, windows, ui_store, qtbot):
    screen = screen_sized(size)
    _fill(ui_store, 4)
    window = windows("manager", screen=screen)
    QApplication.processEvents()
    area = screen.availableGeometry()
    assert area.contains(window.frameGeometry()), (window.frameGeometry(), area)
    hint = window.minimumSizeHint()
    assert hint.width() <= area.width() and hint.height() <= area.height(), hint  # was 1193 x 1007
    dashboard = window.dashboard
    assert window.pages.currentWidget() is dashboard and _shown_on_screen(window, window.statusBar(), screen)
    scroll = dashboard.scroll
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0  # the page is taller than the window: it scrolls
    # The manager scrolls down (the keyboard's End on the scroll area, as the wheel would).
    scroll.setFocus()
    qtbot.keyClick(scroll, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    if bar.value() != bar.maximum():  # a style that does not scroll on Ctrl+End: page down instead
        while bar.value() < bar.maximum():
            qtbot.keyClick(scroll, Qt.Key.Key_PageDown)
    viewport = QRect(scroll.viewport().mapToGlobal(QPoint(0, 0)), scroll.viewport().size())
    for widget in (dashboard.tables.csv_button, dashboard.tables.views["agents"].parentWidget()):
        place = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
        assert viewport.intersects(place) and area.contains(place.intersected(viewport)), widget
    csv = dashboard.tables.csv_button
    assert viewport.contains(QRect(csv.mapToGlobal(QPoint(0, 0)), csv.size()))  # whole, clickable


def test_a_saved_geometry_larger_than_the_screen_is_brought_within_it(screen_sized, windows, ui_store, qtbot):
    screen = screen_sized("1280x720")
    area = screen.availableGeometry()
    first = windows("agent", screen=screen)
    first.setWindowState(Qt.WindowState.WindowNoState)
    first.setGeometry(QRect(area.topLeft() + QPoint(200, 100), first.size().expandedTo(area.size()) * 1.2))
    windows.close(first)  # saved as it was: larger than the screen, and off its edge

    second = windows("agent", screen=screen)
    QApplication.processEvents()
    assert area.contains(second.frameGeometry()), (second.frameGeometry(), area)


def test_a_first_start_on_a_large_screen_opens_at_the_default_size(windows, ui_store, qapp):
    window = windows("agent")
    assert not window.isMaximized()
    assert (window.width(), window.height()) == (1440, 900)
    assert qapp.primaryScreen().availableGeometry().contains(window.frameGeometry())


def test_narrow_columns_are_saved_at_the_agents_widths(screen_sized, windows, ui_store, ui_settings):
    from desk_app.ui.settings import Keys

    window = windows("agent", screen=screen_sized("1280x720"))
    view = window.queue_view
    customer = int(Column.CUSTOMER)
    preferred = view.fitter.preferred[customer]
    assert view.columnWidth(customer) < preferred  # squeezed to keep the SLA column in view
    window.save_layout()
    header = type(view.horizontalHeader())(Qt.Orientation.Horizontal)
    header.setModel(view.model())
    assert header.restoreState(ui_settings.get(Keys.TABLE_HEADER))
    assert header.sectionSize(customer) == preferred  # what is saved is the agent's width
    assert view.columnWidth(customer) < preferred  # and the window is still fitted
