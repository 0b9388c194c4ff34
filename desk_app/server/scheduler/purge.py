"""Expired rows purged on a schedule (issue 19.9): tokens, idempotency keys, login and intake counters.

The scheduler runs `purge(db, now)` at most every `PURGE_EVERY` (from its
pass at `now`, so tests drive it with their clock). Each table is emptied
in batches, each its own short write transaction: on SQLite a purge never
holds the store's only write lock for long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from desk_app.server.auth.models import AuthToken, KnownDevice, LoginAttempt, LoginThrottle
from desk_app.server.core.db import Database
from desk_app.server.core.models import IdempotencyRecord
from desk_app.server.intake.models import RateCounter

PURGE_EVERY = timedelta(minutes=10)
BATCH = 2_000


@dataclass(frozen=True, slots=True)
class Retention:
    #: An expired or revoked token still answers "expired"/"logged out" (not "unknown") this long.
    tokens: timedelta = timedelta(days=1)
    #: A client's offline outbox may replay a request this long after it was first sent.
    idempotency: timedelta = timedelta(days=30)
    login_attempts: timedelta = timedelta(days=7)
    #: Throttles and counters quiet this long hold nothing a limit still needs.
    counters: timedelta = timedelta(days=1)
    known_devices: timedelta = timedelta(days=400)


def _batched(db: Database, pk, where) -> int:
    total = 0
    while True:
        with db.write() as session:
            keys = session.scalars(select(pk).where(where).limit(BATCH)).all()
            if keys:
                session.execute(delete(pk.table).where(pk.in_(keys)))
        total += len(keys)
        if len(keys) < BATCH:
            return total


def purge(db: Database, now: datetime, retention: Retention | None = None) -> dict[str, int]:
    """Delete what has expired by `now`; the rows deleted per table."""
    r = retention or Retention()
    return {
        "auth_tokens": _batched(db, AuthToken.id, or_(AuthToken.expires_at < now - r.tokens,
                                                      AuthToken.revoked_at < now - r.tokens)),
        "idempotency_keys": _batched(db, IdempotencyRecord.id, IdempotencyRecord.created_at < now - r.idempotency),
        "login_attempts": _batched(db, LoginAttempt.id, LoginAttempt.at < now - r.login_attempts),
        "login_throttles": _batched(db, LoginThrottle.key, (LoginThrottle.updated_at < now - r.counters)
                                    & (LoginThrottle.next_at < now)),
        "rate_counters": _batched(db, RateCounter.key, RateCounter.window_start < now - r.counters),
        "known_devices": _batched(db, KnownDevice.device_hash, KnownDevice.last_seen_at < now - r.known_devices),
    }
