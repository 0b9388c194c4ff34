"""Escalation-due records and mode notices, kept in step with every ticket change.

`tickets.write.finish` calls `reconcile` after replaying the SLA history:
the core says whether an escalation is due (`SlaSnapshot.escalation`), and
the record in `escalation_dues` follows: created when it falls due (a tier
budget ran out, or the customer asked), its automatic-escalation instant
updated while it waits (it moves while the ticket is paused), withdrawn when
it is no longer due. The handled states are set by the actions themselves
(`tickets.escalations`). Only Core statements on the transaction's
connection: no autoflush of the ticket the caller is still changing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from desk_app.core.escalation import CUSTOMER_REQUEST, can_keep
from desk_app.core.policy import Policy
from desk_app.core.sla import SlaSnapshot
from desk_app.core.ticket import DONE_STATUSES
from desk_app.server.core.types import iso
from desk_app.server.policies.models import PolicyModeSpan
from desk_app.server.tickets.models import (
    OPEN,
    SOURCE_BUDGET,
    SOURCE_CUSTOMER,
    WITHDRAWN,
    EscalationDueRecord,
    Ticket,
)

_DUES = EscalationDueRecord.__table__
_SPANS = PolicyModeSpan.__table__
_ALERT_STATES = frozenset({"warning", "breached"})


def _open_record(session: Session, ticket_id: int):
    return session.connection().execute(
        select(_DUES).where(_DUES.c.ticket_id == ticket_id, _DUES.c.state == OPEN).order_by(_DUES.c.id.desc()).limit(1)
    ).first()


def close_open(
    session: Session,
    ticket_id: int,
    *,
    state: str,
    now: datetime,
    by: int | None,
    escalation_id: int | None = None,
    note: str | None = None,
) -> int:
    """Mark the ticket's open record handled; returns how many were open (0 or 1)."""
    return session.connection().execute(
        update(_DUES)
        .where(_DUES.c.ticket_id == ticket_id, _DUES.c.state == OPEN)
        .values(state=state, handled_at=now, handled_by_id=by, escalation_id=escalation_id, note=note)
    ).rowcount


def record_json(row, policy: Policy) -> dict[str, Any]:
    try:
        to_name = policy.tier(row.to_tier).name
    except LookupError:
        to_name = f"Tier {row.to_tier}"
    return {
        "id": row.id,
        "from_tier": row.from_tier,
        "to_tier": row.to_tier,
        "to_tier_name": to_name,
        "owner_id": row.owner_id,
        "source": row.source,
        "due_at": iso(row.due_at),
        "created_at": iso(row.created_at),
        "auto_at": iso(row.auto_at),
        "can_keep": policy.escalation.allow_keep and row.source != SOURCE_CUSTOMER,
        "state": row.state,
    }


def reconcile(
    session: Session,
    ticket: Ticket,
    policy: Policy,
    snap: SlaSnapshot,
    now: datetime,
    previous: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """Make the ticket's escalation-due record agree with `snap`; its JSON, or None.

    `previous`: the record as in the ticket's last snapshot; when neither it
    nor `snap` has one, nothing is read (the common case costs no query).
    """
    due = snap.escalation
    if due is None and previous is None:
        return None
    record = _open_record(session, ticket.id)
    if due is None:
        if record is not None:
            close_open(session, ticket.id, state=WITHDRAWN, now=now, by=None)
        return None
    stay = snap.tier_entered_at
    if record is not None and record.stay_started_at != stay:
        # The ticket changed tier by other means since: that record is moot.
        close_open(session, ticket.id, state=WITHDRAWN, now=now, by=None)
        record = None
    conn = session.connection()
    if record is None:
        existing = conn.execute(
            select(_DUES).where(_DUES.c.ticket_id == ticket.id, _DUES.c.stay_started_at == stay)
        ).first()
        if existing is not None and existing.state != WITHDRAWN:
            return None  # handled already for this stay (a keep starts a new stay)
        if existing is not None:
            # Withdrawn (e.g. resolved) and due again (reopened): the same prompt again.
            conn.execute(
                update(_DUES).where(_DUES.c.id == existing.id).values(state=OPEN, handled_at=None, handled_by_id=None)
            )
            record_id = existing.id
        else:
            record_id = conn.execute(
                insert(_DUES).values(
                    ticket_id=ticket.id,
                    from_tier=due.from_tier,
                    to_tier=due.to_tier,
                    source=SOURCE_CUSTOMER if due.reason == CUSTOMER_REQUEST else SOURCE_BUDGET,
                    owner_id=ticket.assignee_id,
                    stay_started_at=stay,
                    due_at=due.due_at,
                    created_at=now,
                    auto_at=due.auto_escalate_at,
                    state=OPEN,
                )
            ).inserted_primary_key[0]
    else:
        record_id = record.id
        if record.auto_at != due.auto_escalate_at:
            conn.execute(update(_DUES).where(_DUES.c.id == record_id).values(auto_at=due.auto_escalate_at))
    row = conn.execute(select(_DUES).where(_DUES.c.id == record_id)).first()
    return record_json(row, policy)


def keep_allowed(policy: Policy, snap: SlaSnapshot) -> bool:
    return snap.escalation is not None and can_keep(policy, snap.escalation)


def mode_notice(session: Session, policy: Policy, ticket: Ticket, now: datetime) -> dict[str, Any] | None:
    """The notice of the policy's emergency mode on now, for an open ticket; else None."""
    if not policy.modes or ticket.status in DONE_STATUSES:
        return None
    row = session.connection().execute(
        select(_SPANS.c.mode, _SPANS.c.start_at)
        .where(_SPANS.c.policy_key == policy.key, _SPANS.c.end_at.is_(None), _SPANS.c.start_at <= now)
        .order_by(_SPANS.c.start_at.desc(), _SPANS.c.id.desc())
        .limit(1)
    ).first()
    if row is None or row.mode not in policy.modes:
        return None
    spec = policy.modes[row.mode]
    return {"mode": row.mode, "label": spec.label, "notice": spec.notice or spec.label, "since": iso(row.start_at)}


def time_driven_change(
    previous_sla: dict[str, Any] | None, sla: dict[str, Any], previous_due: Any, due: dict[str, Any] | None
) -> bool:
    """Whether time alone turned a clock to warning/breached or made an escalation due.

    When a person's change is the first to notice, the scheduler must still
    act on it (system event, prompt): the caller then marks the ticket due now.
    """
    if due is not None and previous_due is None and due["source"] == SOURCE_BUDGET:
        return True
    before = {(c["key"], c["started_at"]): c["state"] for c in (previous_sla or {}).get("clocks", ())}
    for clock in sla["clocks"]:
        old = before.get((clock["key"], clock["started_at"]))
        if old in ("running", "warning") and clock["state"] in _ALERT_STATES and clock["state"] != old:
            return True
    return False
