from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import insert
from sqlalchemy.orm import Session

from desk_app.server.audit.models import AuditEntry


#: Built once (every write appends an audit entry; a statement built per call
#: costs more than running it).
_INSERT = insert(AuditEntry.__table__)


def _json(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return orjson.dumps(value, default=str, option=orjson.OPT_SORT_KEYS).decode()


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
        _INSERT,
        {
            "at": at,
            "actor_id": actor_id,
            "actor_name": actor_name,
            "action": action,
            "entity_type": entity_type,
            "entity_id": str(entity_id),
            "before": _json(before),
            "after": _json(after),
            "address": address,
        },
    )
