"""SLA clocks under the five shipped policies, for realistic ticket histories.

Each preset is loaded from resources/policies/ with `load_policy`; every
expected instant is worked out by hand from the seed's promise as the preset
encodes it (the comment names the clause), so a change to a preset value or to
the clock rules shows up here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sla_factories import KOLKATA, H, M, clock, ist, keys

from desk_app.core.escalation import can_keep
from desk_app.core.policy_loader import load_policy, shipped_policies_dir
from desk_app.core.sla import ClockState, compute_clocks
from desk_app.core.ticket import EventKind, ModeSpan, Status, TicketEvent, TicketFacts

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def presets():
    directory = shipped_policies_dir()
    return {name: load_policy(directory / f"{name}.toml") for name in PRESETS}


PRESETS = ("shopom", "ooulet", "holesalemart", "pandorana", "shopee")


def ticket(created_at, category, channel, priority="normal", customer_tier="standard"):
    return TicketFacts(created_at, category, priority, channel, customer_tier)


def ev(at, kind, **fields):
    return TicketEvent(at, EventKind(kind), **fields)


def created(at):
    return ev(at, "created", status="new")


def wib(day, hour=0, minute=0):
    return datetime(2026, 1, day, hour, minute, tzinfo=WIB)


def test_all_five_presets_load(presets):
    assert sorted(presets) == sorted(PRESETS)


# -- Shopom: 24/7 support, phone line Mon-Fri 10-18 -------------------------------------------


class TestShopom:
    def test_general_email_ticket_waiting_on_the_seller(self, presets):
        policy = presets["shopom"]
        facts = ticket(ist(5, 9), "order_issues", "email")
        events = [
            created(ist(5, 9)),
            ev(ist(5, 15), "public_reply"),
            ev(ist(5, 16), "customer_message"),
            ev(ist(5, 17), "status_changed", status="pending_third_party", party="seller"),
        ]
        s = compute_clocks(policy, facts, events, ist(7, 18))
        assert s.rule == "general"  # §2 General Queries: 24 hours
        fr = clock(s, "first_response")
        assert (fr.target, fr.due_at, fr.state, fr.remaining) == (24 * H, ist(6, 9), ClockState.MET, 18 * H)
        # §7: the seller's "reasonable time", 48 h around the clock, ran out at Wednesday 17:00.
        seller = clock(s, "third_party:seller")
        assert (seller.due_at, seller.state) == (ist(7, 17), ClockState.BREACHED)
        # Our own next response waits: 1 h used, 23 h left whenever it resumes.
        nr = clock(s, "next_response")
        assert (nr.state, nr.paused_reason, nr.remaining, nr.due_at) == (
            ClockState.PAUSED,
            "pending_third_party",
            23 * H,
            ist(8, 17),
        )

        # The platform intervenes at 18:00: the seller missed, our clocks run again.
        events.append(ev(ist(7, 18), "status_changed", status="open"))
        s = compute_clocks(policy, facts, events, ist(7, 18))
        assert (clock(s, "third_party:seller").state, clock(s, "third_party:seller").remaining) == (
            ClockState.MISSED,
            -1 * H,
        )
        assert (clock(s, "next_response").state, clock(s, "next_response").due_at) == (
            ClockState.RUNNING,
            ist(8, 17),
        )
        # §5 Tier 1 (72 h, an interpretation) lost the 49 h of waiting: due Saturday 10:00.
        assert clock(s, "tier_budget:1").due_at == ist(10, 10)
        s = compute_clocks(policy, facts, events, ist(10, 10))
        assert (s.escalation.to_tier_name, s.escalation.reason, s.escalation.auto_escalate_at) == (
            "Senior Support Specialist",
            "budget_expired",
            ist(10, 11),
        )

    def test_urgent_phone_call_outside_the_phone_hours(self, presets):
        policy = presets["shopom"]
        facts = ticket(ist(10, 12), "order_issues", "phone", priority="urgent")
        events = [created(ist(10, 12))]
        s = compute_clocks(policy, facts, events, ist(10, 12))
        assert s.rule == "urgent"
        fr = clock(s, "first_response")
        # §1 support is 24/7; the §4 phone line (Mon-Fri 10-18) only limits when calls
        # are answered: Saturday's call gets §2's "2-4 hours", warning at the 2 h end.
        assert (fr.calendar, fr.target, fr.due_at, fr.warn_at) == ("support", 4 * H, ist(10, 16), ist(10, 14))
        events += [
            ev(ist(10, 13), "phone_call", direction="outbound"),
            ev(ist(12, 11), "customer_message"),
        ]
        s = compute_clocks(policy, facts, events, ist(12, 13, 30))
        assert clock(s, "first_response").state is ClockState.MET
        nr = clock(s, "next_response")
        assert (nr.due_at, nr.warn_at, nr.state) == (ist(12, 15), ist(12, 13), ClockState.WARNING)

    def test_a_dissatisfied_customer_escalates_at_once(self, presets):
        policy = presets["shopom"]
        facts = ticket(ist(5, 9), "payment_issues", "portal")
        events = [created(ist(5, 9)), ev(ist(5, 12), "escalation_requested")]
        s = compute_clocks(policy, facts, events, ist(5, 12))
        assert (s.escalation.reason, s.escalation.to_tier, s.escalation.auto_escalate_at) == (
            "customer_request",
            2,
            ist(5, 13),
        )
        assert can_keep(policy, s.escalation) is False


# -- Ooulet: Mon-Sat 10-18 IST with holidays, email every day --------------------------------------


class TestOoulet:
    def test_weekend_email_across_republic_day_and_escalation_updates(self, presets):
        policy = presets["ooulet"]
        facts = ticket(ist(24, 20), "app_errors", "email")
        events = [created(ist(24, 20)), ev(ist(25, 11), "public_reply")]
        s = compute_clocks(policy, facts, events, ist(27, 12))
        assert s.rule == "email"
        fr = clock(s, "first_response")
        # §3.1.1 email within 24 hours, answered on the 24/7 email desk.
        assert (fr.calendar, fr.due_at, fr.state) == ("email", ist(25, 20), ClockState.MET)
        # Tier 1 counts on the support calendar: closed Sunday and on Republic Day
        # (Monday 26th), so 16 business hours from Tuesday 10:00 end Wednesday 18:00.
        assert clock(s, "tier_budget:1").due_at == ist(29, 10)
        assert "periodic_update" not in keys(s)  # §6 updates only once escalated
        s = compute_clocks(policy, facts, events, ist(29, 10))
        assert (s.escalation.from_tier, s.escalation.to_tier, s.escalation.due_at) == (1, 2, ist(29, 10))

        events.append(ev(ist(29, 10, 30), "tier_changed", tier=2))
        s = compute_clocks(policy, facts, events, ist(29, 11))
        assert s.escalation is None
        pu = clock(s, "periodic_update")
        # A business day (8 h) of silence at most from the escalation on.
        assert (pu.started_at, pu.due_at) == (ist(29, 10, 30), ist(30, 10, 30))

    def test_critical_chat_resolution(self, presets):
        policy = presets["ooulet"]
        facts = ticket(ist(7, 17), "payments_payouts", "chat", priority="critical")
        events = [created(ist(7, 17)), ev(ist(7, 17, 3), "public_reply")]
        s = compute_clocks(policy, facts, events, ist(8, 11, 30))
        assert s.rule == "critical_live"
        assert (clock(s, "first_response").due_at, clock(s, "first_response").state) == (
            ist(7, 17, 5),
            ClockState.MET,
        )
        # §3.2 "resolutions within 2-4 hours": 1 h on Wednesday, 3 h on Thursday.
        res = clock(s, "resolution")
        assert (res.due_at, res.warn_at, res.state) == (ist(8, 13), ist(8, 11), ClockState.WARNING)
        events.append(ev(ist(8, 12, 30), "status_changed", status="resolved"))
        res = clock(compute_clocks(policy, facts, events, ist(8, 14)), "resolution")
        assert (res.state, res.remaining) == (ClockState.MET, 30 * M)


# -- Holesalemart: Mon-Fri 10-17, pandemic modes ---------------------------------------------------


class TestHolesalemart:
    facts = ticket(ist(9, 16, 30), "orders", "portal")

    def test_friday_afternoon_ticket(self, presets):
        s = compute_clocks(presets["holesalemart"], self.facts, [created(ist(9, 16, 30))], ist(12, 12))
        fr = clock(s, "first_response")
        # "Within 72 hours during regular business hours": 3 business days of 7 h.
        assert (fr.target, fr.due_at, fr.warn_at, fr.state) == (
            21 * H,
            ist(14, 16, 30),
            ist(14, 11, 15),
            ClockState.RUNNING,
        )
        # "Resolution Time: ... within 10 Days", calendar days.
        assert clock(s, "resolution").due_at == ist(19, 16, 30)

    def test_pandemic_closure_suspends_the_clocks(self, presets):
        policy = presets["holesalemart"]
        closure = [ModeSpan("pandemic_closure", ist(12, 10), ist(16, 10))]
        during = compute_clocks(policy, self.facts, [created(ist(9, 16, 30))], ist(14, 12), closure)
        fr = clock(during, "first_response")
        assert (fr.state, fr.paused_reason, fr.remaining) == (
            ClockState.PAUSED,
            "mode:pandemic_closure",
            20 * H + 30 * M,
        )
        assert during.next_change_at == ist(16, 10)
        after = compute_clocks(policy, self.facts, [created(ist(9, 16, 30))], ist(16, 11), closure)
        # Monday to Thursday (28 business hours, 96 calendar hours) were cut out.
        assert clock(after, "first_response").due_at == ist(20, 16, 30)
        assert clock(after, "resolution").due_at == ist(23, 16, 30)

    def test_pandemic_reduced_service_extends_the_targets(self, presets):
        policy = presets["holesalemart"]
        facts = ticket(ist(13, 10), "payments", "email")
        modes = [ModeSpan("pandemic_reduced", ist(12, 9))]
        s = compute_clocks(policy, facts, [created(ist(13, 10))], ist(13, 11), modes)
        fr, res = clock(s, "first_response"), clock(s, "resolution")
        # 6 business days (42 h) run out at Tuesday's closing: due Wednesday 10:00.
        assert (fr.target, fr.due_at, fr.extended_by) == (42 * H, ist(21, 10), "pandemic_reduced")
        assert (res.target, res.due_at) == (
            timedelta(days=20),
            datetime(2026, 2, 2, 10, tzinfo=KOLKATA),
        )

    def test_customers_cannot_request_escalation(self, presets):
        events = [created(ist(9, 16, 30)), ev(ist(12, 11), "escalation_requested")]
        assert compute_clocks(presets["holesalemart"], self.facts, events, ist(12, 12)).escalation is None


# -- Pandorana: whole business days, high-volume mode ----------------------------------------------


class TestPandorana:
    def test_complaint(self, presets):
        policy = presets["pandorana"]
        facts = ticket(ist(8, 15), "complaints", "email")
        events = [created(ist(8, 15)), ev(ist(9, 10), "public_reply"), ev(ist(9, 20), "customer_message")]
        s = compute_clocks(policy, facts, events, ist(10, 12))
        assert s.rule == "complaints"
        assert (clock(s, "first_response").due_at, clock(s, "first_response").state) == (
            ist(9, 15),
            ClockState.MET,
        )
        # §1 24 business hours: 4 h on Friday, the weekend does not count, 20 h on Monday.
        assert clock(s, "next_response").due_at == ist(12, 20)
        # §5 three business days: Thursday 9 h + Friday 24 h + Monday 24 h + Tuesday 15 h.
        assert clock(s, "resolution").due_at == ist(13, 15)
        assert clock(s, "tier_budget:1").due_at == ist(12, 15)

    def test_high_volume_gives_48_hours(self, presets):
        policy = presets["pandorana"]
        facts = ticket(ist(8, 15), "product_information", "email")
        s = compute_clocks(
            policy, facts, [created(ist(8, 15))], ist(8, 16), [ModeSpan("high_volume", ist(8, 0))]
        )
        fr = clock(s, "first_response")
        assert (fr.target, fr.due_at, fr.extended_by) == (48 * H, ist(12, 15), "high_volume")

    def test_refund_window_and_progress_updates(self, presets):
        policy = presets["pandorana"]
        facts = ticket(ist(5, 9), "refunds", "email")
        events = [created(ist(5, 9)), ev(ist(5, 12), "public_reply")]
        s = compute_clocks(policy, facts, events, ist(7, 13))
        res = clock(s, "resolution")
        # §4 refunds in 5-10 business days: due after 10, warning after 5.
        assert (res.due_at, res.warn_at) == (ist(19, 9), ist(12, 9))
        pu = clock(s, "periodic_update")
        assert (pu.started_at, pu.due_at, pu.state) == (ist(5, 12), ist(7, 12), ClockState.BREACHED)


# -- Shopee: 24/7 call center, disputes with evidence windows -----------------------------------------


class TestShopee:
    def test_return_dispute_with_evidence_windows(self, presets):
        policy = presets["shopee"]
        facts = ticket(wib(5, 9), "pengembalian_barang", "web_form")
        events = [
            created(wib(5, 9)),
            ev(wib(5, 11), "evidence_requested", party="buyer"),
            ev(wib(5, 11), "status_changed", status="pending_customer"),
            ev(wib(6, 10), "evidence_requested", party="seller"),
            ev(wib(7, 9), "evidence_received", party="buyer"),
            ev(wib(7, 9), "status_changed", status="open"),
        ]
        s = compute_clocks(policy, facts, events, wib(9, 10))
        assert s.rule == "sengketa"
        # ¶5 five days from first submission, not paused while waiting on the buyer.
        res = clock(s, "resolution")
        assert (res.due_at, res.warn_at, res.state, res.remaining) == (
            wib(10, 9),
            wib(9, 3),  # 75 % = 90 h
            ClockState.WARNING,
            23 * H,
        )
        # ¶6 three days each: the buyer delivered, the seller's window lapsed.
        buyer, seller = clock(s, "evidence:buyer"), clock(s, "evidence:seller")
        assert (buyer.due_at, buyer.state) == (wib(8, 11), ClockState.MET)
        assert (seller.due_at, seller.state) == (wib(9, 10), ClockState.BREACHED)
        # Tier 1 has 2 days, paused the 46 hours the buyer owed us documents.
        assert clock(s, "tier_budget:1").due_at == wib(9, 7)
        assert (s.escalation.to_tier_name, s.escalation.auto_escalate_at) == (
            "Tim Investigasi Shopee",
            wib(9, 7, 30),
        )
        assert can_keep(policy, s.escalation) is False

    def test_lapse_is_the_next_change(self, presets):
        policy = presets["shopee"]
        facts = ticket(wib(5, 9), "tidak_ada_resi", "email")
        events = [created(wib(5, 9)), ev(wib(5, 9, 30), "evidence_requested", party="seller")]
        s = compute_clocks(policy, facts, events, wib(8, 9))
        # Tier 1 ran out on Wednesday 09:00 (auto-escalation 09:30, past); the seller's
        # window lapses Thursday 09:30, before the resolution warning (Friday 03:00).
        assert s.next_change_at == wib(8, 9, 30)

    def test_general_question_pauses_as_usual(self, presets):
        policy = presets["shopee"]
        facts = ticket(wib(5, 9), "pertanyaan_umum", "email")
        events = [created(wib(5, 9)), ev(wib(5, 10), "status_changed", status=Status.PENDING_CUSTOMER)]
        res = clock(compute_clocks(policy, facts, events, wib(6, 10)), "resolution")
        assert (res.state, res.remaining) == (ClockState.PAUSED, timedelta(days=5) - 1 * H)
