"""A ticket's queue row: the columns a client's queue table needs, as one JSON array.

Written beside the ticket's snapshot in the same transaction (`tickets.write.finish`),
so the bootstrap's `rows` format is a string join on the server and the parse
of one small array per ticket on the client, instead of parsing every full
snapshot (about 60 objects) to pull a few fields out of it. The layout is
`desk_app.core.queue_row`'s, the one the client reads.
"""

from __future__ import annotations

from typing import Any

import orjson

from desk_app.core.queue_row import ROW_FIELDS, queue_values


def queue_row(snapshot: dict[str, Any]) -> str:
    """The queue row of a ticket snapshot (`serialize.ticket_snapshot`), as JSON text."""
    return orjson.dumps(queue_values(snapshot)).decode()


__all__ = ["ROW_FIELDS", "queue_row"]
