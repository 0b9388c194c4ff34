"""What the scheduler keeps: escalation-due records and the actions it already took."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk_app.server.core.db import Base
from desk_app.server.core.types import BigIntPK, UTCDateTime

#: EscalationDueRecord.source
SOURCE_BUDGET = "budget"
SOURCE_CUSTOMER = "customer_request"

#: EscalationDueRecord.state: "open" until someone (or the grace period) handles it.
OPEN = "open"
ESCALATED = "escalated"  # the owner (or anyone entitled) moved it up
ACKNOWLEDGED = "acknowledged"  # someone of the next tier took it
KEPT = "kept"  # the owner added a note and kept it (where the policy allows)
AUTO_ESCALATED = "auto_escalated"  # unhandled after the grace period
WITHDRAWN = "withdrawn"  # no longer due: resolved, or moved to another tier by other means


class EscalationDueRecord(Base):
    """A tier budget ran out (or the customer asked): the ticket should move up.

    At most one per stay at a tier (a "keep" starts a new stay), so replaying
    the same history never creates a second record.
    """

    __tablename__ = "escalation_dues"
    __table_args__ = (
        UniqueConstraint("ticket_id", "stay_started_at", name="uq_escalation_dues_ticket_stay"),
        Index("ix_escalation_dues_state", "state", "to_tier"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("tickets.id", ondelete="CASCADE"))
    from_tier: Mapped[int] = mapped_column(Integer)
    to_tier: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(24))
    #: The ticket's assignee when it fell due (who is prompted); None: the tier's queue.
    owner_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("users.id", ondelete="SET NULL"))
    #: When the ticket entered `from_tier` (identifies the stay).
    stay_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the budget ran out or the customer asked.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the ticket moves up by itself if nobody acts (moves while the ticket is paused).
    auto_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default=OPEN)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("users.id", ondelete="SET NULL"))
    escalation_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("escalations.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)


class TicketAction(Base):
    """A time-driven action the scheduler took on a ticket, keyed so it is taken once.

    Written in the transaction of the action itself: after a crash either both
    are there or neither, so a replay is a no-op or a first run.
    """

    __tablename__ = "ticket_actions"

    ticket_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class EscalationNotified(Base):
    """Which of a user's running apps popped up an escalation-due prompt (one per user and record).

    An agent logged in on two machines sees the record on both; the first app
    to claim it here shows the pop-up and the tray message, the others only
    list it. The primary key makes the claim atomic (INSERT ... ON CONFLICT DO
    NOTHING): two machines racing get exactly one first.
    """

    __tablename__ = "escalation_notified"

    due_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("escalation_dues.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: The app that claimed it (its own id); the same app asking again is still first.
    client_id: Mapped[str] = mapped_column(String(64))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime)
