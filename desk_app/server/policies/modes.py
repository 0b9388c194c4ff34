"""Emergency / high-volume modes: switched on and off by an admin (API or CLI).

A mode is a `PolicyModeSpan` (end None while on). The SLA core reads the spans
(suspend: clocks stand still; extend: longer targets). Switching marks every
open ticket of the policy due at once, so the scheduler recomputes its clocks,
attaches the notice (`mode_notice` in the ticket JSON), and queues the
`delayed` mail where the mode tells customers; each exactly once per span and
ticket, across restarts and instances.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk_app.core.policy import ModeSpec, Policy
from desk_app.core.ticket import DONE_STATUSES
from desk_app.server.audit.service import record_audit
from desk_app.server.core.db import CHANGED_TICKETS_KEY
from desk_app.server.core.errors import ApiError
from desk_app.server.core.types import iso
from desk_app.server.policies.models import PolicyModeSpan
from desk_app.server.tickets.models import Ticket

#: How many past spans the mode listing shows.
HISTORY_LIMIT = 20


def _spec(policy: Policy, mode: str) -> ModeSpec:
    spec = policy.modes.get(mode)
    if spec is None:
        known = ", ".join(sorted(policy.modes)) or "none"
        raise ApiError(422, "unknown_mode", f"Policy {policy.key!r} has no mode {mode!r} (known: {known}).")
    return spec


def _active(session: Session, policy_key: str, mode: str | None = None) -> list[PolicyModeSpan]:
    query = select(PolicyModeSpan).where(PolicyModeSpan.policy_key == policy_key, PolicyModeSpan.end_at.is_(None))
    if mode is not None:
        query = query.where(PolicyModeSpan.mode == mode)
    return list(session.scalars(query.order_by(PolicyModeSpan.start_at, PolicyModeSpan.id)))


def _span_json(span: PolicyModeSpan) -> dict[str, Any]:
    return {
        "id": span.id,
        "mode": span.mode,
        "start_at": iso(span.start_at),
        "end_at": iso(span.end_at),
        "started_by_id": span.started_by_id,
        "note": span.note,
    }


def modes_json(session: Session, policy: Policy) -> dict[str, Any]:
    """The policy's modes, which are on, and the latest spans."""
    active = {s.mode: s for s in _active(session, policy.key)}
    history = session.scalars(
        select(PolicyModeSpan)
        .where(PolicyModeSpan.policy_key == policy.key)
        .order_by(PolicyModeSpan.start_at.desc(), PolicyModeSpan.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return {
        "policy": policy.key,
        "modes": [
            {
                "key": spec.key,
                "label": spec.label,
                "effect": spec.effect,
                "notify_customers": spec.notify_customers,
                "notice": spec.notice,
                "active": spec.key in active,
                "since": iso(active[spec.key].start_at) if spec.key in active else None,
                "span_id": active[spec.key].id if spec.key in active else None,
            }
            for spec in policy.modes.values()
        ],
        "history": [_span_json(s) for s in history],
    }


def _mark_open_tickets_due(session: Session, policy_key: str, now: datetime) -> int:
    """Have the scheduler visit every open ticket of the policy now; how many."""
    ids = list(
        session.scalars(
            select(Ticket.id).where(Ticket.policy_key == policy_key, Ticket.status.not_in([s.value for s in DONE_STATUSES]))
        )
    )
    if ids:
        session.execute(update(Ticket).where(Ticket.id.in_(ids)).values(sla_next_change_at=now))
        # Wake this instance's scheduler when the switch commits.
        session.info.setdefault(CHANGED_TICKETS_KEY, []).extend((tid, now) for tid in ids)
    return len(ids)


def switch_on(
    session: Session,
    policy: Policy,
    mode: str,
    now: datetime,
    *,
    actor_id: int | None,
    actor_name: str,
    note: str = "",
    address: str | None = None,
) -> tuple[PolicyModeSpan, int]:
    """Switch the mode on now; (the span, how many open tickets it touches)."""
    spec = _spec(policy, mode)
    if _active(session, policy.key, mode):
        raise ApiError(409, "mode_already_on", f"{spec.label} is already on for policy {policy.key!r}.")
    span = PolicyModeSpan(policy_key=policy.key, mode=mode, start_at=now, end_at=None, started_by_id=actor_id, note=note)
    session.add(span)
    session.flush()
    affected = _mark_open_tickets_due(session, policy.key, now)
    record_audit(
        session, at=now, actor_id=actor_id, actor_name=actor_name, action="policy.mode_on", entity_type="policy",
        entity_id=policy.key, before=None, after={"mode": mode, "span_id": span.id, "note": note, "tickets": affected},
        address=address,
    )
    return span, affected


def switch_off(
    session: Session,
    policy: Policy,
    mode: str,
    now: datetime,
    *,
    actor_id: int | None,
    actor_name: str,
    address: str | None = None,
) -> tuple[PolicyModeSpan, int]:
    spec = _spec(policy, mode)
    spans = _active(session, policy.key, mode)
    if not spans:
        raise ApiError(409, "mode_not_on", f"{spec.label} is not on for policy {policy.key!r}.")
    for span in spans:
        span.end_at = max(now, span.start_at)
    session.flush()
    affected = _mark_open_tickets_due(session, policy.key, now)
    record_audit(
        session, at=now, actor_id=actor_id, actor_name=actor_name, action="policy.mode_off", entity_type="policy",
        entity_id=policy.key, before={"mode": mode, "since": iso(spans[0].start_at)},
        after={"mode": mode, "span_id": spans[-1].id, "tickets": affected}, address=address,
    )
    return spans[-1], affected
