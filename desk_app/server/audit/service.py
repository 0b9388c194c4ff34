from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, insert
from sqlalchemy.orm import Session

from desk_app.server.audit.models import AuditEntry


#: Built once (every write appends an audit entry; a statement built per call
#: costs more than running it).
_INSERT = insert(AuditEntry.__table__)
_COLUMNS = ("at", "actor_id", "actor_name", "action", "entity_type", "entity_id", "before", "after", "address")
#: The same with its parameters named apart, to ride with a change (`sync.service.append_change`).
_INSERT_RIDER = insert(AuditEntry.__table__).values({c: bindparam("audit_" + c) for c in _COLUMNS})


def _json(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return orjson.dumps(value, default=str, option=orjson.OPT_SORT_KEYS).decode()


def _row(
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    entity_type: str,
    entity_id: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    address: str | None,
) -> dict[str, Any]:
    return {
        "at": at,
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "before": _json(before),
        "after": _json(after),
        "address": address,
    }


def record_audit(
    session: Session,
    *,
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    entity_type: str,
    entity_id: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    address: str | None = None,
) -> None:
    """Add an audit entry in the caller's transaction (it commits or rolls back with the change)."""
    session.connection().execute(
        _INSERT, _row(at, actor_id, actor_name, action, entity_type, entity_id, before, after, address)
    )


def audit_rider(
    *,
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    entity_type: str,
    entity_id: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    address: str | None = None,
) -> tuple[Any, dict[str, Any]]:
    """The audit entry of a change, to hand to `append_change(riders=...)`: written in the change's statement."""
    row = _row(at, actor_id, actor_name, action, entity_type, entity_id, before, after, address)
    return _INSERT_RIDER, {"audit_" + k: v for k, v in row.items()}
