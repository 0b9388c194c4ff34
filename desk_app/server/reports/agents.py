"""Agent load and performance: open tickets now, replies and calls, first response, CSAT.

Open tickets and first responses follow the ticket's current assignee;
replies and calls their author; CSAT the agent the survey was issued for (the
assignee when the ticket was resolved). The tickets without an assignee get
a row of their own (agent None), which the route serves apart from the agents.

First responses are also given per channel of the ticket: a ticket created
from a call was answered by the call (0 s), and mixed into one median those
hide how long the agent's written requests waited.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from desk_app.server.feedback.models import SurveyResponse
from desk_app.server.reports import rollups
from desk_app.core.ticket import OPEN_STATUSES
from desk_app.server.reports.common import Filters, distribution, group_labels, ratio
from desk_app.server.reports.models import ClockRun
from desk_app.server.reports.schemas import AgentRow, ChannelFirstResponse
from desk_app.server.tickets.models import ThreadEntry, Ticket


def first_response_runs(f: Filters) -> Select:
    """(agent, value) of the first responses in the period, from `clock_runs` alone."""
    return f.runs(
        select(ClockRun.assignee_id.label("agent"), ClockRun.elapsed_seconds.label("value")).where(
            ClockRun.metric == "first_response", f.period(ClockRun.stopped_at)
        )
    )


def _first_response_values(f: Filters) -> Select:
    """(measure, value, agent) rows of the first responses in the period (for `rollups.distribution`)."""
    runs = first_response_runs(f).subquery()
    return select(literal("first_response").label("measure"), runs.c.value, runs.c.agent)


def first_response_channel_runs(f: Filters) -> Select:
    """(agent, channel, value) of the first responses in the period, from `clock_runs` alone."""
    return f.runs(
        select(ClockRun.assignee_id.label("agent"), ClockRun.channel.label("channel"),
               ClockRun.elapsed_seconds.label("value")).where(
            ClockRun.metric == "first_response", f.period(ClockRun.stopped_at)
        )
    )


def _first_response_channel_values(f: Filters) -> Select:
    """(measure, value, "agent|channel") rows, keyed as the rollups keep them (`rollups.agent_channel`)."""
    return f.runs(
        select(literal("first_response").label("measure"), ClockRun.elapsed_seconds.label("value"),
               rollups.agent_channel_value().label("key")).where(
            ClockRun.metric == "first_response", f.period(ClockRun.stopped_at)
        )
    )


def _first_responses_by_channel(session: Session, f: Filters, split: rollups.Split | None) -> dict[Any, dict]:
    """{agent: {channel: Stats}} of the first responses in the period."""
    out: dict[Any, dict] = defaultdict(dict)
    if split is None:
        stats = distribution(session, first_response_channel_runs(f), ["agent", "channel"])
        for (agent, channel), s in stats.items():
            out[agent][channel] = s
        return out
    stats = rollups.distribution(session, split, rollups.AGENT_CHANNEL, ("first_response",),
                                 _first_response_channel_values)
    for (_, key), s in stats.items():
        agent, channel = rollups.split_agent_channel(key)
        out[agent][channel] = s
    return out


def _entries(f: Filters) -> Select:
    """(author, replies, calls) in the period."""
    t = ThreadEntry
    query = (
        select(
            t.author_id,
            func.sum(case((t.kind == "public_reply", 1), else_=0)),
            func.sum(case((t.kind == "phone_call", 1), else_=0)),
        )
        .where(t.kind.in_(("public_reply", "phone_call")), f.period(t.created_at), t.author_id.is_not(None))
        .group_by(t.author_id)
    )
    return f.join_tickets(query, t.ticket_id)


def _csat(f: Filters) -> Select:
    """(agent, answers, summed score, answers of 4 or 5) in the period."""
    s = SurveyResponse
    query = (
        select(s.agent_id, func.count(s.score), func.sum(s.score), func.sum(case((s.score >= 4, 1), else_=0)))
        .where(s.answered_at.is_not(None), f.period(s.answered_at))
        .group_by(s.agent_id)
    )
    return f.join_tickets(query, s.ticket_id)


def agent_rows(session: Session, f: Filters) -> list[AgentRow]:
    data: dict[Any, dict[str, Any]] = defaultdict(dict)
    open_q = select(Ticket.assignee_id, func.count()).where(Ticket.status.in_(OPEN_STATUSES)).group_by(Ticket.assignee_id)
    for agent, n in session.execute(f.tickets(open_q)).all():
        data[agent]["open_tickets"] = n

    split = rollups.plan(session, f)
    windows = [f] if split is None else list(split.live)
    replies: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    csat: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    if split is not None:
        for agent, n_replies, n_calls in rollups.entry_counts(session, split):
            replies[agent][0] += n_replies
            replies[agent][1] += n_calls
        for agent, n, total, satisfied in rollups.csat_counts(session, split):
            csat[agent] = [a + b for a, b in zip(csat[agent], (n, total, satisfied))]
    for w in windows:
        for agent, n_replies, n_calls in session.execute(_entries(w)).all():
            replies[agent][0] += int(n_replies or 0)
            replies[agent][1] += int(n_calls or 0)
        for agent, n, total, satisfied in session.execute(_csat(w)).all():
            csat[agent] = [a + int(b or 0) for a, b in zip(csat[agent], (n, total, satisfied))]
    for agent, (n_replies, n_calls) in replies.items():
        data[agent]["replies"] = n_replies
        data[agent]["calls"] = n_calls

    if split is None:
        firsts = {agent: s for (agent,), s in distribution(session, first_response_runs(f), ["agent"]).items()}
    else:
        stats = rollups.distribution(session, split, "agent", ("first_response",), _first_response_values)
        firsts = {agent: s for (_, agent), s in stats.items()}
    for agent, stats in firsts.items():
        data[agent]["first_responses"] = stats.count
        data[agent]["median_first_response_seconds"] = stats.median
    for agent, channels in _first_responses_by_channel(session, f, split).items():
        data[agent]["first_response_by_channel"] = [
            ChannelFirstResponse(channel=channel, first_responses=s.count, median_first_response_seconds=s.median)
            for channel, s in sorted(channels.items())
        ]

    agents_ = [a for a, (n, _, _) in csat.items() if n]
    averages = rollups.means(session, [(csat[a][1], csat[a][0]) for a in agents_])
    for agent, mean in zip(agents_, averages):
        n, _, satisfied = csat[agent]
        data[agent]["csat_responses"] = n
        data[agent]["csat_average"] = None if mean is None else round(float(mean), 4)
        data[agent]["csat_percent_satisfied"] = ratio(satisfied, n)

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
            first_response_by_channel=d.get("first_response_by_channel", []),
            csat_responses=d.get("csat_responses", 0),
            csat_average=d.get("csat_average"),
            csat_percent_satisfied=d.get("csat_percent_satisfied"),
        )
        for agent, d in data.items()
    ]
    return sorted(rows, key=lambda r: (r.agent_id is None, r.name or "", r.agent_id or 0))
