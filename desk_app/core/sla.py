"""SLA clocks: a pure function from (policy, ticket, history, now) to clocks.

Replaying the same history at the same `now` always gives the same answer, so
the store, every client and the tests agree on every countdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from desk_app.core.policy import Policy
from desk_app.core.ticket import ModeSpan, TicketEvent, TicketFacts


class ClockState(StrEnum):
    RUNNING = "running"
    WARNING = "warning"
    BREACHED = "breached"  # still open and past due
    PAUSED = "paused"
    MET = "met"  # stopped in time
    MISSED = "missed"  # stopped, but after the due time


@dataclass(frozen=True, slots=True)
class Clock:
    key: str  # unique per ticket: "first_response", "evidence:buyer", "tier_budget:1"
    metric: str  # a desk_app.core.policy.Metric value
    target: timedelta  # business time allowed
    calendar: str  # the policy calendar the target counts on
    started_at: datetime
    #: When the target is used up. While paused: the due time if the clock resumed `now`.
    due_at: datetime
    warn_at: datetime | None  # when the clock turns to warning (None: no warning)
    remaining: timedelta  # business time left; negative once overrun
    state: ClockState
    paused_reason: str | None = None  # the status (or mode) that pauses it
    stopped_at: datetime | None = None  # when it was met / missed


@dataclass(frozen=True, slots=True)
class EscalationDue:
    """The current tier's budget ran out (or the customer asked): move up the ladder."""

    from_tier: int
    to_tier: int
    to_tier_name: str
    due_at: datetime  # when the budget ran out / the request came
    reason: str  # "budget_expired" or "customer_request"
    auto_escalate_at: datetime  # due_at + the policy's grace period


@dataclass(frozen=True, slots=True)
class SlaSnapshot:
    computed_at: datetime
    rule: str  # the SLA rule that selected the targets
    status: str  # current status, from the history
    tier: int  # current tier, from the history
    clocks: tuple[Clock, ...]
    escalation: EscalationDue | None
    #: The next instant at which any clock changes state on its own (warning,
    #: breach, budget expiry, evidence lapse); None if nothing is pending.
    next_change_at: datetime | None


def compute_clocks(
    policy: Policy,
    facts: TicketFacts,
    events: Sequence[TicketEvent],
    now: datetime,
    modes: Sequence[ModeSpan] = (),
) -> SlaSnapshot:
    raise NotImplementedError
