"""The local cache: the tickets an agent can see, in SQLite, one file per server and user.

Layout: see `cache_schema`. The file runs in WAL mode, so readers (the UI's
queries) never wait for the writer (the sync engine, the outbox); writes are
serialised by a lock and start with BEGIN IMMEDIATE.

Consistency rules
    * The change-log cursor is written in the same transaction as the changes
      it covers (`apply_changes`, `apply_bootstrap_page`), and changes at or
      below the stored cursor are ignored there: a crash between two
      transactions can neither skip nor repeat a change.
    * A ticket row is "the server's snapshot + the pending outbox operations,
      in order" (`mutations.apply_local`). The snapshot is kept in
      `server_data` while operations are pending; whenever either side moves
      (a newer server version, a confirmation, a rejection) the row is rebuilt
      from them, so an optimistic edit is never lost and a refused one leaves
      no trace. A server snapshot older than the one held is ignored.
    * Bulk writes (a bootstrap page, a page of changes) are one transaction of
      SQLAlchemy Core executemany statements.

Outbox, drafts and rejections live in `outbox_store.OutboxStore`, a view on
the same file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Engine, and_, create_engine, delete, event, func, insert, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError

from desk_app.core.phone import number_forms
from desk_app.services import cache_schema as schema
from desk_app.services.api_client import normalize_server_url
from desk_app.core.queue_row import ROW_FIELDS, VERSION
from desk_app.services.bootstrap_page import BootstrapPage
from desk_app.services.cache_wal import CONNECTION_PRAGMAS, WalCheckpointer
from desk_app.services.errors import CacheError, ServerError
from desk_app.services.events import ALL_FIELDS, ChangeSet
from desk_app.services.mutations import PendingOp, apply_local
from desk_app.services.outbox_store import OP_COLUMNS, OutboxStore, op_from_row
from desk_app.services.ticket_rows import (
    BULK_COLUMNS as _BULK_COLUMNS,
    SERVER_COLUMNS as _SERVER_COLUMNS,
    entry_row,
    prepare_changes,
    queue_values,
    ticket_row,
    ticket_values,
)

log = logging.getLogger("desk.services.cache")

T = schema.tickets
J = schema.ticket_json
E = schema.entries
M = schema.meta
O = schema.outbox
F = schema.follows



def cache_file(data_dir: Path, server_url: str, username: str) -> Path:
    """The cache file of one user on one server: a digest, so neither appears in the name."""
    digest = hashlib.sha256(f"{normalize_server_url(server_url)}\n{username.strip().lower()}".encode()).hexdigest()
    return Path(data_dir) / "cache" / f"{digest[:24]}.sqlite3"


_ALL = frozenset((ALL_FIELDS,))

#: Keys of GET /tickets/{id} that are not part of the ticket's snapshot (the feed never
#: carries them): kept apart, so a ticket read in full equals the feed's copy of it.
_DETAIL_ONLY = frozenset({"customer", "thread", "escalations", "attachments", "counterparty"})


def _bulk_upsert_sql() -> str:
    """INSERT ... ON CONFLICT(id) DO UPDATE ... WHERE not older, compiled once to plain SQL with ? markers."""
    stmt = sqlite_insert(T)
    stmt = stmt.on_conflict_do_update(
        index_elements=[T.c.id],
        set_={c: stmt.excluded[c] for c in _SERVER_COLUMNS},
        # >=: the store's own changes (SLA states, system events) keep the version,
        # and the feed delivers them in order, so the later snapshot of a version wins.
        where=stmt.excluded.version >= T.c.version,
    )
    from sqlalchemy.dialects import sqlite

    compiled = stmt.values({c: None for c in _BULK_COLUMNS}).compile(dialect=sqlite.dialect())
    names = compiled.positiontup
    assert names == _BULK_COLUMNS, names
    return str(compiled)


def _put_ticket_sql() -> str:
    sql = _bulk_upsert_sql()
    return sql[: sql.rindex(" WHERE ")]  # the same statement without the version rule


#: The JSON beside it, under the same "an older version never wins" rule.
_BULK_JSON = (
    "INSERT INTO ticket_json (id, version, data, server_data) VALUES (?, ?, ?, NULL) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, data = excluded.data, server_data = NULL "
    "WHERE excluded.version >= ticket_json.version"
)


_BULK_UPSERT = _bulk_upsert_sql()

#: A bootstrap page's rows, bound as the store serves them (`ROW_FIELDS`; `thread_complete`
#: keeps its value, `pending` is 0: tickets with pending edits are rebuilt one by one).
#: The same version rule as `_BULK_UPSERT`. (A plain INSERT for pages whose ids are all
#: new was measured no faster: bench/README.md, "Client services".)
_ROW_UPSERT = (
    f"INSERT INTO tickets ({', '.join(ROW_FIELDS)}) VALUES ({', '.join('?' * len(ROW_FIELDS))})"
    " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in ROW_FIELDS[1:])
    + ", pending = 0 WHERE excluded.version >= tickets.version"
)
_PUT_TICKET = _put_ticket_sql()
_PUT_JSON = (
    "INSERT INTO ticket_json (id, version, data, server_data) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
    "SET version = excluded.version, data = excluded.data, server_data = excluded.server_data"
)


_FOLLOW = "INSERT INTO follows (ticket_id) VALUES (?) ON CONFLICT (ticket_id) DO NOTHING"


def _null(_value: None) -> None:
    return None


# CPython 3.11's sqlite3 binds a None through its adapter lookup, and the lookup's miss
# raises and clears an AttributeError each time (~0.75 us a None, measured). A
# bootstrap binds a few hundred thousand of them (unassigned tickets, clocks not
# running); with an adapter registered the lookup hits at once (~0.25 us). Still NULL.
sqlite3.register_adapter(type(None), _null)


#: One ticket as a queue lists it (no JSON parsing needed): the cache's `tickets` columns in table
#: order, that is `core.queue_row.ROW_FIELDS` plus the cache's own `pending` (`ticket_rows.BULK_COLUMNS`,
#: checked against `ROW_FIELDS` there). A queue column added to `ROW_FIELDS` is a field here too.
TicketRow = NamedTuple("TicketRow", [(name, Any) for name in _BULK_COLUMNS])
TicketRow.__doc__ = "One ticket as a queue lists it (no JSON parsing needed): the cache's `tickets` columns."


_ROW_COLUMNS = [T.c[name] for name in TicketRow._fields]


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """A queue's filter over the cache; every field optional (None: any)."""

    statuses: Sequence[str] | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    tier: int | None = None
    queue_id: int | None = None
    policy: str | None = None
    due_before: float | None = None  # epoch seconds: breaching (or breached) before this
    #: Only tickets at this tier or below (the work a role can take).
    max_tier: int | None = None
    #: Only the tickets the user follows (escalated by them).
    following: bool = False
    category: str | None = None
    priority: str | None = None
    channel: str | None = None
    customer_tier: str | None = None
    created_after: float | None = None  # epoch seconds
    created_before: float | None = None
    #: Only tickets whose latest escalation went up and is not acknowledged yet (read from the JSON).
    escalation_waiting: bool = False
    limit: int | None = None

    def where(self) -> list[Any]:
        clauses = []
        if self.statuses:
            clauses.append(T.c.status.in_(list(self.statuses)))
        if self.unassigned:
            clauses.append(T.c.assignee_id.is_(None))
        elif self.assignee_id is not None:
            clauses.append(T.c.assignee_id == self.assignee_id)
        if self.tier is not None:
            clauses.append(T.c.tier == self.tier)
        if self.queue_id is not None:
            clauses.append(T.c.queue_id == self.queue_id)
        if self.policy is not None:
            clauses.append(T.c.policy == self.policy)
        if self.due_before is not None:
            clauses.append(and_(T.c.sla_due_at.is_not(None), T.c.sla_due_at <= self.due_before))
        if self.max_tier is not None:
            clauses.append(T.c.tier <= self.max_tier)
        if self.following:
            clauses.append(T.c.id.in_(select(F.c.ticket_id)))
        for name in ("category", "priority", "channel", "customer_tier"):
            value = getattr(self, name)
            if value is not None:
                clauses.append(T.c[name] == value)
        if self.created_after is not None:
            clauses.append(T.c.created_at >= self.created_after)
        if self.created_before is not None:
            clauses.append(T.c.created_at < self.created_before)
        if self.escalation_waiting:
            clauses.append(T.c.tier > 1)  # the index narrows it before any JSON is read
            clauses.append(T.c.id.in_(select(J.c.id).where(
                func.json_extract(J.c.data, "$.escalation.direction") == "up",
                func.json_extract(J.c.data, "$.escalation.acknowledged") == 0,
            )))
        return clauses


@dataclass(frozen=True, slots=True)
class Thread:
    entries: list[dict[str, Any]]
    #: False when the cache holds only part of it (fetch the ticket to fill it).
    complete: bool


@dataclass(frozen=True, slots=True)
class BootstrapState:
    done: bool
    after: int
    cursor: int | None


#: The page size of a new cache file (bench/README.md, "Client services").
PAGE_SIZE = 8192


def _configure(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        # Before anything is written (a no-op on an existing file): a ticket's JSON is
        # ~1.6 KB, and 8 KB pages made a bootstrap's writes a quarter to a third faster.
        cursor.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA temp_store = MEMORY")
        for pragma in CONNECTION_PRAGMAS:  # checkpoints run on their own thread (cache_wal)
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        write = connection.get_execution_options().get("desk_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class LocalCache:
    """One agent's cache. Thread-safe: any thread may read; writes are serialised."""

    def __init__(self, path: str | Path, *, user_id: int | None = None, user_name: str | None = None,
                 clock=time.time) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            try:
                os.chmod(self.path.parent, 0o700)  # the cache holds customers' names
            except OSError:
                pass
        self.clock = clock
        self.engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=4,
            max_overflow=8,
        )
        _configure(self.engine)
        self._writer = self.engine.execution_options(desk_write=True)
        self.checkpointer = WalCheckpointer(self.engine, self.path)
        self._lock = threading.RLock()
        try:
            self.schema_version = self._migrate()
        except DatabaseError as exc:
            self.engine.dispose()
            raise CacheError(f"The local cache {self.path} cannot be opened: {exc.orig}") from None
        if user_id is not None:
            with self.write() as conn:
                self._set_meta(conn, "user_id", str(user_id))
                self._set_meta(conn, "user_name", user_name or "")
        self.user_id = int(self.meta("user_id") or 0)
        self.user_name = self.meta("user_name") or ""

    # -- plumbing ---------------------------------------------------------------------

    def _migrate(self) -> int:
        with self._lock, self._writer.begin() as conn:
            version = schema.current_version(conn)
        if version > schema.LATEST:
            raise CacheError(
                f"The local cache {self.path} was written by a newer Desk (schema {version}; this one "
                f"knows {schema.LATEST}). Update Desk, or delete the file to start afresh (changes not "
                "yet sent would be lost)."
            )
        for step_version, description, _ in schema.MIGRATIONS:
            if step_version <= version:
                continue
            with self._lock, self._writer.begin() as conn:
                if schema.current_version(conn) >= step_version:  # another process got there first
                    continue
                log.info("local cache: migrating to schema %d (%s)", step_version, description)
                schema.migrate_step(conn, step_version)
            version = step_version
        with self._lock, self._writer.begin() as conn:
            if self._get_meta(conn, "bootstrap_cursor") is None:
                schema.create_ticket_indexes(conn)  # no bootstrap under way: every index is there
        return version

    @contextmanager
    def write(self, *, checkpoint: bool = True) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE), committed when the block ends.

        Afterwards the log is copied back on the checkpoint thread if it has
        grown enough, unless `checkpoint` is False (a bootstrap page that is
        not the last: the copying waits until the whole bootstrap is in).
        """
        with self._lock, self._writer.begin() as conn:
            yield conn
        if checkpoint:
            self.checkpointer.after_commit()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction: a consistent snapshot of the file."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def close(self) -> None:
        self.checkpointer.stop()
        self.engine.dispose()

    def __enter__(self) -> LocalCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- meta -------------------------------------------------------------------------

    # The hot paths below (meta, one ticket's rows, its outbox operations) run as plain SQL
    # through Core's exec_driver_sql: building a SQLAlchemy statement object per call
    # cost several times what SQLite spends on it (measured: 8 ms per recorded change).

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str | None) -> None:
        if value is None:
            conn.exec_driver_sql("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.exec_driver_sql(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @staticmethod
    def _get_meta(conn: Connection, key: str) -> str | None:
        return conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (key,)).scalar()

    def meta(self, key: str) -> str | None:
        with self.read() as conn:
            return self._get_meta(conn, key)

    def set_meta(self, key: str, value: str | None) -> None:
        with self.write() as conn:
            self._set_meta(conn, key, value)

    @property
    def cursor(self) -> int | None:
        value = self.meta("cursor")
        return int(value) if value is not None else None

    def bootstrap_state(self) -> BootstrapState:
        with self.read() as conn:
            done = self._get_meta(conn, "cursor") is not None
            after = int(self._get_meta(conn, "bootstrap_after") or 0)
            cursor = self._get_meta(conn, "bootstrap_cursor")
        return BootstrapState(done=done, after=after, cursor=int(cursor) if cursor is not None else None)

    @property
    def last_sync_at(self) -> datetime | None:
        value = self.meta("last_sync_at")
        return datetime.fromtimestamp(float(value), timezone.utc) if value else None

    # -- server state -----------------------------------------------------------------

    @staticmethod
    def _pending_ids(conn: Connection, ids: Iterable[int]) -> set[int]:
        wanted = set(ids)
        if not wanted:
            return set()
        # From the outbox (small, indexed by ticket), not `tickets.pending`: during a
        # first bootstrap the tickets' secondary indexes are dropped, and scanning
        # the whole table for every page made the bootstrap quadratic.
        rows = conn.exec_driver_sql("SELECT DISTINCT ticket_id FROM outbox WHERE ticket_id IS NOT NULL")
        return wanted.intersection(r[0] for r in rows)

    def _ops_for(self, conn: Connection, ticket_id: int) -> list[PendingOp]:
        rows = conn.exec_driver_sql(f"SELECT {OP_COLUMNS} FROM outbox WHERE ticket_id = ? ORDER BY id", (ticket_id,))
        return [op_from_row(r) for r in rows]

    def rebuild_row(self, conn: Connection, ticket_id: int, snapshot: dict[str, Any] | None) -> bool:
        """Row = newest known server snapshot + pending ops. False when there is nothing to rebuild.

        In the caller's transaction (`conn` from `write()`).
        """
        row = conn.exec_driver_sql("SELECT data, server_data FROM ticket_json WHERE id = ?", (ticket_id,)).first()
        base: dict[str, Any] | None = None
        if row is not None:
            base = orjson.loads(row[1] if row[1] is not None else row[0])
        if snapshot is not None and (base is None or snapshot["version"] >= base["version"]):
            base = snapshot
        if base is None:
            return False
        ops = self._ops_for(conn, ticket_id)
        effective = base
        for op in ops:
            effective, _ = apply_local(effective, op, user_id=self.user_id)
        base_text = orjson.dumps(base).decode()
        self.write_row(conn, effective, version=base["version"], pending=len(ops),
                  data=base_text if effective is base else orjson.dumps(effective).decode(),
                  server_data=base_text if ops else None)
        return True

    @staticmethod
    def write_row(conn: Connection, ticket: dict[str, Any], *, version: int, pending: int, data: str,
                  server_data: str | None, thread_complete: int | None = None) -> None:
        """Write one ticket's row and JSON as given (no version rule: the caller decided).

        In the caller's transaction (`conn` from `write()`), as `rebuild_row` and `store_detail`:
        the outbox's writes (`outbox_store`) use them inside its own.
        """
        values = ticket_row(ticket, pending=pending)
        values["version"] = version
        conn.exec_driver_sql(_PUT_TICKET, tuple(values[c] for c in _BULK_COLUMNS))
        conn.exec_driver_sql(_PUT_JSON, (ticket["id"], version, data, server_data))
        if thread_complete is not None:
            conn.exec_driver_sql("UPDATE tickets SET thread_complete = ? WHERE id = ?", (thread_complete, ticket["id"]))

    def _upsert_snapshots(self, conn: Connection, snapshots: list[dict[str, Any]],
                          values: list[tuple[Any, ...]] | None = None) -> None:
        """Server snapshots, newest version wins; tickets with pending ops are rebuilt one by one.

        One executemany of a statement compiled once (SQLAlchemy's per-row
        parameter processing would cost more than SQLite itself here);
        `values` are the rows already made by `ticket_values`, if the caller has them.
        """
        if not snapshots:
            return
        pending = self._pending_ids(conn, (t["id"] for t in snapshots))
        if values is None:
            values = [ticket_values(t) for t in snapshots if t["id"] not in pending]
        elif pending:
            values = [v for v in values if v[0][0] not in pending]
        if values:
            conn.exec_driver_sql(_BULK_UPSERT, [v[0] for v in values])
            conn.exec_driver_sql(_BULK_JSON, [v[1] for v in values])
        for t in snapshots:
            if t["id"] in pending:
                self.rebuild_row(conn, t["id"], t)

    def apply_bootstrap_page(self, page: BootstrapPage | dict[str, Any]) -> ChangeSet:
        """One page of GET /sync/bootstrap, with the resume point, in one transaction.

        `page`: a `BootstrapPage` (either format), or a page in the `json`
        format as parsed. The first page's `cursor` is kept; after the last
        page it becomes the change cursor (changes after it come next, through
        /sync/changes).
        """
        if not isinstance(page, BootstrapPage):
            page = BootstrapPage.from_json(page)
        ids = page.ids
        with self.write(checkpoint=not page.has_more) as conn:
            if self._get_meta(conn, "cursor") is not None:
                return ChangeSet()  # already bootstrapped (a late page of an aborted run)
            if self._get_meta(conn, "bootstrap_cursor") is None:
                self._set_meta(conn, "bootstrap_cursor", str(page.cursor))
                if page.has_more and conn.execute(select(T.c.id).limit(1)).first() is None:
                    schema.drop_ticket_indexes(conn)  # built once at the end (see TICKET_INDEXES)
            pending = self._pending_ids(conn, ids)
            rows, snapshots, written = page.rows, page.snapshots, ids
            if pending:
                keep = [i for i, tid in enumerate(ids) if tid not in pending]
                rows, snapshots, written = [rows[i] for i in keep], [snapshots[i] for i in keep], [ids[i] for i in keep]
            if rows:
                self._write_page(conn, written, rows, snapshots)
            for index, tid in enumerate(ids):
                if tid in pending:
                    self.rebuild_row(conn, tid, page.snapshot_of(index))
            if page.following:
                conn.exec_driver_sql(_FOLLOW, [(tid,) for tid in page.following])
            if page.has_more:
                self._set_meta(conn, "bootstrap_after", str(page.next_after))
            else:
                schema.create_ticket_indexes(conn)
                self._set_meta(conn, "cursor", self._get_meta(conn, "bootstrap_cursor"))
                self._set_meta(conn, "bootstrap_after", None)
                self._set_meta(conn, "bootstrap_cursor", None)
                self._set_meta(conn, "last_sync_at", repr(self.clock()))
        # Built directly: one shared frozenset, not 5,000 made one by one.
        return ChangeSet(ticket_ids=frozenset(ids), fields=dict.fromkeys(ids, _ALL))

    @staticmethod
    def _write_page(conn: Connection, ids: list[int], rows: Sequence[Sequence[Any]], snapshots: Sequence[str]) -> None:
        """A bootstrap page's rows and snapshots: two executemany on the DB-API connection.

        The rows go to SQLite as parsed: SQLAlchemy's exec_driver_sql would first
        copy each into a tuple, under the GIL the next page's parse also wants.
        """
        raw = conn.connection.driver_connection
        try:
            raw.executemany(_ROW_UPSERT, rows)
            raw.executemany(_BULK_JSON, zip(ids, map(itemgetter(VERSION), rows), snapshots))
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError, sqlite3.IntegrityError, OverflowError) as exc:
            # Rows of the wrong shape or types: the page's transaction is rolled back.
            raise ServerError(f"The store sent a bootstrap page this client cannot store: {exc}",
                              code="bad_page") from None

    def apply_changes(self, changes: Sequence[dict[str, Any]], cursor: int,
                      prepared: Mapping[int, tuple[dict[str, Any], Any]] | None = None) -> ChangeSet:
        """Changes from /sync/changes or the event stream, and the new cursor, in one transaction.

        Changes at or below the stored cursor were applied before and are skipped.
        `prepared`: `prepare_changes(changes)`, made beforehand on another thread
        (optional); a row made there is used only for the very snapshot chosen here.
        """
        with self.write() as conn:
            stored = self._get_meta(conn, "cursor")
            if stored is None:
                raise CacheError("changes arrived before the bootstrap finished")
            current = int(stored)
            latest: dict[int, dict[str, Any]] = {}
            fields: dict[int, set[str]] = {}
            removed: set[int] = set()
            followed: set[int] = set()
            new_entries: list[dict[str, Any]] = []
            stale_threads: set[int] = set()
            for change in changes:
                if change["seq"] <= current:
                    continue
                tid = change.get("ticket_id")
                if tid is None:
                    continue
                if change["kind"] == "ticket.hidden" or change.get("data") is None:
                    removed.add(tid)
                    followed.discard(tid)
                    latest.pop(tid, None)
                    fields.pop(tid, None)
                    continue
                removed.discard(tid)
                if change.get("following"):
                    followed.add(tid)
                data = change["data"]
                ticket = data["ticket"]
                held = latest.get(tid)
                if held is None or ticket["version"] >= held["version"]:
                    latest[tid] = ticket
                names = fields.setdefault(tid, set())
                names.update(change.get("fields") or ())
                if change["kind"] == "ticket.created":
                    names.add(ALL_FIELDS)
                entry = data.get("entry")
                if entry is not None:
                    new_entries.append(entry_row(entry))
                if "thread" in (change.get("fields") or ()) and (entry is None or "status" in change["fields"]):
                    # The server wrote thread entries the feed does not carry (system
                    # events such as "status changed"): the cached thread is partial.
                    stale_threads.add(tid)
            if removed:
                # A ticket with edits still pending stays until the outbox hears the
                # server's verdict on them (most likely a 404, which drops it then).
                conn.execute(delete(T).where(T.c.id.in_(removed), T.c.pending == 0))
                conn.execute(delete(E).where(E.c.ticket_id.in_(removed), E.c.id > 0))
                conn.execute(delete(F).where(F.c.ticket_id.in_(removed)))
            if followed:
                conn.exec_driver_sql(_FOLLOW, [(tid,) for tid in followed])
            values = None
            if prepared is not None:
                values = []
                for tid, ticket in latest.items():
                    made = prepared.get(tid)
                    values.append(made[1] if made is not None and made[0] is ticket else ticket_values(ticket))
            self._upsert_snapshots(conn, list(latest.values()), values)
            if new_entries:
                # Thread entries never change once written; an entry held with its call
                # number (from an opened ticket) is not replaced by the feed's copy without it.
                conn.execute(sqlite_insert(E).on_conflict_do_nothing(index_elements=[E.c.id]), new_entries)
            if stale_threads:
                conn.exec_driver_sql("UPDATE tickets SET thread_complete = 0 WHERE id = ?",
                                     [(tid,) for tid in stale_threads])
            self._set_meta(conn, "cursor", str(max(current, cursor)))
            self._set_meta(conn, "last_sync_at", repr(self.clock()))
        return ChangeSet.of({tid: frozenset(names) for tid, names in fields.items()}, removed=removed)

    def mark_synced(self) -> None:
        self.set_meta("last_sync_at", repr(self.clock()))

    def reset_for_bootstrap(self) -> ChangeSet:
        """Forget the server's data (its change log was reset); keep the outbox, drafts, rejections."""
        with self.write() as conn:
            conn.execute(delete(T).where(T.c.pending == 0, T.c.id > 0))
            conn.execute(delete(E).where(E.c.id > 0))
            conn.execute(delete(F))
            for key in ("cursor", "bootstrap_after", "bootstrap_cursor"):
                self._set_meta(conn, key, None)
        return ChangeSet(reset=True)

    def store_ticket(self, ticket: dict[str, Any]) -> ChangeSet:
        """A ticket read from the server (GET /tickets/{id}, a 412 body); with its thread when given."""
        with self.write() as conn:
            self.store_detail(conn, ticket)
        return ChangeSet.of({ticket["id"]: ("thread",) if "thread" in ticket else ("version",)})

    def store_detail(self, conn: Connection, detail: dict[str, Any]) -> None:
        """A ticket read in full (GET /tickets/{id}): its snapshot, thread, customer and follow,
        in the caller's transaction (`conn` from `write()`)."""
        snapshot = {k: v for k, v in detail.items() if k not in _DETAIL_ONLY}
        self.rebuild_row(conn, snapshot["id"], snapshot)
        if "thread" in detail:
            conn.execute(delete(E).where(E.c.ticket_id == snapshot["id"], E.c.id > 0))
            if detail["thread"]:
                conn.execute(insert(E), [entry_row(e) for e in detail["thread"]])
            conn.execute(update(T).where(T.c.id == snapshot["id"]).values(thread_complete=1))
        customer = detail.get("customer")
        if customer:
            stmt = sqlite_insert(schema.customers).values(
                id=customer["id"], name=customer["name"], email=customer.get("email"),
                phone=customer.get("phone"), data=orjson.dumps(customer).decode(),
            )
            conn.execute(stmt.on_conflict_do_update(
                index_elements=[schema.customers.c.id],
                set_={c: stmt.excluded[c] for c in ("name", "email", "phone", "data")},
            ))

    def drop_ticket(self, ticket_id: int) -> ChangeSet:
        with self.write() as conn:
            conn.execute(delete(T).where(T.c.id == ticket_id))
            conn.execute(delete(E).where(E.c.ticket_id == ticket_id))
            conn.execute(delete(F).where(F.c.ticket_id == ticket_id))
        return ChangeSet(removed=frozenset({ticket_id}))

    # -- reference data ---------------------------------------------------------------

    def set_reference(self, name: str, value: Any) -> bool:
        """Keep a reference list (policies, users, queues) for offline use; True when it changed."""
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
        with self.write() as conn:
            if self._get_meta(conn, f"reference:{name}") == text:
                return False
            self._set_meta(conn, f"reference:{name}", text)
        return True

    def reference(self, name: str) -> Any:
        """The policies, users or queues as the server last listed them (None before the first sync)."""
        text = self.meta(f"reference:{name}")
        return orjson.loads(text) if text is not None else None

    # -- reading ----------------------------------------------------------------------

    def ticket(self, ticket_id: int) -> dict[str, Any] | None:
        """The ticket as the agent sees it (local edits applied), as the API's JSON."""
        with self.read() as conn:
            data = conn.execute(select(J.c.data).where(J.c.id == ticket_id)).scalar()
        return orjson.loads(data) if data is not None else None

    def server_ticket(self, ticket_id: int) -> dict[str, Any] | None:
        """The ticket as the server last sent it (without local edits)."""
        with self.read() as conn:
            row = conn.execute(select(J.c.data, J.c.server_data).where(J.c.id == ticket_id)).first()
        if row is None:
            return None
        return orjson.loads(row.server_data if row.server_data is not None else row.data)

    def tickets(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        wanted = list(ids)
        out: dict[int, dict[str, Any]] = {}
        with self.read() as conn:
            for start in range(0, len(wanted), 500):
                for tid, data in conn.execute(select(J.c.id, J.c.data).where(J.c.id.in_(wanted[start:start + 500]))):
                    out[tid] = orjson.loads(data)
        return out

    def clock_details(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """{ticket id: {clock key: that clock's JSON}} for the given tickets (those with clocks).

        Only the `sla.clocks` part of each ticket's JSON, read with SQLite's json
        functions in chunks: the queue's countdown details without parsing whole tickets.
        """
        wanted = list(ids)
        out: dict[int, dict[str, Any]] = {}
        with self.read() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                result = conn.exec_driver_sql(
                    f"SELECT id, json_extract(data, '$.sla.clocks') FROM ticket_json WHERE id IN ({marks})",
                    tuple(chunk))
                for tid, clocks in result:
                    if clocks:
                        out[tid] = {c["key"]: c for c in orjson.loads(clocks)}
        return out

    def rows(self, query: QueueQuery = QueueQuery(), ids: Iterable[int] | None = None) -> list[TicketRow]:
        """Queue rows (no JSON): by a filter, or the given ids. Ordered by id."""
        stmt = select(*_ROW_COLUMNS).where(*query.where()).order_by(T.c.id)
        if ids is not None:
            stmt = stmt.where(T.c.id.in_(list(ids)))
        if query.limit:
            stmt = stmt.limit(query.limit)
        with self.read() as conn:
            return [TicketRow(*r) for r in conn.execute(stmt)]

    def count(self, query: QueueQuery = QueueQuery()) -> int:
        with self.read() as conn:
            return conn.execute(select(func.count()).select_from(T).where(*query.where())).scalar_one()

    def follows(self, ticket_id: int) -> bool:
        """Does the user follow this ticket (they escalated it, or owned it when it went up)?"""
        with self.read() as conn:
            return conn.exec_driver_sql("SELECT 1 FROM follows WHERE ticket_id = ?", (ticket_id,)).first() is not None

    def ticket_ids(self) -> list[int]:
        with self.read() as conn:
            return list(conn.execute(select(T.c.id).order_by(T.c.id)).scalars())

    def versions(self) -> dict[int, int]:
        """{ticket id: server version}: what two caches compare to prove they agree."""
        with self.read() as conn:
            return dict(conn.execute(select(T.c.id, T.c.version)).all())

    def thread(self, ticket_id: int) -> Thread:
        """The ticket's thread in order: the server's entries, then the ones not yet sent."""
        with self.read() as conn:
            complete = conn.execute(select(T.c.thread_complete).where(T.c.id == ticket_id)).scalar()
            rows = conn.execute(
                select(E.c.id, E.c.data).where(E.c.ticket_id == ticket_id)
                .order_by((E.c.id < 0).asc(), func.abs(E.c.id))
            ).all()
        return Thread(entries=[orjson.loads(data) for _, data in rows], complete=bool(complete))

    def search(self, text: str, *, limit: int = 50) -> list[TicketRow]:
        """Ticket number, order id, phone (in the local and international forms it has in the
        policies' countries: `desk_app.core.phone`), e-mail or words of the subject / customer name."""
        needle = text.strip()
        if not needle:
            return []
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        C = schema.customers
        digits = "".join(ch for ch in needle if ch.isdigit())
        contact = [C.c.email == needle.lower()]
        if len(digits) >= 6:
            # The number in every form it has in the policies' countries: "0813..." finds "+62813...".
            countries = [p.get("country") for p in self.reference("policies") or ()]
            forms = dict.fromkeys([digits, *(f.lstrip("+") for f in number_forms(needle, countries))])
            stored = func.replace(func.replace(func.replace(C.c.phone, " ", ""), "-", ""), "+", "")
            contact.extend(stored.like(f"%{form}%") for form in forms)
        stmt = (
            select(*_ROW_COLUMNS)
            .where(or_(
                T.c.number.like(pattern, escape="\\"),
                T.c.order_id.like(pattern, escape="\\"),
                T.c.subject.like(pattern, escape="\\"),
                T.c.customer_name.like(pattern, escape="\\"),
                T.c.customer_id.in_(select(C.c.id).where(or_(*contact))),
            ))
            .order_by(T.c.id.desc())
            .limit(limit)
        )
        with self.read() as conn:
            return [TicketRow(*r) for r in conn.execute(stmt)]

    def customer(self, customer_id: int) -> dict[str, Any] | None:
        with self.read() as conn:
            data = conn.execute(select(schema.customers.c.data).where(schema.customers.c.id == customer_id)).scalar()
        return orjson.loads(data) if data else None

    # -- the outbox, drafts and rejections --------------------------------------------

    @property
    def outbox(self):
        store = getattr(self, "_outbox_store", None)
        if store is None:
            store = self._outbox_store = OutboxStore(self)
        return store


__all__ = [
    "BootstrapState",
    "LocalCache",
    "QueueQuery",
    "Thread",
    "TicketRow",
    "cache_file",
    "prepare_changes",
    "queue_values",
    "ticket_row",
    "ticket_values",
]
