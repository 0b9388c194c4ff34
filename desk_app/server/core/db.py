"""Engines and sessions for SQLite (embedded default) and PostgreSQL (psycopg 3).

The backend is chosen by the URL alone. Two kinds of session exist:

* read sessions (`Database.read()`): plain transactions, many at once;
* write sessions (`Database.write()`): on SQLite they start with
  `BEGIN IMMEDIATE`, so a writer takes the write lock before its first read
  and can never fail half-way with SQLITE_BUSY on a stale snapshot; on
  PostgreSQL they are ordinary READ COMMITTED transactions that lock what they
  change (`SELECT ... FOR UPDATE`).

After a write session commits, the change-log sequence numbers it wrote are
handed to the commit listeners (the in-process notifier that wakes SSE streams).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from desk_app.server.core.files import private_file
from desk_app.server.core.settings import DatabaseSettings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: Key in `Session.info` under which the change log leaves the sequence
#: numbers written in the current transaction.
PENDING_SEQ_KEY = "desk_pending_seq"
#: ... and the tickets it changed, as (ticket_id, sla_next_change_at).
CHANGED_TICKETS_KEY = "desk_changed_tickets"
#: ... and the change-log rows themselves, for `RecentChanges`.
PENDING_ROWS_KEY = "desk_pending_rows"


class RecentChanges:
    """The latest change-log rows, by sequence number, so live streams need not re-read them.

    Filled with the rows this instance commits (after the commit, so only
    committed rows) and with the rows a stream has read from the log (changes
    committed through other instances). A stream takes the rows that follow
    its cursor without a gap and reads the log itself for anything else: as
    sequence order is commit order, a row here means every lower one
    committed too, so nothing is skipped or taken out of order. Rows are as
    `sync.service.read_changes` returns them. Safe to use from any thread.

    It is only a cache of the log: a read that reached the end of the log
    drops whatever it holds beyond that end, and a committed row that
    contradicts a held one empties it (the log was emptied or restored
    under a running server), so it never serves what the log does not hold.
    """

    def __init__(self, keep: int = 2048) -> None:
        self._keep = keep
        self._rows: dict[int, Any] = {}
        self._highest = 0
        self._lock = threading.Lock()

    def committed(self, rows: Iterable[Any]) -> None:
        """Rows this instance has just committed."""
        with self._lock:
            for row in rows:
                held = self._rows.get(row[0])
                if held is not None and tuple(held) != tuple(row):
                    self._rows.clear()
                    self._highest = 0
                self._put(row)

    def read(self, rows: list[Any], cursor: int, *, to_the_end: bool) -> None:
        """Rows read from the log after `cursor`; `to_the_end`: the read found nothing more."""
        with self._lock:
            for row in rows:
                self._put(row)
            if to_the_end:
                end = rows[-1][0] if rows else cursor
                if self._highest > end:
                    self._rows = {seq: row for seq, row in self._rows.items() if seq <= end}
                    self._highest = end

    def _put(self, row: Any) -> None:
        self._rows[row[0]] = row
        if row[0] > self._highest:
            self._highest = row[0]
        if len(self._rows) > 2 * self._keep:
            floor = self._highest - self._keep
            self._rows = {seq: row for seq, row in self._rows.items() if seq > floor}

    def after(self, cursor: int, limit: int) -> list[Any]:
        """The rows cursor+1, cursor+2, ... held here, up to the first one missing (at most `limit`)."""
        out = []
        with self._lock:
            row = self._rows.get(cursor + 1)
            while row is not None and len(out) < limit:
                out.append(row)
                row = self._rows.get(row[0] + 1)
        return out


def normalize_url(url: str) -> str:
    """Accept the spellings people use and pick psycopg 3 for PostgreSQL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2", "psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.get_backend_name() not in ("postgresql", "sqlite"):
        raise ValueError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://...")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (the pysqlite
        # driver's own transaction handling cannot do BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        if connection.get_execution_options().get("desk_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


#: A pooled PostgreSQL connection idle longer than this is pinged before use.
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_idle_connections(engine: Engine) -> None:
    """Pre-ping, but only connections that sat idle in the pool.

    SQLAlchemy's `pool_pre_ping` costs a round trip on every checkout: on a
    busy store that is one more wait per write and per feed read. A
    connection that was in use a moment ago is as alive as a ping would show;
    one that sat idle (the server may have restarted or dropped it) is pinged,
    and replaced when the ping fails. A connection the server drops while in
    use fails its statement, and SQLAlchemy then recycles the whole pool.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(_dbapi_connection, record) -> None:
        record.info["desk_checked_in"] = time.monotonic()  # just opened: no need to ping

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:
        record.info["desk_checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("desk_checked_in")
        if idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            if not dbapi_connection.closed:
                return
            raise exc.DisconnectionError("the connection was closed")
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(str(error)) from error


class Database:
    def __init__(self, settings: DatabaseSettings | str) -> None:
        if isinstance(settings, str):
            settings = DatabaseSettings(url=settings)
        self.url = normalize_url(settings.url)
        url = make_url(self.url)
        self.backend = url.get_backend_name()
        if self.backend == "sqlite":
            if url.database in (None, "", ":memory:"):
                raise ValueError("SQLite needs a file (the store runs in WAL mode with several connections)")
            # Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
            private_file(Path(url.database))
            self.engine = create_engine(
                self.url,
                echo=settings.echo,
                pool_size=settings.pool_size,
                max_overflow=settings.max_overflow,
                connect_args={"check_same_thread": False, "timeout": settings.sqlite_busy_timeout_ms / 1000},
            )
            _configure_sqlite(self.engine, settings.sqlite_busy_timeout_ms)
        else:
            self.engine = create_engine(
                self.url,
                echo=settings.echo,
                pool_size=settings.pool_size,
                max_overflow=settings.max_overflow,
            )
            _ping_idle_connections(self.engine)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL: no BEGIN and ROLLBACK around a read that is one statement.
        self._feed_read = (
            sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
            if self.backend == "postgresql"
            else self._read
        )
        self._write = sessionmaker(self.engine.execution_options(desk_write=True), expire_on_commit=False)
        #: What this instance committed or read of the change log lately (the live streams' cache).
        self.recent_changes = RecentChanges()
        self._commit_listeners: list[Callable[[int], None]] = []
        self._ticket_listeners: list[Callable[[int, object], None]] = []
        event.listen(self._write, "after_commit", self._after_commit)
        event.listen(self._write, "after_rollback", self._after_rollback)

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgresql"

    def add_commit_listener(self, listener: Callable[[int], None]) -> None:
        """`listener(highest_seq)` runs after a write that appended changes commits."""
        self._commit_listeners.append(listener)

    def remove_commit_listener(self, listener: Callable[[int], None]) -> None:
        if listener in self._commit_listeners:
            self._commit_listeners.remove(listener)

    def add_ticket_listener(self, listener: Callable[[int, object], None]) -> None:
        """`listener(ticket_id, sla_next_change_at)` runs after a ticket change commits."""
        self._ticket_listeners.append(listener)

    def remove_ticket_listener(self, listener: Callable[[int, object], None]) -> None:
        if listener in self._ticket_listeners:
            self._ticket_listeners.remove(listener)

    def _after_commit(self, session: Session) -> None:
        pending = session.info.pop(PENDING_SEQ_KEY, None)
        changed = session.info.pop(CHANGED_TICKETS_KEY, None)
        rows = session.info.pop(PENDING_ROWS_KEY, None)
        if rows:
            self.recent_changes.committed(rows)  # before the streams wake up to them
        if pending:
            for listener in list(self._commit_listeners):
                listener(max(pending))
        if changed:
            for ticket_id, next_change_at in changed:
                for listener in list(self._ticket_listeners):
                    listener(ticket_id, next_change_at)

    @staticmethod
    def _after_rollback(session: Session) -> None:
        session.info.pop(PENDING_SEQ_KEY, None)
        session.info.pop(CHANGED_TICKETS_KEY, None)
        session.info.pop(PENDING_ROWS_KEY, None)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def feed_read(self) -> Iterator[Session]:
        """A session for reads whose statements need not share one snapshot (the live feed's re-read).

        On PostgreSQL each statement runs on its own (autocommit) and sees
        what was committed when it started, which is all that reading the
        change log by cursor needs; it saves the BEGIN and ROLLBACK round
        trips of a transaction. On SQLite it is an ordinary read session.
        """
        with self._feed_read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits when the block ends, rolls back on any error."""
        with self._write() as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()
