from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from desk_app.server.core.db import Base
from desk_app.server.core.types import UTCDateTime


class Presence(Base):
    """One client of one agent: the ticket it has open, and whether a reply is being typed."""

    __tablename__ = "presence"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: Chosen by the client (one per running app), so an agent on two machines shows twice.
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    ticket_id: Mapped[int | None] = mapped_column(BigInteger)
    composing: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When the visible state (ticket, composing) last changed.
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
