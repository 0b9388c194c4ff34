from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from desk_app.server.core.db import Database
from desk_app.server.core.settings import Settings
from desk_app.server.policies.registry import PolicyRegistry
from desk_app.server.tickets import sla_authority
from desk_app.server.tickets.models import Ticket
from desk_app.server.tickets.service import Ctx, finish, placement

log = logging.getLogger("desk.server.scheduler")


class SchedulerHooks:
    """Callbacks the store calls after commits; the scheduler subscribes here."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[int, datetime | None], None]] = []

    def subscribe(self, listener: Callable[[int, datetime | None], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe_all(self) -> None:
        self._listeners.clear()

    def ticket_changed(self, ticket_id: int, next_change_at: datetime | None) -> None:
        for listener in list(self._listeners):
            try:
                listener(ticket_id, next_change_at)
            except Exception:  # a scheduler bug must never fail a committed write
                log.exception("scheduler hook failed")


def refresh_due_clocks(
    db: Database, policies: PolicyRegistry, settings: Settings, now: datetime, *, limit: int = 200
) -> list[int]:
    """Recompute the clocks of tickets whose next state change is due at `now`.

    Returns the ids of tickets whose clocks changed state; each got an
    `sla.changed` change-log entry. A ticket whose recomputation yields the
    same states only has its next wake-up moved.
    """
    changed: list[int] = []
    with db.write() as session:
        due = sla_authority.due_for_refresh(session, now, limit)
    for ticket_id in due:
        with db.write() as session:
            query = select(Ticket).where(Ticket.id == ticket_id).with_for_update(
                skip_locked=session.get_bind().dialect.name == "postgresql"
            )
            ticket = session.scalar(query)
            if ticket is None or ticket.sla_next_change_at is None or ticket.sla_next_change_at > now:
                continue
            before = {"sla_state": ticket.sla_state, "sla_next_change_at": ticket.sla_next_change_at}
            old_states = _clock_states(ticket.snapshot)
            ctx = Ctx(session, now, None, policies, settings)
            customer_tier = _customer_tier(session, ticket)
            snap, _ = sla_authority.recompute(session, ticket, policies.require(ticket.policy_key), customer_tier, now)
            new_states = {c.key: str(c.state) for c in snap.clocks}
            if new_states == old_states:
                continue
            finish(
                ctx,
                ticket,
                kind="sla.changed",
                fields=["sla"],
                prev=placement(ticket),
                audit_action="sla.changed",
                before=before,
                after={"sla_state": ticket.sla_state, "clocks": new_states},
            )
            changed.append(ticket_id)
    return changed


def _clock_states(snapshot: str) -> dict[str, str]:
    import orjson

    data = orjson.loads(snapshot or "{}")
    return {c["key"]: c["state"] for c in (data.get("sla") or {}).get("clocks", [])}


def _customer_tier(session, ticket: Ticket) -> str:
    from desk_app.server.directory.models import Customer

    return session.get(Customer, ticket.customer_id).tier
