"""Evidence windows of disputes: documents requested from a party, and received.

A request opens the party's window (an EVIDENCE_REQUESTED event; the core
times it as the clock `evidence:<party>`); documents from that party close it
(EVIDENCE_RECEIVED). When a window lapses without documents the scheduler
moves the case on (`scheduler.runner`, per the window's `on_lapse`) and both
parties are told.
"""

from __future__ import annotations

import orjson
from sqlalchemy import select

from desk_app.core.policy import EvidenceWindowSpec, Policy
from desk_app.core.ticket import DONE_STATUSES, EventKind
from desk_app.server.core.errors import ApiError
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
    from desk_app.server.intake.models import IntakeSubmission

    return ctx.session.scalar(
        select(IntakeSubmission.requester_role).where(IntakeSubmission.ticket_id == ticket.id).limit(1)
    )


def _mail_request(ctx: Ctx, ticket: Ticket, party: str) -> bool:
    """Ask the party for documents by mail (`info_requested`): the customer, or the
    counterparty (`tickets.counterparty`) when the store has its address.

    Otherwise an agent asks them through their own channel; the system entry says so.
    """
    from desk_app.server.tickets.counterparty import mail_party

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
