"""Fixtures for the central store's tests.

Every database test runs on SQLite, and on PostgreSQL too when
DESK_TEST_POSTGRES_URL names a reachable server (`./desk test` starts the
machine's cluster and sets it). Each backend's schema is migrated to head once
per session (a fresh database per session on PostgreSQL); tables are emptied
before each test.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desk_app.server.auth import passwords
from desk_app.server.core.clock import ManualClock
from desk_app.server.core.db import Database
from desk_app.server.core.migrate import upgrade_to_head
from desk_app.server.core.settings import DatabaseSettings, Settings, StorageSettings, SyncSettings
from desk_app.server.models import metadata
from desk_app.server.policies.registry import PolicyRegistry

# Cheap hashing in tests; hashes carry their parameters, so production ones still verify.
passwords.configure(time_cost=1, memory_cost_kib=256, parallelism=1)

POSTGRES_URL = os.environ.get("DESK_TEST_POSTGRES_URL")
NO_POSTGRES = (
    "PostgreSQL tests need DESK_TEST_POSTGRES_URL (./desk test sets it when the machine has the "
    "Debian PostgreSQL cluster and runs as root)"
)
#: A Monday morning, so business calendars are open.
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def pytest_configure(config):
    # Starlette's TestClient asks for "httpx2"; httpx is what the project pins.
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")


def pytest_collection_modifyitems(config, items):
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason=NO_POSTGRES)
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _create_pg_database(base_url: str) -> tuple[str, str]:
    """A database of our own on the test server, so concurrent test runs never collide."""
    name = f"desk_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(Database(base_url).url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            # A throwaway database: commits need not wait for the disk.
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    finally:
        admin.dispose()
    return name, make_url(Database(base_url).url).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(base_url: str, name: str) -> None:
    admin = create_engine(Database(base_url).url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def policies() -> PolicyRegistry:
    return PolicyRegistry.load()


def _backend_params():
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]


@pytest.fixture(scope="session", params=_backend_params())
def database(request, tmp_path_factory) -> Database:
    """A migrated database per backend, shared by the session."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("store") / "desk.sqlite3"
        db = Database(DatabaseSettings(url=f"sqlite:///{path}"))
        upgrade_to_head(db)
        yield db
        db.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    try:
        name, url = _create_pg_database(POSTGRES_URL)
    except Exception:  # noqa: BLE001 - a role without CREATEDB: use the given database, emptied
        name, url = None, POSTGRES_URL
        reset = create_engine(Database(url).url)
        with reset.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        reset.dispose()
    db = Database(DatabaseSettings(url=url, pool_size=10, max_overflow=30))
    upgrade_to_head(db)
    yield db
    db.dispose()
    if name is not None:
        _drop_pg_database(POSTGRES_URL, name)


def empty_tables(db: Database) -> None:
    # DELETE, not TRUNCATE: on tables this small it is ten times faster on PostgreSQL.
    tables = [t for t in reversed(metadata.sorted_tables) if t.name != "counters"]
    with db.engine.begin() as conn:
        for table in tables:
            conn.execute(text(f"DELETE FROM {table.name}"))
        if db.is_postgres:
            for table in tables:
                if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"))
        conn.execute(text("UPDATE counters SET value = 0"))


@pytest.fixture
def db(database: Database) -> Database:
    empty_tables(database)
    return database


@pytest.fixture(scope="session")
def shared_clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def clock(shared_clock) -> ManualClock:
    shared_clock.set(START)
    return shared_clock


@pytest.fixture(scope="session")
def backend_app(database, shared_clock, policies, tmp_path_factory):
    """One app per backend for the session (building FastAPI's routes is the costly part)."""
    from desk_app.server.app import create_app

    settings = Settings(
        database=DatabaseSettings(url=database.url),
        storage=StorageSettings(data_dir=tmp_path_factory.mktemp("data")),
        sync=SyncSettings(heartbeat_seconds=0.5),
    )
    return create_app(settings, database=database, clock=shared_clock, policies=policies, listen=False)


@pytest.fixture
def app(backend_app, db, clock):
    """The backend's app with per-test state reset (empty tables, clock at START, no cached tokens)."""
    from desk_app.server.auth.service import TokenCache

    backend_app.state.token_cache = TokenCache()
    backend_app.state.scheduler_hooks.unsubscribe_all()
    return backend_app


@pytest.fixture
def settings(app) -> Settings:
    return app.state.settings


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def store(client, db, clock):
    """Demo-like staff and queues, and a logged-in API helper per user."""
    from store_helpers import Store

    return Store.create(client, db, clock)
