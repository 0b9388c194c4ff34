"""The anonymous intake's limits, counted atomically on both databases (issue 19.4).

Each limit is a fixed-window counter row (`RateCounter`) bumped by one
`INSERT ... ON CONFLICT DO UPDATE ... RETURNING` in the intake's own write
transaction. On PostgreSQL the upsert locks the row until that transaction
ends, so concurrent intakes with one address (on any instance) are counted one
by one; on SQLite write transactions are serialised anyway. A refused intake
raises, its transaction rolls back, and the bump goes with it.

Limits: per e-mail address, per client address, per target policy, and a
store-wide budget of anonymous bytes (attachments) per hour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from desk_app.server.core.errors import ApiError
from desk_app.server.core.types import UTCDateTime
from desk_app.server.intake.models import RateCounter

BYTES_WINDOW = timedelta(hours=1)


def bump(session: Session, key: str, amount: int, window: timedelta, now: datetime) -> tuple[int, datetime]:
    """Add `amount` to the key's counter (a new window when the last one is over); (count, window start)."""
    insert = (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(RateCounter)
    stale = RateCounter.window_start <= bindparam("window_opened", now - window, type_=UTCDateTime())
    statement = (
        insert.values(key=key, window_start=now, count=amount)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={
                "count": case((stale, amount), else_=RateCounter.count + amount),
                "window_start": case((stale, bindparam("now", now, type_=UTCDateTime())),
                                     else_=RateCounter.window_start),
            },
        )
        .returning(RateCounter.count, RateCounter.window_start)
    )
    count, start = session.execute(statement).one()
    return int(count), start


@dataclass(frozen=True, slots=True)
class Limit:
    key: str
    amount: int
    maximum: int
    window: timedelta
    message: str  # "{wait}" is filled in
    code: str = "too_many_submissions"


def enforce(session: Session, limits: list[Limit], now: datetime) -> None:
    """Bump every limit (in key order: one lock order on every instance); 429 at the first one exceeded."""
    for limit in sorted(limits, key=lambda item: item.key):
        if limit.amount <= 0:
            continue
        count, start = bump(session, limit.key, limit.amount, limit.window, now)
        if count > limit.maximum:
            wait = max(1, math.ceil((start + limit.window - now).total_seconds()))
            raise ApiError(
                429, limit.code, limit.message.format(wait=wait), headers={"Retry-After": str(wait)}, retry_after=wait
            )


def intake_limits(settings, *, email: str, address: str | None, policy_key: str, upload_bytes: int) -> list[Limit]:
    window = timedelta(minutes=settings.window_minutes)
    out = [
        Limit(f"intake:email:{email}"[:255], 1, settings.max_per_email, window,
              "This address has sent several requests recently; try again in {wait} seconds, "
              "or reply to an earlier ticket instead."),
        Limit(f"intake:policy:{policy_key}"[:255], 1, settings.max_per_policy, window,
              "This help desk is receiving very many requests; try again in {wait} seconds."),
        Limit("intake:bytes", upload_bytes, settings.max_anonymous_bytes_per_hour, BYTES_WINDOW,
              "The help desk takes no more attachments for now; send your request without files, or try "
              "again in {wait} seconds.", code="intake_storage_budget"),
    ]
    if address:
        out.append(Limit(f"intake:address:{address}"[:255], 1, settings.max_per_address, window,
                         "Too many requests from your network; try again in {wait} seconds."))
    return out
