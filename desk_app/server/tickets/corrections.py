"""Correcting a thread entry: a new entry that names the mistaken one; nothing is deleted.

A call logged by accident, a note with the wrong amount: the thread is the
ticket's record, so the mistaken entry stays as it was, and its author adds a
correction, an internal note (never mailed to the customer) whose
`corrects_entry_id` names it. Clients show the two together ("correction of
entry 3"). The correction is audited (`entry.corrected`, with the entry it
corrects) and reaches the other clients through the change feed like any
entry.

Only the entry's author corrects it (others add a note); system events record
what the store did and are not corrected. The SLA clocks are not replayed
without the mistaken entry: what happened (a call was logged) stays history.
"""

from __future__ import annotations

from sqlalchemy import select

from desk_app.core.ticket import EntryKind, EventKind
from desk_app.server.core.errors import ApiError
from desk_app.server.tickets.models import ThreadEntry, Ticket
from desk_app.server.tickets.write import Ctx, finish, insert_entry, load_for_change, placement, record_event

__all__ = ["correct_entry"]


def correct_entry(ctx: Ctx, ticket_id: int, entry_id: int, body: str) -> tuple[Ticket, ThreadEntry]:
    """Append the correction of `entry_id` (an entry of `ticket_id` the caller wrote)."""
    ticket = load_for_change(ctx, ticket_id, None)
    wrong = ctx.session.scalar(
        select(ThreadEntry).where(ThreadEntry.id == entry_id, ThreadEntry.ticket_id == ticket.id)
    )
    if wrong is None:
        raise ApiError(404, "entry_not_found", f"Ticket {ticket.number} has no entry with id {entry_id}.")
    if wrong.kind == EntryKind.SYSTEM_EVENT:
        raise ApiError(
            422, "not_correctable", "System events record what the store did; they cannot be corrected. Add a note."
        )
    if ctx.actor_id is None or wrong.author_id != ctx.actor_id:
        raise ApiError(
            403, "not_your_entry", "Only the author of an entry corrects it; add an internal note instead."
        )
    if not body.strip():
        raise ApiError(422, "validation_error", "Write the correction first.")
    prev = placement(ticket)
    correction = insert_entry(
        ctx.session,
        ticket_id=ticket.id,
        kind=str(EntryKind.INTERNAL_NOTE),
        author_id=ctx.actor_id,
        author_name=ctx.actor_name,
        body=body,
        created_at=ctx.now,
        corrects_entry_id=wrong.id,
    )
    # A note as far as the clocks care (kept for replay fidelity, as every note is).
    record_event(ctx.session, ticket, ctx.now, EventKind.INTERNAL_NOTE)
    finish(
        ctx,
        ticket,
        kind="entry.added",
        fields=["thread"],
        prev=prev,
        audit_action="entry.corrected",
        before={"entry_id": wrong.id, "entry_kind": wrong.kind},
        after={"entry_id": correction.id, "entry_kind": correction.kind, "corrects_entry_id": wrong.id},
        entry=correction,
    )
    return ticket, correction
