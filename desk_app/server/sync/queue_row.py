"""A ticket's queue row: the columns a client's queue table needs, as one JSON array.

Written beside the ticket's snapshot in the same transaction (`tickets.write.finish`),
so the bootstrap's `rows` format is a string join on the server and the parse
of one small array per ticket on the client, instead of parsing every full
snapshot (about 60 objects) to pull a few fields out of it.

Times are seconds since the epoch (UTC), as the client's cache keeps them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

#: The array's fields, in order; sent with every page of the `rows` format so a
#: client can check it reads the layout it expects.
ROW_FIELDS = (
    "id", "number", "subject", "status", "priority", "category", "channel", "tier", "policy",
    "queue_id", "assignee_id", "customer_id", "customer_name", "customer_tier", "order_id", "version",
    "created_at", "updated_at", "sla_state", "sla_due_at", "sla_next_clock", "escalation_due_at",
)


def _epoch(value: str | None) -> float | None:
    return datetime.fromisoformat(value).timestamp() if value else None


def queue_row(snapshot: dict[str, Any]) -> str:
    """The queue row of a ticket snapshot (`serialize.ticket_snapshot`), as JSON text."""
    sla = snapshot.get("sla") or {}
    return orjson.dumps(
        (
            snapshot["id"], snapshot["number"], snapshot["subject"], snapshot["status"], snapshot["priority"],
            snapshot["category"], snapshot["channel"], snapshot["tier"], snapshot["policy"],
            snapshot.get("queue_id"), snapshot.get("assignee_id"), snapshot.get("customer_id"),
            snapshot.get("customer_name") or "", snapshot.get("customer_tier") or "standard",
            snapshot.get("order_id"), snapshot["version"],
            _epoch(snapshot["created_at"]), _epoch(snapshot["updated_at"]),
            sla.get("state"), _epoch(sla.get("due_at")), sla.get("next_due"),
            _epoch((sla.get("escalation_due") or {}).get("due_at")),
        )
    ).decode()


__all__ = ["ROW_FIELDS", "queue_row"]
