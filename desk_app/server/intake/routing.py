"""Intake routing rules: (topic, channel, customer tier) -> policy, category, channel.

The rules live in a TOML file an admin can read and change (shipped:
resources/intake/routing.toml, which documents the format and the order in
which a policy is chosen). `RoutingRules.load()` checks the file against the
policies, so a rule naming an unknown policy or category stops the server
at start-up rather than refusing customers later.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desk_app.server.core.errors import ApiError
from desk_app.server.policies.registry import PolicyRegistry

_MATCH_KEYS = ("topics", "channels", "customer_tiers")
_ROUTE_KEYS = {"name", "match", "policy", "category", "channel"}


class RoutingError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    policy: str
    category: str | None = None
    channel: str | None = None
    topics: frozenset[str] | None = None
    channels: frozenset[str] | None = None
    customer_tiers: frozenset[str] | None = None

    def matches(self, topic: str, channel: str, tier: str) -> bool:
        return (
            (self.topics is None or topic in self.topics)
            and (self.channels is None or channel in self.channels)
            and (self.customer_tiers is None or tier in self.customer_tiers)
        )


@dataclass(frozen=True, slots=True)
class Decision:
    route: str  # the rule that decided ("route:NAME", "qualified", "unique_category")
    policy: str
    category: str
    channel: str


def shipped_routing_file() -> Path:
    return Path(__file__).resolve().parents[3] / "resources" / "intake" / "routing.toml"


class RoutingRules:
    def __init__(self, routes: list[Route], channels: dict[str, tuple[str, ...]], policies: PolicyRegistry, source: str):
        self.routes = routes
        self.channels = channels
        self.policies = policies
        self.source = source

    @classmethod
    def load(cls, policies: PolicyRegistry, path: Path | None = None) -> RoutingRules:
        """Read and check a routing file; the shipped one skips routes to policies this store lacks."""
        strict = path is not None
        path = path or shipped_routing_file()
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RoutingError(f"{path}: {exc}") from None
        unknown = set(raw) - {"channels", "routes"}
        if unknown:
            raise RoutingError(f"{path}: unknown keys {sorted(unknown)} (channels, routes)")
        channels: dict[str, tuple[str, ...]] = {}
        for name, targets in raw.get("channels", {}).items():
            if not isinstance(targets, list) or not targets or not all(isinstance(t, str) for t in targets):
                raise RoutingError(f"{path}: channels.{name}: a non-empty list of policy channel names")
            channels[name] = tuple(targets)
        given = raw.get("routes", [])
        if not isinstance(given, list):
            raise RoutingError(f"{path}: routes must be an array of tables ([[routes]])")
        if not strict:
            given = [r for r in given if not isinstance(r, dict) or r.get("policy") in policies]
        routes = [cls._route(path, i, r, policies) for i, r in enumerate(given)]
        names = [r.name for r in routes]
        if len(names) != len(set(names)):
            raise RoutingError(f"{path}: route names must be unique")
        return cls(routes, channels, policies, str(path))

    @staticmethod
    def _route(path: Path, index: int, raw: Any, policies: PolicyRegistry) -> Route:
        where = f"{path}: routes[{index}]"
        if not isinstance(raw, dict) or not {"name", "policy"} <= set(raw) or set(raw) - _ROUTE_KEYS:
            raise RoutingError(f"{where}: needs name and policy; allowed keys: {', '.join(sorted(_ROUTE_KEYS))}")
        policy = policies.get(raw["policy"])
        if policy is None:
            raise RoutingError(f"{where}: unknown policy {raw['policy']!r} (known: {', '.join(sorted(policies))})")
        if raw.get("category") is not None and raw["category"] not in policy.categories:
            raise RoutingError(f"{where}: policy {policy.key!r} has no category {raw['category']!r}")
        if raw.get("channel") is not None and raw["channel"] not in policy.channels:
            raise RoutingError(f"{where}: policy {policy.key!r} has no channel {raw['channel']!r}")
        match = raw.get("match", {})
        if not isinstance(match, dict) or set(match) - set(_MATCH_KEYS):
            raise RoutingError(f"{where}: match may have {', '.join(_MATCH_KEYS)}")
        values: dict[str, frozenset[str] | None] = {}
        for key in _MATCH_KEYS:
            given = match.get(key)
            if given is not None and (not isinstance(given, list) or not given):
                raise RoutingError(f"{where}: match.{key}: a non-empty list (leave it out to match any)")
            values[key] = frozenset(given) if given is not None else None
        return Route(name=raw["name"], policy=policy.key, category=raw.get("category"), channel=raw.get("channel"), **values)

    # ---------------------------------------------------------------------------------
    def _channel(self, policy_key: str, intake_channel: str, fixed: str | None) -> str:
        policy = self.policies[policy_key]
        if fixed is not None:
            return fixed
        for candidate in self.channels.get(intake_channel, (intake_channel,)):
            if candidate in policy.channels:
                return candidate
        raise ApiError(
            422,
            "unknown_channel",
            f"{policy.name} takes no tickets through {intake_channel!r} (its channels: {', '.join(policy.channels)}).",
        )

    def _category(self, policy_key: str, category: str, topic: str) -> str:
        policy = self.policies[policy_key]
        if category not in policy.categories:
            raise ApiError(
                422,
                "unknown_topic",
                f"{policy.name} has no topic {topic!r} (its topics: {', '.join(policy.categories)}).",
            )
        return category

    def decide(self, *, topic: str, channel: str, customer_tier: str) -> Decision:
        for route in self.routes:
            if route.matches(topic, channel, customer_tier):
                category = self._category(route.policy, route.category or topic, topic)
                return Decision(f"route:{route.name}", route.policy, category, self._channel(route.policy, channel, route.channel))
        policy_key, sep, category = topic.partition(":")
        if sep:
            if policy_key not in self.policies:
                raise ApiError(422, "unknown_topic", f"There is no policy {policy_key!r} (topic {topic!r}).")
            category = self._category(policy_key, category, topic)
            return Decision("qualified", policy_key, category, self._channel(policy_key, channel, None))
        owners = sorted(key for key, policy in self.policies.items() if topic in policy.categories)
        if len(owners) == 1:
            return Decision("unique_category", owners[0], topic, self._channel(owners[0], channel, None))
        if owners:
            choices = ", ".join(f"{key}:{topic}" for key in owners)
            raise ApiError(422, "ambiguous_topic", f"Topic {topic!r} exists in several policies; send one of: {choices}.")
        raise ApiError(422, "unknown_topic", f"No policy has the topic {topic!r}.")

    def describe(self) -> dict[str, Any]:
        """The rules in force, for admins (GET /api/v1/intake/routing)."""
        def _list(values):
            return sorted(values) if values is not None else None

        return {
            "source": self.source,
            "order": ["routes (first match)", "POLICY:CATEGORY topics", "a category of exactly one policy"],
            "channels": {k: list(v) for k, v in self.channels.items()},
            "routes": [
                {
                    "name": r.name,
                    "match": {"topics": _list(r.topics), "channels": _list(r.channels), "customer_tiers": _list(r.customer_tiers)},
                    "policy": r.policy,
                    "category": r.category,
                    "channel": r.channel,
                }
                for r in self.routes
            ],
            "topics": {key: sorted(policy.categories) for key, policy in sorted(self.policies.items())},
        }
