"""The one way a ticket changes: the store's write kernel.

Every door that changes a ticket calls this module and nothing else to do it:
the agent operations (`service`, `escalations`, `disputes`), the intake form,
the CSAT survey (`feedback.service`), the scheduler (`scheduler.actions`), the
mail sender's delivery notes (`notifications.sender`) and the demo seed; so
will mail, the customer portal, chat and webhooks. A change is one write
transaction in three steps:

1. `load_for_change(ctx, ticket_id, if_match)` locks the ticket's row,
   answers 404 for a ticket the caller may not see, and 412 when the caller
   edited an older version (`if_match`).
2. The operation changes the ticket: plain attributes (queue, assignee, ...)
   and these steps, each of which records its own trace:
   `set_status` (the SLA event and the thread's "status changed" entry),
   `add_thread_entry` (a reply, note, call or customer message, with its
   files and SLA event), `add_system_entry` (the thread's record of anything
   else that happened), `record_event` (an SLA history event alone).
3. `finish(ctx, ticket, ...)` replays the SLA history (the store is the SLA
   authority), keeps the escalation-due record in step (`dues`), bumps the
   version, rebuilds the snapshot and queue row clients receive, queues the
   customer mail the change calls for (`notifications.outbox`), and writes
   the audit entry and the change-log entry, all in the transaction of the
   change itself. Every change ends in exactly one `finish`.

`Ctx` carries what each step needs: the transaction, `now`, who acts (None:
the store itself) and the policies and settings. Nothing here decides what a
role may do: the operations calling the kernel check that first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from desk_app.core.ticket import DONE_STATUSES, EntryKind, EventKind
from desk_app.server.attachments import service as attachments
from desk_app.server.audit.service import audit_rider
from desk_app.server.auth.service import Principal
from desk_app.server.core.db import CHANGED_TICKETS_KEY
from desk_app.server.core.errors import ApiError
from desk_app.server.core.settings import Settings
from desk_app.server.core.validation import normalize_phone
from desk_app.server.directory.models import Customer, Queue
from desk_app.server.notifications.outbox import notify_ticket_change
from desk_app.server.policies.registry import PolicyRegistry
from desk_app.server.sync.queue_row import queue_row
from desk_app.server.sync.service import Rider, append_change
from desk_app.server.sync.visibility import Viewer, viewer_for
from desk_app.server.tickets import dues, sla_authority
from desk_app.server.tickets.models import Escalation, ThreadEntry, Ticket
from desk_app.server.tickets.schemas import EntryIn
from desk_app.server.tickets.serialize import entry_json, escalation_json, ticket_detail, ticket_snapshot

__all__ = [
    "SYSTEM_NAME",
    "Ctx",
    "Placement",
    "add_system_entry",
    "add_thread_entry",
    "insert_entry",
    "finish",
    "latest_escalation",
    "load_for_change",
    "load_visible",
    "placement",
    "queue_for_tier",
    "record_event",
    "set_status",
]

#: The author and audit name of a change the store makes by itself.
SYSTEM_NAME = "system"


@dataclass
class Ctx:
    """Everything a change needs: its transaction, 'now' and who acts."""

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


# -- where a ticket waits ---------------------------------------------------------------

#: (queue id, tier, assignee id): who sees the ticket in which queue (the feed's visibility).
Placement = tuple[int | None, int | None, int | None]


def placement(ticket: Ticket) -> Placement:
    """The ticket's placement now; take it before changing the ticket and pass it to `finish` as `prev`."""
    return (ticket.queue_id, ticket.tier, ticket.assignee_id)


def queue_for_tier(session: Session, policy_key: str, tier: int) -> Queue | None:
    """The queue a ticket of this policy waits in at this tier: the policy's own, else a shared one."""
    rows = session.scalars(
        select(Queue).where(Queue.tier == tier, or_(Queue.policy_key == policy_key, Queue.policy_key.is_(None)))
    ).all()
    rows = sorted(rows, key=lambda q: (q.policy_key is None, q.id))
    return rows[0] if rows else None


# -- loading ----------------------------------------------------------------------------


_BY_ID = select(Ticket).where(Ticket.id == bindparam("ticket_id"))
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update()


def load_visible(session: Session, viewer: Viewer, ticket_id: int, *, for_update: bool = False) -> Ticket:
    """The ticket, if `viewer` may see it; else 404, as for a ticket that does not exist (reads use it too).

    `for_update`: locked, to change it; a follower (who escalated it) may read but not change it (403).
    """
    # Built once: the statement's cache key is memoised, not recomputed per request.
    ticket = session.scalar(_BY_ID_FOR_UPDATE if for_update else _BY_ID, {"ticket_id": ticket_id})
    # A ticket the caller may not see answers like one that does not exist.
    if ticket is None or not viewer.can_see(ticket.queue_id, ticket.assignee_id, ticket.id):
        raise ApiError(404, "ticket_not_found", f"No ticket with id {ticket_id}.")
    if for_update and viewer.follows_only(ticket.queue_id, ticket.assignee_id, ticket.id):
        raise ApiError(403, "following_only", f"You follow this ticket since it went up the ladder; tier "
                       f"{ticket.tier} works it now, so you can read it but not change it.")
    return ticket


def load_for_change(ctx: Ctx, ticket_id: int, if_match: int | None) -> Ticket:
    """Step 1 of a change: the ticket, its row locked until the transaction ends.

    404 when the caller may not see it; 412 (with the current ticket) when
    `if_match` is given and is not the ticket's version: nothing is changed.
    """
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


def latest_escalation(session: Session, ticket_id: int) -> Escalation | None:
    """The ticket's most recent escalation (up or down), or None."""
    return session.scalar(
        select(Escalation).where(Escalation.ticket_id == ticket_id).order_by(Escalation.id.desc()).limit(1)
    )


# -- the steps of a change --------------------------------------------------------------


# Events and thread entries are only ever appended: plain Core inserts on the
# transaction's connection cost a fraction of a unit-of-work flush (this is
# the hot path of every write). Entries go out at once (their id is needed);
# events with the history read of `finish`. The ticket row exists by then
# (create_ticket flushes it first).
_INSERT_ENTRY = insert(ThreadEntry.__table__)
_EVENT_COLUMNS = ("status", "tier", "party", "direction")
_ENTRY_COLUMNS = ("call_number", "call_direction", "call_duration_seconds", "event_code", "data")


def record_event(session: Session, ticket: Ticket, at: datetime, kind: EventKind, **values: Any) -> None:
    """Append an SLA history event (`status`, `tier`, `party`, `direction` as the kind needs).

    `finish` replays it with the rest of the ticket's history.
    """
    row = {"ticket_id": ticket.id, "at": at, "kind": str(kind)}
    row.update({c: values.get(c) for c in _EVENT_COLUMNS})
    # Written with the history read that replays it (`finish` -> recompute).
    sla_authority.add_event(session, row)


def insert_entry(session: Session, **values: Any) -> ThreadEntry:
    """Append a thread entry; returns it (detached, with its id) for serialising."""
    row = {c: None for c in _ENTRY_COLUMNS}
    row.update(values)
    entry_id = session.connection().execute(_INSERT_ENTRY, row).inserted_primary_key[0]
    return ThreadEntry(id=entry_id, **row)


def add_system_entry(
    ctx: Ctx, ticket: Ticket, code: str, body: str, data: dict[str, Any] | None = None
) -> ThreadEntry:
    """Append the thread's record of something that happened (`code`: a stable name, e.g. "escalated").

    Pass the entry to `finish` as `entry` when it is what the change is
    about: the feed then carries it with the ticket.
    """
    return insert_entry(
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


def add_thread_entry(ctx: Ctx, ticket: Ticket, data: EntryIn) -> ThreadEntry:
    """Append a person's entry (reply, note, phone call, customer message) and its SLA event.

    The attachments named in `data` are linked to it. What the entry does to
    the ticket's status is the caller's decision (`service.add_entry`).
    """
    call = {}
    if data.call is not None:
        call = {
            "call_number": normalize_phone(data.call.number),
            "call_direction": data.call.direction,
            "call_duration_seconds": data.call.duration_seconds,
        }
    files = attachments.unlinked_for_entry(ctx.session, ticket.id, data.attachment_ids) if data.attachment_ids else ()
    entry = insert_entry(
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
    record_event(ctx.session, ticket, ctx.now, kind, direction=data.call.direction if data.call else None)
    return entry


def set_status(ctx: Ctx, ticket: Ticket, status: str, *, why: str | None = None, cause: str | None = None) -> None:
    """Set the status, with its SLA event and the thread's entry ("Reopened" out of a done status).

    No checks: which changes are allowed is the calling operation's rule.
    `why` is the reason in words, added to the entry's text; `cause` the same as a code
    (the entry's data), which the client words in the agent's language.
    """
    old = ticket.status
    ticket.status = status
    record_event(ctx.session, ticket, ctx.now, EventKind.STATUS_CHANGED, status=status)
    reopened = old in DONE_STATUSES and status not in DONE_STATUSES
    code = "reopened" if reopened else "status_changed"
    text = f"{'Reopened' if reopened else 'Status changed'}: {old} -> {status}"
    if why:
        text += f" ({why})"
    data = {"from": old, "to": status}
    if cause:
        data["cause"] = cause
    add_system_entry(ctx, ticket, code, text, data)


# -- the common tail --------------------------------------------------------------------


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
    """Step 3 of every change: recompute SLA, bump the version, rebuild the snapshot, audit, append the change.

    `kind`: the change-log kind ("entry.added", "ticket.escalated", ...);
    `fields`: what changed, for clients; `prev`: the placement before the
    change (`placement`), None for a new ticket; `audit_action`, `before`,
    `after`: the audit entry; `entry`: the thread entry the feed carries with
    the change; `new`: the ticket was created in this transaction.
    `escalation_changed`: the operation added or changed an escalation (else
    the latest one is taken from the previous snapshot, saving a query).
    `bump_version=False`: a change made by the scheduler alone (SLA state,
    system events, notices): agents' edits based on this version still apply;
    the change-log entry carries the new snapshot all the same.
    Returns the new snapshot.
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
            escalation = escalation_json(latest_escalation(session, ticket.id))
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
    notify_ticket_change(
        session, ticket, kind=kind, previous=previous, entry=entry, now=ctx.now, policies=ctx.policies,
        settings=ctx.settings,
    )
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
