"""What an agent does to tickets: recorded in the outbox, shown at once, sent when possible.

Every method checks its input first (a clear `ValidationFailed`, nothing
recorded), records the change with a fresh idempotency key, applies it to the
local copy in the same transaction, reports the local `ChangeSet` and wakes the
outbox. None of them touches the network, so they are as fast online as
offline; the server's verdict arrives later (a confirmation, or a `Rejection`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desk_app.core.ticket import INITIAL_STATUSES, EntryKind, Status, status_change_refused
from desk_app.services.errors import ValidationFailed
from desk_app.services.events import ServiceEvents
from desk_app.services.local_cache import LocalCache
from desk_app.services.mutations import UPDATABLE_FIELDS, OpKind, PendingOp

MAX_BODY = 100_000
MAX_REASON = 5_000


def _text(value: Any, what: str, *, limit: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(f"The {what} must be text.", code="validation_error")
    if "\x00" in value:
        raise ValidationFailed(f"The {what} contains a NUL character.", code="validation_error")
    if required and not value.strip():
        raise ValidationFailed(f"The {what} is empty.", code="validation_error")
    if len(value) > limit:
        raise ValidationFailed(f"The {what} is too long ({len(value):,} characters; at most {limit:,}).",
                               code="validation_error")
    return value


class TicketActions:
    def __init__(self, cache: LocalCache, events: ServiceEvents, wake_outbox: Callable[[], None] = lambda: None) -> None:
        self.cache = cache
        self.store = cache.outbox
        self.events = events
        self._wake = wake_outbox

    def _record(self, kind: OpKind, ticket_id: int | None, payload: dict[str, Any], *,
                done_draft: str | None = None) -> PendingOp:
        op, changes = self.store.enqueue(kind, ticket_id, payload, done_draft=done_draft)
        self.events.changes.emit(changes)
        self._wake()
        return op

    # -- the thread -------------------------------------------------------------------

    def _entry(self, ticket_id: int, kind: EntryKind, body: str, call: dict | None = None) -> PendingOp:
        entry: dict[str, Any] = {"kind": kind.value, "body": body}
        if call is not None:
            entry["call"] = call
        # The text now lives in the outbox; the composer's draft is done with (same transaction).
        return self._record(OpKind.ENTRY, ticket_id, {"entry": entry}, done_draft=kind.value)

    def reply(self, ticket_id: int, body: str) -> PendingOp:
        """A public reply to the customer."""
        return self._entry(ticket_id, EntryKind.PUBLIC_REPLY, _text(body, "reply", limit=MAX_BODY))

    def add_note(self, ticket_id: int, body: str) -> PendingOp:
        """An internal note (never shown to the customer)."""
        return self._entry(ticket_id, EntryKind.INTERNAL_NOTE, _text(body, "note", limit=MAX_BODY))

    def add_customer_message(self, ticket_id: int, body: str) -> PendingOp:
        """What the customer wrote through another channel, logged by the agent."""
        return self._entry(ticket_id, EntryKind.CUSTOMER_MESSAGE, _text(body, "message", limit=MAX_BODY))

    def log_call(self, ticket_id: int, *, number: str, direction: str, duration_seconds: int,
                 notes: str = "") -> PendingOp:
        if direction not in ("inbound", "outbound"):
            raise ValidationFailed("A call is 'inbound' or 'outbound'.", code="validation_error")
        if not isinstance(duration_seconds, int) or not 0 <= duration_seconds <= 86_400:
            raise ValidationFailed("The call's duration must be 0 to 86,400 seconds.", code="validation_error")
        digits = "".join(ch for ch in number if ch.isdigit())
        if len(digits) < 3 or len(number) > 32 or any(ch not in "+0123456789 ().-" for ch in number):
            raise ValidationFailed(f"{number!r} is not a phone number.", code="validation_error")
        # An empty call log says nothing and, logged by a stray keystroke, only hides the real
        # calls: the notes are required (the store accepts empty bodies from imports and intake).
        _text(notes, "call notes", limit=MAX_BODY)
        call = {"number": number, "direction": direction, "duration_seconds": duration_seconds}
        return self._entry(ticket_id, EntryKind.PHONE_CALL, notes, call)

    def correct_entry(self, ticket_id: int, entry_id: int, body: str) -> PendingOp:
        """Correct an entry the agent wrote: a new internal note naming it (the entry stays).

        Only the author corrects an entry, and system events are not corrected;
        the server has the last word on both (the thread view offers it on own entries only).
        """
        if isinstance(entry_id, bool) or not isinstance(entry_id, int) or entry_id <= 0:
            raise ValidationFailed("Only an entry the server has recorded can be corrected.",
                                   code="validation_error")
        body = _text(body, "correction", limit=MAX_BODY)
        return self._record(OpKind.CORRECT, ticket_id, {"entry_id": entry_id, "body": body})

    # -- the ticket -------------------------------------------------------------------

    def set_status(self, ticket_id: int, status: str, *, note: str | None = None) -> PendingOp:
        try:
            status = Status(status).value
        except ValueError:
            raise ValidationFailed(f"{status!r} is not a ticket status.", code="validation_error") from None
        refused = status_change_refused(status)
        if refused is not None:
            raise ValidationFailed(refused, code="validation_error")
        payload: dict[str, Any] = {"status": status}
        if note:
            payload["note"] = _text(note, "note", limit=MAX_BODY)
        return self._record(OpKind.STATUS, ticket_id, payload)

    def update(self, ticket_id: int, **fields: Any) -> PendingOp:
        """Change ticket fields: subject, category, priority, channel, queue_id, order_id, policy."""
        unknown = set(fields) - UPDATABLE_FIELDS
        if unknown or not fields:
            raise ValidationFailed(
                f"Cannot change {', '.join(sorted(unknown)) or 'nothing'}; "
                f"the fields are {', '.join(sorted(UPDATABLE_FIELDS))}.", code="validation_error")
        if "subject" in fields:
            fields["subject"] = _text(fields["subject"], "subject", limit=300).strip()
        return self._record(OpKind.UPDATE, ticket_id, {"fields": fields})

    def take(self, ticket_id: int) -> PendingOp:
        return self._record(OpKind.TAKE, ticket_id, {})

    def assign(self, ticket_id: int, assignee_id: int | None) -> PendingOp:
        return self._record(OpKind.ASSIGN, ticket_id, {"assignee_id": assignee_id})

    def escalate(self, ticket_id: int, reason: str, *, to_tier: int | None = None) -> PendingOp:
        payload = {"reason": _text(reason, "reason", limit=MAX_REASON), "to_tier": to_tier}
        return self._record(OpKind.ESCALATE, ticket_id, payload)

    def deescalate(self, ticket_id: int, reason: str, *, to_tier: int | None = None) -> PendingOp:
        payload = {"reason": _text(reason, "reason", limit=MAX_REASON), "to_tier": to_tier}
        return self._record(OpKind.DEESCALATE, ticket_id, payload)

    def acknowledge_escalation(self, ticket_id: int, escalation_id: int) -> PendingOp:
        return self._record(OpKind.ACKNOWLEDGE, ticket_id, {"escalation_id": int(escalation_id)})

    # -- an escalation-due prompt (the ticket's `escalation_due` record) ---------------

    def _due(self, kind: OpKind, ticket_id: int, due_id: int, **fields: str) -> PendingOp:
        if isinstance(due_id, bool) or not isinstance(due_id, int) or due_id <= 0:
            raise ValidationFailed(f"{due_id!r} is not an escalation-due record id.", code="validation_error")
        return self._record(kind, ticket_id, {"due_id": due_id, **fields})

    def escalate_due(self, ticket_id: int, due_id: int, reason: str) -> PendingOp:
        """Answer the prompt by escalating to the next tier, with a reason."""
        return self._due(OpKind.DUE_ESCALATE, ticket_id, due_id, reason=_text(reason, "reason", limit=MAX_REASON))

    def keep_due(self, ticket_id: int, due_id: int, note: str) -> PendingOp:
        """Answer the prompt by keeping the ticket at its tier, with an internal note saying why.

        Only where the policy allows it (the record's `can_keep`); the server has the last word.
        """
        return self._due(OpKind.DUE_KEEP, ticket_id, due_id, note=_text(note, "note", limit=MAX_BODY))

    def acknowledge_due(self, ticket_id: int, due_id: int) -> PendingOp:
        """A specialist takes the escalated ticket the record announced."""
        return self._due(OpKind.DUE_ACKNOWLEDGE, ticket_id, due_id)

    def create_ticket(
        self,
        *,
        policy: str,
        subject: str,
        category: str,
        priority: str,
        channel: str,
        customer_id: int | None = None,
        customer: dict[str, Any] | None = None,
        queue_id: int | None = None,
        order_id: str | None = None,
        status: str = "new",
        assign_to_me: bool = False,
        message: dict[str, Any] | None = None,
        customer_name: str | None = None,
    ) -> int:
        """A new ticket (e.g. from a phone call); returns its placeholder id (negative) until sent.

        `ChangeSet.replaced` maps the placeholder to the real id once the server has it.
        """
        if (customer_id is None) == (customer is None):
            raise ValidationFailed("Give exactly one of customer_id and customer.", code="validation_error")
        if status not in INITIAL_STATUSES:
            raise ValidationFailed("A new ticket is 'new' or 'open'.", code="validation_error")
        body: dict[str, Any] = {
            "policy": policy,
            "subject": _text(subject, "subject", limit=300).strip(),
            "category": category,
            "priority": priority,
            "channel": channel,
            "status": status,
            "assign_to_me": bool(assign_to_me),
        }
        for name, value in (("customer_id", customer_id), ("customer", customer), ("queue_id", queue_id),
                            ("order_id", order_id), ("message", message)):
            if value is not None:
                body[name] = value
        payload: dict[str, Any] = {"ticket": body}
        if customer_name:
            payload["customer_name"] = customer_name
        return self._record(OpKind.CREATE, None, payload).local_id
