"""The escalation ladder: desk_app.core.escalation alone and through compute_clocks.

Policy as in test_sla.py: Mon-Fri 10:00-18:00 Asia/Kolkata, tier budgets
4 h (Tier 1 Support) / 8 h (Senior Support Specialist) / none (Customer
Service Manager), grace 1 business hour. Monday 5 January 2026 is a Monday.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from desk_app.core.escalation import (
    BUDGET_EXPIRED,
    CUSTOMER_REQUEST,
    EscalationDue,
    LadderPosition,
    can_keep,
    escalation_due,
    is_last_tier,
    ladder_position,
    next_tier,
)
from desk_app.core.sla import ClockState, compute_clocks
from desk_app.core.ticket import EventKind, Status, TicketEvent
from sla_factories import (
    H,
    M,
    clock,
    created,
    escalation_request,
    facts,
    ist,
    keys,
    make_policy,
    reply,
    status,
    tier,
)

MON, TUE, WED = 5, 6, 7


def snap(policy, created_at, events, now):
    return compute_clocks(policy, facts(created_at), [created(created_at), *events], now)


# -- the ladder on its own -------------------------------------------------------------------


class TestLadder:
    policy = make_policy()

    def test_next_tier(self):
        assert next_tier(self.policy, 1).name == "Senior Support Specialist"
        assert next_tier(self.policy, 2).name == "Customer Service Manager"
        assert next_tier(self.policy, 3) is None
        assert [is_last_tier(self.policy, level) for level in (1, 2, 3)] == [False, False, True]

    def test_position_without_tier_events(self):
        assert ladder_position(self.policy, ist(MON, 10), [created(ist(MON, 10))]) == LadderPosition(
            1, ist(MON, 10)
        )

    def test_position_after_escalations(self):
        events = [created(ist(MON, 10)), tier(ist(MON, 14), 2), tier(ist(TUE, 12), 3)]
        pos = ladder_position(self.policy, ist(MON, 10), events)
        assert (pos.tier, pos.entered_at, pos.requested_at) == (3, ist(TUE, 12), None)
        assert pos.earlier == ((1, ist(MON, 10), ist(MON, 14)), (2, ist(MON, 14), ist(TUE, 12)))

    def test_a_ticket_created_at_a_higher_tier(self):
        events = [TicketEvent(ist(MON, 10), EventKind.CREATED, status="new", tier=2)]
        assert ladder_position(self.policy, ist(MON, 10), events).tier == 2

    def test_a_request_is_kept_until_the_ticket_changes_tier(self):
        events = [created(ist(MON, 10)), escalation_request(ist(MON, 11)), escalation_request(ist(MON, 12))]
        assert ladder_position(self.policy, ist(MON, 10), events).requested_at == ist(MON, 11)
        events.append(tier(ist(MON, 13), 2))
        assert ladder_position(self.policy, ist(MON, 10), events).requested_at is None

    def test_requests_are_ignored_where_customers_cannot_ask(self):
        policy = make_policy(customer_can_request=False)
        events = [created(ist(MON, 10)), escalation_request(ist(MON, 11))]
        assert ladder_position(policy, ist(MON, 10), events).requested_at is None

    def test_unknown_or_missing_tier(self):
        with pytest.raises(ValueError, match="names tier 4, but policy 'test' has tiers 1, 2, 3"):
            ladder_position(self.policy, ist(MON, 10), [tier(ist(MON, 11), 4)])
        with pytest.raises(ValueError, match="names no tier"):
            ladder_position(self.policy, ist(MON, 10), [TicketEvent(ist(MON, 11), EventKind.TIER_CHANGED)])

    def test_escalation_due_picks_the_earlier_reason(self):
        def due(requested_at, budget_due_at, now):
            pos = LadderPosition(1, ist(MON, 10), requested_at)
            return escalation_due(
                self.policy, pos, budget_due_at=budget_due_at, now=now, grace_end=lambda t: t + 2 * H
            )

        assert due(None, ist(MON, 14), ist(MON, 13)) is None
        assert due(None, None, ist(MON, 13)) is None
        assert due(None, ist(MON, 14), ist(MON, 14)) == EscalationDue(
            1, 2, "Senior Support Specialist", ist(MON, 14), BUDGET_EXPIRED, ist(MON, 16)
        )
        assert due(ist(MON, 11), ist(MON, 14), ist(MON, 15)).reason == CUSTOMER_REQUEST
        assert due(ist(MON, 15), ist(MON, 14), ist(MON, 15)).reason == BUDGET_EXPIRED
        assert due(ist(MON, 14), ist(MON, 14), ist(MON, 15)).reason == CUSTOMER_REQUEST

    def test_the_last_tier_never_escalates(self):
        pos = LadderPosition(3, ist(MON, 10), ist(MON, 11))
        assert (
            escalation_due(
                self.policy, pos, budget_due_at=ist(MON, 12), now=ist(TUE, 10), grace_end=lambda t: t
            )
            is None
        )

    def test_can_keep(self):
        expired = EscalationDue(1, 2, "Senior Support Specialist", ist(MON, 14), BUDGET_EXPIRED, ist(MON, 15))
        requested = EscalationDue(
            1, 2, "Senior Support Specialist", ist(MON, 14), CUSTOMER_REQUEST, ist(MON, 15)
        )
        assert can_keep(make_policy(allow_keep=True), expired) is True
        assert can_keep(make_policy(allow_keep=True), requested) is False
        assert can_keep(make_policy(allow_keep=False), expired) is False


# -- through compute_clocks ----------------------------------------------------------------------


class TestBudgetExpiry:
    policy = make_policy()

    def test_the_tier_budget_clock(self):
        s = snap(self.policy, ist(MON, 10), [], ist(MON, 13, 30))
        budget = clock(s, "tier_budget:1")
        assert (budget.metric, budget.target, budget.started_at, budget.due_at, budget.warn_at) == (
            "tier_budget",
            4 * H,
            ist(MON, 10),
            ist(MON, 14),
            ist(MON, 13),
        )
        assert budget.state is ClockState.WARNING
        assert s.escalation is None

    def test_an_expired_budget_names_the_next_tier(self):
        assert snap(self.policy, ist(MON, 10), [], ist(MON, 13, 59, 59)).escalation is None
        s = snap(self.policy, ist(MON, 10), [], ist(MON, 14))
        assert s.escalation == EscalationDue(
            from_tier=1,
            to_tier=2,
            to_tier_name="Senior Support Specialist",
            due_at=ist(MON, 14),
            reason="budget_expired",
            auto_escalate_at=ist(MON, 15),
        )
        assert clock(s, "tier_budget:1").state is ClockState.BREACHED
        assert s.next_change_at == ist(MON, 15)

    def test_answering_the_customer_does_not_stop_the_budget(self):
        s = snap(self.policy, ist(MON, 10), [reply(ist(MON, 11))], ist(MON, 14, 30))
        assert s.escalation.reason == "budget_expired"

    def test_the_grace_counts_business_time(self):
        # Budget runs out Monday 17:30; one business hour later is Tuesday 10:30.
        s = snap(self.policy, ist(MON, 13, 30), [], ist(MON, 17, 45))
        assert (s.escalation.due_at, s.escalation.auto_escalate_at) == (ist(MON, 17, 30), ist(TUE, 10, 30))

    def test_zero_grace(self):
        s = snap(make_policy(grace=timedelta(0)), ist(MON, 10), [], ist(MON, 14))
        assert s.escalation.auto_escalate_at == ist(MON, 14)

    def test_a_tier_on_its_own_calendar(self):
        policy = make_policy(tier_calendar="always")  # the budget counts around the clock
        s = snap(policy, ist(MON, 16), [], ist(MON, 20))
        assert clock(s, "tier_budget:1").calendar == "always"
        assert s.escalation.due_at == ist(MON, 20)
        assert s.escalation.auto_escalate_at == ist(MON, 21)

    def test_a_pause_before_expiry_moves_it(self):
        # Pending Monday 11:00 to Tuesday 11:00: 7 h + 1 h of business time cut out.
        events = [status(ist(MON, 11), Status.PENDING_CUSTOMER), status(ist(TUE, 11), Status.OPEN)]
        s = snap(self.policy, ist(MON, 10), events, ist(TUE, 13))
        assert clock(s, "tier_budget:1").due_at == ist(TUE, 14)
        assert s.escalation is None

    def test_a_budget_that_expired_before_a_pause_stays_due(self):
        events = [status(ist(MON, 14, 30), Status.PENDING_CUSTOMER)]
        s = snap(self.policy, ist(MON, 10), events, ist(TUE, 12))
        assert clock(s, "tier_budget:1").state is ClockState.PAUSED
        assert s.escalation.due_at == ist(MON, 14)
        # Half an hour of grace was used before the pause; the rest counts if it resumed now.
        assert s.escalation.auto_escalate_at == ist(TUE, 12, 30)
        assert s.next_change_at is None

    def test_a_budget_that_runs_out_as_the_pause_begins_waits_for_the_pause_to_end(self):
        # The 4 h budget runs out Monday 14:00, the moment the ticket goes to the customer.
        # A budget ending at a closing is due at the next opening (calendar.add); a pause
        # is such a closing, so nothing is due while it lasts, in business hours or not.
        events = [status(ist(MON, 14), Status.PENDING_CUSTOMER)]
        for now in (ist(TUE, 10), ist(TUE, 12), ist(TUE, 20), ist(WED, 10)):
            s = snap(self.policy, ist(MON, 10), events, now)
            assert clock(s, "tier_budget:1").state is ClockState.PAUSED
            assert s.escalation is None, now
            assert s.next_change_at is None
        resumed = [*events, status(ist(TUE, 11), Status.OPEN)]
        s = snap(self.policy, ist(MON, 10), resumed, ist(TUE, 11))
        assert s.escalation.due_at == ist(TUE, 11) and s.escalation.reason == "budget_expired"

    def test_no_escalation_while_resolved(self):
        events = [status(ist(MON, 15), Status.RESOLVED)]
        s = snap(self.policy, ist(MON, 10), events, ist(MON, 16))
        assert s.escalation is None
        assert clock(s, "tier_budget:1").state is ClockState.MISSED
        s = snap(self.policy, ist(MON, 10), [*events, status(ist(TUE, 10), Status.OPEN)], ist(TUE, 10))
        assert s.escalation.due_at == ist(MON, 14)


class TestCustomerRequest:
    policy = make_policy()

    def test_due_at_once(self):
        s = snap(self.policy, ist(MON, 10), [escalation_request(ist(MON, 11))], ist(MON, 11))
        assert s.escalation == EscalationDue(
            1, 2, "Senior Support Specialist", ist(MON, 11), "customer_request", ist(MON, 12)
        )
        assert can_keep(self.policy, s.escalation) is False

    def test_the_earlier_reason_is_reported(self):
        s = snap(self.policy, ist(MON, 10), [escalation_request(ist(MON, 11))], ist(MON, 15))
        assert s.escalation.reason == "customer_request"
        s = snap(self.policy, ist(MON, 10), [escalation_request(ist(MON, 14, 30))], ist(MON, 15))
        assert (s.escalation.reason, s.escalation.due_at) == ("budget_expired", ist(MON, 14))

    def test_ignored_where_the_policy_does_not_allow_it(self):
        policy = make_policy(customer_can_request=False)
        assert snap(policy, ist(MON, 10), [escalation_request(ist(MON, 11))], ist(MON, 12)).escalation is None


class TestTierChanges:
    policy = make_policy()

    def test_escalating_clears_the_due_escalation_and_starts_the_next_budget(self):
        s = snap(self.policy, ist(MON, 10), [tier(ist(MON, 14, 30), 2)], ist(MON, 15))
        assert s.escalation is None
        assert (s.tier, s.tier_entered_at) == (2, ist(MON, 14, 30))
        assert "tier_budget:1" not in keys(s)
        budget = clock(s, "tier_budget:2")
        assert (budget.target, budget.started_at, budget.due_at, budget.state) == (
            8 * H,
            ist(MON, 14, 30),
            ist(TUE, 14, 30),
            ClockState.RUNNING,
        )
        assert [(c.key, c.stopped_at, c.state, c.remaining) for c in s.history] == [
            ("tier_budget:1", ist(MON, 14, 30), ClockState.MISSED, -30 * M)
        ]

    def test_tier_two_expiry_escalates_to_tier_three(self):
        s = snap(self.policy, ist(MON, 10), [tier(ist(MON, 14, 30), 2)], ist(TUE, 14, 30))
        assert s.escalation == EscalationDue(
            2, 3, "Customer Service Manager", ist(TUE, 14, 30), "budget_expired", ist(TUE, 15, 30)
        )

    def test_a_request_is_cleared_by_the_escalation(self):
        events = [escalation_request(ist(MON, 11)), tier(ist(MON, 11, 30), 2)]
        assert snap(self.policy, ist(MON, 10), events, ist(MON, 12)).escalation is None

    def test_the_last_tier_never_escalates(self):
        events = [tier(ist(MON, 11), 2), tier(ist(MON, 12), 3), escalation_request(ist(MON, 13))]
        for now in (ist(MON, 13), ist(WED, 17)):
            s = snap(self.policy, ist(MON, 10), events, now)
            assert s.escalation is None
            assert s.tier == 3
            assert not [k for k in keys(s) if k.startswith("tier_budget")]

    def test_keeping_the_ticket_restarts_the_budget(self):
        # "Add a note and keep" is recorded as a change to the same tier.
        s = snap(self.policy, ist(MON, 10), [tier(ist(MON, 14, 30), 1)], ist(MON, 15))
        assert s.escalation is None
        budget = clock(s, "tier_budget:1")
        assert (budget.started_at, budget.due_at) == (ist(MON, 14, 30), ist(TUE, 10, 30))
        assert [c.state for c in s.history] == [ClockState.MISSED]

    def test_de_escalation(self):
        s = snap(self.policy, ist(MON, 10), [tier(ist(MON, 11), 2), tier(ist(MON, 12), 1)], ist(MON, 13))
        assert (s.tier, clock(s, "tier_budget:1").started_at, clock(s, "tier_budget:1").due_at) == (
            1,
            ist(MON, 12),
            ist(MON, 16),
        )
        assert [(c.key, c.state) for c in s.history] == [
            ("tier_budget:1", ClockState.MET),
            ("tier_budget:2", ClockState.MET),
        ]
