"""Issue 19.5 and 19.6: a login never holds the write lock while hashing; concurrent guesses count one by one."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from desk_app.server.auth import service
from desk_app.server.core.db import Database
from desk_app.server.core.errors import ApiError
from desk_app.server.core.settings import DatabaseSettings
from store_helpers import PASSWORD


def test_no_transaction_is_open_while_the_password_is_hashed(store, db, app, clock, monkeypatch):
    """While a login verifies its password, another connection can write at once (SQLite: BEGIN IMMEDIATE)."""
    other = Database(DatabaseSettings(url=db.url, sqlite_busy_timeout_ms=100, pool_size=1, max_overflow=0))
    real_verify = service.verify_password
    wrote = []

    def verify_while_writing(password_hash, password):
        with other.write() as session:  # fails with "database is locked" if the login holds the lock
            session.execute(text("UPDATE counters SET value = value WHERE name = 'none'"))
        wrote.append(True)
        return real_verify(password_hash, password)

    monkeypatch.setattr(service, "verify_password", verify_while_writing)
    try:
        for password in (PASSWORD, "wrong"):
            try:
                service.login(db, app.state.settings.auth, username="agent", password=password, address="10.0.0.5",
                              now=clock.now())
            except ApiError as exc:
                assert exc.status == 401
    finally:
        other.dispose()
    assert wrote == [True, True]


def test_concurrent_guesses_get_at_most_the_free_password_checks(store, db, app, clock, monkeypatch):
    """30 guesses at once from one address: exactly the free checks are made, the rest wait (429)."""
    auth = app.state.settings.auth
    real_verify = service.verify_password
    checks = []
    lock = threading.Lock()
    start = threading.Barrier(30)

    def counting_verify(password_hash, password):
        with lock:
            checks.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(service, "verify_password", counting_verify)

    def guess(i: int) -> int:
        start.wait(10)
        try:
            service.login(db, auth, username="admin", password=f"guess{i}", address="198.51.100.7", now=clock.now())
        except ApiError as exc:
            return exc.status
        return 200

    with ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(guess, range(30)))
    assert len(checks) == auth.max_failures_per_user, answers
    assert answers.count(401) == auth.max_failures_per_user and answers.count(429) == 30 - auth.max_failures_per_user
