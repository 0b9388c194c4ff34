"""The sender's transport security against a real SMTP server on loopback (aiosmtpd).

STARTTLS and implicit TLS with a certificate made here (openssl CLI) and trusted
through the settings' CA file; AUTH with the configured user name and password;
a wrong password; a server that does not offer STARTTLS; credentials with no
encryption configured. In every refusal nothing reaches the server in clear text.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from dataclasses import replace
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from desk_app.server.core.settings import NotificationSettings, SmtpSettings
from desk_app.server.notifications.models import OutboxMessage
from desk_app.server.notifications.sender import OutboxSender
from desk_app.server.tickets.models import ThreadEntry
from store_helpers import ticket_body

USER = "desk-mailer"
PASSWORD = "Corr3ct-horse-battery"


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (and its key); the certificate is its own CA file."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=desk-test-smtp",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(certificate) -> ssl.SSLContext:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context


class Handler:
    """Records messages and logins, and whether each arrived over TLS."""

    def __init__(self) -> None:
        self.messages: list[tuple[object, bool]] = []  # (envelope, over TLS)
        self.logins: list[tuple[str, str, bool]] = []  # (user, password, over TLS)
        self.commands: list[str] = []

    @staticmethod
    def _tls(server) -> bool:
        return server.transport.get_extra_info("ssl_object") is not None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope, self._tls(server)))
        return "250 OK queued"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((user, password, self._tls(server)))
        return AuthResult(success=(user, password) == (USER, PASSWORD), handled=False)


@pytest.fixture
def smtp_server():
    controllers = []

    def start(**kw) -> tuple[Handler, int]:
        handler = Handler()
        with socket.socket() as probe:  # aiosmtpd checks readiness by connecting: it needs a real port
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate, **kw)
        controller.start()
        controllers.append(controller)
        return handler, port

    yield start
    for controller in controllers:
        controller.stop()


def sender_for(app, port: int, **smtp) -> OutboxSender:
    config = NotificationSettings(
        smtp=SmtpSettings(host="127.0.0.1", port=port, from_address="care@desk.example", **{"timeout_seconds": 5, **smtp}),
        max_attempts=2,
        backoff_base_seconds=60,
    )
    return OutboxSender(app.state.db, replace(app.state.settings, notifications=config), app.state.clock,
                        app.state.policies)


def queue_mail(store) -> dict:
    """A Holesalemart ticket: its receipt mail is queued in the outbox."""
    return store.agent.create_ticket(
        **ticket_body(policy="holesalemart", category="orders", priority="normal", channel="portal")
    )


def only_row(db) -> OutboxMessage:
    with db.read() as s:
        [row] = s.scalars(select(OutboxMessage)).all()
        return row


def ticket_entries(db, ticket_id) -> list[tuple[str, str]]:
    with db.read() as s:
        rows = s.execute(
            select(ThreadEntry.event_code, ThreadEntry.body).where(
                ThreadEntry.ticket_id == ticket_id, ThreadEntry.event_code.like("notification_%")
            )
        ).all()
    return [tuple(r) for r in rows]


def test_starttls_with_login(app, store, db, smtp_server, certificate):
    handler, port = smtp_server(tls_context=server_context(certificate), require_starttls=True)
    ticket = queue_mail(store)
    sender = sender_for(app, port, security="starttls", ca_file=certificate[0], username=USER, password=PASSWORD)
    assert sender.process_due() == 1
    assert handler.logins == [(USER, PASSWORD, True)]
    [(envelope, over_tls)] = handler.messages
    assert over_tls and envelope.rcpt_tos == ["asha@example.com"]
    assert ticket["number"] in envelope.content.decode()
    assert only_row(db).status == "sent"
    assert [code for code, _ in ticket_entries(db, ticket["id"])] == ["notification_sent"]


def test_implicit_tls_with_login(app, store, db, smtp_server, certificate):
    # Implicit TLS: the whole session is encrypted, so AUTH needs no STARTTLS first.
    handler, port = smtp_server(ssl_context=server_context(certificate), auth_require_tls=False)
    queue_mail(store)
    sender = sender_for(app, port, security="tls", ca_file=certificate[0], username=USER, password=PASSWORD)
    assert sender.process_due() == 1
    assert handler.logins == [(USER, PASSWORD, True)]
    [(envelope, over_tls)] = handler.messages
    assert over_tls and envelope.mail_from == "care@desk.example"
    assert only_row(db).status == "sent"


def test_untrusted_certificate_is_refused(app, store, db, smtp_server, certificate):
    """Without the CA file the system's CAs do not know our certificate: nothing is sent, it is retried."""
    handler, port = smtp_server(tls_context=server_context(certificate), require_starttls=True)
    queue_mail(store)
    sender_for(app, port, security="starttls", username=USER, password=PASSWORD).process_due()
    row = only_row(db)
    assert row.status == "pending" and row.attempts == 1
    assert "certificate verify failed" in row.last_error.lower()
    assert handler.logins == [] and handler.messages == []


def test_wrong_password_is_retried_then_failed_without_leaking_it(app, store, db, smtp_server, certificate, clock):
    """A refused login is configuration (an admin fixes it): retried with backoff, then failed on the ticket."""
    handler, port = smtp_server(tls_context=server_context(certificate), require_starttls=True)
    ticket = queue_mail(store)
    wrong = "not-the-Password-42"
    sender = sender_for(app, port, security="starttls", ca_file=certificate[0], username=USER, password=wrong)
    sender.process_due()
    row = only_row(db)
    assert row.status == "pending" and row.attempts == 1
    assert "535" in row.last_error and "login" in row.last_error.lower()
    assert row.next_attempt_at == clock.now() + timedelta(seconds=60)
    clock.advance(timedelta(seconds=60))
    sender.process_due()
    row = only_row(db)
    assert row.status == "failed" and row.last_error.startswith("gave up after 2 attempts")
    # (smtplib tries each mechanism the server offers, PLAIN then LOGIN: always over TLS)
    assert set(handler.logins) == {(USER, wrong, True)} and handler.messages == []
    [(code, body)] = ticket_entries(db, ticket["id"])
    assert code == "notification_failed" and "535" in body
    assert wrong not in row.last_error and wrong not in body


def test_starttls_required_but_not_offered_sends_nothing(app, store, db, smtp_server):
    """A server (or a man in the middle) that drops STARTTLS gets neither the mail nor the password."""
    handler, port = smtp_server(auth_require_tls=False)  # no TLS at all, and AUTH offered in clear
    queue_mail(store)
    sender_for(app, port, security="starttls", username=USER, password=PASSWORD).process_due()
    row = only_row(db)
    assert row.status == "pending" and row.attempts == 1 and "STARTTLS" in row.last_error
    assert handler.logins == [] and handler.messages == []


def test_credentials_are_never_sent_without_encryption(app, store, db, smtp_server):
    handler, port = smtp_server(auth_require_tls=False)
    queue_mail(store)
    sender_for(app, port, security="none", username=USER, password=PASSWORD).process_due()
    row = only_row(db)
    assert row.status == "pending" and "unencrypted" in row.last_error and PASSWORD not in row.last_error
    assert handler.logins == [] and handler.messages == []


def test_tls_to_a_plain_server_fails_cleanly(app, store, db, smtp_server, certificate):
    """security=tls against a plain-text server: a TLS error, retried; the server sees no message."""
    handler, port = smtp_server()
    queue_mail(store)
    sender_for(app, port, security="tls", ca_file=certificate[0], timeout_seconds=3).process_due()
    row = only_row(db)
    assert row.status == "pending" and row.attempts == 1 and row.last_error
    assert handler.messages == []

