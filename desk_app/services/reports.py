"""The manager reports, and the filters the dashboard asks them with (no widgets here).

`ReportsClient` wraps the session's `ApiClient` for the report endpoints
(`ApiClient.report`, managers and admins only); every call blocks, so
the view runs them as ops on the network lane. Responses are the server's
JSON, unchanged (see `desk_app/server/reports/schemas.py` for the shapes).

`ReportFilters` is what the filter bar chose. It turns into the query
parameters of a request, and into the base of a click-through filter: the
dict the dashboard's `open_queue` signal carries (see `queue_filter`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from desk_app.core.ticket import OPEN_STATUSES
from desk_app.services.api_client import ApiClient
from desk_app.services.local_cache import QueueQuery

__all__ = [
    "DIMENSIONS",
    "OPEN_STATUSES",
    "PERIOD_DAYS",
    "ReportFilters",
    "ReportsClient",
    "APPLIED_KEYS",
    "dimension_filter",
    "queue_query",
]

#: The `group_by` values the compliance and times reports accept.
DIMENSIONS = ("queue", "category", "priority", "channel", "customer_tier", "policy", "agent")
#: The periods the filter bar offers, in days back from now.
PERIOD_DAYS = (7, 30, 90, 365)


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """The dashboard's choices: a period of `days` up to now, trend buckets, queue, policy, grouping."""

    days: int = 30
    trend: str = "day"
    queue_id: int | None = None
    policy: str | None = None
    group_by: str = "queue"

    def __post_init__(self) -> None:
        if self.days <= 0:
            raise ValueError(f"the period must be at least one day, not {self.days}")
        if self.trend not in ("day", "week"):
            raise ValueError(f"trend must be 'day' or 'week', not {self.trend!r}")
        if self.group_by not in DIMENSIONS:
            raise ValueError(f"group_by must be one of {', '.join(DIMENSIONS)}, not {self.group_by!r}")

    def with_(self, **changes: Any) -> ReportFilters:
        return replace(self, **changes)

    def params(self, now: datetime) -> dict[str, Any]:
        """Query parameters common to every report: the period ends now (the server's), starts `days` before."""
        start = now.astimezone(timezone.utc) - timedelta(days=self.days)
        params: dict[str, Any] = {"from": start.replace(tzinfo=None).isoformat(timespec="seconds")}
        if self.queue_id is not None:
            params["queue"] = self.queue_id
        if self.policy is not None:
            params["policy"] = self.policy
        return params

    def queue_filter(self, **extra: Any) -> dict[str, Any]:
        """A click-through filter: the queue and policy chosen here, plus `extra` (None values left out)."""
        out: dict[str, Any] = {}
        if self.queue_id is not None:
            out["queue_id"] = self.queue_id
        if self.policy is not None:
            out["policy"] = self.policy
        out.update({k: v for k, v in extra.items() if v is not None})
        return out


def dimension_filter(dimension: str, group: str | None) -> dict[str, Any]:
    """The filter keys that select one group of a report grouped by `dimension`."""
    if dimension == "agent":
        return {"unassigned": True} if group is None else {"assignee_id": int(group)}
    if group is None:
        return {}
    if dimension == "queue":
        return {"queue_id": int(group)}
    return {dimension: group}


#: The click-through keys `queue_query` applies; a filter with any other key cannot be shown truthfully.
APPLIED_KEYS = frozenset({
    "statuses", "assignee_id", "unassigned", "tier", "queue_id", "policy", "sla_state", "escalation",
    "category", "priority", "channel", "customer_tier", "age", "min_age_days", "max_age_days", "title",
})
_DAY = 86_400


def queue_query(fltr: Mapping[str, Any], now: float) -> QueueQuery:
    """The local-cache query for a click-through filter: every key of the filter is applied.

    `sla_state` "breached" becomes "due before now" and "warning" "due within
    the next two hours"; an age bucket, "created between max and min days ago";
    `escalation` "waiting", "the latest escalation went up and is not
    acknowledged" (the chip above the queue says so, `ui.filter_chip`).
    """
    due_before = None
    if fltr.get("sla_state") == "breached":
        due_before = now
    elif fltr.get("sla_state") == "warning":
        due_before = now + 2 * 3600
    low, high = fltr.get("min_age_days"), fltr.get("max_age_days")
    return QueueQuery(
        statuses=tuple(fltr["statuses"]) if fltr.get("statuses") else None,
        assignee_id=fltr.get("assignee_id"),
        unassigned=bool(fltr.get("unassigned")),
        tier=fltr.get("tier"),
        queue_id=fltr.get("queue_id"),
        policy=fltr.get("policy"),
        due_before=due_before,
        category=fltr.get("category"),
        priority=fltr.get("priority"),
        channel=fltr.get("channel"),
        customer_tier=fltr.get("customer_tier"),
        # Open at least `low` days: created before now - low; at most `high` days: after now - high.
        created_before=now - low * _DAY if low else None,
        created_after=now - high * _DAY if high is not None else None,
        escalation_waiting=fltr.get("escalation") == "waiting",
    )


class ReportsClient:
    """The report endpoints; each method blocks (run it on the network lane)."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    def _get(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return self.api.report(path, {k: v for k, v in params.items() if v is not None})

    def compliance(self, f: ReportFilters, now: datetime) -> dict[str, Any]:
        return self._get("compliance", {**f.params(now), "group_by": f.group_by, "trend": f.trend})

    def breaches(self, f: ReportFilters, now: datetime) -> dict[str, Any]:
        return self._get("breaches", f.params(now))

    def escalations(self, f: ReportFilters, now: datetime) -> dict[str, Any]:
        return self._get("escalations", f.params(now))

    def backlog(self, f: ReportFilters, now: datetime) -> dict[str, Any]:
        return self._get("backlog", {**f.params(now), "trend": f.trend})

    def times(self, f: ReportFilters, now: datetime) -> dict[str, Any]:
        return self._get("times", {**f.params(now), "group_by": f.group_by})

    def agents(self, f: ReportFilters, now: datetime) -> dict[str, Any]:
        return self._get("agents", f.params(now))

    def reference(self) -> dict[str, list[dict[str, Any]]]:
        """Queues and policies for the filter bar."""
        return {"queues": self.api.queues(), "policies": self.api.policies()}

    #: Report name -> method; the view fetches these side by side.
    REPORTS = ("compliance", "breaches", "escalations", "backlog", "times", "agents")

    def fetch(self, report: str, f: ReportFilters, now: datetime) -> dict[str, Any]:
        if report not in self.REPORTS:
            raise ValueError(f"unknown report {report!r}")
        return getattr(self, report)(f, now)
