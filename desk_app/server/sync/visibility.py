"""Who may see which ticket; the same rule for lists, reads, bootstrap and the feed.

* Managers and admins see every ticket.
* Everyone sees the tickets assigned to them.
* Otherwise a ticket is visible when it is in no queue, in a public queue, or
  in a private queue of the viewer's tier or a lower one (an agent does not
  see the specialists' private queue; a specialist sees the agents').

Customers' personal data (email, phone, call numbers) is shown only to staff
who handle the customer: managers/admins, the ticket's assignee, the customer's
account manager, or, while the ticket is unassigned, staff of its tier or above
(the people who would take it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desk_app.server.auth.service import Principal
from desk_app.server.directory.models import Queue
from desk_app.server.tickets.models import Ticket


@dataclass(frozen=True, slots=True)
class Viewer:
    principal: Principal
    #: Queue ids whose tickets are visible; None: every queue.
    visible_queues: frozenset[int] | None

    @property
    def user_id(self) -> int:
        return self.principal.user_id

    def can_see(self, queue_id: int | None, assignee_id: int | None) -> bool:
        if self.visible_queues is None:
            return True
        if assignee_id is not None and assignee_id == self.principal.user_id:
            return True
        return queue_id is None or queue_id in self.visible_queues

    def can_see_queue(self, queue_id: int | None) -> bool:
        return self.visible_queues is None or queue_id is None or queue_id in self.visible_queues

    def ticket_filter(self) -> ColumnElement[bool]:
        if self.visible_queues is None:
            return Ticket.id.is_not(None)
        clauses = [Ticket.queue_id.is_(None), Ticket.assignee_id == self.principal.user_id]
        if self.visible_queues:
            clauses.append(Ticket.queue_id.in_(sorted(self.visible_queues)))
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
        return Viewer(principal, None)
    rows = session.execute(select(Queue.id, Queue.private, Queue.tier)).all()
    visible = frozenset(qid for qid, private, tier in rows if not private or tier <= principal.tier)
    return Viewer(principal, visible)
