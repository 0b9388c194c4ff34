"""A page of the bootstrap, ready for the cache: queue rows made, snapshots kept as text.

The store serves `GET /sync/bootstrap` in two formats (see the server's
`sync/router.py`):

``json``
    ``{"cursor", "tickets": [snapshot, ...], "next_after", "has_more"}``. Every
    snapshot is parsed (about 60 objects each) and serialised again for the
    cache.
``rows``
    NDJSON: a first line with each ticket's queue row (a small array the
    store keeps beside the snapshot, its fields named in ``columns``), then
    one line per ticket holding its snapshot exactly as served. The client
    parses only the first line and stores each snapshot line as it came, so a
    page of 5,000 tickets costs a fraction of the parsing (bench/README.md,
    "Client services").

Either way the result is a `BootstrapPage` whose `values` are the cache's bulk
rows in `local_cache.ticket_values` layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from desk_app.services.errors import ServerError

#: The queue row's fields this client reads (the store names them on every page).
ROW_FIELDS = (
    "id", "number", "subject", "status", "priority", "category", "channel", "tier", "policy",
    "queue_id", "assignee_id", "customer_id", "customer_name", "customer_tier", "order_id", "version",
    "created_at", "updated_at", "sla_state", "sla_due_at", "sla_next_clock", "escalation_due_at",
)


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

    The hot path of a bootstrap: 100,000 tickets go through the comprehension
    below, so it is kept flat. Raises `ServerError` when the body is not such a page.
    """
    first, _, rest = content.partition(b"\n")
    try:
        head = orjson.loads(first)
        columns, rows = tuple(head["columns"]), head["rows"]
        cursor, next_after, has_more = int(head["cursor"]), head["next_after"], bool(head["has_more"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise ServerError("The store sent a bootstrap page this client cannot read.", code="bad_page") from None
    if columns != ROW_FIELDS:
        raise ServerError(
            f"The store's bootstrap rows have the fields {list(columns)}; this client reads {list(ROW_FIELDS)}.",
            code="bad_page",
        )
    lines = rest.split(b"\n") if rest else []
    if len(rows) != len(lines):
        raise ServerError(f"The store's bootstrap page is cut: {len(rows)} rows, {len(lines)} snapshots.",
                          code="bad_page")
    # The cache's row is the queue row with `pending` (0: nothing pending) before its last field.
    values = [((*row[:21], 0, row[21]), (row[0], row[15], line.decode())) for row, line in zip(rows, lines)]
    return BootstrapPage(cursor, next_after, has_more, values, lambda i: orjson.loads(lines[i]))


__all__ = ["BootstrapPage", "ROW_FIELDS", "parse_rows_page"]
