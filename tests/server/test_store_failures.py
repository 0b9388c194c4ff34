"""Issue 19 items 12 and 15: private files; a full disk, a locked or absent database say so.

The failures are the drivers' real errors, raised by the engine where the
database would raise them (an engine event before the statement runs), so
they travel the same path through SQLAlchemy and the app as the real thing.
"PostgreSQL down" is a store whose database URL names a closed port.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from sqlalchemy import event

from desk_app.server.attachments.storage import BlobStore
from desk_app.server.core.db import Database
from desk_app.server.core.files import private_dir
from desk_app.server.core.migrate import upgrade_to_head
from desk_app.server.core.settings import DatabaseSettings, Settings, StorageSettings
from store_helpers import API, ticket_body
from test_http_limits import connect, guarded_server, read_response


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@contextmanager
def umask(value: int):
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


# -- 12: files only the store's user can read --------------------------------------------


def test_sqlite_database_and_its_directory_are_private(tmp_path):
    path = tmp_path / "fresh" / "store" / "desk.sqlite3"
    with umask(0o022):  # the usual default: files 0644, directories 0755
        db = Database(DatabaseSettings(url=f"sqlite:///{path}"))
        try:
            upgrade_to_head(db)
        finally:
            db.dispose()
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists():
            assert mode(extra) == 0o600


def test_blob_files_and_directories_are_private(tmp_path, db):
    store = BlobStore("directory", tmp_path / "data")
    with umask(0o022), db.write() as session:
        digest = store.put(session, b"%PDF-1.4 private customer file", "application/pdf",
                           datetime(2026, 3, 2, tzinfo=timezone.utc))
    path = store._path(digest)
    assert mode(path) == 0o600
    probe = path.parent
    while probe != tmp_path:
        assert mode(probe) == 0o700, probe
        probe = probe.parent


def test_private_dir_leaves_existing_directories_alone(tmp_path):
    (tmp_path / "shared").mkdir(mode=0o755)
    os.chmod(tmp_path / "shared", 0o755)
    private_dir(tmp_path / "shared" / "a" / "b")
    assert mode(tmp_path / "shared") == 0o755
    assert mode(tmp_path / "shared" / "a") == 0o700 == mode(tmp_path / "shared" / "a" / "b")


# -- 15: failures that name their cause --------------------------------------------------


@contextmanager
def failing(db: Database, starts_with: str, error: Exception):
    """Statements that start with `starts_with` raise the driver's `error` (as the database would)."""

    def before(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(starts_with):
            raise error

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _driver_errors(db: Database) -> dict[str, tuple[str, Exception]]:
    if db.is_sqlite:
        return {
            "database_busy": ("BEGIN IMMEDIATE", sqlite3.OperationalError("database is locked")),
            "disk_full": ("INSERT", sqlite3.OperationalError("database or disk is full")),
            "disk_error": ("INSERT", sqlite3.OperationalError("disk I/O error")),
        }
    import psycopg.errors

    return {
        "database_busy": ("INSERT", psycopg.errors.LockNotAvailable("could not obtain lock on row")),
        "disk_full": ("INSERT", psycopg.errors.DiskFull("could not extend file: No space left on device")),
        "disk_error": ("INSERT", psycopg.errors.IoError("could not read block")),
    }


def _request(method: str, path: str, token: str, body: bytes = b"", key: str | None = None) -> bytes:
    extra = f"Idempotency-Key: {key}\r\n" if key else ""
    return (f"{method} {path} HTTP/1.1\r\nHost: desk\r\nAuthorization: Bearer {token}\r\n{extra}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


@pytest.mark.parametrize("cause", ["database_busy", "disk_full", "disk_error"])
def test_failure_answers_503_naming_it_and_the_connection_stays_usable(app, settings, store, db, cause):
    import orjson

    token = store.agent.token
    starts_with, error = _driver_errors(db)[cause]
    body = orjson.dumps(ticket_body())
    with guarded_server(app, settings) as address, connect(address) as sock:
        with failing(db, starts_with, error):
            sock.sendall(_request("POST", API + "/tickets", token, body, key="k-failing"))
            status, headers, answer = read_response(sock)
        assert status == 503, answer  # before: 500 internal_error, and the connection was closed
        assert orjson.loads(answer)["code"] == cause
        assert int(headers["retry-after"]) >= 1
        assert headers.get("connection") != "close"
        # The same connection carries the retry, which now succeeds.
        sock.sendall(_request("POST", API + "/tickets", token, body, key="k-retry"))
        status, _, answer = read_response(sock)
        assert status == 201, answer


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_postgresql_down_answers_503_and_health_names_it(tmp_path, policies, clock):
    from fastapi.testclient import TestClient

    from desk_app.server.app import create_app

    url = f"postgresql://desk:desk@127.0.0.1:{_closed_port()}/desk"
    settings = Settings(database=DatabaseSettings(url=url), storage=StorageSettings(data_dir=tmp_path))
    down = Database(settings.database)
    app = create_app(settings, database=down, clock=clock, policies=policies, listen=False)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            r = client.post(API + "/auth/login", json={"username": "agent", "password": "whatever"})
            assert r.status_code == 503, r.text  # before: 500 internal_error
            assert r.json()["code"] == "database_unavailable" and "Retry-After" in r.headers
            for probe in ("/healthz", "/readyz"):
                h = client.get(probe)
                assert h.status_code == 503 and h.json()["code"] == "database_unavailable"
    finally:
        down.dispose()


def test_health_reports_a_full_disk(client, app, settings):
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").json()["disk_free_bytes"] > 0
    app.state.settings = replace(settings, storage=replace(settings.storage, min_free_bytes=2**62))
    try:
        for probe in ("/healthz", "/readyz"):
            r = client.get(probe)
            assert r.status_code == 503  # before: ok while the disk was full
            assert r.json()["code"] == "disk_full" and "bytes free" in r.json()["message"]
            assert "Retry-After" in r.headers
    finally:
        app.state.settings = settings
