"""Reference data: what the client knows about policies, people and words, read locally.

Two sources, both local (the UI never waits on the network for them):

* the reference lists the store sends (`session.cache.reference("policies")`,
  `"users"`, `"queues"`): labels of categories, priorities, channels, statuses,
  the ladder; the staff's names;
* the policy files shipped with the app (`desk_app.core.policy`), for what the
  store's list does not carry: canned responses, business calendars, the
  escalation settings. A policy the app does not ship simply has none.

`PolicyInfo` is one policy's labels and choices; `TicketLabels` holds the words
agents see for statuses, entry kinds and the like, translated in its own
context; `user_names` and `filter_names` name the ids a ticket or a filter
holds. The queue's own lookup tables for its rows are `queues.ReferenceData`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from PySide6.QtCore import QCoreApplication

from desk_app.core.policy import CANNED_PLACEHOLDERS, Policy, PolicyError
from desk_app.core.policy_loader import load_shipped_policies
from desk_app.core.ticket import Status
from desk_app.services.local_cache import LocalCache
from desk_app.services.session import DeskSession

log = logging.getLogger(__name__)

__all__ = ["PolicyInfo", "TicketLabels", "fill_placeholders", "filter_names", "shipped_policy", "staff_names", "user_names"]


@cache
def _shipped() -> dict[str, Policy]:
    try:
        return load_shipped_policies()
    except (PolicyError, FileNotFoundError) as exc:  # the app still works, without canned responses
        log.warning("the shipped policies could not be read: %s", exc)
        return {}


def shipped_policy(key: str | None) -> Policy | None:
    """The policy file shipped with the app for `key` (canned responses, calendars), if any."""
    return _shipped().get(key) if key else None


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill_placeholders(body: str, values: dict[str, str | None]) -> str:
    """A canned response with its placeholders filled in.

    Known placeholders without a value stay visible ("{order_id}") so the agent
    sees what is left to fill; unknown braces are left alone.
    """

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in CANNED_PLACEHOLDERS and values.get(name):
            return str(values[name])
        return match.group(0)

    return _PLACEHOLDER.sub(one, body)


class PolicyInfo:
    """Labels and choices of one policy, from the cached reference list (and the shipped file)."""

    def __init__(self, reference: dict[str, Any] | None, key: str) -> None:
        self.key = key
        self.reference = reference or {}
        self.policy = shipped_policy(key)

    @classmethod
    def of(cls, session: DeskSession, key: str) -> PolicyInfo:
        """Reads the cache: call on the cache lane (or in tests)."""
        for item in session.cache.reference("policies") or ():
            if item.get("key") == key:
                return cls(item, key)
        return cls(None, key)

    @property
    def name(self) -> str:
        return self.reference.get("name") or (self.policy.name if self.policy else self.key)

    def _choices(self, name: str) -> list[tuple[str, str]]:
        items = self.reference.get(name)
        if items:
            return [(c["key"], c["label"]) for c in items]
        if self.policy is not None:
            source = {"categories": self.policy.categories.values(), "channels": self.policy.channels.values(),
                      "priorities": self.policy.priorities}[name]
            return [(c.key, c.label) for c in source]
        return []

    def categories(self) -> list[tuple[str, str]]:
        return self._choices("categories")

    def priorities(self) -> list[tuple[str, str]]:
        return self._choices("priorities")

    def channels(self) -> list[tuple[str, str]]:
        return self._choices("channels")

    def label(self, kind: str, key: str | None) -> str:
        if not key:
            return ""
        return dict(self._choices(kind)).get(key, key.replace("_", " "))

    def pause_statuses(self) -> frozenset[str]:
        if "pause_statuses" in self.reference:
            return frozenset(self.reference["pause_statuses"])
        return frozenset(self.policy.pause_statuses) if self.policy else frozenset()

    def ladder(self) -> list[dict[str, Any]]:
        if self.reference.get("ladder"):
            return list(self.reference["ladder"])
        if self.policy is not None:
            return [{"level": t.level, "name": t.name, "role": t.role} for t in self.policy.ladder]
        return []

    def tier_name(self, level: int | None) -> str:
        for tier in self.ladder():
            if tier["level"] == level:
                return tier["name"]
        return QCoreApplication.translate("TicketLabels", "Tier {level}").format(level=level)

    def tier_role(self, level: int | None) -> str | None:
        for tier in self.ladder():
            if tier["level"] == level:
                return tier["role"]
        return None

    def top_tier(self) -> int:
        return max((t["level"] for t in self.ladder()), default=1)

    def allow_keep(self) -> bool:
        return bool(self.policy and self.policy.escalation.allow_keep)

    def canned_responses(self) -> list[tuple[str, str, str]]:
        """(key, title, body) of the policy's canned responses."""
        if self.policy is None:
            return []
        return [(c.key, c.title, c.body) for c in self.policy.canned_responses]


class TicketLabels:
    """Words for statuses, entry kinds and pausing statuses (context "TicketLabels")."""

    @staticmethod
    def status(status: str | None) -> str:
        labels = {
            Status.NEW: QCoreApplication.translate("TicketLabels", "New"),
            Status.OPEN: QCoreApplication.translate("TicketLabels", "Open"),
            Status.PENDING_CUSTOMER: QCoreApplication.translate("TicketLabels", "Waiting on customer"),
            Status.PENDING_THIRD_PARTY: QCoreApplication.translate("TicketLabels", "Waiting on third party"),
            Status.ON_HOLD: QCoreApplication.translate("TicketLabels", "On hold"),
            Status.RESOLVED: QCoreApplication.translate("TicketLabels", "Resolved"),
            Status.CLOSED: QCoreApplication.translate("TicketLabels", "Closed"),
        }
        try:
            return labels[Status(status)]
        except ValueError:
            return status or ""

    @staticmethod
    def pausing_explanation(status: str) -> str:
        """Why choosing this status stops the SLA clocks (shown beside the status choice)."""
        texts = {
            Status.PENDING_CUSTOMER: QCoreApplication.translate(
                "TicketLabels", "Pauses the SLA clocks until the customer answers; a customer message reopens it."),
            Status.PENDING_THIRD_PARTY: QCoreApplication.translate(
                "TicketLabels", "Pauses our SLA clocks while a third party (a seller, a carrier) must act; "
                "their own response time keeps running."),
            Status.ON_HOLD: QCoreApplication.translate(
                "TicketLabels", "Pauses the SLA clocks while the ticket is on hold."),
        }
        try:
            return texts[Status(status)]
        except (ValueError, KeyError):
            return QCoreApplication.translate("TicketLabels", "Pauses the SLA clocks under this policy.")

    @staticmethod
    def customer_tier(tier: str | None) -> str:
        labels = {"standard": QCoreApplication.translate("TicketLabels", "Standard"),
                  "startup": QCoreApplication.translate("TicketLabels", "Startup"),
                  "enterprise": QCoreApplication.translate("TicketLabels", "Enterprise")}
        return labels.get(tier or "standard", tier or "")

    @staticmethod
    def direction(direction: str | None) -> str:
        if direction == "outbound":
            return QCoreApplication.translate("TicketLabels", "Outbound call")
        return QCoreApplication.translate("TicketLabels", "Inbound call")


def staff_names(users: Iterable[Mapping[str, Any]]) -> dict[int, str]:
    """{user id: display name} of a staff list (the "users" reference list)."""
    return {u["id"]: u.get("display_name") or u["username"] for u in users}


def user_names(session: DeskSession) -> dict[int, str]:
    """{user id: display name} from the cached staff list (cache lane)."""
    return staff_names(session.cache.reference("users") or ())


def filter_names(cache: LocalCache) -> dict[str, dict]:
    """Names for a click-through's ids and keys (`queue_pane.describe_filter`), from the cached
    reference lists (cache lane)."""
    policies = cache.reference("policies") or []
    labels = {}
    for p in policies:
        for group in ("categories", "priorities", "channels"):
            for item in p.get(group, ()):
                labels[(p["key"], item["key"])] = item.get("label") or item["key"]
    return {
        "policies": {p["key"]: p.get("name") or p["key"] for p in policies},
        "queues": {q["id"]: q.get("name") or q["key"] for q in cache.reference("queues") or []},
        "users": staff_names(cache.reference("users") or []),
        "labels": labels,
    }
