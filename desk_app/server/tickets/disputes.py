"""Disputes between parties (a buyer and a seller, say): evidence windows, and the other party.

Evidence windows. A request opens the party's window (an EVIDENCE_REQUESTED
event; the core times it as the clock `evidence:<party>`); documents from that
party close it (EVIDENCE_RECEIVED). When a window lapses without documents the
scheduler moves the case on (`scheduler.actions`, per the window's `on_lapse`)
and both parties are told.

The other party. A ticket's customer is the party who wrote in (a Shopee
buyer, say); in a dispute the other party (the seller) is asked for documents
and told when a window lapses too. Its address comes from the intake form
(`counterparty_email`) or from staff (`PUT /tickets/{id}/counterparty`).

The address is personal data: it lives in `tickets.counterparty_email` only,
never in the snapshot, the change feed, thread entries, audit records or logs
(those say that an address was set, not which). The ticket's detail shows it
to staff who may see the customer's contact.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select

from desk_app.core.policy import EvidenceWindowSpec, Policy
from desk_app.core.ticket import DONE_STATUSES, EventKind
from desk_app.server.core.errors import ApiError
from desk_app.server.core.validation import normalize_email
from desk_app.server.directory.models import Customer
from desk_app.server.intake.models import IntakeSubmission
from desk_app.server.notifications.outbox import Recipient, enqueue
from desk_app.server.tickets.models import Ticket
from desk_app.server.tickets.schemas import EntryIn
from desk_app.server.tickets.write import (
    Ctx,
    add_system_entry,
    add_thread_entry,
    finish,
    load_for_change,
    placement,
    record_event,
)

# -- evidence windows -----------------------------------------------------------------


#: Clock states of a window still waiting for documents.
_OPEN_STATES = frozenset({"running", "warning"})


def window_for(policy: Policy, category: str) -> EvidenceWindowSpec | None:
    return next((w for w in policy.evidence_windows if category in w.categories), None)


def _check(ctx: Ctx, ticket: Ticket, party: str) -> EvidenceWindowSpec:
    policy = ctx.policies.require(ticket.policy_key)
    spec = window_for(policy, ticket.category)
    if spec is None:
        raise ApiError(
            422,
            "no_evidence_window",
            f"Category {ticket.category!r} of policy {policy.key!r} has no evidence window "
            "(documents are only timed in disputes).",
        )
    if party not in spec.parties:
        raise ApiError(
            422, "unknown_party", f"Party {party!r} is not one of this dispute's parties ({', '.join(spec.parties)})."
        )
    if ticket.status in DONE_STATUSES:
        raise ApiError(409, "ticket_done", f"The ticket is {ticket.status}; reopen it first.")
    return spec


def window_state(ticket: Ticket, party: str) -> str | None:
    """The state of the party's current window clock, from the ticket's snapshot (None: never requested)."""
    clocks = (orjson.loads(ticket.snapshot or "{}").get("sla") or {}).get("clocks", [])
    return next((c["state"] for c in clocks if c["key"] == f"evidence:{party}"), None)


def _days(spec: EvidenceWindowSpec) -> str:
    hours = spec.duration.total_seconds() / 3600
    return f"{hours / 24:g} days" if hours >= 24 else f"{hours:g} hours"


def customer_role(ctx: Ctx, ticket: Ticket) -> str | None:
    """The party the ticket's customer is (buyer/seller), as they said at intake; None when unknown."""
    return ctx.session.scalar(
        select(IntakeSubmission.requester_role).where(IntakeSubmission.ticket_id == ticket.id).limit(1)
    )


def _mail_request(ctx: Ctx, ticket: Ticket, party: str) -> bool:
    """Ask the party for documents by mail (`info_requested`): the customer, or the
    counterparty (below) when the store has its address.

    Otherwise an agent asks them through their own channel; the system entry says so.
    """
    return mail_party(ctx, ticket, party, "info_requested", f"evidence:{party}:{ctx.now.isoformat()}", {"party": party})


def request_evidence(ctx: Ctx, ticket_id: int, if_match: int | None, party: str, note: str | None) -> Ticket:
    ticket = load_for_change(ctx, ticket_id, if_match)
    spec = _check(ctx, ticket, party)
    if window_state(ticket, party) in _OPEN_STATES:
        raise ApiError(
            409, "evidence_already_requested", f"Documents were already requested from the {party}; the window is open."
        )
    prev = placement(ticket)
    if note and note.strip():
        add_thread_entry(ctx, ticket, EntryIn(kind="internal_note", body=note))
    record_event(ctx.session, ticket, ctx.now, EventKind.EVIDENCE_REQUESTED, party=party)
    mailed = _mail_request(ctx, ticket, party)
    text = f"Documents requested from the {party}; they have {_days(spec)} to send them."
    if not mailed:
        text += f" No email went to the {party} from here: ask them directly."
    entry = add_system_entry(
        ctx,
        ticket,
        "documents_requested",
        text,
        {"party": party, "window": spec.key, "duration_seconds": int(spec.duration.total_seconds()), "mailed": mailed},
    )
    finish(
        ctx,
        ticket,
        kind="evidence.requested",
        fields=["sla", "thread"],
        prev=prev,
        audit_action="evidence.requested",
        before=None,
        after={"party": party, "window": spec.key},
        entry=entry,
    )
    return ticket


def receive_evidence(ctx: Ctx, ticket_id: int, if_match: int | None, party: str, note: str | None) -> Ticket:
    ticket = load_for_change(ctx, ticket_id, if_match)
    spec = _check(ctx, ticket, party)
    state = window_state(ticket, party)
    if state is None:
        raise ApiError(409, "evidence_not_requested", f"No documents were requested from the {party}.")
    if state not in _OPEN_STATES and state != "breached":
        raise ApiError(
            409, "evidence_already_received", f"The {party}'s documents were already received; request them again first."
        )
    prev = placement(ticket)
    if note and note.strip():
        add_thread_entry(ctx, ticket, EntryIn(kind="internal_note", body=note))
    record_event(ctx.session, ticket, ctx.now, EventKind.EVIDENCE_RECEIVED, party=party)
    late = state == "breached"
    entry = add_system_entry(
        ctx,
        ticket,
        "documents_received",
        f"Documents received from the {party}" + (" after the window closed." if late else "."),
        {"party": party, "window": spec.key, "late": late},
    )
    finish(
        ctx,
        ticket,
        kind="evidence.received",
        fields=["sla", "thread"],
        prev=prev,
        audit_action="evidence.received",
        before=None,
        after={"party": party, "window": spec.key, "late": late},
        entry=entry,
    )
    return ticket


# -- the other party ------------------------------------------------------------------


def dispute_window(policy: Policy, category: str) -> EvidenceWindowSpec | None:
    """The evidence window of a category, when it is a dispute between two or more parties."""
    spec = window_for(policy, category)
    return spec if spec is not None and len(spec.parties) >= 2 else None


def other_party(spec: EvidenceWindowSpec, requester_role: str | None) -> str | None:
    """The counterparty's role when the requester is one of exactly two parties; else None."""
    others = [p for p in spec.parties if p != requester_role]
    return others[0] if requester_role in spec.parties and len(others) == 1 else None


def _recipient(ticket: Ticket) -> Recipient | None:
    if ticket.counterparty_email and ticket.counterparty_role:
        return Recipient(ticket.counterparty_email, ticket.counterparty_role)
    return None


def mail_party(ctx: Ctx, ticket: Ticket, party: str, trigger: str, dedupe_key: str, data: dict[str, Any]) -> bool:
    """Mail one party of the dispute (the customer or the counterparty, whichever is `party`).

    False when the store has no address for that party or the policy does not promise the trigger.
    """
    if customer_role(ctx, ticket) == party:
        recipient = None
    else:
        recipient = _recipient(ticket)
        if recipient is None or recipient.party != party:
            return False
    return enqueue(
        ctx.session, ticket=ticket, trigger=trigger, now=ctx.now, dedupe_key=dedupe_key, data=data,
        policies=ctx.policies, settings=ctx.settings, recipient=recipient,
    )


def mail_both(ctx: Ctx, ticket: Ticket, trigger: str, dedupe_key: str, data: dict[str, Any]) -> int:
    """Mail the customer and, when it has an address, the counterparty; how many mails were queued."""
    sent = enqueue(
        ctx.session, ticket=ticket, trigger=trigger, now=ctx.now, dedupe_key=dedupe_key, data=data,
        policies=ctx.policies, settings=ctx.settings,
    )
    recipient = _recipient(ticket)
    if recipient is not None:
        sent += enqueue(
            ctx.session, ticket=ticket, trigger=trigger, now=ctx.now, dedupe_key=dedupe_key, data=data,
            policies=ctx.policies, settings=ctx.settings, recipient=recipient,
        )
    return int(sent)


def check_address(email: str, customer_email: str | None) -> str:
    address = normalize_email(email)
    if customer_email and normalize_email(customer_email) == address:
        raise ApiError(
            422, "counterparty_is_customer",
            "The counterparty's address is the customer's own: give the other party's address.",
        )
    return address


def set_counterparty(ctx: Ctx, ticket_id: int, if_match: int | None, party: str, email: str | None) -> Ticket:
    """Set (or with `email=None` clear) the dispute's other party; audited without the address."""
    ticket = load_for_change(ctx, ticket_id, if_match)
    customer = ctx.session.get(Customer, ticket.customer_id)
    if not ctx.viewer.sees_contact(
        tier=ticket.tier, assignee_id=ticket.assignee_id, account_manager_id=customer.account_manager_id
    ):
        raise ApiError(
            403, "forbidden", "Only staff who may see this ticket's contact details set the counterparty's address."
        )
    policy = ctx.policies.require(ticket.policy_key)
    spec = dispute_window(policy, ticket.category)
    if spec is None:
        raise ApiError(
            422, "no_counterparty",
            f"Category {ticket.category!r} of policy {policy.key!r} is not a dispute between parties "
            "(no evidence window): it has no counterparty.",
        )
    if party not in spec.parties:
        raise ApiError(
            422, "unknown_party", f"Party {party!r} is not one of this dispute's parties ({', '.join(spec.parties)})."
        )
    if email is not None and customer_role(ctx, ticket) == party:
        raise ApiError(422, "counterparty_is_customer", f"The ticket's customer is the {party}; name the other party.")
    address = check_address(email, customer.email) if email is not None else None
    before = {"counterparty_role": ticket.counterparty_role, "has_counterparty": ticket.counterparty_email is not None}
    if address == ticket.counterparty_email and (address is None or party == ticket.counterparty_role):
        return ticket
    prev = placement(ticket)
    ticket.counterparty_email = address
    ticket.counterparty_role = party if address is not None else None
    after = {"counterparty_role": ticket.counterparty_role, "has_counterparty": address is not None}
    text = f"The {party}'s email address was " + ("set." if address is not None else "removed.")
    entry = add_system_entry(ctx, ticket, "counterparty_changed", text, after)
    finish(
        ctx, ticket, kind="ticket.counterparty", fields=["thread"], prev=prev,
        audit_action="ticket.counterparty_set" if address is not None else "ticket.counterparty_cleared",
        before=before, after=after, entry=entry,
    )
    return ticket

