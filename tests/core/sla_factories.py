"""Policies, tickets and histories built directly in Python for the SLA tests.

The tests of `desk_app.core.sla` and `desk_app.core.escalation` do not go
through the TOML loader, so a loader bug cannot hide (or fake) a clock bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from desk_app.core.calendar import BusinessCalendar
from desk_app.core.policy import (
    CategorySpec,
    ChannelSpec,
    EscalationSettings,
    EvidenceWindowSpec,
    Metric,
    ModeSpec,
    Policy,
    PrioritySpec,
    RuleMatch,
    SlaRule,
    Target,
    ThirdPartySpec,
    TierSpec,
    WarningSpec,
)
from desk_app.core.sla import Clock, SlaSnapshot
from desk_app.core.ticket import EventKind, Status, TicketEvent, TicketFacts

KOLKATA = ZoneInfo("Asia/Kolkata")
JAKARTA = ZoneInfo("Asia/Jakarta")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

H = timedelta(hours=1)
M = timedelta(minutes=1)
S = timedelta(seconds=1)
D = timedelta(days=1)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def ist(day: int, hour: int = 0, minute: int = 0, second: int = 0, month: int = 1) -> datetime:
    """A wall-clock instant in Kolkata, January 2026 by default (Jan 5 is a Monday)."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=KOLKATA)


def office_calendar(
    tz: str = "Asia/Kolkata", opens: str = "10:00", closes: str = "18:00", holidays=()
) -> BusinessCalendar:
    return BusinessCalendar(tz=tz, hours={day: [(opens, closes)] for day in WEEKDAYS}, holidays=holidays)


def calendars(**extra: BusinessCalendar) -> dict[str, BusinessCalendar]:
    cals = {
        "office": office_calendar(),  # Mon-Fri 10-18 Asia/Kolkata
        "always": BusinessCalendar.always_open("Asia/Jakarta"),
    }
    cals.update(extra)
    return cals


DEFAULT_TARGETS: Mapping[Metric, timedelta] = {
    Metric.FIRST_RESPONSE: 4 * H,
    Metric.NEXT_RESPONSE: 2 * H,
    Metric.PERIODIC_UPDATE: 8 * H,
    Metric.RESOLUTION: 16 * H,
}

DEFAULT_WARNING = WarningSpec(percent=75)

TIER_NAMES = {1: "Tier 1 Support", 2: "Senior Support Specialist", 3: "Customer Service Manager"}


def make_policy(
    *,
    targets: Mapping[Metric, timedelta] = DEFAULT_TARGETS,
    calendar: str = "office",
    cals: Mapping[str, BusinessCalendar] | None = None,
    warning: WarningSpec = DEFAULT_WARNING,
    target_warnings: Mapping[Metric, WarningSpec] | None = None,
    target_options: Mapping[Metric, Mapping[str, object]] | None = None,
    extra_rules: tuple[SlaRule, ...] = (),
    budgets: tuple[timedelta | None, ...] = (4 * H, 8 * H, None),
    tier_calendar: str | None = None,
    grace: timedelta = 1 * H,
    allow_keep: bool = True,
    customer_can_request: bool = True,
    pause_statuses: frozenset[str] = frozenset(
        {Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.ON_HOLD}
    ),
    evidence: timedelta | None = 3 * D,
    evidence_calendar: str = "always",
    modes: tuple[ModeSpec, ...] = (),
    third_parties: tuple[ThirdPartySpec, ...] = (),
) -> Policy:
    """A small, complete policy; every argument has a hand-checkable default."""
    target_warnings = target_warnings or {}
    target_options = target_options or {}
    rule = SlaRule(
        name="default",
        match=RuleMatch(),
        targets={
            metric: Target(
                metric, duration, calendar, target_warnings.get(metric), **target_options.get(metric, {})
            )
            for metric, duration in targets.items()
        },
    )
    ladder = tuple(
        TierSpec(
            level=i + 1,
            key=f"tier{i + 1}",
            name=TIER_NAMES[i + 1],
            role=("agent", "specialist", "manager")[i],
            budget=budget,
            calendar=tier_calendar or calendar,
        )
        for i, budget in enumerate(budgets)
    )
    windows = ()
    if evidence is not None:
        windows = (
            EvidenceWindowSpec(
                key="dispute",
                categories=frozenset({"dispute"}),
                parties=("buyer", "seller"),
                duration=evidence,
                calendar=evidence_calendar,
                on_lapse="decide",
            ),
        )
    return Policy(
        key="test",
        name="Test policy",
        source="tests/core/factories.py",
        timezone="Asia/Kolkata",
        calendars=cals if cals is not None else calendars(),
        support_calendar="office",
        channels={"email": ChannelSpec("email", "Email"), "phone": ChannelSpec("phone", "Phone")},
        categories={
            "general": CategorySpec("general", "General"),
            "dispute": CategorySpec("dispute", "Dispute"),
        },
        priorities=(PrioritySpec("urgent", "Urgent", 0), PrioritySpec("normal", "Normal", 1)),
        customer_tiers=("standard", "startup", "enterprise"),
        pause_statuses=pause_statuses,
        warning=warning,
        sla_rules=extra_rules + (rule,),
        ladder=ladder,
        escalation=EscalationSettings(
            grace=grace, allow_keep=allow_keep, customer_can_request=customer_can_request
        ),
        evidence_windows=windows,
        modes={mode.key: mode for mode in modes},
        third_parties={spec.key: spec for spec in third_parties},
    )


def facts(
    created_at: datetime, category: str = "general", priority: str = "normal", channel: str = "email"
) -> TicketFacts:
    return TicketFacts(created_at=created_at, category=category, priority=priority, channel=channel)


# -- events -------------------------------------------------------------------------------


def created(at: datetime, status: str = Status.NEW) -> TicketEvent:
    return TicketEvent(at, EventKind.CREATED, status=status)


def message(at: datetime) -> TicketEvent:
    return TicketEvent(at, EventKind.CUSTOMER_MESSAGE)


def reply(at: datetime) -> TicketEvent:
    return TicketEvent(at, EventKind.PUBLIC_REPLY)


def call(at: datetime, direction: str = "outbound") -> TicketEvent:
    return TicketEvent(at, EventKind.PHONE_CALL, direction=direction)


def note(at: datetime) -> TicketEvent:
    return TicketEvent(at, EventKind.INTERNAL_NOTE)


def status(at: datetime, value: str) -> TicketEvent:
    return TicketEvent(at, EventKind.STATUS_CHANGED, status=value)


def tier(at: datetime, level: int) -> TicketEvent:
    return TicketEvent(at, EventKind.TIER_CHANGED, tier=level)


def escalation_request(at: datetime) -> TicketEvent:
    return TicketEvent(at, EventKind.ESCALATION_REQUESTED)


def evidence_requested(at: datetime, party: str) -> TicketEvent:
    return TicketEvent(at, EventKind.EVIDENCE_REQUESTED, party=party)


def evidence_received(at: datetime, party: str) -> TicketEvent:
    return TicketEvent(at, EventKind.EVIDENCE_RECEIVED, party=party)


# -- reading snapshots ----------------------------------------------------------------------


def clock(snapshot: SlaSnapshot, key: str) -> Clock:
    for c in snapshot.clocks:
        if c.key == key:
            return c
    raise AssertionError(f"no clock {key!r}; clocks: {[c.key for c in snapshot.clocks]}")


def keys(snapshot: SlaSnapshot) -> list[str]:
    return [c.key for c in snapshot.clocks]
