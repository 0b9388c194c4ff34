"""The text report behind `./desk demo` (until the desktop client takes over):
the live SLA state of a few sample tickets under each shipped policy.

The sample tickets are built from each policy's own vocabulary (its first
category, its most urgent priority, its channels, its evidence windows), so
every shipped preset shows clocks that run, warn, pause, breach and escalate.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from desk_app.core.policy import Policy
from desk_app.core.sla import ClockState, SlaSnapshot, compute_clocks
from desk_app.core.ticket import EventKind, Status, TicketEvent, TicketFacts

_STATE_MARKS = {
    ClockState.RUNNING: "  ",
    ClockState.WARNING: "! ",
    ClockState.BREACHED: "!!",
    ClockState.PAUSED: "||",
    ClockState.MET: "ok",
    ClockState.MISSED: "xx",
}


@dataclass(frozen=True)
class SampleTicket:
    title: str
    facts: TicketFacts
    events: tuple[TicketEvent, ...]


def sample_tickets(policy: Policy, now: datetime) -> list[SampleTicket]:
    """A handful of tickets at typical stages, relative to `now`."""
    category = next(iter(policy.categories))
    urgent = policy.priorities[0].key
    usual = policy.priorities[-1].key
    channels = list(policy.channels)
    first_channel, last_channel = channels[0], channels[-1]
    tier = policy.customer_tiers[0]

    def ticket(title, age, *, priority=usual, channel=first_channel, cat=category, steps=()):
        created = now - age
        events = [TicketEvent(created, EventKind.CREATED, status=Status.NEW)]
        events.append(TicketEvent(created, EventKind.CUSTOMER_MESSAGE))
        events.extend(TicketEvent(created + offset, kind, **extra) for offset, kind, extra in steps)
        facts = TicketFacts(created, cat, priority, channel, tier)
        return SampleTicket(title, facts, tuple(events))

    reply = (EventKind.PUBLIC_REPLY, {})
    samples = [
        ticket("Just arrived, most urgent", timedelta(minutes=20), priority=urgent),
        ticket(
            "Answered; the customer wrote again",
            timedelta(hours=30),
            channel=last_channel,
            steps=[(timedelta(hours=2), *reply), (timedelta(hours=27), EventKind.CUSTOMER_MESSAGE, {})],
        ),
        ticket(
            "Waiting on the customer",
            timedelta(days=2),
            steps=[
                (timedelta(hours=1), *reply),
                (timedelta(hours=1), EventKind.STATUS_CHANGED, {"status": Status.PENDING_CUSTOMER}),
            ],
        ),
        ticket("Never answered", timedelta(days=12)),
        ticket(
            "Escalated to tier 2",
            timedelta(days=6),
            steps=[(timedelta(hours=1), *reply), (timedelta(days=5), EventKind.TIER_CHANGED, {"tier": 2})],
        ),
        ticket(
            "Resolved",
            timedelta(days=3),
            steps=[
                (timedelta(hours=1), *reply),
                (timedelta(days=1), EventKind.STATUS_CHANGED, {"status": Status.RESOLVED}),
            ],
        ),
    ]
    for window in policy.evidence_windows:
        dispute = sorted(window.categories)[0]
        steps = [(timedelta(hours=1), *reply)]
        for index, party in enumerate(window.parties):
            # The first party's window lapsed, the later ones are still open.
            opened = timedelta(hours=2) if index == 0 else window.duration + timedelta(hours=2) - timedelta(hours=12)
            steps.append((opened, EventKind.EVIDENCE_REQUESTED, {"party": party}))
        samples.append(ticket(f"Dispute ({window.key})", window.duration + timedelta(hours=14), cat=dispute, steps=steps))
    return samples


def _duration(value: timedelta) -> str:
    sign = "-" if value < timedelta(0) else ""
    seconds = abs(int(value.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{sign}{days}d{hours:02d}h"
    return f"{sign}{hours}h{minutes:02d}m"


def render_snapshot(policy: Policy, sample: SampleTicket, snapshot: SlaSnapshot) -> Iterator[str]:
    facts = sample.facts
    yield (
        f"  {sample.title}: {facts.category} / {facts.priority} / {facts.channel}, "
        f"status {snapshot.status}, tier {snapshot.tier} ({policy.tier(snapshot.tier).name}), rule {snapshot.rule}"
    )
    for clock in snapshot.clocks:
        local_due = clock.due_at.astimezone(policy.calendars[policy.support_calendar].tz)
        if clock.state in (ClockState.MET, ClockState.MISSED):
            when = f"stopped {clock.stopped_at.astimezone(local_due.tzinfo):%a %d %b %H:%M}"
        else:
            when = f"due {local_due:%a %d %b %H:%M}, {_duration(clock.remaining)} left"
        reason = f" ({clock.paused_reason})" if clock.paused_reason else ""
        yield (
            f"    {_STATE_MARKS[clock.state]} {clock.key:<22} {clock.state.value:<8}{reason:<20} "
            f"target {_duration(clock.target):>7}  {when}"
        )
    if snapshot.escalation:
        due = snapshot.escalation
        yield (
            f"    -> escalation due to tier {due.to_tier} ({due.to_tier_name}), {due.reason}; "
            f"automatic at {due.auto_escalate_at.astimezone(local_due.tzinfo):%a %d %b %H:%M}"
        )


def render_report(policies: Iterable[Policy], now: datetime) -> Iterator[str]:
    for policy in policies:
        zone = policy.calendars[policy.support_calendar].tz
        yield f"{policy.name} [{policy.key}] - {now.astimezone(zone):%a %d %b %Y %H:%M %Z} ({policy.timezone})"
        for sample in sample_tickets(policy, now):
            snapshot = compute_clocks(policy, sample.facts, sample.events, now)
            yield from render_snapshot(policy, sample, snapshot)
        yield ""
