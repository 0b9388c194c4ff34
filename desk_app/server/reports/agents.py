"""Agent load and performance: open tickets now, replies and calls, first response, CSAT.

Open tickets and first responses follow the ticket's current assignee;
replies and calls their author; CSAT the agent the survey was issued for (the
assignee when the ticket was resolved).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from desk_app.server.feedback.models import SurveyResponse
from desk_app.server.reports.common import OPEN_STATUSES, Filters, distribution, group_labels, ratio
from desk_app.server.reports.models import ClockRun
from desk_app.server.reports.schemas import AgentRow
from desk_app.server.tickets.models import ThreadEntry, Ticket


def first_response_runs(f: Filters) -> Select:
    """(agent, value) of the first responses in the period, from `clock_runs` alone."""
    return f.runs(
        select(ClockRun.assignee_id.label("agent"), ClockRun.elapsed_seconds.label("value")).where(
            ClockRun.metric == "first_response", f.period(ClockRun.stopped_at)
        )
    )


def agent_rows(session: Session, f: Filters) -> list[AgentRow]:
    data: dict[Any, dict[str, Any]] = defaultdict(dict)
    open_q = select(Ticket.assignee_id, func.count()).where(Ticket.status.in_(OPEN_STATUSES)).group_by(Ticket.assignee_id)
    for agent, n in session.execute(f.tickets(open_q)).all():
        data[agent]["open_tickets"] = n

    t = ThreadEntry
    entries_q = (
        select(
            t.author_id,
            func.sum(case((t.kind == "public_reply", 1), else_=0)),
            func.sum(case((t.kind == "phone_call", 1), else_=0)),
        )
        .where(t.kind.in_(("public_reply", "phone_call")), f.period(t.created_at), t.author_id.is_not(None))
        .group_by(t.author_id)
    )
    for agent, replies, calls in session.execute(f.join_tickets(entries_q, t.ticket_id)).all():
        data[agent]["replies"] = int(replies or 0)
        data[agent]["calls"] = int(calls or 0)

    for (agent,), stats in distribution(session, first_response_runs(f), ["agent"]).items():
        data[agent]["first_responses"] = stats.count
        data[agent]["median_first_response_seconds"] = stats.median

    s = SurveyResponse
    csat_q = (
        select(
            s.agent_id,
            func.count(s.score),
            func.avg(s.score),
            func.sum(case((s.score >= 4, 1), else_=0)),
        )
        .where(s.answered_at.is_not(None), f.period(s.answered_at))
        .group_by(s.agent_id)
    )
    for agent, count, mean, satisfied in session.execute(f.join_tickets(csat_q, s.ticket_id)).all():
        data[agent]["csat_responses"] = int(count)
        data[agent]["csat_average"] = None if mean is None else round(float(mean), 4)
        data[agent]["csat_percent_satisfied"] = ratio(int(satisfied or 0), int(count))

    names = group_labels(session, "agent", set(data))
    rows = [
        AgentRow(
            agent_id=agent,
            name=names.get(agent),
            open_tickets=d.get("open_tickets", 0),
            replies=d.get("replies", 0),
            calls=d.get("calls", 0),
            first_responses=d.get("first_responses", 0),
            median_first_response_seconds=d.get("median_first_response_seconds"),
            csat_responses=d.get("csat_responses", 0),
            csat_average=d.get("csat_average"),
            csat_percent_satisfied=d.get("csat_percent_satisfied"),
        )
        for agent, d in data.items()
    ]
    return sorted(rows, key=lambda r: (r.agent_id is None, r.name or "", r.agent_id or 0))
