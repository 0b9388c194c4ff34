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

Riders: the last writes of a change (the ticket's rewritten row, its clock
rows, its audit entry) can be handed to `append_change` as `(statement, params)` pairs. On
PostgreSQL they go out in the change's own statement, as data-modifying CTEs:
one round trip for all of them instead of one each (each round trip waits for
a server process that competes for the same cores). On SQLite, which has no
round trips, they run just before the change. Either way they are in the
change's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Text, bindparam, cast, func, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase

from desk_app.server.core.db import PENDING_ROWS_KEY, PENDING_SEQ_KEY
from desk_app.server.core.types import iso
from desk_app.server.sync.models import Change, Counter
from desk_app.server.sync.visibility import Viewer

NOTIFY_CHANNEL = "desk_changes"
#: The payload on NOTIFY_CHANNEL that says a session ended (a logout): every instance's streams re-check their token.
SESSION_ENDED = "session"
CHANGE_SEQ = "change_seq"


_NEXT_VALUE = text("UPDATE counters SET value = value + 1 WHERE name = :name RETURNING value")


def next_counter_value(session: Session, name: str) -> int:
    """Increment a named counter and return the new value; the row stays locked until commit."""
    # Core on the session's connection: the ORM's bulk-update path costs more than the statement.
    return session.connection().execute(_NEXT_VALUE, {"name": name}).scalar_one()


#: A write that rides with a change: a DML statement built once (its bind
#: parameters named apart from every other rider's and from the change's own,
#: which start with "c_"), and its parameters (a list of them, for an
#: executemany, only on SQLite).
Rider = tuple[UpdateBase, dict[str, Any] | list[dict[str, Any]]]


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
    riders: Sequence[Rider] = (),
) -> int:
    """Append one change; call it last in the transaction (it takes the sequence lock).

    `riders`: the transaction's other last writes, sent with the change (see above).
    """
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
        "c_at": now,
        "c_kind": kind,
        "c_ticket_id": ticket_id,
        "c_actor_id": actor_id,
        "c_fields": fields_json.decode(),
        "c_payload": body.decode(),
        "c_queue_id": queue_id,
        "c_tier": tier,
        "c_assignee_id": assignee_id,
        "c_prev_queue_id": prev[0],
        "c_prev_tier": prev[1],
        "c_prev_assignee_id": prev[2],
    }
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # One round trip: the riders, the number, the change and the NOTIFY.
        for _, params in riders:
            values.update(params)
        seq = connection.execute(_pg_append(tuple(stmt for stmt, _ in riders)), values).first()[0]
    else:
        for stmt, params in riders:
            connection.execute(stmt, params)
        seq = next_counter_value(session, CHANGE_SEQ)
        connection.execute(_INSERT_CHANGE, {"c_seq": seq, **values})
    session.info.setdefault(PENDING_SEQ_KEY, []).append(seq)
    # The row as `read_changes` gives it: once committed, this instance's
    # streams deliver it without reading it back (core.db.RecentChanges).
    session.info.setdefault(PENDING_ROWS_KEY, []).append(
        (seq, ticket_id, kind, values["c_payload"], queue_id, assignee_id, prev[0], prev[2])
    )
    return seq


_CHANGES = Change.__table__
_COLUMNS = (
    "at", "kind", "ticket_id", "actor_id", "fields", "payload",
    "queue_id", "tier", "assignee_id", "prev_queue_id", "prev_tier", "prev_assignee_id",
)
_INSERT_CHANGE = insert(_CHANGES).values({c: bindparam("c_" + c) for c in ("seq", *_COLUMNS)})
#: The combined statement per tuple of rider statements (those are built once, so there are few).
_PG_STATEMENTS: dict[tuple[UpdateBase, ...], Any] = {}


def _pg_append(riders: tuple[UpdateBase, ...]) -> Any:
    """WITH <riders>, next (the number), added (the change) SELECT seq, pg_notify(channel, seq)."""
    statement = _PG_STATEMENTS.get(riders)
    if statement is None:
        counters = Counter.__table__
        number = (
            update(counters)
            .where(counters.c.name == CHANGE_SEQ)
            .values(value=counters.c.value + 1)
            .returning(counters.c.value)
            .cte("next")
        )
        added = (
            insert(_CHANGES)
            .from_select(
                ["seq", *_COLUMNS],
                select(number.c.value, *(bindparam("c_" + c, type_=_CHANGES.c[c].type) for c in _COLUMNS)),
            )
            .returning(_CHANGES.c.seq)
            .cte("added")
        )
        statement = select(added.c.seq, func.pg_notify(NOTIFY_CHANNEL, cast(added.c.seq, Text))).add_cte(
            *(rider.cte(f"rider_{i}") for i, rider in enumerate(riders))
        )
        _PG_STATEMENTS[riders] = statement
    return statement


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
    their client drops it. A ticket they follow (`tickets.follows`) never
    leaves it, and its changes carry `"following":true`.
    """
    seq, ticket_id, kind, payload, queue_id, assignee_id, prev_queue_id, prev_assignee_id = row
    if ticket_id is not None and ticket_id in viewer.followed:
        return b'{"seq":%d,"following":true,%s' % (seq, payload[1:].encode())
    if viewer.works(queue_id, assignee_id):
        return b'{"seq":%d,%s' % (seq, payload[1:].encode())
    if hides(row, viewer):
        at = orjson.loads(payload[: payload.index(',"kind"')] + "}")["at"]
        return b'{"seq":%d,"at":"%s","kind":"ticket.hidden","ticket_id":%d,"actor_id":null,"fields":[],"data":null}' % (
            seq,
            at.encode(),
            ticket_id,
        )
    return None


#: Changes that may start a follow (`tickets.follows`): a viewer read before one of them may lack it.
FOLLOW_KINDS = frozenset({"ticket.escalated"})


def hides(row: Any, viewer: Viewer) -> bool:
    """Does the change take the ticket out of the viewer's sight?"""
    _, ticket_id, kind, _, queue_id, assignee_id, prev_queue_id, prev_assignee_id = row
    return (
        ticket_id is not None
        and kind != "ticket.created"
        and ticket_id not in viewer.followed
        and not viewer.works(queue_id, assignee_id)
        and viewer.works(prev_queue_id, prev_assignee_id)
    )


def viewer_may_be_stale(rows: Sequence[Any], viewer: Viewer) -> bool:
    """Whether `viewer`, read before `rows` committed, may miss a follow they started.

    A follow is written in the escalation's own transaction, so a viewer read
    after the rows has it. Only escalations start follows, and a follow only
    matters for a ticket leaving the viewer's sight or seen by them before:
    re-reading the viewer for those few rows keeps the feed exact.
    """
    if viewer.visible_queues is None:
        return False  # managers see every ticket and keep no follows in their viewer
    return any(row[2] in FOLLOW_KINDS and row[1] not in viewer.followed
               and viewer.works(row[6], row[7]) for row in rows)
