"""The persistent outbox, drafts and rejections, in the local cache's file.

`enqueue` records an operation with its idempotency key and applies it to the
ticket row in the same transaction (optimistic). `confirm` and `reject` close
it, again in one transaction each: the row is rebuilt from the server's state
and the operations still pending, so a confirmed change stays and a refused
one disappears, with what the agent wrote kept (a draft for replies and notes,
the rejection record for everything).

Chained edits. Each operation carries the server version the agent saw
(`base_version`, sent as If-Match where the kind uses it). Every change bumps
a ticket's version by exactly one, so when the server confirms an operation
based on version b with version b + 1 (or b, for a change that changed
nothing), nobody else touched the ticket in between, and the later operations
based on b are moved to the new version: ten edits made offline go through in
order. When someone else did change it, they keep their old base and fail
with a conflict, as an edit made on a stale view must.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import orjson
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from desk_app.services import cache_schema as schema
from desk_app.services.errors import NotFound, ValidationFailed
from desk_app.services.events import ALL_FIELDS, ChangeSet, Rejection
from desk_app.services.mutations import (
    ENTRY_KINDS,
    OpKind,
    PendingOp,
    apply_local,
    local_entry,
    placeholder_ticket,
    written_text,
)
from desk_app.services.ticket_rows import entry_row



class CacheFile(Protocol):
    """What the outbox needs of the cache file (`LocalCache`), which owns it: its transactions,
    its clock and the in-transaction writes of a ticket's row (the cache imports this module)."""

    clock: Callable[[], float]

    def read(self) -> AbstractContextManager[Connection]: ...

    def write(self, *, checkpoint: bool = True) -> AbstractContextManager[Connection]: ...

    def store_detail(self, conn: Connection, detail: dict[str, Any]) -> None: ...

    def rebuild_row(self, conn: Connection, ticket_id: int, snapshot: dict[str, Any] | None) -> bool: ...

    def write_row(self, conn: Connection, ticket: dict[str, Any], *, version: int, pending: int, data: str,
                  server_data: str | None, thread_complete: int | None = None) -> None: ...

T = schema.tickets
J = schema.ticket_json
E = schema.entries
O = schema.outbox
D = schema.drafts
R = schema.rejections

#: Draft kinds: the composer's modes.
DRAFT_KINDS = ("public_reply", "internal_note", "phone_call", "customer_message")


#: The outbox columns `op_from_row` reads, for plain-SQL selects.
OP_COLUMNS = "id, key, kind, ticket_id, base_version, payload, created_at, attempts, last_error"

_INSERT_ENTRY = "INSERT INTO entries (id, ticket_id, kind, created_at, op_id, data) VALUES (?, ?, ?, ?, ?, ?)"


def op_from_row(row: Any) -> PendingOp:
    return PendingOp(
        id=row.id,
        key=row.key,
        kind=OpKind(row.kind),
        ticket_id=row.ticket_id,
        base_version=row.base_version,
        payload=orjson.loads(row.payload),
        created_at=row.created_at,
        attempts=row.attempts,
        last_error=row.last_error,
    )


@dataclass(frozen=True, slots=True)
class Draft:
    ticket_id: int
    kind: str
    body: str
    updated_at: datetime


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


class OutboxStore:
    def __init__(self, cache: CacheFile) -> None:
        self.cache = cache

    # -- recording --------------------------------------------------------------------

    def enqueue(self, kind: OpKind, ticket_id: int | None, payload: dict[str, Any], *,
                key: str | None = None, done_draft: str | None = None) -> tuple[PendingOp, ChangeSet]:
        """Record a change and show it at once; returns the operation and what changed locally.

        `done_draft`: the draft kind this change sends (deleted in the same transaction).
        """
        cache = self.cache
        now = cache.clock()
        key = key or str(uuid.uuid4())
        with cache.write() as conn:
            base_version = None
            current: dict[str, Any] | None = None
            if kind is not OpKind.CREATE:
                row = conn.exec_driver_sql("SELECT version, data FROM ticket_json WHERE id = ?", (ticket_id,)).first()
                if row is None:
                    raise NotFound(f"Ticket {ticket_id} is not in the local cache (it may have left your view).",
                                   code="ticket_not_cached")
                base_version = row[0]
                current = orjson.loads(row[1])
            op_id = conn.exec_driver_sql(
                "INSERT INTO outbox (key, kind, ticket_id, base_version, payload, created_at, attempts) "
                "VALUES (?, ?, ?, ?, ?, ?, 0)",
                (key, kind.value, ticket_id, base_version, orjson.dumps(payload).decode(), now),
            ).lastrowid
            if kind is OpKind.CREATE:
                ticket_id = -op_id
                conn.exec_driver_sql("UPDATE outbox SET ticket_id = ? WHERE id = ?", (ticket_id, op_id))
            op = PendingOp(op_id, key, kind, ticket_id, base_version, payload, now)
            if kind is OpKind.CREATE:
                placeholder = placeholder_ticket(op, user_id=cache.user_id)
                text = orjson.dumps(placeholder).decode()
                cache.write_row(conn, placeholder, version=0, pending=1, data=text, server_data=text, thread_complete=1)
                fields = {ALL_FIELDS}
            else:
                _, fields = apply_local(current, op, user_id=cache.user_id)
                cache.rebuild_row(conn, ticket_id, None)
            entry = local_entry(op, user_id=cache.user_id, user_name=cache.user_name)
            if entry is not None:
                row = entry_row(entry, op_id=op_id)
                conn.exec_driver_sql(_INSERT_ENTRY, (row["id"], row["ticket_id"], row["kind"], row["created_at"],
                                                     row["op_id"], row["data"]))
                fields.add("thread")
            if done_draft is not None:
                conn.exec_driver_sql("DELETE FROM drafts WHERE ticket_id = ? AND kind = ?", (ticket_id, done_draft))
        return op, ChangeSet.of({ticket_id: fields}, local=True)

    # -- reading ----------------------------------------------------------------------

    def size(self) -> int:
        with self.cache.read() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar_one()

    def first(self) -> PendingOp | None:
        with self.cache.read() as conn:
            row = conn.exec_driver_sql(f"SELECT {OP_COLUMNS} FROM outbox ORDER BY id LIMIT 1").first()
        return op_from_row(row) if row is not None else None

    def pending(self, ticket_id: int | None = None) -> list[PendingOp]:
        stmt = select(O).order_by(O.c.id)
        if ticket_id is not None:
            stmt = stmt.where(O.c.ticket_id == ticket_id)
        with self.cache.read() as conn:
            return [op_from_row(r) for r in conn.execute(stmt)]

    def note_attempt(self, op: PendingOp, error: str | None) -> int:
        with self.cache.write() as conn:
            conn.execute(update(O).where(O.c.id == op.id).values(attempts=O.c.attempts + 1, last_error=error))
            return conn.execute(select(O.c.attempts).where(O.c.id == op.id)).scalar() or 0

    # -- closing ----------------------------------------------------------------------

    def confirm(self, op: PendingOp, response: Any) -> ChangeSet:
        """The server applied `op` and answered `response`; idempotent."""
        cache = self.cache
        with cache.write() as conn:
            if conn.exec_driver_sql("DELETE FROM outbox WHERE id = ?", (op.id,)).rowcount == 0:
                return ChangeSet()
            conn.exec_driver_sql("DELETE FROM entries WHERE id = ?", (op.local_id,))
            if op.kind is OpKind.CREATE:
                return self._confirm_create(conn, op, response)
            ticket = response["ticket"] if op.kind in ENTRY_KINDS else response
            before = conn.exec_driver_sql("SELECT status FROM tickets WHERE id = ?", (op.ticket_id,)).scalar()
            if op.kind in ENTRY_KINDS:
                row = entry_row(response["entry"])
                conn.exec_driver_sql(
                    _INSERT_ENTRY + " ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                    (row["id"], row["ticket_id"], row["kind"], row["created_at"], None, row["data"]),
                )
            version, base = ticket["version"], op.base_version
            if base is not None and version in (base, base + 1):
                conn.exec_driver_sql("UPDATE outbox SET base_version = ? WHERE ticket_id = ? AND base_version = ?",
                                     (version, op.ticket_id, base))
            cache.rebuild_row(conn, op.ticket_id, ticket)
            if op.kind not in ENTRY_KINDS or ticket.get("status") != before:
                # The server wrote system entries (status changed, assigned, ...) we do not have.
                conn.exec_driver_sql("UPDATE tickets SET thread_complete = 0 WHERE id = ?", (op.ticket_id,))
        return ChangeSet.of({op.ticket_id: {"version", "thread", "sla"}})

    def _confirm_create(self, conn: Connection, op: PendingOp, detail: dict[str, Any]) -> ChangeSet:
        placeholder, real = op.local_id, detail["id"]
        conn.execute(delete(T).where(T.c.id == placeholder))
        conn.execute(update(O).where(O.c.ticket_id == placeholder).values(ticket_id=real, base_version=detail["version"]))
        for entry_id, data in conn.execute(select(E.c.id, E.c.data).where(E.c.ticket_id == placeholder)).all():
            moved = {**orjson.loads(data), "ticket_id": real}
            conn.execute(update(E).where(E.c.id == entry_id).values(ticket_id=real, data=orjson.dumps(moved).decode()))
        conn.execute(update(D).where(D.c.ticket_id == placeholder).values(ticket_id=real))
        self.cache.store_detail(conn, detail)
        return ChangeSet.of({real: {ALL_FIELDS}}, removed={placeholder}, replaced={placeholder: real})

    def reject(self, op: PendingOp, *, code: str | None, message: str, current: dict[str, Any] | None = None,
               gone: bool = False) -> tuple[list[Rejection], ChangeSet]:
        """The server refused `op`: roll the ticket back to its state, keep the agent's text.

        `current`: the server's ticket (a 412's body, or read afterwards); `gone`:
        the ticket is no longer visible (404), drop it.
        """
        cache = self.cache
        now = cache.clock()
        with cache.write() as conn:
            if conn.execute(delete(O).where(O.c.id == op.id)).rowcount == 0:
                return [], ChangeSet()
            conn.execute(delete(E).where(E.c.id == op.local_id))
            number = conn.execute(select(T.c.number).where(T.c.id == op.ticket_id)).scalar()
            if current is not None:
                number = current.get("number", number)
            records = [self._record(conn, op, code, message, number, current, now)]
            if op.kind is OpKind.CREATE:
                placeholder = op.local_id
                for dependent in [op_from_row(r) for r in conn.execute(
                        select(O).where(O.c.ticket_id == placeholder).order_by(O.c.id))]:
                    conn.execute(delete(O).where(O.c.id == dependent.id))
                    records.append(self._record(
                        conn, dependent, "not_created",
                        "Not sent: the ticket it belongs to could not be created.", None, None, now,
                        keep_draft=False,
                    ))
                conn.execute(delete(T).where(T.c.id == placeholder))
                conn.execute(delete(E).where(E.c.ticket_id == placeholder))
                conn.execute(delete(D).where(D.c.ticket_id == placeholder))
                changes = ChangeSet(removed=frozenset({placeholder}), local=True)
            elif gone:
                others = conn.execute(select(func.count()).select_from(O).where(O.c.ticket_id == op.ticket_id)).scalar()
                if not others:
                    conn.execute(delete(T).where(T.c.id == op.ticket_id))
                    conn.execute(delete(E).where(E.c.ticket_id == op.ticket_id))
                    changes = ChangeSet(removed=frozenset({op.ticket_id}))
                else:
                    cache.rebuild_row(conn, op.ticket_id, None)
                    changes = ChangeSet.of({op.ticket_id: {ALL_FIELDS}})
            else:
                if current is not None:
                    cache.store_detail(conn, current)
                else:
                    cache.rebuild_row(conn, op.ticket_id, None)
                changes = ChangeSet.of({op.ticket_id: {ALL_FIELDS}})
        return records, changes

    def _record(self, conn: Connection, op: PendingOp, code: str | None, message: str, number: str | None,
                current: dict[str, Any] | None, now: float, *, keep_draft: bool = True) -> Rejection:
        text, draft_kind = written_text(op)
        draft_saved = False
        if keep_draft and text and draft_kind and op.ticket_id is not None and op.ticket_id > 0:
            self._merge_draft(conn, op.ticket_id, draft_kind, text, now)
            draft_saved = True
        result = conn.execute(insert(R).values(
            at=now, op_kind=op.kind.value, ticket_id=op.ticket_id if (op.ticket_id or 0) > 0 else None,
            ticket_number=number, code=code, message=message, text=text, draft_saved=int(draft_saved),
            acknowledged=0,
        ))
        return Rejection(
            id=result.inserted_primary_key[0], at=_utc(now), op_kind=op.kind.value, ticket_id=op.ticket_id,
            ticket_number=number, code=code, message=message, text=text, draft_saved=draft_saved, current=current,
        )

    # -- drafts -----------------------------------------------------------------------

    @staticmethod
    def _check_kind(kind: str) -> None:
        if kind not in DRAFT_KINDS:
            raise ValidationFailed(f"Unknown draft kind {kind!r} (use one of {', '.join(DRAFT_KINDS)}).",
                                   code="invalid_draft_kind")

    def _merge_draft(self, conn: Connection, ticket_id: int, kind: str, text: str, now: float) -> None:
        existing = conn.execute(select(D.c.body).where(D.c.ticket_id == ticket_id, D.c.kind == kind)).scalar()
        if existing is None or not existing.strip():
            body = text
        elif text.strip() in existing:
            body = existing
        else:
            body = existing.rstrip() + "\n\n" + text
        self._put_draft(conn, ticket_id, kind, body, now)

    @staticmethod
    def _put_draft(conn: Connection, ticket_id: int, kind: str, body: str, now: float) -> None:
        stmt = sqlite_insert(D).values(ticket_id=ticket_id, kind=kind, body=body, updated_at=now)
        conn.execute(stmt.on_conflict_do_update(
            index_elements=[D.c.ticket_id, D.c.kind], set_={"body": stmt.excluded.body, "updated_at": now}))

    def save_draft(self, ticket_id: int, body: str, kind: str = "public_reply") -> None:
        """Keep what is being typed (an empty body deletes the draft)."""
        self._check_kind(kind)
        with self.cache.write() as conn:
            if body.strip():
                self._put_draft(conn, ticket_id, kind, body, self.cache.clock())
            else:
                conn.execute(delete(D).where(D.c.ticket_id == ticket_id, D.c.kind == kind))

    def load_draft(self, ticket_id: int, kind: str = "public_reply") -> Draft | None:
        self._check_kind(kind)
        with self.cache.read() as conn:
            row = conn.execute(select(D).where(D.c.ticket_id == ticket_id, D.c.kind == kind)).first()
        return Draft(row.ticket_id, row.kind, row.body, _utc(row.updated_at)) if row else None

    def delete_draft(self, ticket_id: int, kind: str = "public_reply") -> None:
        self._check_kind(kind)
        with self.cache.write() as conn:
            conn.execute(delete(D).where(D.c.ticket_id == ticket_id, D.c.kind == kind))

    def drafts(self, ticket_id: int | None = None) -> list[Draft]:
        stmt = select(D).order_by(D.c.ticket_id, D.c.kind)
        if ticket_id is not None:
            stmt = stmt.where(D.c.ticket_id == ticket_id)
        with self.cache.read() as conn:
            return [Draft(r.ticket_id, r.kind, r.body, _utc(r.updated_at)) for r in conn.execute(stmt)]

    # -- rejections -------------------------------------------------------------------

    def rejections(self, *, include_acknowledged: bool = False) -> list[Rejection]:
        """Refused changes the agent has not dismissed yet (they survive a restart)."""
        stmt = select(R).order_by(R.c.id)
        if not include_acknowledged:
            stmt = stmt.where(R.c.acknowledged == 0)
        with self.cache.read() as conn:
            return [
                Rejection(id=r.id, at=_utc(r.at), op_kind=r.op_kind, ticket_id=r.ticket_id,
                          ticket_number=r.ticket_number, code=r.code, message=r.message, text=r.text,
                          draft_saved=bool(r.draft_saved))
                for r in conn.execute(stmt)
            ]

    def acknowledge_rejection(self, rejection_id: int) -> None:
        with self.cache.write() as conn:
            conn.execute(update(R).where(R.c.id == rejection_id).values(acknowledged=1))
