from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import func, select

from desk_app.server.auth.deps import Supervisor
from desk_app.server.core.errors import ErrorOut
from desk_app.server.tickets.models import Ticket, TicketClock

router = APIRouter(prefix="/reports", tags=["reports"])


class ClockCount(BaseModel):
    policy: str
    metric: str
    state: str
    count: int


class TicketCount(BaseModel):
    policy: str
    status: str
    tier: int
    count: int


class SlaReportOut(BaseModel):
    clocks: list[ClockCount]
    tickets: list[TicketCount]


@router.get("/sla", response_model=SlaReportOut, responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}})
def sla_report(principal: Supervisor, request: Request) -> SlaReportOut:
    """How many clocks are in each state, and tickets by status and tier, per policy."""
    with request.app.state.db.read() as session:
        clocks = session.execute(
            select(Ticket.policy_key, TicketClock.metric, TicketClock.state, func.count())
            .join(Ticket, Ticket.id == TicketClock.ticket_id)
            .group_by(Ticket.policy_key, TicketClock.metric, TicketClock.state)
            .order_by(Ticket.policy_key, TicketClock.metric, TicketClock.state)
        ).all()
        tickets = session.execute(
            select(Ticket.policy_key, Ticket.status, Ticket.tier, func.count())
            .group_by(Ticket.policy_key, Ticket.status, Ticket.tier)
            .order_by(Ticket.policy_key, Ticket.status, Ticket.tier)
        ).all()
    return SlaReportOut(
        clocks=[ClockCount(policy=p, metric=m, state=s, count=c) for p, m, s, c in clocks],
        tickets=[TicketCount(policy=p, status=s, tier=t, count=c) for p, s, t, c in tickets],
    )
