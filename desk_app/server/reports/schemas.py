"""Response shapes of the reports. Durations are business seconds unless named otherwise."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class PeriodOut(BaseModel):
    start: datetime = Field(description="Inclusive.")
    end: datetime = Field(description="Exclusive.")
    now: datetime = Field(description="When the live figures were taken.")
    queue_id: int | None
    policy: str | None


class Outcome(BaseModel):
    met: int = Field(description="Clock runs that stopped in time, in the period.")
    missed: int = Field(description="Clock runs that stopped late, in the period.")
    breached_open: int = Field(description="Clocks still open whose due time fell in the period and has passed.")
    total: int
    percent_met: float | None = Field(description="met / total * 100; null when there is nothing to count.")


class ComplianceRow(Outcome):
    measure: str = Field(description="first_response, next_response, periodic_update, resolution, tier_budget:<n>.")
    group: str | None = Field(description="The group's key (a queue or agent id, a category...); null: none.")
    label: str | None


class CompliancePoint(Outcome):
    bucket: str = Field(description="UTC day, or the Monday of a UTC week (YYYY-MM-DD).")
    measure: str


class ComplianceOut(BaseModel):
    period: PeriodOut
    group_by: str | None
    trend: str
    overall: list[ComplianceRow] = Field(description="Per measure, all groups together.")
    rows: list[ComplianceRow]
    points: list[CompliancePoint]


class BreachRow(BaseModel):
    measure: str
    group: str | None
    label: str | None
    breached: int = Field(description="Live clocks past their due time now.")
    near_breach: int = Field(description="Live clocks in their warning window now (not yet due).")


class BreachTicket(BaseModel):
    ticket_id: int
    number: str
    subject: str
    measure: str
    due_at: datetime
    overdue_seconds: float = Field(description="Wall-clock seconds since the due time.")
    assignee_id: int | None
    queue_id: int | None
    policy: str


class BreachesOut(BaseModel):
    period: PeriodOut
    group_by: str | None
    rows: list[BreachRow]
    most_overdue: list[BreachTicket] = Field(description="The most overdue live clocks, oldest due first.")


class EscalationRow(BaseModel):
    from_tier: int
    to_tier: int
    direction: str
    kind: str = Field(description="automatic (expired tier budget), manual, customer_request.")
    count: int


class TierSummary(BaseModel):
    tier: int
    escalated_into: int = Field(description="Escalations up into this tier in the period.")
    automatic: int
    manual: int
    customer_request: int
    waiting: int = Field(description="Escalations into this tier not yet acknowledged (now).")
    runs: int = Field(description="Tier-budget runs at this tier that ended in the period.")
    mean_seconds: float | None = Field(description="Business time spent at the tier (tier-budget runs).")
    median_seconds: float | None
    p90_seconds: float | None


class EscalationsOut(BaseModel):
    period: PeriodOut
    rows: list[EscalationRow]
    tiers: list[TierSummary]
    escalation_due_now: int = Field(description="Open tickets whose tier budget has run out (an escalation is due).")


class BacklogRow(BaseModel):
    age: str = Field(description="Age bucket of open tickets since creation (wall clock).")
    status: str
    count: int


class FlowPoint(BaseModel):
    bucket: str
    arrivals: int = Field(description="Tickets created.")
    resolved: int = Field(description="Changes of status to resolved.")
    closed: int = Field(description="Changes of status to closed.")


class BacklogOut(BaseModel):
    period: PeriodOut
    trend: str
    age_buckets: list[str]
    rows: list[BacklogRow]
    open_total: int
    flow: list[FlowPoint]


class TimeRow(BaseModel):
    measure: str = Field(description="first_response or resolution.")
    group: str | None
    label: str | None
    count: int
    mean_seconds: float | None
    median_seconds: float | None
    p90_seconds: float | None


class TimesOut(BaseModel):
    period: PeriodOut
    group_by: str | None
    rows: list[TimeRow]


class ChannelFirstResponse(BaseModel):
    channel: str = Field(description="The tickets' channel (email, phone, chat, ...).")
    first_responses: int
    median_first_response_seconds: float | None


class AgentRow(BaseModel):
    agent_id: int | None = Field(description="null: the unassigned tickets (`AgentsOut.unassigned`).")
    name: str | None
    open_tickets: int = Field(description="Open tickets assigned now.")
    replies: int = Field(description="Public replies written in the period.")
    calls: int = Field(description="Phone calls logged in the period.")
    first_responses: int = Field(description="First-response clocks stopped in the period on their tickets.")
    median_first_response_seconds: float | None = Field(
        description="Over every channel together: a ticket created from an answered call counts 0 s. "
                    "See `first_response_by_channel` for how long written requests wait.")
    first_response_by_channel: list[ChannelFirstResponse] = Field(
        default_factory=list, description="The same per channel of the tickets, by channel name.")
    csat_responses: int = Field(description="Survey answers received in the period.")
    csat_average: float | None = Field(description="Mean score (1-5).")
    csat_percent_satisfied: float | None = Field(description="Share of answers scoring 4 or 5.")


class AgentsOut(BaseModel):
    period: PeriodOut
    rows: list[AgentRow] = Field(description="The agents (staff), by name; never the unassigned tickets.")
    unassigned: AgentRow | None = Field(
        None, description="The tickets without an agent: open now, their first responses and CSAT in the "
                          "period (null when there are none). Not an agent: not among `rows`.")
