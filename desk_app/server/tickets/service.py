"""The agent operations on a ticket: create, edit, add to the thread, change status, assign, take.

Each runs inside one write transaction (see `auth.mutation`) and changes the
ticket through the write kernel (`tickets.write`): load it, change it, and
`finish`. The rules here are the operations' own: which choices a policy
offers, who may assign to whom, what a new entry does to the status.
Escalations and disputes have their own modules (`escalations`, `disputes`).
"""

from __future__ import annotations

from sqlalchemy import select

from desk_app.core.phone import number_forms
from desk_app.core.policy import Policy
from desk_app.core.ticket import EntryKind, EventKind, Status, status_after_entry, status_change_refused
from desk_app.server.auth.models import ROLE_TIER, Role, User
from desk_app.server.core.errors import ApiError
from desk_app.server.core.validation import normalize_email, normalize_phone
from desk_app.server.directory.models import Customer, Queue
from desk_app.server.sync.service import next_counter_value
from desk_app.server.sync.visibility import CONTACT_FIELDS, handles_customer
from desk_app.server.tickets.models import ThreadEntry, Ticket
from desk_app.server.tickets.schemas import EntryIn, TicketCreateIn, TicketUpdateIn
from desk_app.server.tickets.write import (
    Ctx,
    add_system_entry,
    add_thread_entry,
    finish,
    load_for_change,
    placement,
    queue_for_tier,
    record_event,
    set_status,
)


# -- checks ---------------------------------------------------------------------------


def _check_choice(policy: Policy, what: str, value: str) -> None:
    if what == "category":
        known = list(policy.categories)
    elif what == "priority":
        known = [p.key for p in policy.priorities]
    else:
        known = list(policy.channels)
    if value not in known:
        raise ApiError(
            422,
            f"unknown_{what}",
            f"Policy {policy.key!r} has no {what} {value!r} (known: {', '.join(known)}).",
        )


def _check_queue(ctx: Ctx, queue_id: int | None) -> Queue | None:
    if queue_id is None:
        return None
    queue = ctx.session.get(Queue, queue_id)
    if queue is None or not ctx.viewer.can_see_queue(queue_id):
        raise ApiError(422, "unknown_queue", f"There is no queue with id {queue_id} that you can use.")
    return queue


# -- create ---------------------------------------------------------------------------


def _resolve_customer(ctx: Ctx, data: TicketCreateIn, policy: Policy) -> tuple[Customer, bool]:
    """The ticket's customer, and whether it existed before (False: made now from `data.customer`)."""
    session = ctx.session
    if data.customer_id is not None:
        customer = session.get(Customer, data.customer_id)
        if customer is None:
            raise ApiError(422, "unknown_customer", f"There is no customer with id {data.customer_id}.")
        return customer, True
    given = data.customer
    email = normalize_email(given.email) if given.email else None
    if email:
        existing = session.scalar(select(Customer).where(Customer.email == email).order_by(Customer.id).limit(1))
        if existing is not None:
            return existing, True
    customer = Customer(
        name=given.name,
        email=email,
        phone=normalize_phone(given.phone) if given.phone else None,
        tier=given.tier,
        conduct_flag=False,
        created_at=ctx.now,
    )
    session.add(customer)
    session.flush()
    return customer, False


def _contact_known(ctx: Ctx, data: TicketCreateIn, policy: Policy, customer: Customer) -> str | None:
    """`Ticket.contact_known` for a ticket made for an existing customer (see `sync.visibility`).

    None when the creator may see the customer's contact details already (or
    typed all of them); else the fields whose stored value they typed, as the
    customer's e-mail or phone or as the number of the call the ticket records.
    """
    if ctx.principal is None or handles_customer(ctx.session, ctx.viewer, customer):
        return None  # the store's own doors (intake, mail) file the customer's own tickets
    typed = []
    known = set()
    if data.customer is not None:
        if data.customer.email and normalize_email(data.customer.email) == customer.email:
            known.add("email")
        if data.customer.phone:
            typed.append(data.customer.phone)
    if data.message is not None and data.message.call is not None:
        typed.append(data.message.call.number)
    # In any form the customer search matches it in ("0813..." for "+62813...").
    forms = {form for text in typed for form in (normalize_phone(text), *number_forms(text, [policy.country]))}
    if customer.phone is not None and customer.phone in forms:
        known.add("phone")
    stored = {f for f in CONTACT_FIELDS if getattr(customer, f)}
    if stored <= known:
        return None  # they typed everything the store has: nothing to withhold
    return ",".join(sorted(known))


def create_ticket(ctx: Ctx, data: TicketCreateIn) -> Ticket:
    session = ctx.session
    policy = ctx.policies.require(data.policy)
    _check_choice(policy, "category", data.category)
    _check_choice(policy, "priority", data.priority)
    _check_choice(policy, "channel", data.channel)
    customer, existed = _resolve_customer(ctx, data, policy)
    # Before the ticket exists: whether its creator sees the customer without it.
    contact_known = _contact_known(ctx, data, policy, customer) if existed else None
    first_tier = policy.ladder[0].level if policy.ladder else 1
    if data.queue_id is not None:
        queue_id = _check_queue(ctx, data.queue_id).id
    else:
        queue = queue_for_tier(session, policy.key, first_tier)
        queue_id = queue.id if queue else None
    number = next_counter_value(session, "ticket_number")
    ticket = Ticket(
        number=f"{ctx.settings.ticket_prefix}-{number:06d}",
        subject=data.subject,
        category=data.category,
        priority=data.priority,
        channel=data.channel,
        status=data.status,
        tier=first_tier,
        policy_key=policy.key,
        queue_id=queue_id,
        assignee_id=ctx.actor_id if data.assign_to_me else None,
        customer_id=customer.id,
        order_id=data.order_id,
        version=1,
        created_at=ctx.now,
        updated_at=ctx.now,
        created_by_id=ctx.actor_id,
        contact_known=contact_known,
        contact_withheld_from_id=ctx.actor_id if contact_known is not None else None,
        snapshot="{}",
        queue_row="[]",
    )
    session.add(ticket)
    session.flush()
    record_event(session, ticket, ctx.now, EventKind.CREATED, status=data.status, tier=first_tier)
    entry = add_thread_entry(ctx, ticket, data.message) if data.message else None
    after = {
        "number": ticket.number,
        "subject": ticket.subject,
        "policy": ticket.policy_key,
        "category": ticket.category,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "status": ticket.status,
        "customer_id": ticket.customer_id,
        "queue_id": ticket.queue_id,
        "assignee_id": ticket.assignee_id,
    }
    finish(
        ctx,
        ticket,
        kind="ticket.created",
        fields=list(after),
        prev=None,
        audit_action="ticket.created",
        before=None,
        after=after,
        entry=entry,
        new=True,
    )
    return ticket


# -- update fields --------------------------------------------------------------------


def update_ticket(ctx: Ctx, ticket_id: int, if_match: int | None, data: TicketUpdateIn) -> Ticket:
    if if_match is None:
        raise ApiError(
            428,
            "precondition_required",
            "Send If-Match with the ticket version you edited, so that no one else's change is overwritten.",
        )
    ticket = load_for_change(ctx, ticket_id, if_match)
    prev = placement(ticket)
    given = data.model_dump(include=data.model_fields_set)
    if "policy" in given and given["policy"] != ticket.policy_key:
        if not (ctx.principal and ctx.principal.sees_everything):
            raise ApiError(403, "forbidden", "Only managers and admins move a ticket to another policy.")
    policy = ctx.policies.require(given.get("policy", ticket.policy_key))
    current = {
        "subject": ticket.subject,
        "category": ticket.category,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "queue_id": ticket.queue_id,
        "order_id": ticket.order_id,
        "policy": ticket.policy_key,
    }
    wanted = {**current, **given}
    for what in ("category", "priority", "channel"):
        _check_choice(policy, what, wanted[what])
    if wanted["policy"] != ticket.policy_key:
        try:
            policy.tier(ticket.tier)
        except LookupError:
            raise ApiError(
                422, "unknown_tier", f"Policy {policy.key!r} has no tier {ticket.tier}; de-escalate first."
            ) from None
    if "queue_id" in given and given["queue_id"] != ticket.queue_id:
        _check_queue(ctx, given["queue_id"])
    changed = {k: v for k, v in wanted.items() if v != current[k]}
    if not changed:
        return ticket
    for name, value in changed.items():
        setattr(ticket, "policy_key" if name == "policy" else name, value)
    finish(
        ctx,
        ticket,
        kind="ticket.updated",
        fields=list(changed),
        prev=prev,
        audit_action="ticket.updated",
        before={k: current[k] for k in changed},
        after=changed,
    )
    return ticket


# -- thread ---------------------------------------------------------------------------


def add_entry(ctx: Ctx, ticket_id: int, if_match: int | None, data: EntryIn) -> tuple[Ticket, ThreadEntry]:
    ticket = load_for_change(ctx, ticket_id, if_match)
    return ticket, add_entry_to_loaded(ctx, ticket, data)


def add_entry_to_loaded(ctx: Ctx, ticket: Ticket, data: EntryIn) -> ThreadEntry:
    """`add_entry` on a ticket this transaction has already loaded for change."""
    prev = placement(ticket)
    old_status = ticket.status
    entry = add_thread_entry(ctx, ticket, data)
    fields = ["thread"]
    after_entry = status_after_entry(ticket.status, data.kind)
    if after_entry is not None and data.kind == EntryKind.CUSTOMER_MESSAGE:
        set_status(ctx, ticket, after_entry, why="the customer wrote", cause="customer_wrote")
    elif after_entry is not None:
        set_status(ctx, ticket, after_entry, why="first response", cause="first_response")
    if ticket.status != old_status:
        fields.append("status")
    after = {"entry_kind": data.kind}
    if ticket.status != old_status:
        after["status"] = ticket.status
    finish(
        ctx,
        ticket,
        kind="entry.added",
        fields=fields,
        prev=prev,
        audit_action=f"entry.{data.kind}",
        before={"status": old_status} if ticket.status != old_status else None,
        after=after,
        entry=entry,
    )
    return entry


# -- status ---------------------------------------------------------------------------


def change_status(ctx: Ctx, ticket_id: int, if_match: int | None, status: Status, note: str | None) -> Ticket:
    ticket = load_for_change(ctx, ticket_id, if_match)
    if status == ticket.status:
        if note and note.strip():
            # The status stays; what the agent wrote with it does not get lost.
            add_entry_to_loaded(ctx, ticket, EntryIn(kind="internal_note", body=note))
        return ticket
    refused = status_change_refused(status)
    if refused is not None:
        raise ApiError(422, "invalid_status_transition", refused)
    prev = placement(ticket)
    old = ticket.status
    set_status(ctx, ticket, status)
    if note and note.strip():
        add_thread_entry(ctx, ticket, EntryIn(kind="internal_note", body=note))
    finish(
        ctx,
        ticket,
        kind="ticket.status_changed",
        fields=["status", "thread"],
        prev=prev,
        audit_action="ticket.status_changed",
        before={"status": old},
        after={"status": status.value},
    )
    return ticket


# -- assignment -----------------------------------------------------------------------


def _assign(ctx: Ctx, ticket: Ticket, assignee: User | None) -> None:
    prev = placement(ticket)
    old = ticket.assignee_id
    ticket.assignee_id = assignee.id if assignee else None
    if assignee is None:
        add_system_entry(ctx, ticket, "unassigned", "Unassigned", {"from": old, "to": None})
    else:
        add_system_entry(ctx, ticket, "assigned", f"Assigned to {assignee.display_name}", {"from": old, "to": assignee.id})
    finish(
        ctx,
        ticket,
        kind="ticket.assigned",
        fields=["assignee_id", "thread"],
        prev=prev,
        audit_action="ticket.assigned",
        before={"assignee_id": old},
        after={"assignee_id": ticket.assignee_id},
    )


def assign(ctx: Ctx, ticket_id: int, if_match: int | None, assignee_id: int | None) -> Ticket:
    ticket = load_for_change(ctx, ticket_id, if_match)
    p = ctx.principal
    if assignee_id is None:
        if not (p.sees_everything or ticket.assignee_id == p.user_id):
            raise ApiError(403, "forbidden", "Only the assignee, managers and admins can unassign a ticket.")
    elif not p.sees_everything:
        if assignee_id != p.user_id:
            raise ApiError(
                403, "forbidden", "Only managers and admins assign tickets to others; use /take to take it yourself."
            )
        if ticket.assignee_id not in (None, p.user_id):
            raise ApiError(
                409,
                "already_assigned",
                "Someone else already has this ticket; ask a manager to reassign it.",
                assignee_id=ticket.assignee_id,
            )
    assignee = None
    if assignee_id is not None:
        assignee = ctx.session.get(User, assignee_id)
        if assignee is None or not assignee.active:
            raise ApiError(422, "unknown_user", f"There is no active user with id {assignee_id}.")
        if ROLE_TIER[Role(assignee.role)] < ticket.tier:
            raise ApiError(
                422,
                "assignee_tier_too_low",
                f"{assignee.display_name} works tier {ROLE_TIER[Role(assignee.role)]}; "
                f"this ticket is at tier {ticket.tier}.",
            )
    if ticket.assignee_id == assignee_id:
        return ticket
    _assign(ctx, ticket, assignee)
    return ticket


def take(ctx: Ctx, ticket_id: int, if_match: int | None) -> Ticket:
    ticket = load_for_change(ctx, ticket_id, if_match)
    p = ctx.principal
    if ticket.assignee_id == p.user_id:
        return ticket
    if p.tier < ticket.tier:
        raise ApiError(
            403, "forbidden", f"This ticket is at tier {ticket.tier}; your role works tier {p.tier}."
        )
    if ticket.assignee_id is not None:
        raise ApiError(
            409,
            "already_assigned",
            "Someone else already has this ticket; ask a manager to reassign it.",
            assignee_id=ticket.assignee_id,
        )
    _assign(ctx, ticket, ctx.session.get(User, p.user_id))
    return ticket
