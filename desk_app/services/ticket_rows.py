"""Server snapshots to the cache's rows: the codec the cache, its outbox and the bootstrap share.

A ticket the client holds is two rows of the cache (`cache_schema`): its
queue columns in `tickets` (the layout of `core.queue_row`, plus the cache's
own `pending`) and its JSON in `ticket_json`; a thread entry is a row of
`entries`. The functions here make those rows from the store's JSON and touch
no database, so the cache (`local_cache`), the outbox's writes
(`outbox_store`) and the bootstrap's page reader (`bootstrap_page`) use them
without importing each other.

`queue_values` / `ticket_values` / `prepare_changes` are measured paths of
the bootstrap and the catch-up (bench/README.md, "Client services"): flat,
one tuple per ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson

from desk_app.core.queue_row import ID, ROW_FIELDS, VERSION, queue_values
from desk_app.services import cache_schema as schema

#: Columns a server snapshot sets (thread_complete is the cache's own).
SERVER_COLUMNS = [c.name for c in schema.tickets.columns if c.name not in ("id", "thread_complete")]
#: Column order of `ticket_values` (the bulk statement's parameters): the queue row with `pending`.
BULK_COLUMNS = ["id", *SERVER_COLUMNS]
_PENDING_AT = BULK_COLUMNS.index("pending")
# The cache keeps exactly the queue row's fields, and `pending`.
assert [c for c in BULK_COLUMNS if c != "pending"] == list(ROW_FIELDS), (BULK_COLUMNS, ROW_FIELDS)


def _epoch(value: str | None) -> float | None:
    if not value:
        return None
    return datetime.fromisoformat(value).timestamp()


def ticket_row(ticket: dict[str, Any], *, pending: int = 0) -> dict[str, Any]:
    """The queue columns of a ticket JSON (its `tickets` row), by column name."""
    row = dict(zip(ROW_FIELDS, queue_values(ticket), strict=True))
    row["pending"] = pending
    return row


def ticket_values(ticket: dict[str, Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """`ticket_row` as tuples for a server snapshot (nothing pending): the `tickets` row in
    `BULK_COLUMNS` order, and the `ticket_json` row (id, version, data).
    """
    row = queue_values(ticket)
    return (*row[:_PENDING_AT], 0, *row[_PENDING_AT:]), (row[ID], row[VERSION], orjson.dumps(ticket).decode())


def prepare_changes(changes: Sequence[dict[str, Any]]) -> dict[int, tuple[dict[str, Any], Any]]:
    """{ticket id: (its newest snapshot in `changes`, `ticket_values` of it)}.

    The rows of a page of changes, made before its transaction (the catch-up
    makes them on the thread that fetches the next page). Chosen by the same
    rule as `LocalCache.apply_changes` (the newest version; the later one on a
    tie), but without the cursor, which only the transaction knows:
    `apply_changes` uses a row only if it was made from the very snapshot it picked.
    """
    newest: dict[int, dict[str, Any]] = {}
    for change in changes:
        tid = change.get("ticket_id")
        data = change.get("data")
        if tid is None or data is None or change["kind"] == "ticket.hidden":
            continue
        ticket = data["ticket"]
        held = newest.get(tid)
        if held is None or ticket["version"] >= held["version"]:
            newest[tid] = ticket
    return {tid: (ticket, ticket_values(ticket)) for tid, ticket in newest.items()}


def entry_row(entry: dict[str, Any], *, op_id: int | None = None) -> dict[str, Any]:
    """A thread entry's `entries` row (`op_id`: the outbox operation that wrote it locally)."""
    return {
        "id": entry["id"],
        "ticket_id": entry["ticket_id"],
        "kind": entry["kind"],
        "created_at": _epoch(entry["created_at"]) or 0.0,
        "op_id": op_id,
        "data": orjson.dumps(entry).decode(),
    }


__all__ = ["BULK_COLUMNS", "SERVER_COLUMNS", "entry_row", "prepare_changes", "queue_values", "ticket_row",
           "ticket_values"]
