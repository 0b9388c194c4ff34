"""A ticket's queue row: the few fields a queue lists, in one order both ends share.

The store writes each ticket's queue row beside its snapshot and serves the
rows in its bootstrap's `rows` format (`server/sync/queue_row.py`); the client
reads them back by this layout (`services/bootstrap_page.py`) and keeps them as
its cache's `tickets` columns (`services/ticket_rows.py`). `ROW_FIELDS` and
`queue_values` are the one place the layout is written: adding a queue column
is an edit here (plus the column in the store's and the cache's schemas, which
a test compares with `ROW_FIELDS`).

Times are seconds since the epoch (UTC), as the client's cache keeps them.
`sla_next_clock` is the key of the ticket's most urgent live clock: the
snapshot's `sla.next_clock` (named `sla.next_due` by stores before it was
renamed; both are read, see `next_clock_key`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

#: The row's fields, in order. The store names them on every page of the `rows` format so a
#: client can check it reads the layout it expects.
ROW_FIELDS = (
    "id", "number", "subject", "status", "priority", "category", "channel", "tier", "policy",
    "queue_id", "assignee_id", "customer_id", "customer_name", "customer_tier", "order_id", "version",
    "created_at", "updated_at", "sla_state", "sla_due_at", "sla_next_clock", "escalation_due_at",
)
ID, VERSION = ROW_FIELDS.index("id"), ROW_FIELDS.index("version")

#: The snapshot's field naming the most urgent clock, and its name before the rename (a
#: clock key, not a time, so `next_due` misled). Readers accept both for one release.
NEXT_CLOCK, OLD_NEXT_CLOCK = "next_clock", "next_due"

_fromiso = datetime.fromisoformat


def next_clock_key(sla: dict[str, Any]) -> str | None:
    """The key of the most urgent live clock of a snapshot's `sla` (either name of the field)."""
    return sla.get(NEXT_CLOCK) or sla.get(OLD_NEXT_CLOCK)


def queue_values(snapshot: dict[str, Any]) -> tuple[Any, ...]:
    """The queue row of a ticket snapshot, in `ROW_FIELDS` order.

    Kept flat (no loop over the fields): the client's catch-up makes one per
    change on the thread that fetches the next page, and the store one per write.
    """
    sla = snapshot.get("sla") or {}
    due = sla.get("due_at")
    escalation_due = (sla.get("escalation_due") or {}).get("due_at")
    return (
        snapshot["id"], snapshot["number"], snapshot["subject"], snapshot["status"], snapshot["priority"],
        snapshot["category"], snapshot["channel"], snapshot["tier"], snapshot["policy"], snapshot.get("queue_id"),
        snapshot.get("assignee_id"), snapshot.get("customer_id"), snapshot.get("customer_name") or "",
        snapshot.get("customer_tier") or "standard", snapshot.get("order_id"), snapshot["version"],
        _fromiso(snapshot["created_at"]).timestamp(), _fromiso(snapshot["updated_at"]).timestamp(),
        sla.get("state"), _fromiso(due).timestamp() if due else None,
        sla.get(NEXT_CLOCK) or sla.get(OLD_NEXT_CLOCK),
        _fromiso(escalation_due).timestamp() if escalation_due else None,
    )


__all__ = ["ID", "NEXT_CLOCK", "OLD_NEXT_CLOCK", "ROW_FIELDS", "VERSION", "next_clock_key", "queue_values"]
