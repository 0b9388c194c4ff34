"""Issue 17, "Promises computed wrong": each test quotes the seed it keeps.

Seeds: ../shared/seeds/001 (Ooulet), 000 (Shopom), 002 (Holesalemart).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desk_app.core.policy import Metric, Policy, PolicyError
from desk_app.core.policy_loader import load_policy, load_shipped_policies, shipped_policies_dir
from desk_app.core.sla import compute_clocks
from desk_app.core.ticket import EventKind, ModeSpan, TicketEvent, TicketFacts

IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture(scope="module")
def policies() -> dict[str, Policy]:
    return load_shipped_policies()


def due(policy: Policy, metric: Metric, start: datetime, **ticket: str) -> datetime:
    ticket.setdefault("customer_tier", "standard")
    target = policy.rule_for(**ticket).targets[metric]
    return policy.calendars[target.calendar].add(start, target.duration)


def shipped_text(key: str) -> str:
    return (shipped_policies_dir() / f"{key}.toml").read_text(encoding="utf-8")


def load_text(tmp_path: Path, text: str, name: str) -> Policy:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


# -- 1. a priority never makes a promise later -------------------------------------------


def test_ooulet_critical_email_is_never_due_after_a_normal_one(policies: dict[str, Policy]) -> None:
    """Seed 001 §3.1.1 "Email Support: Within 24 hours for general inquiries"; §3.2 "For
    critical issues, such as service outages or payment problems, we prioritize your request".

    An e-mail on Saturday 18:30 was due Sunday 18:30 when normal but Monday 11:00 as a
    payment problem (Monday 10:30 for Enterprise).
    """
    p = policies["ooulet"]
    saturday = datetime(2026, 12, 19, 18, 30, tzinfo=IST)
    normal = due(p, Metric.FIRST_RESPONSE, saturday, category="account_setup", priority="normal", channel="email")
    assert normal == datetime(2026, 12, 20, 18, 30, tzinfo=IST)
    critical = due(
        p, Metric.FIRST_RESPONSE, saturday, category="payments_payouts", priority="critical", channel="email"
    )
    enterprise = due(
        p,
        Metric.FIRST_RESPONSE,
        saturday,
        category="payments_payouts",
        priority="critical",
        channel="email",
        customer_tier="enterprise",
    )
    # §1.1.2 "Weekends and Public Holidays: Limited support available via email": the
    # email desk's Sunday hours.
    assert critical == datetime(2026, 12, 20, 11, 0, tzinfo=IST) <= normal
    assert enterprise == datetime(2026, 12, 20, 10, 30, tzinfo=IST) <= critical


def test_the_loader_rejects_the_old_ooulet_rules(tmp_path: Path) -> None:
    """Counting the critical e-mail's hour on the Mon-Sat support calendar is refused, naming both rules."""
    text = shipped_text("ooulet").replace('calendar = "email_desk_hours"', 'calendar = "support"')
    with pytest.raises(PolicyError) as caught:
        load_text(tmp_path, text, "ooulet")
    err = caught.value
    assert err.key == "sla.rules[2]"
    assert "priority 'critical' must never be promised later than the less urgent 'normal'" in err.reason
    assert "rule 'critical_email' (sla.rules[2])" in err.reason
    assert "rule 'email' (sla.rules[4])" in err.reason
    assert "channel='email'" in err.reason


MINI = """\
[policy]
key = "mini"
name = "Mini"
timezone = "Asia/Kolkata"
support_calendar = "office"

[calendars.office]
hours = { mon-sun = ["09:00-17:00"] }
holidays = [{ date = 2026-01-26, name = "Republic Day" }]

[calendars.always]
always_open = true

[channels.email]
label = "Email"

[categories.general]
label = "General"

[[priorities]]
key = "urgent"
label = "Urgent"

[[priorities]]
key = "normal"
label = "Normal"

[sla]
pause_statuses = ["pending_customer"]

[[sla.rules]]
name = "urgent"
match = { priorities = ["urgent"] }
targets.first_response = "URGENT"

[[sla.rules]]
name = "normal"
targets.first_response = { duration = "24h", calendar = "always" }

[escalation]
[[escalation.tiers]]
level = 1
key = "t1"
name = "Tier 1"
role = "agent"
budget = "8h"

[[escalation.tiers]]
level = 2
key = "t2"
name = "Manager"
role = "manager"
"""


def test_a_priority_late_only_on_a_holiday_is_rejected(tmp_path: Path) -> None:
    """2 office hours are within 24 clock hours every day (18h at most) but Republic Day:
    Sunday 25 January 16:00 -> Tuesday 27 January 10:00. The check covers holidays."""
    with pytest.raises(PolicyError) as caught:
        load_text(tmp_path, MINI.replace('"URGENT"', '"2h"'), "mini")
    assert caught.value.key == "sla.rules[0]"
    assert "for a ticket created Sun 2026-01-25" in caught.value.reason
    # Without the holiday the same rules keep the order.
    fine = MINI.replace('"URGENT"', '"2h"').replace('holidays = [{ date = 2026-01-26, name = "Republic Day" }]', "")
    assert load_text(tmp_path, fine, "mini").sla_rules[0].name == "urgent"


@pytest.mark.parametrize(
    "target, ok",
    [
        # Just under 8 office hours is never past 24 clock hours; exactly 8 ends at a
        # closing, so it is due at the next 09:00 (the latest-instant rule): too late.
        ('"7h59m59s"', True),
        ('"8h"', False),
        ('{ duration = "24h", calendar = "always" }', True),  # the same promise is not later
        ('{ duration = "24h1s", calendar = "always" }', False),
    ],
)
def test_priority_order_is_decided_exactly(tmp_path: Path, target: str, ok: bool) -> None:
    text = MINI.replace('"URGENT"', target).replace(
        'holidays = [{ date = 2026-01-26, name = "Republic Day" }]', ""
    )
    if ok:
        load_text(tmp_path, text, "mini")
    else:
        with pytest.raises(PolicyError, match="must never be promised later"):
            load_text(tmp_path, text, "mini")


# -- 2. Shopom: the phone line's hours are not the response promise ----------------------


def test_shopom_phone_ticket_outside_phone_hours_keeps_section_2(policies: dict[str, Policy]) -> None:
    """Seed 000 §1 "Customer support is available 24/7"; §2 "General Queries: Response within
    24 hours", "Urgent Issues (e.g., order cancellations, technical issues): Response within
    2–4 hours"; §4 "Phone Support: Available during business hours (Monday–Friday, 10 AM–6 PM)".

    A phone ticket on Friday 17:58 (a callback, a voicemail) was due Monday 10:03.
    """
    p = policies["shopom"]
    friday = datetime(2026, 12, 18, 17, 58, tzinfo=IST)
    urgent = due(p, Metric.FIRST_RESPONSE, friday, category="order_issues", priority="urgent", channel="phone")
    general = due(p, Metric.FIRST_RESPONSE, friday, category="account_issues", priority="normal", channel="phone")
    assert friday + timedelta(hours=2) <= urgent <= friday + timedelta(hours=4)
    assert urgent == datetime(2026, 12, 18, 21, 58, tzinfo=IST)
    assert general == datetime(2026, 12, 19, 17, 58, tzinfo=IST) == friday + timedelta(hours=24)
    # The line's hours still say when calls are answered.
    assert not p.channel_calendar("phone").is_open(friday + timedelta(minutes=2))


# -- 3. Holesalemart: reduced service extends the ladder with the targets ----------------


def test_holesalemart_reduced_service_extends_the_tier_budgets(policies: dict[str, Policy]) -> None:
    """Seed 002 "In the Event of an Emergency Pandemic in the Country": "Response times may be
    affected due to operational challenges". The reduced-service mode gives the initial response
    6 business days (42 business hours); tier 1's 21-hour budget escalated the ticket three
    business days before that response was due.
    """
    p = policies["holesalemart"]
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=IST)
    facts = TicketFacts(monday, "orders", "normal", "portal", "standard")
    events = [TicketEvent(monday, EventKind.CREATED, status="new")]
    modes = [ModeSpan("pandemic_reduced", datetime(2026, 12, 1, 10, 0, tzinfo=IST))]
    at = datetime(2026, 12, 10, 17, 0, tzinfo=IST)  # Thursday: 25 business hours in
    snap = compute_clocks(p, facts, events, at, modes)
    first = next(c for c in snap.clocks if c.key == "first_response")
    budget = next(c for c in snap.clocks if c.key == "tier_budget:1")
    assert first.extended_by == "pandemic_reduced" and first.target == timedelta(hours=42)
    assert budget.extended_by == "pandemic_reduced" and budget.target == timedelta(hours=42)
    assert budget.due_at >= first.due_at
    assert snap.escalation is None  # not escalated before the extended response is due
    # Without the mode, the regular 21 hours are used up by Thursday 10:00.
    regular = compute_clocks(p, facts, events, at)
    assert next(c for c in regular.clocks if c.key == "tier_budget:1").target == timedelta(hours=21)
    assert regular.escalation is not None


# -- 4. holidays that run out --------------------------------------------------------------


def test_ooulet_closes_on_republic_day_2027(policies: dict[str, Policy]) -> None:
    """Seed 001 §1.1.2 "Weekends and Public Holidays: Limited support available via email."
    The list ended in 2026, so Republic Day 2027 (a Tuesday) counted as open time."""
    p = policies["ooulet"]
    support = p.calendars["support"]
    republic_day = datetime(2027, 1, 26, 11, 0, tzinfo=IST)
    assert not support.is_open(republic_day)
    assert p.calendar_info["support"].holiday_names[republic_day.date()] == "Republic Day"
    # A chat at 11:00 that day is answered in the first minutes of Wednesday.
    assert due(p, Metric.FIRST_RESPONSE, republic_day, category="account_setup", priority="normal", channel="chat") == (
        datetime(2027, 1, 27, 10, 5, tzinfo=IST)
    )
    for day in (datetime(2027, 8, 15, 12, tzinfo=IST), datetime(2027, 10, 2, 12, tzinfo=IST)):
        assert not support.is_open(day)
    assert p.calendar_info["support"].holidays_through == datetime(2027, 12, 31).date()


def test_a_holiday_list_running_out_within_60_days_is_a_warning(policies: dict[str, Policy]) -> None:
    from desk_app.core.policy_loader import holiday_warnings

    assert holiday_warnings(policies, datetime(2026, 12, 20, 12, tzinfo=IST)) == []  # today: 2027 is shipped
    assert holiday_warnings(policies, datetime(2027, 10, 31, 23, 59, tzinfo=IST)) == []  # 61 days left
    (warning,) = holiday_warnings(policies, datetime(2027, 11, 1, 0, 0, tzinfo=IST))  # 60 days left
    assert (warning.policy, warning.calendar, warning.through.isoformat(), warning.days_left) == (
        "ooulet",
        "support",
        "2027-12-31",
        60,
    )
    assert "runs out on 2027-12-31 (in 60 days)" in warning.message
    (late,) = holiday_warnings(policies, datetime(2028, 1, 26, 11, tzinfo=IST))
    assert late.days_left < 0 and "ran out on 2027-12-31" in late.message
    with pytest.raises(ValueError, match="aware"):
        holiday_warnings(policies, datetime(2027, 11, 1))


def test_holidays_through_is_read_and_checked(tmp_path: Path) -> None:
    base = MINI.replace('"URGENT"', '{ duration = "1h", calendar = "always" }')
    assert load_text(tmp_path, base, "mini").calendar_info["office"].holidays_through.isoformat() == "2026-12-31"
    stated = base.replace(
        'holidays = [{ date = 2026-01-26, name = "Republic Day" }]',
        'holidays = [{ date = 2026-01-26, name = "Republic Day" }]\nholidays_through = 2027-06-30',
    )
    assert load_text(tmp_path, stated, "mini").calendar_info["office"].holidays_through.isoformat() == "2027-06-30"
    # A calendar that lists no holidays cannot run out.
    assert load_text(tmp_path, base, "mini").calendar_info["always"].holidays_through is None
    with pytest.raises(PolicyError, match="holidays_through: expected a TOML date"):
        load_text(tmp_path, stated.replace("2027-06-30", '"2027-06-30"'), "mini")
