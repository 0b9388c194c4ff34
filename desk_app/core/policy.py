"""Support policies: what a shop promises its customers, as data.

A policy file (TOML, see resources/policies/README.md for the reference) is
loaded by `load_policy` into an immutable `Policy`. Loading is all-or-nothing:
a malformed or inconsistent file raises `PolicyError` naming the file, the
dotted key path (``sla.rules[2].targets.first_response``; list indices count
from 0) and the reason. Nothing is returned half-built.

This module holds the data model. Loading lives in `desk_app.core.policy_loader`
(`load_policy`, `load_policies`, `load_shipped_policies` and the reader of
the policy sections), built on `desk_app.core.policy_values` (typed values
with key paths, unknown-key checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from desk_app.core.calendar import BusinessCalendar


class Metric(StrEnum):
    """The SLA clocks a ticket can carry."""

    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    PERIODIC_UPDATE = "periodic_update"
    RESOLUTION = "resolution"
    TIER_BUDGET = "tier_budget"
    EVIDENCE = "evidence"


#: The metrics an SLA rule can set; tier budgets come from the ladder and
#: evidence windows from `evidence_windows`.
RULE_METRICS: tuple[Metric, ...] = (
    Metric.FIRST_RESPONSE,
    Metric.NEXT_RESPONSE,
    Metric.PERIODIC_UPDATE,
    Metric.RESOLUTION,
)

#: The staff roles that can work a tier (the store's user roles, admin aside).
STAFF_ROLES = frozenset({"agent", "specialist", "manager"})

#: Ticket events a customer can be told about (`NotificationSpec.triggers`).
NOTIFICATION_TRIGGERS = frozenset(
    {"received", "assigned", "info_requested", "progress", "resolved", "closed", "delayed", "escalated", "evidence_lapsed"}
)

#: How queues order tickets: "priority" serves the most urgent priority first and
#: then first come, first served; "arrival" is strictly first come, first served.
QUEUE_ORDERS = frozenset({"priority", "arrival"})

#: What happens when an evidence window lapses. "decide": the ticket moves on to
#: the decision step on what the investigation found; "escalate": to the next tier.
EVIDENCE_LAPSE_ACTIONS = frozenset({"decide", "escalate"})

#: What happens when a third party (a seller) lets its response time lapse.
#: "intervene": the platform takes the case over (the ticket leaves the waiting
#: status and goes back to the owner's queue).
THIRD_PARTY_LAPSE_ACTIONS = frozenset({"intervene"})

#: Consequences a code of conduct may name.
CONDUCT_SANCTIONS = frozenset({"warning", "terminate_support", "suspend_account"})

#: Attachment kinds intake can recognise by content, and the file-name
#: extensions customers know them by.
ATTACHMENT_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"jpeg": ("jpg", "jpeg"), "png": ("png",), "pdf": ("pdf",), "gif": ("gif",), "webp": ("webp",)}
)

#: Placeholders canned responses may use, filled in by the client.
CANNED_PLACEHOLDERS = frozenset(
    {"customer_name", "agent_name", "ticket_number", "order_id", "policy_name", "due", "return_authorization"}
)


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
class CalendarInfo:
    """What a calendar is for, for people: "Phone line, Mon-Fri 10:00-18:00"."""

    key: str
    label: str
    description: str = ""
    holiday_names: Mapping[date, str] = field(default_factory=dict)  # "Republic Day"
    #: The last day the holiday list is known for (the file's `holidays_through`,
    #: else 31 December of the last year it lists a holiday in); None: the
    #: calendar keeps no holiday list, so it cannot run out.
    holidays_through: date | None = None


@dataclass(frozen=True, slots=True)
class CalendarWarning:
    """A calendar whose holiday list runs out soon: after `through` every day counts as open."""

    policy: str
    calendar: str
    label: str
    through: date
    days_left: int  # days from today (in the policy's zone) to `through`; negative once past

    @property
    def message(self) -> str:
        when = (
            f"ran out on {self.through.isoformat()}"
            if self.days_left < 0
            else f"runs out on {self.through.isoformat()} (in {self.days_left} days)"
        )
        return (
            f"policy {self.policy!r}: the holiday list of calendar {self.calendar!r} ({self.label}) {when}: "
            f"later holidays would count as open time; add the next year's holidays"
        )


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    key: str
    label: str
    #: Calendar during which the channel is staffed (a phone line open Mon-Fri 10-18);
    #: None means it follows the policy's support calendar.
    availability: str | None = None
    #: Where customers reach it: addresses, numbers, URLs, social-media handles.
    contacts: tuple[str, ...] = ()
    #: Queue order for tickets from this channel; None: the policy's `queue_order`.
    queue_order: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class CategorySpec:
    key: str
    label: str
    description: str = ""
    #: Priority a new ticket in this category starts with (Ooulet: payment problems
    #: are critical); None: the policy's default priority.
    default_priority: str | None = None


@dataclass(frozen=True, slots=True)
class PrioritySpec:
    key: str
    label: str
    rank: int  # 0 is the most urgent; queues serve lower ranks first, then arrival order
    description: str = ""


@dataclass(frozen=True, slots=True)
class CustomerTierSpec:
    """What a customer tier (a `desk_app.core.ticket.CustomerTier` value) gets under a policy."""

    key: str
    label: str
    description: str = ""
    priority_support: bool = False  # SLA rules give it faster targets
    dedicated_account_manager: bool = False  # tickets go to the customer's account manager


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
    #: False: the clock runs through pausing statuses and suspend modes (Shopee's
    #: dispute deadline counts "from the date the problem was first submitted").
    pausable: bool = True
    #: The clock only runs while the ticket is at this tier or above (Ooulet keeps
    #: customers informed "throughout the escalation process").
    from_tier: int = 1


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
class ThirdPartySpec:
    """Someone outside the support team a ticket can wait on (pending_third_party).

    While the ticket waits on them our clocks pause, but their own response
    time runs; when it lapses the platform acts (`on_lapse`).
    """

    key: str  # "seller"
    label: str
    response: timedelta | None  # business time on `calendar`; None: no obligation stated
    calendar: str
    on_lapse: str  # a THIRD_PARTY_LAPSE_ACTIONS value


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
    #: For "extend": the tier budgets in force while the mode is on, by tier level.
    #: A mode that extends targets extends the escalation ladder with them (the
    #: loader stretches each budget as much as the targets), so no ticket is
    #: escalated on its budget before its extended response is due.
    extended_budgets: Mapping[int, timedelta] = field(default_factory=dict)

    def extended(self, metric: str, key: str) -> timedelta | None:
        """The longer target this mode puts in force for the clock `key` of `metric`, if any."""
        if metric == Metric.TIER_BUDGET:
            level = key.rpartition(":")[2]
            return self.extended_budgets.get(int(level)) if level.isdigit() else None
        return self.extended_targets.get(metric)


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
class IntakeSpec:
    """What the intake form / email gateway accepts (enforced by the store's intake)."""

    max_attachments: int
    max_attachment_bytes: int
    attachment_types: frozenset[str]  # ATTACHMENT_TYPES keys, recognised by content
    #: Who may submit ("buyer", "seller"); empty: anyone, nothing asked.
    requester_roles: tuple[str, ...] = ()
    #: Categories whose tickets must carry an order number.
    order_id_categories: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ReturnAuthorizationSpec:
    """Return authorization numbers handed out for returns."""

    categories: frozenset[str]
    required: bool  # False: issued only where the agent judges it necessary ("if required")
    prefix: str


@dataclass(frozen=True, slots=True)
class ConductSpec:
    """A code of conduct for customers; agents may flag a customer under it."""

    summary: str
    sanctions: tuple[str, ...] = ()  # CONDUCT_SANCTIONS values


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
    # -- added with the TOML loader; defaults keep hand-built policies working --
    effective: date | None = None  # the seed's effective date
    calendar_info: Mapping[str, CalendarInfo] = field(default_factory=dict)
    customer_tier_specs: Mapping[str, CustomerTierSpec] = field(default_factory=dict)
    default_priority: str | None = None  # None: the least urgent priority
    queue_order: str = "priority"  # a QUEUE_ORDERS value
    third_parties: Mapping[str, ThirdPartySpec] = field(default_factory=dict)
    intake: IntakeSpec | None = None  # None: the seed states no intake rules
    return_authorization: ReturnAuthorizationSpec | None = None
    conduct: ConductSpec | None = None
    #: The customers' country (ISO 3166 alpha-2, "ID"): local phone numbers are read there
    #: (`desk_app.core.phone`). None: numbers are matched as typed.
    country: str | None = None

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

    def initial_priority(self, category: str | None = None) -> str:
        """The priority a new ticket starts with: the category's, else the policy's default."""
        spec = self.categories.get(category) if category is not None else None
        if spec is not None and spec.default_priority is not None:
            return spec.default_priority
        return self.default_priority or self.priorities[-1].key

    def channel_calendar(self, channel: str) -> BusinessCalendar:
        """When `channel` is staffed (its availability, else the support calendar)."""
        spec = self.channels.get(channel)
        key = spec.availability if spec is not None and spec.availability else self.support_calendar
        return self.calendars[key]

    def channel_queue_order(self, channel: str) -> str:
        spec = self.channels.get(channel)
        return spec.queue_order if spec is not None and spec.queue_order else self.queue_order
