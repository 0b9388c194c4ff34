"""Moving tickets along the escalation ladder, and handling escalation-due prompts.

An escalation-due record (see `dues`) is handled in one of three
ways, each closing it in the same transaction as the move:

* escalate: the owner (or a supervisor, or anyone of the ticket's tier while it
  has no owner) sends it up; it waits in the next tier's queue;
* acknowledge: someone of the next tier takes it: up, and assigned to them;
* keep: the owner adds a note and keeps it, where `core.escalation.can_keep`
  allows; recorded as a TIER_CHANGED to the same tier, which restarts the
  tier's budget.

Whoever sends a ticket up, and whoever owned it then, follow it
(`tickets.follows`): they keep reading it wherever it goes. A de-escalation
gives it back to whoever sent it up from the tier it returns to.

Unhandled after the policy's grace period, the scheduler escalates it
(`auto_escalate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from desk_app.core.policy import Policy
from desk_app.core.ticket import DONE_STATUSES, EventKind, Status
from desk_app.server.auth.service import Principal
from desk_app.server.core.errors import ApiError
from desk_app.server.tickets import dues
from desk_app.server.tickets.models import (
    ACKNOWLEDGED,
    AUTO_ESCALATED,
    ESCALATED,
    KEPT,
    OPEN,
    SOURCE_CUSTOMER,
    WITHDRAWN,
    Escalation,
    EscalationDueRecord,
    EscalationNotified,
    Ticket,
)
from desk_app.server.tickets import follows
from desk_app.server.tickets.schemas import EntryIn
from desk_app.server.tickets.write import (
    Ctx,
    add_system_entry,
    add_thread_entry,
    finish,
    load_for_change,
    load_visible,
    placement,
    queue_for_tier,
    record_event,
    set_status,
)


def _tier_name(policy: Policy, level: int) -> str:
    try:
        return policy.tier(level).name
    except LookupError:
        return f"Tier {level}"


def move_tier(
    ctx: Ctx,
    ticket: Ticket,
    policy: Policy,
    target: int,
    *,
    direction: str,
    kind: str,
    reason: str,
    taken_by: Principal | None = None,
    due_state: str | None = None,
) -> Escalation:
    """Move the ticket to `target`; `taken_by`: assign it to them and acknowledge at once.

    `due_state`: how an open escalation-due record ends (default: escalated
    when going up, withdrawn when going down).
    """
    prev = placement(ticket)
    before = {"tier": ticket.tier, "queue_id": ticket.queue_id, "assignee_id": ticket.assignee_id}
    old = ticket.tier
    ticket.tier = target
    record_event(ctx.session, ticket, ctx.now, EventKind.TIER_CHANGED, tier=target)
    queue = queue_for_tier(ctx.session, policy.key, target)
    if queue is not None:
        ticket.queue_id = queue.id
    returned_to = None
    if direction == "up":
        # The next tier picks the ticket up from its queue (or the one who took it has it).
        ticket.assignee_id = taken_by.user_id if taken_by else None
    else:
        # Back to whoever sent it up from that tier (they are told by their client), else its queue.
        returned_to = follows.returns_to(ctx.session, ticket.id, target)
        ticket.assignee_id = returned_to.id if returned_to else None
    esc = Escalation(
        ticket_id=ticket.id,
        from_tier=old,
        to_tier=target,
        direction=direction,
        kind=kind,
        reason=reason,
        created_at=ctx.now,
        created_by_id=ctx.actor_id,
        acknowledged=taken_by is not None,
        acknowledged_at=ctx.now if taken_by else None,
        acknowledged_by_id=taken_by.user_id if taken_by else None,
    )
    ctx.session.add(esc)
    ctx.session.flush()
    if direction == "up":
        # Who sent it up (and who owned it) keep it in sight; written before the change goes out.
        follows.follow_move(ctx.session, ticket.id, from_tier=old, now=ctx.now, actor_id=ctx.actor_id,
                            previous_assignee_id=before["assignee_id"],
                            taken_by_id=taken_by.user_id if taken_by else None)
    dues.close_open(
        ctx.session,
        ticket.id,
        state=due_state or (ESCALATED if direction == "up" else WITHDRAWN),
        now=ctx.now,
        by=ctx.actor_id,
        escalation_id=esc.id,
    )
    verb = "Escalated" if direction == "up" else "De-escalated"
    text = f"{verb} from {_tier_name(policy, old)} to {_tier_name(policy, target)} ({kind}): {reason}"
    if taken_by is not None:
        text += f"; taken by {taken_by.display_name}"
    if returned_to is not None:
        text += f"; back to {returned_to.display_name}"
    data = {"from_tier": old, "to_tier": target, "kind": kind, "taken_by": taken_by.user_id if taken_by else None}
    if direction == "down":
        data["returned_to"] = returned_to.id if returned_to else None
    entry = add_system_entry(ctx, ticket, "escalated" if direction == "up" else "deescalated", text, data)
    finish(
        ctx,
        ticket,
        kind="ticket.escalated" if direction == "up" else "ticket.deescalated",
        fields=["tier", "queue_id", "assignee_id", "escalation", "escalation_due", "thread"],
        prev=prev,
        audit_action="ticket.escalated" if direction == "up" else "ticket.deescalated",
        before=before,
        after={"tier": target, "queue_id": ticket.queue_id, "assignee_id": ticket.assignee_id, "reason": reason},
        entry=entry,
        escalation_changed=True,
    )
    return esc


def _may_act_on_tier(p: Principal, ticket: Ticket) -> bool:
    return p.tier >= ticket.tier or ticket.assignee_id == p.user_id


def _forbid_tier(ctx: Ctx, ticket: Ticket) -> ApiError:
    return ApiError(403, "forbidden", f"This ticket is at tier {ticket.tier}; your role works tier {ctx.principal.tier}.")


def escalate(ctx: Ctx, ticket_id: int, if_match: int | None, reason: str, to_tier: int | None) -> Ticket:
    ticket = load_for_change(ctx, ticket_id, if_match)
    if not _may_act_on_tier(ctx.principal, ticket):
        raise _forbid_tier(ctx, ticket)
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
    move_tier(ctx, ticket, policy, target, direction="up", kind="manual", reason=reason)
    return ticket


def deescalate(ctx: Ctx, ticket_id: int, if_match: int | None, reason: str, to_tier: int | None) -> Ticket:
    ticket = load_for_change(ctx, ticket_id, if_match)
    if not _may_act_on_tier(ctx.principal, ticket):
        raise _forbid_tier(ctx, ticket)
    policy = ctx.policies.require(ticket.policy_key)
    target = to_tier if to_tier is not None else ticket.tier - 1
    if ticket.tier <= 1 and to_tier is None:
        raise ApiError(409, "no_lower_tier", "The ticket is already at the first tier.")
    if target >= ticket.tier or target < 1:
        raise ApiError(422, "invalid_tier", f"De-escalation goes down: pick a tier from 1 to {ticket.tier - 1}.")
    move_tier(ctx, ticket, policy, target, direction="down", kind="manual", reason=reason)
    return ticket


def acknowledge_escalation(ctx: Ctx, ticket_id: int, escalation_id: int, if_match: int | None) -> Ticket:
    ticket = load_for_change(ctx, ticket_id, if_match)
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
    entry = add_system_entry(
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
        entry=entry,
        escalation_changed=True,
    )
    return ticket


# -- escalation-due prompts -----------------------------------------------------------


def _open_due(ctx: Ctx, ticket: Ticket, due_id: int) -> EscalationDueRecord:
    record = ctx.session.get(EscalationDueRecord, due_id)
    if record is None or record.ticket_id != ticket.id:
        raise ApiError(404, "escalation_due_not_found", f"Ticket {ticket.id} has no escalation-due record {due_id}.")
    if record.state != OPEN:
        raise ApiError(
            409,
            "escalation_due_handled",
            f"This escalation prompt was already handled ({record.state.replace('_', ' ')}).",
            state=record.state,
            handled_by_id=record.handled_by_id,
        )
    if ticket.tier != record.from_tier:  # cannot happen while open; guards a hand-edited database
        raise ApiError(409, "escalation_due_handled", "The ticket is no longer at the tier this prompt is about.")
    return record


def _check_owner(ctx: Ctx, ticket: Ticket) -> None:
    """Who answers a prompt: the owner, a supervisor, or the tier's staff while nobody owns the ticket."""
    p = ctx.principal
    if ticket.assignee_id == p.user_id or p.sees_everything:
        return
    if ticket.assignee_id is None and p.tier >= ticket.tier:
        return
    raise ApiError(
        403, "forbidden", "Only the ticket's owner (or a manager) answers this escalation prompt; "
        "the next tier acknowledges it instead."
    )


def _escalation_kind(record: EscalationDueRecord) -> str:
    return "customer_request" if record.source == SOURCE_CUSTOMER else "manual"


def escalate_due(ctx: Ctx, ticket_id: int, due_id: int, if_match: int | None, reason: str) -> Ticket:
    ticket = load_for_change(ctx, ticket_id, if_match)
    record = _open_due(ctx, ticket, due_id)
    _check_owner(ctx, ticket)
    policy = ctx.policies.require(ticket.policy_key)
    move_tier(
        ctx, ticket, policy, record.to_tier, direction="up", kind=_escalation_kind(record), reason=reason,
        due_state=ESCALATED,
    )
    return ticket


def acknowledge_due(ctx: Ctx, ticket_id: int, due_id: int, if_match: int | None) -> Ticket:
    """Someone of the next tier takes the ticket: it moves up and is theirs."""
    ticket = load_for_change(ctx, ticket_id, if_match)
    record = _open_due(ctx, ticket, due_id)
    if ctx.principal.tier < record.to_tier:
        raise ApiError(
            403, "forbidden", f"This prompt is for tier {record.to_tier}; your role works tier {ctx.principal.tier}."
        )
    policy = ctx.policies.require(ticket.policy_key)
    reason = "Customer asked to escalate" if record.source == SOURCE_CUSTOMER else "Tier budget ran out"
    move_tier(
        ctx, ticket, policy, record.to_tier, direction="up", kind=_escalation_kind(record),
        reason=f"{reason}; acknowledged by {ctx.principal.display_name}", taken_by=ctx.principal,
        due_state=ACKNOWLEDGED,
    )
    return ticket


def keep_due(ctx: Ctx, ticket_id: int, due_id: int, if_match: int | None, note: str) -> Ticket:
    """Add a note and keep the ticket at its tier: its budget starts again."""
    ticket = load_for_change(ctx, ticket_id, if_match)
    record = _open_due(ctx, ticket, due_id)
    _check_owner(ctx, ticket)
    policy = ctx.policies.require(ticket.policy_key)
    if not policy.escalation.allow_keep:
        raise ApiError(
            409, "keep_not_allowed", f"Policy {policy.key!r} does not allow keeping a ticket whose tier budget ran out."
        )
    if record.source == SOURCE_CUSTOMER:
        raise ApiError(409, "keep_not_allowed", "The customer asked to escalate: this ticket moves up.")
    prev = placement(ticket)
    add_thread_entry(ctx, ticket, EntryIn(kind="internal_note", body=note))
    # The same tier again: the core restarts its budget from here.
    record_event(ctx.session, ticket, ctx.now, EventKind.TIER_CHANGED, tier=ticket.tier)
    dues.close_open(ctx.session, ticket.id, state=KEPT, now=ctx.now, by=ctx.actor_id, note=note)
    entry = add_system_entry(
        ctx,
        ticket,
        "escalation_kept",
        f"Kept at {_tier_name(policy, ticket.tier)} by {ctx.actor_name}; the tier's time budget starts again.",
        {"escalation_due_id": record.id, "tier": ticket.tier, "note": note},
    )
    finish(
        ctx,
        ticket,
        kind="escalation_due.kept",
        fields=["escalation_due", "thread"],
        prev=prev,
        audit_action="escalation_due.kept",
        before={"escalation_due_id": record.id, "state": OPEN},
        after={"escalation_due_id": record.id, "state": KEPT, "note": note},
        entry=entry,
    )
    return ticket


def request_escalation(ctx: Ctx, ticket_id: int, if_match: int | None, note: str) -> Ticket:
    """The customer is not satisfied and asks to escalate: the prompt appears at once."""
    ticket = load_for_change(ctx, ticket_id, if_match)
    policy = ctx.policies.require(ticket.policy_key)
    if not policy.escalation.customer_can_request:
        raise ApiError(
            409, "escalation_request_not_offered", f"Policy {policy.key!r} offers customers no escalation request."
        )
    if policy.next_tier(ticket.tier) is None:
        raise ApiError(409, "no_higher_tier", f"The ticket is at the last tier of policy {policy.key!r}.")
    prev = placement(ticket)
    fields = ["escalation_due", "thread"]
    before = {"status": ticket.status}
    if ticket.status in DONE_STATUSES:
        # "Not satisfied with the resolution": the ticket is open again.
        set_status(ctx, ticket, Status.OPEN, why="the customer asked to escalate", cause="escalation_requested")
        fields.append("status")
    record_event(ctx.session, ticket, ctx.now, EventKind.ESCALATION_REQUESTED)
    entry = add_system_entry(
        ctx, ticket, "escalation_requested", f"The customer asked to escalate: {note}", {"note": note}
    )
    finish(
        ctx,
        ticket,
        kind="escalation.requested",
        fields=fields,
        prev=prev,
        audit_action="escalation.requested",
        before=before,
        after={"status": ticket.status, "note": note},
        entry=entry,
    )
    return ticket


def auto_escalate(ctx: Ctx, ticket: Ticket, record_id: int) -> Escalation:
    """The prompt stayed unhandled for the grace period: up it goes (the scheduler)."""
    policy = ctx.policies.require(ticket.policy_key)
    record = ctx.session.get(EscalationDueRecord, record_id)
    grace = policy.escalation.grace
    minutes = int(grace.total_seconds() // 60)
    why = "the customer's request" if record.source == SOURCE_CUSTOMER else "the tier's time budget ran out"
    return move_tier(
        ctx, ticket, policy, record.to_tier, direction="up", kind="automatic",
        reason=f"Escalated automatically: {why} and nobody acted within the grace period ({minutes} min).",
        due_state=AUTO_ESCALATED,
    )


# -- "shown once, even on two machines" ------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeClaim:
    first: bool
    notified_at: datetime


def claim_due_notice(ctx: Ctx, ticket_id: int, due_id: int, client_id: str) -> NoticeClaim:
    """Claim the pop-up for an open escalation-due record: `first` for one app of each user.

    Anyone who may see the ticket may ask (a ticket they may not see answers
    404, like one that does not exist). The claim is one INSERT that does
    nothing on a duplicate (due_id, user_id), so two machines racing get
    exactly one first. The same app asking again (a retry whose answer was
    lost) is still first. The ticket is not touched: no version, no change.
    """
    ticket = load_visible(ctx.session, ctx.viewer, ticket_id)
    record = _open_due(ctx, ticket, due_id)
    user_id = ctx.principal.user_id
    values = {"due_id": record.id, "user_id": user_id, "client_id": client_id, "notified_at": ctx.now}
    table = EscalationNotified.__table__
    dialect = ctx.session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(table).values(**values).on_conflict_do_nothing(index_elements=["due_id", "user_id"])
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).values(**values).on_conflict_do_nothing(index_elements=["due_id", "user_id"])
    else:  # pragma: no cover - the store runs on SQLite or PostgreSQL only
        stmt = insert(table).values(**values)
    # RETURNING, not rowcount: psycopg reports no reliable rowcount for ON CONFLICT DO NOTHING.
    if ctx.session.execute(stmt.returning(table.c.due_id)).scalar() is not None:
        return NoticeClaim(True, ctx.now)
    # Lost the race (or asked before): PostgreSQL's READ COMMITTED shows the
    # winner's committed row to this new statement.
    winner = ctx.session.execute(
        select(table.c.client_id, table.c.notified_at).where(table.c.due_id == record.id, table.c.user_id == user_id)
    ).one()
    return NoticeClaim(winner.client_id == client_id, winner.notified_at)


__all__ = [
    "NoticeClaim",
    "acknowledge_due",
    "acknowledge_escalation",
    "auto_escalate",
    "claim_due_notice",
    "deescalate",
    "escalate",
    "escalate_due",
    "keep_due",
    "move_tier",
    "request_escalation",
]
