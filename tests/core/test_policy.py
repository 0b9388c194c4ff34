"""The policy file loader: what it reads, and every reason it rejects a file.

Each rejection test edits one thing in a small valid policy (`BASE`) and checks
that the error names the file, the exact key path and the reason.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desk_app.core.policy import Metric, Policy, PolicyError, WarningSpec
from desk_app.core.policy_loader import load_policies, load_policy, shipped_policies_dir

IST = ZoneInfo("Asia/Kolkata")

BASE = """\
[policy]
key = "mini"
name = "Mini shop"
source = "test"
effective = 2025-01-01
timezone = "Asia/Kolkata"
support_calendar = "office"
default_priority = "normal"

[calendars.office]
label = "Office"
hours = { mon-fri = ["10:00-13:00", "14:00-18:00"], sat = ["10:00-12:00"] }
holidays = [
    2026-01-26,
    { date = 2026-08-14, name = "Shop anniversary" },
    { start = 2026-03-03T14:00:00, end = 2026-03-03T16:00:00, name = "Team meeting" },
]

[calendars.always]
always_open = true

[channels.email]
label = "Email"

[channels.phone]
label = "Phone"
availability = "office"
contacts = ["+91 1234"]

[channels.social]
label = "Social"
queue_order = "arrival"

[categories.orders]
label = "Orders"

[categories.refunds]
label = "Refunds"
default_priority = "urgent"

[categories.disputes]
label = "Disputes"

[[priorities]]
key = "urgent"
label = "Urgent"

[[priorities]]
key = "normal"
label = "Normal"

[customer_tiers.standard]
label = "Standard"

[customer_tiers.enterprise]
label = "Enterprise"
priority_support = true

[sla]
pause_statuses = ["pending_customer", "on_hold"]
warning = { percent = 80, before = "30m" }

[[sla.rules]]
name = "urgent"
source = "clause 1"
match = { priorities = ["urgent"] }
targets.first_response = { duration = "2h", warning = { percent = 50 } }
targets.resolution = { duration = "1d", calendar = "always", pausable = false }

[[sla.rules]]
name = "refunds"
match = { categories = ["refunds"] }
targets.first_response = "2h30m"
targets.resolution = { duration = "3d", calendar = "always" }

[[sla.rules]]
name = "general"
targets.first_response = "24h"
targets.periodic_update = { duration = "8h", from_tier = 2 }

[escalation]
grace = "45m"
allow_keep = false

[[escalation.tiers]]
level = 1
key = "t1"
name = "Tier 1"
role = "agent"
budget = "8h"

[[escalation.tiers]]
level = 2
key = "t2"
name = "Tier 2"
role = "specialist"
budget = "1d"

[[escalation.tiers]]
level = 3
key = "t3"
name = "Tier 3"
role = "manager"

[[evidence_windows]]
key = "docs"
categories = ["disputes"]
parties = ["buyer", "seller"]
duration = "3d"
calendar = "always"
on_lapse = "decide"

[third_parties.seller]
label = "Seller"
response = "48h"

[modes.busy]
label = "Busy"
effect = "extend"
targets = { first_response = "48h" }
notify_customers = true
notice = "We are busy."

[modes.closed]
label = "Closed"
effect = "suspend"

[notifications]
language = "en"
triggers = ["received", "resolved"]

[intake]
max_attachments = 5
max_attachment_size = "4.5 MiB"
attachment_types = ["jpeg", "png", "pdf"]
requester_roles = ["buyer", "seller"]
order_id_categories = ["orders", "disputes"]

[return_authorization]
categories = ["refunds"]
required = false

[conduct]
summary = "Be nice."
sanctions = ["suspend_account"]

[[canned_responses]]
key = "hello"
title = "Hello"
body = "Hello {customer_name}, about {ticket_number}: {{braces}} stay."
"""


def write(tmp_path: Path, text: str, name: str = "mini.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, f"fixture edit {old!r} must match exactly once"
    return text.replace(old, new)


def reject(tmp_path: Path, text: str, key: str, reason: str) -> PolicyError:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    err = caught.value
    assert err.path == str(path)
    assert err.key == key, f"key path: {err.key!r}; message: {err}"
    assert reason in err.reason, f"reason: {err.reason!r}"
    assert str(err) == f"{path}: {key}: {err.reason}" if key else str(err) == f"{path}: {err.reason}"
    return err


# -- what a valid file gives ----------------------------------------------------------


@pytest.fixture
def mini(tmp_path: Path) -> Policy:
    return load_policy(write(tmp_path, BASE))


def test_header_and_vocabulary(mini: Policy) -> None:
    assert (mini.key, mini.name, mini.source, mini.timezone) == ("mini", "Mini shop", "test", "Asia/Kolkata")
    assert mini.effective == date(2025, 1, 1)
    assert mini.support_calendar == "office"
    assert list(mini.channels) == ["email", "phone", "social"]
    assert mini.channels["phone"].availability == "office"
    assert mini.channels["phone"].contacts == ("+91 1234",)
    assert [(p.key, p.rank) for p in mini.priorities] == [("urgent", 0), ("normal", 1)]
    assert mini.customer_tiers == ("standard", "enterprise")
    assert mini.customer_tier_specs["enterprise"].priority_support is True
    assert mini.pause_statuses == frozenset({"pending_customer", "on_hold"})
    assert mini.warning == WarningSpec(percent=80.0, before=timedelta(minutes=30))


def test_durations_round_trip(mini: Policy) -> None:
    urgent, refunds, general = mini.sla_rules
    assert urgent.targets[Metric.FIRST_RESPONSE].duration == timedelta(hours=2)
    assert urgent.targets[Metric.FIRST_RESPONSE].warning == WarningSpec(percent=50.0)
    assert urgent.targets[Metric.RESOLUTION].duration == timedelta(hours=24)
    assert urgent.targets[Metric.RESOLUTION].pausable is False
    assert refunds.targets[Metric.FIRST_RESPONSE].duration == timedelta(hours=2, minutes=30)
    assert refunds.targets[Metric.FIRST_RESPONSE].calendar == "office"  # the shorthand counts on the support calendar
    assert refunds.targets[Metric.FIRST_RESPONSE].warning is None
    assert refunds.targets[Metric.RESOLUTION].duration == timedelta(days=3)
    assert refunds.targets[Metric.RESOLUTION].calendar == "always"
    assert general.targets[Metric.PERIODIC_UPDATE].from_tier == 2
    assert mini.escalation.grace == timedelta(minutes=45)
    assert mini.escalation.allow_keep is False
    assert mini.escalation.customer_can_request is True  # default
    assert [t.budget for t in mini.ladder] == [timedelta(hours=8), timedelta(days=1), None]
    assert mini.evidence_windows[0].duration == timedelta(days=3)
    assert mini.third_parties["seller"].response == timedelta(hours=48)
    assert mini.modes["busy"].extended_targets == {Metric.FIRST_RESPONSE: timedelta(hours=48)}
    assert mini.intake is not None and mini.intake.max_attachment_bytes == 4_718_592


@pytest.mark.parametrize(
    "text, expected",
    [
        ("45m", timedelta(minutes=45)),
        ("24h", timedelta(hours=24)),
        ("2h30m", timedelta(hours=2, minutes=30)),
        ("3d", timedelta(days=3)),
        ("10d", timedelta(days=10)),
        ("1d 12h", timedelta(days=1, hours=12)),
        ("90s", timedelta(seconds=90)),
        ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
    ],
)
def test_duration_strings(tmp_path: Path, text: str, expected: timedelta) -> None:
    # The periodic update: only the catch-all sets one, so any duration keeps the
    # priorities in order (a shorter general first response would not).
    old = 'targets.periodic_update = { duration = "8h", from_tier = 2 }'
    policy = load_policy(write(tmp_path, edit(old, old.replace('"8h"', f'"{text}"'))))
    assert policy.sla_rules[-1].targets[Metric.PERIODIC_UPDATE].duration == expected


def test_first_matching_rule_wins(mini: Policy) -> None:
    def rule(category: str, priority: str, channel: str = "email", tier: str = "standard") -> str:
        return mini.rule_for(category=category, priority=priority, channel=channel, customer_tier=tier).name

    assert rule("refunds", "urgent") == "urgent"  # urgent comes first, so an urgent refund is "urgent"
    assert rule("refunds", "normal") == "refunds"
    assert rule("orders", "normal") == "general"
    assert rule("orders", "urgent", "social", "enterprise") == "urgent"
    assert rule("disputes", "normal", "phone", "startup") == "general"  # catch-all covers every desk tier


def test_calendars_hours_holidays_and_closures(mini: Policy) -> None:
    office = mini.calendars["office"]
    assert office.hours["mon"] == (("10:00", "13:00"), ("14:00", "18:00"))
    assert office.hours["sat"] == (("10:00", "12:00"),)
    assert office.hours["sun"] == ()
    # Monday 12:30 + 1h: half an hour before lunch, half after.
    assert office.add(datetime(2026, 3, 2, 12, 30, tzinfo=IST), timedelta(hours=1)) == datetime(
        2026, 3, 2, 14, 30, tzinfo=IST
    )
    # Tuesday 3 March 2026: closed 14:00-16:00 for the meeting.
    assert office.add(datetime(2026, 3, 3, 14, 0, tzinfo=IST), timedelta(hours=1)) == datetime(
        2026, 3, 3, 17, 0, tzinfo=IST
    )
    # Monday 26 January 2026 is a holiday: Friday 17:30 + 1h runs into Saturday.
    assert office.add(datetime(2026, 1, 23, 17, 30, tzinfo=IST), timedelta(hours=1)) == datetime(
        2026, 1, 24, 10, 30, tzinfo=IST
    )
    assert not office.is_open(datetime(2026, 1, 26, 11, 0, tzinfo=IST))
    assert mini.calendar_info["office"].holiday_names == {date(2026, 8, 14): "Shop anniversary"}
    assert mini.calendar_info["always"].label == "always"
    assert mini.calendars["always"].is_open(datetime(2026, 1, 26, 3, 0, tzinfo=IST))


def test_helpers(mini: Policy) -> None:
    assert mini.initial_priority("refunds") == "urgent"
    assert mini.initial_priority("orders") == "normal"
    assert mini.initial_priority() == "normal"
    assert mini.channel_calendar("phone") is mini.calendars["office"]
    assert mini.channel_calendar("email") is mini.calendars["office"]
    assert mini.channel_queue_order("social") == "arrival"
    assert mini.channel_queue_order("email") == "priority"
    assert mini.next_tier(1).name == "Tier 2" and mini.next_tier(3) is None


def test_policy_is_immutable(mini: Policy) -> None:
    with pytest.raises(TypeError):
        mini.calendars["x"] = mini.calendars["office"]  # type: ignore[index]
    with pytest.raises(TypeError):
        mini.sla_rules[0].targets[Metric.NEXT_RESPONSE] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        mini.key = "other"  # type: ignore[misc]


def test_defaults_for_optional_sections(tmp_path: Path) -> None:
    text = BASE.split("[[evidence_windows]]")[0]
    text = edit('warning = { percent = 80, before = "30m" }\n', "", text)
    text = edit('[customer_tiers.standard]\nlabel = "Standard"\n\n[customer_tiers.enterprise]\nlabel = "Enterprise"\npriority_support = true\n', "", text)
    text = edit('default_priority = "normal"\n', "", text)
    text = edit('key = "mini"\n', "", text)
    policy = load_policy(write(tmp_path, text, name="plain_shop.toml"))
    assert policy.key == "plain_shop"  # from the file name
    assert policy.warning == WarningSpec(percent=75.0)
    assert policy.customer_tiers == ("standard",)
    assert policy.default_priority is None and policy.initial_priority("orders") == "normal"
    assert policy.evidence_windows == () and dict(policy.modes) == {} and policy.intake is None
    assert policy.notifications.triggers == frozenset() and policy.canned_responses == ()


def test_canned_responses_keep_their_text(mini: Policy) -> None:
    (hello,) = mini.canned_responses
    assert hello.body.format(customer_name="Asha", ticket_number="T-1") == "Hello Asha, about T-1: {braces} stay."


# -- rejections -----------------------------------------------------------------------

REJECTIONS = [
    # (test id, old text, new text, key path, reason fragment)
    ("unknown-top-level-key", "[notifications]", "[notification]", "notification", "unknown key 'notification'"),
    (
        "unknown-key-typo-in-target",
        '{ duration = "3d", calendar = "always" }',
        '{ duration = "3d", calender = "always" }',
        "sla.rules[1].targets.resolution.calender",
        "did you mean 'calendar'?",
    ),
    (
        "unknown-metric",
        'targets.first_response = "24h"',
        'targets.first_respons = "24h"',
        "sla.rules[2].targets.first_respons",
        "unknown metric 'first_respons'",
    ),
    (
        "unknown-match-condition",
        'match = { categories = ["refunds"] }',
        'match = { category = ["refunds"] }',
        "sla.rules[1].match.category",
        "did you mean 'categories'?",
    ),
    ("unknown-key-in-policy", 'source = "test"', 'sourse = "test"', "policy.sourse", "unknown key"),
    ("unknown-key-in-tier", 'role = "manager"', 'role = "manager"\nbudjet = "1h"', "escalation.tiers[2].budjet", "unknown key"),
    ("wrong-type-bool", "allow_keep = false", 'allow_keep = "no"', "escalation.allow_keep", "expected true or false, got a string"),
    ("wrong-type-int", "level = 2", 'level = "2"', "escalation.tiers[1].level", "expected an integer, got a string"),
    ("wrong-type-table", '[calendars.always]\nalways_open = true', '[calendars]\nalways = 3', "calendars.always", "expected a table"),
    ("wrong-type-list", 'pause_statuses = ["pending_customer", "on_hold"]', 'pause_statuses = "on_hold"', "sla.pause_statuses", "expected a list"),
    ("missing-required", 'name = "Mini shop"\n', "", "policy.name", "missing (required)"),
    ("bad-duration-words", 'targets.first_response = "24h"', 'targets.first_response = "24 hours"', "sla.rules[2].targets.first_response", "bad duration '24 hours'"),
    ("bad-duration-order", 'targets.first_response = "24h"', 'targets.first_response = "30m2h"', "sla.rules[2].targets.first_response", "bad duration"),
    ("bad-duration-zero", 'targets.first_response = "24h"', 'targets.first_response = "0h"', "sla.rules[2].targets.first_response", "must be longer than zero"),
    ("bad-duration-number", 'budget = "8h"', "budget = 8", "escalation.tiers[0].budget", "expected a duration string"),
    ("bad-time", '"14:00-18:00"]', '"14:00-25:00"]', "calendars.office.hours.mon-fri[1]", "bad end time"),
    ("bad-time-format", '"14:00-18:00"]', '"14-18"]', "calendars.office.hours.mon-fri[1]", "bad time interval '14-18'"),
    ("bad-time-backwards", '"14:00-18:00"]', '"18:00-14:00"]', "calendars.office.hours.mon-fri[1]", "the end must be after the start"),
    ("overlapping-intervals", '"14:00-18:00"]', '"12:00-18:00"]', "calendars.office.hours.mon-fri[1]", "overlaps calendars.office.hours.mon-fri[0]"),
    ("day-given-twice", 'sat = ["10:00-12:00"]', 'fri = ["10:00-12:00"]', "calendars.office.hours.fri", "'fri' is already given by calendars.office.hours.mon-fri"),
    ("unknown-day", 'sat = ["10:00-12:00"]', 'tues = ["10:00-12:00"]', "calendars.office.hours.tues", "did you mean 'tue'?"),
    ("backwards-day-range", "mon-fri =", "fri-mon =", "calendars.office.hours.fri-mon", "must run forwards"),
    ("never-open", 'hours = { mon-fri = ["10:00-13:00", "14:00-18:00"], sat = ["10:00-12:00"] }', "hours = { mon = [] }", "calendars.office.hours", "never open"),
    ("hours-and-always-open", "always_open = true", 'always_open = true\nhours = { mon = ["10:00-12:00"] }', "calendars.always.hours", "takes no hours"),
    ("holiday-as-string", "    2026-01-26,", '    "2026-01-26",', "calendars.office.holidays[0]", "expected a TOML date"),
    ("closure-backwards", "end = 2026-03-03T16:00:00", "end = 2026-03-03T13:00:00", "calendars.office.holidays[2].end", "must end after it starts"),
    # The calendar itself rejects the zone: its ValueError comes back as a PolicyError.
    ("calendar-error-wrapped", "[calendars.always]\n", '[calendars.always]\ntz = "Mars/Olympus"\n', "calendars.always", "unknown time zone 'Mars/Olympus'"),
    ("unknown-timezone", 'timezone = "Asia/Kolkata"', 'timezone = "Asia/Kolkatta"', "policy.timezone", "unknown time zone"),
    ("undefined-calendar", 'calendar = "always" }\n\n[[sla.rules]]\nname = "general"', 'calendar = "weekend" }\n\n[[sla.rules]]\nname = "general"', "sla.rules[1].targets.resolution.calendar", "unknown calendar 'weekend'"),
    ("undefined-support-calendar", 'support_calendar = "office"', 'support_calendar = "ofice"', "policy.support_calendar", "did you mean 'office'?"),
    ("undefined-availability", 'availability = "office"', 'availability = "phones"', "channels.phone.availability", "unknown calendar 'phones'"),
    ("undefined-category", 'match = { categories = ["refunds"] }', 'match = { categories = ["refund"] }', "sla.rules[1].match.categories[0]", "unknown category 'refund'"),
    ("undefined-priority", 'match = { priorities = ["urgent"] }', 'match = { priorities = ["high"] }', "sla.rules[0].match.priorities[0]", "unknown priority 'high'"),
    ("undefined-default-priority", 'default_priority = "normal"', 'default_priority = "low"', "policy.default_priority", "unknown priority 'low'"),
    ("undefined-channel", 'match = { categories = ["refunds"] }', 'match = { categories = ["refunds"], channels = ["chat"] }', "sla.rules[1].match.channels[0]", "unknown channel 'chat'"),
    ("undefined-customer-tier", 'match = { categories = ["refunds"] }', 'match = { categories = ["refunds"], customer_tiers = ["startup"] }', "sla.rules[1].match.customer_tiers[0]", "unknown customer tier 'startup'"),
    ("unknown-desk-tier", "[customer_tiers.enterprise]", "[customer_tiers.gold]", "customer_tiers.gold", "unknown customer tier 'gold'"),
    ("undefined-evidence-category", 'categories = ["disputes"]', 'categories = ["dispute"]', "evidence_windows[0].categories[0]", "unknown category 'dispute'"),
    ("undefined-mode-metric", 'targets = { first_response = "48h" }', 'targets = { first_reply = "48h" }', "modes.busy.targets.first_reply", "unknown metric 'first_reply'"),
    ("empty-match-list", 'match = { categories = ["refunds"] }', "match = { categories = [] }", "sla.rules[1].match.categories", "empty list"),
    (
        "rule-shadowed-by-superset",
        '[[sla.rules]]\nname = "refunds"',
        '[[sla.rules]]\nname = "urgent_refunds"\nmatch = { priorities = ["urgent"], categories = ["refunds"] }\ntargets.first_response = "1h"\n\n[[sla.rules]]\nname = "refunds"',
        "sla.rules[1]",
        "rule 'urgent_refunds' can never match: the earlier rule 'urgent' (sla.rules[0])",
    ),
    (
        "rule-shadowed-by-union",
        '[[sla.rules]]\nname = "refunds"',
        '[[sla.rules]]\nname = "normal"\nmatch = { priorities = ["normal"] }\ntargets.first_response = "1h"\n\n[[sla.rules]]\nname = "refunds"',
        "sla.rules[2]",
        "already taken by the earlier rules 'urgent', 'normal'",
    ),
    (
        "catch-all-not-last",
        '[[sla.rules]]\nname = "refunds"',
        '[[sla.rules]]\nname = "all"\ntargets.first_response = "1h"\n\n[[sla.rules]]\nname = "refunds"',
        "sla.rules[2]",
        "the earlier rule 'all' (sla.rules[1]) matches every ticket",
    ),
    (
        "no-catch-all",
        '[[sla.rules]]\nname = "general"\ntargets.first_response = "24h"',
        '[[sla.rules]]\nname = "general"\nmatch = { customer_tiers = ["standard", "enterprise"] }\ntargets.first_response = "24h"',
        "sla.rules",
        "customer_tier='startup', so it would have no SLA",
    ),
    ("rule-without-targets", 'targets.first_response = "2h30m"\ntargets.resolution = { duration = "3d", calendar = "always" }', "targets = {}", "sla.rules[1].targets", "at least one target"),
    ("tier-budget-as-target", 'targets.first_response = "24h"', 'targets.tier_budget = "24h"', "sla.rules[2].targets.tier_budget", "not set by SLA rules"),
    ("duplicate-rule-name", 'name = "refunds"', 'name = "urgent"', "sla.rules[1].name", "already used by sla.rules[0]"),
    ("tier-ladder-gap", "level = 3", "level = 4", "escalation.tiers[2].level", "tier ladder gap: levels must run 1..3"),
    ("tier-ladder-not-from-one", "level = 1", "level = 4", "escalation.tiers[1].level", "level 1 is missing (found 2)"),
    ("tier-ladder-duplicate", "level = 3", "level = 2", "escalation.tiers[2].level", "tier level 2 is already used"),
    ("tier-without-budget", 'budget = "1d"\n', "", "escalation.tiers[1].budget", "only the last tier may have none"),
    ("last-tier-with-budget", 'role = "manager"', 'role = "manager"\nbudget = "1d"', "escalation.tiers[2].budget", "no tier to escalate to"),
    ("bad-role", 'role = "manager"', 'role = "boss"', "escalation.tiers[2].role", "'boss' is not one of: agent, manager, specialist"),
    ("from-tier-beyond-ladder", "from_tier = 2", "from_tier = 4", "sla.rules[2].targets.periodic_update.from_tier", "tiers 1 to 3"),
    ("bad-warning-percent-high", "percent = 80,", "percent = 150,", "sla.warning.percent", "between 0 and 100"),
    ("bad-warning-percent-zero", "warning = { percent = 50 }", "warning = { percent = 0 }", "sla.rules[0].targets.first_response.warning.percent", "between 0 and 100"),
    ("bad-warning-percent-type", "percent = 80,", 'percent = "80%",', "sla.warning.percent", "expected a number"),
    ("warning-before-too-long", "warning = { percent = 50 }", 'warning = { before = "2h" }', "sla.rules[0].targets.first_response.warning.before", "must be shorter than the target"),
    ("warning-empty", "warning = { percent = 50 }", "warning = {}", "sla.rules[0].targets.first_response.warning", "give percent, before, or both"),
    ("unknown-pause-status", '"on_hold"]', '"waiting"]', "sla.pause_statuses[1]", "unknown status 'waiting'"),
    ("done-status-cannot-pause", '"on_hold"]', '"resolved"]', "sla.pause_statuses[1]", "cannot pause clocks"),
    ("duplicate-priority", 'key = "normal"', 'key = "urgent"', "priorities[1].key", "defined twice"),
    ("bad-entry-name", "[channels.social]", "[channels.Social]", "channels.Social", "is not a key"),
    ("standard-tier-missing", "[customer_tiers.standard]", "[customer_tiers.startup]", "customer_tiers", "'standard' tier"),
    ("mode-bad-effect", 'effect = "suspend"', 'effect = "pause"', "modes.closed.effect", "'pause' is not one of: extend, suspend"),
    ("mode-suspend-with-targets", 'effect = "suspend"', 'effect = "suspend"\ntargets = { first_response = "1h" }', "modes.closed.targets", "takes no targets"),
    ("mode-extend-shorter", 'targets = { first_response = "48h" }', 'targets = { first_response = "2h" }', "modes.busy.targets.first_response", "extends nothing"),
    ("mode-extend-unused-metric", 'targets = { first_response = "48h" }', 'targets = { next_response = "48h" }', "modes.busy.targets.next_response", "no SLA rule sets next_response"),
    ("mode-notice-missing", 'notice = "We are busy."\n', "", "modes.busy.notice", "needs the notice text"),
    ("evidence-bad-lapse", 'on_lapse = "decide"', 'on_lapse = "ignore"', "evidence_windows[0].on_lapse", "not one of: decide, escalate"),
    ("unknown-trigger", 'triggers = ["received", "resolved"]', 'triggers = ["received", "solved"]', "notifications.triggers[1]", "unknown trigger 'solved'"),
    ("bad-country", 'timezone = "Asia/Kolkata"', 'timezone = "Asia/Kolkata"\ncountry = "India"', "policy.country", "two-letter ISO 3166 country code"),
    ("bad-language", 'language = "en"', 'language = "English"', "notifications.language", "bad language code"),
    ("canned-unknown-placeholder", "{ticket_number}", "{ticket_no}", "canned_responses[0].body", "unknown placeholder {ticket_no}"),
    ("canned-bad-braces", "{{braces}}", "{braces", "canned_responses[0].body", "bad placeholder syntax"),
    ("intake-unknown-type", '"png", "pdf"]', '"png", "exe"]', "intake.attachment_types[2]", "unknown attachment type 'exe'"),
    ("intake-jpg-is-jpeg", '["jpeg", "png", "pdf"]', '["jpg", "png", "pdf"]', "intake.attachment_types[0]", "jpg is 'jpeg'"),
    ("intake-bad-size", '"4.5 MiB"', '"4.5 megabytes"', "intake.max_attachment_size", "bad size '4.5 megabytes'"),
    ("intake-negative-count", "max_attachments = 5", "max_attachments = -1", "intake.max_attachments", "at least 0"),
    ("conduct-unknown-sanction", '["suspend_account"]', '["ban"]', "conduct.sanctions[0]", "unknown sanction 'ban'"),
    ("duplicate-list-entry", '["buyer", "seller"]\nduration', '["buyer", "buyer"]\nduration', "evidence_windows[0].parties[1]", "listed twice"),
]


@pytest.mark.parametrize("old, new, key, reason", [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS])
def test_rejects(tmp_path: Path, old: str, new: str, key: str, reason: str) -> None:
    reject(tmp_path, edit(old, new), key, reason)


def test_rejects_invalid_toml(tmp_path: Path) -> None:
    err = reject(tmp_path, edit('name = "Mini shop"', "name = Mini shop"), "", "not valid TOML")
    assert "line 3" in err.reason


def test_rejects_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(PolicyError) as caught:
        load_policy(missing)
    assert caught.value.path == str(missing) and "cannot read the file" in caught.value.reason


def test_an_error_at_the_end_loads_nothing(tmp_path: Path) -> None:
    # Everything before the last canned response is valid; the loader still returns nothing.
    text = BASE + '\n[[canned_responses]]\nkey = "bye"\ntitle = "Bye"\nbody = "Bye {custmer_name}"\n'
    err = reject(tmp_path, text, "canned_responses[1].body", "did you mean 'customer_name'?")
    assert err.path.endswith("mini.toml")


# -- directories ------------------------------------------------------------------------


def test_load_policies_by_key(tmp_path: Path) -> None:
    write(tmp_path, BASE, "a.toml")
    write(tmp_path, edit('key = "mini"', 'key = "other"'), "b.toml")
    (tmp_path / "README.md").write_text("not a policy")
    policies = load_policies(tmp_path)
    assert sorted(policies) == ["mini", "other"]


def test_one_bad_file_rejects_the_directory(tmp_path: Path) -> None:
    write(tmp_path, BASE, "a.toml")
    bad = write(tmp_path, edit('key = "mini"', 'key = "other"').replace("level = 3", "level = 5"), "b.toml")
    with pytest.raises(PolicyError) as caught:
        load_policies(tmp_path)
    assert caught.value.path == str(bad) and caught.value.key == "escalation.tiers[2].level"


def test_duplicate_keys_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, BASE, "a.toml")
    second = write(tmp_path, BASE, "b.toml")
    with pytest.raises(PolicyError) as caught:
        load_policies(tmp_path)
    assert caught.value.path == str(second) and caught.value.key == "policy.key"
    assert str(first) in caught.value.reason


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="no such directory"):
        load_policies(tmp_path / "absent")


def test_shipped_directory_sits_beside_the_package() -> None:
    import desk_app

    folder = shipped_policies_dir()
    assert folder == Path(desk_app.__file__).resolve().parent.parent / "resources" / "policies"
    assert {p.name for p in folder.glob("*.toml")} >= {
        "shopom.toml",
        "ooulet.toml",
        "holesalemart.toml",
        "pandorana.toml",
        "shopee.toml",
    }
