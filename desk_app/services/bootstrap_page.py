"""A page of the bootstrap, ready for the cache: queue rows made, snapshots kept as text.

The store serves `GET /sync/bootstrap` in two formats (see the server's
`sync/router.py`):

``json``
    ``{"cursor", "tickets": [snapshot, ...], "next_after", "has_more"}``. Every
    snapshot is parsed (about 60 objects each) and serialised again for the
    cache.
``rows``
    NDJSON: a first line with the page's queue columns, which the database
    took out of each snapshot while reading it, then one line per ticket
    holding its snapshot exactly as served. The client parses only the small
    first line and stores each snapshot line as it came, so a page of 5,000
    tickets costs a fraction of the parsing (bench/README.md, "Client
    services").

Either way the result is a `BootstrapPage` whose `values` are the cache's bulk
rows in `local_cache.ticket_values` layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from desk_app.services.errors import ServerError

#: The layout this client reads; the server names its columns on every page.
ROW_COLUMNS = (
    "id", "number", "subject", "status", "priority", "category", "channel", "tier", "policy",
    "queue_id", "assignee_id", "customer_id", "order_id", "version",
)
ROW_EXTRA_COLUMNS = (
    "customer_name", "customer_tier", "created_at", "updated_at",
    "sla.state", "sla.due_at", "sla.next_due", "sla.escalation_due.due_at",
)

_fromiso = datetime.fromisoformat


@dataclass(frozen=True, slots=True)
class BootstrapPage:
    cursor: int
    next_after: int | None
    has_more: bool
    #: Per ticket: (its `tickets` row, its `ticket_json` row), as `ticket_values` makes them.
    values: list[tuple[tuple[Any, ...], tuple[Any, ...]]]
    #: Per ticket, in the same order: how to get its snapshot as a dict (rarely needed:
    #: only for a ticket with edits still pending, which is rebuilt one by one).
    snapshot_of: Callable[[int], dict[str, Any]]

    @property
    def ids(self) -> list[int]:
        return [v[0][0] for v in self.values]

    def __len__(self) -> int:
        return len(self.values)

    @classmethod
    def from_json(cls, page: dict[str, Any], values: list[tuple[tuple[Any, ...], tuple[Any, ...]]] | None = None
                  ) -> BootstrapPage:
        """A page in the `json` format (already parsed); `values` if made beforehand."""
        from desk_app.services.local_cache import ticket_values

        tickets = page["tickets"]
        if values is None:
            values = [ticket_values(t) for t in tickets]
        return cls(page["cursor"], page.get("next_after"), bool(page.get("has_more")), values,
                   tickets.__getitem__)


def parse_rows_page(content: bytes) -> BootstrapPage:
    """A page in the `rows` format (the raw response body).

    The hot path of a bootstrap: 100,000 tickets go through the loop below, so
    it is kept flat. Raises `ServerError` when the body is not such a page.
    """
    first, _, rest = content.partition(b"\n")
    try:
        head = orjson.loads(first)
        columns, extra_columns = tuple(head["columns"]), tuple(head["extra_columns"])
        rows, extra = head["rows"], head["extra"]
        cursor, next_after, has_more = int(head["cursor"]), head["next_after"], bool(head["has_more"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise ServerError("The store sent a bootstrap page this client cannot read.", code="bad_page") from None
    if columns != ROW_COLUMNS or extra_columns != ROW_EXTRA_COLUMNS:
        raise ServerError(
            f"The store's bootstrap rows have columns {list(columns) + list(extra_columns)}; "
            f"this client reads {list(ROW_COLUMNS) + list(ROW_EXTRA_COLUMNS)}.",
            code="bad_page",
        )
    lines = rest.split(b"\n") if rest else []
    if not len(rows) == len(extra) == len(lines):
        raise ServerError(
            f"The store's bootstrap page is cut: {len(rows)} rows, {len(extra)} extras, {len(lines)} snapshots.",
            code="bad_page",
        )
    values = []
    append = values.append
    for row, more, line in zip(rows, extra, lines):
        tid, number, subject, status, priority, category, channel, tier, policy, queue_id, assignee_id, \
            customer_id, order_id, version = row
        customer_name, customer_tier, created_at, updated_at, sla_state, due_at, next_due, escalation_due = more
        append((
            (
                tid, number, subject, status, priority, category, channel, tier, policy, queue_id,
                assignee_id, customer_id, customer_name or "", customer_tier or "standard", order_id, version,
                _fromiso(created_at).timestamp(), _fromiso(updated_at).timestamp(), sla_state,
                _fromiso(due_at).timestamp() if due_at else None, next_due, 0,
                _fromiso(escalation_due).timestamp() if escalation_due else None,
            ),
            (tid, version, line.decode()),
        ))
    return BootstrapPage(cursor, next_after, has_more, values, lambda i: orjson.loads(lines[i]))


__all__ = ["BootstrapPage", "ROW_COLUMNS", "ROW_EXTRA_COLUMNS", "parse_rows_page"]
