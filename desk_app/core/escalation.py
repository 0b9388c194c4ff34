"""The escalation ladder: where a ticket stands, and when it must move up.

A ticket starts at tier 1 (or the tier its CREATED event names). Each tier may
hold it for its time budget (`TierSpec.budget`, business time on the tier's
calendar, paused like every other SLA clock; see `desk_app.core.sla`). When the
budget runs out, or when the customer asks to escalate, an `EscalationDue`
names the next tier. A TIER_CHANGED event (the escalation, a de-escalation, or
a "keep", recorded as a change to the same tier) enters a tier afresh: its
budget starts at that instant and any pending request is dropped. The last
tier never yields an escalation.

Everything here is pure: positions are replayed from the event history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from desk_app.core.policy import Policy, TierSpec
from desk_app.core.ticket import EventKind, TicketEvent

BUDGET_EXPIRED = "budget_expired"
CUSTOMER_REQUEST = "customer_request"


@dataclass(frozen=True, slots=True)
class EscalationDue:
    """The current tier's budget ran out (or the customer asked): move up the ladder."""

    from_tier: int
    to_tier: int
    to_tier_name: str
    due_at: datetime  # when the budget ran out / the request came
    reason: str  # "budget_expired" or "customer_request"
    #: due_at + the policy's grace period, counted in business time on the
    #: current tier's calendar with paused spans left out (the same timeline
    #: as the tier budget). While the ticket is paused: the instant if it
    #: resumed now.
    auto_escalate_at: datetime


@dataclass(frozen=True, slots=True)
class LadderPosition:
    """Where a ticket stands on the ladder after replaying its history."""

    tier: int
    entered_at: datetime  # when it entered `tier` (creation for the first)
    #: The customer's first escalation request since entering `tier`, if the
    #: policy lets customers request one; None otherwise.
    requested_at: datetime | None = None
    #: Earlier stays, oldest first: (tier, entered_at, left_at).
    earlier: tuple[tuple[int, datetime, datetime], ...] = ()


def next_tier(policy: Policy, level: int) -> TierSpec | None:
    """The tier above `level`, or None at the top of the ladder."""
    return policy.next_tier(level)


def is_last_tier(policy: Policy, level: int) -> bool:
    return policy.next_tier(level) is None


def initial_tier(policy: Policy) -> int:
    return min(tier.level for tier in policy.ladder)


def check_tier(policy: Policy, level: int | None, event: TicketEvent) -> int:
    """The tier an event names, or ValueError when the ladder has no such tier."""
    if level is None:
        raise ValueError(f"{event.kind.value} event at {event.at.isoformat()} names no tier")
    try:
        policy.tier(level)
    except LookupError:
        levels = ", ".join(str(tier.level) for tier in policy.ladder)
        raise ValueError(
            f"{event.kind.value} event at {event.at.isoformat()} names tier {level}, "
            f"but policy {policy.key!r} has tiers {levels}"
        ) from None
    return level


def ladder_position(policy: Policy, created_at: datetime, events: Iterable[TicketEvent]) -> LadderPosition:
    """Replay TIER_CHANGED / ESCALATION_REQUESTED events (already sorted and cut at now)."""
    tier = initial_tier(policy)
    entered_at = created_at
    requested_at: datetime | None = None
    earlier: list[tuple[int, datetime, datetime]] = []
    for event in events:
        kind = event.kind
        if kind is EventKind.CREATED:
            if event.tier is not None:
                tier = check_tier(policy, event.tier, event)
        elif kind is EventKind.TIER_CHANGED:
            new_tier = check_tier(policy, event.tier, event)
            earlier.append((tier, entered_at, event.at))
            tier = new_tier
            entered_at = event.at
            requested_at = None
        elif kind is EventKind.ESCALATION_REQUESTED:
            if requested_at is None and policy.escalation.customer_can_request:
                requested_at = event.at
    return LadderPosition(tier=tier, entered_at=entered_at, requested_at=requested_at, earlier=tuple(earlier))


def escalation_due(
    policy: Policy,
    position: LadderPosition,
    *,
    budget_due_at: datetime | None,
    now: datetime,
    grace_end: Callable[[datetime], datetime],
) -> EscalationDue | None:
    """The escalation a ticket owes at `now`, if any.

    `budget_due_at` is when the current tier's budget runs out (None when the
    tier has no budget); it counts as expired once `now` reaches it.
    `grace_end(t)` adds the policy's grace period to `t` on the tier budget's
    timeline. When both a budget expiry and a customer request are pending,
    the earlier one is reported (a request after the budget already ran out
    changes nothing; a request before it is what the owner must act on).
    """
    target = policy.next_tier(position.tier)
    if target is None:
        return None
    candidates: list[tuple[datetime, str]] = []
    if position.requested_at is not None and position.requested_at <= now:
        candidates.append((position.requested_at, CUSTOMER_REQUEST))
    if budget_due_at is not None and budget_due_at <= now:
        candidates.append((budget_due_at, BUDGET_EXPIRED))
    if not candidates:
        return None
    # Ties go to the customer's request: it is the stronger reason to act.
    due_at, reason = min(candidates, key=lambda c: (c[0], c[1] != CUSTOMER_REQUEST))
    return EscalationDue(
        from_tier=position.tier,
        to_tier=target.level,
        to_tier_name=target.name,
        due_at=due_at,
        reason=reason,
        auto_escalate_at=grace_end(due_at),
    )


def can_keep(policy: Policy, due: EscalationDue) -> bool:
    """Whether the owner may 'add a note and keep' instead of escalating.

    Only where the policy allows it, and never against a customer's explicit
    request: the customer asked for someone else, so the ticket moves up.
    """
    return policy.escalation.allow_keep and due.reason != CUSTOMER_REQUEST
