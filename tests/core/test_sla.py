"""Hand-checked vectors for desk_app.core.sla.

Unless a test says otherwise the policy is `make_policy()`: a Mon-Fri 10:00-18:00
Asia/Kolkata calendar ("office"), first response 4 h, next response 2 h,
periodic update 8 h, resolution 16 h, warnings at 75 % of the target, tier
budgets 4 h / 8 h / none. January 2026: the 5th and the 12th are Mondays.
Every expected instant is a literal worked out by hand from those rules.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime, timedelta, timezone

import pytest

from desk_app.core.calendar import BusinessCalendar
from desk_app.core.policy import Metric, ModeSpec, ThirdPartySpec, WarningSpec
from desk_app.core.sla import ClockState, compute_clocks, most_urgent
from desk_app.core.ticket import EventKind, ModeSpan, Status, TicketEvent
from sla_factories import (
    BERLIN,
    NEW_YORK,
    H,
    M,
    S,
    D,
    call,
    calendars,
    clock,
    created,
    evidence_received,
    evidence_requested,
    facts,
    ist,
    keys,
    make_policy,
    message,
    note,
    office_calendar,
    reply,
    status,
    tier,
)

MON, TUE, WED, THU, FRI, SAT, SUN = 5, 6, 7, 8, 9, 10, 11
NEXT_MON = 12


def snap(policy, created_at, events, now, modes=(), **fact_args):
    return compute_clocks(policy, facts(created_at, **fact_args), [created(created_at), *events], now, modes)


# -- first response -----------------------------------------------------------------------


class TestFirstResponse:
    policy = make_policy()

    def test_met_by_a_public_reply(self):
        s = snap(self.policy, ist(MON, 10), [reply(ist(MON, 13))], ist(MON, 15))
        fr = clock(s, "first_response")
        assert fr.metric == "first_response"
        assert fr.target == 4 * H
        assert fr.calendar == "office"
        assert fr.started_at == ist(MON, 10)
        assert fr.due_at == ist(MON, 14)
        assert fr.warn_at == ist(MON, 13)
        assert fr.stopped_at == ist(MON, 13)
        assert fr.remaining == 1 * H
        assert fr.state is ClockState.MET

    def test_missed_when_the_reply_comes_late(self):
        fr = clock(snap(self.policy, ist(MON, 10), [reply(ist(MON, 15))], ist(MON, 16)), "first_response")
        assert fr.state is ClockState.MISSED
        assert fr.remaining == -1 * H
        assert fr.stopped_at == ist(MON, 15)

    @pytest.mark.parametrize(
        ("now", "state", "remaining"),
        [
            (ist(MON, 10), ClockState.RUNNING, 4 * H),
            (ist(MON, 12, 59, 59), ClockState.RUNNING, 1 * H + S),
            (ist(MON, 13), ClockState.WARNING, 1 * H),
            (ist(MON, 13, 59, 59), ClockState.WARNING, S),
            (ist(MON, 14), ClockState.BREACHED, timedelta(0)),  # due_at is the first breached instant
            (ist(MON, 14, 30), ClockState.BREACHED, -30 * M),
            (ist(TUE, 11), ClockState.BREACHED, -5 * H),  # overrun counts business time only
        ],
    )
    def test_running_warning_breached(self, now, state, remaining):
        fr = clock(snap(self.policy, ist(MON, 10), [], now), "first_response")
        assert (fr.state, fr.remaining, fr.due_at) == (state, remaining, ist(MON, 14))
        assert fr.stopped_at is None

    def test_a_reply_at_the_due_instant_is_late(self):
        fr = clock(snap(self.policy, ist(MON, 10), [reply(ist(MON, 14))], ist(MON, 14)), "first_response")
        assert (fr.state, fr.remaining) == (ClockState.MISSED, timedelta(0))
        fr = clock(
            snap(self.policy, ist(MON, 10), [reply(ist(MON, 13, 59, 59))], ist(MON, 14)), "first_response"
        )
        assert (fr.state, fr.remaining) == (ClockState.MET, S)

    @pytest.mark.parametrize("direction", ["inbound", "outbound"])
    def test_a_phone_call_either_way_is_a_response(self, direction):
        fr = clock(
            snap(self.policy, ist(MON, 10), [call(ist(MON, 11), direction)], ist(MON, 12)), "first_response"
        )
        assert (fr.state, fr.stopped_at) == (ClockState.MET, ist(MON, 11))

    def test_internal_notes_and_customer_messages_do_not_count(self):
        events = [note(ist(MON, 11)), message(ist(MON, 12))]
        fr = clock(snap(self.policy, ist(MON, 10), events, ist(MON, 13, 30)), "first_response")
        assert (fr.state, fr.stopped_at, fr.remaining) == (ClockState.WARNING, None, 30 * M)

    @pytest.mark.parametrize(
        ("created_at", "due"),
        [
            (ist(MON, 16), ist(TUE, 12)),  # 2 h on Monday, 2 h on Tuesday
            (ist(FRI, 17), ist(NEXT_MON, 13)),  # 1 h on Friday, the weekend is closed
            (ist(SAT, 9), ist(NEXT_MON, 14)),  # counting starts at Monday's opening
            (ist(MON, 7), ist(MON, 14)),  # before opening
            (ist(MON, 14), ist(TUE, 10)),  # runs out at closing: due at the next opening
        ],
    )
    def test_due_times_across_nights_and_weekends(self, created_at, due):
        assert clock(snap(self.policy, created_at, [], created_at), "first_response").due_at == due

    def test_running_out_at_closing_is_due_at_the_next_opening(self):
        # Created Mon 14:00: the 4 h are used up at 18:00; overnight nothing elapses.
        s = snap(self.policy, ist(MON, 14), [], ist(MON, 19))
        fr = clock(s, "first_response")
        assert (fr.due_at, fr.remaining, fr.state) == (ist(TUE, 10), timedelta(0), ClockState.WARNING)
        assert (
            clock(snap(self.policy, ist(MON, 14), [], ist(TUE, 10)), "first_response").state
            is ClockState.BREACHED
        )
        # A reply sent overnight is still in time.
        fr = clock(snap(self.policy, ist(MON, 14), [reply(ist(MON, 22))], ist(TUE, 11)), "first_response")
        assert (fr.state, fr.remaining) == (ClockState.MET, timedelta(0))

    def test_holidays_do_not_count(self):
        # Monday 26 January 2026 is Republic Day.
        cals = calendars(office=office_calendar(holidays=[date(2026, 1, 26)]))
        policy = make_policy(cals=cals)
        fr = clock(snap(policy, ist(23, 16), [], ist(23, 16)), "first_response")
        assert fr.due_at == ist(27, 12)

    def test_resolving_without_a_reply_stops_it(self):
        s = snap(self.policy, ist(MON, 10), [status(ist(MON, 11), Status.RESOLVED)], ist(MON, 15))
        fr = clock(s, "first_response")
        assert (fr.state, fr.stopped_at, fr.remaining) == (ClockState.MET, ist(MON, 11), 3 * H)


# -- warnings ---------------------------------------------------------------------------------


class TestWarnings:
    def warn_at(self, warning=None, target_warnings=None, metric="first_response", created_at=None):
        policy = make_policy(warning=warning or WarningSpec(percent=75), target_warnings=target_warnings)
        created_at = created_at or ist(MON, 10)
        return clock(snap(policy, created_at, [], created_at), metric).warn_at

    def test_by_percent_of_the_target(self):
        assert self.warn_at(WarningSpec(percent=75)) == ist(MON, 13)
        assert self.warn_at(WarningSpec(percent=50)) == ist(MON, 12)

    def test_by_time_before_due(self):
        assert self.warn_at(WarningSpec(before=30 * M)) == ist(MON, 13, 30)

    def test_whichever_comes_first(self):
        # 90 % is 13:36, one hour before due is 13:00.
        assert self.warn_at(WarningSpec(percent=90, before=1 * H)) == ist(MON, 13)
        # 50 % is 12:00, thirty minutes before due is 13:30.
        assert self.warn_at(WarningSpec(percent=50, before=30 * M)) == ist(MON, 12)

    def test_counts_business_time(self):
        # 75 % of 4 h = 3 h from Monday 16:00: two hours on Monday, one on Tuesday.
        assert self.warn_at(created_at=ist(MON, 16)) == ist(TUE, 11)
        # One hour before a Tuesday 12:00 due time.
        assert self.warn_at(WarningSpec(before=3 * H), created_at=ist(MON, 16)) == ist(MON, 17)

    def test_a_targets_own_warning_wins_over_the_policy_default(self):
        own = {Metric.FIRST_RESPONSE: WarningSpec(before=10 * M)}
        assert self.warn_at(target_warnings=own) == ist(MON, 13, 50)
        # Resolution keeps the default: 75 % of 16 h = 12 h = all Monday + 4 h on Tuesday.
        assert self.warn_at(target_warnings=own, metric="resolution") == ist(TUE, 14)

    def test_no_warning_configured(self):
        policy = make_policy(warning=WarningSpec())
        fr = clock(snap(policy, ist(MON, 10), [], ist(MON, 13, 59)), "first_response")
        assert (fr.warn_at, fr.state) == (None, ClockState.RUNNING)

    def test_a_warning_longer_than_the_target_warns_at_once(self):
        assert self.warn_at(WarningSpec(before=5 * H)) == ist(MON, 10)

    def test_percent_is_rounded_to_the_second(self):
        # 33.3 % of 4 h = 4795.2 s -> 4795 s = 1 h 19 min 55 s.
        assert self.warn_at(WarningSpec(percent=33.3)) == ist(MON, 11, 19, 55)


# -- next response ---------------------------------------------------------------------------


class TestNextResponse:
    policy = make_policy()
    base = [message(ist(MON, 10)), reply(ist(MON, 10, 30))]

    def test_runs_from_the_oldest_unanswered_message(self):
        events = [*self.base, message(ist(MON, 11)), message(ist(MON, 11, 30)), message(ist(MON, 12))]
        nr = clock(snap(self.policy, ist(MON, 10), events, ist(MON, 12, 30)), "next_response")
        assert nr.started_at == ist(MON, 11)
        assert nr.due_at == ist(MON, 13)
        assert nr.warn_at == ist(MON, 12, 30)  # 75 % of 2 h
        assert nr.state is ClockState.WARNING
        assert nr.remaining == 30 * M

    def test_a_reply_stops_it_and_the_next_message_starts_a_new_one(self):
        events = [*self.base, message(ist(MON, 11)), message(ist(MON, 12)), reply(ist(MON, 12, 45))]
        s = snap(self.policy, ist(MON, 10), events, ist(MON, 13))
        nr = clock(s, "next_response")
        assert (nr.state, nr.started_at, nr.stopped_at, nr.remaining) == (
            ClockState.MET,
            ist(MON, 11),
            ist(MON, 12, 45),
            15 * M,
        )
        assert [c for c in s.history if c.key == "next_response"] == []

        s = snap(self.policy, ist(MON, 10), [*events, message(ist(MON, 14))], ist(MON, 14, 10))
        nr = clock(s, "next_response")
        assert (nr.state, nr.started_at, nr.due_at, nr.stopped_at) == (
            ClockState.RUNNING,
            ist(MON, 14),
            ist(MON, 16),
            None,
        )
        earlier = [c for c in s.history if c.key == "next_response"]
        assert [(c.started_at, c.stopped_at, c.state) for c in earlier] == [
            (ist(MON, 11), ist(MON, 12, 45), ClockState.MET)
        ]

    def test_missed_run(self):
        events = [*self.base, message(ist(MON, 11)), reply(ist(MON, 13, 30))]
        nr = clock(snap(self.policy, ist(MON, 10), events, ist(MON, 14)), "next_response")
        assert (nr.state, nr.remaining) == (ClockState.MISSED, -30 * M)

    def test_before_the_first_response_the_first_response_clock_covers_messages(self):
        events = [message(ist(MON, 10)), message(ist(MON, 10, 10)), message(ist(MON, 10, 20))]
        s = snap(self.policy, ist(MON, 10), events, ist(MON, 11))
        assert "next_response" not in keys(s)
        assert clock(s, "first_response").state is ClockState.RUNNING

    def test_an_open_run_stops_when_the_ticket_is_resolved(self):
        events = [*self.base, message(ist(MON, 11)), status(ist(MON, 12), Status.RESOLVED)]
        nr = clock(snap(self.policy, ist(MON, 10), events, ist(MON, 15)), "next_response")
        assert (nr.state, nr.stopped_at, nr.remaining) == (ClockState.MET, ist(MON, 12), 1 * H)

    def test_a_message_while_resolved_starts_a_run_at_the_reopening(self):
        events = [
            *self.base,
            status(ist(MON, 11), Status.RESOLVED),
            message(ist(TUE, 10)),
            status(ist(TUE, 12), Status.OPEN),
        ]
        s = snap(self.policy, ist(MON, 10), events, ist(TUE, 12, 30))
        nr = clock(s, "next_response")
        assert (nr.started_at, nr.due_at, nr.state) == (ist(TUE, 12), ist(TUE, 14), ClockState.RUNNING)
        # While still resolved no clock runs for that message.
        s = snap(self.policy, ist(MON, 10), events[:-1], ist(TUE, 11))
        assert "next_response" not in keys(s)


# -- periodic update ---------------------------------------------------------------------------


class TestPeriodicUpdate:
    policy = make_policy()

    def test_runs_from_the_last_reply_and_resets_at_each(self):
        events = [reply(ist(MON, 10, 30))]
        pu = clock(snap(self.policy, ist(MON, 10), events, ist(TUE, 10)), "periodic_update")
        # 8 h from Monday 10:30: 7.5 h on Monday, 0.5 h on Tuesday.
        assert (pu.started_at, pu.due_at, pu.warn_at) == (
            ist(MON, 10, 30),
            ist(TUE, 10, 30),
            ist(MON, 16, 30),
        )
        assert (pu.state, pu.remaining) == (ClockState.WARNING, 30 * M)

        events.append(reply(ist(TUE, 10)))
        s = snap(self.policy, ist(MON, 10), events, ist(TUE, 11))
        pu = clock(s, "periodic_update")
        assert (pu.started_at, pu.due_at, pu.state) == (ist(TUE, 10), ist(WED, 10), ClockState.RUNNING)
        assert [(c.key, c.stopped_at, c.state) for c in s.history] == [
            ("periodic_update", ist(TUE, 10), ClockState.MET)
        ]
        pu = clock(snap(self.policy, ist(MON, 10), events, ist(WED, 10)), "periodic_update")
        assert (pu.state, pu.remaining) == (ClockState.BREACHED, timedelta(0))

    def test_a_late_update_is_recorded_as_missed(self):
        events = [reply(ist(MON, 10, 30)), call(ist(TUE, 12))]
        s = snap(self.policy, ist(MON, 10), events, ist(TUE, 13))
        (earlier,) = s.history
        assert (earlier.state, earlier.remaining) == (ClockState.MISSED, -90 * M)
        assert clock(s, "periodic_update").started_at == ist(TUE, 12)

    def test_not_before_the_first_response_when_that_has_a_target(self):
        assert "periodic_update" not in keys(snap(self.policy, ist(MON, 10), [], ist(MON, 11)))

    def test_from_creation_when_the_rule_has_no_first_response_target(self):
        policy = make_policy(targets={Metric.PERIODIC_UPDATE: 8 * H})
        pu = clock(snap(policy, ist(MON, 11), [], ist(MON, 12)), "periodic_update")
        assert (pu.started_at, pu.due_at) == (ist(MON, 11), ist(TUE, 11))

    def test_paused_while_waiting_on_the_customer(self):
        events = [
            reply(ist(MON, 10, 30)),
            status(ist(MON, 12, 30), Status.PENDING_CUSTOMER),
            status(ist(TUE, 12, 30), Status.OPEN),
        ]
        # 2 h elapsed before the pause; the pause covers 5.5 h + 2.5 h = 8 business hours.
        pu = clock(snap(self.policy, ist(MON, 10), events, ist(TUE, 13)), "periodic_update")
        assert (pu.due_at, pu.remaining, pu.state) == (ist(WED, 10, 30), 5 * H + 30 * M, ClockState.RUNNING)

    def test_restarts_at_a_reopening(self):
        events = [
            reply(ist(MON, 10, 30)),
            status(ist(MON, 11), Status.RESOLVED),
            status(ist(WED, 12), Status.OPEN),
        ]
        s = snap(self.policy, ist(MON, 10), events, ist(WED, 13))
        pu = clock(s, "periodic_update")
        assert (pu.started_at, pu.due_at, pu.state) == (ist(WED, 12), ist(THU, 12), ClockState.RUNNING)
        assert [(c.key, c.stopped_at, c.state) for c in s.history] == [
            ("periodic_update", ist(MON, 11), ClockState.MET)
        ]


# -- resolution ---------------------------------------------------------------------------------


class TestResolution:
    policy = make_policy()

    def test_met_when_resolved_in_time(self):
        s = snap(self.policy, ist(MON, 10), [status(ist(MON, 13), Status.RESOLVED)], ist(TUE, 10))
        res = clock(s, "resolution")
        # 16 h from Monday 10:00 run out at Tuesday's closing: due Wednesday 10:00.
        assert (res.state, res.stopped_at, res.remaining, res.due_at) == (
            ClockState.MET,
            ist(MON, 13),
            13 * H,
            ist(WED, 10),
        )
        assert s.status == Status.RESOLVED
        assert s.next_change_at is None
        assert all(c.state in (ClockState.MET, ClockState.MISSED) for c in s.clocks)

    def test_a_reopening_continues_the_clock_without_the_resolved_time(self):
        events = [status(ist(MON, 13), Status.RESOLVED), status(ist(WED, 10), Status.OPEN)]
        res = clock(snap(self.policy, ist(MON, 10), events, ist(WED, 11)), "resolution")
        # 3 h used before resolving; the remaining 13 h count from Wednesday 10:00.
        assert res.started_at == ist(MON, 10)
        assert (res.due_at, res.remaining, res.state, res.stopped_at) == (
            ist(THU, 15),
            12 * H,
            ClockState.RUNNING,
            None,
        )
        # 75 % of 16 h = 12 h: 9 h left after the reopening, Wednesday 8 h + 1 h.
        assert res.warn_at == ist(THU, 11)

        res = clock(
            snap(self.policy, ist(MON, 10), [*events, status(ist(THU, 16), Status.CLOSED)], ist(FRI, 10)),
            "resolution",
        )
        assert (res.state, res.stopped_at, res.remaining) == (ClockState.MISSED, ist(THU, 16), -1 * H)

    def test_closed_counts_as_done(self):
        res = clock(
            snap(self.policy, ist(MON, 10), [status(ist(MON, 11), Status.CLOSED)], ist(MON, 12)), "resolution"
        )
        assert res.state is ClockState.MET

    def test_first_response_is_not_restarted_by_a_reopening(self):
        events = [status(ist(MON, 13), Status.RESOLVED), status(ist(WED, 10), Status.OPEN)]
        fr = clock(snap(self.policy, ist(MON, 10), events, ist(WED, 11)), "first_response")
        assert (fr.state, fr.stopped_at) == (ClockState.MET, ist(MON, 13))

    def test_created_already_resolved(self):
        s = compute_clocks(
            self.policy, facts(ist(MON, 10)), [created(ist(MON, 10), Status.RESOLVED)], ist(MON, 11)
        )
        assert {c.state for c in s.clocks} == {ClockState.MET}
        assert s.next_change_at is None


# -- pauses ------------------------------------------------------------------------------------


class TestPauses:
    policy = make_policy(targets={Metric.RESOLUTION: 20 * H})

    def test_unpaused_reference(self):
        # Thursday 8 h + Friday 8 h + Monday 4 h.
        res = clock(snap(self.policy, ist(THU, 10), [], ist(THU, 10)), "resolution")
        assert res.due_at == ist(NEXT_MON, 14)

    def test_a_weekend_pause_shifts_the_due_time_by_the_paused_business_hour(self):
        # Paused Friday 17:00 to Monday 10:00: one business hour (Friday 17-18).
        events = [status(ist(FRI, 17), Status.PENDING_CUSTOMER), status(ist(NEXT_MON, 10), Status.OPEN)]
        res = clock(snap(self.policy, ist(THU, 10), events, ist(NEXT_MON, 10)), "resolution")
        assert (res.due_at, res.remaining) == (ist(NEXT_MON, 15), 5 * H)
        # 75 % (15 h) were used up exactly when the pause began: the warning is
        # the latest such instant, when the clock resumes.
        assert (res.warn_at, res.state) == (ist(NEXT_MON, 10), ClockState.WARNING)
        cal = self.policy.calendars["office"]
        assert cal.between(ist(NEXT_MON, 14), res.due_at) == 1 * H

    def test_friday_17_to_monday_11_shifts_by_two_business_hours(self):
        events = [status(ist(FRI, 17), Status.ON_HOLD), status(ist(NEXT_MON, 11), Status.OPEN)]
        res = clock(snap(self.policy, ist(THU, 10), events, ist(NEXT_MON, 12)), "resolution")
        assert (res.due_at, res.remaining) == (ist(NEXT_MON, 16), 4 * H)

    def test_while_paused_the_clock_is_frozen_and_due_if_it_resumed_now(self):
        events = [status(ist(FRI, 17), Status.PENDING_CUSTOMER)]
        res = clock(snap(self.policy, ist(THU, 10), events, ist(SAT, 12)), "resolution")
        assert (res.state, res.paused_reason, res.remaining) == (ClockState.PAUSED, "pending_customer", 5 * H)
        assert res.due_at == ist(NEXT_MON, 15)  # resumed on Saturday: counting starts Monday 10:00
        res = clock(snap(self.policy, ist(THU, 10), events, ist(NEXT_MON, 10, 30)), "resolution")
        assert (res.state, res.remaining, res.due_at) == (ClockState.PAUSED, 5 * H, ist(NEXT_MON, 15, 30))

    def test_an_overnight_pause_changes_nothing(self):
        events = [status(ist(THU, 18, 30), Status.PENDING_THIRD_PARTY), status(ist(FRI, 9, 30), Status.OPEN)]
        res = clock(snap(self.policy, ist(THU, 10), events, ist(FRI, 11)), "resolution")
        assert res.due_at == ist(NEXT_MON, 14)

    def test_several_pauses_add_up(self):
        events = [
            status(ist(THU, 11), Status.PENDING_CUSTOMER),
            status(ist(THU, 12), Status.OPEN),  # 1 h
            status(ist(FRI, 16), Status.ON_HOLD),
            status(ist(NEXT_MON, 10, 30), Status.OPEN),  # 2 h + 0.5 h
        ]
        res = clock(snap(self.policy, ist(THU, 10), events, ist(NEXT_MON, 11)), "resolution")
        assert res.due_at == ist(NEXT_MON, 17, 30)

    def test_pausing_stops_every_clock_but_evidence_windows(self):
        policy = make_policy()
        events = [
            evidence_requested(ist(MON, 10), "buyer"),
            status(ist(MON, 11), Status.PENDING_THIRD_PARTY),
        ]
        s = snap(policy, ist(MON, 10), events, ist(MON, 12), category="dispute")
        states = {c.key: c.state for c in s.clocks}
        assert states == {
            "first_response": ClockState.PAUSED,
            "resolution": ClockState.PAUSED,
            "tier_budget:1": ClockState.PAUSED,
            "evidence:buyer": ClockState.RUNNING,
        }
        assert {c.paused_reason for c in s.clocks} == {"pending_third_party", None}

    def test_a_pause_in_a_dst_zone_counts_real_time(self):
        # 24/7 in Berlin; the clocks go forward on Sunday 29 March 2026 at 02:00.
        berlin = BusinessCalendar.always_open("Europe/Berlin")
        policy = make_policy(
            cals=calendars(berlin=berlin), calendar="berlin", targets={Metric.RESOLUTION: 48 * H}
        )
        start = datetime(2026, 3, 27, 12, tzinfo=BERLIN)
        plain = clock(snap(policy, start, [], start), "resolution")
        assert plain.due_at == datetime(2026, 3, 29, 13, tzinfo=BERLIN)  # 48 real hours
        events = [
            status(datetime(2026, 3, 28, 12, tzinfo=BERLIN), Status.ON_HOLD),
            status(datetime(2026, 3, 29, 12, tzinfo=BERLIN), Status.OPEN),  # 23 real hours later
        ]
        res = clock(snap(policy, start, events, datetime(2026, 3, 29, 12, tzinfo=BERLIN)), "resolution")
        assert res.due_at == datetime(2026, 3, 30, 12, tzinfo=BERLIN)
        assert res.remaining == 24 * H

    def test_a_pause_across_a_dst_weekend_on_business_hours(self):
        # Mon-Fri 9-17 New York; DST starts Sunday 8 March 2026.
        ny = office_calendar("America/New_York", "09:00", "17:00")
        policy = make_policy(cals=calendars(ny=ny), calendar="ny", targets={Metric.RESOLUTION: 16 * H})
        start = datetime(2026, 3, 6, 9, tzinfo=NEW_YORK)
        assert clock(snap(policy, start, [], start), "resolution").due_at == datetime(
            2026, 3, 10, 9, tzinfo=NEW_YORK
        )
        events = [
            status(datetime(2026, 3, 6, 16, tzinfo=NEW_YORK), Status.PENDING_CUSTOMER),
            status(datetime(2026, 3, 9, 10, tzinfo=NEW_YORK), Status.OPEN),
        ]
        res = clock(snap(policy, start, events, datetime(2026, 3, 9, 10, tzinfo=NEW_YORK)), "resolution")
        # 7 h before the pause, 9 h after it: Monday 10-17 and Tuesday 9-11 (EDT).
        assert res.due_at == datetime(2026, 3, 10, 11, tzinfo=NEW_YORK)
        assert res.due_at.astimezone(NEW_YORK).utcoffset() == -4 * H


    def test_the_repeated_hour_of_a_dst_fall_back_is_counted_in_real_time(self):
        # 24/7 in New York; the clocks go back from 02:00 EDT to 01:00 EST on 1 November 2026.
        ny = BusinessCalendar.always_open("America/New_York")
        policy = make_policy(cals=calendars(ny=ny), calendar="ny", targets={Metric.FIRST_RESPONSE: 2 * H})
        start = datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK)  # 04:30 UTC
        utc = timezone.utc
        # Due two real hours later: 06:30 UTC, which is 01:30 EST (the second 01:30).
        due = datetime(2026, 11, 1, 6, 30, tzinfo=utc)

        def first(now):
            return clock(snap(policy, start, [], now), "first_response")

        # 01:45 EDT (05:45 UTC) reads later than 01:30 EST on the wall clock, but is earlier.
        early = first(datetime(2026, 11, 1, 1, 45, tzinfo=NEW_YORK))
        assert early.due_at == due and early.state is ClockState.RUNNING
        assert early.remaining == timedelta(minutes=45)
        assert first(datetime(2026, 11, 1, 6, 10, tzinfo=utc)).state is ClockState.WARNING
        assert first(datetime(2026, 11, 1, 6, 30, tzinfo=utc)).state is ClockState.BREACHED
        # The same instants given in UTC give the same answers.
        assert first(datetime(2026, 11, 1, 5, 45, tzinfo=utc)) == early


# -- target options: pausable, from_tier ---------------------------------------------------------


class TestNonPausableTargets:
    # A deadline "counted from the date first submitted" (Shopee disputes).
    policy = make_policy(
        targets={Metric.RESOLUTION: 16 * H},
        target_options={Metric.RESOLUTION: {"pausable": False}},
        modes=(ModeSpec("pandemic", "Pandemic", "suspend"),),
    )

    def test_runs_through_pausing_statuses_and_suspend_modes(self):
        events = [status(ist(MON, 11), Status.PENDING_CUSTOMER)]
        modes = [ModeSpan("pandemic", ist(MON, 12))]
        s = snap(self.policy, ist(MON, 10), events, ist(MON, 15), modes)
        res = clock(s, "resolution")
        assert (res.state, res.paused_reason, res.remaining, res.due_at) == (
            ClockState.RUNNING,
            None,
            11 * H,
            ist(WED, 10),
        )
        assert clock(s, "tier_budget:1").state is ClockState.PAUSED  # the rest still pauses
        assert s.next_change_at == ist(TUE, 14)  # its warning (12 h), although the ticket waits

    def test_resolved_time_is_still_cut_out_after_a_reopening(self):
        events = [status(ist(MON, 13), Status.RESOLVED), status(ist(WED, 10), Status.OPEN)]
        res = clock(snap(self.policy, ist(MON, 10), events, ist(WED, 11)), "resolution")
        assert (res.due_at, res.remaining) == (ist(THU, 15), 12 * H)


class TestFromTier:
    # Updates "throughout the escalation process" (Ooulet): the clock is in force from tier 2.
    policy = make_policy(
        targets={Metric.FIRST_RESPONSE: 4 * H, Metric.PERIODIC_UPDATE: 8 * H},
        target_options={Metric.PERIODIC_UPDATE: {"from_tier": 2}},
    )

    def test_not_in_force_below_its_tier(self):
        s = snap(self.policy, ist(MON, 10), [reply(ist(MON, 10, 30))], ist(TUE, 15))
        assert "periodic_update" not in keys(s)

    def test_counts_from_the_escalation(self):
        events = [reply(ist(MON, 10, 30)), reply(ist(MON, 12)), tier(ist(MON, 14), 2)]
        s = snap(self.policy, ist(MON, 10), events, ist(MON, 15))
        pu = clock(s, "periodic_update")
        assert (pu.started_at, pu.due_at, pu.remaining) == (ist(MON, 14), ist(TUE, 14), 7 * H)
        assert [c.key for c in s.history if c.key == "periodic_update"] == []  # runs at tier 1 never counted

    def test_time_back_at_a_lower_tier_is_cut_out(self):
        events = [
            reply(ist(MON, 10, 30)),
            tier(ist(MON, 14), 2),
            reply(ist(TUE, 11)),
            tier(ist(TUE, 12), 1),
        ]
        s = snap(self.policy, ist(MON, 10), events, ist(TUE, 13))
        assert "periodic_update" not in keys(s)
        assert [
            (c.key, c.started_at, c.stopped_at, c.state) for c in s.history if c.key == "periodic_update"
        ] == [("periodic_update", ist(MON, 14), ist(TUE, 11), ClockState.MET)]
        s = snap(self.policy, ist(MON, 10), [*events, tier(ist(WED, 10), 2)], ist(WED, 11))
        pu = clock(s, "periodic_update")
        # 1 h at tier 2 before going back to tier 1; the other 7 h count from Wednesday 10:00.
        assert (pu.started_at, pu.due_at, pu.remaining) == (ist(TUE, 11), ist(WED, 17), 6 * H)


# -- third parties --------------------------------------------------------------------------------


SELLER = ThirdPartySpec("seller", "Seller", 48 * H, "always", "intervene")
CARRIER = ThirdPartySpec("carrier", "Carrier", None, "always", "intervene")


class TestThirdParties:
    policy = make_policy(third_parties=(SELLER,))

    def test_their_deadline_runs_while_our_clocks_pause(self):
        events = [status(ist(MON, 11), Status.PENDING_THIRD_PARTY)]
        s = snap(self.policy, ist(MON, 10), events, ist(MON, 12))
        seller = clock(s, "third_party:seller")
        assert (seller.metric, seller.calendar, seller.started_at, seller.due_at, seller.warn_at) == (
            "third_party",
            "always",
            ist(MON, 11),
            ist(WED, 11),
            ist(TUE, 23),
        )
        assert seller.state is ClockState.RUNNING
        assert clock(s, "first_response").state is ClockState.PAUSED
        assert s.next_change_at == ist(TUE, 23)
        lapsed = clock(snap(self.policy, ist(MON, 10), events, ist(WED, 11)), "third_party:seller")
        assert (lapsed.state, lapsed.remaining) == (ClockState.BREACHED, timedelta(0))

    def test_met_when_the_ticket_stops_waiting(self):
        events = [status(ist(MON, 11), Status.PENDING_THIRD_PARTY), status(ist(TUE, 11), Status.OPEN)]
        seller = clock(snap(self.policy, ist(MON, 10), events, ist(TUE, 12)), "third_party:seller")
        assert (seller.state, seller.stopped_at, seller.remaining) == (ClockState.MET, ist(TUE, 11), 24 * H)

    def test_resolving_closes_it(self):
        events = [status(ist(MON, 11), Status.PENDING_THIRD_PARTY), status(ist(MON, 12), Status.RESOLVED)]
        seller = clock(snap(self.policy, ist(MON, 10), events, ist(TUE, 12)), "third_party:seller")
        assert (seller.state, seller.stopped_at) == (ClockState.MET, ist(MON, 12))

    def test_the_status_event_names_the_party(self):
        policy = make_policy(third_parties=(SELLER, CARRIER))
        named = TicketEvent(
            ist(MON, 11), EventKind.STATUS_CHANGED, status="pending_third_party", party="seller"
        )
        assert "third_party:seller" in keys(snap(policy, ist(MON, 10), [named], ist(MON, 12)))
        # A party without a response time, an unknown one, or none when several exist: no deadline.
        for party in ("carrier", "courier", None):
            event = dataclasses.replace(named, party=party)
            assert not [
                k for k in keys(snap(policy, ist(MON, 10), [event], ist(MON, 12))) if k.startswith("third")
            ]

    def test_switching_party_stops_the_first_deadline(self):
        other = ThirdPartySpec("bank", "Bank", 24 * H, "always", "intervene")
        policy = make_policy(third_parties=(SELLER, other))
        events = [
            TicketEvent(ist(MON, 11), EventKind.STATUS_CHANGED, status="pending_third_party", party="seller"),
            TicketEvent(ist(MON, 15), EventKind.STATUS_CHANGED, status="pending_third_party", party="bank"),
        ]
        s = snap(policy, ist(MON, 10), events, ist(MON, 16))
        assert (clock(s, "third_party:seller").stopped_at, clock(s, "third_party:bank").started_at) == (
            ist(MON, 15),
            ist(MON, 15),
        )

    def test_no_third_parties_no_deadline(self):
        s = snap(
            make_policy(), ist(MON, 10), [status(ist(MON, 11), Status.PENDING_THIRD_PARTY)], ist(MON, 12)
        )
        assert not [k for k in keys(s) if k.startswith("third")]


# -- emergency modes ---------------------------------------------------------------------------


PANDEMIC = ModeSpec("pandemic", "Pandemic", "suspend", notify_customers=True)
HIGH_VOLUME = ModeSpec(
    "high_volume", "High volume", "extend", extended_targets={Metric.FIRST_RESPONSE: 8 * H}
)


class TestSuspendMode:
    policy = make_policy(targets={Metric.FIRST_RESPONSE: 4 * H}, modes=(PANDEMIC,))

    def test_the_span_is_cut_out_like_a_pause(self):
        # Suspended Monday 11:00 to Wednesday 11:00 (16 business hours).
        span = ModeSpan("pandemic", ist(MON, 11), ist(WED, 11))
        fr = clock(snap(self.policy, ist(MON, 10), [], ist(WED, 12), [span]), "first_response")
        assert (fr.due_at, fr.remaining, fr.state) == (ist(WED, 14), 2 * H, ClockState.RUNNING)

    def test_during_the_span_clocks_are_paused_by_the_mode(self):
        span = ModeSpan("pandemic", ist(MON, 11), ist(WED, 11))
        s = snap(self.policy, ist(MON, 10), [], ist(TUE, 12), [span])
        fr = clock(s, "first_response")
        assert (fr.state, fr.paused_reason, fr.remaining, fr.due_at) == (
            ClockState.PAUSED,
            "mode:pandemic",
            3 * H,
            ist(TUE, 15),
        )
        assert s.next_change_at == ist(WED, 11)  # the known end of the span
        s = snap(self.policy, ist(MON, 10), [], ist(TUE, 12), [ModeSpan("pandemic", ist(MON, 11))])
        assert s.next_change_at is None  # still on, no end known: nothing happens by itself

    def test_a_pausing_status_names_the_reason_first(self):
        span = ModeSpan("pandemic", ist(MON, 11))
        events = [status(ist(MON, 10, 30), Status.ON_HOLD)]
        fr = clock(snap(self.policy, ist(MON, 10), events, ist(MON, 12), [span]), "first_response")
        assert (fr.paused_reason, fr.remaining) == ("on_hold", 3 * H + 30 * M)

    def test_evidence_windows_are_not_suspended(self):
        span = ModeSpan("pandemic", ist(MON, 11))
        events = [evidence_requested(ist(MON, 10), "seller")]
        ev = clock(
            snap(self.policy, ist(MON, 10), events, ist(THU, 10), [span], category="dispute"),
            "evidence:seller",
        )
        assert (ev.state, ev.due_at) == (ClockState.BREACHED, ist(THU, 10))

    def test_a_span_that_starts_later_does_not_count_yet(self):
        span = ModeSpan("pandemic", ist(MON, 12, 30))
        s = snap(self.policy, ist(MON, 10), [], ist(MON, 11), [span])
        assert clock(s, "first_response").state is ClockState.RUNNING
        assert s.next_change_at == ist(MON, 12, 30)


class TestExtendMode:
    policy = make_policy(
        targets={Metric.FIRST_RESPONSE: 4 * H, Metric.RESOLUTION: 16 * H}, modes=(HIGH_VOLUME,)
    )

    def fr(self, created_at, now, span):
        return clock(snap(self.policy, created_at, [], now, [span]), "first_response")

    def test_a_clock_started_during_the_span_uses_the_extended_target(self):
        fr = self.fr(ist(MON, 11), ist(MON, 12), ModeSpan("high_volume", ist(MON, 9)))
        assert (fr.target, fr.due_at, fr.extended_by) == (8 * H, ist(TUE, 11), "high_volume")
        assert fr.warn_at == ist(MON, 17)  # 75 % of the extended target

    def test_a_clock_running_when_the_mode_comes_on_is_extended(self):
        fr = self.fr(ist(MON, 11), ist(MON, 16), ModeSpan("high_volume", ist(MON, 13)))
        assert (fr.target, fr.due_at, fr.state, fr.remaining) == (
            8 * H,
            ist(TUE, 11),
            ClockState.RUNNING,
            3 * H,
        )

    def test_the_extension_stays_after_the_mode_ends(self):
        fr = self.fr(ist(MON, 11), ist(TUE, 10), ModeSpan("high_volume", ist(MON, 12), ist(MON, 13)))
        assert (fr.due_at, fr.extended_by) == (ist(TUE, 11), "high_volume")

    def test_a_clock_already_breached_stays_breached(self):
        fr = self.fr(ist(MON, 10), ist(MON, 15), ModeSpan("high_volume", ist(MON, 14)))
        assert (fr.target, fr.due_at, fr.state, fr.extended_by) == (
            4 * H,
            ist(MON, 14),
            ClockState.BREACHED,
            None,
        )

    def test_a_clock_started_after_the_span_is_not_extended(self):
        fr = self.fr(ist(MON, 10), ist(MON, 11), ModeSpan("high_volume", ist(MON, 8), ist(MON, 10)))
        assert (fr.target, fr.extended_by) == (4 * H, None)

    def test_a_clock_stopped_before_the_mode_is_not_extended(self):
        s = snap(
            self.policy,
            ist(MON, 10),
            [reply(ist(MON, 11))],
            ist(MON, 13),
            [ModeSpan("high_volume", ist(MON, 12))],
        )
        assert clock(s, "first_response").target == 4 * H

    def test_only_the_named_targets_grow(self):
        res = clock(
            snap(self.policy, ist(MON, 11), [], ist(MON, 12), [ModeSpan("high_volume", ist(MON, 9))]),
            "resolution",
        )
        assert (res.target, res.extended_by) == (16 * H, None)

    def test_a_shorter_extended_target_never_shortens_a_clock(self):
        short = ModeSpec("odd", "Odd", "extend", extended_targets={Metric.FIRST_RESPONSE: 1 * H})
        policy = make_policy(targets={Metric.FIRST_RESPONSE: 4 * H}, modes=(short,))
        fr = clock(
            snap(policy, ist(MON, 10), [], ist(MON, 12), [ModeSpan("odd", ist(MON, 9))]), "first_response"
        )
        assert (fr.target, fr.extended_by) == (4 * H, None)

    def test_a_future_span_is_a_change_to_wake_for(self):
        s = snap(self.policy, ist(MON, 10), [], ist(MON, 11), [ModeSpan("high_volume", ist(MON, 12, 30))])
        assert clock(s, "first_response").target == 4 * H
        assert s.next_change_at == ist(MON, 12, 30)


# -- evidence windows --------------------------------------------------------------------------


class TestEvidenceWindows:
    policy = make_policy()  # dispute: buyer and seller, 3 days on a 24/7 Jakarta calendar

    def test_a_window_lapses_without_documents(self):
        events = [evidence_requested(ist(MON, 11), "buyer"), evidence_requested(ist(MON, 11), "seller")]
        events.append(evidence_received(ist(TUE, 11), "seller"))
        s = snap(self.policy, ist(MON, 10), events, ist(THU, 11), category="dispute")
        buyer, seller = clock(s, "evidence:buyer"), clock(s, "evidence:seller")
        assert (buyer.metric, buyer.calendar, buyer.target) == ("evidence", "always", 3 * D)
        assert (buyer.due_at, buyer.state, buyer.remaining) == (
            ist(THU, 11),
            ClockState.BREACHED,
            timedelta(0),
        )
        assert (seller.state, seller.stopped_at, seller.remaining) == (ClockState.MET, ist(TUE, 11), 2 * D)
        assert buyer.warn_at == ist(WED, 17)  # 75 % of 72 h = 54 h

    def test_the_lapse_is_the_next_change(self):
        policy = make_policy(targets={})
        events = [evidence_requested(ist(MON, 11), "buyer")]
        s = snap(policy, ist(MON, 10), events, ist(WED, 18), category="dispute")
        assert s.next_change_at == ist(THU, 11)

    def test_late_documents_are_missed(self):
        events = [evidence_requested(ist(MON, 11), "buyer"), evidence_received(ist(THU, 12), "buyer")]
        ev = clock(
            snap(self.policy, ist(MON, 10), events, ist(FRI, 10), category="dispute"), "evidence:buyer"
        )
        assert (ev.state, ev.remaining) == (ClockState.MISSED, -1 * H)

    def test_a_repeated_request_does_not_restart_an_open_window(self):
        events = [evidence_requested(ist(MON, 11), "buyer"), evidence_requested(ist(TUE, 11), "buyer")]
        ev = clock(
            snap(self.policy, ist(MON, 10), events, ist(TUE, 12), category="dispute"), "evidence:buyer"
        )
        assert ev.started_at == ist(MON, 11)

    def test_a_new_request_after_delivery_opens_a_new_window(self):
        events = [
            evidence_requested(ist(MON, 11), "buyer"),
            evidence_received(ist(MON, 15), "buyer"),
            evidence_requested(ist(TUE, 9), "buyer"),
        ]
        s = snap(self.policy, ist(MON, 10), events, ist(TUE, 10), category="dispute")
        assert (clock(s, "evidence:buyer").started_at, clock(s, "evidence:buyer").due_at) == (
            ist(TUE, 9),
            ist(FRI, 9),
        )
        assert [(c.key, c.state) for c in s.history] == [("evidence:buyer", ClockState.MET)]

    def test_resolving_the_ticket_closes_open_windows(self):
        events = [evidence_requested(ist(MON, 11), "buyer"), status(ist(TUE, 11), Status.RESOLVED)]
        ev = clock(
            snap(self.policy, ist(MON, 10), events, ist(FRI, 10), category="dispute"), "evidence:buyer"
        )
        assert (ev.state, ev.stopped_at) == (ClockState.MET, ist(TUE, 11))

    def test_categories_without_a_window_have_no_evidence_clocks(self):
        s = snap(self.policy, ist(MON, 10), [evidence_requested(ist(MON, 11), "buyer")], ist(MON, 12))
        assert not [k for k in keys(s) if k.startswith("evidence")]

    def test_an_unknown_party_is_refused(self):
        with pytest.raises(ValueError, match="'courier' is not one of buyer, seller"):
            snap(
                self.policy,
                ist(MON, 10),
                [evidence_requested(ist(MON, 11), "courier")],
                ist(MON, 12),
                category="dispute",
            )


# -- the snapshot as a whole ---------------------------------------------------------------------


class TestSnapshot:
    policy = make_policy()

    def test_clock_order_and_facts(self):
        events = [reply(ist(MON, 10, 30)), message(ist(MON, 11)), evidence_requested(ist(MON, 11), "seller")]
        s = snap(self.policy, ist(MON, 10), events, ist(MON, 12), category="dispute")
        assert keys(s) == [
            "first_response",
            "next_response",
            "periodic_update",
            "resolution",
            "tier_budget:1",
            "evidence:seller",
        ]
        assert (s.computed_at, s.rule, s.status, s.tier, s.tier_entered_at) == (
            ist(MON, 12),
            "default",
            "new",
            1,
            ist(MON, 10),
        )

    def test_next_change_at_walks_through_the_thresholds(self):
        policy = make_policy(
            targets={Metric.FIRST_RESPONSE: 4 * H, Metric.RESOLUTION: 16 * H}, budgets=(8 * H, None)
        )
        # First response: warns 13:00, due 14:00. Tier 1 budget (8 h): warns at 6 h
        # (Monday 16:00) and runs out at Monday's closing, so it is due Tuesday 10:00;
        # auto-escalation one business hour later. Resolution: warns at 12 h
        # (Tuesday 14:00), due Wednesday 10:00.
        expected = [
            (ist(MON, 10), ist(MON, 13)),
            (ist(MON, 12, 59, 59), ist(MON, 13)),
            (ist(MON, 13), ist(MON, 14)),
            (ist(MON, 14), ist(MON, 16)),
            (ist(MON, 16), ist(TUE, 10)),
            (ist(MON, 20), ist(TUE, 10)),
            (ist(TUE, 10), ist(TUE, 11)),
            (ist(TUE, 11), ist(TUE, 14)),
            (ist(TUE, 14), ist(WED, 10)),
            (ist(WED, 10), None),
        ]
        for now, change in expected:
            assert snap(policy, ist(MON, 10), [], now).next_change_at == change, now

    def test_nothing_changes_by_itself_while_paused(self):
        events = [status(ist(MON, 11), Status.PENDING_CUSTOMER)]
        assert snap(self.policy, ist(MON, 10), events, ist(MON, 12)).next_change_at is None

    def test_most_urgent(self):
        events = [reply(ist(MON, 10, 30)), message(ist(MON, 11))]
        s = snap(self.policy, ist(MON, 10), events, ist(MON, 12))
        assert most_urgent(s.clocks).key == "next_response"  # due 13:00, before the tier budget at 14:00
        paused = snap(
            self.policy, ist(MON, 10), [*events, status(ist(MON, 11, 30), Status.ON_HOLD)], ist(MON, 12)
        )
        assert most_urgent(paused.clocks).state is ClockState.PAUSED
        done = snap(self.policy, ist(MON, 10), [status(ist(MON, 11), Status.CLOSED)], ist(MON, 12))
        assert most_urgent(done.clocks) is None


# -- replay -------------------------------------------------------------------------------------


class TestReplay:
    policy = make_policy()
    events = [
        message(ist(MON, 10)),
        reply(ist(MON, 10, 30)),
        message(ist(MON, 11)),
        status(ist(MON, 12), Status.PENDING_CUSTOMER),
        message(ist(TUE, 11)),
        status(ist(TUE, 11, 5), Status.OPEN),
        evidence_requested(ist(TUE, 12), "buyer"),
        call(ist(TUE, 13), "inbound"),
    ]

    def test_the_same_history_gives_the_same_snapshot(self):
        a = snap(self.policy, ist(MON, 10), self.events, ist(WED, 10), category="dispute")
        b = snap(self.policy, ist(MON, 10), list(self.events), ist(WED, 10), category="dispute")
        assert a == b

    def test_out_of_order_events_are_sorted_by_time(self):
        shuffled = list(self.events)
        random.Random(7).shuffle(shuffled)
        assert shuffled != self.events
        a = snap(self.policy, ist(MON, 10), self.events, ist(WED, 10), category="dispute")
        b = snap(self.policy, ist(MON, 10), shuffled, ist(WED, 10), category="dispute")
        assert a == b

    def test_events_at_the_same_instant_keep_their_given_order(self):
        reopen_then_resolve = [
            status(ist(MON, 11), Status.RESOLVED),
            status(ist(MON, 12), Status.OPEN),
            status(ist(MON, 12), Status.RESOLVED),
        ]
        resolve_then_reopen = [reopen_then_resolve[0], reopen_then_resolve[2], reopen_then_resolve[1]]
        assert snap(self.policy, ist(MON, 10), reopen_then_resolve, ist(MON, 13)).status == "resolved"
        assert snap(self.policy, ist(MON, 10), resolve_then_reopen, ist(MON, 13)).status == "open"

    def test_events_after_now_do_not_count_yet(self):
        past = self.events[:3]
        a = snap(self.policy, ist(MON, 10), past, ist(MON, 11, 30))
        b = snap(self.policy, ist(MON, 10), self.events, ist(MON, 11, 30))
        assert a == b

    def test_event_kinds_given_as_plain_strings(self):
        as_strings = [dataclasses.replace(e, kind=str(e.kind.value)) for e in self.events]
        a = snap(self.policy, ist(MON, 10), self.events, ist(WED, 10), category="dispute")
        assert snap(self.policy, ist(MON, 10), as_strings, ist(WED, 10), category="dispute") == a


# -- bad input -------------------------------------------------------------------------------------


class TestBadInput:
    policy = make_policy(modes=(PANDEMIC,))

    def test_naive_now(self):
        with pytest.raises(ValueError, match="now must be an aware datetime"):
            snap(self.policy, ist(MON, 10), [], datetime(2026, 1, 5, 12))

    def test_naive_event(self):
        with pytest.raises(ValueError, match="event 1 .* must be an aware datetime"):
            snap(self.policy, ist(MON, 10), [reply(datetime(2026, 1, 5, 12))], ist(MON, 13))

    def test_now_before_creation(self):
        with pytest.raises(ValueError, match="before the ticket's creation"):
            snap(self.policy, ist(MON, 10), [], ist(MON, 9))

    def test_event_before_creation(self):
        with pytest.raises(ValueError, match=r"event 1 \(public_reply\) .* is before the ticket's creation"):
            snap(self.policy, ist(MON, 10), [reply(ist(MON, 9))], ist(MON, 13))

    def test_unknown_status(self):
        with pytest.raises(ValueError, match="unknown status 'resovled'"):
            snap(self.policy, ist(MON, 10), [status(ist(MON, 11), "resovled")], ist(MON, 13))

    def test_unknown_event_kind(self):
        with pytest.raises(ValueError, match="unknown kind 'teleported'"):
            snap(self.policy, ist(MON, 10), [TicketEvent(ist(MON, 11), "teleported")], ist(MON, 13))

    def test_unknown_mode(self):
        with pytest.raises(ValueError, match="has no mode 'apocalypse'"):
            snap(self.policy, ist(MON, 10), [], ist(MON, 13), [ModeSpan("apocalypse", ist(MON, 11))])

    def test_mode_span_ending_before_it_starts(self):
        with pytest.raises(ValueError, match="ends before it starts"):
            snap(
                self.policy,
                ist(MON, 10),
                [],
                ist(MON, 13),
                [ModeSpan("pandemic", ist(MON, 11), ist(MON, 10))],
            )

    def test_evidence_without_party(self):
        with pytest.raises(ValueError, match="names no party"):
            snap(
                self.policy,
                ist(MON, 10),
                [TicketEvent(ist(MON, 11), EventKind.EVIDENCE_REQUESTED)],
                ist(MON, 13),
            )
