"""Escalations by tier: how many, why (expired budget, manual, customer request), time spent at each tier.

Time at a tier is the business time of the ticket's tier-budget run there
(from entering the tier to leaving it, or to resolution), for runs that ended
in the period; the last tier of a ladder has no budget, so no run. Escalation
kinds: `automatic` is the scheduler acting on an expired tier budget.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk_app.server.reports import rollups
from desk_app.core.ticket import OPEN_STATUSES
from desk_app.server.reports.common import Filters, distribution
from desk_app.server.reports.models import ClockRun
from desk_app.server.reports.schemas import EscalationRow, TierSummary
from desk_app.server.tickets.models import Escalation, Ticket

KINDS = ("automatic", "manual", "customer_request")


def escalation_rows(session: Session, f: Filters) -> list[EscalationRow]:
    e = Escalation
    query = (
        select(e.from_tier, e.to_tier, e.direction, e.kind, func.count())
        .where(f.period(e.created_at))
        .group_by(e.from_tier, e.to_tier, e.direction, e.kind)
        .order_by(e.from_tier, e.to_tier, e.direction, e.kind)
    )
    return [
        EscalationRow(from_tier=a, to_tier=b, direction=d, kind=k, count=n)
        for a, b, d, k, n in session.execute(f.join_tickets(query, e.ticket_id)).all()
    ]


def _waiting(session: Session, f: Filters) -> dict[int, int]:
    e = Escalation
    query = (
        select(e.to_tier, func.count())
        .join(Ticket, Ticket.id == e.ticket_id)
        .where(e.direction == "up", e.acknowledged.is_(False), Ticket.status.in_(OPEN_STATUSES))
        .group_by(e.to_tier)
    )
    return dict(session.execute(f.tickets(query)).all())


def _budget_runs(f: Filters):
    return f.runs(
        select(ClockRun.key.label("tier_key"), ClockRun.elapsed_seconds.label("value")).where(
            ClockRun.metric == "tier_budget", f.period(ClockRun.stopped_at)
        )
    )


def _time_at_tier(session: Session, f: Filters):
    split = rollups.plan(session, f)
    if split is None:
        stats = distribution(session, _budget_runs(f), ["tier_key"])
    else:
        stats = rollups.distribution(session, split, "", None, _budget_runs)
    return {int(key[0].split(":", 1)[1]): s for key, s in stats.items()}


def tier_summaries(session: Session, f: Filters, rows: list[EscalationRow]) -> list[TierSummary]:
    into: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for r in rows:
        if r.direction == "up":
            into[r.to_tier][r.kind] = into[r.to_tier].get(r.kind, 0) + r.count
    waiting = _waiting(session, f)
    times = _time_at_tier(session, f)
    result = []
    for tier in sorted(set(into) | set(waiting) | set(times)):
        kinds = into.get(tier, dict.fromkeys(KINDS, 0))
        stats = times.get(tier)
        result.append(
            TierSummary(
                tier=tier,
                escalated_into=sum(kinds.values()),
                automatic=kinds.get("automatic", 0),
                manual=kinds.get("manual", 0),
                customer_request=kinds.get("customer_request", 0),
                waiting=waiting.get(tier, 0),
                runs=stats.count if stats else 0,
                mean_seconds=stats.mean if stats else None,
                median_seconds=stats.median if stats else None,
                p90_seconds=stats.p90 if stats else None,
            )
        )
    return result


def escalation_due_now(session: Session, f: Filters) -> int:
    query = select(func.count()).select_from(Ticket).where(
        Ticket.status.in_(OPEN_STATUSES), Ticket.sla_escalation_due_at.is_not(None), Ticket.sla_escalation_due_at <= f.now
    )
    return int(session.execute(f.tickets(query)).scalar_one())
