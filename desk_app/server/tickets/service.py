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
from desk_app.server.attachments import service as attachments
from desk_app.server.audit.service import audit_rider
from desk_app.server.auth.models import ROLE_TIER, Role, User
from desk_app.server.auth.service import Principal
from desk_app.server.core.db import CHANGED_TICKETS_KEY
from desk_app.server.core.errors import ApiError
from desk_app.server.core.settings import Settings
from desk_app.server.core.types import iso
from desk_app.server.core.validation import MAX_ID, normalize_email, normalize_phone
from desk_app.server.directory.models import Customer, Queue
from desk_app.server.notifications.outbox import notify_ticket_change
from desk_app.server.policies.registry import PolicyRegistry
from desk_app.server.scheduler import dues
from desk_app.server.sync.queue_row import queue_row
from desk_app.server.sync.service import Rider, append_change, next_counter_value
from desk_app.server.sync.visibility import Viewer, viewer_for
from desk_app.server.tickets import sla_authority
from desk_app.server.tickets.models import Escalation, ThreadEntry, Ticket
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
    """The ticket, if the viewer may read it; `for_update`: locked, to change it (followers may not)."""
    # Built once: the statement's cache key is memoised, not recomputed per request.
    ticket = session.scalar(_BY_ID_FOR_UPDATE if for_update else _BY_ID, {"ticket_id": ticket_id})
    # A ticket the caller may not see answers like one that does not exist.
    if ticket is None or not viewer.can_see(ticket.queue_id, ticket.assignee_id, ticket.id):
        raise ApiError(404, "ticket_not_found", f"No ticket with id {ticket_id}.")
    if for_update and viewer.follows_only(ticket.queue_id, ticket.assignee_id, ticket.id):
        raise ApiError(403, "following_only", f"You follow this ticket since it went up the ladder; tier "
                       f"{ticket.tier} works it now, so you can read it but not change it.")
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


# Events and thread entries are only ever appended: plain Core inserts on the
# transaction's connection cost a fraction of a unit-of-work flush (this is
# the hot path of every write). Entries go out at once (their id is needed);
# events with the history read of `finish`. The ticket row exists by then
# (create_ticket flushes it first).
_INSERT_ENTRY = insert(ThreadEntry.__table__)
_EVENT_COLUMNS = ("status", "tier", "party", "direction")
_ENTRY_COLUMNS = ("call_number", "call_direction", "call_duration_seconds", "event_code", "data")


def _event(session: Session, ticket: Ticket, at: datetime, kind: EventKind, **values: Any) -> None:
    row = {"ticket_id": ticket.id, "at": at, "kind": str(kind)}
    row.update({c: values.get(c) for c in _EVENT_COLUMNS})
    # Written with the history read that replays it (`finish` -> recompute).
    sla_authority.add_event(session, row)


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
    "version", "updated_at", "snapshot", "queue_row", "sla_rule", "sla_computed_at", "sla_state",
    "sla_due_at", "sla_next_change_at", "sla_escalation_due_at",
)
_UPDATE_TICKET = (
    update(Ticket.__table__)
    .where(Ticket.__table__.c.id == bindparam("ticket_b_id"))
    .values({name: bindparam("ticket_" + name) for name in _FINISH_COLUMNS})
)


def _ticket_rider(ticket: Ticket) -> Rider:
    """The UPDATE of the ticket's rewritten columns, to go out with its change (one Core statement).

    The ORM is told the row holds these values already, so no flush writes
    them again (the statement runs in this transaction before it ends).
    """
    params = {"ticket_b_id": ticket.id}
    for name in _FINISH_COLUMNS:
        value = getattr(ticket, name)
        params["ticket_" + name] = value
        set_committed_value(ticket, name, value)
    return _UPDATE_TICKET, params


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
    bump_version: bool = True,
) -> dict[str, Any]:
    """Recompute SLA, bump the version, rebuild the snapshot, audit, append the change.

    `escalation_changed`: the operation added or changed an escalation (else
    the latest one is taken from the previous snapshot, saving a query).
    `bump_version=False`: a change made by the scheduler alone (SLA state,
    system events, notices): agents' edits based on this version still apply;
    the change-log entry carries the new snapshot all the same.
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
    clock_writes: list[Rider] = []
    try:
        snap, sla = sla_authority.recompute(
            session, ticket, policy, customer_tier, ctx.now, previous.get("sla") if previous else None,
            riders=clock_writes,
        )
    except (ValueError, LookupError) as exc:
        raise ApiError(422, "sla_rejected", f"The SLA clocks cannot be computed for this change: {exc}") from None
    if not new and bump_version:
        ticket.version += 1
    if new or bump_version:
        ticket.updated_at = ctx.now
    if escalation_changed or previous is None:
        with session.no_autoflush:
            escalation = escalation_json(_latest_escalation(session, ticket.id))
    else:
        escalation = previous.get("escalation")
    previous_due = previous.get("escalation_due") if previous else None
    due = dues.reconcile(session, ticket, policy, snap, ctx.now, previous_due)
    if ctx.principal is not None and previous and dues.time_driven_change(previous.get("sla"), sla, previous_due, due):
        # Time turned a clock or made an escalation due before the scheduler
        # came round: have it act (system event, prompt) at once.
        ticket.sla_next_change_at = ctx.now
    notice = dues.mode_notice(session, policy, ticket, ctx.now)
    if ctx.principal is not None and notice is not None and (previous or {}).get("mode_notice") is None:
        ticket.sla_next_change_at = ctx.now  # the scheduler tells the customer of the delay
    snapshot = ticket_snapshot(ticket, customer_name, customer_tier, sla, escalation, due, notice)
    ticket_bytes = orjson.dumps(snapshot)
    ticket.snapshot = ticket_bytes.decode()
    ticket.queue_row = queue_row(snapshot)
    notify_ticket_change(ctx, ticket, kind=kind, previous=previous, entry=entry)
    payload = b'{"ticket":' + ticket_bytes
    if entry is not None:
        # Call numbers are personal data; the feed never carries them.
        payload += b',"entry":' + orjson.dumps(entry_json(entry, show_number=False))
    payload += b"}"
    # The ticket's row, its clock rows and the audit entry go out with the
    # change: on PostgreSQL in its statement (one round trip for them all).
    riders = (
        _ticket_rider(ticket),
        *clock_writes,
        audit_rider(
            at=ctx.now,
            actor_id=ctx.actor_id,
            actor_name=ctx.principal.username if ctx.principal else SYSTEM_NAME,
            action=audit_action,
            entity_type="ticket",
            entity_id=ticket.id,
            before=before,
            after=after,
            address=ctx.address,
        ),
    )
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
        riders=riders,
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
    files = attachments.unlinked_for_entry(ctx.session, ticket.id, data.attachment_ids) if data.attachment_ids else ()
    entry = _insert_entry(
        ctx.session,
        ticket_id=ticket.id,
        kind=data.kind,
        author_id=ctx.actor_id,
        author_name=ctx.actor_name,
        body=data.body,
        created_at=ctx.now,
        **call,
        **({"data": orjson.dumps(attachments.entry_data(files)).decode()} if files else {}),
    )
    if files:
        attachments.link_to_entry(files, entry.id)
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
        queue_row="[]",
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


def _set_status(ctx: Ctx, ticket: Ticket, status: str, *, why: str | None = None, cause: str | None = None) -> None:
    """`why`: the reason in words (the entry's body); `cause`: the same as a code the client
    words in the agent's language (the entry's data; `ui/ticket_panel/event_text.py`)."""
    old = ticket.status
    ticket.status = status
    _event(ctx.session, ticket, ctx.now, EventKind.STATUS_CHANGED, status=status)
    reopened = old in DONE_STATUSES and status not in DONE_STATUSES
    code = "reopened" if reopened else "status_changed"
    text = f"{'Reopened' if reopened else 'Status changed'}: {old} -> {status}"
    if why:
        text += f" ({why})"
    data = {"from": old, "to": status}
    if cause:
        data["cause"] = cause
    _system_entry(ctx, ticket, code, text, data)


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
        _set_status(ctx, ticket, Status.OPEN, why="the customer wrote", cause="customer_wrote")
    elif data.kind in (EntryKind.PUBLIC_REPLY, EntryKind.PHONE_CALL) and ticket.status == Status.NEW:
        _set_status(ctx, ticket, Status.OPEN, why="first response", cause="first_response")
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
