"""Property tests for desk_app.core.sla over random ticket histories.

Histories live on a 15-minute grid, so an independent reference can count
business time slot by slot (open on the calendar, not paused, not resolved,
not suspended) instead of trusting the interval arithmetic under test.
Hypothesis runs derandomized: the same examples on every run.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk_app.core.policy import Metric, ModeSpec, ThirdPartySpec
from desk_app.core.sla import ClockState, SlaSnapshot, compute_clocks
from desk_app.core.ticket import DONE_STATUSES, EventKind, ModeSpan, Status, TicketEvent, TicketFacts
from sla_factories import H, ist, make_policy

SLOT = timedelta(minutes=15)
PANDEMIC = ModeSpec("pandemic", "Pandemic", "suspend")
HIGH_VOLUME = ModeSpec(
    "high_volume",
    "High volume",
    "extend",
    extended_targets={Metric.FIRST_RESPONSE: 8 * H, Metric.RESOLUTION: 24 * H},
)
POLICY = make_policy(modes=(PANDEMIC, HIGH_VOLUME))
# The same with a resolution deadline that never pauses, updates only from tier 2
# on, and a seller whose own 48 h run while the ticket waits on them.
POLICY_B = make_policy(
    modes=(PANDEMIC, HIGH_VOLUME),
    target_options={Metric.RESOLUTION: {"pausable": False}, Metric.PERIODIC_UPDATE: {"from_tier": 2}},
    third_parties=(ThirdPartySpec("seller", "Seller", 48 * H, "always", "intervene"),),
)
OFFICE = POLICY.calendars["office"]
PAUSE = POLICY.pause_statuses
ORIGIN = ist(5, 0)  # Monday 5 January 2026, 00:00 IST

PROPERTIES = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

RUNNING_RANK = {ClockState.RUNNING: 0, ClockState.WARNING: 1, ClockState.BREACHED: 2}


def _event(at: datetime, kind: EventKind, arg) -> TicketEvent:
    if kind is EventKind.STATUS_CHANGED:
        return TicketEvent(at, kind, status=arg)
    if kind is EventKind.TIER_CHANGED:
        return TicketEvent(at, kind, tier=arg)
    if kind in (EventKind.EVIDENCE_REQUESTED, EventKind.EVIDENCE_RECEIVED):
        return TicketEvent(at, kind, party=arg)
    return TicketEvent(at, kind)


event_steps = st.tuples(
    st.integers(min_value=0, max_value=40),  # slots after the previous event
    st.sampled_from(
        [
            (EventKind.CUSTOMER_MESSAGE, None),
            (EventKind.PUBLIC_REPLY, None),
            (EventKind.PHONE_CALL, None),
            (EventKind.INTERNAL_NOTE, None),
            (EventKind.ESCALATION_REQUESTED, None),
            *[(EventKind.STATUS_CHANGED, s.value) for s in Status],
            *[(EventKind.TIER_CHANGED, level) for level in (1, 2, 3)],
            *[(EventKind.EVIDENCE_REQUESTED, p) for p in ("buyer", "seller")],
            *[(EventKind.EVIDENCE_RECEIVED, p) for p in ("buyer", "seller")],
        ]
    ),
)

mode_spans = st.lists(
    st.tuples(
        st.sampled_from(["pandemic", "high_volume"]),
        st.integers(min_value=0, max_value=600),  # start, in slots from the origin
        st.one_of(st.none(), st.integers(min_value=1, max_value=300)),  # length, or still on
    ),
    max_size=2,
)


#: Tier moves up and down between replies: exercises targets in force from a tier.
ladder_steps = st.tuples(
    st.integers(min_value=0, max_value=40),
    st.sampled_from(
        [
            (EventKind.PUBLIC_REPLY, None),
            (EventKind.CUSTOMER_MESSAGE, None),
            (EventKind.STATUS_CHANGED, "pending_customer"),
            (EventKind.STATUS_CHANGED, "open"),
            *[(EventKind.TIER_CHANGED, level) for level in (1, 1, 2, 2, 3)],
        ]
    ),
)


@st.composite
def histories(draw, steps=event_steps, policies=(POLICY, POLICY_B)):
    created_slot = draw(st.integers(min_value=0, max_value=7 * 96))
    created_at = ORIGIN + created_slot * SLOT
    events = [TicketEvent(created_at, EventKind.CREATED, status=draw(st.sampled_from(["new", "open"])))]
    at = created_at
    for gap, (kind, arg) in draw(st.lists(steps, max_size=14)):
        at = at + gap * SLOT
        events.append(_event(at, kind, arg))
    now = at + draw(st.integers(min_value=0, max_value=400)) * SLOT
    modes = [
        ModeSpan(key, ORIGIN + start * SLOT, None if length is None else ORIGIN + (start + length) * SLOT)
        for key, start, length in draw(mode_spans)
    ]
    category = draw(st.sampled_from(["general", "dispute"]))
    policy = draw(st.sampled_from(policies))
    return policy, TicketFacts(created_at, category, "normal", "email"), events, now, modes


def compute(history, now=None) -> SlaSnapshot:
    policy, facts, events, at, modes = history
    return compute_clocks(policy, facts, events, now or at, modes)


# -- an independent reference ------------------------------------------------------------------


def _status_at(events, t):
    """The status after every event at or before t, applied in (stable) time order."""
    current = "new"
    for event in sorted(events, key=lambda e: e.at):
        if event.at > t:
            break
        if event.status is not None and event.kind in (EventKind.CREATED, EventKind.STATUS_CHANGED):
            current = event.status
    return current


def _tier_at(events, t):
    level = 1
    for event in sorted(events, key=lambda e: e.at):
        if event.at > t:
            break
        if event.kind is EventKind.TIER_CHANGED:
            level = event.tier
    return level


def _suspended(modes, t, now):
    return any(m.mode == "pandemic" and m.start <= t < (m.end or now) and m.start <= now for m in modes)


def reference_elapsed(history, start, end, *, pausable=True, from_tier=1):
    """Business time in [start, end) slot by slot, leaving out resolved slots, and
    paused and suspended ones for a pausable clock, lower tiers for one in force from a tier."""
    _, _, events, now, modes = history
    total = timedelta(0)
    t = start
    while t < end:
        status = _status_at(events, t)
        if (
            OFFICE.is_open(t)
            and status not in DONE_STATUSES
            and not (pausable and (status in PAUSE or _suspended(modes, t, now)))
            and _tier_at(events, t) >= from_tier
        ):
            total += SLOT
        t += SLOT
    return total


def reference_done_since(history):
    _, _, events, now, _ = history
    since = None
    for event in sorted(events, key=lambda e: e.at):
        if event.status is None or event.kind not in (EventKind.CREATED, EventKind.STATUS_CHANGED):
            continue
        if event.status in DONE_STATUSES:
            since = since or event.at
        else:
            since = None
    return since


def reference_first_response_stop(history):
    _, _, events, _, _ = history
    done = False
    for event in sorted(events, key=lambda e: e.at):
        if event.kind in (EventKind.PUBLIC_REPLY, EventKind.PHONE_CALL) and not done:
            return event.at
        if event.status is not None and event.kind in (EventKind.CREATED, EventKind.STATUS_CHANGED):
            if event.status in DONE_STATUSES and not done:
                return event.at
    return None


def _all_clocks(s: SlaSnapshot):
    return (*s.clocks, *s.history)


def _states(s: SlaSnapshot):
    return {c.key: c.state for c in s.clocks}


# -- properties ----------------------------------------------------------------------------------


@PROPERTIES
@given(histories())
def test_replaying_the_same_history_gives_the_same_answer(history):
    assert compute(history) == compute(history)


@PROPERTIES
@given(histories(), st.randoms(use_true_random=False))
def test_the_order_events_arrive_in_does_not_matter(history, rnd: random.Random):
    policy, facts, events, now, modes = history
    # Shuffle whole groups of same-instant events; inside a group the given order is the meaning.
    group_key = {at: rnd.random() for at in {e.at for e in events}}
    shuffled = sorted(events, key=lambda e: group_key[e.at])
    assert compute((policy, facts, shuffled, now, modes)) == compute(history)


@PROPERTIES
@given(histories())
def test_clock_invariants(history):
    s = compute(history)
    now = history[3]
    for c in _all_clocks(s):
        assert c.due_at >= c.started_at, c
        assert c.warn_at is None or c.started_at <= c.warn_at < c.due_at, c
        assert c.started_at <= now
        if c.stopped_at is not None:
            assert c.started_at <= c.stopped_at <= now
            assert c.state in (ClockState.MET, ClockState.MISSED)
            assert (c.state is ClockState.MET) == (c.stopped_at < c.due_at), c
            assert (
                (c.remaining >= timedelta(0)) if c.state is ClockState.MET else (c.remaining <= timedelta(0))
            ), c
        elif c.state is ClockState.PAUSED:
            assert c.paused_reason is not None
        else:
            assert c.state is not ClockState.MET and c.state is not ClockState.MISSED
            assert (c.state is ClockState.BREACHED) == (now >= c.due_at), c
            if c.state is ClockState.BREACHED:
                assert c.remaining <= timedelta(0)
            else:
                assert c.remaining >= timedelta(0)
                assert (c.state is ClockState.WARNING) == (c.warn_at is not None and now >= c.warn_at), c
    assert len({c.key for c in s.clocks}) == len(s.clocks)


@PROPERTIES
@given(histories())
def test_remaining_is_the_target_minus_elapsed_business_time(history):
    check_remaining(history)


@PROPERTIES
@given(histories(steps=ladder_steps, policies=(POLICY_B,)))
def test_remaining_with_tier_moves(history):
    check_remaining(history)


def check_remaining(history):
    s = compute(history)
    policy, facts, _, now, _ = history
    rule = policy.sla_rules[-1]
    by_key = {c.key: c for c in s.clocks}
    done_since = reference_done_since(history)

    def options(metric):
        target = rule.targets.get(Metric(metric)) if metric in rule.targets else None
        return {"pausable": target.pausable, "from_tier": target.from_tier} if target else {}

    res = by_key["resolution"]
    assert res.stopped_at == done_since
    expected = reference_elapsed(history, facts.created_at, done_since or now, **options("resolution"))
    assert res.remaining == res.target - expected

    fr = by_key["first_response"]
    stop = reference_first_response_stop(history)
    assert fr.stopped_at == stop
    assert fr.remaining == fr.target - reference_elapsed(history, facts.created_at, stop or now)

    for c in _all_clocks(s):
        end = c.stopped_at or now
        if c.metric in ("evidence", "third_party"):  # never paused, 24/7
            assert c.remaining == c.target - (end - c.started_at)
        else:
            assert c.remaining == c.target - reference_elapsed(
                history, c.started_at, end, **options(c.metric)
            ), c.key

    # A running clock's due and warning times are the *latest* instants at which
    # the target (or 75 % of it) is used up: exactly that much counted time
    # before, and counted time again right after.
    for c in s.clocks:
        if c.state not in RUNNING_RANK:
            continue
        for at, amount in ((c.due_at, c.target), (c.warn_at, c.target * 3 / 4)):
            if c.metric in ("evidence", "third_party"):
                assert at == c.started_at + amount, c.key
                continue
            opts = options(c.metric)
            assert reference_elapsed(history, c.started_at, at, **opts) == amount, c.key
            assert reference_elapsed(history, at, at + SLOT, **opts) == SLOT, c.key


@PROPERTIES
@given(histories(), st.integers(min_value=1, max_value=800))
def test_clocks_are_monotone_in_now(history, later_slots):
    policy, facts, events, now, modes = history
    later = now + later_slots * SLOT
    boundaries = [t for m in modes for t in (m.start, m.end) if t is not None]
    if any(now < t <= later for t in boundaries):
        later = min(t for t in boundaries if t > now) - SLOT
        if later <= now:
            return
    a, b = compute(history), compute(history, later)
    assert [c.key for c in a.clocks] == [c.key for c in b.clocks]
    assert a.history == b.history
    for x, y in zip(a.clocks, b.clocks, strict=True):
        if x.state in (ClockState.MET, ClockState.MISSED):
            assert x == y
        elif x.state is ClockState.PAUSED:
            assert y.state is ClockState.PAUSED
            assert y.remaining == x.remaining
            assert y.due_at >= x.due_at
        else:
            assert y.due_at == x.due_at and y.target == x.target
            assert y.remaining <= x.remaining
            assert RUNNING_RANK[y.state] >= RUNNING_RANK[x.state]
    if a.escalation is not None:
        assert b.escalation is not None
        assert (b.escalation.due_at, b.escalation.reason) == (a.escalation.due_at, a.escalation.reason)
        assert b.escalation.auto_escalate_at >= a.escalation.auto_escalate_at


@PROPERTIES
@given(histories())
def test_nothing_changes_before_next_change_at(history):
    s = compute(history)
    now = history[3]
    if s.next_change_at is None:
        far = compute(history, now + timedelta(days=30))
        assert _states(far) == _states(s)
        assert (far.escalation is None) == (s.escalation is None)
        return
    assert s.next_change_at > now
    just_before = s.next_change_at - timedelta(seconds=1)
    if just_before > now:
        before = compute(history, just_before)
        assert _states(before) == _states(s)
        assert (before.escalation is None) == (s.escalation is None)
    at = compute(history, s.next_change_at)
    boundaries = {t for m in history[4] for t in (m.start, m.end) if t is not None}
    changed = _states(at) != _states(s) or (at.escalation is None) != (s.escalation is None)
    woke_for_auto_escalation = s.escalation is not None and s.escalation.auto_escalate_at == s.next_change_at
    assert changed or woke_for_auto_escalation or s.next_change_at in boundaries
