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

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

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
                pool_pre_ping=True,
            )
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.engine.execution_options(desk_write=True), expire_on_commit=False)
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

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits when the block ends, rolls back on any error."""
        with self._write() as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()
