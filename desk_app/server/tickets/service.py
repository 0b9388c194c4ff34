"""Ticket operations. Each runs inside one write transaction (see core.idempotency).

Every operation that changes a ticket ends in `_finish`, which replays the SLA
history (the store is the SLA authority), bumps the version, rebuilds the
snapshot clients receive, writes the audit entry and appends the change-log
entry, all in the same transaction as the change itself.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from desk_app.core.policy import Policy
from desk_app.core.ticket import DONE_STATUSES, EntryKind, EventKind, Status
from desk_app.server.audit.service import record_audit
from desk_app.server.auth.models import ROLE_TIER, Role, User
from desk_app.server.auth.service import Principal
from desk_app.server.core.db import CHANGED_TICKETS_KEY
from desk_app.server.core.errors import ApiError
from desk_app.server.core.settings import Settings
from desk_app.server.core.types import iso
from desk_app.server.core.validation import MAX_ID, normalize_email, normalize_phone
from desk_app.server.directory.models import Customer, Queue
from desk_app.server.policies.registry import PolicyRegistry
from desk_app.server.sync.service import append_change, next_counter_value
from desk_app.server.sync.visibility import Viewer, viewer_for
from desk_app.server.tickets import sla_authority
from desk_app.server.tickets.models import Escalation, ThreadEntry, Ticket, TicketHistoryEvent
from desk_app.server.tickets.schemas import EntryIn, TicketCreateIn, TicketUpdateIn
from desk_app.server.tickets.serialize import entry_json, escalation_json, ticket_detail, ticket_snapshot

SYSTEM_NAME = "system"


@dataclass
class Ctx:
    """Everything an operation needs: its transaction, 'now' and who acts."""

    session: Session
    now: datetime
    principal: Principal | None  # None: the server itself (scheduler)
    policies: PolicyRegistry
    settings: Settings
    address: str | None = None
    _viewer: Viewer | None = field(default=None, repr=False)

    @property
    def viewer(self) -> Viewer:
        if self._viewer is None:
            if self.principal is None:
                raise RuntimeError("the system context has no viewer")
            self._viewer = viewer_for(self.session, self.principal)
        return self._viewer

    @property
    def actor_id(self) -> int | None:
        return self.principal.user_id if self.principal else None

    @property
    def actor_name(self) -> str:
        return self.principal.display_name if self.principal else SYSTEM_NAME


Placement = tuple[int | None, int | None, int | None]


def placement(ticket: Ticket) -> Placement:
    return (ticket.queue_id, ticket.tier, ticket.assignee_id)


# -- loading and checks ---------------------------------------------------------------


_BY_ID = select(Ticket).where(Ticket.id == bindparam("ticket_id"))
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update()


def load_visible(session: Session, viewer: Viewer, ticket_id: int, *, for_update: bool = False) -> Ticket:
    # Built once: the statement's cache key is memoised, not recomputed per request.
    ticket = session.scalar(_BY_ID_FOR_UPDATE if for_update else _BY_ID, {"ticket_id": ticket_id})
    # A ticket the caller may not see answers like one that does not exist.
    if ticket is None or not viewer.can_see(ticket.queue_id, ticket.assignee_id):
        raise ApiError(404, "ticket_not_found", f"No ticket with id {ticket_id}.")
    return ticket


def _load(ctx: Ctx, ticket_id: int, if_match: int | None) -> Ticket:
    ticket = load_visible(ctx.session, ctx.viewer, ticket_id, for_update=True)
    if if_match is not None and if_match != ticket.version:
        raise ApiError(
            412,
            "version_conflict",
            f"The ticket changed since version {if_match} (it is now at version {ticket.version}); "
            "nothing was changed. Review the current ticket and apply your change again.",
            current=ticket_detail(ctx.session, ctx.viewer, ticket),
        )
    return ticket


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


def _tier_name(policy: Policy, level: int) -> str:
    try:
        return policy.tier(level).name
    except LookupError:
        return f"Tier {level}"


def _check_queue(ctx: Ctx, queue_id: int | None) -> Queue | None:
    if queue_id is None:
        return None
    queue = ctx.session.get(Queue, queue_id)
    if queue is None or not ctx.viewer.can_see_queue(queue_id):
        raise ApiError(422, "unknown_queue", f"There is no queue with id {queue_id} that you can use.")
    return queue


def queue_for_tier(session: Session, policy_key: str, tier: int) -> Queue | None:
    """The queue a ticket of this policy waits in at this tier: the policy's own, else a shared one."""
    rows = session.scalars(
        select(Queue).where(Queue.tier == tier, or_(Queue.policy_key == policy_key, Queue.policy_key.is_(None)))
    ).all()
    rows = sorted(rows, key=lambda q: (q.policy_key is None, q.id))
    return rows[0] if rows else None


# -- the common tail ------------------------------------------------------------------


# Events and thread entries are only ever appended: plain Core inserts, run at
# once on the transaction's connection, cost a fraction of a unit-of-work
# flush (this is the hot path of every write). The ticket row exists by then
# (create_ticket flushes it first).
_INSERT_EVENT = insert(TicketHistoryEvent.__table__)
_INSERT_ENTRY = insert(ThreadEntry.__table__)
_EVENT_COLUMNS = ("status", "tier", "party", "direction")
_ENTRY_COLUMNS = ("call_number", "call_direction", "call_duration_seconds", "event_code", "data")


def _event(session: Session, ticket: Ticket, at: datetime, kind: EventKind, **values: Any) -> None:
    row = {"ticket_id": ticket.id, "at": at, "kind": str(kind)}
    row.update({c: values.get(c) for c in _EVENT_COLUMNS})
    session.connection().execute(_INSERT_EVENT, row)


def _insert_entry(session: Session, **values: Any) -> ThreadEntry:
    """Append a thread entry; returns it (detached, with its id) for serialising."""
    row = {c: None for c in _ENTRY_COLUMNS}
    row.update(values)
    entry_id = session.connection().execute(_INSERT_ENTRY, row).inserted_primary_key[0]
    return ThreadEntry(id=entry_id, **row)


def _system_entry(ctx: Ctx, ticket: Ticket, code: str, body: str, data: dict[str, Any] | None = None) -> ThreadEntry:
    return _insert_entry(
        ctx.session,
        ticket_id=ticket.id,
        kind=str(EntryKind.SYSTEM_EVENT),
        author_id=ctx.actor_id,
        author_name=ctx.actor_name,
        body=body,
        created_at=ctx.now,
        event_code=code,
        data=orjson.dumps(data).decode() if data else None,
    )


def _latest_escalation(session: Session, ticket_id: int) -> Escalation | None:
    return session.scalar(
        select(Escalation).where(Escalation.ticket_id == ticket_id).order_by(Escalation.id.desc()).limit(1)
    )


#: What `finish` rewrites on every change; any other field an operation
#: changed was flushed by `sla_authority.recompute` already.
_FINISH_COLUMNS = (
    "version", "updated_at", "snapshot", "sla_rule", "sla_computed_at", "sla_state",
    "sla_due_at", "sla_next_change_at", "sla_escalation_due_at",
)
_UPDATE_TICKET = update(Ticket.__table__).where(Ticket.__table__.c.id == bindparam("b_id"))


def _write_ticket(session: Session, ticket: Ticket) -> None:
    """UPDATE the ticket's rewritten columns with one Core statement, not a unit-of-work flush."""
    values = {name: getattr(ticket, name) for name in _FINISH_COLUMNS}
    session.connection().execute(_UPDATE_TICKET, {"b_id": ticket.id, **values})
    # The row now holds these values: tell the ORM, so no flush writes them again.
    for name, value in values.items():
        set_committed_value(ticket, name, value)


def finish(
    ctx: Ctx,
    ticket: Ticket,
    *,
    kind: str,
    fields: list[str],
    prev: Placement | None,
    audit_action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    entry: ThreadEntry | None = None,
    new: bool = False,
    escalation_changed: bool = False,
) -> dict[str, Any]:
    """Recompute SLA, bump the version, rebuild the snapshot, audit, append the change.

    `escalation_changed`: the operation added or changed an escalation (else
    the latest one is taken from the previous snapshot, saving a query).
    """
    session = ctx.session
    policy = ctx.policies.require(ticket.policy_key)
    previous = None if new else orjson.loads(ticket.snapshot or "{}")
    if previous and previous.get("customer_id") == ticket.customer_id and "customer_tier" in previous:
        # The customer is as in the last snapshot (the store changes customers
        # only together with their tickets' snapshots): save the query.
        customer_name, customer_tier = previous["customer_name"], previous["customer_tier"]
    else:
        customer = session.get(Customer, ticket.customer_id)
        customer_name, customer_tier = customer.name, customer.tier
    try:
        _snap, sla = sla_authority.recompute(
            session, ticket, policy, customer_tier, ctx.now, previous.get("sla") if previous else None
        )
    except (ValueError, LookupError) as exc:
        raise ApiError(422, "sla_rejected", f"The SLA clocks cannot be computed for this change: {exc}") from None
    if not new:
        ticket.version += 1
    ticket.updated_at = ctx.now
    if escalation_changed or previous is None:
        with session.no_autoflush:
            escalation = escalation_json(_latest_escalation(session, ticket.id))
    else:
        escalation = previous.get("escalation")
    snapshot = ticket_snapshot(ticket, customer_name, customer_tier, sla, escalation)
    ticket_bytes = orjson.dumps(snapshot)
    ticket.snapshot = ticket_bytes.decode()
    record_audit(
        session,
        at=ctx.now,
        actor_id=ctx.actor_id,
        actor_name=ctx.principal.username if ctx.principal else SYSTEM_NAME,
        action=audit_action,
        entity_type="ticket",
        entity_id=ticket.id,
        before=before,
        after=after,
        address=ctx.address,
    )
    payload = b'{"ticket":' + ticket_bytes
    if entry is not None:
        # Call numbers are personal data; the feed never carries them.
        payload += b',"entry":' + orjson.dumps(entry_json(entry, show_number=False))
    payload += b"}"
    _write_ticket(session, ticket)
    session.info.setdefault(CHANGED_TICKETS_KEY, []).append((ticket.id, ticket.sla_next_change_at))
    append_change(
        session,
        now=ctx.now,
        kind=kind,
        ticket_id=ticket.id,
        actor_id=ctx.actor_id,
        fields=sorted(set(fields) | {"sla", "version"}),
        payload=payload,
        placement=placement(ticket),
        prev_placement=prev,
    )
    return snapshot


# -- create ---------------------------------------------------------------------------


def _resolve_customer(ctx: Ctx, data: TicketCreateIn, policy: Policy) -> Customer:
    session = ctx.session
    if data.customer_id is not None:
        customer = session.get(Customer, data.customer_id)
        if customer is None:
            raise ApiError(422, "unknown_customer", f"There is no customer with id {data.customer_id}.")
        return customer
    given = data.customer
    email = normalize_email(given.email) if given.email else None
    if email:
        existing = session.scalar(select(Customer).where(Customer.email == email).order_by(Customer.id).limit(1))
        if existing is not None:
            return existing
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
    return customer


def _add_entry_row(ctx: Ctx, ticket: Ticket, data: EntryIn) -> ThreadEntry:
    call = {}
    if data.call is not None:
        call = {
            "call_number": normalize_phone(data.call.number),
            "call_direction": data.call.direction,
            "call_duration_seconds": data.call.duration_seconds,
        }
    entry = _insert_entry(
        ctx.session,
        ticket_id=ticket.id,
        kind=data.kind,
        author_id=ctx.actor_id,
        author_name=ctx.actor_name,
        body=data.body,
        created_at=ctx.now,
        **call,
    )
    kind = EventKind(data.kind)
    _event(ctx.session, ticket, ctx.now, kind, direction=data.call.direction if data.call else None)
    return entry


def create_ticket(ctx: Ctx, data: TicketCreateIn) -> Ticket:
    session = ctx.session
    policy = ctx.policies.require(data.policy)
    _check_choice(policy, "category", data.category)
    _check_choice(policy, "priority", data.priority)
    _check_choice(policy, "channel", data.channel)
    customer = _resolve_customer(ctx, data, policy)
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
        snapshot="{}",
    )
    session.add(ticket)
    session.flush()
    _event(session, ticket, ctx.now, EventKind.CREATED, status=data.status, tier=first_tier)
    entry = _add_entry_row(ctx, ticket, data.message) if data.message else None
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
    ticket = _load(ctx, ticket_id, if_match)
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


def _set_status(ctx: Ctx, ticket: Ticket, status: str, *, why: str | None = None) -> None:
    old = ticket.status
    ticket.status = status
    _event(ctx.session, ticket, ctx.now, EventKind.STATUS_CHANGED, status=status)
    reopened = old in DONE_STATUSES and status not in DONE_STATUSES
    code = "reopened" if reopened else "status_changed"
    text = f"{'Reopened' if reopened else 'Status changed'}: {old} -> {status}"
    if why:
        text += f" ({why})"
    _system_entry(ctx, ticket, code, text, {"from": old, "to": status})


def add_entry(ctx: Ctx, ticket_id: int, if_match: int | None, data: EntryIn) -> tuple[Ticket, ThreadEntry]:
    ticket = _load(ctx, ticket_id, if_match)
    prev = placement(ticket)
    old_status = ticket.status
    entry = _add_entry_row(ctx, ticket, data)
    fields = ["thread"]
    if data.kind == EntryKind.CUSTOMER_MESSAGE and ticket.status in (
        Status.PENDING_CUSTOMER,
        Status.RESOLVED,
        Status.CLOSED,
    ):
        _set_status(ctx, ticket, Status.OPEN, why="the customer wrote")
    elif data.kind in (EntryKind.PUBLIC_REPLY, EntryKind.PHONE_CALL) and ticket.status == Status.NEW:
        _set_status(ctx, ticket, Status.OPEN, why="first response")
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
    return ticket, entry


# -- status ---------------------------------------------------------------------------


def change_status(ctx: Ctx, ticket_id: int, if_match: int | None, status: Status, note: str | None) -> Ticket:
    ticket = _load(ctx, ticket_id, if_match)
    if status == ticket.status:
        return ticket
    if status == Status.NEW:
        raise ApiError(
            422, "invalid_status_transition", "A ticket cannot go back to 'new'; reopen it as 'open' instead."
        )
    prev = placement(ticket)
    old = ticket.status
    _set_status(ctx, ticket, status)
    if note and note.strip():
        _add_entry_row(ctx, ticket, EntryIn(kind="internal_note", body=note))
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
        _system_entry(ctx, ticket, "unassigned", "Unassigned", {"from": old, "to": None})
    else:
        _system_entry(ctx, ticket, "assigned", f"Assigned to {assignee.display_name}", {"from": old, "to": assignee.id})
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
    ticket = _load(ctx, ticket_id, if_match)
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
    ticket = _load(ctx, ticket_id, if_match)
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


# -- escalation -----------------------------------------------------------------------


def _move_tier(ctx: Ctx, ticket: Ticket, policy: Policy, target: int, *, direction: str, kind: str, reason: str):
    prev = placement(ticket)
    before = {"tier": ticket.tier, "queue_id": ticket.queue_id, "assignee_id": ticket.assignee_id}
    old = ticket.tier
    ticket.tier = target
    _event(ctx.session, ticket, ctx.now, EventKind.TIER_CHANGED, tier=target)
    queue = queue_for_tier(ctx.session, policy.key, target)
    if queue is not None:
        ticket.queue_id = queue.id
    # The next tier picks the ticket up from its queue.
    ticket.assignee_id = None
    esc = Escalation(
        ticket_id=ticket.id,
        from_tier=old,
        to_tier=target,
        direction=direction,
        kind=kind,
        reason=reason,
        created_at=ctx.now,
        created_by_id=ctx.actor_id,
        acknowledged=False,
    )
    ctx.session.add(esc)
    verb = "Escalated" if direction == "up" else "De-escalated"
    _system_entry(
        ctx,
        ticket,
        "escalated" if direction == "up" else "deescalated",
        f"{verb} from {_tier_name(policy, old)} to {_tier_name(policy, target)} ({kind}): {reason}",
        {"from_tier": old, "to_tier": target, "kind": kind},
    )
    ctx.session.flush()
    finish(
        ctx,
        ticket,
        kind="ticket.escalated" if direction == "up" else "ticket.deescalated",
        fields=["tier", "queue_id", "assignee_id", "escalation", "thread"],
        prev=prev,
        audit_action="ticket.escalated" if direction == "up" else "ticket.deescalated",
        before=before,
        after={"tier": target, "queue_id": ticket.queue_id, "assignee_id": None, "reason": reason},
        escalation_changed=True,
    )
    return esc


def _may_act_on_tier(p: Principal, ticket: Ticket) -> bool:
    return p.tier >= ticket.tier or ticket.assignee_id == p.user_id


def escalate(ctx: Ctx, ticket_id: int, if_match: int | None, reason: str, to_tier: int | None) -> Ticket:
    ticket = _load(ctx, ticket_id, if_match)
    if not _may_act_on_tier(ctx.principal, ticket):
        raise ApiError(403, "forbidden", f"This ticket is at tier {ticket.tier}; your role works tier {ctx.principal.tier}.")
    policy = ctx.policies.require(ticket.policy_key)
    target = to_tier if to_tier is not None else ticket.tier + 1
    if target <= ticket.tier:
        raise ApiError(422, "invalid_tier", f"Escalation goes up: pick a tier above {ticket.tier}.")
    try:
        policy.tier(target)
    except LookupError:
        top = max(t.level for t in policy.ladder)
        raise ApiError(
            409 if ticket.tier >= top else 422,
            "no_higher_tier" if ticket.tier >= top else "invalid_tier",
            f"Policy {policy.key!r} has no tier {target} (its ladder ends at tier {top}).",
        ) from None
    _move_tier(ctx, ticket, policy, target, direction="up", kind="manual", reason=reason)
    return ticket


def deescalate(ctx: Ctx, ticket_id: int, if_match: int | None, reason: str, to_tier: int | None) -> Ticket:
    ticket = _load(ctx, ticket_id, if_match)
    if not _may_act_on_tier(ctx.principal, ticket):
        raise ApiError(403, "forbidden", f"This ticket is at tier {ticket.tier}; your role works tier {ctx.principal.tier}.")
    policy = ctx.policies.require(ticket.policy_key)
    target = to_tier if to_tier is not None else ticket.tier - 1
    if ticket.tier <= 1 and to_tier is None:
        raise ApiError(409, "no_lower_tier", "The ticket is already at the first tier.")
    if target >= ticket.tier or target < 1:
        raise ApiError(422, "invalid_tier", f"De-escalation goes down: pick a tier from 1 to {ticket.tier - 1}.")
    _move_tier(ctx, ticket, policy, target, direction="down", kind="manual", reason=reason)
    return ticket


def acknowledge_escalation(ctx: Ctx, ticket_id: int, escalation_id: int, if_match: int | None) -> Ticket:
    ticket = _load(ctx, ticket_id, if_match)
    esc = ctx.session.get(Escalation, escalation_id)
    if esc is None or esc.ticket_id != ticket.id:
        raise ApiError(404, "escalation_not_found", f"Ticket {ticket_id} has no escalation {escalation_id}.")
    if esc.direction != "up":
        raise ApiError(422, "not_an_escalation", "Only escalations (up the ladder) are acknowledged.")
    if esc.acknowledged:
        raise ApiError(
            409,
            "already_acknowledged",
            "This escalation was already acknowledged.",
            acknowledged_by_id=esc.acknowledged_by_id,
        )
    if ctx.principal.tier < esc.to_tier:
        raise ApiError(403, "forbidden", f"Escalations to tier {esc.to_tier} are acknowledged by that tier.")
    prev = placement(ticket)
    esc.acknowledged = True
    esc.acknowledged_at = ctx.now
    esc.acknowledged_by_id = ctx.actor_id
    _system_entry(
        ctx, ticket, "escalation_acknowledged", f"Escalation to tier {esc.to_tier} acknowledged", {"escalation_id": esc.id}
    )
    ctx.session.flush()
    finish(
        ctx,
        ticket,
        kind="escalation.acknowledged",
        fields=["escalation", "thread"],
        prev=prev,
        audit_action="escalation.acknowledged",
        before={"escalation_id": esc.id, "acknowledged": False},
        after={"escalation_id": esc.id, "acknowledged": True},
        escalation_changed=True,
    )
    return ticket


# -- listing --------------------------------------------------------------------------


@dataclass
class ListFilters:
    queue_id: int | None = None
    statuses: list[str] | None = None
    assignee: str | None = None  # "me", "none" or a user id
    tier: int | None = None
    breaching_within: int | None = None  # minutes
    q: str | None = None
    order_id: str | None = None
    phone: str | None = None
    email: str | None = None
    policy: str | None = None


def _encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        values = None
    ok = isinstance(values, list) and values and values[0] == sort
    if ok:
        last_id = values[-1]
        ok = isinstance(last_id, int) and not isinstance(last_id, bool) and 0 <= last_id <= MAX_ID
    if ok and sort == "number":
        ok = len(values) == 2
    elif ok and sort == "due":
        ok = len(values) == 3 and (values[1] is None or isinstance(values[1], str))
        if ok and values[1] is not None:
            try:
                datetime.fromisoformat(values[1].replace("Z", "+00:00"))
            except ValueError:
                ok = False
    if not ok:
        raise ApiError(400, "invalid_cursor", "The cursor is not one this endpoint gave out for this sort order.")
    return values


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_tickets(
    session: Session,
    viewer: Viewer,
    now: datetime,
    filters: ListFilters,
    *,
    sort: str,
    cursor: str | None,
    limit: int,
) -> tuple[list[str], str | None]:
    query = select(Ticket.id, Ticket.sla_due_at, Ticket.snapshot).where(viewer.ticket_filter())
    f = filters
    if f.queue_id is not None:
        query = query.where(Ticket.queue_id == f.queue_id)
    if f.statuses:
        query = query.where(Ticket.status.in_(f.statuses))
    if f.assignee == "me":
        query = query.where(Ticket.assignee_id == viewer.user_id)
    elif f.assignee == "none":
        query = query.where(Ticket.assignee_id.is_(None))
    elif f.assignee is not None:
        query = query.where(Ticket.assignee_id == int(f.assignee))
    if f.tier is not None:
        query = query.where(Ticket.tier == f.tier)
    if f.policy is not None:
        query = query.where(Ticket.policy_key == f.policy)
    if f.breaching_within is not None:
        query = query.where(Ticket.sla_due_at <= now + timedelta(minutes=f.breaching_within))
    if f.order_id is not None:
        query = query.where(Ticket.order_id == f.order_id.strip())
    if f.phone is not None:
        query = query.where(Ticket.customer_id.in_(select(Customer.id).where(Customer.phone == normalize_phone(f.phone))))
    if f.email is not None:
        query = query.where(Ticket.customer_id.in_(select(Customer.id).where(Customer.email == normalize_email(f.email))))
    if f.q is not None:
        pattern = f"%{_escape_like(f.q.strip())}%"
        query = query.where(
            or_(
                Ticket.subject.ilike(pattern, escape="\\"),
                Ticket.number.ilike(pattern, escape="\\"),
                Ticket.order_id.ilike(pattern, escape="\\"),
                Ticket.customer_id.in_(select(Customer.id).where(Customer.name.ilike(pattern, escape="\\"))),
            )
        )
    if sort == "due":
        if cursor:
            _, last_due, last_id = _decode_cursor(cursor, sort)
            if last_due is None:
                query = query.where(Ticket.sla_due_at.is_(None), Ticket.id > last_id)
            else:
                due = datetime.fromisoformat(last_due.replace("Z", "+00:00"))
                query = query.where(
                    or_(
                        Ticket.sla_due_at > due,
                        and_(Ticket.sla_due_at == due, Ticket.id > last_id),
                        Ticket.sla_due_at.is_(None),
                    )
                )
        query = query.order_by(Ticket.sla_due_at.is_(None), Ticket.sla_due_at, Ticket.id)
    else:
        if cursor:
            _, last_id = _decode_cursor(cursor, sort)
            query = query.where(Ticket.id > last_id)
        query = query.order_by(Ticket.id)
    rows = session.execute(query.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = _encode_cursor(["due", iso(last[1]), last[0]] if sort == "due" else ["number", last[0]])
    return [r[2] for r in rows], next_cursor
