"""Deliver the outbox over SMTP: claim, send, record; retries with backoff.

Life of a message: `pending` -> (claimed) `sending` -> `sent` | `pending`
again with a later `next_attempt_at` (temporary failure) | `failed`.

* Claiming is a committed transaction of its own, before any SMTP dialogue:
  `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so several server
  instances never take the same message; SQLite has one writer by construction.
* Temporary failures (4xx replies, connection refused or dropped, timeouts,
  TLS or login problems, which are configuration an admin fixes) are retried
  after `backoff_base * 2**(attempt-1)` (capped), up to `max_attempts`;
  5xx replies fail the message at once.
* Delivery and permanent failure are recorded on the ticket as a system
  thread entry (pushed to clients, without bumping the ticket version) with
  an audit entry, in the transaction that marks the message.

"Never twice" is chosen over "at least once": if the instance dies between
the SMTP server's acceptance and the commit that marks the message `sent`,
the message stays `sending`; once `sending_timeout` has passed it is marked
`failed` with "delivery unknown" on the ticket, for an agent to check, and is
never sent again. (Resending would risk a duplicate for a window of
milliseconds per message; the Message-ID is stable per message, so a
resend, should an admin choose one, is recognisable by mail clients.)
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_app.server.core.clock import Clock
from desk_app.server.core.db import Database
from desk_app.server.core.settings import Settings, SmtpSettings
from desk_app.server.notifications.models import OutboxMessage
from desk_app.server.policies.registry import PolicyRegistry
from desk_app.server.tickets.models import Ticket
from desk_app.server.tickets.write import Ctx, add_system_entry, finish, placement

log = logging.getLogger("desk.notifications")


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # "sent" / "retry" / "failed"
    error: str | None = None


def classify(exc: BaseException, recipient: str) -> Outcome:
    """Temporary ("retry") or permanent ("failed") for a failed delivery."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = exc.recipients.get(recipient, next(iter(exc.recipients.values()), (500, b"refused")))
        return _by_code(code, text)
    if isinstance(exc, (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError)):
        # The server refuses *us*, not this message: configuration, retried.
        return Outcome("retry", f"SMTP login or TLS refused: {exc}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return _by_code(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, (smtplib.SMTPException, OSError, ssl.SSLError)):
        return Outcome("retry", f"{type(exc).__name__}: {exc}")
    return Outcome("retry", f"{type(exc).__name__}: {exc}")


def _by_code(code: int, text: bytes | str) -> Outcome:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    message = f"{code} {text}".strip()
    return Outcome("failed" if 500 <= code < 600 else "retry", message)


def backoff(settings_base: int, settings_max: int, attempts: int) -> timedelta:
    return timedelta(seconds=min(settings_max, settings_base * 2 ** max(0, attempts - 1)))


class InsecureLogin(smtplib.SMTPException):
    """Credentials are configured but the connection would not be encrypted."""


class SmtpConnection:
    """One SMTP session (opened on first use) with the configured security and login.

    "starttls" never falls back to plain text: a server that does not offer
    STARTTLS fails the attempt (`SMTPNotSupportedError`) before any message or
    credential is sent. Credentials are only ever sent over TLS.
    """

    def __init__(self, smtp: SmtpSettings) -> None:
        self.settings = smtp
        self._client: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        ca = self.settings.ca_file
        return ssl.create_default_context(cafile=str(ca) if ca else None)

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if s.username and s.security == "none":
            raise InsecureLogin(
                "SMTP credentials are configured but DESK_SMTP_SECURITY is 'none': the password is never "
                "sent unencrypted; use 'starttls' or 'tls'"
            )
        if s.security == "tls":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=self._context())
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        try:
            client.ehlo()
            if s.security == "starttls":
                client.starttls(context=self._context())
                client.ehlo()
            if s.username:
                client.login(s.username, s.password or "")
        except BaseException:
            client.close()
            raise
        return client

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        if self._client is None:
            self._client = self._open()
        try:
            self._client.send_message(message, from_addr=sender, to_addrs=[recipient])
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
            self._client.rset()  # the session itself is fine: the next message may go
            raise
        except BaseException:
            self.close()  # disconnected or in an unknown state: reconnect for the next one
            raise

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


def build_message(row: OutboxMessage, smtp: SmtpSettings, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.from_address
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(now)
    domain = smtp.from_address.rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(row.dedupe_key.encode()).hexdigest()[:16]
    # Stable per message: a copy sent again (by an admin) is recognisable as the same mail.
    message["Message-ID"] = f"<desk.{row.id}.{digest}@{domain}>"
    message["Content-Language"] = row.language
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to this
    message.set_content(row.body)
    return message


def _redact(text: str, address: str) -> str:
    return text.replace(address, "<customer>") if address else text


def _addressee(row: OutboxMessage, ticket: Ticket) -> str:
    """Whom the mail was for, as the thread names them: the customer, or a dispute's other party.

    A mail to someone other than the customer carries their address digest in
    its dedupe key (`outbox.enqueue`); the ticket still names their role unless
    the other party was changed since.
    """
    if ":to:" not in row.dedupe_key:
        return "the customer"
    role = ticket.counterparty_role
    if role and (ticket.counterparty_email or "").strip().lower() == row.recipient.strip().lower():
        return f"the {role.replace('_', ' ')}"
    return "the other party"


class OutboxSender:
    """Sends what is due; `process_due()` is one pass (the worker calls it; tests call it directly)."""

    def __init__(self, db: Database, settings: Settings, clock: Clock, policies: PolicyRegistry) -> None:
        self.db = db
        self.settings = settings
        self.config = settings.notifications
        self.clock = clock
        self.policies = policies

    # -- claiming ---------------------------------------------------------------------
    def _claim(self, now: datetime) -> list[OutboxMessage]:
        with self.db.write() as session:
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(self.config.batch_size)
            )
            if self.db.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = list(session.scalars(query))
            for row in rows:
                row.status = "sending"
                row.claimed_at = now
                row.attempts += 1
            session.flush()
            for row in rows:
                session.expunge(row)
        return rows

    def _reap_stale(self, now: datetime) -> int:
        """Mark messages a dead instance left 'sending' as failed (delivery unknown); never resend them."""
        limit = now - timedelta(seconds=self.config.sending_timeout_seconds)
        with self.db.write() as session:
            query = select(OutboxMessage).where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < limit)
            if self.db.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = list(session.scalars(query))
            for row in rows:
                row.status = "failed"
                row.last_error = (
                    "interrupted while sending (the server stopped): delivery unknown; not sent again "
                    "so the customer never gets it twice"
                )
                self._record(session, row, now, delivered=None)
        return len(rows)

    # -- one pass ---------------------------------------------------------------------
    def process_due(self) -> int:
        """Send every message due now (in batches); returns how many were attempted."""
        if not self.config.smtp.host:
            return 0
        self._reap_stale(self.clock.now())
        done = 0
        while True:
            now = self.clock.now()
            batch = self._claim(now)
            if not batch:
                return done
            connection = SmtpConnection(self.config.smtp)
            try:
                for row in batch:
                    outcome = self._send_one(connection, row, now)
                    self._finish(row.id, outcome)
                    done += 1
            finally:
                connection.close()

    def _send_one(self, connection: SmtpConnection, row: OutboxMessage, now: datetime) -> Outcome:
        try:
            connection.send(build_message(row, self.config.smtp, now), self.config.smtp.from_address, row.recipient)
        except Exception as exc:  # noqa: BLE001 - every failure is classified and recorded
            outcome = classify(exc, row.recipient)
            log.warning("mail %s to ticket %s: %s", row.id, row.ticket_id, outcome.error)
            return outcome
        return Outcome("sent")

    def _finish(self, message_id: int, outcome: Outcome) -> None:
        now = self.clock.now()
        with self.db.write() as session:
            row = session.get(OutboxMessage, message_id, with_for_update=True)
            if row is None or row.status != "sending":
                return
            if outcome.status == "sent":
                row.status, row.sent_at, row.last_error = "sent", now, None
                self._record(session, row, now, delivered=True)
            elif outcome.status == "retry" and row.attempts < self.config.max_attempts:
                row.status = "pending"
                row.last_error = outcome.error
                row.next_attempt_at = now + backoff(
                    self.config.backoff_base_seconds, self.config.max_backoff_seconds, row.attempts
                )
            else:
                row.status, row.last_error = "failed", outcome.error
                if outcome.status == "retry":
                    row.last_error = f"gave up after {row.attempts} attempts; last: {outcome.error}"
                self._record(session, row, now, delivered=False)
            row.claimed_at = None if row.status == "pending" else row.claimed_at

    def _record(self, session: Session, row: OutboxMessage, now: datetime, *, delivered: bool | None) -> None:
        """A system entry (and audit entry) on the ticket: sent, failed, or delivery unknown."""
        if row.ticket_id is None:
            return
        ticket = session.scalar(select(Ticket).where(Ticket.id == row.ticket_id).with_for_update())
        if ticket is None:
            return
        ctx = Ctx(session, now, None, self.policies, self.settings)
        to = _addressee(row, ticket)
        if delivered:
            code, text = "notification_sent", f"Email to {to} sent ({row.trigger}): {row.subject}"
        elif delivered is None:
            code, text = "notification_unknown", f"Email to {to} may not have been sent ({row.trigger}): {row.subject}"
        else:
            code = "notification_failed"
            text = f"Email to {to} could not be delivered ({row.trigger}): {_redact(row.last_error or '', row.recipient)}"
        data = {"notification_id": row.id, "trigger": row.trigger, "attempts": row.attempts}
        entry = add_system_entry(ctx, ticket, code, text, data)
        finish(
            ctx,
            ticket,
            kind=f"notification.{code.removeprefix('notification_')}",
            fields=["thread"],
            prev=placement(ticket),
            audit_action=f"notification.{code.removeprefix('notification_')}",
            before=None,
            after={**data, "status": row.status, "error": _redact(row.last_error or "", row.recipient) or None},
            entry=entry,
            bump_version=False,
        )

    def next_due_at(self) -> datetime | None:
        with self.db.read() as session:
            return session.scalar(
                select(OutboxMessage.next_attempt_at)
                .where(OutboxMessage.status == "pending")
                .order_by(OutboxMessage.next_attempt_at)
                .limit(1)
            )


class OutboxWorker:
    """The sender on a background thread of the server, woken by ticket commits."""

    def __init__(self, sender: OutboxSender, poll_seconds: float) -> None:
        self.sender = sender
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="desk-outbox-sender", daemon=True)
        self._thread.start()

    def wake(self, *_args: object) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _wait_seconds(self) -> float:
        due = self.sender.next_due_at()
        if due is None:
            return self.poll_seconds
        left = (due - self.sender.clock.now()).total_seconds()
        return min(self.poll_seconds, max(left, 0.05))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.sender.process_due():
                    continue
                wait = self._wait_seconds()
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the sender
                log.exception("the outbox sender failed; retrying")
                wait = self.poll_seconds
            self._wake.wait(wait)
            self._wake.clear()
