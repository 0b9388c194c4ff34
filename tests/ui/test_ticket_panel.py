"""The ticket panel against a real store on loopback: read, reply, note, status, escalate, drafts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton

from desk_app.core.sla import ClockState
from desk_app.ui.countdown import CountdownClock
from desk_app.ui.ticket_panel import TicketPanel
from desk_app.ui.ticket_panel.attachment_files import AttachmentFiles
from live_store import *  # noqa: F401,F403 - the store's fixtures
from live_store import wait_until
from window_signals import window_signals


class FakeTime:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def countdown(qapp):
    clock = CountdownClock(FakeTime(START.timestamp()))
    yield clock
    clock.deleteLater()


def open_panel(qtbot, session, runner, countdown, ticket_id: int) -> TicketPanel:
    wait_until(lambda: session.cache.ticket(ticket_id), message="the ticket reached the cache")
    panel = TicketPanel(session, runner, signals=window_signals(session), countdown=countdown)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    panel.show_ticket(ticket_id)
    qtbot.waitUntil(lambda: panel.ticket is not None and bool(panel.thread.cards), timeout=10_000)
    return panel


def server_thread(live, ticket_id: int) -> list[dict]:
    return live.call("agent", "GET", f"/tickets/{ticket_id}")["thread"]


def test_open_a_ticket_and_reply_a_second_client_sees_it(qtbot, live, sync_ops, countdown):
    ticket = live.create_ticket("agent", assign_to_me=True)
    tid = ticket["id"]
    a, b = live.session("agent"), live.session("agent2")
    panel = open_panel(qtbot, a, sync_ops, countdown, tid)

    assert panel.header.subject.text() == "Parcel has not arrived"
    assert panel.header.number.text() == ticket["number"]
    assert panel.header.fact_values["customer"].text().startswith("Asha Rao")
    assert panel.header.fact_values["category"].text() == "Order issues"
    assert panel.thread.kinds() == ["customer_message"]
    # The full ticket was fetched: the customer's contact is known now.
    qtbot.waitUntil(lambda: a.cache.customer(ticket["customer_id"]) is not None, timeout=10_000)

    other = open_panel(qtbot, b, sync_ops, countdown, tid)
    panel.composer.editor.setFocus()
    qtbot.keyClicks(panel.composer.editor, "Your parcel left the depot today.")
    qtbot.keyClick(panel.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert panel.composer.editor.toPlainText() == ""
    assert panel.thread.kinds()[-1] == "public_reply"  # shown at once (optimistic)
    wait_until(lambda: any(e["kind"] == "public_reply" and e["body"] == "Your parcel left the depot today."
                           for e in server_thread(live, tid)), message="the server has the reply")
    qtbot.waitUntil(lambda: "public_reply" in other.thread.kinds(), timeout=10_000)
    reply = [c for c in other.thread.cards if c.kind == "public_reply"][0]
    assert "Agent replied" in reply.caption.text()
    assert a.cache.outbox.load_draft(tid, "public_reply") is None


def test_note_status_and_escalation_through_the_actions(qtbot, live, sync_ops, countdown):
    tid = live.create_ticket("agent", assign_to_me=True)["id"]
    session = live.session("agent")
    panel = open_panel(qtbot, session, sync_ops, countdown, tid)

    panel.focus_note()
    qtbot.keyClicks(panel.composer.editor, "Carrier says the parcel is in Pune.")
    assert panel.composer.send.text() == "Add note"
    panel.composer.send.click()
    assert panel.thread.kinds()[-1] == "internal_note"
    assert "Internal note by Agent" in panel.thread.cards[-1].caption.text()

    panel.actions_bar.status.click()
    dialog = panel.actions_bar.dialog
    dialog.status.setCurrentIndex(dialog.status.findData("pending_customer"))
    assert "Pauses the SLA clocks" in dialog.explanation.text()
    assert "(pauses SLA)" in dialog.status.currentText()
    dialog.accept()
    qtbot.waitUntil(lambda: panel.header.status.text() == "Waiting on customer", timeout=5_000)

    panel.actions_bar.escalate.click()
    dialog = panel.actions_bar.dialog
    assert dialog.tier.currentText() == "Senior Support Specialist"
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()  # a reason is required
    dialog.reason.setPlainText("Refund needs a senior decision.")
    dialog.accept()
    qtbot.waitUntil(lambda: panel.ticket["tier"] == 2, timeout=5_000)  # shown at once (optimistic)

    def on_server():
        t = live.call("manager", "GET", f"/tickets/{tid}")
        return t if t["tier"] == 2 else None

    server = wait_until(on_server, message="the escalation reached the server")
    kinds = [e["kind"] for e in server["thread"]]
    assert "internal_note" in kinds
    assert server["status"] == "pending_customer"
    assert server["escalation"]["reason"] == "Refund needs a senior decision."
    qtbot.waitUntil(lambda: panel.header.fact_values["tier"].text() == "Senior Support Specialist", timeout=10_000)
    assert panel.header.fact_values["assignee"].text() == "Unassigned"  # the next tier picks it up
    assert panel.actions_bar.deescalate.isEnabled()


def test_a_draft_survives_closing_the_panel_and_a_restart(qtbot, live, sync_ops, countdown, tmp_path):
    tid = live.create_ticket("agent", assign_to_me=True)["id"]
    session = live.session("agent", data_dir=tmp_path / "machine")
    panel = open_panel(qtbot, session, sync_ops, countdown, tid)
    qtbot.keyClicks(panel.composer.editor, "Half-written answer")
    panel.focus_note()
    qtbot.keyClicks(panel.composer.editor, "and a note")
    panel.close()  # hiding saves at once, without waiting for the debounce
    panel.deleteLater()

    again = open_panel(qtbot, session, sync_ops, countdown, tid)
    qtbot.waitUntil(lambda: again.composer.text("public_reply") == "Half-written answer", timeout=5_000)
    assert again.composer.text("internal_note") == "and a note"
    assert again.composer.editor.toPlainText() == "Half-written answer"
    session.stop()

    restarted = live.session("agent", data_dir=tmp_path / "machine")
    third = open_panel(qtbot, restarted, sync_ops, countdown, tid)
    qtbot.waitUntil(lambda: third.composer.editor.toPlainText() == "Half-written answer", timeout=5_000)


def test_countdown_ticks_and_turns_to_warning_at_the_threshold(qtbot, live, sync_ops, countdown):
    ticket = live.create_ticket("agent", assign_to_me=True)
    session = live.session("agent")
    panel = open_panel(qtbot, session, sync_ops, countdown, ticket["id"])
    clock = next(c for c in ticket["sla"]["clocks"] if c["key"] == "first_response")
    from datetime import datetime

    warn_at = datetime.fromisoformat(clock["warn_at"]).timestamp()
    due_at = datetime.fromisoformat(clock["due_at"]).timestamp()
    chip = next(c for c in panel.header.chips if c.key == "first_response")
    assert chip.name.text() == "First response"

    countdown._now_source.now = warn_at - 61
    countdown.tick()
    assert chip.state is ClockState.RUNNING
    assert chip.time.text() == "6h 1m"  # 24h target, warning at 75%
    countdown._now_source.now = warn_at - 1
    countdown.tick()
    assert chip.time.text() == "6h 0m" and chip.state is ClockState.RUNNING
    countdown._now_source.now = warn_at
    countdown.tick()
    assert chip.state is ClockState.WARNING
    assert "Warning" in chip.accessibleName()
    countdown._now_source.now = due_at + 120
    countdown.tick()
    assert chip.state is ClockState.BREACHED
    assert chip.time.text() == "-2m"
    assert "Was due" in chip.toolTip()


def test_presence_banner_names_the_colleague_on_the_ticket(qtbot, live, sync_ops, countdown):
    tid = live.create_ticket("agent", assign_to_me=True)["id"]
    a, b = live.session("agent"), live.session("agent2")
    panel = open_panel(qtbot, a, sync_ops, countdown, tid)
    assert panel.presence_banner.isHidden()

    b.presence.focus(tid)
    qtbot.waitUntil(lambda: panel.presence_banner.isVisible(), timeout=10_000)
    assert panel.presence_banner.text.text() == "Also on this ticket: Agent2 viewing."
    b.presence.focus(tid, composing=True)
    qtbot.waitUntil(lambda: "Agent2 replying now" in panel.presence_banner.text.text(), timeout=10_000)
    b.presence.focus(None)
    qtbot.waitUntil(lambda: panel.presence_banner.isHidden(), timeout=10_000)


def test_a_refused_reply_comes_back_into_the_composer(qtbot, live, sync_ops, countdown):
    ticket = live.create_ticket("agent", assign_to_me=True)
    tid = ticket["id"]
    session = live.session("agent")
    panel = open_panel(qtbot, session, sync_ops, countdown, tid)
    session.outbox.stop()  # offline for a moment: the reply waits in the outbox
    qtbot.keyClicks(panel.composer.editor, "We will refund you today.")
    panel.composer.send.click()
    assert panel.composer.editor.toPlainText() == ""
    # Meanwhile a manager hands the ticket to the specialists' private queue: the agent may no longer write.
    version = live.call("manager", "POST", f"/tickets/{tid}/assign", {"assignee_id": live.ids["specialist"]},
                        if_match=ticket["version"])["version"]
    live.call("manager", "PATCH", f"/tickets/{tid}", {"queue_id": live.ids["queue:specialists"]}, if_match=version)
    qtbot.keyClicks(panel.composer.editor, "PS: ")
    session.outbox.start()

    qtbot.waitUntil(lambda: "We will refund you today." in panel.composer.editor.toPlainText(), timeout=10_000)
    assert panel.composer.editor.toPlainText() == "PS:\n\nWe will refund you today."  # typed text first
    qtbot.waitUntil(lambda: "We will refund you today." in (
        session.cache.outbox.load_draft(tid, "public_reply") or type("D", (), {"body": ""})).body, timeout=5_000)


def test_the_mode_notice_banner_shows_the_policy_s_notice(qtbot, live, sync_ops, countdown):
    ticket = live.create_ticket("agent", assign_to_me=True, policy="pandorana", category="order_tracking")
    live.call("admin", "POST", "/policies/pandorana/modes/high_volume/on", {"note": "Sale weekend"})
    session = live.session("agent")
    panel = open_panel(qtbot, session, sync_ops, countdown, ticket["id"])
    # The store puts the notice on a ticket's snapshot when the ticket is next written.
    panel.focus_note()
    qtbot.keyClicks(panel.composer.editor, "Customer warned about the delay.")
    panel.composer.send.click()
    qtbot.waitUntil(lambda: panel.mode_banner.isVisible(), timeout=10_000)
    text = panel.mode_banner.text.text()
    assert text.startswith("High volume is on: We are receiving an unusually high number of messages.")
    assert panel.due_banner.isHidden()


class UrlCatcher(QObject):
    """Stands in for the desktop's file opener (QDesktopServices' handler for file: URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_an_attachment_is_downloaded_and_opened(qtbot, live, sync_ops, countdown, tmp_path):
    import httpx

    ticket = live.create_ticket("agent", assign_to_me=True)
    tid = ticket["id"]
    with httpx.Client(base_url=live.base, timeout=10) as http:
        response = http.post(f"/api/v1/tickets/{tid}/attachments", files={"files": ("../../label.png", PNG, "image/png")},
                             headers={"Authorization": f"Bearer {live.token('agent')}"})
    assert response.status_code == 201, response.text
    (uploaded,) = response.json()["attachments"]
    live.call("agent", "POST", f"/tickets/{tid}/entries",
              {"kind": "public_reply", "body": "Here is your return label.", "attachment_ids": [uploaded["id"]]})
    session = live.session("agent")
    stale = tmp_path / "attachments" / "session-crashed"  # a crashed run's folder: no live owner
    stale.mkdir(parents=True)
    (stale / "old.png").write_bytes(PNG)
    wait_until(lambda: session.cache.ticket(tid), message="the ticket reached the cache")
    panel = TicketPanel(session, sync_ops, signals=window_signals(session), countdown=countdown,
                        attachment_files=AttachmentFiles(tmp_path / "attachments"))
    assert not stale.exists()  # removed as the panel started
    panel.resize(900, 700)
    panel.show()
    panel.show_ticket(tid)
    qtbot.waitUntil(lambda: bool(panel.thread.findChildren(QPushButton, "attachmentButton")), timeout=10_000)
    (button,) = panel.thread.findChildren(QPushButton, "attachmentButton")
    reply = [c for c in panel.thread.cards if c.kind == "public_reply"][0]
    assert button.parent() is reply  # shown with the entry it came with

    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    (url,) = catcher.urls
    path = url.toLocalFile()
    assert path.endswith("label.png") and "/../" not in path  # the server's name, never a path
    with open(path, "rb") as handle:
        assert handle.read() == PNG
    assert Path(path).is_relative_to(panel.attachment_files.folder)

    # Logging out (or closing the window) deletes the panel, and the session's files with it.
    panel.close()
    panel.deleteLater()
    qtbot.waitUntil(lambda: not panel.attachment_files.folder.exists(), timeout=5_000)
    assert list((tmp_path / "attachments").iterdir()) == []


def test_the_escalation_due_banner_keeps_the_ticket_with_a_note(qtbot, live, sync_ops, countdown):
    from datetime import timedelta

    ticket = live.create_ticket("agent", assign_to_me=True)
    live.clock.advance(timedelta(hours=72))  # Shopom's tier 1 budget
    live._tokens.clear()
    live.app.state.scheduler.run_due(live.clock.now())
    session = live.session("agent")
    wait_until(lambda: (session.cache.ticket(ticket["id"]) or {}).get("escalation_due"), message="cached")
    panel = open_panel(qtbot, session, sync_ops, countdown, ticket["id"])
    assert panel.due_banner.isVisible()
    assert "time budget is used up" in panel.due_banner.text.text()
    assert panel.due_escalate.text() == "Escalate to Senior Support Specialist\u2026"
    assert panel.due_keep.isVisible()  # Shopom lets the owner keep it

    panel.due_keep.click()
    panel.dialog.reason.setPlainText("Replacement ships tomorrow; I will close it then.")
    panel.dialog.accept()
    qtbot.waitUntil(panel.due_banner.isHidden, timeout=5_000)  # at once, before the store answers
    wait_until(lambda: session.cache.outbox.size() == 0, message="sent")
    server = live.call("agent", "GET", f"/tickets/{ticket['id']}")
    assert server["escalation_due"] is None and server["tier"] == 1
    assert any(e["body"] == "Replacement ships tomorrow; I will close it then." for e in server["thread"])


def test_a_ticket_created_offline_is_followed_to_its_real_id(qtbot, live, sync_ops, countdown):
    session = live.session("agent")
    wait_until(lambda: session.cache.reference("policies"), message="reference data")
    session.outbox.stop()
    placeholder = session.actions.create_ticket(
        policy="shopom", subject="Called about a refund", category="returns_refunds", priority="normal",
        channel="phone", customer={"name": "Ravi Kumar", "phone": "+91 90000 11111"}, status="open",
        assign_to_me=True)
    panel = TicketPanel(session, sync_ops, signals=window_signals(session), countdown=countdown)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_ticket(placeholder)
    assert panel.ticket is not None and panel.header.number.text() == "(not sent yet)"
    qtbot.keyClicks(panel.composer.editor, "Draft typed before the ticket reached the server")
    session.outbox.start()
    qtbot.waitUntil(lambda: (panel.ticket_id or 0) > 0, timeout=10_000)
    qtbot.waitUntil(lambda: panel.header.number.text().startswith("DSK-"), timeout=10_000)
    assert panel.composer.editor.toPlainText() == "Draft typed before the ticket reached the server"
    panel.composer.flush_drafts()
    draft = session.cache.outbox.load_draft(panel.ticket_id, "public_reply")
    assert draft is not None and draft.body == "Draft typed before the ticket reached the server"


def test_opening_tickets_keeps_the_header_height_and_reuses_the_clock_chips(qtbot, live, sync_ops, countdown):
    """The header does not grow when a ticket opens (it would push the queue above it and repaint
    the whole table); the clock chips of one ticket serve the next."""
    first = live.create_ticket("agent", assign_to_me=True)
    second = live.create_ticket("agent", assign_to_me=True, subject="Wrong colour")
    session = live.session("agent")
    wait_until(lambda: session.cache.ticket(second["id"]), message="cached")
    panel = TicketPanel(session, sync_ops, signals=window_signals(session), countdown=countdown)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    header = panel.header
    empty = header.heightForWidth(header.width())

    panel.show_ticket(first["id"])
    qtbot.waitUntil(lambda: header.number.text() == first["number"], timeout=10_000)
    chips = list(header.chips)
    assert chips and header.heightForWidth(header.width()) == empty

    panel.show_ticket(second["id"])
    qtbot.waitUntil(lambda: header.number.text() == second["number"], timeout=10_000)
    assert header.chips == chips  # the same widgets, showing the second ticket's clocks
    assert [chip.clock for chip in header.chips] == [
        c for c in sorted(panel.ticket["sla"]["clocks"], key=lambda c: c.get("state") in ("met", "missed"))]
    assert header.heightForWidth(header.width()) == empty
    panel.show_ticket(None)
    assert header.chips == [] and all(chip.isHidden() for chip in chips)
    assert header.heightForWidth(header.width()) == empty
