"""Loading support policies: policy files into `Policy` objects (see `desk_app.core.policy`).

`load_policy(path)` reads one TOML file, `load_policies(directory)` every
file of a directory, `load_shipped_policies()` the presets in
resources/policies. Everything here raises `PolicyError` with the file, the
dotted key path and the reason; `parse_policy` returns a `Policy` only when
the whole document is valid.
"""

from __future__ import annotations

import itertools
import os
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from desk_app.core.calendar import DAY_KEYS, BusinessCalendar
from desk_app.core.policy import (
    ATTACHMENT_TYPES,
    CANNED_PLACEHOLDERS,
    CONDUCT_SANCTIONS,
    EVIDENCE_LAPSE_ACTIONS,
    NOTIFICATION_TRIGGERS,
    QUEUE_ORDERS,
    RULE_METRICS,
    STAFF_ROLES,
    THIRD_PARTY_LAPSE_ACTIONS,
    CalendarInfo,
    CalendarWarning,
    CannedResponse,
    CategorySpec,
    ChannelSpec,
    ConductSpec,
    CustomerTierSpec,
    EscalationSettings,
    EvidenceWindowSpec,
    IntakeSpec,
    Metric,
    ModeSpec,
    NotificationSpec,
    Policy,
    PolicyError,
    PrioritySpec,
    ReturnAuthorizationSpec,
    RuleMatch,
    SlaRule,
    Target,
    ThirdPartySpec,
    TierSpec,
    WarningSpec,
)
from desk_app.core.policy_values import KEY_RE, Reader, Table, join, listing, suggest, type_name
from desk_app.core.ticket import DONE_STATUSES, CustomerTier, Status

__all__ = [
    "HOLIDAY_WARNING_DAYS",
    "holiday_warnings",
    "load_policies",
    "load_policy",
    "load_shipped_policies",
    "parse_policy",
    "shipped_policies_dir",
]


# --------------------------------------------------------------------------------------
# The entry points
# --------------------------------------------------------------------------------------


def load_policy(path: str | os.PathLike[str]) -> Policy:
    """Read one policy file; raises `PolicyError` (file, key path, reason) on any problem."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            doc = tomllib.load(handle)
    except OSError as exc:
        raise PolicyError(name, "", f"cannot read the file: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(name, "", f"not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise PolicyError(name, "", f"not UTF-8 text: {exc}") from None
    return parse_policy(doc, path=name, default_key=Path(name).stem)


def load_policies(directory: str | os.PathLike[str]) -> dict[str, Policy]:
    """Every ``*.toml`` policy in `directory`, by key; one bad file rejects them all."""
    folder = Path(directory)
    if not folder.is_dir():
        raise PolicyError(os.fspath(directory), "", "no such directory")
    policies: dict[str, Policy] = {}
    origin: dict[str, str] = {}
    for file in sorted(folder.glob("*.toml")):
        policy = load_policy(file)
        if policy.key in policies:
            raise PolicyError(str(file), "policy.key", f"key {policy.key!r} is already used by {origin[policy.key]}")
        policies[policy.key] = policy
        origin[policy.key] = str(file)
    return policies


def shipped_policies_dir() -> Path:
    """resources/policies at the repository root, beside the desk_app package."""
    folder = Path(__file__).resolve().parents[2] / "resources" / "policies"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"the shipped policies are missing: expected the directory {folder} "
            f"(resources/ must sit beside the desk_app package)"
        )
    return folder


def load_shipped_policies() -> dict[str, Policy]:
    """The five presets written from the support policies this desk serves."""
    return load_policies(shipped_policies_dir())


#: How far ahead a calendar's holiday list must reach before it is flagged.
HOLIDAY_WARNING_DAYS = 60


def holiday_warnings(
    policies: Mapping[str, Policy] | Iterable[Policy], now: datetime, *, within_days: int = HOLIDAY_WARNING_DAYS
) -> list[CalendarWarning]:
    """The calendars whose holiday list runs out within `within_days` of `now` (or already has).

    A calendar with a holiday list stops closing for holidays after its last
    known day, and nothing else would say so: the store logs these at start,
    `desk-server policies check` prints them, and the managers' dashboard shows
    them. Calendars without a list (the seed names no holidays) are not flagged.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    items = policies.values() if isinstance(policies, Mapping) else policies
    out: list[CalendarWarning] = []
    for policy in items:
        today = now.astimezone(ZoneInfo(policy.timezone)).date()
        for key, info in policy.calendar_info.items():
            if info.holidays_through is None:
                continue
            left = (info.holidays_through - today).days
            if left <= within_days:
                out.append(CalendarWarning(policy.key, key, info.label, info.holidays_through, left))
    return out


def parse_policy(doc: dict, *, path: str, default_key: str) -> Policy:
    """The `Policy` a parsed TOML document describes; `default_key` is used when it names none."""
    return _Loader(path, default_key).load(doc)


#: Where the policy's customers are (how their local phone numbers read): ISO 3166 alpha-2.
_COUNTRY_RE = re.compile(r"[A-Z]{2}")
_LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-[A-Z]{2})?")

#: The largest number of (category, priority, channel, tier) combinations the
#: rule check enumerates; real policies have a few hundred.
_MAX_COMBINATIONS = 200_000


class _Loader(Reader):
    """Reads one parsed TOML document into a `Policy`; every failure is a PolicyError."""

    def __init__(self, path: str, default_key: str) -> None:
        super().__init__(path)
        self.default_key = default_key

    # -- the document ------------------------------------------------------------------

    def load(self, doc: dict) -> Policy:
        root = Table(self, "", doc)
        head = root.table("policy", required=True)
        key = head.identifier("key", default=None)
        if key is None:
            if not KEY_RE.fullmatch(self.default_key):
                head.fail("key", f"no key given and the file name {self.default_key!r} is not usable as one")
            key = self.default_key
        name = head.string("name", required=True)
        source = head.string("source", default="")
        effective = head.get("effective", default=None)
        if effective is not None and (isinstance(effective, datetime) or not isinstance(effective, date)):
            head.fail("effective", f"expected a TOML date such as 2025-01-01 (unquoted), got {type_name(effective)}")
        timezone = head.string("timezone", required=True)
        try:
            BusinessCalendar.always_open(timezone)
        except ValueError as exc:
            head.fail("timezone", str(exc))
        country = head.string("country", default=None)
        if country is not None and not _COUNTRY_RE.fullmatch(country):
            head.fail("country", f"expected a two-letter ISO 3166 country code such as \"IN\", got {country!r}")

        calendars, calendar_info = self.calendars(root.table("calendars", required=True), timezone)
        support = head.reference("support_calendar", calendars, "calendar", required=True)
        channels = self.channels(root.table("channels", required=True), calendars)
        priorities = self.priorities(root.array("priorities", required=True))
        priority_keys = [p.key for p in priorities]
        categories = self.categories(root.table("categories", required=True), priority_keys)
        default_priority = head.reference("default_priority", priority_keys, "priority", default=None)
        queue_order = head.choice("queue_order", QUEUE_ORDERS, default="priority")
        tier_specs = self.customer_tiers(root.table("customer_tiers", default={}))
        ladder, escalation = self.ladder(root.table("escalation", required=True), calendars, support)

        sla = root.table("sla", required=True)
        pause = self.pause_statuses(sla, "pause_statuses")
        warning = self.warning(sla.table("warning", default=None), None) or WarningSpec(percent=75.0)
        rules = self.rules(
            sla,
            calendars=calendars,
            support=support,
            categories=categories,
            priorities=priority_keys,
            channels=channels,
            tiers=tier_specs,
            ladder=ladder,
        )
        sla.close()

        evidence = self.evidence_windows(root.array("evidence_windows", default=[]), calendars, support, categories)
        third = self.third_parties(root.table("third_parties", default={}), calendars, support)
        modes = self.modes(root.table("modes", default={}), rules, ladder)
        notifications = self.notifications(root.table("notifications", default=None))
        canned = self.canned(root.array("canned_responses", default=[]))
        intake = self.intake(root.table("intake", default=None), categories)
        returns = self.returns(root.table("return_authorization", default=None), categories)
        conduct = self.conduct(root.table("conduct", default=None))
        head.close()
        root.close()
        return Policy(
            key=key,
            name=name,
            source=source,
            timezone=timezone,
            country=country,
            calendars=MappingProxyType(calendars),
            support_calendar=support,
            channels=MappingProxyType(channels),
            categories=MappingProxyType(categories),
            priorities=tuple(priorities),
            customer_tiers=tuple(tier_specs),
            pause_statuses=pause,
            warning=warning,
            sla_rules=tuple(rules),
            ladder=ladder,
            escalation=escalation,
            evidence_windows=evidence,
            modes=MappingProxyType(modes),
            notifications=notifications,
            canned_responses=canned,
            effective=effective,
            calendar_info=MappingProxyType(calendar_info),
            customer_tier_specs=MappingProxyType(tier_specs),
            default_priority=default_priority,
            queue_order=queue_order,
            third_parties=MappingProxyType(third),
            intake=intake,
            return_authorization=returns,
            conduct=conduct,
        )

    # -- sections ----------------------------------------------------------------------

    def calendars(self, table: Table, timezone: str) -> tuple[dict[str, BusinessCalendar], dict[str, CalendarInfo]]:
        calendars: dict[str, BusinessCalendar] = {}
        info: dict[str, CalendarInfo] = {}
        for name, raw in self.keyed(table.key, table.data).items():
            t = self.table(join(table.key, name), raw)
            label = t.string("label", default=name)
            description = t.string("description", default="")
            tz = t.string("tz", default=timezone)
            always = t.boolean("always_open", default=False)
            hours_raw = t.get("hours", default=None)
            if always and hours_raw is not None:
                t.fail("hours", "a calendar that is always_open takes no hours")
            if not always and hours_raw is None:
                t.fail("hours", "missing: give opening hours, or always_open = true")
            hours = {d: [("00:00", "24:00")] for d in DAY_KEYS} if always else self.hours(t.sub("hours"), hours_raw)
            holidays, names = self.holidays(t.sub("holidays"), t.get("holidays", default=[]))
            through = t.get("holidays_through", default=None)
            if through is not None and (isinstance(through, datetime) or not isinstance(through, date)):
                t.fail("holidays_through", f"expected a TOML date such as 2027-12-31 (unquoted), got {type_name(through)}")
            days = [h for h in holidays if isinstance(h, date)]
            if through is None and days:
                through = date(max(days).year, 12, 31)
            t.close()
            try:
                calendars[name] = BusinessCalendar(tz=tz, hours=hours, holidays=holidays)
            except ValueError as exc:
                self.fail(t.key, str(exc))
            info[name] = CalendarInfo(
                key=name,
                label=label,
                description=description,
                holiday_names=MappingProxyType(names),
                holidays_through=through,
            )
        if not calendars:
            self.fail(table.key, "define at least one calendar")
        return calendars, info

    def hours(self, key: str, value: object) -> dict[str, list[tuple[str, str]]]:
        t = self.table(key, value)
        days: dict[str, tuple[str, list[tuple[int, int, str, str]]]] = {}
        for spec, raw in t.rest().items():
            sub = join(key, spec)
            if spec in DAY_KEYS:
                covered = [spec]
            else:
                first, sep, last = spec.partition("-")
                if not sep or first not in DAY_KEYS or last not in DAY_KEYS:
                    self.fail(sub, f"unknown day {spec!r} (use mon..sun or a range such as mon-fri){suggest(spec, DAY_KEYS)}")
                a, b = DAY_KEYS.index(first), DAY_KEYS.index(last)
                if a >= b:
                    self.fail(sub, f"day range {spec!r} must run forwards within one week (mon before sun)")
                covered = list(DAY_KEYS[a : b + 1])
            intervals: list[tuple[int, int, str, str]] = []
            for i, item in enumerate(self.array(sub, raw)):
                intervals.append(self.interval(f"{sub}[{i}]", item))
            ordered = sorted(enumerate(intervals), key=lambda pair: pair[1][:2])
            for (i1, (s1, e1, *_)), (i2, (s2, _e2, *_)) in zip(ordered, ordered[1:]):
                if s2 < e1:
                    self.fail(f"{sub}[{i2}]", f"overlaps {sub}[{i1}] ({raw[i1]!r} and {raw[i2]!r})")
            for day in covered:
                if day in days:
                    self.fail(sub, f"{day!r} is already given by {join(key, days[day][0])}")
                days[day] = (spec, intervals)
        if not days or not any(iv for _spec, iv in days.values()):
            self.fail(key, "the calendar is never open (no opening intervals)")
        return {day: [(s_txt, e_txt) for _s, _e, s_txt, e_txt in iv] for day, (_spec, iv) in days.items()}

    def holidays(self, key: str, value: object) -> tuple[list[date | tuple[datetime, datetime]], dict[date, str]]:
        out: list[date | tuple[datetime, datetime]] = []
        names: dict[date, str] = {}
        for i, item in enumerate(self.array(key, value)):
            sub = f"{key}[{i}]"
            if isinstance(item, datetime):
                self.fail(sub, "a holiday is a date, or a table with start and end date-times; not one date-time")
            if isinstance(item, date):
                out.append(item)
                continue
            if isinstance(item, str):
                self.fail(sub, f"expected a TOML date such as 2026-01-26 (unquoted), got the string {item!r}")
            t = self.table(sub, item)
            label = t.string("name", default="")
            day = t.get("date", default=None)
            if day is not None:
                if isinstance(day, datetime) or not isinstance(day, date):
                    t.fail("date", f"expected a TOML date such as 2026-01-26 (unquoted), got {type_name(day)}")
                for other in ("start", "end"):
                    if other in t.data:
                        t.fail(other, "give either date, or start and end")
                out.append(day)
                if label:
                    names[day] = label
            else:
                start = t.get("start", required=True)
                end = t.get("end", required=True)
                for which, v in (("start", start), ("end", end)):
                    if not isinstance(v, datetime):
                        t.fail(which, f"expected a TOML date-time such as 2025-12-24T14:00:00, got {type_name(v)}")
                if (start.tzinfo is None) != (end.tzinfo is None):
                    t.fail("end", "start and end must both carry an offset or both be local times")
                if end <= start:
                    t.fail("end", "the closure must end after it starts")
                out.append((start, end))
            t.close()
        return out, names

    def channels(self, table: Table, calendars) -> dict[str, ChannelSpec]:
        out: dict[str, ChannelSpec] = {}
        for name, raw in self.keyed(table.key, table.data).items():
            t = self.table(join(table.key, name), raw)
            out[name] = ChannelSpec(
                key=name,
                label=t.string("label", required=True),
                availability=t.reference("availability", calendars, "calendar", default=None),
                contacts=tuple(t.strings("contacts", default=[])),
                queue_order=t.choice("queue_order", QUEUE_ORDERS, default=None),
                description=t.string("description", default=""),
            )
            t.close()
        if not out:
            self.fail(table.key, "define at least one channel")
        return out

    def priorities(self, items: list) -> list[PrioritySpec]:
        out: list[PrioritySpec] = []
        for i, raw in enumerate(items):
            t = self.table(f"priorities[{i}]", raw)
            key = t.identifier("key", required=True)
            if any(p.key == key for p in out):
                t.fail("key", f"priority {key!r} is defined twice")
            out.append(
                PrioritySpec(
                    key=key,
                    label=t.string("label", required=True),
                    rank=i,
                    description=t.string("description", default=""),
                )
            )
            t.close()
        if not out:
            self.fail("priorities", "define at least one priority")
        return out

    def categories(self, table: Table, priorities) -> dict[str, CategorySpec]:
        out: dict[str, CategorySpec] = {}
        for name, raw in self.keyed(table.key, table.data).items():
            t = self.table(join(table.key, name), raw)
            out[name] = CategorySpec(
                key=name,
                label=t.string("label", required=True),
                description=t.string("description", default=""),
                default_priority=t.reference("default_priority", priorities, "priority", default=None),
            )
            t.close()
        if not out:
            self.fail(table.key, "define at least one category")
        return out

    def customer_tiers(self, table: Table) -> dict[str, CustomerTierSpec]:
        known = [tier.value for tier in CustomerTier]
        out: dict[str, CustomerTierSpec] = {}
        for name, raw in table.rest().items():
            sub = join(table.key, name)
            if name not in known:
                self.fail(sub, f"unknown customer tier {name!r} (the desk knows: {', '.join(known)}){suggest(name, known)}")
            t = self.table(sub, raw)
            out[name] = CustomerTierSpec(
                key=name,
                label=t.string("label", required=True),
                description=t.string("description", default=""),
                priority_support=t.boolean("priority_support", default=False),
                dedicated_account_manager=t.boolean("dedicated_account_manager", default=False),
            )
            t.close()
        if not out:
            out[CustomerTier.STANDARD.value] = CustomerTierSpec(CustomerTier.STANDARD.value, "Standard")
        if CustomerTier.STANDARD.value not in out:
            self.fail(table.key or "customer_tiers", "the 'standard' tier (every customer's default) must be defined")
        return out

    def pause_statuses(self, table: Table, name: str) -> frozenset[str]:
        key = table.sub(name)
        values = table.strings(name, required=True)
        known = {s.value for s in Status}
        for i, value in enumerate(values):
            if value not in known:
                self.fail(f"{key}[{i}]", f"unknown status {value!r} (statuses: {listing(known)}){suggest(value, known)}")
            if value in DONE_STATUSES or value in (Status.NEW, Status.OPEN):
                self.fail(f"{key}[{i}]", f"{value!r} cannot pause clocks: only waiting statuses can")
        return frozenset(values)

    def warning(self, table: Table | None, target: timedelta | None) -> WarningSpec | None:
        if table is None:
            return None
        percent = table.get("percent", default=None)
        if percent is not None:
            percent = self.number(table.sub("percent"), percent)
            if not 0 < percent < 100:
                table.fail("percent", f"must be between 0 and 100 (exclusive), got {percent:g}")
        before = table.duration("before", default=None)
        if percent is None and before is None:
            self.fail(table.key, "give percent, before, or both")
        if before is not None and target is not None and before >= target:
            table.fail("before", "must be shorter than the target, or the clock would start in warning")
        table.close()
        return WarningSpec(percent=percent, before=before)

    def target(self, key: str, metric: Metric, value: object, calendars, support: str, ladder) -> Target:
        if isinstance(value, str):
            return Target(metric=metric, duration=self.duration(key, value), calendar=support)
        t = self.table(key, value)
        duration = t.duration("duration", required=True)
        target = Target(
            metric=metric,
            duration=duration,
            calendar=t.reference("calendar", calendars, "calendar", default=support),
            warning=self.warning(t.table("warning", default=None), duration),
            pausable=t.boolean("pausable", default=True),
            from_tier=t.integer("from_tier", default=1, minimum=1),
        )
        if target.from_tier > len(ladder):
            t.fail("from_tier", f"the ladder has tiers 1 to {len(ladder)}")
        t.close()
        return target

    def rules(self, sla: Table, *, calendars, support, categories, priorities, channels, tiers, ladder) -> list[SlaRule]:
        items = sla.array("rules", required=True)
        rules: list[SlaRule] = []
        where: dict[str, str] = {}
        dims = (
            ("categories", categories, "category"),
            ("priorities", priorities, "priority"),
            ("channels", channels, "channel"),
            ("customer_tiers", tiers, "customer tier"),
        )
        for i, raw in enumerate(items):
            t = self.table(f"{sla.sub('rules')}[{i}]", raw)
            name = t.identifier("name", required=True)
            if name in where:
                t.fail("name", f"rule name {name!r} is already used by {where[name]}")
            where[name] = t.key
            source = t.string("source", default="")
            cond: dict[str, frozenset[str] | None] = {}
            m = t.table("match", default=None)
            for dim, known, what in dims:
                raw_values = m.get(dim, default=None) if m is not None else None
                cond[dim] = None if raw_values is None else self.references(m.sub(dim), raw_values, known, what)
            if m is not None:
                m.close()
            targets_table = t.table("targets", required=True)
            targets: dict[Metric, Target] = {}
            for metric_name, value in targets_table.rest().items():
                sub = join(targets_table.key, metric_name)
                if metric_name not in {m.value for m in RULE_METRICS}:
                    if metric_name in (Metric.TIER_BUDGET, Metric.EVIDENCE):
                        self.fail(sub, f"{metric_name} is not set by SLA rules (see escalation.tiers / evidence_windows)")
                    names = [m.value for m in RULE_METRICS]
                    self.fail(sub, f"unknown metric {metric_name!r} (metrics: {', '.join(names)}){suggest(metric_name, names)}")
                metric = Metric(metric_name)
                targets[metric] = self.target(sub, metric, value, calendars, support, ladder)
            if not targets:
                self.fail(targets_table.key, "a rule needs at least one target")
            t.close()
            rules.append(SlaRule(name=name, match=RuleMatch(**cond), targets=MappingProxyType(targets), source=source))
        if not rules:
            self.fail(sla.sub("rules"), "define at least one rule (the last one a catch-all without match)")
        self.check_coverage(sla.sub("rules"), rules, categories, priorities, channels)
        self.check_priority_order(sla.sub("rules"), rules, calendars, categories, priorities, channels)
        return rules

    def check_priority_order(self, key: str, rules: list[SlaRule], calendars, categories, priorities, channels) -> None:
        """A more urgent priority is never promised later than a less urgent one for the same ticket.

        For every (category, channel, customer tier) the rule each priority gets
        is compared with the rule of every less urgent priority: each target both
        rules set must be in force from the same tier or earlier in the more
        urgent rule, and due no later for any creation time (`_first_later`).
        A metric only one of them sets is no promise to compare. Pauses and
        modes affect both alike and are left out.
        """
        where = {rule.name: f"{key}[{i}]" for i, rule in enumerate(rules)}
        checked: set[tuple[str, str]] = set()
        tiers = [tier.value for tier in CustomerTier]
        for category, channel, tier in itertools.product(categories, channels, tiers):
            chosen = [
                next(r for r in rules if r.match.matches(category=category, priority=p, channel=channel, customer_tier=tier))
                for p in priorities
            ]
            for (i, hi), (j, lo) in itertools.combinations(enumerate(chosen), 2):
                if hi.name == lo.name or (hi.name, lo.name) in checked:
                    continue
                checked.add((hi.name, lo.name))
                ticket = f"category={category!r} channel={channel!r} customer_tier={tier!r}"
                head = (
                    f"priority {priorities[i]!r} must never be promised later than the less urgent {priorities[j]!r}, "
                    f"but for a ticket with {ticket} rule {hi.name!r} ({where[hi.name]})"
                )
                other = f"rule {lo.name!r} ({where[lo.name]})"
                for metric, low in lo.targets.items():
                    high = hi.targets.get(metric)
                    if high is None:
                        continue  # no promise of that kind: nothing to be late with
                    if high.from_tier > low.from_tier:
                        self.fail(
                            where[hi.name],
                            f"{head} starts its {metric} target at tier {high.from_tier}, {other} at tier {low.from_tier}",
                        )
                    late = _first_later(
                        calendars[high.calendar], high.duration, calendars[low.calendar], low.duration
                    )
                    if late is not None:
                        start, due_hi, due_lo = late
                        self.fail(
                            where[hi.name],
                            f"{head} makes {metric} due {due_hi:%a %Y-%m-%d %H:%M} ({_span(high.duration)} on {high.calendar!r}) "
                            f"for a ticket created {start:%a %Y-%m-%d %H:%M %Z}, later than {other} "
                            f"({_span(low.duration)} on {low.calendar!r}, due {due_lo:%a %Y-%m-%d %H:%M})",
                        )

    def check_coverage(self, key: str, rules: list[SlaRule], categories, priorities, channels) -> None:
        """Every ticket gets exactly the first rule that matches; every rule gets some ticket."""
        tiers = [tier.value for tier in CustomerTier]
        space = (list(categories), list(priorities), list(channels), tiers)
        count = len(space[0]) * len(space[1]) * len(space[2]) * len(space[3])
        if count > _MAX_COMBINATIONS:
            self.fail(key, f"too many combinations to check ({count}); split the policy")
        used = [False] * len(rules)
        uncovered = None
        for category, priority, channel, tier in itertools.product(*space):
            for i, rule in enumerate(rules):
                if rule.match.matches(category=category, priority=priority, channel=channel, customer_tier=tier):
                    used[i] = True
                    break
            else:
                uncovered = uncovered or (category, priority, channel, tier)
        for i, rule in enumerate(rules):
            if used[i]:
                continue
            shadow = [j for j in range(i) if _covers(rules[j].match, rule.match)]
            if shadow:
                j = shadow[0]
                reason = (
                    f"rule {rule.name!r} can never match: the earlier rule {rules[j].name!r} ({key}[{j}]) "
                    f"matches every ticket it would"
                )
            else:
                before = [f"{rules[j].name!r}" for j in range(i) if _overlaps(rules[j].match, rule.match)]
                reason = (
                    f"rule {rule.name!r} can never match: every ticket it selects is already taken by "
                    f"the earlier rules {', '.join(before)}"
                )
            self.fail(f"{key}[{i}]", reason)
        if uncovered is not None:
            category, priority, channel, tier = uncovered
            self.fail(
                key,
                f"no rule matches a ticket with category={category!r} priority={priority!r} channel={channel!r} "
                f"customer_tier={tier!r}, so it would have no SLA: end the list with a catch-all rule (no match)",
            )

    def ladder(self, table: Table, calendars, support: str) -> tuple[tuple[TierSpec, ...], EscalationSettings]:
        settings = EscalationSettings(
            grace=table.duration("grace", default="1h", zero=True),
            allow_keep=table.boolean("allow_keep", default=True),
            customer_can_request=table.boolean("customer_can_request", default=True),
        )
        items = table.array("tiers", required=True)
        tiers: list[tuple[str, TierSpec]] = []
        for i, raw in enumerate(items):
            t = self.table(f"{table.sub('tiers')}[{i}]", raw)
            level = t.integer("level", required=True, minimum=1)
            key = t.identifier("key", required=True)
            for other_key, other in tiers:
                if other.level == level:
                    t.fail("level", f"tier level {level} is already used by {other_key}")
                if other.key == key:
                    t.fail("key", f"tier key {key!r} is already used by {other_key}")
            role = t.choice("role", STAFF_ROLES, required=True)
            budget = t.duration("budget", default=None)
            tier = TierSpec(
                level=level,
                key=key,
                name=t.string("name", required=True),
                role=role,
                budget=budget,
                calendar=t.reference("calendar", calendars, "calendar", default=support),
            )
            t.close()
            tiers.append((t.key, tier))
        if not tiers:
            self.fail(table.sub("tiers"), "define at least one tier")
        tiers.sort(key=lambda pair: pair[1].level)
        for expected, (key, tier) in enumerate(tiers, 1):
            if tier.level != expected:
                self.fail(
                    f"{key}.level",
                    f"tier ladder gap: levels must run 1..{len(tiers)} without gaps, "
                    f"but level {expected} is missing (found {tier.level})",
                )
        for key, tier in tiers[:-1]:
            if tier.budget is None:
                self.fail(f"{key}.budget", f"tier {tier.level} needs a budget: only the last tier may have none")
        last_key, last = tiers[-1]
        if last.budget is not None:
            self.fail(f"{last_key}.budget", f"the last tier ({last.level}) has no tier to escalate to, so it takes no budget")
        table.close()
        return tuple(tier for _key, tier in tiers), settings

    def evidence_windows(self, items: list, calendars, support: str, categories) -> tuple[EvidenceWindowSpec, ...]:
        out: list[EvidenceWindowSpec] = []
        claimed: dict[str, str] = {}
        for i, raw in enumerate(items):
            t = self.table(f"evidence_windows[{i}]", raw)
            key = t.identifier("key", required=True)
            if any(w.key == key for w in out):
                t.fail("key", f"evidence window {key!r} is defined twice")
            cats = self.references(t.sub("categories"), t.get("categories", required=True), categories, "category")
            for cat in sorted(cats):
                if cat in claimed:
                    t.fail("categories", f"category {cat!r} already has the evidence window {claimed[cat]!r}")
                claimed[cat] = key
            parties = t.strings("parties", required=True, identifiers=True)
            if not parties:
                t.fail("parties", "name at least one party (e.g. \"buyer\")")
            out.append(
                EvidenceWindowSpec(
                    key=key,
                    categories=cats,
                    parties=tuple(parties),
                    duration=t.duration("duration", required=True),
                    calendar=t.reference("calendar", calendars, "calendar", default=support),
                    on_lapse=t.choice("on_lapse", EVIDENCE_LAPSE_ACTIONS, required=True),
                )
            )
            t.close()
        return tuple(out)

    def third_parties(self, table: Table, calendars, support: str) -> dict[str, ThirdPartySpec]:
        out: dict[str, ThirdPartySpec] = {}
        for name, raw in self.keyed(table.key, table.data).items():
            t = self.table(join(table.key, name), raw)
            out[name] = ThirdPartySpec(
                key=name,
                label=t.string("label", required=True),
                response=t.duration("response", default=None),
                calendar=t.reference("calendar", calendars, "calendar", default=support),
                on_lapse=t.choice("on_lapse", THIRD_PARTY_LAPSE_ACTIONS, default="intervene"),
            )
            t.close()
        return out

    def modes(self, table: Table, rules: list[SlaRule], ladder: tuple[TierSpec, ...]) -> dict[str, ModeSpec]:
        out: dict[str, ModeSpec] = {}
        for name, raw in self.keyed(table.key, table.data).items():
            t = self.table(join(table.key, name), raw)
            effect = t.choice("effect", {"suspend", "extend"}, required=True)
            targets_table = t.table("targets", default=None)
            extended: dict[Metric, timedelta] = {}
            if effect == "suspend" and targets_table is not None:
                t.fail("targets", "a 'suspend' mode stops the clocks; it takes no targets")
            if effect == "extend":
                if targets_table is None:
                    t.fail("targets", "missing: an 'extend' mode needs the longer targets it puts in force")
                for metric_name, value in targets_table.rest().items():
                    sub = join(targets_table.key, metric_name)
                    names = [m.value for m in RULE_METRICS]
                    if metric_name not in names:
                        self.fail(sub, f"unknown metric {metric_name!r} (metrics: {', '.join(names)}){suggest(metric_name, names)}")
                    metric = Metric(metric_name)
                    longer = self.duration(sub, value)
                    regular = [r.targets[metric].duration for r in rules if metric in r.targets]
                    if not regular:
                        self.fail(sub, f"no SLA rule sets {metric_name}, so there is nothing to extend")
                    if all(longer <= d for d in regular):
                        self.fail(sub, f"{value!r} is not longer than any rule's {metric_name} target: it extends nothing")
                    extended[metric] = longer
                if not extended:
                    self.fail(targets_table.key, "an 'extend' mode needs at least one target")
            # The ladder stretches with the targets: every tier budget grows by the
            # mode's stretch, the largest factor by which it lengthens any rule's
            # target (its target over the shortest regular one), so that no ticket
            # is escalated on its budget before its extended response is due.
            # Holesalemart's reduced service doubles the responses, and the budgets.
            stretch = max(
                (longer / min(r.targets[m].duration for r in rules if m in r.targets) for m, longer in extended.items()),
                default=1.0,
            )
            budgets = {
                tier.level: timedelta(seconds=round(tier.budget.total_seconds() * stretch))
                for tier in ladder
                if tier.budget is not None and stretch > 1
            }
            out[name] = ModeSpec(
                key=name,
                label=t.string("label", required=True),
                effect=effect,
                extended_targets=MappingProxyType(extended),
                extended_budgets=MappingProxyType(budgets if effect == "extend" else {}),
                notify_customers=t.boolean("notify_customers", default=False),
                notice=t.string("notice", default=""),
            )
            if out[name].notify_customers and not out[name].notice.strip():
                t.fail("notice", "a mode that notifies customers needs the notice text")
            t.close()
        return out

    def notifications(self, table: Table | None) -> NotificationSpec:
        if table is None:
            return NotificationSpec("en", frozenset())
        language = table.string("language", default="en")
        if not _LANGUAGE_RE.fullmatch(language):
            table.fail("language", f"bad language code {language!r} (e.g. \"en\", \"id\")")
        triggers = table.strings("triggers", default=[])
        for i, trigger in enumerate(triggers):
            if trigger not in NOTIFICATION_TRIGGERS:
                self.fail(
                    f"{table.sub('triggers')}[{i}]",
                    f"unknown trigger {trigger!r} (triggers: {listing(NOTIFICATION_TRIGGERS)})"
                    f"{suggest(trigger, NOTIFICATION_TRIGGERS)}",
                )
        table.close()
        return NotificationSpec(language=language, triggers=frozenset(triggers))

    def canned(self, items: list) -> tuple[CannedResponse, ...]:
        out: list[CannedResponse] = []
        for i, raw in enumerate(items):
            t = self.table(f"canned_responses[{i}]", raw)
            key = t.identifier("key", required=True)
            if any(c.key == key for c in out):
                t.fail("key", f"canned response {key!r} is defined twice")
            body = t.string("body", required=True)
            try:
                fields = [(f, spec, conv) for _text, f, spec, conv in string.Formatter().parse(body) if f is not None]
            except ValueError as exc:
                t.fail("body", f"bad placeholder syntax ({exc}); write a literal brace as {{{{ or }}}}")
            for name, spec, conv in fields:
                if name not in CANNED_PLACEHOLDERS:
                    t.fail(
                        "body",
                        f"unknown placeholder {{{name}}} (placeholders: {listing(CANNED_PLACEHOLDERS)})"
                        f"{suggest(name, CANNED_PLACEHOLDERS)}",
                    )
                if spec or conv:
                    t.fail("body", f"placeholder {{{name}}} takes no format spec or conversion; write just {{{name}}}")
            out.append(CannedResponse(key=key, title=t.string("title", required=True), body=body))
            t.close()
        return tuple(out)

    def intake(self, table: Table | None, categories) -> IntakeSpec | None:
        if table is None:
            return None
        types = table.strings("attachment_types", required=True)
        for i, kind in enumerate(types):
            if kind not in ATTACHMENT_TYPES:
                self.fail(
                    f"{table.sub('attachment_types')}[{i}]",
                    f"unknown attachment type {kind!r} (types: {listing(ATTACHMENT_TYPES)}; jpg is 'jpeg')"
                    f"{suggest(kind, ATTACHMENT_TYPES)}",
                )
        if not types:
            table.fail("attachment_types", "name at least one type, or set max_attachments = 0")
        order_cats = table.get("order_id_categories", default=None)
        spec = IntakeSpec(
            max_attachments=table.integer("max_attachments", required=True, minimum=0),
            max_attachment_bytes=table.size("max_attachment_size", required=True),
            attachment_types=frozenset(types),
            requester_roles=tuple(table.strings("requester_roles", default=[], identifiers=True)),
            order_id_categories=frozenset()
            if order_cats is None
            else self.references(table.sub("order_id_categories"), order_cats, categories, "category"),
        )
        table.close()
        return spec

    def returns(self, table: Table | None, categories) -> ReturnAuthorizationSpec | None:
        if table is None:
            return None
        spec = ReturnAuthorizationSpec(
            categories=self.references(table.sub("categories"), table.get("categories", required=True), categories, "category"),
            required=table.boolean("required", required=True),
            prefix=table.string("prefix", default="RA-"),
        )
        table.close()
        return spec

    def conduct(self, table: Table | None) -> ConductSpec | None:
        if table is None:
            return None
        sanctions = table.strings("sanctions", default=[])
        for i, sanction in enumerate(sanctions):
            if sanction not in CONDUCT_SANCTIONS:
                self.fail(
                    f"{table.sub('sanctions')}[{i}]",
                    f"unknown sanction {sanction!r} (sanctions: {listing(CONDUCT_SANCTIONS)})"
                    f"{suggest(sanction, CONDUCT_SANCTIONS)}",
                )
        spec = ConductSpec(summary=table.string("summary", required=True), sanctions=tuple(sanctions))
        table.close()
        return spec


#: The year whose every creation time `_first_later` compares when neither
#: calendar lists holidays (a whole year: every weekday, both sides of DST).
_REFERENCE_YEAR = 2025


def _first_later(
    cal_a: BusinessCalendar, d_a: timedelta, cal_b: BusinessCalendar, d_b: timedelta
) -> tuple[datetime, datetime, datetime] | None:
    """A creation time at which `d_a` on `cal_a` falls due after `d_b` on `cal_b`, or None.

    The method (exact, not a random sample): on one calendar the due time
    ``f(t) = cal.add(t, d)`` is piecewise either constant (t closed) or
    ``t + const`` (t open), with breaks only where t crosses an opening or
    closing of that calendar or where f(t) does (t = ``cal.add(x, -d)`` for a
    transition x). Between consecutive breaks of either function the
    difference ``f_a - f_b`` is linear, so it is largest at a break or just
    before one: comparing the two due times at every break and one second
    either side decides the question. The creation times are every instant of
    the years the two calendars list holidays for (the reference year 2025
    when they list none), in which holidays, closures and DST changes are
    all covered; the weekly hours repeat beyond them.
    """
    if cal_a == cal_b:
        if d_a <= d_b:
            return None
        t = cal_a.next_open(datetime(_REFERENCE_YEAR, 1, 1, tzinfo=cal_a.tz))
        return t, cal_a.add(t, d_a), cal_b.add(t, d_b)
    years = {
        (h if isinstance(h, date) else h[0]).year for cal in (cal_a, cal_b) for h in cal.holidays
    } or {_REFERENCE_YEAR}
    zone = cal_a.tz
    first = datetime(min(years), 1, 1, tzinfo=zone)
    last = datetime(max(years) + 1, 1, 1, tzinfo=zone)
    horizon = max(cal_a.add(last, d_a), cal_b.add(last, d_b)) + timedelta(days=1)
    breaks: set[datetime] = set()
    for cal, d in ((cal_a, d_a), (cal_b, d_b)):
        for x in cal.transitions(first, horizon):
            breaks.add(x)
            breaks.add(cal.add(x, -d))
    second = timedelta(seconds=1)
    for t in sorted(breaks):
        for s in (t - second, t, t + second):
            if first <= s < last:
                due_a, due_b = cal_a.add(s, d_a), cal_b.add(s, d_b)
                if due_a > due_b:
                    return s.astimezone(zone), due_a.astimezone(zone), due_b.astimezone(zone)
    return None


def _span(duration: timedelta) -> str:
    """A duration as policy files write it: "1d2h30m"."""
    seconds = int(duration.total_seconds())
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        n, seconds = divmod(seconds, size)
        if n:
            parts.append(f"{n}{unit}")
    return "".join(parts) or "0s"


def _covers(a: RuleMatch, b: RuleMatch) -> bool:
    """Whether every ticket `b` matches is matched by `a`."""
    return all(
        x is None or (y is not None and y <= x)
        for x, y in (
            (a.categories, b.categories),
            (a.priorities, b.priorities),
            (a.channels, b.channels),
            (a.customer_tiers, b.customer_tiers),
        )
    )


def _overlaps(a: RuleMatch, b: RuleMatch) -> bool:
    return all(
        x is None or y is None or bool(x & y)
        for x, y in (
            (a.categories, b.categories),
            (a.priorities, b.priorities),
            (a.channels, b.channels),
            (a.customer_tiers, b.customer_tiers),
        )
    )
