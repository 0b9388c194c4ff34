"""Who may see which ticket; the same rule for lists, reads, bootstrap and the feed.

* Managers and admins see every ticket.
* Everyone sees the tickets assigned to them.
* Otherwise a ticket is visible when it is in no queue, in a public queue, or
  in a private queue of the viewer's tier or a lower one (an agent does not
  see the specialists' private queue; a specialist sees the agents').
* Whoever sent a ticket up the ladder (or owned it then) follows it
  (`tickets.follows`) and may go on reading it wherever it is, but not change
  it: `follows_only` tells a write door to refuse.

Customers' personal data (email, phone, call numbers) is shown only to staff
who handle the customer: managers/admins, the ticket's assignee, the customer's
account manager, or, while the ticket is unassigned, staff of its tier or above
(the people who would take it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, literal, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desk_app.server.auth.service import Principal
from desk_app.server.directory.models import Queue
from desk_app.server.tickets.follows import TicketFollow, followed_by
from desk_app.server.tickets.models import Ticket


@dataclass(frozen=True, slots=True)
class Viewer:
    principal: Principal
    #: Queue ids whose tickets are visible; None: every queue.
    visible_queues: frozenset[int] | None
    #: Ids of the tickets they follow (read whatever their placement).
    followed: frozenset[int] = frozenset()

    @property
    def user_id(self) -> int:
        return self.principal.user_id

    def can_see(self, queue_id: int | None, assignee_id: int | None, ticket_id: int | None = None) -> bool:
        """May they read the ticket? Pass `ticket_id` to count their follows."""
        return self.works(queue_id, assignee_id) or (ticket_id is not None and ticket_id in self.followed)

    def works(self, queue_id: int | None, assignee_id: int | None) -> bool:
        """Is the ticket in their sight by its placement (its queue, or assigned to them)?"""
        if self.visible_queues is None:
            return True
        if assignee_id is not None and assignee_id == self.principal.user_id:
            return True
        return queue_id is None or queue_id in self.visible_queues

    def follows_only(self, queue_id: int | None, assignee_id: int | None, ticket_id: int) -> bool:
        """They read the ticket only because they follow it: they may not change it."""
        return ticket_id in self.followed and not self.works(queue_id, assignee_id)

    def can_see_queue(self, queue_id: int | None) -> bool:
        return self.visible_queues is None or queue_id is None or queue_id in self.visible_queues

    def ticket_filter(self) -> ColumnElement[bool]:
        if self.visible_queues is None:
            return Ticket.id.is_not(None)
        clauses = [Ticket.queue_id.is_(None), Ticket.assignee_id == self.principal.user_id]
        if self.visible_queues:
            clauses.append(Ticket.queue_id.in_(sorted(self.visible_queues)))
        if self.followed:
            # A subquery, not the ids: one statement however many they follow.
            clauses.append(Ticket.id.in_(followed_by(self.principal.user_id)))
        return or_(*clauses) if clauses else false()

    def sees_contact(self, *, tier: int, assignee_id: int | None, account_manager_id: int | None) -> bool:
        p = self.principal
        if p.sees_everything:
            return True
        if assignee_id == p.user_id or account_manager_id == p.user_id:
            return True
        return assignee_id is None and p.tier >= tier


def viewer_for(session: Session, principal: Principal) -> Viewer:
    if principal.sees_everything:
        # Every ticket in sight, and no "Following" view to fill: nothing to read (the write
        # path of a manager's request stays as short as it was).
        return Viewer(principal, None)
    # The queues and the user's follows in one statement: one round trip per request, as before follows.
    queues = select(literal(0).label("follow"), Queue.id, Queue.private, Queue.tier)
    follows = select(literal(1), TicketFollow.ticket_id, literal(False), literal(0)).where(
        TicketFollow.user_id == principal.user_id)
    visible, followed = set(), set()
    for follow, key, private, tier in session.execute(union_all(queues, follows)):
        if follow:
            followed.add(key)
        elif not private or tier <= principal.tier:
            visible.add(key)
    return Viewer(principal, frozenset(visible), frozenset(followed))
