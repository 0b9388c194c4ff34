""""A new escalation in your queue", shown once per user even with the app open on two machines.

Specialists hear of every new escalation to their tier, managers of those to
Tier 3 (the client decides who; see `desk_app/ui/escalation_prompt.py`). Each
of the user's running apps asks here before it pops up the notification:

    POST /tickets/{ticket_id}/escalations/{escalation_id}/notify  {"client_id": "..."}
    -> {"first": true, "notified_at": "..."}

The first app to ask shows it, the others only list it, as for the
escalation-due prompt (`escalations.claim_due_notice`). The claim lives in
`ticket_actions`, the store's "done once per ticket" keys: one row keyed by
(escalation, user) makes the claim atomic (INSERT ... ON CONFLICT DO
NOTHING: two machines racing get exactly one first), a second row written
with it names the winning app, so the same app asking again stays first. No
new table: the rows go with the ticket (ON DELETE CASCADE), and nothing reads
`ticket_actions` by prefix.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from desk_app.server.auth.mutation import MutationDep
from desk_app.server.core.errors import ApiError, ErrorOut
from desk_app.server.core.types import iso
from desk_app.server.core.validation import MAX_ID
from desk_app.server.tickets.escalations import NoticeClaim
from desk_app.server.tickets.models import Escalation, TicketAction
from desk_app.server.tickets.write import Ctx, load_visible

__all__ = ["claim_notice", "notice_key", "router"]

_ACTIONS = TicketAction.__table__


def notice_key(escalation_id: int, user_id: int) -> str:
    return f"notice:escalation:{escalation_id}:user:{user_id}"


def claim_notice(ctx: Ctx, ticket_id: int, escalation_id: int, client_id: str) -> NoticeClaim:
    """Claim the notification of a new escalation: `first` for one app of each user.

    Anyone who may see the ticket may ask (404 otherwise, like a ticket that
    does not exist); 409 once the escalation was acknowledged (someone of the
    tier took it), 422 for a de-escalation. The ticket is not touched.
    """
    ticket = load_visible(ctx.session, ctx.viewer, ticket_id)
    esc = ctx.session.get(Escalation, escalation_id)
    if esc is None or esc.ticket_id != ticket.id:
        raise ApiError(404, "escalation_not_found", f"Ticket {ticket_id} has no escalation {escalation_id}.")
    if esc.direction != "up":
        raise ApiError(422, "not_an_escalation", "Only escalations (up the ladder) are notified.")
    if esc.acknowledged:
        raise ApiError(409, "already_acknowledged", "This escalation was already acknowledged.",
                       acknowledged_by_id=esc.acknowledged_by_id)
    key = notice_key(esc.id, ctx.principal.user_id)
    mine = f"{key}:client:{client_id}"
    dialect = ctx.session.get_bind().dialect.name
    if dialect == "postgresql":
        claim = postgresql.insert(_ACTIONS).on_conflict_do_nothing(index_elements=["ticket_id", "key"])
    elif dialect == "sqlite":
        claim = sqlite.insert(_ACTIONS).on_conflict_do_nothing(index_elements=["ticket_id", "key"])
    else:  # pragma: no cover - the store runs on SQLite or PostgreSQL only
        claim = insert(_ACTIONS)
    won = ctx.session.execute(
        claim.values(ticket_id=ticket.id, key=key, at=ctx.now).returning(_ACTIONS.c.key)
    ).scalar()
    if won is not None:
        ctx.session.execute(insert(_ACTIONS).values(ticket_id=ticket.id, key=mine, at=ctx.now))
        return NoticeClaim(True, ctx.now)
    # Lost the race, or asked before: READ COMMITTED shows the winner's committed rows.
    rows = dict(ctx.session.execute(
        select(_ACTIONS.c.key, _ACTIONS.c.at).where(_ACTIONS.c.ticket_id == ticket.id, _ACTIONS.c.key.in_([key, mine]))
    ).all())
    return NoticeClaim(mine in rows, rows[key])


# -- the route ------------------------------------------------------------------------------

router = APIRouter(prefix="/tickets", tags=["tickets"])
_ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422)}


class EscalationNoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
        description="The calling app's own id (one per installation); asking again with it stays first.",
    )


class EscalationNoticeOut(BaseModel):
    first: bool = Field(description="True: this app shows the notification; false: another app of yours did.")
    notified_at: str = Field(description="When the first app claimed it (ISO 8601, UTC).")


@router.post(
    "/{ticket_id}/escalations/{escalation_id}/notify", response_model=EscalationNoticeOut, responses=_ERRORS
)
def claim_escalation_notice(
    ticket_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    escalation_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: EscalationNoticeIn,
    m: MutationDep,
) -> Response:
    """Claim the notification of a new escalation in your queue: the first of your apps to ask shows it.

    The others (your other machines) only list it under "Needs attention". The
    ticket does not change (no version, no change-log entry); 409 once the
    escalation was acknowledged.
    """

    def run(session):
        state = m.request.app.state
        ctx = Ctx(session, m.now, m.principal, state.policies, state.settings, m.address)
        claim = claim_notice(ctx, ticket_id, escalation_id, body.client_id)
        return 200, {"first": claim.first, "notified_at": iso(claim.notified_at)}

    return m.run(body, run)
