"""The outbox sender against a real SMTP server on loopback (aiosmtpd): deliver, retry, fail, never twice."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from desk_app.server.core.settings import NotificationSettings, SmtpSettings
from desk_app.server.notifications.models import OutboxMessage
from desk_app.server.notifications.sender import OutboxSender
from desk_app.server.tickets.models import ThreadEntry
from store_helpers import ticket_body


class Recorder:
    """An SMTP handler that records messages; `script` gives replies for the next DATA commands."""

    def __init__(self, script: list[str] | None = None) -> None:
        self.script = list(script or [])
        self.messages: list = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.script:
            reply = self.script.pop(0)
            if not reply.startswith("250"):
                return reply
        self.messages.append(envelope)
        self.arrived.set()
        return "250 OK queued"


@pytest.fixture
def smtp():
    handlers = []

    def start(script=None, **kw):
        handler = Recorder(script)
        with socket.socket() as probe:  # aiosmtpd checks readiness by connecting: it needs a real port
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kw)
        controller.start()
        handlers.append(controller)
        return handler, controller

    yield start
    for controller in handlers:
        controller.stop()


def sender_for(app, port: int, **smtp) -> OutboxSender:
    config = NotificationSettings(
        smtp=SmtpSettings(host="127.0.0.1", port=port, security="none", from_address="care@desk.example",
                          timeout_seconds=5, **smtp),
        max_attempts=3,
        backoff_base_seconds=60,
        max_backoff_seconds=600,
    )
    settings = replace(app.state.settings, notifications=config)
    return OutboxSender(app.state.db, settings, app.state.clock, app.state.policies)


def holesalemart_ticket(store) -> dict:
    return store.agent.create_ticket(
        **ticket_body(policy="holesalemart", category="orders", priority="normal", channel="portal")
    )


def outbox(db) -> list[OutboxMessage]:
    with db.read() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def system_entries(db, ticket_id) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(ThreadEntry.event_code).where(
                    ThreadEntry.ticket_id == ticket_id, ThreadEntry.event_code.like("notification_%")
                )
            )
        )


def test_delivers_once_and_records_it_on_the_ticket(app, store, db, smtp):
    handler, controller = smtp()
    ticket = holesalemart_ticket(store)
    sender = sender_for(app, controller.port)
    assert sender.process_due() == 1
    assert sender.process_due() == 0  # nothing twice
    assert len(handler.messages) == 1
    envelope = handler.messages[0]
    assert envelope.rcpt_tos == ["asha@example.com"] and envelope.mail_from == "care@desk.example"
    text = envelope.content.decode()
    assert ticket["number"] in text and "Auto-Submitted: auto-generated" in text
    [row] = outbox(db)
    assert row.status == "sent" and row.attempts == 1 and row.sent_at == store.clock.now()
    assert system_entries(db, ticket["id"]) == ["notification_sent"]
    # Recorded without bumping the version: the agent's next edit still applies.
    detail = store.agent.get(f"/tickets/{ticket['id']}").json()
    assert detail["version"] == ticket["version"]


def test_temporary_failure_is_retried_after_backoff(app, store, db, smtp, clock):
    handler, controller = smtp(["451 4.3.0 try again later"])
    ticket = holesalemart_ticket(store)
    sender = sender_for(app, controller.port)
    sender.process_due()
    [row] = outbox(db)
    assert row.status == "pending" and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at == clock.now() + timedelta(seconds=60)
    assert sender.process_due() == 0 and not handler.messages  # not due yet: no real waiting
    clock.advance(timedelta(seconds=60))
    assert sender.process_due() == 1
    [row] = outbox(db)
    assert row.status == "sent" and row.attempts == 2 and len(handler.messages) == 1
    assert system_entries(db, ticket["id"]) == ["notification_sent"]


def test_permanent_failure_is_recorded(app, store, db, smtp):
    handler, controller = smtp(["550 5.1.1 mailbox unavailable"])
    ticket = holesalemart_ticket(store)
    sender_for(app, controller.port).process_due()
    [row] = outbox(db)
    assert row.status == "failed" and row.attempts == 1 and row.last_error.startswith("550")
    assert system_entries(db, ticket["id"]) == ["notification_failed"]
    detail = store.agent.get(f"/tickets/{ticket['id']}").json()
    failed = [e for e in detail["thread"] if e["event_code"] == "notification_failed"]
    assert "550" in failed[0]["body"] and "asha@example.com" not in failed[0]["body"]


def test_connection_refused_backs_off_then_gives_up(app, store, db, smtp, clock):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ticket = holesalemart_ticket(store)
    sender = sender_for(app, port)
    waits = []
    for _ in range(3):
        sender.process_due()
        [row] = outbox(db)
        if row.status != "pending":
            break
        waits.append(row.next_attempt_at - clock.now())
        clock.advance(waits[-1])
    assert waits == [timedelta(seconds=60), timedelta(seconds=120)]
    assert row.status == "failed" and row.attempts == 3 and "gave up after 3 attempts" in row.last_error
    assert system_entries(db, ticket["id"]) == ["notification_failed"]


def test_interrupted_sending_is_never_resent(app, store, db, smtp, clock):
    handler, controller = smtp()
    ticket = holesalemart_ticket(store)
    with db.write() as s:  # as a dead instance leaves it: claimed, SMTP outcome unknown
        row = s.scalars(select(OutboxMessage)).one()
        row.status, row.claimed_at, row.attempts = "sending", clock.now(), 1
    sender = sender_for(app, controller.port)
    assert sender.process_due() == 0
    clock.advance(timedelta(seconds=sender.config.sending_timeout_seconds + 1))
    assert sender.process_due() == 0
    [row] = outbox(db)
    assert row.status == "failed" and "delivery unknown" in row.last_error
    assert not handler.messages
    assert system_entries(db, ticket["id"]) == ["notification_unknown"]


def test_worker_in_the_server_sends_live(backend_app, db, clock, smtp, tmp_path):
    from fastapi.testclient import TestClient

    from desk_app.server.app import create_app
    from store_helpers import Store

    handler, controller = smtp()
    base = backend_app.state.settings
    settings = replace(
        base,
        notifications=NotificationSettings(
            smtp=SmtpSettings(host="127.0.0.1", port=controller.port, security="none"), poll_seconds=0.5
        ),
    )
    app = create_app(settings, database=db, clock=clock, policies=backend_app.state.policies, listen=False)
    with TestClient(app) as client:
        store = Store.create(client, db, clock)
        holesalemart_ticket(store)
        assert handler.arrived.wait(15), "the background sender did not deliver"
    assert not app.state.outbox_worker._thread  # stopped with the app
    deadline = time.monotonic() + 5
    while outbox(db)[0].status != "sent" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert outbox(db)[0].status == "sent"
