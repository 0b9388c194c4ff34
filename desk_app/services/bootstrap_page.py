"""A page of the bootstrap, ready for the cache: queue rows as served, snapshots kept as text.

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

Either way the result is a `BootstrapPage`: per ticket, its queue row in
`ROW_FIELDS` order and its snapshot as JSON text. The rows of the `rows`
format are the arrays as parsed, handed to SQLite as they are: no Python
work per ticket between the parse and the cache's executemany, which matters
because that work held the GIL the cache's writer thread needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from desk_app.core.queue_row import ID, ROW_FIELDS, queue_values
from desk_app.services.errors import ServerError

@dataclass(frozen=True, slots=True)
class BootstrapPage:
    cursor: int
    next_after: int | None
    has_more: bool
    #: Per ticket, its queue row: the values of `ROW_FIELDS`, in that order.
    rows: Sequence[Sequence[Any]]
    #: Per ticket, in the same order: its snapshot as JSON text.
    snapshots: Sequence[str]
    #: The page's tickets the user follows (escalated by them, or theirs when they went up).
    following: Sequence[int] = ()

    @property
    def ids(self) -> list[int]:
        return [row[ID] for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def snapshot_of(self, index: int) -> dict[str, Any]:
        """The snapshot of the page's `index`-th ticket, parsed (only a ticket with edits
        still pending needs it: it is rebuilt one by one)."""
        return orjson.loads(self.snapshots[index])

    @classmethod
    def from_json(cls, page: dict[str, Any]) -> BootstrapPage:
        """A page in the `json` format (already parsed)."""
        tickets = page["tickets"]
        return cls(page["cursor"], page.get("next_after"), bool(page.get("has_more")),
                   [queue_values(t) for t in tickets], [orjson.dumps(t).decode() for t in tickets],
                   _ids(page.get("following")))


def parse_rows_page(content: bytes) -> BootstrapPage:
    """A page in the `rows` format (the raw response body).

    The hot path of a bootstrap, run on the thread that fetches while the
    cache's thread writes the previous page: two parses in C (the rows line,
    and the snapshots split into lines) and nothing per ticket. Raises
    `ServerError` when the body is not such a page.
    """
    first, _, rest = content.partition(b"\n")
    try:
        head = orjson.loads(first)
        columns, rows = tuple(head["columns"]), head["rows"]
        cursor, next_after, has_more = int(head["cursor"]), head["next_after"], bool(head["has_more"])
        following = _ids(head.get("following"))  # absent from a store older than follows
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise ServerError("The store sent a bootstrap page this client cannot read.", code="bad_page") from None
    if columns != ROW_FIELDS:
        raise ServerError(
            f"The store's bootstrap rows have the fields {list(columns)}; this client reads {list(ROW_FIELDS)}.",
            code="bad_page",
        )
    try:
        snapshots = rest.decode().split("\n") if rest else []
    except UnicodeDecodeError:
        raise ServerError("The store's bootstrap page is not UTF-8.", code="bad_page") from None
    if not isinstance(rows, list):
        raise ServerError("The store's bootstrap rows are not a list.", code="bad_page")
    if len(rows) != len(snapshots):
        raise ServerError(f"The store's bootstrap page is cut: {len(rows)} rows, {len(snapshots)} snapshots.",
                          code="bad_page")
    if rows and not all(type(row) is list and len(row) == len(ROW_FIELDS) for row in (rows[0], rows[-1])):
        raise ServerError("The store's bootstrap rows are not arrays of its columns.", code="bad_page")
    return BootstrapPage(cursor, next_after, has_more, rows, snapshots, following)


def _ids(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(type(v) is int for v in value):
        raise ValueError("following is not a list of ticket ids")
    return tuple(value)


__all__ = ["BootstrapPage", "ROW_FIELDS", "parse_rows_page"]
