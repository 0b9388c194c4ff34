"""Issue 13, item 11: a dashboard click-through says which filter it applied, and clears with one click."""

from __future__ import annotations

from PySide6.QtCore import Qt
from window_helpers import *  # noqa: F403
from window_helpers import WAIT_MS

from desk_app.services.local_cache import QueueQuery
from desk_app.ui.dashboard import queue_query
from desk_app.services.reports import OPEN_STATUSES
from desk_app.ui.queue.queue_pane import describe_filter

NAMES = {
    "policies": {"shopee": "Shopee Indonesia"},
    "queues": {4: "Shopee first line"},
    "users": {7: "Ava"},
    "labels": {("shopee", "pesanan_belum_diterima"): "Pesanan belum diterima"},
}


def test_every_condition_of_a_filter_is_said():
    breached = {"statuses": list(OPEN_STATUSES), "sla_state": "breached", "policy": "shopee", "title": "Breached"}
    assert describe_filter(breached, NAMES) == ["Breached", "Shopee Indonesia", "open tickets"]
    # Without a title, each condition in words; ids and keys by their names.
    spelled = {"statuses": ["open"], "sla_state": "warning", "assignee_id": 7, "queue_id": 4, "policy": "shopee",
               "category": "pesanan_belum_diterima", "min_age_days": 3, "max_age_days": 7}
    assert describe_filter(spelled, NAMES) == [
        "due within 2 hours", "assigned to Ava", "Pesanan belum diterima", "open 3\u20137 days",
        "Shopee Indonesia", "queue Shopee first line", "Open"]
    assert describe_filter({"escalation": "waiting", "tier": 2, "unassigned": True}) == [
        "escalation not acknowledged", "Tier 2", "unassigned"]


def test_the_queue_applies_every_condition_the_chip_names():
    now = 1_000_000.0
    q = queue_query({"statuses": ["open"], "category": "c", "priority": "p", "channel": "twitter",
                     "customer_tier": "enterprise", "min_age_days": 3, "max_age_days": 7,
                     "escalation": "waiting"}, now)
    assert (q.category, q.priority, q.channel, q.customer_tier) == ("c", "p", "twitter", "enterprise")
    assert q.created_before == now - 3 * 86_400 and q.created_after == now - 7 * 86_400
    assert q.escalation_waiting
    older = queue_query({"min_age_days": 30, "max_age_days": None}, now)
    assert older.created_before == now - 30 * 86_400 and older.created_after is None
    assert isinstance(q, QueueQuery)


def test_a_click_through_shows_its_filter_above_the_queue_and_clears(windows, ui_store, qtbot):
    for i in range(3):
        ui_store.create_ticket("agent", subject=f"Parcel {i} late")
    window = windows("manager")
    view, chip = window.queue_view, window.queue_pane.filter_chip
    assert window.queue_view.spec().key == "all" and not chip.isVisible()
    dashboard = window.dashboard
    window.pages.setCurrentWidget(dashboard)
    dashboard.policy_combo.setCurrentIndex(dashboard.policy_combo.findData("shopom"))

    qtbot.mouseClick(dashboard.tile_backlog, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == 0
    # Said above the rows (not in the status bar), with the policy's name once the names are read.
    qtbot.waitUntil(lambda: chip.isVisible() and "SHOPOM" in chip.text.text().upper(), timeout=WAIT_MS)
    assert chip.text.text().startswith("Filtered: Backlog \u00b7 ")
    assert chip.clear_button.accessibleName() == "Clear filter"
    expected = window.session.cache.count(QueueQuery(statuses=OPEN_STATUSES, policy="shopom"))
    qtbot.waitUntil(lambda: not view.loading and view.model_.rowCount() == expected, timeout=WAIT_MS)
    assert window.sidebar.currentItem() is None  # no queue of the sidebar is what is shown

    # "Clear filter": back to the queue that was open before, the chip gone.
    qtbot.mouseClick(chip.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.spec().key == "all" and not view.loading, timeout=WAIT_MS)
    assert not chip.isVisible()
    assert window.sidebar.current_spec().key == "all"
    assert view.model_.rowCount() == window.session.cache.count(QueueQuery())

    # Escalations waiting: read from the tickets' latest escalation, and said so.
    made = ui_store.create_ticket("agent", subject="Refund above the limit")
    ui_store.call("agent", "POST", f"/tickets/{made['id']}/escalate", {"reason": "Too big"},
                  if_match=made["version"])
    window.pages.setCurrentWidget(dashboard)
    qtbot.waitUntil(lambda: (window.session.cache.ticket(made["id"]) or {}).get("tier") == 2, timeout=WAIT_MS)
    qtbot.mouseClick(dashboard.tile_escalations, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chip.isVisible() and "Escalations waiting" in chip.text.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not view.loading and view.model_.row_of_ticket(made["id"]) is not None, timeout=WAIT_MS)
    assert view.model_.rowCount() == window.session.cache.count(
        QueueQuery(statuses=OPEN_STATUSES, policy="shopom", escalation_waiting=True))

    # Choosing a queue in the sidebar also ends the filter.
    window.sidebar.select_queue("unassigned")
    qtbot.waitUntil(lambda: view.spec().key == "unassigned", timeout=WAIT_MS)
    assert not chip.isVisible()
