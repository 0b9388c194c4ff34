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
who handle the customer: managers/admins (whose role may see the customer
directory), the customer's account manager, the ticket's assignee, or, while
the ticket is unassigned, staff of its tier or above (the people who would take
it). A customer's record (`GET /customers`, the search) shows it to whoever
handles one of the customer's tickets that way (`handles_customer`).

A ticket counts as handling the customer only when it came from the customer
(their message, mail, portal, chat, a call logged on a ticket of theirs) or was
made by staff who could already see their contact details. A ticket that staff
create for an *existing* customer whose contact details they could not see
(picked from the search, or matched by an e-mail address they typed) reveals
only what its creator typed (issue 19): it is marked `contact_known` ("" or
"email", "phone", "email,phone": the stored values its creator typed or gave
as the call's number), and on it everyone but managers/admins, the account
manager and staff who handle the customer through another ticket sees only
those fields, and call numbers only on the entries they wrote themselves.
Such a ticket never counts for `handles_customer`. Otherwise anyone could read
any customer's e-mail and phone by creating a ticket for them (with "assign to
me", or in their own tier's queue), and show them to the whole tier as well.
A ticket whose creator typed every contact detail the customer has is not
marked: it reveals nothing. (The store never changes a customer's contact
details once recorded; a door that did would have to clear the marked tickets'
`contact_known`, which names fields, not values.)

Snapshots, queue rows and the change feed carry no contact data at all: only
a ticket's detail (`tickets.serialize.ticket_detail`) and a customer's record
do, with the rule above.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, literal, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desk_app.server.auth.service import Principal
from desk_app.server.directory.models import Customer, Queue
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


#: A customer's contact details, as `Ticket.contact_known` names them.
CONTACT_FIELDS = frozenset({"email", "phone"})
NO_CONTACT: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ContactView:
    """What of a ticket's customer one viewer sees."""

    #: Which of `CONTACT_FIELDS` show.
    fields: frozenset[str]
    #: They handle the ticket by its placement (`Viewer.sees_contact`): a call number
    #: they typed themselves shows even when the customer's phone does not.
    handler: bool

    @property
    def full(self) -> bool:
        return self.fields == CONTACT_FIELDS

    def shows_number(self, viewer: Viewer, author_id: int | None) -> bool:
        """Whether a call entry's number shows to `viewer` (who may have typed it)."""
        return "phone" in self.fields or (self.handler and author_id is not None and author_id == viewer.user_id)


def known_fields(contact_known: str | None) -> frozenset[str]:
    """`Ticket.contact_known` as fields ("email,phone" -> both; None -> all: nothing is withheld)."""
    if contact_known is None:
        return CONTACT_FIELDS
    return frozenset(f for f in contact_known.split(",") if f in CONTACT_FIELDS)


def handles_customer(session: Session, viewer: Viewer, customer: Customer) -> bool:
    """Whether `viewer` sees the customer's contact details in the directory (see the module's notes)."""
    p = viewer.principal
    if p.sees_everything or customer.account_manager_id == p.user_id:
        return True
    rows = session.execute(
        select(Ticket.tier, Ticket.assignee_id, Ticket.queue_id)
        .where(Ticket.customer_id == customer.id, Ticket.contact_known.is_(None))
    ).all()
    return any(
        viewer.can_see(queue_id, assignee_id)
        and viewer.sees_contact(tier=tier, assignee_id=assignee_id, account_manager_id=customer.account_manager_id)
        for tier, assignee_id, queue_id in rows
    )


def ticket_contact(session: Session, viewer: Viewer, ticket: Ticket, customer: Customer) -> ContactView:
    """What of the ticket's customer's contact details `viewer` sees on this ticket."""
    handler = viewer.sees_contact(
        tier=ticket.tier, assignee_id=ticket.assignee_id, account_manager_id=customer.account_manager_id)
    if not handler:
        return ContactView(NO_CONTACT, False)
    if ticket.contact_known is None or handles_customer(session, viewer, customer):
        return ContactView(CONTACT_FIELDS, True)
    return ContactView(known_fields(ticket.contact_known), True)


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
