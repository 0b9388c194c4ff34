"""Changes to one ticket, as the agent makes them.

Each is recorded in the local cache and the outbox (`services.actions`) on the cache lane, so
it returns at once, offline too; the outbox sends it. The `Op`'s result is the `PendingOp`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from desk_app.core.ticket import EntryKind, Status
from desk_app.services.mutations import PendingOp
from desk_app.services.session import DeskSession
from desk_app.ui.ops import CACHE, Op, OpRunner

__all__ = [
    "add_note",
    "assign_ticket",
    "correct_entry",
    "create_ticket_from_call",
    "deescalate_ticket",
    "escalate_ticket",
    "escalate_when_due",
    "keep_ticket_when_due",
    "log_call",
    "resolve_ticket",
    "send_reply",
    "set_ticket_status",
    "take_ticket",
    "undo_resolve",
]


def _change(parent: QObject, runner: OpRunner, label: str, change) -> Op[PendingOp]:
    return Op(parent, lambda _: change(), lane=CACHE, label=label, runner=runner)


def send_reply(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int,
               text: str) -> Op[PendingOp]:
    actions = session.actions
    return _change(parent, runner, f"send {EntryKind.PUBLIC_REPLY.value}", lambda: actions.reply(ticket_id, text))


def add_note(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int,
             text: str) -> Op[PendingOp]:
    actions = session.actions
    return _change(parent, runner, f"send {EntryKind.INTERNAL_NOTE.value}", lambda: actions.add_note(ticket_id, text))


def correct_entry(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int, entry_id: int,
                  text: str) -> Op[PendingOp]:
    actions = session.actions
    return _change(parent, runner, "correct entry", lambda: actions.correct_entry(ticket_id, entry_id, text))


def take_ticket(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int) -> Op[PendingOp]:
    actions = session.actions
    return _change(parent, runner, "take", lambda: actions.take(ticket_id))


def assign_ticket(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int,
                  assignee_id: int | None) -> Op[PendingOp]:
    actions = session.actions
    return _change(parent, runner, "assign", lambda: actions.assign(ticket_id, assignee_id))


def set_ticket_status(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int, status: str,
                      note: str | None = None) -> Op[PendingOp]:
    actions = session.actions
    return _change(parent, runner, "status", lambda: actions.set_status(ticket_id, status, note=note))


def resolve_ticket(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int) -> Op[PendingOp]:
    actions = session.actions
    return _change(parent, runner, "resolve", lambda: actions.set_status(ticket_id, Status.RESOLVED.value))


def undo_resolve(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int,
                 status: str) -> Op[PendingOp]:
    """Back to the status the ticket had before Resolve (a change of its own, through the outbox)."""
    actions = session.actions
    return _change(parent, runner, "undo resolve", lambda: actions.set_status(ticket_id, status))


def escalate_ticket(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int, reason: str,
                    to_tier: int | None = None) -> Op[PendingOp]:
    actions = session.actions
    return _change(parent, runner, "escalate", lambda: actions.escalate(ticket_id, reason, to_tier=to_tier))


def deescalate_ticket(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int, reason: str,
                      to_tier: int | None = None) -> Op[PendingOp]:
    actions = session.actions
    return _change(parent, runner, "deescalate", lambda: actions.deescalate(ticket_id, reason, to_tier=to_tier))


def escalate_when_due(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int, due_id: int,
                      reason: str) -> Op[PendingOp]:
    """The escalation came due: send the ticket up, with the reason the next tier reads."""
    actions = session.actions
    return _change(parent, runner, "handle escalation due", lambda: actions.escalate_due(ticket_id, due_id, reason))


def keep_ticket_when_due(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int, due_id: int,
                         note: str) -> Op[PendingOp]:
    """The escalation came due: keep the ticket in this tier, with a note (restarts its budget)."""
    actions = session.actions
    return _change(parent, runner, "handle escalation due", lambda: actions.keep_due(ticket_id, due_id, note))


def log_call(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int, number: str,
             direction: str, duration_seconds: int, notes: str) -> Op[PendingOp]:
    actions = session.actions
    return _change(parent, runner, "log call", lambda: actions.log_call(
        ticket_id, number=number, direction=direction, duration_seconds=duration_seconds, notes=notes))


def create_ticket_from_call(*, parent: QObject, runner: OpRunner, session: DeskSession,
                            fields: dict[str, Any]) -> Op[Any]:
    """A new ticket from a phone call (`services.actions.create_ticket`'s fields)."""
    actions = session.actions
    return _change(parent, runner, "ticket from call", lambda: actions.create_ticket(**fields))
