"""The five shipped presets: they load, and their data gives the due times the seeds promise.

Every expected value is worked out by hand from the seed's text (and the
interpretation written in the preset) and computed here through the policy's own
rules, targets and calendars: `policy.calendars[target.calendar].add(created,
target.duration)`. Full SLA clocks (pauses, escalation) are tested with the SLA
engine.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from desk_app.core.policy import Metric, Policy, SlaRule
from desk_app.core.policy_loader import load_shipped_policies, shipped_policies_dir
from desk_app.core.ticket import Status

IST = ZoneInfo("Asia/Kolkata")
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def policies() -> dict[str, Policy]:
    return load_shipped_policies()


def rule(policy: Policy, category: str, priority: str, channel: str, tier: str = "standard") -> SlaRule:
    return policy.rule_for(category=category, priority=priority, channel=channel, customer_tier=tier)


def due(policy: Policy, r: SlaRule, metric: Metric, start: datetime) -> datetime:
    target = r.targets[metric]
    return policy.calendars[target.calendar].add(start, target.duration)


def warn(policy: Policy, r: SlaRule, metric: Metric, start: datetime) -> datetime:
    """When the target's own percent warning is reached."""
    target = r.targets[metric]
    assert target.warning is not None and target.warning.percent is not None
    return policy.calendars[target.calendar].add(start, target.duration * target.warning.percent / 100)


def test_all_five_presets_ship(policies: dict[str, Policy]) -> None:
    assert sorted(policies) == ["holesalemart", "ooulet", "pandorana", "shopee", "shopom"]


@pytest.mark.parametrize("key", ["shopom", "ooulet", "holesalemart", "pandorana", "shopee"])
def test_common_shape(policies: dict[str, Policy], key: str) -> None:
    policy = policies[key]
    text = (shipped_policies_dir() / f"{key}.toml").read_text(encoding="utf-8")
    assert "Durations are strings" in text and "resources/policies/README.md" in text  # the format header
    levels = [t.level for t in policy.ladder]
    assert levels == list(range(1, len(levels) + 1)) and len(levels) >= 3
    roles = [t.role for t in policy.ladder]
    assert roles[0] == "agent" and roles[-1] == "manager" and set(roles[1:-1]) == {"specialist"}
    assert policy.pause_statuses == {Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.ON_HOLD}
    assert all(rule.source for rule in policy.sla_rules)
    assert len(policy.canned_responses) >= 4
    filled = dict.fromkeys(
        ["customer_name", "agent_name", "ticket_number", "order_id", "policy_name", "due", "return_authorization"], "x"
    )
    for canned in policy.canned_responses:
        assert canned.body.format(**filled).strip()


def test_shopom(policies: dict[str, Policy]) -> None:
    p = policies["shopom"]
    assert p.source == "000_774bc93e9a6f3a33.txt" and p.timezone == "Asia/Kolkata"
    assert [c for c in p.categories] == [
        "order_issues",
        "returns_refunds",
        "account_issues",
        "payment_issues",
        "product_inquiries",
    ]
    # §2 FCFS with urgent first.
    assert p.queue_order == "priority" and p.priority_rank("urgent") < p.priority_rank("normal")

    # §1 24/7, §2 urgent 2-4h: an urgent cancellation at 03:00 on a Tuesday is
    # due by 07:00 the same night, with the warning at 05:00.
    created = datetime(2025, 3, 4, 3, 0, tzinfo=IST)
    r = rule(p, "order_issues", "urgent", "portal")
    assert r.name == "urgent"
    assert due(p, r, Metric.FIRST_RESPONSE, created) == datetime(2025, 3, 4, 7, 0, tzinfo=IST)
    assert warn(p, r, Metric.FIRST_RESPONSE, created) == datetime(2025, 3, 4, 5, 0, tzinfo=IST)
    assert due(p, r, Metric.NEXT_RESPONSE, created) == datetime(2025, 3, 4, 7, 0, tzinfo=IST)
    # An urgent refund is urgent first: 4h, not 48h.
    assert rule(p, "returns_refunds", "urgent", "email").name == "urgent"

    # General query by email on Saturday 22:00: 24 hours, weekend included.
    saturday_night = datetime(2025, 3, 8, 22, 0, tzinfo=IST)
    r = rule(p, "product_inquiries", "normal", "email")
    assert r.name == "general"
    assert due(p, r, Metric.FIRST_RESPONSE, saturday_night) == datetime(2025, 3, 9, 22, 0, tzinfo=IST)

    # Refunds/returns inquiry on Friday noon: 48 hours, Sunday noon.
    r = rule(p, "returns_refunds", "normal", "portal")
    assert r.name == "returns_refunds"
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2025, 3, 7, 12, 0, tzinfo=IST)) == datetime(
        2025, 3, 9, 12, 0, tzinfo=IST
    )
    # A refund question filed as a payment issue gets the general 24h.
    assert rule(p, "payment_issues", "normal", "email").name == "general"

    # Phone: §1 support is 24/7; the line's hours (§4) limit when calls are answered,
    # not the response promise, so phone tickets get §2's times on the 24/7 calendar.
    friday = datetime(2025, 3, 7, 17, 58, tzinfo=IST)
    r = rule(p, "account_issues", "normal", "phone")
    assert r.name == "general"
    assert due(p, r, Metric.FIRST_RESPONSE, friday) == datetime(2025, 3, 8, 17, 58, tzinfo=IST)
    r = rule(p, "order_issues", "urgent", "phone")
    assert r.name == "urgent" and due(p, r, Metric.FIRST_RESPONSE, friday) == datetime(2025, 3, 7, 21, 58, tzinfo=IST)
    assert rule(p, "returns_refunds", "normal", "phone").targets[Metric.NEXT_RESPONSE].duration == timedelta(hours=48)
    phone_line = p.channel_calendar("phone")
    assert phone_line.is_open(datetime(2025, 3, 7, 17, 59, tzinfo=IST))
    assert not phone_line.is_open(datetime(2025, 3, 7, 18, 0, tzinfo=IST))
    assert not phone_line.is_open(datetime(2025, 3, 8, 12, 0, tzinfo=IST))

    # §5 ladder, tier names from the seed.
    assert [t.name for t in p.ladder] == ["Tier 1 - Customer Support", "Senior Support Specialist", "Customer Service Manager"]
    assert [t.budget for t in p.ladder] == [timedelta(hours=72), timedelta(hours=48), None]
    assert p.calendars[p.ladder[0].calendar].add(created, p.ladder[0].budget) == datetime(2025, 3, 7, 3, 0, tzinfo=IST)
    assert p.escalation.customer_can_request and p.escalation.allow_keep
    # §7 sellers: the platform intervenes after a reasonable time (48h).
    seller = p.third_parties["seller"]
    assert (seller.response, seller.on_lapse) == (timedelta(hours=48), "intervene")


def test_ooulet(policies: dict[str, Policy]) -> None:
    p = policies["ooulet"]
    assert p.source == "001_4c8bab944c748f9e.txt" and p.timezone == "Asia/Kolkata"
    support = p.calendars["support"]

    # §3.1.1 email within 24 hours, every day: Saturday 19:00 -> Sunday 19:00.
    r = rule(p, "listings_store", "normal", "email")
    assert r.name == "email"
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2025, 3, 8, 19, 0, tzinfo=IST)) == datetime(
        2025, 3, 9, 19, 0, tzinfo=IST
    )
    # §3.1.2 live chat, immediate during business hours (Mon-Sat 10-18):
    # Saturday 17:58 -> 2 minutes on Saturday, closed Sunday, Monday 10:03.
    r = rule(p, "app_errors", "normal", "chat")
    assert r.name == "live"
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2025, 3, 8, 17, 58, tzinfo=IST)) == datetime(
        2025, 3, 10, 10, 3, tzinfo=IST
    )
    # Saturday is a support day, Sunday is not.
    assert support.is_open(datetime(2025, 3, 8, 12, 0, tzinfo=IST))
    assert not support.is_open(datetime(2025, 3, 9, 12, 0, tzinfo=IST))
    # Public holidays: Republic Day (Monday 26 January 2026) is closed for chat ...
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2026, 1, 26, 11, 0, tzinfo=IST)) == datetime(
        2026, 1, 27, 10, 5, tzinfo=IST
    )
    # ... and Independence Day 2026 falls on a Saturday: Friday 17:59 -> Monday 10:04.
    r = rule(p, "account_setup", "normal", "phone")
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2026, 8, 14, 17, 59, tzinfo=IST)) == datetime(
        2026, 8, 17, 10, 4, tzinfo=IST
    )
    assert p.calendar_info["support"].holiday_names[datetime(2025, 10, 2).date()] == "Gandhi Jayanti"
    # but email keeps going on holidays.
    assert p.channel_calendar("email").is_open(datetime(2026, 1, 26, 11, 0, tzinfo=IST))

    # §3.2 critical issues (payment problems are critical by category): resolution 2-4h.
    assert p.initial_priority("payments_payouts") == "critical"
    assert p.initial_priority("service_outage") == "critical"
    assert p.initial_priority("feedback") == "normal"
    created = datetime(2025, 3, 10, 16, 0, tzinfo=IST)  # Monday 16:00, two hours before closing
    r = rule(p, "payments_payouts", "critical", "email")
    assert r.name == "critical_email"
    assert due(p, r, Metric.FIRST_RESPONSE, created) == datetime(2025, 3, 10, 17, 0, tzinfo=IST)
    assert due(p, r, Metric.RESOLUTION, created) == datetime(2025, 3, 11, 12, 0, tzinfo=IST)
    # The 2-hour mark is exactly closing time, so the warning comes at the next opening.
    assert warn(p, r, Metric.RESOLUTION, created) == datetime(2025, 3, 11, 10, 0, tzinfo=IST)
    # A critical email on Sunday is answered in the email desk's first hour that
    # Sunday (§1.1.2 "Weekends and Public Holidays: Limited support available via email").
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2025, 3, 9, 10, 0, tzinfo=IST)) == datetime(
        2025, 3, 9, 11, 0, tzinfo=IST
    )
    # §10 priority support: expedited responses for Startup and Enterprise.
    for tier in ("startup", "enterprise"):
        r = rule(p, "service_outage", "critical", "email", tier)
        assert r.name == "critical_email_priority_support"
        assert due(p, r, Metric.FIRST_RESPONSE, created) == datetime(2025, 3, 10, 16, 30, tzinfo=IST)
    assert rule(p, "service_outage", "critical", "chat", "enterprise").name == "critical_live"
    assert p.customer_tier_specs["enterprise"].dedicated_account_manager
    assert p.customer_tier_specs["startup"].priority_support
    assert not p.customer_tier_specs["standard"].priority_support

    # §6 ladder; §4.2 the technical team takes 1-3 business days: a ticket
    # escalated on Wednesday 10:00 has until Friday's close, i.e. Saturday 10:00.
    assert [t.name for t in p.ladder] == [
        "Customer support team",
        "Senior support staff",
        "Department / technical team",
        "Upper management",
    ]
    assert [t.role for t in p.ladder] == ["agent", "specialist", "specialist", "manager"]
    technical = p.tier(3)
    assert p.calendars[technical.calendar].add(datetime(2025, 3, 12, 10, 0, tzinfo=IST), technical.budget) == datetime(
        2025, 3, 15, 10, 0, tzinfo=IST
    )
    # §6 regular updates throughout escalation: every business day from tier 2 on.
    for r in p.sla_rules:
        update = r.targets[Metric.PERIODIC_UPDATE]
        assert (update.duration, update.from_tier) == (timedelta(hours=8), 2)
    assert p.escalation.customer_can_request
    # §11 code of conduct.
    assert p.conduct is not None and set(p.conduct.sanctions) == {"terminate_support", "suspend_account"}


def test_holesalemart(policies: dict[str, Policy]) -> None:
    p = policies["holesalemart"]
    assert p.source == "002_24d316246a790f30.txt"
    # One set of targets for every ticket.
    assert len(p.sla_rules) == 1
    r = rule(p, "orders", "high", "portal")

    # Initial response within 72 hours of business days (3 x 7 business hours,
    # Mon-Fri 10-17): Friday 16:30 -> Wednesday 16:30.
    friday = datetime(2025, 3, 7, 16, 30, tzinfo=IST)
    assert due(p, r, Metric.FIRST_RESPONSE, friday) == datetime(2025, 3, 12, 16, 30, tzinfo=IST)
    # Sent on Saturday: counting starts Monday 10:00 and runs out at Wednesday's
    # close, so it is due at Thursday's opening.
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2025, 3, 8, 9, 0, tzinfo=IST)) == datetime(
        2025, 3, 13, 10, 0, tzinfo=IST
    )
    # Resolution within 10 (calendar) days.
    assert due(p, r, Metric.RESOLUTION, friday) == datetime(2025, 3, 17, 16, 30, tzinfo=IST)

    # Pandemic: closed for a few days (suspend), or slower (extend), customers told.
    closure, reduced = p.modes["pandemic_closure"], p.modes["pandemic_reduced"]
    assert closure.effect == "suspend" and closure.notify_customers and closure.notice
    assert reduced.effect == "extend" and reduced.notify_customers and reduced.notice
    office = p.calendars[r.targets[Metric.FIRST_RESPONSE].calendar]
    assert office.add(friday, reduced.extended_targets[Metric.FIRST_RESPONSE]) == datetime(
        2025, 3, 17, 16, 30, tzinfo=IST
    )  # six business days
    days = p.calendars[r.targets[Metric.RESOLUTION].calendar]
    assert days.add(friday, reduced.extended_targets[Metric.RESOLUTION]) == datetime(2025, 3, 27, 16, 30, tzinfo=IST)

    # Ticket updates: receipt, assignment, info request, progress, resolution and closure.
    assert p.notifications.triggers == {
        "received",
        "assigned",
        "info_requested",
        "progress",
        "resolved",
        "closed",
        "delayed",
    }
    assert not p.escalation.customer_can_request
    assert [t.budget for t in p.ladder] == [timedelta(hours=21), timedelta(hours=21), None]


def test_pandorana(policies: dict[str, Policy]) -> None:
    p = policies["pandorana"]
    assert p.source == "003_1fb0a15e60e0ac3b.txt"

    # §1 24 business hours: Friday 15:00 -> Monday 15:00; Saturday -> end of Monday.
    r = rule(p, "order_tracking", "normal", "email")
    assert r.name == "email"
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2025, 3, 7, 15, 0, tzinfo=IST)) == datetime(
        2025, 3, 10, 15, 0, tzinfo=IST
    )
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2025, 3, 8, 10, 0, tzinfo=IST)) == datetime(
        2025, 3, 11, 0, 0, tzinfo=IST
    )
    # §1 complex inquiries: up to 48 hours, Friday 15:00 -> Tuesday 15:00.
    r = rule(p, "order_placement", "complex", "email")
    assert r.name == "complex"
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2025, 3, 7, 15, 0, tzinfo=IST)) == datetime(
        2025, 3, 11, 15, 0, tzinfo=IST
    )
    # §5 complaints within 3 business days: Wednesday 09:00 -> Monday 09:00.
    r = rule(p, "complaints", "normal", "email")
    assert r.name == "complaints"
    assert due(p, r, Metric.RESOLUTION, datetime(2025, 3, 5, 9, 0, tzinfo=IST)) == datetime(
        2025, 3, 10, 9, 0, tzinfo=IST
    )
    assert rule(p, "complaints", "complex", "email").targets[Metric.FIRST_RESPONSE].duration == timedelta(hours=48)
    # §4 refunds in 5-10 business days: due after 10, warning after 5.
    refund = datetime(2025, 3, 3, 12, 0, tzinfo=IST)  # Monday noon
    r = rule(p, "refunds", "normal", "email")
    assert r.name == "refunds"
    assert due(p, r, Metric.RESOLUTION, refund) == datetime(2025, 3, 17, 12, 0, tzinfo=IST)
    assert warn(p, r, Metric.RESOLUTION, refund) == datetime(2025, 3, 10, 12, 0, tzinfo=IST)
    assert due(p, r, Metric.PERIODIC_UPDATE, refund) == datetime(2025, 3, 5, 12, 0, tzinfo=IST)
    assert rule(p, "refunds", "complex", "email").targets[Metric.RESOLUTION].duration == timedelta(days=10)

    # §1 high volume: up to 48 hours, and the customer is told.
    mode = p.modes["high_volume"]
    assert mode.effect == "extend" and mode.notify_customers and "48" in mode.notice
    assert mode.extended_targets[Metric.FIRST_RESPONSE] == timedelta(hours=48)
    assert "delayed" in p.notifications.triggers
    # §4 return authorization numbers, "if required".
    ra = p.return_authorization
    assert ra is not None and ra.categories == {"returns_exchanges"} and ra.required is False
    assert any("{return_authorization}" in c.body for c in p.canned_responses)


def test_shopee(policies: dict[str, Policy]) -> None:
    p = policies["shopee"]
    assert p.source == "004_d227acf7a51f7156.txt" and p.timezone == "Asia/Jakarta"
    disputes = {"pesanan_belum_diterima", "tidak_ada_resi", "pengembalian_barang"}

    # Disputes resolved within 5 days of first submission, counted through
    # weekends and pauses: Saturday 21:00 -> Thursday 21:00.
    r = rule(p, "pengembalian_barang", "normal", "web_form")
    assert r.name == "sengketa"
    created = datetime(2025, 3, 1, 21, 0, tzinfo=WIB)
    assert due(p, r, Metric.RESOLUTION, created) == datetime(2025, 3, 6, 21, 0, tzinfo=WIB)
    assert r.targets[Metric.RESOLUTION].pausable is False
    assert Metric.FIRST_RESPONSE not in r.targets  # no response time promised for the web form
    # 24/7 including national holidays: a question sent on Idul Fitri (31 March 2025).
    r = rule(p, "pertanyaan_umum", "normal", "email")
    assert r.name == "umum" and r.targets[Metric.RESOLUTION].pausable is True
    assert due(p, r, Metric.RESOLUTION, datetime(2025, 3, 31, 10, 0, tzinfo=WIB)) == datetime(
        2025, 4, 5, 10, 0, tzinfo=WIB
    )
    # The call center answers at any hour: Sunday 03:00 -> 03:05.
    r = rule(p, "tidak_ada_resi", "normal", "phone")
    assert r.name == "telepon_sengketa" and r.targets[Metric.RESOLUTION].pausable is False
    assert due(p, r, Metric.FIRST_RESPONSE, datetime(2025, 3, 2, 3, 0, tzinfo=WIB)) == datetime(
        2025, 3, 2, 3, 5, tzinfo=WIB
    )
    assert rule(p, "lainnya", "normal", "phone").name == "telepon"

    # Evidence: 3 days for each of buyer and seller, then the investigation decides.
    (window,) = p.evidence_windows
    assert window.categories == disputes and window.parties == ("buyer", "seller") and window.on_lapse == "decide"
    requested = datetime(2025, 3, 3, 14, 0, tzinfo=WIB)
    assert p.calendars[window.calendar].add(requested, window.duration) == datetime(2025, 3, 6, 14, 0, tzinfo=WIB)

    # Twitter mentions queue strictly in arrival order.
    assert p.channel_queue_order("twitter") == "arrival"
    assert p.channel_queue_order("email") == "priority"
    assert set(p.channels["twitter"].contacts) == {"@ShopeeID", "@ShopeeCare"}
    assert set(p.channels["phone"].contacts) == {"1500702", "021-39500300"}

    # Intake: at most 5 attachments of 4.5 MB, jpg/jpeg/png/pdf; buyer or seller; order number for orders.
    intake = p.intake
    assert intake is not None
    assert intake.max_attachments == 5
    assert intake.max_attachment_bytes == 4_718_592  # 4.5 MiB
    assert intake.attachment_types == {"jpeg", "png", "pdf"}
    assert intake.requester_roles == ("buyer", "seller")
    assert intake.order_id_categories == disputes

    # Indonesian notifications and canned responses; decisions are final.
    assert p.notifications.language == "id"
    assert {"info_requested", "evidence_lapsed", "resolved"} <= p.notifications.triggers
    assert all("Halo" in c.body for c in p.canned_responses)
    assert not p.escalation.customer_can_request and not p.escalation.allow_keep
