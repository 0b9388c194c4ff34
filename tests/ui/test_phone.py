"""Phone tools against a real store: log a call, a new ticket from a call, business hours now."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from live_store import *  # noqa: F401,F403 - the store's fixtures
from live_store import wait_until
from person_keys import press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from window_signals import window_signals

from desk_app.ui.phone import (
    BusinessHoursIndicator,
    CallTimer,
    LogCallDialog,
    NewTicketFromCallDialog,
)
from desk_app.ui.phone.business_hours import business_hours_now
from desk_app.ui.reference import shipped_policy


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def phone_tickets(live) -> list[dict]:
    return [t for t in live.call("agent", "GET", "/tickets")["tickets"] if t["channel"] == "phone"]


def test_call_timer_counts_pauses_and_resumes(qapp):
    clock = FakeClock()
    timer = CallTimer(clock)
    seen = []
    timer.ticked.connect(seen.append)
    timer.start()
    clock.now += 65
    assert timer.tick() == 65
    assert timer.stop() == 65
    clock.now += 300  # on hold: not counted
    timer.start()
    clock.now += 10.7
    assert timer.elapsed() == 75
    assert seen[0] == 0 and seen[-1] == 65


def test_log_a_call_with_its_duration_from_the_timer(qtbot, live, sync_ops):
    ticket = live.create_ticket("agent", assign_to_me=True)
    session = live.session("agent")
    wait_until(lambda: session.cache.ticket(ticket["id"]), message="cached")
    session.cache.store_ticket(session.api.ticket(ticket["id"]))  # the customer's number is known now
    clock = FakeClock()
    dialog = LogCallDialog(session, sync_ops, ticket["id"], clock=clock)
    qtbot.addWidget(dialog)
    assert dialog.number.text() == "+919876543210"  # prefilled from the customer
    clock.now += 125
    dialog.timer.tick()
    assert dialog.display.time.text() == "2:05"
    dialog.direction.setCurrentIndex(dialog.direction.findData("outbound"))
    dialog.notes.setPlainText("Called back about the refund.")
    with qtbot.waitSignal(dialog.logged, timeout=5_000):
        dialog.log_button.click()

    def logged():
        thread = live.call("agent", "GET", f"/tickets/{ticket['id']}")["thread"]
        return [e for e in thread if e["kind"] == "phone_call"]

    (entry,) = wait_until(logged, message="the call reached the server")
    assert entry["call"] == {"number": "+919876543210", "direction": "outbound", "duration_seconds": 125}
    assert entry["body"] == "Called back about the refund."


def test_log_call_refuses_a_bad_number_and_keeps_everything(qtbot, live, sync_ops):
    ticket = live.create_ticket("agent", assign_to_me=True)
    session = live.session("agent")
    wait_until(lambda: session.cache.ticket(ticket["id"]), message="cached")
    dialog = LogCallDialog(session, sync_ops, ticket["id"], clock=FakeClock())
    qtbot.addWidget(dialog)
    dialog.number.setText("call me")
    dialog.notes.setPlainText("Important notes")
    dialog.log_button.click()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=5_000)
    assert not dialog.error.isHidden() and "not a phone number" in dialog.error.text()
    assert dialog.notes.toPlainText() == "Important notes"
    assert dialog.timer.running  # the call goes on
    assert session.cache.outbox.size() == 0


def test_new_ticket_from_a_call_finds_the_customer_by_phone(qtbot, live, sync_ops):
    known = live.create_ticket("agent", assign_to_me=True)
    session = live.session("agent")
    wait_until(lambda: session.cache.reference("policies"), message="policies cached")
    session.cache.store_ticket(session.api.ticket(known["id"]))  # an opened ticket: contact cached
    clock = FakeClock()
    dialog = NewTicketFromCallDialog(session, sync_ops, clock=clock)
    qtbot.addWidget(dialog)
    assert [dialog.policy.itemData(i) for i in range(dialog.policy.count())] == ["ooulet", "shopee", "shopom"]

    qtbot.keyClicks(dialog.number, "98765 43210")
    dialog.look_up()  # what the debounce timer does after typing stops
    assert dialog.selected_customer()["id"] == known["customer_id"]
    assert dialog.name.text() == "Asha Rao"
    assert dialog.policy.currentData() == "shopom"  # the customer's earlier ticket's policy
    dialog.category.setCurrentIndex(dialog.category.findData("returns_refunds"))
    dialog.notes.setPlainText("Wants to return the blender.\nOrder SO-2002.")
    clock.now += 312
    with qtbot.waitSignal(dialog.created, timeout=5_000):
        dialog.create_button.click()

    (ticket,) = wait_until(lambda: phone_tickets(live), message="the ticket reached the server")
    assert ticket["customer_id"] == known["customer_id"]
    assert ticket["subject"] == "Wants to return the blender."
    assert ticket["assignee_id"] == live.ids["agent"] and ticket["status"] == "open"
    detail = live.call("agent", "GET", f"/tickets/{ticket['id']}")
    call = [e for e in detail["thread"] if e["kind"] == "phone_call"][0]
    assert call["call"]["duration_seconds"] == 312 and call["call"]["number"] == "9876543210"


def test_new_ticket_from_a_call_for_an_unknown_caller_needs_a_name(qtbot, live, sync_ops):
    session = live.session("agent")
    wait_until(lambda: session.cache.reference("policies"), message="policies cached")
    dialog = NewTicketFromCallDialog(session, sync_ops, clock=FakeClock())
    qtbot.addWidget(dialog)
    dialog.number.setText("+62 812 0000 1111")
    dialog.lookup.setText("+62 812 0000 1111")
    dialog.look_up()
    assert dialog.selected_customer() is None
    dialog.create_button.click()
    assert "name" in dialog.error.text()
    dialog.name.setText("Budi Santoso")
    dialog.policy.setCurrentIndex(dialog.policy.findData("shopee"))
    with qtbot.waitSignal(dialog.created, timeout=5_000):
        dialog.create_button.click()
    (ticket,) = wait_until(lambda: phone_tickets(live), message="created")
    assert ticket["customer_name"] == "Budi Santoso" and ticket["policy"] == "shopee"


def test_the_callers_number_chooses_the_policy_with_a_phone_line_in_their_country(qtbot, live, sync_ops):
    from PySide6.QtCore import Qt

    session = live.session("agent")
    wait_until(lambda: session.cache.reference("policies"), message="policies cached")
    dialog = NewTicketFromCallDialog(session, sync_ops, clock=FakeClock())
    qtbot.addWidget(dialog)
    assert dialog.policy.currentData() == "ooulet"  # the first with a phone line, before a number is known
    qtbot.keyClicks(dialog.number, "+62 813 1234 5678")
    assert dialog.policy.currentData() == "shopee"  # Indonesia: Shopee's call centre, not Ooulet
    dialog.number.clear()
    qtbot.keyClicks(dialog.number, "98765 43210")  # a local number of India
    assert dialog.policy.currentData() == "ooulet"
    # The agent's own choice is kept whatever is typed next.
    dialog.policy.setFocus()
    qtbot.keyClick(dialog.policy, Qt.Key.Key_Down)
    assert dialog.policy.currentData() == "shopee"
    qtbot.keyClicks(dialog.number, "0")
    dialog.look_up()  # what the debounce timer does after typing stops (no match: nothing else changes)
    assert dialog.policy.currentData() == "shopee"


def test_a_local_number_finds_the_customer_saved_with_the_country_code(qtbot, live, sync_ops):
    known = live.create_ticket("agent", assign_to_me=True, policy="shopee", category="pertanyaan_umum",
                               customer={"name": "Budi Santoso", "email": "budi@example.com",
                                         "phone": "+62 813 1234 5678"})
    session = live.session("agent")
    wait_until(lambda: session.cache.reference("policies") and session.cache.ticket(known["id"]),
               message="policies and the ticket cached")
    session.cache.store_ticket(session.api.ticket(known["id"]))  # an opened ticket: contact cached
    dialog = NewTicketFromCallDialog(session, sync_ops, clock=FakeClock())
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.number, "0813-1234-5678")  # as the caller says it
    dialog.look_up()
    match = dialog.selected_customer()
    assert match["id"] == known["customer_id"] and not match.get("from_server")  # this computer's cache found her
    assert dialog.name.text() == "Budi Santoso" and dialog.policy.currentData() == "shopee"


def test_business_hours_per_policy_calendar():
    shopom, shopee = shipped_policy("shopom"), shipped_policy("shopee")
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # 14:30 in India
    states = {(s.policy, s.what): s for s in business_hours_now([shopom], monday)}
    assert states[("shopom", "phone")].open and states[("shopom", "support")].open
    saturday = monday + timedelta(days=5)
    states = {(s.policy, s.what): s for s in business_hours_now([shopom, shopee], saturday)}
    phone = states[("shopom", "phone")]
    assert not phone.open and states[("shopom", "support")].open  # support is 24/7, the phone line is not
    assert phone.opens_at == datetime(2026, 3, 9, 4, 30, tzinfo=timezone.utc)  # Monday 10:00 IST


def test_business_hours_indicator_for_the_status_bar(qtbot, live, sync_ops):
    session = live.session("agent")
    wait_until(lambda: session.cache.reference("policies"), message="policies cached")
    now = [datetime(2026, 3, 7, 9, 0, tzinfo=timezone.utc)]  # a Saturday
    indicator = BusinessHoursIndicator(session, runner=sync_ops, signals=window_signals(session), now=lambda: now[0])
    qtbot.addWidget(indicator)
    assert indicator.open_now("shopom", "phone") is False
    assert "Phone lines open:" in indicator.label.text()
    assert "SHOPOM.IN" in indicator.toolTip() and "opens" in indicator.toolTip()
    now[0] = datetime(2026, 3, 9, 6, 0, tzinfo=timezone.utc)  # Monday 11:30 IST
    indicator.refresh()
    assert indicator.open_now("shopom", "phone") is True


@pytest.mark.parametrize("seconds, text", [(0, "0:00"), (65, "1:05"), (3723, "1:02:03")])
def test_call_time_format(seconds, text):
    from desk_app.ui.phone import format_call_time

    assert format_call_time(seconds) == text


# -- finding the caller on the server too ------------------------------------------------------


def _online_session(live, username: str = "agent"):
    from desk_app.services.events import Connection

    session = live.session(username)
    wait_until(lambda: session.cache.reference("policies") and session.status.connection is Connection.ONLINE,
               message="online, policies cached")
    return session


def test_a_caller_none_of_whose_tickets_is_here_is_found_on_the_server(qtbot, live, sync_ops):
    siti = live.call("admin", "POST", "/customers",
                     {"name": "Siti Rahma", "phone": "+62 811 2222 3333", "email": "siti@example.com"})
    session = _online_session(live)
    assert session.cache.search("811 2222 3333", limit=5) == []  # nothing of hers on this computer
    dialog = NewTicketFromCallDialog(session, sync_ops, clock=FakeClock())
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.number, "+62 811 2222 3333")
    dialog.look_up()

    assert dialog.selected_customer()["id"] == siti["id"]
    assert dialog.name.text() == "Siti Rahma"
    text = dialog.results.item(0).text()
    assert "(found on the server)" in text and "contact hidden" in text  # the agent handles none of hers
    assert dialog.lookup_note.isHidden()
    dialog.policy.setCurrentIndex(dialog.policy.findData("shopee"))
    dialog.notes.setPlainText("Asks about a refund.")
    with qtbot.waitSignal(dialog.created, timeout=5_000):
        dialog.create_button.click()
    (ticket,) = wait_until(lambda: phone_tickets(live), message="the ticket reached the server")
    assert ticket["customer_id"] == siti["id"]


def test_the_cache_answers_first_and_the_servers_other_matches_are_added(qtbot, live, tmp_path):
    from desk_app.ui.ops import CollectingReporter, OpRunner

    known = live.create_ticket("agent", assign_to_me=True)  # Asha Rao, cached with her contact
    other = live.call("admin", "POST", "/customers", {"name": "Asha Putri", "phone": "+62 812 5555 0000"})
    session = _online_session(live)
    session.cache.store_ticket(session.api.ticket(known["id"]))
    runner = OpRunner(error_reporter=CollectingReporter())
    try:
        dialog = NewTicketFromCallDialog(session, runner, clock=FakeClock())
        qtbot.addWidget(dialog)
        dialog.lookup.setText("Asha")
        dialog.look_up()
        # Both answers in (the store's alone also lists two, in its own order, when it comes first).
        qtbot.waitUntil(lambda: runner.is_idle and len(dialog.matches) == 2, timeout=10_000)
        # One entry per customer: Asha Rao from the cache (with her contact), first; Asha Putri from the store.
        assert [m["id"] for m in dialog.matches] == [known["customer_id"], other["id"]]
        assert not dialog.matches[0].get("from_server") and dialog.matches[0]["phone"] == "+919876543210"
        assert dialog.matches[1]["from_server"] and "(found on the server)" in dialog.results.item(1).text()
        assert dialog.selected_customer()["id"] == known["customer_id"]  # the first pick stays
        assert dialog.name.text() == "Asha Rao"
        qtbot.waitUntil(lambda: runner.is_idle, timeout=5_000)
        assert not runner.error_reporter.errors
    finally:
        runner.shutdown()


def test_offline_the_lookup_stays_on_this_computer_and_says_so(qtbot, live, sync_ops):
    from desk_app.services.events import Connection

    known = live.create_ticket("agent", assign_to_me=True)
    live.call("admin", "POST", "/customers", {"name": "Asha Putri", "phone": "+62 812 5555 0000"})
    session = _online_session(live)
    session.cache.store_ticket(session.api.ticket(known["id"]))
    live.server.stop()
    wait_until(lambda: session.status.connection is Connection.OFFLINE, message="offline")
    dialog = NewTicketFromCallDialog(session, sync_ops, clock=FakeClock())
    qtbot.addWidget(dialog)
    dialog.lookup.setText("Asha")
    dialog.look_up()
    assert [m["id"] for m in dialog.matches] == [known["customer_id"]]  # only what is cached
    assert dialog.lookup_note.isVisibleTo(dialog) and "Offline" in dialog.lookup_note.text()
    assert not sync_ops.error_reporter.errors


def test_a_failed_server_search_keeps_the_cached_matches_and_says_so(qtbot, live, sync_ops):
    known = live.create_ticket("agent", assign_to_me=True)
    session = _online_session(live)
    session.cache.store_ticket(session.api.ticket(known["id"]))
    live.server.stop()  # gone before the status noticed: the request itself fails
    dialog = NewTicketFromCallDialog(session, sync_ops, clock=FakeClock())
    qtbot.addWidget(dialog)
    dialog.lookup.setText("asha@example.com")
    dialog.look_up()
    assert [m["id"] for m in dialog.matches] == [known["customer_id"]]
    assert "Offline" in dialog.lookup_note.text() and dialog.lookup_note.isVisibleTo(dialog)
    assert not sync_ops.error_reporter.errors


# -- the keyboard: focus in the first field, Enter a new line, Ctrl+Enter submits (issue 13, item 2) ----------


def _shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    return dialog


def test_log_call_opens_in_the_notes_and_typing_a_sentence_logs_one_call_with_it(qtbot, live, sync_ops):
    ticket = live.create_ticket("agent", assign_to_me=True)
    session = live.session("agent")
    wait_until(lambda: session.cache.ticket(ticket["id"]), message="cached")
    session.cache.store_ticket(session.api.ticket(ticket["id"]))  # the customer's number is known
    clock = FakeClock()
    dialog = _shown(qtbot, LogCallDialog(session, sync_ops, ticket["id"], clock=clock))
    assert QApplication.focusWidget() is dialog.notes
    type_text("Customer asked about the refund.\nPromised a call back tomorrow.")
    assert dialog.isVisible() and session.cache.outbox.size() == 0  # Enter was a new line, nothing logged
    assert dialog.timer.running
    clock.now += 95
    with qtbot.waitSignal(dialog.logged, timeout=5_000):
        press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert session.cache.outbox.size() <= 1
    wait_until(lambda: session.cache.outbox.size() == 0, message="sent")
    calls = [e for e in live.call("agent", "GET", f"/tickets/{ticket['id']}")["thread"] if e["kind"] == "phone_call"]
    assert [(c["body"], c["call"]["duration_seconds"]) for c in calls] == [
        ("Customer asked about the refund.\nPromised a call back tomorrow.", 95)]


def test_an_empty_call_log_is_not_saved_and_says_why(qtbot, live, sync_ops):
    ticket = live.create_ticket("agent", assign_to_me=True)
    session = live.session("agent")
    wait_until(lambda: session.cache.ticket(ticket["id"]), message="cached")
    dialog = _shown(qtbot, LogCallDialog(session, sync_ops, ticket["id"], clock=FakeClock()))
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    type_text("   ")
    dialog.log_button.click()
    assert "empty call log is not saved" in dialog.error.text() and not dialog.error.isHidden()
    assert dialog.isVisible() and dialog.timer.running and session.cache.outbox.size() == 0
    assert QApplication.focusWidget() is dialog.notes


def test_new_ticket_from_a_call_keeps_the_typed_caller_and_enter_in_the_notes_is_a_new_line(qtbot, live, sync_ops):
    live.create_ticket("agent", assign_to_me=True)  # Asha Rao: a match for "+62 81" would not be her
    session = live.session("agent")
    wait_until(lambda: session.cache.reference("policies"), message="policies cached")
    dialog = _shown(qtbot, NewTicketFromCallDialog(session, sync_ops, clock=FakeClock()))
    assert QApplication.focusWidget() is dialog.number  # the first field the agent fills
    type_text("+62 812 0000 1111")
    dialog.look_up()  # what the debounce timer does after typing stops
    press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # "Customer n&ame"
    type_text("Budi Santoso")
    dialog.policy.setCurrentIndex(dialog.policy.findData("shopee"))
    press(Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # "No&tes"
    assert QApplication.focusWidget() is dialog.notes
    type_text("Parcel arrived damaged.\nWants a replacement.")
    assert dialog.isVisible() and session.cache.outbox.size() == 0
    with qtbot.waitSignal(dialog.created, timeout=5_000):
        press(Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier)
    (ticket,) = wait_until(lambda: phone_tickets(live), message="created")
    assert ticket["customer_name"] == "Budi Santoso" and ticket["subject"] == "Parcel arrived damaged."
    detail = live.call("agent", "GET", f"/tickets/{ticket['id']}")
    assert detail["thread"][0]["body"] == "Parcel arrived damaged.\nWants a replacement."
    assert detail["thread"][0]["call"]["number"] == "+6281200001111"


def test_a_name_the_agent_typed_is_not_replaced_by_a_match_found_afterwards(qtbot, live, sync_ops):
    known = live.create_ticket("agent", assign_to_me=True)
    session = live.session("agent")
    wait_until(lambda: session.cache.reference("policies"), message="policies cached")
    session.cache.store_ticket(session.api.ticket(known["id"]))
    dialog = NewTicketFromCallDialog(session, sync_ops, clock=FakeClock())
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Rahul Mehta")  # a new caller, calling from a number Asha Rao used
    qtbot.keyClicks(dialog.number, "98765 43210")
    dialog.look_up()
    assert dialog.results.count() == 1 and dialog.selected_customer() is None
    assert dialog.name.text() == "Rahul Mehta"
    dialog.results.setCurrentRow(0)  # the agent picks the match: now it is her
    assert dialog.name.text() == "Asha Rao" and dialog.selected_customer()["id"] == known["customer_id"]


def test_a_cached_customer_whose_contact_is_hidden_says_so(qtbot, live, sync_ops):
    """A ticket made for an existing customer shows only what its creator typed (issue 19.10):
    found again in this computer's cache, the caller reads "contact hidden", not a bare name."""
    from window_helpers import ticket_body

    from desk_app.ui.phone.new_ticket_dialog import find_customers

    siti = live.call("admin", "POST", "/customers",
                     {"name": "Siti Rahma", "phone": "+62 811 2222 3333", "email": "siti@example.com"})
    body = ticket_body(customer_id=siti["id"], channel="phone", status="open", assign_to_me=True,
                       message={"kind": "phone_call", "body": "Asks about a refund.",
                                "call": {"number": "+62 811 9999 0000", "direction": "inbound",
                                         "duration_seconds": 30}})
    body.pop("customer")
    ticket = live.call("agent", "POST", "/tickets", body)
    session = live.session("agent")
    wait_until(lambda: session.cache.ticket(ticket["id"]), message="the ticket cached")
    session.cache.store_ticket(session.api.ticket(ticket["id"]))  # opened once: its customer cached

    (match,) = find_customers(session, "Siti Rahma")
    assert match["id"] == siti["id"] and match["phone"] is None and match["email"] is None
    assert match["contact_hidden"]
    dialog = NewTicketFromCallDialog(session, sync_ops, clock=FakeClock())
    qtbot.addWidget(dialog)
    assert "contact hidden" in dialog._describe(match) and "(found" not in dialog._describe(match)


def test_the_best_match_is_picked_whichever_answer_comes_first(qtbot, live, sync_ops):
    """The store's answer may come before the cache's: the dialog's own pick then moves to the
    cache's match (it knows more); a pick the agent made would stay."""
    session = live.session("agent")
    dialog = NewTicketFromCallDialog(session, sync_ops, clock=FakeClock())
    qtbot.addWidget(dialog)
    dialog.lookup.setText("Asha")
    dialog._looked_up = "Asha"
    rao = {"id": 1, "name": "Asha Rao", "phone": "+919876543210", "email": "asha@example.com", "policy": "shopom"}
    putri = {"id": 2, "name": "Asha Putri", "phone": None, "email": None, "contact_hidden": True, "from_server": True}
    dialog._server_found("Asha", [putri, {**rao, "phone": None, "email": None, "from_server": True}])
    assert dialog.selected_customer()["id"] == 2  # the best match so far
    dialog._local_found("Asha", [rao])
    assert [m["id"] for m in dialog.matches] == [1, 2]
    assert dialog.selected_customer()["id"] == 1 and dialog.name.text() == "Asha Rao"
    dialog.results.setCurrentRow(1)  # the agent's pick
    dialog._server_found("Asha", [putri])
    assert dialog.selected_customer()["id"] == 2
