"""A system event of the thread in the agent's words: "Status: Open → Waiting on third party".

The store writes each event with a code and its facts (`event_code`,
`data`) beside an English sentence (`body`) for logs and other clients.
The thread shows the facts in the agent's language, statuses and clocks as
people say them and every time in the agent's own time zone; an event this
client does not know (or one written before its facts were kept) shows the
store's sentence.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from desk_app.ui.reference import TicketLabels
from desk_app.ui.sla_display import clock_label

__all__ = ["event_text", "local_time"]


_ARROW = "\u2192"


def local_time(value: str | None) -> str:
    """An ISO instant ("2026-12-07T08:30:00+00:00") in the agent's time zone and locale."""
    if not value:
        return ""
    moment = QDateTime.fromSecsSinceEpoch(int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)  # the chosen language's locale


def _causes() -> dict[str, str]:
    return {
        "first_response": QCoreApplication.translate("EventText", "first response"),
        "customer_wrote": QCoreApplication.translate("EventText", "the customer wrote"),
        "escalation_requested": QCoreApplication.translate("EventText", "the customer asked to escalate"),
        "evidence_lapsed": QCoreApplication.translate("EventText", "the window for documents closed"),
        "third_party_lapsed": QCoreApplication.translate("EventText", "the third party did not answer in time"),
    }


def _status(entry: dict[str, Any], data: dict[str, Any], reopened: bool) -> str:
    change = f"{TicketLabels.status(data.get('from'))} {_ARROW} {TicketLabels.status(data.get('to'))}"
    if reopened:
        text = QCoreApplication.translate("EventText", "Reopened: {change}").format(change=change)
    else:
        text = QCoreApplication.translate("EventText", "Status: {change}").format(change=change)
    causes = _causes()
    if data.get("cause") in causes:
        return f"{text} ({causes[data['cause']]})"
    # Written before the cause was kept: the store's reason, as it wrote it.
    found = re.search(r"\(([^()]*)\)\s*$", entry.get("body") or "")
    return f"{text} ({found.group(1)})" if found else text


def _clocks(data: dict[str, Any]) -> str:
    parts = []
    for clock in data.get("clocks") or ():
        values = {"clock": clock_label(clock.get("clock")), "due": local_time(clock.get("due_at"))}
        if clock.get("state") == "breached":
            parts.append(QCoreApplication.translate("EventText", "{clock} breached (was due {due})").format(**values))
        else:
            parts.append(QCoreApplication.translate("EventText", "{clock} at risk (due {due})").format(**values))
    return QCoreApplication.translate("EventText", "SLA: {clocks}").format(clocks="; ".join(parts)) if parts else ""


def _escalation(code: str, body: str, data: dict[str, Any]) -> str:
    kinds = {
        "manual": QCoreApplication.translate("EventText", "by hand"),
        "automatic": QCoreApplication.translate("EventText", "automatically"),
        "customer_request": QCoreApplication.translate("EventText", "at the customer's request"),
    }
    values = {"old": data.get("from_tier"), "new": data["to_tier"],
              "how": kinds.get(data.get("kind"), data.get("kind") or "")}
    if code == "escalated":
        text = QCoreApplication.translate("EventText", "Escalated from tier {old} to tier {new}, {how}").format(**values)
    else:
        text = QCoreApplication.translate("EventText", "De-escalated from tier {old} to tier {new}, {how}").format(
            **values)
    reason = _after(body.split("; taken by ")[0], "): ")
    if reason:
        text += f": {reason}"
    taken = _after(body, "; taken by ")
    if taken:
        text += "; " + QCoreApplication.translate("EventText", "taken by {name}").format(name=taken)
    return text


def _after(body: str, marker: str) -> str:
    """What a person typed, from the store's sentence (a reason, a name): shown as typed."""
    return body.partition(marker)[2].strip() if marker in body else ""


def event_text(entry: dict[str, Any]) -> str:
    """The event's text for the thread (without its author and time)."""
    code, body = entry.get("event_code"), entry.get("body") or ""
    data = entry.get("data") or {}
    if not isinstance(data, dict):
        return body
    if code in ("status_changed", "reopened") and "to" in data:
        return _status(entry, data, code == "reopened")
    if code == "assigned" and body.startswith("Assigned to "):
        name = body.removeprefix("Assigned to ")
        return QCoreApplication.translate("EventText", "Assigned to {name}").format(name=name)
    if code == "unassigned":
        return QCoreApplication.translate("EventText", "No longer assigned to anyone")
    if code in ("sla_warning", "sla_breached") and data.get("clocks"):
        return _clocks(data) or body
    if code == "escalation_due" and data.get("to_tier"):
        text = QCoreApplication.translate("EventText", "The time budget of tier {tier} ran out: escalate to tier {to}.")
        text = text.format(tier=data.get("from_tier"), to=data["to_tier"])
        if data.get("auto_at"):
            later = QCoreApplication.translate("EventText", "If nobody acts, it moves up by itself at {time}.")
            text += " " + later.format(time=local_time(data["auto_at"]))
        return text
    if code in ("escalated", "deescalated") and data.get("to_tier"):
        return _escalation(code, body, data)
    if code == "escalation_acknowledged":
        found = re.search(r"tier (\d+)", body)
        if found:
            return QCoreApplication.translate("EventText", "Escalation to tier {tier} acknowledged").format(
                tier=found.group(1))
    if code == "escalation_requested":
        note = data.get("note") or ""
        return QCoreApplication.translate("EventText", "The customer asked to escalate: {note}").format(note=note)
    if code == "csat_received" and data.get("score") is not None:
        text = QCoreApplication.translate("EventText", "Customer satisfaction: {score}/5").format(score=data["score"])
        return f"{text}\n{data['comment']}" if data.get("comment") else text
    return body
