"""Queue customer mails in the transaction of the change that causes them.

Two entry points:

* `notify_ticket_change(session, ticket, ...)`, called once by
  `tickets.write.finish()` for every ticket change: it maps the change to a
  trigger (table below) and queues the mail when the ticket's policy promises it.
* `enqueue(session, ticket=..., trigger=..., ...)` for causes that are not a
  plain ticket change: the scheduler's `delayed` (a mode switched on) and
  `evidence_lapsed`, and anything else that wants to tell a customer something.

| Change                                          | Trigger          |
|-------------------------------------------------|------------------|
| ticket created                                  | `received`       |
| assigned to someone                             | `assigned`       |
| status -> pending_customer                      | `info_requested` |
| an agent's public reply                         | `progress`       |
| status -> resolved (with a CSAT survey link)    | `resolved`       |
| status -> closed                                | `closed`         |
| escalated up the ladder                         | `escalated`      |

Every message carries a dedupe key naming its cause (the ticket, the trigger and
the ticket version, entry or record that caused it); the outbox holds each key
once, so a replayed cause never mails twice. Policy and language come from
the ticket's policy (`[notifications]`); wording from `templates`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from desk_app.core.ticket import EntryKind, Status
from desk_app.server.auth.models import User
from desk_app.server.core.settings import Settings
from desk_app.server.directory.models import Customer
from desk_app.server.feedback.tokens import issue_survey_token, survey_path
from desk_app.server.notifications.models import OutboxMessage
from desk_app.server.notifications.templates import TRIGGERS, TemplateSet
from desk_app.server.policies.registry import PolicyRegistry
from desk_app.server.tickets.models import ThreadEntry, Ticket

log = logging.getLogger("desk.notifications")

_STATUS_TRIGGERS = {
    Status.PENDING_CUSTOMER.value: "info_requested",
    Status.RESOLVED.value: "resolved",
    Status.CLOSED.value: "closed",
}


@dataclass
class _Defaults:
    policies: PolicyRegistry | None = None
    settings: Settings | None = None
    templates: TemplateSet | None = None


_defaults = _Defaults()


@dataclass(frozen=True)
class Recipient:
    """Someone other than the ticket's customer to mail: a dispute's other party.

    Greeted by their role (`party`, written in the mail's language), since the
    store knows no name for them; their address goes into the dedupe key, so
    each party gets one mail per cause.
    """

    email: str
    party: str


def configure(policies: PolicyRegistry, settings: Settings, templates: TemplateSet | None = None) -> TemplateSet:
    """Set what `enqueue` uses when its caller passes no policies/settings (create_app calls it)."""
    _defaults.policies = policies
    _defaults.settings = settings
    _defaults.templates = templates or _defaults.templates or TemplateSet.load()
    return _defaults.templates


def templates() -> TemplateSet:
    if _defaults.templates is None:
        _defaults.templates = TemplateSet.load()
    return _defaults.templates


def _insert_ignoring_duplicate(session: Session, values: dict[str, Any]) -> bool:
    """INSERT unless the dedupe key exists; True when a row was added. Never raises on the duplicate."""
    dialect = session.get_bind().dialect.name
    table = OutboxMessage.__table__
    if dialect == "postgresql":
        stmt = postgresql.insert(table).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    else:  # pragma: no cover - the store runs on SQLite or PostgreSQL only
        stmt = insert(table).values(**values)
    # RETURNING, not rowcount: psycopg reports no reliable rowcount for ON CONFLICT DO NOTHING.
    return session.connection().execute(stmt.returning(table.c.id)).scalar() is not None


def enqueue(
    session: Session,
    *,
    ticket: Ticket,
    trigger: str,
    now: datetime,
    dedupe_key: str,
    data: dict[str, Any] | None = None,
    policies: PolicyRegistry | None = None,
    settings: Settings | None = None,
    recipient: Recipient | None = None,
    quote_submitter: bool = True,
) -> bool:
    """Queue the mail for `trigger` in the caller's transaction.

    `quote_submitter=False`: the mail repeats nothing the customer typed (see below).

    `recipient`: mail this party instead of the ticket's customer.

    False (nothing queued) when the policy does not promise the trigger, the
    customer has no email address, or a mail with this dedupe key exists.
    `data` fills template placeholders (`notice`, `party`, `reply`, `agent_name`, ...).
    """
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown notification trigger {trigger!r}")
    policies = policies or _defaults.policies
    settings = settings or _defaults.settings
    if policies is None or settings is None:
        raise RuntimeError("notifications are not configured (create_app calls outbox.configure)")
    policy = policies.get(ticket.policy_key)
    if policy is None or trigger not in policy.notifications.triggers:
        return False
    customer = session.get(Customer, ticket.customer_id)
    if recipient is not None:
        to = recipient.email
        name = templates().party_name(policy.notifications.language, recipient.party)
        name = name[:1].upper() + name[1:]
        # A digest, not the address: keys show up in logs and diagnostics.
        digest = hashlib.sha256(to.strip().lower().encode()).hexdigest()[:16]
        key = f"{trigger}:{ticket.id}:{dedupe_key}"[:180] + f":to:{digest}"
    elif customer is None or not customer.email:
        return False
    else:
        to, name = customer.email, customer.name
        key = f"{trigger}:{ticket.id}:{dedupe_key}"[:200]
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None:
        return False
    values: dict[str, Any] = {
        "customer_name": name,
        "ticket_number": ticket.number,
        "subject": ticket.subject,
        "policy_name": policy.name,
        "order_id": ticket.order_id,
        "agent_name": f"{policy.name} support",
    }
    values.update({k: v for k, v in (data or {}).items() if v is not None})
    if not quote_submitter:
        # Anyone may submit the anonymous form with anyone's address: until that
        # address has answered, a mail to it carries nothing the submitter wrote
        # (no name, subject or order), only what the store made (issue 19.4).
        values.update(customer_name=templates().party_name(policy.notifications.language, "customer"),
                      subject=ticket.number, order_id=None)
    if trigger == "resolved" and "survey_url" not in values:
        values["survey_url"] = settings.public_url.rstrip("/") + survey_path(issue_survey_token(session, ticket, now))
    mail = templates().render(policy.key, policy.notifications.language, trigger, values)
    return _insert_ignoring_duplicate(
        session,
        {
            "ticket_id": ticket.id,
            "trigger": trigger,
            "dedupe_key": key,
            "recipient": to,
            "language": mail.language,
            "subject": mail.subject,
            "body": mail.body,
            "created_at": now,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
        },
    )


def _trigger_for(ticket: Ticket, kind: str, previous: dict[str, Any] | None, entry: ThreadEntry | None):
    """(trigger, cause) for a change, or None."""
    if kind == "ticket.created":
        return "received", "created"
    if entry is not None and entry.kind == EntryKind.PUBLIC_REPLY:
        return "progress", f"e{entry.id}"
    if kind == "ticket.assigned" and ticket.assignee_id is not None:
        return "assigned", f"v{ticket.version}:u{ticket.assignee_id}"
    if kind == "ticket.escalated":
        return "escalated", f"v{ticket.version}:t{ticket.tier}"
    if previous is not None and previous.get("status") != ticket.status:
        trigger = _STATUS_TRIGGERS.get(ticket.status)
        if trigger is not None:
            return trigger, f"v{ticket.version}:{ticket.status}"
    return None


def notify_ticket_change(
    session: Session,
    ticket: Ticket,
    *,
    kind: str,
    previous: dict[str, Any] | None,
    entry: ThreadEntry | None,
    now: datetime,
    policies: PolicyRegistry,
    settings: Settings,
) -> bool:
    """Queue the mail a ticket change calls for, if its policy promises one (called by `finish`).

    `kind`: the change-log kind; `previous`: the ticket's snapshot before the
    change (None for a new ticket); `entry`: the thread entry of the change.
    """
    policy = policies.get(ticket.policy_key)
    if policy is None or not policy.notifications.triggers:
        return False  # the common case for policies that promise nothing: no work at all
    found = _trigger_for(ticket, kind, previous, entry)
    if found is None or found[0] not in policy.notifications.triggers:
        return False
    trigger, cause = found
    data: dict[str, Any] = {}
    if trigger == "progress":
        data["reply"] = entry.body
        data["agent_name"] = entry.author_name
    elif trigger == "assigned":
        assignee = session.get(User, ticket.assignee_id)
        data["agent_name"] = assignee.display_name if assignee else None
    elif trigger == "escalated":
        try:
            data["tier_name"] = policy.tier(ticket.tier).name
        except LookupError:
            data["tier_name"] = f"Tier {ticket.tier}"
    return enqueue(
        session,
        ticket=ticket,
        trigger=trigger,
        now=now,
        dedupe_key=cause,
        data=data,
        policies=policies,
        settings=settings,
        # No staff member made it (the anonymous intake, a mail gateway): the
        # receipt goes to an address nobody has confirmed.
        quote_submitter=not (trigger == "received" and ticket.created_by_id is None),
    )
