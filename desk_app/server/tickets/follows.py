"""Who follows a ticket they handed up the ladder, and where a ticket goes when it comes back down.

An agent who escalates a ticket (or owned it when it went up, by anyone's
hand or the scheduler's) follows it: they keep read access wherever it goes
(`sync.visibility`), its changes keep reaching their client, and their
"Following" view lists it, so a customer who calls back can be told where
things stand. Following gives no say over the ticket: the tier it is at works
it (writes by a follower who cannot otherwise see the ticket answer 403).

When the ticket is de-escalated to a tier, it goes back to whoever sent it up
from that tier (the person who escalated it, else its owner then), if they
still work that tier; else to the tier's queue, unassigned.

A follow is one row per (ticket, user); escalating again from another tier
moves it there. Rows go with the ticket or the user.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, case, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from desk_app.server.auth.models import User
from desk_app.server.core.db import Base
from desk_app.server.core.types import BigIntPK, UTCDateTime

#: TicketFollow.reason
ESCALATED = "escalated"  # they sent it up
OWNER = "owner"  # it was theirs when it went up


class TicketFollow(Base):
    __tablename__ = "ticket_follows"
    __table_args__ = (Index("ix_ticket_follows_user_id", "user_id", "ticket_id"),)

    ticket_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(16))
    #: The tier the ticket left when they started following: a de-escalation to it comes back to them.
    from_tier: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime] = mapped_column(UTCDateTime)


def followers_of_move(*, actor_id: int | None, previous_assignee_id: int | None,
                      taken_by_id: int | None) -> dict[int, str]:
    """{user id: reason} of the people who follow a ticket after it moved up a tier.

    The one who moved it and the one who owned it; not whoever took it up there
    (it is theirs now), nor the scheduler (no person).
    """
    out: dict[int, str] = {}
    if previous_assignee_id is not None:
        out[previous_assignee_id] = OWNER
    if actor_id is not None:
        out[actor_id] = ESCALATED  # sending it up says more than having owned it
    out.pop(taken_by_id, None)
    return out


def follow_move(session: Session, ticket_id: int, *, from_tier: int, now: datetime, actor_id: int | None,
                previous_assignee_id: int | None, taken_by_id: int | None) -> list[int]:
    """Record the followers of an upward move (in the move's transaction); returns their ids."""
    wanted = followers_of_move(actor_id=actor_id, previous_assignee_id=previous_assignee_id,
                               taken_by_id=taken_by_id)
    if not wanted:
        return []
    held = {
        f.user_id: f
        for f in session.scalars(
            select(TicketFollow).where(TicketFollow.ticket_id == ticket_id, TicketFollow.user_id.in_(list(wanted)))
        )
    }
    for user_id, reason in wanted.items():
        follow = held.get(user_id)
        if follow is None:
            session.add(TicketFollow(ticket_id=ticket_id, user_id=user_id, reason=reason, from_tier=from_tier,
                                     since=now))
        else:
            follow.reason, follow.from_tier, follow.since = reason, from_tier, now
    session.flush()
    return sorted(wanted)


def followed_by(user_id: int):
    """The ids of the tickets `user_id` follows, as a subquery (for `Ticket.id.in_(...)`)."""
    return select(TicketFollow.ticket_id).where(TicketFollow.user_id == user_id)


def returns_to(session: Session, ticket_id: int, tier: int) -> User | None:
    """Who a ticket de-escalated to `tier` goes back to: who sent it up from there, if they still work that tier."""
    rows = session.execute(
        select(User)
        .join(TicketFollow, TicketFollow.user_id == User.id)
        .where(TicketFollow.ticket_id == ticket_id, TicketFollow.from_tier == tier, User.active.is_(True))
        .order_by(case((TicketFollow.reason == ESCALATED, 0), else_=1), TicketFollow.since.desc(), User.id)
    ).scalars()
    for user in rows:
        if user.tier >= tier:
            return user
    return None


__all__ = [
    "ESCALATED",
    "OWNER",
    "TicketFollow",
    "follow_move",
    "followed_by",
    "followers_of_move",
    "returns_to",
]
