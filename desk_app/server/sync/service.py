"""The change log: one global, gap-free, increasing sequence, in commit order.

How the sequence stays gap-free and equal to commit order
---------------------------------------------------------
Every change is appended by `append_change` inside the transaction that makes
it, as the *last* write of that transaction. It increments the single row
`counters.change_seq` (`UPDATE ... SET value = value + 1 ... RETURNING value`,
the same row lock a `SELECT ... FOR UPDATE` would take) and inserts the change
with that number; on PostgreSQL both happen in one statement (a data-modifying
CTE) together with the NOTIFY.

The row lock is held until the transaction ends, so on PostgreSQL a second
writer blocks on the row until the first commits or rolls back and then reads
the committed value: numbers are handed out one transaction at a time, a
rolled-back transaction gives its number back (no gap), and sequence order is
commit order. A reader that has seen seq N has therefore seen every change
below N, which is what lets clients and the SSE streams read "everything after
my cursor" without ever skipping a change that committed late. On SQLite,
write transactions start with BEGIN IMMEDIATE and are serialised as a whole,
which gives the same guarantee.

A PostgreSQL NOTIFY carrying only the new number is sent in the same
transaction (delivered at commit); every instance then re-reads the log by
cursor, so a lost or coalesced notification loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.orm import Session

from desk_app.server.core.db import PENDING_SEQ_KEY
from desk_app.server.core.types import UTCDateTime, iso
from desk_app.server.sync.models import Change
from desk_app.server.sync.visibility import Viewer

NOTIFY_CHANNEL = "desk_changes"
CHANGE_SEQ = "change_seq"


_NEXT_VALUE = text("UPDATE counters SET value = value + 1 WHERE name = :name RETURNING value")


def next_counter_value(session: Session, name: str) -> int:
    """Increment a named counter and return the new value; the row stays locked until commit."""
    # Core on the session's connection: the ORM's bulk-update path costs more than the statement.
    return session.connection().execute(_NEXT_VALUE, {"name": name}).scalar_one()


def append_change(
    session: Session,
    *,
    now: datetime,
    kind: str,
    ticket_id: int | None,
    actor_id: int | None,
    fields: list[str],
    payload: bytes,
    placement: tuple[int | None, int | None, int | None],
    prev_placement: tuple[int | None, int | None, int | None] | None,
) -> int:
    """Append one change; call it last in the transaction (it takes the sequence lock)."""
    session.flush()  # the change's own writes go first; the sequence lock is held only from here to commit
    queue_id, tier, assignee_id = placement
    prev = prev_placement or (None, None, None)
    fields_json = orjson.dumps(fields)
    # The change as clients receive it, less its "seq" (known only below), so
    # reading the feed is string concatenation, not re-serialisation.
    body = b'{"at":"%s","kind":%s,"ticket_id":%s,"actor_id":%s,"fields":%s,"data":%s}' % (
        iso(now).encode(),
        orjson.dumps(kind),
        orjson.dumps(ticket_id),
        orjson.dumps(actor_id),
        fields_json,
        payload,
    )
    values = {
        "at": now,
        "kind": kind,
        "ticket_id": ticket_id,
        "actor_id": actor_id,
        "fields": fields_json.decode(),
        "payload": body.decode(),
        "queue_id": queue_id,
        "tier": tier,
        "assignee_id": assignee_id,
        "prev_queue_id": prev[0],
        "prev_tier": prev[1],
        "prev_assignee_id": prev[2],
    }
    if session.get_bind().dialect.name == "postgresql":
        # One round trip: take the number, insert the change, queue the NOTIFY.
        seq = session.connection().execute(_PG_APPEND, {**values, "channel": NOTIFY_CHANNEL}).scalar_one()
    else:
        seq = next_counter_value(session, CHANGE_SEQ)
        session.connection().execute(_INSERT_CHANGE, {"seq": seq, **values})
    session.info.setdefault(PENDING_SEQ_KEY, []).append(seq)
    return seq


_INSERT_CHANGE = insert(Change.__table__)
_COLUMNS = (
    "at", "kind", "ticket_id", "actor_id", "fields", "payload",
    "queue_id", "tier", "assignee_id", "prev_queue_id", "prev_tier", "prev_assignee_id",
)
_PG_APPEND = text(
    "WITH next AS (UPDATE counters SET value = value + 1 WHERE name = 'change_seq' RETURNING value), "
    f"added AS (INSERT INTO change_log (seq, {', '.join(_COLUMNS)}) "
    f"SELECT next.value, {', '.join(':' + c for c in _COLUMNS)} FROM next RETURNING seq) "
    "SELECT seq FROM added, LATERAL (SELECT pg_notify(:channel, added.seq::text)) AS notified"
).bindparams(bindparam("at", type_=UTCDateTime()))


def head(session: Session) -> int:
    """The highest committed sequence number (0 when the log is empty)."""
    return session.scalar(select(func.coalesce(func.max(Change.seq), 0))) or 0


def read_changes(session: Session, since: int, limit: int) -> list[Any]:
    """Raw rows after `since`: (seq, ticket_id, kind, payload, queue_id, assignee_id, prev_queue_id, prev_assignee_id).

    A plain SQL read without type processing: this is the feed's hot path.
    """
    return session.connection().execute(_READ, {"since": since, "limit": limit}).all()


_READ = text(
    "SELECT seq, ticket_id, kind, payload, queue_id, assignee_id, prev_queue_id, prev_assignee_id "
    "FROM change_log WHERE seq > :since ORDER BY seq LIMIT :limit"
)


def render_change(row: Any, viewer: Viewer) -> bytes | None:
    """The change as JSON for this viewer; None when they may not know of it.

    A ticket that leaves the viewer's sight yields a `ticket.hidden` change so
    their client drops it.
    """
    seq, ticket_id, kind, payload, queue_id, assignee_id, prev_queue_id, prev_assignee_id = row
    if viewer.can_see(queue_id, assignee_id):
        return b'{"seq":%d,%s' % (seq, payload[1:].encode())
    if ticket_id is not None and kind != "ticket.created" and viewer.can_see(prev_queue_id, prev_assignee_id):
        at = orjson.loads(payload[: payload.index(',"kind"')] + "}")["at"]
        return b'{"seq":%d,"at":"%s","kind":"ticket.hidden","ticket_id":%d,"actor_id":null,"fields":[],"data":null}' % (
            seq,
            at.encode(),
            ticket_id,
        )
    return None
