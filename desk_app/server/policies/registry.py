"""The support policies this store serves, loaded once by the core's loader."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path

from desk_app.core.policy import CalendarWarning, Policy
from desk_app.core.policy_loader import holiday_warnings, load_policies, load_shipped_policies
from desk_app.server.core.errors import ApiError


class PolicyRegistry(Mapping[str, Policy]):
    def __init__(self, policies: Mapping[str, Policy]) -> None:
        self._policies = dict(policies)

    @classmethod
    def load(cls, directory: Path | None = None) -> PolicyRegistry:
        """The policies in `directory`, or the shipped presets (resources/policies/*.toml)."""
        return cls(load_policies(directory) if directory is not None else load_shipped_policies())

    def __getitem__(self, key: str) -> Policy:
        return self._policies[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._policies)

    def __len__(self) -> int:
        return len(self._policies)

    def warnings(self, now: datetime) -> list[CalendarWarning]:
        """Calendars whose holiday list runs out within 60 days of `now` (logged at start, shown to managers)."""
        return holiday_warnings(self._policies, now)

    def require(self, key: str) -> Policy:
        """The policy, or a 422 naming the known ones."""
        try:
            return self._policies[key]
        except KeyError:
            known = ", ".join(sorted(self._policies)) or "none"
            raise ApiError(422, "unknown_policy", f"There is no policy {key!r} (known: {known}).") from None
