from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import select

from desk_app.core.ticket import Status
from desk_app.server.auth.deps import Staff
from desk_app.server.core.errors import ErrorOut
from desk_app.server.core.types import iso
from desk_app.server.policies.models import PolicyModeSpan

router = APIRouter(tags=["policies"])


class Choice(BaseModel):
    key: str
    label: str


class PriorityOut(Choice):
    rank: int


class TierOut(BaseModel):
    level: int
    name: str
    role: str


class ActiveModeOut(BaseModel):
    mode: str
    since: str


class PolicyOut(BaseModel):
    key: str
    name: str
    timezone: str
    statuses: list[str]
    pause_statuses: list[str]
    categories: list[Choice]
    priorities: list[PriorityOut]
    channels: list[Choice]
    customer_tiers: list[str]
    ladder: list[TierOut]
    modes: list[Choice]
    active_modes: list[ActiveModeOut]


class PolicyListOut(BaseModel):
    policies: list[PolicyOut]


@router.get("/policies", response_model=PolicyListOut, responses={401: {"model": ErrorOut}})
def list_policies(principal: Staff, request: Request) -> PolicyListOut:
    """The support policies this store serves, with the choices a ticket form offers."""
    registry = request.app.state.policies
    with request.app.state.db.read() as session:
        active = session.execute(
            select(PolicyModeSpan.policy_key, PolicyModeSpan.mode, PolicyModeSpan.start_at).where(
                PolicyModeSpan.end_at.is_(None)
            )
        ).all()
    out = []
    for key in sorted(registry):
        p = registry[key]
        out.append(
            PolicyOut(
                key=p.key,
                name=p.name,
                timezone=p.timezone,
                statuses=[s.value for s in Status],
                pause_statuses=sorted(p.pause_statuses),
                categories=[Choice(key=c.key, label=c.label) for c in p.categories.values()],
                priorities=[PriorityOut(key=x.key, label=x.label, rank=x.rank) for x in p.priorities],
                channels=[Choice(key=c.key, label=c.label) for c in p.channels.values()],
                customer_tiers=list(p.customer_tiers),
                ladder=[TierOut(level=t.level, name=t.name, role=t.role) for t in p.ladder],
                modes=[Choice(key=m.key, label=m.label) for m in p.modes.values()],
                active_modes=[ActiveModeOut(mode=m, since=iso(s)) for k, m, s in active if k == p.key],
            )
        )
    return PolicyListOut(policies=out)
