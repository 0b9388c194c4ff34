"""SLA clocks: a pure function from (policy, ticket, history, now) to clocks.

Replaying the same history at the same `now` always gives the same answer, so
the store, every client and the tests agree on every countdown.

The rules (the server and the client display exactly these):

History
    Events are sorted stably by time (events at the same instant keep the order
    they were given in) and only events at or before `now` count: a snapshot is
    the state *as of* `now`. Events before the ticket's creation, naive
    datetimes, unknown statuses or tiers are rejected with ValueError.

Business time and pauses
    Every target is business time on its calendar. While the ticket's status is
    one of `policy.pause_statuses`, or a "suspend" emergency mode is on, the
    first-response, next-response, periodic-update, resolution and tier-budget
    clocks stand still: the paused span is cut out of the calendar as if it
    were a closure (Zammad's semantics), so due times move by the business
    time the span covered, and only that. While paused, a clock's `due_at`
    (and `warn_at`) is the instant it would fall due if it resumed at `now`,
    its `remaining` is frozen, its state is PAUSED and `paused_reason` names
    the status, or "mode:<key>" for a suspend mode (the status wins when both
    apply). A target with `pausable = false` (a deadline counted from first
    submission) runs through pauses and suspend modes. Evidence windows and
    third-party deadlines never pause: they are the other party's own
    deadline, not a promise of ours.

States
    `due_at` is the instant the target is used up (the calendar's "latest
    instant" rule: a target that runs out at closing time is due at the next
    opening). A running clock is BREACHED from `due_at` on, WARNING from
    `warn_at` on, RUNNING before. A stopped clock is MET when it stopped
    strictly before `due_at`, else MISSED. `remaining` is the target minus the
    business time elapsed (pauses left out) up to the stop or `now`; negative
    once overrun. Resolved/closed stops every clock; `stopped_at` is when.
    A stopped clock keeps the due and warning times it had when it stopped.

Warnings
    `warn_at` is when the elapsed business time reaches the smaller of
    `percent` of the target and target minus `before` (whichever comes first),
    from the target's own `WarningSpec` or else the policy's; rounded to the
    second; None when that threshold is not below the target.

Clocks (`Clock.key`)
    first_response  from creation to the first public reply or phone call (either
                    direction). Resolving a ticket without one stops it too.
    next_response   from the oldest customer message not yet answered by a public
                    reply or call, once the first response is given (before that
                    the first-response clock covers it); the reply stops it. Each
                    unanswered run is a new clock; the current one is shown, or
                    the last one (met/missed) if none is open. A customer message
                    while the ticket is resolved starts a run at the reopening.
    periodic_update while open, the customer hears from us at least every target:
                    it starts at the first reply/call (at creation when the rule
                    has no first-response target) and at each reopening, and each
                    reply/call ends the run and starts the next.
    resolution      from creation until resolved/closed. A reopening *continues*
                    it: the time the ticket spent resolved is cut out like a
                    pause, so the elapsed open time before it still counts.
    tier_budget:<n> from when the ticket entered tier n (creation for the first
                    tier) for that tier's `budget`; none for a tier without one
                    (the last). Like resolution, it continues after a reopening.
    evidence:<party> from an EVIDENCE_REQUESTED for the party to its
                    EVIDENCE_RECEIVED, for the duration of the policy's evidence
                    window matching the ticket's category. A repeated request while
                    the window is open does not restart it. Resolving the ticket
                    closes open windows.
    third_party:<key> while the ticket is pending_third_party, for the response
                    time of the third party it waits on (`policy.third_parties`):
                    the STATUS_CHANGED event's `party` names it, or, without one,
                    the policy's only third party. Parties without a response
                    time get no clock. Leaving the status (or switching party)
                    stops it; `Clock.metric` is "third_party".

    A target with `from_tier = k` is in force only while the ticket is at tier k
    or above: time at lower tiers is cut out, the clock starts counting when
    the ticket reaches tier k, and it is not shown while the ticket is below k
    (earlier runs never in force are left out of `history`).

Emergency modes (`modes`)
    A span's mode key must be one of `policy.modes`; a span starting after
    `now` does not count yet. "suspend": a pause (see above). "extend": a clock
    uses the mode's extended target for its metric (when longer than its own)
    if the mode was on at some instant while the clock was still within its
    regular target: the span began before the clock's regular due time (and
    before it stopped) and had not ended when the clock started. A clock that
    had already breached when the mode came on stays breached. The extension
    stays with the clock after the mode ends (the customer was told of the
    longer time); `Clock.extended_by` names the mode.

Escalation
    See `desk_app.core.escalation`. The tier budget's expiry (or a customer's
    request) yields `SlaSnapshot.escalation`; its `auto_escalate_at` adds the
    policy's grace in business time on the tier budget's timeline (pauses cut
    out), so a prompt raised just before a weekend is not auto-escalated while
    nobody could acknowledge it. No escalation is due while the ticket is
    resolved/closed.

`next_change_at`
    The earliest instant after `now` at which the snapshot changes without a
    new event: a warn_at or due_at of a clock that is running, the
    auto-escalation instant (unless the ticket is paused), or the start/end of
    a known mode span while some clock is live.

Earlier runs (answered next-response runs, periodic-update runs, budgets of
tiers left, closed evidence windows and third-party waits) are in
`SlaSnapshot.history`, for reports.

Cost: sorting plus one pass over the events; each clock needs a handful of
calendar calls, each O(log n), plus O(log p) for p paused spans.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from desk_app.core.calendar import BusinessCalendar
from desk_app.core.escalation import EscalationDue, escalation_due, ladder_position
from desk_app.core.policy import Metric, ModeSpec, Policy, SlaRule, WarningSpec
from desk_app.core.ticket import DONE_STATUSES, EventKind, ModeSpan, Status, TicketEvent, TicketFacts

__all__ = [
    "Clock",
    "ClockState",
    "EscalationDue",
    "SlaSnapshot",
    "compute_clocks",
    "most_urgent",
    "running_state",
    "state_at",
]

_ZERO = timedelta(0)
_SECOND = timedelta(seconds=1)

_STATUS_VALUES = frozenset(s.value for s in Status)

#: `Clock.metric` of a third party's own response deadline (`Policy.third_parties`).
THIRD_PARTY = "third_party"


class ClockState(StrEnum):
    RUNNING = "running"
    WARNING = "warning"
    BREACHED = "breached"  # still open and past due
    PAUSED = "paused"
    MET = "met"  # stopped in time
    MISSED = "missed"  # stopped, but after the due time


#: States of a clock that has not stopped.
LIVE_STATES = frozenset({ClockState.RUNNING, ClockState.WARNING, ClockState.BREACHED, ClockState.PAUSED})
#: States of a counting clock: which one follows from its times alone (`running_state`).
COUNTING_STATES = frozenset({ClockState.RUNNING, ClockState.WARNING, ClockState.BREACHED})


def running_state(due_at: Any, warn_at: Any, now: Any) -> ClockState:
    """The state of a counting clock at `now`: BREACHED from `due_at` on, WARNING from
    `warn_at` on, RUNNING before. Times are datetimes or epoch seconds (all three alike);
    None for `warn_at` (or `due_at`) means the clock has no such time."""
    if due_at is not None and now >= due_at:
        return ClockState.BREACHED
    if warn_at is not None and now >= warn_at:
        return ClockState.WARNING
    return ClockState.RUNNING


def state_at(stored: ClockState | None, due_at: Any, warn_at: Any, now: Any) -> ClockState | None:
    """The state a clock has at `now`, from the state it was computed in and its times.

    Only whether it is paused or stopped is taken from `stored` (paused clocks
    stand still; met and missed are final); a counting clock's state follows
    from its times (`running_state`), so a client's copy turns to warning and
    breached on its own as time passes, by the rule the store computes with.
    """
    if stored is None:
        return None
    if stored not in COUNTING_STATES:
        return stored
    return running_state(due_at, warn_at, now)


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
    #: The emergency mode whose extended target this clock uses (then `target` is the extended one).
    extended_by: str | None = None


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
    #: Earlier runs that ended before the clocks above: answered next-response
    #: runs, periodic-update runs, budgets of tiers the ticket left, closed
    #: evidence windows; all MET or MISSED, ordered by start. For reports.
    history: tuple[Clock, ...] = ()
    #: When the ticket entered its current tier.
    tier_entered_at: datetime | None = None


def most_urgent(clocks: Sequence[Clock]) -> Clock | None:
    """The live clock to show in a queue's "next due" column.

    Running clocks (breached, warning, running) before paused ones; among them
    the earliest due time; ties by key. None when every clock has stopped.
    """
    best: Clock | None = None
    best_key: tuple | None = None
    for clock in clocks:
        if clock.state not in LIVE_STATES:
            continue
        key = (clock.state is ClockState.PAUSED, clock.due_at, clock.key)
        if best_key is None or key < best_key:
            best, best_key = clock, key
    return best


# -- business time with spans cut out ---------------------------------------------------


class _Timeline:
    """Business time on one calendar with some spans (pauses, resolved time) cut out.

    `gaps` are sorted, disjoint, non-empty `(start, end)` spans. Two prefix
    arrays, built once per snapshot, keep every query down to a binary search
    and at most three calendar calls: `cut[i]`, the business time inside the
    first i gaps, and `open_at[i]`, the business time outside the gaps from the
    first gap's start to the i-th gap's start.
    """

    __slots__ = ("cal", "starts", "ends", "cut", "open_at")

    def __init__(self, cal: BusinessCalendar, gaps: Sequence[tuple[datetime, datetime]]) -> None:
        self.cal = cal
        self.starts = [s for s, _ in gaps]
        self.ends = [e for _, e in gaps]
        cut = [_ZERO]
        open_at = [_ZERO] if gaps else []
        for i, (s, e) in enumerate(gaps):
            cut.append(cut[-1] + cal.between(s, e))
            if i + 1 < len(gaps):
                open_at.append(open_at[-1] + cal.between(e, gaps[i + 1][0]))
        self.cut = cut
        self.open_at = open_at

    def elapsed(self, a: datetime, b: datetime) -> timedelta:
        """Business time in [a, b) outside the gaps; zero when b <= a."""
        if b <= a:
            return _ZERO
        total = self.cal.between(a, b)
        if not self.starts:
            return total
        i0 = bisect_right(self.ends, a)  # first gap ending after a
        i1 = bisect_left(self.starts, b)  # gaps before i1 start before b
        if i0 >= i1:
            return total
        total -= self.cut[i1] - self.cut[i0]
        first_start = self.starts[i0]
        if first_start < a:
            total += self.cal.between(first_start, a)
        last_end = self.ends[i1 - 1]
        if last_end > b:
            total += self.cal.between(b, last_end)
        return total

    def add(self, a: datetime, delta: timedelta) -> datetime:
        """The latest instant x with elapsed(a, x) == delta (delta >= 0)."""
        starts = self.starts
        i0 = bisect_right(self.ends, a)  # the first gap that ends after a
        if i0 == len(starts):
            return self.cal.add(a, delta).astimezone(UTC)
        # Open time from a to the start of gap i (i >= i0) is lead + open_at[i] - open_at[i0].
        lead = self.cal.between(a, starts[i0]) if a < starts[i0] else _ZERO
        # The answer lies before the first gap reached after more than `delta` of open time.
        base = self.open_at[i0] - lead
        i = bisect_right(self.open_at, delta + base, i0)
        if i == i0:
            return self.cal.add(a, delta).astimezone(UTC)
        # Past gap i-1: count the rest from its end.
        return self.cal.add(self.ends[i - 1], delta - (self.open_at[i - 1] - base)).astimezone(UTC)


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for s, e in sorted(spans, key=lambda span: span[0]):
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


# -- replaying the history --------------------------------------------------------------


def _require_aware(value: object, what: str) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be an aware datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime (with a time zone); got {value.isoformat()}")


def _ordered(events: Sequence[TicketEvent], created_at: datetime, now: datetime) -> list[TicketEvent]:
    """Events sorted stably by time, cut at `now`, with their kinds normalised."""
    checked: list[TicketEvent] = []
    for index, event in enumerate(events):
        _require_aware(event.at, f"event {index} ({event.kind}) time")
        try:
            kind = EventKind(event.kind)
        except ValueError:
            raise ValueError(
                f"event {index} at {event.at.isoformat()}: unknown kind {event.kind!r}"
            ) from None
        if event.at < created_at:
            raise ValueError(
                f"event {index} ({kind.value}) at {event.at.isoformat()} is before the ticket's "
                f"creation at {created_at.isoformat()}"
            )
        at = event.at.astimezone(UTC)
        if kind is not event.kind or at.tzinfo is not event.at.tzinfo:
            event = TicketEvent(at, kind, event.status, event.tier, event.party, event.direction)
        checked.append(event)
    checked.sort(key=lambda e: e.at)  # stable: same-instant events keep their given order
    cut = bisect_right([e.at for e in checked], now)
    return checked[:cut]


@dataclass(slots=True)
class _Run:
    start: datetime
    stop: datetime | None = None


@dataclass(slots=True)
class _Replay:
    status: str
    paused_spans: list[tuple[datetime, datetime]] = field(default_factory=list)
    done_spans: list[tuple[datetime, datetime]] = field(default_factory=list)
    done_since: datetime | None = None
    first_response: _Run | None = None
    next_runs: list[_Run] = field(default_factory=list)
    periodic_runs: list[_Run] = field(default_factory=list)
    evidence: dict[str, list[_Run]] = field(default_factory=dict)
    third_party: dict[str, list[_Run]] = field(default_factory=dict)


def _third_party_key(policy: Policy, named: str | None) -> str | None:
    """The third party a pending_third_party status waits on, if the policy times it."""
    if named:
        key = named
    elif len(policy.third_parties) == 1:
        key = next(iter(policy.third_parties))
    else:
        return None
    spec = policy.third_parties.get(key)
    if spec is None or spec.response is None:
        return None
    return key


def _replay(
    policy: Policy,
    rule: SlaRule,
    facts: TicketFacts,
    events: Sequence[TicketEvent],
    now: datetime,
    evidence_parties: tuple[str, ...] | None,
) -> _Replay:
    pause = policy.pause_statuses
    known_statuses = _STATUS_VALUES | pause
    created = facts.created_at.astimezone(UTC)

    status = Status.NEW.value
    if events and events[0].kind is EventKind.CREATED and events[0].status:
        status = events[0].status
    if status not in known_statuses:
        raise ValueError(f"created event: unknown status {status!r}")

    r = _Replay(status=status)
    r.first_response = _Run(created)
    pause_since = created if status in pause else None
    done_since = created if status in DONE_STATUSES else None
    if done_since is not None:
        r.first_response.stop = created
    elif Metric.FIRST_RESPONSE not in rule.targets:
        r.periodic_runs.append(_Run(created))
    unanswered_while_done = False
    open_windows: dict[str, _Run] = {}
    waiting: tuple[str, _Run] | None = None  # the timed third party the ticket waits on

    def wait_on(key: str | None, at: datetime) -> None:
        nonlocal waiting
        if key is not None and done_since is None:
            run = _Run(at)
            waiting = (key, run)
            r.third_party.setdefault(key, []).append(run)

    if status == Status.PENDING_THIRD_PARTY:
        wait_on(_third_party_key(policy, events[0].party if events else None), created)

    def stop_open(run_list: list[_Run], at: datetime) -> None:
        if run_list and run_list[-1].stop is None:
            run_list[-1].stop = at

    for index, event in enumerate(events):
        kind = event.kind
        at = event.at
        if kind is EventKind.STATUS_CHANGED or (kind is EventKind.CREATED and index > 0):
            new = event.status
            if kind is EventKind.CREATED and not new:
                continue
            if not new or new not in known_statuses:
                raise ValueError(
                    f"{kind.value} event at {at.isoformat()}: unknown status {new!r} "
                    f"(known: {', '.join(sorted(known_statuses))})"
                )
            was_done = done_since is not None
            is_done = new in DONE_STATUSES
            if new == Status.PENDING_THIRD_PARTY and not is_done:
                party_key = _third_party_key(policy, event.party)
            else:
                party_key = None
            if waiting is not None and (party_key != waiting[0] or new != Status.PENDING_THIRD_PARTY):
                waiting[1].stop = at
                waiting = None
            if pause_since is not None and new not in pause:
                r.paused_spans.append((pause_since, at))
                pause_since = None
            elif pause_since is None and new in pause:
                pause_since = at
            if not was_done and is_done:
                done_since = at
                if r.first_response.stop is None:
                    r.first_response.stop = at
                stop_open(r.next_runs, at)
                stop_open(r.periodic_runs, at)
                for run in open_windows.values():
                    run.stop = at
                open_windows.clear()
            elif was_done and not is_done:
                r.done_spans.append((done_since, at))
                done_since = None
                r.periodic_runs.append(_Run(at))
                if unanswered_while_done:
                    r.next_runs.append(_Run(at))
                    unanswered_while_done = False
            if party_key is not None and waiting is None:
                wait_on(party_key, at)
            status = new
        elif kind is EventKind.PUBLIC_REPLY or kind is EventKind.PHONE_CALL:
            unanswered_while_done = False
            if done_since is not None:
                continue
            if r.first_response.stop is None:
                r.first_response.stop = at
            stop_open(r.next_runs, at)
            stop_open(r.periodic_runs, at)
            r.periodic_runs.append(_Run(at))
        elif kind is EventKind.CUSTOMER_MESSAGE:
            if done_since is not None:
                unanswered_while_done = True
            elif r.first_response.stop is not None and (not r.next_runs or r.next_runs[-1].stop is not None):
                r.next_runs.append(_Run(at))
        elif kind is EventKind.EVIDENCE_REQUESTED or kind is EventKind.EVIDENCE_RECEIVED:
            party = event.party
            if not party:
                raise ValueError(f"{kind.value} event at {at.isoformat()} names no party")
            if evidence_parties is None:
                continue  # this category has no evidence window; nothing to time
            if party not in evidence_parties:
                raise ValueError(
                    f"{kind.value} event at {at.isoformat()}: party {party!r} is not one of "
                    f"{', '.join(evidence_parties)}"
                )
            if kind is EventKind.EVIDENCE_REQUESTED:
                if done_since is None and party not in open_windows:
                    run = _Run(at)
                    open_windows[party] = run
                    r.evidence.setdefault(party, []).append(run)
            else:
                run = open_windows.pop(party, None)
                if run is not None:
                    run.stop = at
        # CREATED (first), INTERNAL_NOTE, TIER_CHANGED (see escalation.ladder_position)
        # and ESCALATION_REQUESTED do not move these clocks.

    if pause_since is not None:
        r.paused_spans.append((pause_since, now))
    if done_since is not None:
        r.done_spans.append((done_since, now))
    r.done_since = done_since
    r.status = status
    return r


# -- emergency modes --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ModeWindow:
    key: str
    spec: ModeSpec
    start: datetime
    end: datetime | None  # None: still on


def _mode_windows(policy: Policy, modes: Sequence[ModeSpan], now: datetime) -> list[_ModeWindow]:
    windows = []
    for index, span in enumerate(modes):
        spec = policy.modes.get(span.mode)
        if spec is None:
            known = ", ".join(sorted(policy.modes)) or "none"
            raise ValueError(
                f"mode span {index}: policy {policy.key!r} has no mode {span.mode!r} (known: {known})"
            )
        _require_aware(span.start, f"mode span {index} start")
        if span.end is not None:
            _require_aware(span.end, f"mode span {index} end")
            if span.end < span.start:
                raise ValueError(f"mode span {index} ({span.mode}) ends before it starts")
        windows.append(_ModeWindow(
            span.mode, spec, span.start.astimezone(UTC), span.end.astimezone(UTC) if span.end is not None else None
        ))
    return windows


def _warn_threshold(target: timedelta, warning: WarningSpec) -> timedelta | None:
    candidates = []
    if warning.percent is not None:
        seconds = target / _SECOND
        candidates.append(timedelta(seconds=round(seconds * warning.percent / 100)))
    if warning.before is not None:
        candidates.append(target - warning.before)
    if not candidates:
        return None
    threshold = max(min(candidates), _ZERO)
    return threshold if threshold < target else None


# -- the snapshot -----------------------------------------------------------------------


class _Builder:
    """Builds clocks for one ticket; holds what every clock shares."""

    def __init__(
        self,
        policy: Policy,
        now: datetime,
        *,
        done_spans: list[tuple[datetime, datetime]],
        pause_spans: list[tuple[datetime, datetime]],
        paused_reason: str | None,
        stays: list[tuple[int, datetime, datetime]],
        extend_windows: list[_ModeWindow],
    ) -> None:
        self.policy = policy
        self.now = now
        self.done_spans = done_spans
        self.pause_spans = pause_spans
        self.paused_reason = paused_reason
        self.stays = stays
        self.extend_windows = extend_windows
        self._timelines: dict[tuple[str, bool, bool, int], _Timeline] = {}

    def timeline(
        self, calendar: str, *, pausable: bool, stops_when_done: bool = True, from_tier: int = 1
    ) -> _Timeline:
        """Business time on `calendar` with the spans this kind of clock stands still in cut out.

        Every clock but evidence windows and third-party deadlines skips resolved
        time (so that it continues after a reopening); pausable ones also skip
        pauses and suspend modes; a clock in force from tier k skips time at lower tiers.
        """
        key = (calendar, pausable, stops_when_done, from_tier)
        timeline = self._timelines.get(key)
        if timeline is None:
            try:
                cal = self.policy.calendars[calendar]
            except KeyError:
                raise ValueError(f"policy {self.policy.key!r} has no calendar {calendar!r}") from None
            spans: list[tuple[datetime, datetime]] = []
            if stops_when_done:
                spans += self.done_spans
            if pausable:
                spans += self.pause_spans
            if from_tier > 1:
                spans += [(entered, left) for level, entered, left in self.stays if level < from_tier]
            timeline = _Timeline(cal, _merge(spans))
            self._timelines[key] = timeline
        return timeline

    def in_force_from(self, from_tier: int, start: datetime, stop: datetime | None) -> datetime | None:
        """The first instant in [start, stop or now] at which the ticket is at `from_tier` or above."""
        if from_tier <= 1:
            return start
        end = stop if stop is not None else self.now
        last = len(self.stays) - 1
        for i, (level, entered, left) in enumerate(self.stays):
            if level < from_tier or entered > end or (left <= start and i != last):
                continue
            at = max(entered, start)
            if at < end or (at == end and stop is None and i == last):
                return at
        return None

    def _extension(
        self, metric: Metric, key: str, target: timedelta, start: datetime, stop: datetime | None, regular_due: datetime
    ) -> tuple[timedelta, str | None]:
        best, by = target, None
        for window in self.extend_windows:
            longer = window.spec.extended(metric, key)  # tier budgets too
            if longer is None or longer <= best:
                continue
            if window.start >= regular_due or (stop is not None and window.start >= stop):
                continue
            if window.end is not None and window.end <= start:
                continue
            best, by = longer, window.key
        return best, by

    def clock(
        self,
        *,
        key: str,
        metric: str,
        target: timedelta,
        calendar: str,
        warning: WarningSpec,
        start: datetime,
        stop: datetime | None,
        pausable: bool = True,
        stops_when_done: bool = True,
        from_tier: int = 1,
    ) -> Clock:
        timeline = self.timeline(
            calendar, pausable=pausable, stops_when_done=stops_when_done, from_tier=from_tier
        )
        now = self.now
        elapsed = timeline.elapsed(start, stop if stop is not None else now)

        def reach(amount: timedelta) -> datetime:
            # A stopped clock shows the times it had when it stopped: spans cut
            # out after its stop (the ticket resolved, then paused) do not move them.
            if stop is None or amount < elapsed:
                return timeline.add(start, amount)
            return timeline.cal.add(stop, amount - elapsed).astimezone(UTC)

        due = reach(target)
        extended_by = None
        if self.extend_windows:
            target, extended_by = self._extension(metric, key, target, start, stop, due)
            if extended_by is not None:
                due = reach(target)
        threshold = _warn_threshold(target, warning)
        warn_at = reach(threshold) if threshold is not None else None
        remaining = target - elapsed
        paused_reason = None
        if stop is not None:
            state = ClockState.MET if stop < due else ClockState.MISSED
        elif pausable and self.paused_reason is not None:
            state = ClockState.PAUSED
            paused_reason = self.paused_reason
        else:
            state = running_state(due, warn_at, now)
        return Clock(
            key=key,
            metric=str(metric),
            target=target,
            calendar=calendar,
            started_at=start,
            due_at=due,
            warn_at=warn_at,
            remaining=remaining,
            state=state,
            paused_reason=paused_reason,
            stopped_at=stop,
            extended_by=extended_by,
        )


def compute_clocks(
    policy: Policy,
    facts: TicketFacts,
    events: Sequence[TicketEvent],
    now: datetime,
    modes: Sequence[ModeSpan] = (),
) -> SlaSnapshot:
    """Every SLA clock of one ticket as of `now`; see the module docstring for the rules."""
    _require_aware(now, "now")
    _require_aware(facts.created_at, "the ticket's created_at")
    # Every instant in UTC from here on: two datetimes that share a zone compare by
    # wall clock in Python, which gets the repeated hour of a DST fall-back wrong.
    now = now.astimezone(UTC)
    created = facts.created_at.astimezone(UTC)
    if now < created:
        raise ValueError(f"now ({now.isoformat()}) is before the ticket's creation ({created.isoformat()})")

    rule = policy.rule_for(
        category=facts.category,
        priority=facts.priority,
        channel=facts.channel,
        customer_tier=facts.customer_tier,
    )
    window_spec = next((w for w in policy.evidence_windows if facts.category in w.categories), None)
    ordered = _ordered(events, created, now)
    replay = _replay(policy, rule, facts, ordered, now, window_spec.parties if window_spec else None)
    position = ladder_position(policy, created, ordered)

    # Pausing statuses and suspend modes; resolved time is cut out separately.
    windows = _mode_windows(policy, modes, now)
    current_windows = [w for w in windows if w.start <= now]
    pause_spans = list(replay.paused_spans)
    suspend_reason = None
    for w in sorted(current_windows, key=lambda w: w.start):
        if w.spec.effect != "suspend":
            continue
        end = now if w.end is None or w.end > now else w.end
        pause_spans.append((w.start, end))
        if suspend_reason is None and (w.end is None or w.end > now):
            suspend_reason = f"mode:{w.key}"
    if replay.done_since is not None:
        paused_reason = None
    elif replay.status in policy.pause_statuses:
        paused_reason = replay.status
    else:
        paused_reason = suspend_reason
    stays = [*position.earlier, (position.tier, position.entered_at, now)]
    b = _Builder(
        policy,
        now,
        done_spans=replay.done_spans,
        pause_spans=pause_spans,
        paused_reason=paused_reason,
        stays=stays,
        extend_windows=[w for w in current_windows if w.spec.effect == "extend"],
    )
    default_warning = policy.warning

    clocks: list[Clock] = []
    history: list[Clock] = []

    def target_clock(metric: Metric, key: str, run: _Run, current: bool) -> Clock | None:
        target = rule.targets.get(metric)
        if target is None:
            return None
        start = b.in_force_from(target.from_tier, run.start, run.stop)
        if start is None or (current and run.stop is None and position.tier < target.from_tier):
            return None  # not in force at this tier
        return b.clock(
            key=key,
            metric=metric,
            target=target.duration,
            calendar=target.calendar,
            warning=target.warning or default_warning,
            start=start,
            stop=run.stop,
            pausable=target.pausable,
            from_tier=target.from_tier,
        )

    def add_runs(metric: Metric, key: str, runs: list[_Run]) -> None:
        if not runs or metric not in rule.targets:
            return
        for run in runs[:-1]:
            clock = target_clock(metric, key, run, False)
            if clock is not None:
                history.append(clock)
        clock = target_clock(metric, key, runs[-1], True)
        if clock is not None:
            clocks.append(clock)

    add_runs(Metric.FIRST_RESPONSE, "first_response", [replay.first_response])
    add_runs(Metric.NEXT_RESPONSE, "next_response", replay.next_runs)
    add_runs(Metric.PERIODIC_UPDATE, "periodic_update", replay.periodic_runs)
    add_runs(Metric.RESOLUTION, "resolution", [_Run(created, replay.done_since)])

    # Tier budgets: the current tier's clock, and the tiers the ticket left.
    for level, entered, left in position.earlier:
        spec = policy.tier(level)
        if spec.budget is not None:
            history.append(
                _tier_clock(b, spec.level, spec.budget, spec.calendar, default_warning, entered, left)
            )
    tier_spec = policy.tier(position.tier)
    budget_clock = None
    if tier_spec.budget is not None:
        stop = replay.done_since
        if stop is not None and stop < position.entered_at:
            stop = position.entered_at  # moved to this tier while resolved: nothing to count
        budget_clock = _tier_clock(
            b,
            tier_spec.level,
            tier_spec.budget,
            tier_spec.calendar,
            default_warning,
            position.entered_at,
            stop,
        )
        clocks.append(budget_clock)

    # The other side's deadlines: never paused, closed when the ticket is resolved.
    deadlines: list[tuple[str, str, timedelta, str, list[_Run]]] = []
    if window_spec is not None:
        for party in window_spec.parties:
            deadlines.append(
                (
                    f"evidence:{party}",
                    Metric.EVIDENCE,
                    window_spec.duration,
                    window_spec.calendar,
                    replay.evidence.get(party, []),
                )
            )
    for key, spec in policy.third_parties.items():
        if spec.response is not None:
            deadlines.append(
                (
                    f"third_party:{key}",
                    THIRD_PARTY,
                    spec.response,
                    spec.calendar,
                    replay.third_party.get(key, []),
                )
            )
    for key, metric, duration, calendar, runs in deadlines:
        for i, run in enumerate(runs):
            clock = b.clock(
                key=key,
                metric=metric,
                target=duration,
                calendar=calendar,
                warning=default_warning,
                start=run.start,
                stop=run.stop,
                pausable=False,
                stops_when_done=False,
            )
            (clocks if i == len(runs) - 1 else history).append(clock)

    escalation = None
    if replay.done_since is None:
        tier_timeline = b.timeline(tier_spec.calendar, pausable=True)
        grace = policy.escalation.grace
        budget_due_at = budget_clock.due_at if budget_clock is not None else None
        if budget_clock is not None and budget_clock.state is ClockState.PAUSED and budget_clock.remaining >= _ZERO:
            # Not run out before the pause: its due time is only a projection from now
            # (one that ran out exactly as the pause began is due when counting resumes,
            # as a budget ending at a closing is due at the next opening).
            budget_due_at = None
        escalation = escalation_due(
            policy,
            position,
            budget_due_at=budget_due_at,
            now=now,
            grace_end=lambda t: tier_timeline.add(t, grace),
        )

    next_change = _next_change(clocks, escalation, paused_reason, windows, now)
    history.sort(key=lambda c: c.started_at)
    return SlaSnapshot(
        computed_at=now,
        rule=rule.name,
        status=replay.status,
        tier=position.tier,
        clocks=tuple(clocks),
        escalation=escalation,
        next_change_at=next_change,
        history=tuple(history),
        tier_entered_at=position.entered_at,
    )


def _tier_clock(
    b: _Builder,
    level: int,
    budget: timedelta,
    calendar: str,
    warning: WarningSpec,
    start: datetime,
    stop: datetime | None,
) -> Clock:
    return b.clock(
        key=f"tier_budget:{level}",
        metric=Metric.TIER_BUDGET,
        target=budget,
        calendar=calendar,
        warning=warning,
        start=start,
        stop=stop,
    )


def _next_change(
    clocks: Sequence[Clock],
    escalation: EscalationDue | None,
    paused_reason: str | None,
    windows: Sequence[_ModeWindow],
    now: datetime,
) -> datetime | None:
    candidates: list[datetime] = []
    live = False
    for clock in clocks:
        if clock.state in LIVE_STATES:
            live = True
        if clock.state in (ClockState.RUNNING, ClockState.WARNING, ClockState.BREACHED):
            if clock.warn_at is not None and clock.warn_at > now:
                candidates.append(clock.warn_at)
            if clock.due_at > now:
                candidates.append(clock.due_at)
    if escalation is not None and paused_reason is None and escalation.auto_escalate_at > now:
        candidates.append(escalation.auto_escalate_at)
    if live:
        for w in windows:
            if w.start > now:
                candidates.append(w.start)
            if w.end is not None and w.end > now:
                candidates.append(w.end)
    return min(candidates) if candidates else None
