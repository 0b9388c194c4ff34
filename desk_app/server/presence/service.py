"""Presence rows: heartbeat (upsert), leave, and the live list a viewer may see."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from desk_app.server.auth.service import Principal
from desk_app.server.core.types import iso
from desk_app.server.presence.models import Presence
from desk_app.server.sync.visibility import Viewer
from desk_app.server.tickets.models import Ticket

NOTIFY_CHANNEL = "desk_presence"


@dataclass(frozen=True, slots=True)
class PresenceSettings:
    #: A client that sends no heartbeat for this long has gone.
    ttl_seconds: int = 30
    #: How often a stream re-reads the table without being woken (expiries;
    #: instances that cannot notify each other).
    recheck_seconds: float = 5.0
    #: Seconds between `heartbeat` events on a quiet presence stream.
    heartbeat_seconds: float = 15.0


def load_presence_settings() -> PresenceSettings:
    """From DESK_PRESENCE_TTL_SECONDS, DESK_PRESENCE_RECHECK_SECONDS, DESK_PRESENCE_HEARTBEAT_SECONDS."""
    def read(name: str, default: float, kind=float):
        raw = os.environ.get(f"DESK_PRESENCE_{name}")
        if raw in (None, ""):
            return default
        try:
            return kind(raw)
        except ValueError:
            raise SystemExit(f"DESK_PRESENCE_{name} must be a number, got {raw!r}") from None

    return PresenceSettings(
        ttl_seconds=read("TTL_SECONDS", 30, int),
        recheck_seconds=read("RECHECK_SECONDS", 5.0),
        heartbeat_seconds=read("HEARTBEAT_SECONDS", 15.0),
    )


def heartbeat(
    session: Session,
    principal: Principal,
    *,
    client_id: str,
    ticket_id: int | None,
    composing: bool,
    now: datetime,
    ttl_seconds: int,
) -> bool:
    """Refresh this client's row; True when what others see changed (it appeared, moved, started typing)."""
    expires = now + timedelta(seconds=ttl_seconds)
    composing = bool(composing and ticket_id is not None)
    # Rows gone quiet for a while are purged as others arrive (nothing else needs them).
    session.execute(delete(Presence).where(Presence.expires_at < now - timedelta(seconds=ttl_seconds)))
    row = session.get(Presence, (principal.user_id, client_id), with_for_update=True)
    if row is None:
        session.add(Presence(
            user_id=principal.user_id, client_id=client_id, display_name=principal.display_name,
            ticket_id=ticket_id, composing=composing, since=now, updated_at=now, expires_at=expires,
        ))
        changed = True
    else:
        changed = row.expires_at <= now or row.ticket_id != ticket_id or row.composing != composing
        if changed:
            row.since = now
        row.ticket_id, row.composing, row.display_name = ticket_id, composing, principal.display_name
        row.updated_at, row.expires_at = now, expires
    if changed:
        notify(session)
    return changed


def leave(session: Session, principal: Principal, client_id: str) -> bool:
    gone = session.execute(
        delete(Presence).where(Presence.user_id == principal.user_id, Presence.client_id == client_id)
    ).rowcount
    if gone:
        notify(session)
    return bool(gone)


def notify(session: Session) -> None:
    """Wake the presence streams of every instance (PostgreSQL; delivered at commit)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})


def live_rows(session: Session, now: datetime) -> list[tuple[Any, ...]]:
    """Every live row with its ticket's placement: (user, client, name, ticket, composing, since, queue, assignee)."""
    return session.execute(
        select(
            Presence.user_id, Presence.client_id, Presence.display_name, Presence.ticket_id,
            Presence.composing, Presence.since, Ticket.queue_id, Ticket.assignee_id,
        )
        .outerjoin(Ticket, Ticket.id == Presence.ticket_id)
        .where(Presence.expires_at > now)
        .order_by(Presence.ticket_id, Presence.since, Presence.user_id, Presence.client_id)
    ).all()


def visible_entries(rows: list[tuple[Any, ...]], viewer: Viewer) -> list[dict[str, Any]]:
    """What this viewer may know: others on tickets they can see (or on none); never themselves.

    Someone on a ticket the viewer cannot see shows with no ticket, so the
    ticket's existence does not leak while the colleague still shows as active.
    """
    out = []
    for user_id, client_id, name, ticket_id, composing, since, queue_id, assignee_id in rows:
        if user_id == viewer.user_id:
            continue
        if ticket_id is not None and not viewer.can_see(queue_id, assignee_id, ticket_id):
            ticket_id, composing = None, False
        out.append({
            "user_id": user_id, "display_name": name, "client_id": client_id,
            "ticket_id": ticket_id, "composing": bool(composing), "since": iso(since),
        })
    return out
