from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desk_app.server.core.db import Base
from desk_app.server.core.types import UTCDateTime


class Counter(Base):
    """Named counters, one row each ("change_seq", "ticket_number").

    Incrementing a row locks it until the transaction ends, which is what makes
    the change sequence gap-free and equal to commit order (see sync.service).
    """

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Change(Base):
    """One entry of the global change log; `seq` is gap-free and increasing."""

    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(48))
    ticket_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    fields: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of changed field names
    #: The change as clients receive it, without "seq": {"at", "kind", "ticket_id",
    #: "actor_id", "fields", "data": {"ticket": <snapshot>, "entry": ...}}.
    payload: Mapped[str] = mapped_column(Text, default="{}")
    # Who may see it: the ticket's placement after and before the change.
    queue_id: Mapped[int | None] = mapped_column(BigInteger)
    tier: Mapped[int | None] = mapped_column(Integer)
    assignee_id: Mapped[int | None] = mapped_column(BigInteger)
    prev_queue_id: Mapped[int | None] = mapped_column(BigInteger)
    prev_tier: Mapped[int | None] = mapped_column(Integer)
    prev_assignee_id: Mapped[int | None] = mapped_column(BigInteger)
