"""The headline figures taken from report responses, and how numbers read on the dashboard.

Pure functions over the server's JSON: the tests compare them with the
responses of direct API calls. Labels go through `QCoreApplication.translate`
with the context "DashboardFigures".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

__all__ = [
    "Kpis",
    "agent_report_rows",
    "breach_totals",
    "channel_label",
    "compliance_totals",
    "csat_totals",
    "escalations_waiting",
    "format_count",
    "format_duration",
    "format_percent",
    "format_score",
    "measure_label",
    "status_label",
]

_CTX = "DashboardFigures"

_MEASURES = {
    "first_response": QT_TRANSLATE_NOOP("DashboardFigures", "First response"),
    "next_response": QT_TRANSLATE_NOOP("DashboardFigures", "Next response"),
    "periodic_update": QT_TRANSLATE_NOOP("DashboardFigures", "Periodic update"),
    "resolution": QT_TRANSLATE_NOOP("DashboardFigures", "Resolution"),
    "tier_budget": QT_TRANSLATE_NOOP("DashboardFigures", "Tier {tier} budget"),
    "tier_budgets": QT_TRANSLATE_NOOP("DashboardFigures", "Tier budgets"),
}
_STATUSES = {
    "new": QT_TRANSLATE_NOOP("DashboardFigures", "New"),
    "open": QT_TRANSLATE_NOOP("DashboardFigures", "Open"),
    "pending_customer": QT_TRANSLATE_NOOP("DashboardFigures", "Waiting on customer"),
    "pending_third_party": QT_TRANSLATE_NOOP("DashboardFigures", "Waiting on third party"),
    "on_hold": QT_TRANSLATE_NOOP("DashboardFigures", "On hold"),
}


#: The channels' generic names (each policy names its own: "Telepon (Call Center)").
_CHANNELS = {
    "email": QT_TRANSLATE_NOOP("DashboardFigures", "E-mail"),
    "phone": QT_TRANSLATE_NOOP("DashboardFigures", "Phone"),
    "chat": QT_TRANSLATE_NOOP("DashboardFigures", "Chat"),
    "web_form": QT_TRANSLATE_NOOP("DashboardFigures", "Web form"),
    "portal": QT_TRANSLATE_NOOP("DashboardFigures", "Portal"),
    "twitter": QT_TRANSLATE_NOOP("DashboardFigures", "Twitter"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def channel_label(channel: str) -> str:
    """`email` -> "E-mail"; a channel without a generic name reads as its key ("Sms")."""
    return _tr(_CHANNELS[channel]) if channel in _CHANNELS else channel.replace("_", " ").capitalize()


def agent_report_rows(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The agents report's rows: the agents, then the unassigned tickets' row (when there is one)."""
    rows = list(report.get("rows") or [])
    if report.get("unassigned"):
        rows.append(report["unassigned"])
    return rows


def measure_label(measure: str) -> str:
    """`first_response` -> "First response"; `tier_budget:2` -> "Tier 2 budget"."""
    if measure.startswith("tier_budget:"):
        return _tr(_MEASURES["tier_budget"]).format(tier=measure.split(":", 1)[1])
    return _tr(_MEASURES[measure]) if measure in _MEASURES else measure


def status_label(status: str) -> str:
    return _tr(_STATUSES[status]) if status in _STATUSES else status


def format_percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def format_count(value: int | float | None) -> str:
    return "—" if value is None else f"{int(value):,}"


def format_score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def format_duration(seconds: float | None) -> str:
    """Business seconds as "45 s", "12 min", "3 h 05 min", "2 d 4 h"."""
    if seconds is None:
        return "—"
    s = int(round(seconds))
    if s < 60:
        return QCoreApplication.translate("DashboardFigures", "{n} s").format(n=s)
    minutes = s // 60
    if minutes < 60:
        return QCoreApplication.translate("DashboardFigures", "{n} min").format(n=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return QCoreApplication.translate("DashboardFigures", "{h} h {m:02d} min").format(h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return QCoreApplication.translate("DashboardFigures", "{d} d {h} h").format(d=days, h=hours)


# -- headline figures ---------------------------------------------------------------------


def compliance_totals(overall: Sequence[Mapping[str, Any]]) -> tuple[int, int, float | None]:
    """(met, total, % met) over every measure of a compliance report's `overall` rows."""
    met = sum(int(r["met"]) for r in overall)
    total = sum(int(r["total"]) for r in overall)
    return met, total, (None if total == 0 else round(100.0 * met / total, 2))


def breach_totals(rows: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    """(breached, near breach) clocks now, from a breaches report's rows."""
    return sum(int(r["breached"]) for r in rows), sum(int(r["near_breach"]) for r in rows)


def escalations_waiting(tiers: Sequence[Mapping[str, Any]]) -> int:
    """Escalations not yet acknowledged, over every tier."""
    return sum(int(t["waiting"]) for t in tiers)


def csat_totals(agent_rows: Sequence[Mapping[str, Any]]) -> tuple[int, float | None, float | None]:
    """(answers, mean score, % satisfied) over all agents: each agent's figures weighted by its answers."""
    answers = sum(int(r["csat_responses"]) for r in agent_rows)
    if answers == 0:
        return 0, None, None
    mean = sum(float(r["csat_average"]) * int(r["csat_responses"]) for r in agent_rows if r["csat_responses"])
    satisfied = sum(float(r["csat_percent_satisfied"]) * int(r["csat_responses"])
                    for r in agent_rows if r["csat_responses"])
    return answers, round(mean / answers, 2), round(satisfied / answers, 1)


@dataclass(frozen=True, slots=True)
class Kpis:
    """The five tiles' figures (None: that report has not arrived yet)."""

    compliance_percent: float | None = None
    compliance_met: int = 0
    compliance_total: int = 0
    breached: int | None = None
    near_breach: int = 0
    escalations_waiting: int | None = None
    escalation_due_now: int = 0
    backlog: int | None = None
    csat_average: float | None = None
    csat_responses: int = 0
    csat_satisfied: float | None = None

    @classmethod
    def from_reports(cls, reports: Mapping[str, Mapping[str, Any]]) -> Kpis:
        values: dict[str, Any] = {}
        if "compliance" in reports:
            met, total, percent = compliance_totals(reports["compliance"]["overall"])
            values.update(compliance_percent=percent, compliance_met=met, compliance_total=total)
        if "breaches" in reports:
            breached, near = breach_totals(reports["breaches"]["rows"])
            values.update(breached=breached, near_breach=near)
        if "escalations" in reports:
            values.update(escalations_waiting=escalations_waiting(reports["escalations"]["tiers"]),
                          escalation_due_now=int(reports["escalations"]["escalation_due_now"]))
        if "backlog" in reports:
            values["backlog"] = int(reports["backlog"]["open_total"])
        if "agents" in reports:
            answers, mean, satisfied = csat_totals(agent_report_rows(reports["agents"]))
            values.update(csat_responses=answers, csat_average=mean, csat_satisfied=satisfied)
        return cls(**values)
