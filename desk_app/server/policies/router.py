from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from desk_app.core.ticket import Status
from desk_app.server.auth.deps import Admin, Staff
from desk_app.server.auth.mutation import MutationDep
from desk_app.server.core.errors import ErrorOut, json_response
from desk_app.server.core.validation import Body, Key
from desk_app.server.policies import modes as mode_service
from desk_app.server.core.types import iso
from desk_app.server.policies.models import PolicyModeSpan

router = APIRouter(tags=["policies"])


class Choice(BaseModel):
    key: str
    label: str


class PriorityOut(Choice):
    rank: int


class ChannelOut(Choice):
    queue_order: str = Field(description="How its tickets are served: `priority` (most urgent first) or "
                                         "`arrival` (strictly first come, first served).")


class TierOut(BaseModel):
    level: int
    name: str
    role: str


class ActiveModeOut(BaseModel):
    mode: str
    since: str


class CalendarWarningOut(BaseModel):
    calendar: str
    label: str
    through: str = Field(description="The last day the calendar's holiday list is known for (ISO date).")
    days_left: int = Field(description="Days from today (in the policy's zone) to `through`; negative once past.")
    message: str


class PolicyOut(BaseModel):
    key: str
    name: str
    timezone: str
    country: str | None = Field(None, description="ISO 3166 code of the customers' country: where their "
                                "local phone numbers are read (\"ID\": 0813... is +62 813...).")
    statuses: list[str]
    pause_statuses: list[str]
    categories: list[Choice]
    priorities: list[PriorityOut]
    channels: list[ChannelOut]
    queue_order: str = Field(description="The policy's queue order (`priority` or `arrival`); a channel may "
                                         "have its own.")
    customer_tiers: list[str]
    ladder: list[TierOut]
    modes: list[Choice]
    active_modes: list[ActiveModeOut]
    calendar_warnings: list[CalendarWarningOut] = Field(
        default_factory=list,
        description="Calendars whose holiday list runs out within 60 days (or has): after it, holidays "
                    "would count as open time. Shown to managers on the dashboard.",
    )


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
    warnings = registry.warnings(request.app.state.clock.now())
    out = []
    for key in sorted(registry):
        p = registry[key]
        out.append(
            PolicyOut(
                key=p.key,
                name=p.name,
                timezone=p.timezone,
                country=p.country,
                statuses=[s.value for s in Status],
                pause_statuses=sorted(p.pause_statuses),
                categories=[Choice(key=c.key, label=c.label) for c in p.categories.values()],
                priorities=[PriorityOut(key=x.key, label=x.label, rank=x.rank) for x in p.priorities],
                channels=[ChannelOut(key=c.key, label=c.label, queue_order=p.channel_queue_order(c.key))
                          for c in p.channels.values()],
                queue_order=p.queue_order,
                customer_tiers=list(p.customer_tiers),
                ladder=[TierOut(level=t.level, name=t.name, role=t.role) for t in p.ladder],
                modes=[Choice(key=m.key, label=m.label) for m in p.modes.values()],
                active_modes=[ActiveModeOut(mode=m, since=iso(s)) for k, m, s in active if k == p.key],
                calendar_warnings=[
                    CalendarWarningOut(calendar=w.calendar, label=w.label, through=w.through.isoformat(),
                                       days_left=w.days_left, message=w.message)
                    for w in warnings if w.policy == p.key
                ],
            )
        )
    return PolicyListOut(policies=out)


# -- emergency / high-volume modes (admins) --------------------------------------------


class ModeOut(BaseModel):
    key: str
    label: str
    effect: str
    notify_customers: bool
    notice: str
    active: bool
    since: str | None
    span_id: int | None


class ModeSpanOut(BaseModel):
    id: int
    mode: str
    start_at: str
    end_at: str | None
    started_by_id: int | None
    note: str


class PolicyModesOut(BaseModel):
    policy: str
    modes: list[ModeOut]
    history: list[ModeSpanOut] = Field(description="The latest spans, newest first.")


class ModeSwitchOut(PolicyModesOut):
    tickets_affected: int = Field(description="Open tickets whose clocks and notices are being updated.")


class ModeOnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Body = Field("", description="Why (kept with the span and in the audit log).")


PolicyKey = Annotated[Key, Path(description="The policy's key, e.g. pandorana.")]
ModeKey = Annotated[Key, Path(description="The mode's key, e.g. high_volume.")]
_MODE_ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 409: {"model": ErrorOut}, 422: {"model": ErrorOut}}


@router.get("/policies/{policy_key}/modes", response_model=PolicyModesOut, responses=_MODE_ERRORS)
def list_policy_modes(policy_key: PolicyKey, principal: Admin, request: Request) -> Response:
    """The policy's emergency / high-volume modes, which are on, and the latest spans."""
    policy = request.app.state.policies.require(policy_key)
    with request.app.state.db.read() as session:
        return json_response(mode_service.modes_json(session, policy))


def _switch(policy_key: str, mode: str, m, on: bool, note: str = "") -> Response:
    policy = m.request.app.state.policies.require(policy_key)
    body = ModeOnIn(note=note) if on else None

    def run(session):
        who = {"actor_id": m.principal.user_id, "actor_name": m.principal.username, "address": m.address}
        if on:
            _span, affected = mode_service.switch_on(session, policy, mode, m.now, note=note, **who)
        else:
            _span, affected = mode_service.switch_off(session, policy, mode, m.now, **who)
        return 200, {**mode_service.modes_json(session, policy), "tickets_affected": affected}

    return m.run(body, run)


@router.post("/policies/{policy_key}/modes/{mode}/on", response_model=ModeSwitchOut, responses=_MODE_ERRORS)
def switch_policy_mode_on(policy_key: PolicyKey, mode: ModeKey, principal: Admin, m: MutationDep,
                          body: ModeOnIn | None = None) -> Response:
    """Switch a mode on now: clocks are suspended or extended as the policy says, open tickets get its
    notice, and customers are told of the delay where the mode promises it."""
    return _switch(policy_key, mode, m, True, body.note if body else "")


@router.post("/policies/{policy_key}/modes/{mode}/off", response_model=ModeSwitchOut, responses=_MODE_ERRORS)
def switch_policy_mode_off(policy_key: PolicyKey, mode: ModeKey, principal: Admin, m: MutationDep) -> Response:
    """Switch a mode off now: normal targets apply again from here on."""
    return _switch(policy_key, mode, m, False)
