"""Issue 13, item 9: the queue opens most urgent first, and its header says so."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSettings, Qt
from window_helpers import *  # noqa: F403
from window_helpers import WAIT_MS

from desk_app.ui.queue.queue_rows import SortField
from desk_app.ui.settings import DeskSettings, Keys
from desk_app.ui.queue.ticket_table_model import Column


def _click_header(qtbot, view, column: Column) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(int(column)) + header.sectionSize(int(column)) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_the_default_order_shows_as_the_due_columns_indicator(windows, ui_store, qtbot, tmp_path):
    for i in range(3):
        ui_store.create_ticket("agent", subject=f"Parcel {i} late")
    window = windows("agent")
    view = window.queue_view
    header = view.horizontalHeader()
    window.sidebar.select_queue("all")
    qtbot.waitUntil(lambda: view.spec().key == "all" and not view.loading, timeout=WAIT_MS)
    assert view.sort_state() == (SortField.URGENCY, False)
    # Visible: the "Next SLA due" header carries the ascending arrow, and its tooltip says what it means.
    assert header.isSortIndicatorShown()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (int(Column.DUE), Qt.SortOrder.AscendingOrder)
    tip = view.model_.headerData(int(Column.DUE), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "most urgent first" in tip and "breached" in tip

    # The agent sorts by customer, then clicks until that sort is cleared: back to most urgent first.
    _click_header(qtbot, view, Column.CUSTOMER)
    assert view.sort_state()[0] is SortField.CUSTOMER and header.sortIndicatorSection() == int(Column.CUSTOMER)
    _click_header(qtbot, view, Column.CUSTOMER)
    assert view.sort_state() == (SortField.CUSTOMER, True)
    _click_header(qtbot, view, Column.CUSTOMER)
    assert view.sort_state() == (SortField.URGENCY, False)
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (int(Column.DUE), Qt.SortOrder.AscendingOrder)
    # The due column itself: descending, then the default again.
    _click_header(qtbot, view, Column.DUE)
    assert view.sort_state() == (SortField.DUE, True)
    _click_header(qtbot, view, Column.DUE)
    assert view.sort_state() == (SortField.URGENCY, False)


def test_a_layout_saved_without_an_indicator_opens_with_it(windows, ui_store, qtbot, tmp_path):
    """A header saved before this change (no sort indicator) still shows the default order's arrow."""
    from PySide6.QtWidgets import QHeaderView

    old = QHeaderView(Qt.Orientation.Horizontal)
    old.setSortIndicatorClearable(True)
    old.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    settings = DeskSettings(QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat))
    settings.set(Keys.TABLE_HEADER, old.saveState())
    window = windows("agent", settings=settings)
    header = window.queue_view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (int(Column.DUE), Qt.SortOrder.AscendingOrder)
    assert window.queue_view.sort_state() == (SortField.URGENCY, False)


def test_the_policies_say_which_channels_are_served_in_arrival_order(ui_store):
    """Shopee answers its Twitter mentions strictly in arrival order (its policy's `queue_order`)."""
    from desk_app.ui.queue.queues import ReferenceData

    policies = ui_store.call("agent", "GET", "/policies")["policies"]
    shopee = next(p for p in policies if p["key"] == "shopee")
    orders = {c["key"]: c["queue_order"] for c in shopee["channels"]}
    assert orders["twitter"] == "arrival" and orders["email"] == shopee["queue_order"] == "priority"
    ref = ReferenceData.from_lists(policies, [])
    twitter = next(c["label"] for c in shopee["channels"] if c["key"] == "twitter")
    assert ref.arrival_classes == {("shopee", twitter)}
