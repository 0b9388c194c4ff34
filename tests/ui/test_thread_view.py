"""The thread view builds a long conversation in slices, newest first, and keeps the agent's place."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from desk_app.ui.ticket_panel.thread_view import ThreadView
from live_store import *  # noqa: F401,F403 - the store's fixtures

KINDS = ["customer_message", "public_reply", "internal_note", "phone_call"]


def entries(count: int, *, first_id: int = 1, words: int = 40) -> list[dict]:
    made = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        made.append({"id": first_id + n, "kind": kind, "author_name": "Agent", "author_id": 1,
                     "created_at": f"2026-11-02T{8 + n // 60:02d}:{n % 60:02d}:00+00:00",
                     "body": f"Entry {first_id + n}: " + "lorem ipsum " * words,
                     "call": {"direction": "inbound", "duration_seconds": 65} if kind == "phone_call" else None})
    return made


def bodies(view: ThreadView) -> list[str]:
    return [card.entry["body"].split(":")[0] for card in view.cards]


def make_view(qtbot) -> ThreadView:
    view = ThreadView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_long_thread_shows_its_newest_cards_at_once_and_the_rest_in_order_soon(qtbot):
    view = make_view(qtbot)
    thread = entries(20)
    view.show_thread(thread)

    assert bodies(view) == [f"Entry {n}" for n in range(15, 21)]  # the newest slice, in order
    assert view.pending == 14
    qtbot.waitUntil(lambda: view.pending == 0, timeout=5_000)
    assert bodies(view) == [f"Entry {n}" for n in range(1, 21)]
    assert view.kinds() == [KINDS[n % 4] for n in range(20)]
    # The rows are laid out in the same order as the cards.
    QApplication.processEvents()
    tops = [card.mapTo(view.widget(), card.rect().topLeft()).y() for card in view.cards]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)


def test_the_view_stays_at_the_newest_entry_while_older_slices_arrive(qtbot):
    view = make_view(qtbot)
    view.show_thread(entries(30))
    qtbot.waitUntil(lambda: view.pending == 0, timeout=5_000)
    QApplication.processEvents()
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0
    assert bar.value() == bar.maximum()
    last = view.cards[-1]
    bottom = last.mapTo(view.viewport(), last.rect().bottomLeft()).y()
    assert 0 < bottom <= view.viewport().height()


def test_a_place_the_agent_scrolled_to_is_kept_when_older_cards_are_added_above(qtbot):
    view = make_view(qtbot)
    view.show_thread(entries(30))
    QApplication.processEvents()  # one older slice is built; more are to come
    assert view.pending > 0
    bar = view.verticalScrollBar()
    bar.setValue(max(0, bar.maximum() - 150))  # the agent scrolls up a little
    card = view.cards[-2]
    before = card.mapTo(view.viewport(), card.rect().topLeft()).y()
    qtbot.waitUntil(lambda: view.pending == 0, timeout=5_000)
    QApplication.processEvents()
    assert card.mapTo(view.viewport(), card.rect().topLeft()).y() == before
    assert bar.value() < bar.maximum()


def test_every_card_has_its_full_height_as_soon_as_its_slice_is_in(qtbot):
    """No squeezed cards while the slices come in: the content is sized with each slice."""
    view = make_view(qtbot)
    view.show_thread(entries(30))
    while view.pending:
        QApplication.processEvents()
        for row in view.rows:
            assert row.height() == row.heightForWidth(row.width())


def test_showing_another_thread_drops_the_slices_not_built_yet(qtbot):
    view = make_view(qtbot)
    view.show_thread(entries(40))
    assert view.pending == 34
    view.show_thread(entries(3, first_id=100), customer_name="Someone else")
    assert view.pending == 0
    assert bodies(view) == ["Entry 100", "Entry 101", "Entry 102"]
    for _ in range(5):  # the old timer must not add the first thread's cards
        QApplication.processEvents()
    assert bodies(view) == ["Entry 100", "Entry 101", "Entry 102"]


def test_new_entries_are_appended_even_while_older_slices_are_still_coming(qtbot):
    view = make_view(qtbot)
    thread = entries(20)
    view.show_thread(thread)
    shown = list(view.cards)
    view.show_thread(thread + entries(1, first_id=21))
    assert view.cards[:len(shown)] == shown  # nothing rebuilt
    assert bodies(view)[-1] == "Entry 21"
    qtbot.waitUntil(lambda: view.pending == 0, timeout=5_000)
    assert bodies(view) == [f"Entry {n}" for n in range(1, 22)]


# -- system events, as the store writes them ---------------------------------------------------


def _store_events(live, clock) -> list[dict]:
    """A ticket's system events from a real store: taken, answered, waiting on a third party,
    its first-response clock breached (the scheduler's event), resolved and reopened."""
    from datetime import datetime

    ticket = live.create_ticket("agent")
    ticket = live.call("agent", "POST", f"/tickets/{ticket['id']}/take", {}, if_match=ticket["version"])
    due = next(c for c in ticket["sla"]["clocks"] if c["key"] == "first_response")["due_at"]
    clock.set(datetime.fromisoformat(due.replace("Z", "+00:00")))
    live.app.state.scheduler.run_due(clock.now())  # the first response is late: breached
    live._tokens.clear()  # a day later: log in again
    ticket = live.call("agent", "GET", f"/tickets/{ticket['id']}")
    live.call("agent", "POST", f"/tickets/{ticket['id']}/entries", {"kind": "public_reply", "body": "On it."})
    ticket = live.call("agent", "GET", f"/tickets/{ticket['id']}")
    ticket = live.call("agent", "POST", f"/tickets/{ticket['id']}/status", {"status": "pending_third_party"},
                       if_match=ticket["version"])
    thread = live.call("agent", "GET", f"/tickets/{ticket['id']}")["thread"]
    return [e for e in thread if e["kind"] == "system_event"]


def _event_lines(qtbot, entries) -> dict[str, str]:
    view = make_view(qtbot)
    view.show_thread(entries)
    return {card.entry["event_code"]: card.caption.text() for card in view.cards}


def test_system_events_read_as_words_in_the_agents_time(qtbot, live, clock):
    from desk_app.ui.ticket_panel.event_text import local_time

    events = _store_events(live, clock)
    lines = _event_lines(qtbot, events)
    assert lines["status_changed"].startswith("Status: Open \u2192 Waiting on third party \u00b7 ")
    breach = next(e for e in events if e["event_code"] == "sla_breached")
    due = local_time(breach["data"]["clocks"][0]["due_at"])
    assert lines["sla_breached"].startswith(f"SLA: First response breached (was due {due}) \u00b7 ")
    assert lines["assigned"].startswith("Assigned to Agent \u00b7 ")
    for line in lines.values():  # no raw states, no UTC next to the local time
        assert "UTC" not in line and "pending_third_party" not in line and "->" not in line, line
    # The status change of the reply (new -> open) names its cause.
    first = [e for e in events if e["event_code"] == "status_changed" and e["data"]["to"] == "open"]
    assert first and first[0]["data"]["cause"] == "first_response"


def test_system_events_read_in_indonesian(qtbot, live, clock, qapp):
    from PySide6.QtCore import QLocale

    from desk_app.ui import i18n, sla_display

    events = _store_events(live, clock)
    i18n.install_translations("id", app=qapp)
    sla_display.retranslate()
    try:
        lines = _event_lines(qtbot, events)
    finally:
        i18n.install_translations("en", app=qapp)
        QLocale.setDefault(QLocale.c())
        sla_display.retranslate()
    assert lines["status_changed"].startswith("Status: Terbuka \u2192 Menunggu pihak ketiga \u00b7 ")
    assert lines["sla_breached"].startswith("SLA: Respons pertama terlewati (jatuh tempo ")
    assert lines["assigned"].startswith("Ditugaskan kepada Agent \u00b7 ")
