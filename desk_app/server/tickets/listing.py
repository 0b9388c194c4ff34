"""Listing and searching tickets: filters, sort orders and opaque cursors."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from desk_app.server.core.errors import ApiError
from desk_app.server.core.types import iso
from desk_app.server.core.validation import MAX_ID, normalize_email, normalize_phone
from desk_app.server.directory.models import Customer
from desk_app.server.sync.visibility import Viewer
from desk_app.server.tickets.models import Ticket



@dataclass
class ListFilters:
    queue_id: int | None = None
    statuses: list[str] | None = None
    assignee: str | None = None  # "me", "none" or a user id
    tier: int | None = None
    breaching_within: int | None = None  # minutes
    q: str | None = None
    order_id: str | None = None
    phone: str | None = None
    email: str | None = None
    policy: str | None = None


def _encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        values = None
    ok = isinstance(values, list) and values and values[0] == sort
    if ok:
        last_id = values[-1]
        ok = isinstance(last_id, int) and not isinstance(last_id, bool) and 0 <= last_id <= MAX_ID
    if ok and sort == "number":
        ok = len(values) == 2
    elif ok and sort == "due":
        ok = len(values) == 3 and (values[1] is None or isinstance(values[1], str))
        if ok and values[1] is not None:
            try:
                datetime.fromisoformat(values[1].replace("Z", "+00:00"))
            except ValueError:
                ok = False
    if not ok:
        raise ApiError(400, "invalid_cursor", "The cursor is not one this endpoint gave out for this sort order.")
    return values


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_tickets(
    session: Session,
    viewer: Viewer,
    now: datetime,
    filters: ListFilters,
    *,
    sort: str,
    cursor: str | None,
    limit: int,
) -> tuple[list[str], str | None]:
    query = select(Ticket.id, Ticket.sla_due_at, Ticket.snapshot).where(viewer.ticket_filter())
    f = filters
    if f.queue_id is not None:
        query = query.where(Ticket.queue_id == f.queue_id)
    if f.statuses:
        query = query.where(Ticket.status.in_(f.statuses))
    if f.assignee == "me":
        query = query.where(Ticket.assignee_id == viewer.user_id)
    elif f.assignee == "none":
        query = query.where(Ticket.assignee_id.is_(None))
    elif f.assignee is not None:
        query = query.where(Ticket.assignee_id == int(f.assignee))
    if f.tier is not None:
        query = query.where(Ticket.tier == f.tier)
    if f.policy is not None:
        query = query.where(Ticket.policy_key == f.policy)
    if f.breaching_within is not None:
        query = query.where(Ticket.sla_due_at <= now + timedelta(minutes=f.breaching_within))
    if f.order_id is not None:
        query = query.where(Ticket.order_id == f.order_id.strip())
    if f.phone is not None:
        query = query.where(Ticket.customer_id.in_(select(Customer.id).where(Customer.phone == normalize_phone(f.phone))))
    if f.email is not None:
        query = query.where(Ticket.customer_id.in_(select(Customer.id).where(Customer.email == normalize_email(f.email))))
    if f.q is not None:
        pattern = f"%{_escape_like(f.q.strip())}%"
        query = query.where(
            or_(
                Ticket.subject.ilike(pattern, escape="\\"),
                Ticket.number.ilike(pattern, escape="\\"),
                Ticket.order_id.ilike(pattern, escape="\\"),
                Ticket.customer_id.in_(select(Customer.id).where(Customer.name.ilike(pattern, escape="\\"))),
            )
        )
    if sort == "due":
        if cursor:
            _, last_due, last_id = _decode_cursor(cursor, sort)
            if last_due is None:
                query = query.where(Ticket.sla_due_at.is_(None), Ticket.id > last_id)
            else:
                due = datetime.fromisoformat(last_due.replace("Z", "+00:00"))
                query = query.where(
                    or_(
                        Ticket.sla_due_at > due,
                        and_(Ticket.sla_due_at == due, Ticket.id > last_id),
                        Ticket.sla_due_at.is_(None),
                    )
                )
        query = query.order_by(Ticket.sla_due_at.is_(None), Ticket.sla_due_at, Ticket.id)
    else:
        if cursor:
            _, last_id = _decode_cursor(cursor, sort)
            query = query.where(Ticket.id > last_id)
        query = query.order_by(Ticket.id)
    rows = session.execute(query.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = _encode_cursor(["due", iso(last[1]), last[0]] if sort == "due" else ["number", last[0]])
    return [r[2] for r in rows], next_cursor
