from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desk_app.server.core.db import Base
from desk_app.server.core.types import BigIntPK, UTCDateTime


class SurveyResponse(Base):
    """One CSAT survey sent to a customer, and (once answered) the answer.

    The raw token only travels in the customer's mail; the row keeps its
    SHA-256 digest. The agent is the ticket's assignee when the survey was
    issued (the person who resolved it), so later reassignment does not move
    the score to someone else.
    """

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_agent_answered", "agent_id", "answered_at"),
        Index("ix_survey_responses_ticket_id", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when a newer survey for the same ticket replaced this one (re-resolution).
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    #: The thread entry that shows the answer on the ticket.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("thread_entries.id", ondelete="SET NULL"))
