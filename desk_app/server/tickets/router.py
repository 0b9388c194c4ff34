from __future__ import annotations

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from desk_app.core.ticket import Status
from desk_app.server.auth.deps import Staff
from desk_app.server.auth.mutation import Mutation, MutationDep
from desk_app.server.core.db import Database
from desk_app.server.core.deps import get_db, now_of
from desk_app.server.core.errors import ErrorOut, json_response
from desk_app.server.directory.models import Customer
from desk_app.server.core.types import iso
from desk_app.server.core.validation import MAX_ID, Key, OrderId, SearchText, ShortText
from desk_app.server.sync.visibility import ticket_contact, viewer_for
from desk_app.server.tickets import corrections, disputes, escalations, listing, service, write
from desk_app.server.tickets.models import Ticket
from desk_app.server.tickets.schemas import (
    AssignIn,
    ConflictOut,
    CorrectionIn,
    CounterpartyIn,
    DeescalateIn,
    EntryAddedOut,
    EntryIn,
    EscalateDueIn,
    EscalateIn,
    EscalationRequestIn,
    EvidenceIn,
    KeepIn,
    StatusIn,
    TicketCreateIn,
    TicketDetailOut,
    TicketListOut,
    TicketOut,
    TicketUpdateIn,
)
from desk_app.server.tickets.serialize import entry_json, ticket_detail

router = APIRouter(prefix="/tickets", tags=["tickets"])
Db = Annotated[Database, Depends(get_db)]
TicketId = Annotated[int, Path(ge=1, le=MAX_ID)]

_ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}
_MUTATION_ERRORS = {**_ERRORS, 409: {"model": ErrorOut}, 412: {"model": ConflictOut}}


def _ctx(m: Mutation, session) -> write.Ctx:
    state = m.request.app.state
    return write.Ctx(session, m.now, m.principal, state.policies, state.settings, m.address)


def _etag(ticket: Ticket) -> dict[str, str]:
    return {"ETag": f'"{ticket.version}"'}


def _ticket_result(ticket: Ticket, status: int = 200):
    return status, orjson.Fragment(ticket.snapshot), _etag(ticket)


@router.get("", response_model=TicketListOut, responses=_ERRORS)
def list_tickets(
    principal: Staff,
    request: Request,
    db: Db,
    queue: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Queue id.")] = None,
    status: Annotated[list[Status] | None, Query(description="Repeat for several.")] = None,
    assignee: Annotated[
        str | None, Query(pattern=r"^(me|none|[1-9][0-9]{0,17})$", description="'me', 'none' or a user id.")
    ] = None,
    tier: Annotated[int | None, Query(ge=1, le=9)] = None,
    breaching_within: Annotated[
        int | None, Query(ge=0, le=525_600, description="Minutes: clocks due (or overdue) within this many.")
    ] = None,
    q: Annotated[SearchText | None, Query(description="Text in subject, number, order id or customer name.")] = None,
    order_id: Annotated[OrderId | None, Query()] = None,
    phone: Annotated[str | None, Query(pattern=r"^\+?[0-9 ().-]{3,32}$")] = None,
    email: Annotated[ShortText | None, Query()] = None,
    policy: Annotated[Key | None, Query()] = None,
    sort: Annotated[Literal["number", "due"], Query(description="number: oldest first; due: most urgent first.")] = "number",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    filters = listing.ListFilters(
        queue_id=queue,
        statuses=[s.value for s in status] if status else None,
        assignee=assignee,
        tier=tier,
        breaching_within=breaching_within,
        q=q,
        order_id=order_id,
        phone=phone,
        email=email,
        policy=policy,
    )
    with db.read() as session:
        viewer = viewer_for(session, principal)
        snapshots, next_cursor = listing.list_tickets(
            session, viewer, now_of(request), filters, sort=sort, cursor=cursor, limit=limit
        )
    body = b'{"tickets":[' + ",".join(snapshots).encode() + b'],"next_cursor":' + orjson.dumps(next_cursor) + b"}"
    return Response(body, media_type="application/json")


@router.post("", response_model=TicketDetailOut, status_code=201, responses=_MUTATION_ERRORS)
def create_ticket(body: TicketCreateIn, m: MutationDep) -> Response:
    def run(session):
        ctx = _ctx(m, session)
        ticket = service.create_ticket(ctx, body)
        return 201, ticket_detail(session, ctx.viewer, ticket), _etag(ticket)

    return m.run(body, run)


@router.get("/{ticket_id}", response_model=TicketDetailOut, responses=_ERRORS)
def read_ticket(ticket_id: TicketId, principal: Staff, db: Db) -> Response:
    with db.read() as session:
        viewer = viewer_for(session, principal)
        ticket = write.load_visible(session, viewer, ticket_id)
        detail = ticket_detail(session, viewer, ticket)
    return json_response(detail, headers=_etag(ticket))


@router.patch("/{ticket_id}", response_model=TicketOut, responses={**_MUTATION_ERRORS, 428: {"model": ErrorOut}})
def update_ticket(ticket_id: TicketId, body: TicketUpdateIn, m: MutationDep) -> Response:
    """Change fields; needs `If-Match: <version>`. A stale version gets 412 with the current ticket."""
    return m.run(body, lambda s: _ticket_result(service.update_ticket(_ctx(m, s), ticket_id, m.if_match, body)))


@router.post("/{ticket_id}/entries", response_model=EntryAddedOut, status_code=201, responses=_MUTATION_ERRORS)
def add_entry(ticket_id: TicketId, body: EntryIn, m: MutationDep) -> Response:
    def run(session):
        ctx = _ctx(m, session)
        ticket, entry = service.add_entry(ctx, ticket_id, m.if_match, body)
        # Only a call's number is personal data in an entry: look the customer
        # up only then.
        show_number = False
        if entry.call_direction is not None:
            customer = session.get(Customer, ticket.customer_id)
            contact = ticket_contact(session, ctx.viewer, ticket, customer)
            show_number = contact.shows_number(ctx.viewer, entry.author_id)
        return (
            201,
            {"ticket": orjson.Fragment(ticket.snapshot), "entry": entry_json(entry, show_number=show_number)},
            _etag(ticket),
        )

    return m.run(body, run)


@router.post(
    "/{ticket_id}/entries/{entry_id}/corrections", response_model=EntryAddedOut, status_code=201,
    responses=_MUTATION_ERRORS,
)
def correct_entry(
    ticket_id: TicketId, entry_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: CorrectionIn, m: MutationDep
) -> Response:
    """Correct an entry you wrote: a new internal note that names it; the entry itself stays as it was.

    403 for another author's entry, 422 for a system event. Audited as `entry.corrected`.
    """

    def run(session):
        ticket, entry = corrections.correct_entry(_ctx(m, session), ticket_id, entry_id, body.body)
        return 201, {"ticket": orjson.Fragment(ticket.snapshot), "entry": entry_json(entry, show_number=False)}, _etag(
            ticket
        )

    return m.run(body, run)


@router.post("/{ticket_id}/assign", response_model=TicketOut, responses=_MUTATION_ERRORS)
def assign_ticket(ticket_id: TicketId, body: AssignIn, m: MutationDep) -> Response:
    """Assign to someone (managers/admins), or to yourself; null unassigns."""
    return m.run(body, lambda s: _ticket_result(service.assign(_ctx(m, s), ticket_id, m.if_match, body.assignee_id)))


@router.post("/{ticket_id}/take", response_model=TicketOut, responses=_MUTATION_ERRORS)
def take_ticket(ticket_id: TicketId, m: MutationDep) -> Response:
    """Assign the ticket to yourself; 409 if someone else has it."""
    return m.run(None, lambda s: _ticket_result(service.take(_ctx(m, s), ticket_id, m.if_match)))


@router.post("/{ticket_id}/status", response_model=TicketOut, responses=_MUTATION_ERRORS)
def change_ticket_status(ticket_id: TicketId, body: StatusIn, m: MutationDep) -> Response:
    return m.run(
        body,
        lambda s: _ticket_result(service.change_status(_ctx(m, s), ticket_id, m.if_match, body.status, body.note)),
    )


@router.post("/{ticket_id}/escalate", response_model=TicketOut, responses=_MUTATION_ERRORS)
def escalate_ticket(ticket_id: TicketId, body: EscalateIn, m: MutationDep) -> Response:
    return m.run(
        body,
        lambda s: _ticket_result(escalations.escalate(_ctx(m, s), ticket_id, m.if_match, body.reason, body.to_tier)),
    )


@router.post("/{ticket_id}/deescalate", response_model=TicketOut, responses=_MUTATION_ERRORS)
def deescalate_ticket(ticket_id: TicketId, body: DeescalateIn, m: MutationDep) -> Response:
    return m.run(
        body,
        lambda s: _ticket_result(escalations.deescalate(_ctx(m, s), ticket_id, m.if_match, body.reason, body.to_tier)),
    )


@router.post(
    "/{ticket_id}/escalations/{escalation_id}/acknowledge", response_model=TicketOut, responses=_MUTATION_ERRORS
)
def acknowledge_escalation(
    ticket_id: TicketId, escalation_id: Annotated[int, Path(ge=1, le=MAX_ID)], m: MutationDep
) -> Response:
    return m.run(
        None,
        lambda s: _ticket_result(escalations.acknowledge_escalation(_ctx(m, s), ticket_id, escalation_id, m.if_match)),
    )


# -- escalation prompts, customer requests, evidence windows ---------------------------

DueId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/{ticket_id}/escalation-due/{due_id}/escalate", response_model=TicketOut, responses=_MUTATION_ERRORS)
def escalate_due(ticket_id: TicketId, due_id: DueId, body: EscalateDueIn, m: MutationDep) -> Response:
    """Answer an escalation prompt by sending the ticket to the next tier (the owner, or a manager)."""
    return m.run(
        body,
        lambda s: _ticket_result(escalations.escalate_due(_ctx(m, s), ticket_id, due_id, m.if_match, body.reason)),
    )


@router.post("/{ticket_id}/escalation-due/{due_id}/keep", response_model=TicketOut, responses=_MUTATION_ERRORS)
def keep_due(ticket_id: TicketId, due_id: DueId, body: KeepIn, m: MutationDep) -> Response:
    """Add a note and keep the ticket at its tier, where the policy allows; the tier's budget restarts."""
    return m.run(
        body, lambda s: _ticket_result(escalations.keep_due(_ctx(m, s), ticket_id, due_id, m.if_match, body.note))
    )


@router.post("/{ticket_id}/escalation-due/{due_id}/acknowledge", response_model=TicketOut, responses=_MUTATION_ERRORS)
def acknowledge_due(ticket_id: TicketId, due_id: DueId, m: MutationDep) -> Response:
    """Someone of the next tier takes the ticket: it moves up and is assigned to them."""
    return m.run(
        None, lambda s: _ticket_result(escalations.acknowledge_due(_ctx(m, s), ticket_id, due_id, m.if_match))
    )


class NoticeClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
        description="The calling app's own id (one per installation); asking again with it stays first.",
    )


class NoticeClaimOut(BaseModel):
    first: bool = Field(description="True: this app shows the pop-up; false: another app of yours already did.")
    notified_at: str = Field(description="When the first app claimed it (ISO 8601, UTC).")


@router.post(
    "/{ticket_id}/escalation-due/{due_id}/notify", response_model=NoticeClaimOut, responses=_MUTATION_ERRORS
)
def claim_due_notice(ticket_id: TicketId, due_id: DueId, body: NoticeClaimIn, m: MutationDep) -> Response:
    """Claim the pop-up for an open escalation prompt: the first of your apps to ask shows it.

    The others (your other machines) only list it under "Needs attention".
    The ticket does not change (no version, no change-log entry); 409 once
    the prompt was handled.
    """

    def run(session):
        claim = escalations.claim_due_notice(_ctx(m, session), ticket_id, due_id, body.client_id)
        return 200, {"first": claim.first, "notified_at": iso(claim.notified_at)}

    return m.run(body, run)


@router.post("/{ticket_id}/escalation-request", response_model=TicketOut, responses=_MUTATION_ERRORS)
def request_escalation(ticket_id: TicketId, body: EscalationRequestIn, m: MutationDep) -> Response:
    """Record the customer's "not satisfied" request: the escalation prompt appears at once."""
    return m.run(
        body, lambda s: _ticket_result(escalations.request_escalation(_ctx(m, s), ticket_id, m.if_match, body.note))
    )


@router.post("/{ticket_id}/evidence/request", response_model=TicketOut, responses=_MUTATION_ERRORS)
def request_evidence(ticket_id: TicketId, body: EvidenceIn, m: MutationDep) -> Response:
    """Ask a dispute party for documents: opens their evidence window."""
    return m.run(
        body,
        lambda s: _ticket_result(
            disputes.request_evidence(_ctx(m, s), ticket_id, m.if_match, body.party, body.note)
        ),
    )


@router.post("/{ticket_id}/evidence/received", response_model=TicketOut, responses=_MUTATION_ERRORS)
def receive_evidence(ticket_id: TicketId, body: EvidenceIn, m: MutationDep) -> Response:
    """Record that a party's documents arrived: closes their evidence window."""
    return m.run(
        body,
        lambda s: _ticket_result(
            disputes.receive_evidence(_ctx(m, s), ticket_id, m.if_match, body.party, body.note)
        ),
    )


@router.put("/{ticket_id}/counterparty", response_model=TicketOut, responses=_MUTATION_ERRORS)
def set_counterparty(ticket_id: TicketId, body: CounterpartyIn, m: MutationDep) -> Response:
    """Set the dispute's other party (role and address), or with `email: null` remove it.

    Staff who may see the ticket's contact details only. The address shows in
    the ticket's detail, never in the ticket itself or the change feed.
    """
    return m.run(
        body,
        lambda s: _ticket_result(
            disputes.set_counterparty(_ctx(m, s), ticket_id, m.if_match, body.party, body.email)
        ),
    )
