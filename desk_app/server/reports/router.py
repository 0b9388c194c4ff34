"""Manager reports (managers and admins only), every figure aggregated in SQL.

Common query parameters: `from` / `to` (the period; default the last 30
days), `queue` (id) and `policy` (key). See each module for what its figures
count. Before a report reads, the daily rollups of the closed days of its
period are brought up to date (`rollups.prepare`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import func, select

from desk_app.server.auth.deps import Supervisor
from desk_app.server.core.errors import ErrorOut
from desk_app.server.reports import agents, backlog, breaches, compliance, distributions, escalations, rollups
from desk_app.server.reports.common import (
    DIMENSIONS,
    TRENDS,
    GroupBy,
    ReportFilters,
    Trend,
    check_choice,
    period_out,
    report_session,
)
from desk_app.server.reports.schemas import (
    AgentsOut,
    BacklogOut,
    BreachesOut,
    ComplianceOut,
    EscalationsOut,
    TimesOut,
)
from desk_app.server.tickets.models import Ticket, TicketClock

router = APIRouter(prefix="/reports", tags=["reports"])
_ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 422: {"model": ErrorOut}}


@router.get("/compliance", response_model=ComplianceOut, responses=_ERRORS)
def compliance_report(
    principal: Supervisor, request: Request, f: ReportFilters, group_by: GroupBy = None, trend: Trend = "day"
) -> ComplianceOut:
    """SLA compliance (% met) per measure, optionally by a dimension, with a daily or weekly trend."""
    check_choice("group_by", group_by, DIMENSIONS)
    check_choice("trend", trend, TRENDS)
    rollups.prepare(request.app.state.db, f)
    with report_session(request) as session:
        overall, rows, points = compliance.compliance_report(session, f, group_by, trend)
    return ComplianceOut(period=period_out(f), group_by=group_by, trend=trend, overall=overall, rows=rows, points=points)


@router.get("/breaches", response_model=BreachesOut, responses=_ERRORS)
def breaches_report(principal: Supervisor, request: Request, f: ReportFilters, group_by: GroupBy = None) -> BreachesOut:
    """Clocks breached or near breach now (the period does not apply), and the most overdue tickets."""
    check_choice("group_by", group_by, DIMENSIONS)
    with report_session(request) as session:
        rows = breaches.breach_rows(session, f, group_by)
        worst = breaches.most_overdue(session, f)
    return BreachesOut(period=period_out(f), group_by=group_by, rows=rows, most_overdue=worst)


@router.get("/escalations", response_model=EscalationsOut, responses=_ERRORS)
def escalations_report(principal: Supervisor, request: Request, f: ReportFilters) -> EscalationsOut:
    """Escalations in the period by tier and kind, time spent at each tier, escalations waiting now."""
    rollups.prepare(request.app.state.db, f)
    with report_session(request) as session:
        rows = escalations.escalation_rows(session, f)
        tiers = escalations.tier_summaries(session, f, rows)
        due = escalations.escalation_due_now(session, f)
    return EscalationsOut(period=period_out(f), rows=rows, tiers=tiers, escalation_due_now=due)


@router.get("/backlog", response_model=BacklogOut, responses=_ERRORS)
def backlog_report(principal: Supervisor, request: Request, f: ReportFilters, trend: Trend = "day") -> BacklogOut:
    """Open tickets by age and status (now), and arrivals vs resolutions over the period."""
    check_choice("trend", trend, TRENDS)
    rollups.prepare(request.app.state.db, f)
    with report_session(request) as session:
        rows = backlog.backlog_rows(session, f)
        points = backlog.flow(session, f, trend)
    return BacklogOut(
        period=period_out(f),
        trend=trend,
        age_buckets=[label for label, _ in backlog.AGE_BUCKETS],
        rows=rows,
        open_total=sum(r.count for r in rows),
        flow=points,
    )


@router.get("/times", response_model=TimesOut, responses=_ERRORS)
def times_report(principal: Supervisor, request: Request, f: ReportFilters, group_by: GroupBy = None) -> TimesOut:
    """First-response and resolution times in business seconds: count, mean, median, p90."""
    check_choice("group_by", group_by, DIMENSIONS)
    rollups.prepare(request.app.state.db, f)
    with report_session(request) as session:
        rows = distributions.time_rows(session, f, group_by)
    return TimesOut(period=period_out(f), group_by=group_by, rows=rows)


@router.get("/agents", response_model=AgentsOut, responses=_ERRORS)
def agents_report(principal: Supervisor, request: Request, f: ReportFilters) -> AgentsOut:
    """Per agent: open tickets now; replies, calls, median first response (also per channel) and CSAT
    in the period. The unassigned tickets' figures come apart, in `unassigned`."""
    rollups.prepare(request.app.state.db, f)
    with report_session(request) as session:
        rows = agents.agent_rows(session, f)
    agents_only = [r for r in rows if r.agent_id is not None]
    unassigned = next((r for r in rows if r.agent_id is None), None)
    return AgentsOut(period=period_out(f), rows=agents_only, unassigned=unassigned)


# -- the first, coarse report (kept for existing clients) ----------------------------


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
    with report_session(request) as session:
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
