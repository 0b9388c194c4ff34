from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from desk_app.server.core.db import Base
from desk_app.server.core.types import BigIntPK, UTCDateTime


class IntakeSubmission(Base):
    """One accepted intake request: counts toward the per-address rate limit, and records who asked."""

    __tablename__ = "intake_submissions"
    __table_args__ = (Index("ix_intake_submissions_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))  # normalised (lower-case)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    requester_role: Mapped[str | None] = mapped_column(String(32))  # buyer / seller
    topic: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    route: Mapped[str] = mapped_column(String(64))  # the routing rule that chose the policy
    address: Mapped[str | None] = mapped_column(String(64))


class RateCounter(Base):
    """A fixed-window counter for one limit (`intake.limits`): requests from an address, bytes per hour, ...

    Bumped with one atomic upsert that keeps the row locked until the
    intake's transaction ends, so concurrent requests on every instance are
    counted one by one, and a refused request rolls its bump back.
    """

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    count: Mapped[int] = mapped_column(BigInteger)
