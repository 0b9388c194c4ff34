"""The bootstrap's pages as bytes: each ticket's stored texts read as UTF-8 and joined.

A page of 20,000 tickets is about 35 MB of snapshots. Read as text, every
snapshot is decoded into a Python string by the driver and encoded back
into the response, and the ORM makes a row object around it: a fifth of the
store's CPU for a bootstrap (bench/README.md, "Client services"). Here the
database hands over the bytes it stores (SQLite: ``CAST(x AS BLOB)``;
PostgreSQL: ``convert_to(x, 'UTF8')``, since a cast to bytea would read
backslashes in the JSON as escapes), and the page is built with two joins
of bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import LargeBinary, Row, cast, func, literal, select
from sqlalchemy.orm import Session

from desk_app.server.tickets.models import Ticket


def _utf8(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.convert_to(column, literal("UTF8"), type_=LargeBinary)
    return cast(column, LargeBinary)


def read_page(session: Session, where: Any, after: int, limit: int, *, queue_rows: bool) -> Sequence[Row[Any]]:
    """Up to `limit + 1` rows of (id, snapshot bytes[, queue row bytes]) after `after`, by id."""
    table = Ticket.__table__
    columns = [table.c.id, _utf8(session, table.c.snapshot)]
    if queue_rows:
        columns.append(_utf8(session, table.c.queue_row))
    stmt = select(*columns).where(where, table.c.id > after).order_by(table.c.id).limit(limit + 1)
    return session.connection().execute(stmt).all()


__all__ = ["read_page"]
