"""Support policies: what a shop promises its customers, as data.

A policy file (TOML, see resources/policies/) is loaded by `load_policy` into
an immutable `Policy`. Loading is all-or-nothing: a malformed or inconsistent
file raises `PolicyError` naming the file, the key path and the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from desk_app.core.calendar import BusinessCalendar


class Metric(StrEnum):
    """The SLA clocks a ticket can carry."""

    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    PERIODIC_UPDATE = "periodic_update"
    RESOLUTION = "resolution"
    TIER_BUDGET = "tier_budget"
    EVIDENCE = "evidence"


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names file, key path and reason."""

    def __init__(self, path: str, key: str, reason: str) -> None:
        self.path = path
        self.key = key
        self.reason = reason
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, slots=True)
class WarningSpec:
    """When a running clock turns to 'warning': whichever comes first."""

    percent: float | None = None  # share of the target elapsed, 0-100
    before: timedelta | None = None  # business time left before due


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    key: str
    label: str
    #: Calendar during which the channel is staffed (a phone line open Mon-Fri 10-18);
    #: None means it follows the policy's support calendar.
    availability: str | None = None


@dataclass(frozen=True, slots=True)
class CategorySpec:
    key: str
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class PrioritySpec:
    key: str
    label: str
    rank: int  # 0 is the most urgent; queues serve lower ranks first, then arrival order


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """Conditions of an SLA rule; None means 'any'."""

    categories: frozenset[str] | None = None
    priorities: frozenset[str] | None = None
    channels: frozenset[str] | None = None
    customer_tiers: frozenset[str] | None = None

    def matches(self, *, category: str, priority: str, channel: str, customer_tier: str) -> bool:
        return (
            (self.categories is None or category in self.categories)
            and (self.priorities is None or priority in self.priorities)
            and (self.channels is None or channel in self.channels)
            and (self.customer_tiers is None or customer_tier in self.customer_tiers)
        )


@dataclass(frozen=True, slots=True)
class Target:
    metric: Metric
    duration: timedelta  # business time on `calendar`
    calendar: str
    warning: WarningSpec | None = None  # None: the policy's default warning


@dataclass(frozen=True, slots=True)
class SlaRule:
    name: str
    match: RuleMatch
    targets: Mapping[Metric, Target]
    source: str = ""  # the policy clause this rule implements


@dataclass(frozen=True, slots=True)
class TierSpec:
    level: int  # 1, 2, 3: a gap-free ladder starting at 1
    key: str
    name: str  # "Senior Support Specialist"
    role: str  # the staff role that works this tier: agent, specialist, manager
    budget: timedelta | None  # business time the tier may hold a ticket; None for the last tier
    calendar: str


@dataclass(frozen=True, slots=True)
class EscalationSettings:
    #: How long an "escalation due" prompt may stay unacknowledged before the
    #: ticket moves up by itself.
    grace: timedelta
    #: Whether the owner may "add a note and keep" instead of escalating.
    allow_keep: bool
    #: Whether a customer's "not satisfied" request escalates at once.
    customer_can_request: bool = True


@dataclass(frozen=True, slots=True)
class EvidenceWindowSpec:
    key: str
    categories: frozenset[str]  # the categories (disputes) that use this window
    parties: tuple[str, ...]  # e.g. ("buyer", "seller")
    duration: timedelta
    calendar: str
    on_lapse: str  # what happens when a window lapses: "decide" moves the ticket to the decision step


@dataclass(frozen=True, slots=True)
class ModeSpec:
    """An emergency / high-volume mode an admin can switch on."""

    key: str
    label: str
    effect: str  # "suspend": clocks stop for the span; "extend": targets grow
    #: For "extend": the targets in force while the mode is on, per metric.
    extended_targets: Mapping[Metric, timedelta] = field(default_factory=dict)
    notify_customers: bool = False
    notice: str = ""


@dataclass(frozen=True, slots=True)
class CannedResponse:
    key: str
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class NotificationSpec:
    language: str  # "en", "id"
    #: The ticket events customers are told about: received, assigned,
    #: info_requested, progress, resolved, closed, delayed, escalated, evidence_lapsed.
    triggers: frozenset[str]


@dataclass(frozen=True, slots=True)
class Policy:
    key: str  # "shopom"
    name: str
    source: str  # the seed document it was written from
    timezone: str
    calendars: Mapping[str, BusinessCalendar]
    support_calendar: str  # when the support team works
    channels: Mapping[str, ChannelSpec]
    categories: Mapping[str, CategorySpec]
    priorities: tuple[PrioritySpec, ...]  # most urgent first
    customer_tiers: tuple[str, ...]
    pause_statuses: frozenset[str]
    warning: WarningSpec
    sla_rules: tuple[SlaRule, ...]  # top-down, first match wins
    ladder: tuple[TierSpec, ...]
    escalation: EscalationSettings
    evidence_windows: tuple[EvidenceWindowSpec, ...] = ()
    modes: Mapping[str, ModeSpec] = field(default_factory=dict)
    notifications: NotificationSpec = NotificationSpec("en", frozenset())
    canned_responses: tuple[CannedResponse, ...] = ()

    def rule_for(self, *, category: str, priority: str, channel: str, customer_tier: str) -> SlaRule:
        """The first SLA rule that matches; a valid policy always has one."""
        for rule in self.sla_rules:
            if rule.match.matches(
                category=category, priority=priority, channel=channel, customer_tier=customer_tier
            ):
                return rule
        raise LookupError(
            f"policy {self.key!r} has no SLA rule for category={category!r} priority={priority!r} "
            f"channel={channel!r} customer_tier={customer_tier!r}"
        )

    def tier(self, level: int) -> TierSpec:
        for tier in self.ladder:
            if tier.level == level:
                return tier
        raise LookupError(f"policy {self.key!r} has no tier {level}")

    def next_tier(self, level: int) -> TierSpec | None:
        for tier in self.ladder:
            if tier.level == level + 1:
                return tier
        return None

    def priority_rank(self, key: str) -> int:
        for priority in self.priorities:
            if priority.key == key:
                return priority.rank
        return len(self.priorities)


def load_policy(path) -> Policy:  # implemented with the TOML loader
    raise NotImplementedError
