"""The ticket panel's reads and fetches: the ticket from the cache, the full ticket from the store,
a refused reply's draft, the attachments (cache lane for the cache, network lane for the store and files)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from desk_app.services.session import DeskSession
from desk_app.ui.ops import CACHE, NETWORK, Op, OpRunner
from desk_app.ui.reference import PolicyInfo

if TYPE_CHECKING:  # the ticket panel's package imports this module
    from desk_app.ui.ticket_panel.attachment_files import AttachmentFiles

__all__ = [
    "download_attachment",
    "fetch_ticket",
    "find_rejected_draft",
    "not_in_my_work",
    "read_ticket",
    "remove_stale_attachment_files",
    "store_ticket",
]


def not_in_my_work(ticket: dict[str, Any], user: dict[str, Any], queues: list[dict[str, Any]]) -> bool:
    """Is the ticket out of the user's own sight (a private queue of a higher tier, not theirs)?

    The store lists only the queues the user may see; a followed ticket in
    another queue is one they read only as its follower.
    """
    if user.get("role") in ("manager", "admin") or ticket.get("assignee_id") == user.get("id"):
        return False
    queue_id = ticket.get("queue_id")
    return queue_id is not None and queue_id not in {q["id"] for q in queues}


def read_ticket(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int) -> Op[tuple]:
    """(ticket, thread, policy info, customer, users, follow only) from the cache."""
    tid = ticket_id

    def read(_):
        ticket = session.cache.ticket(tid)
        thread = session.cache.thread(tid)
        info = PolicyInfo.of(session, ticket["policy"]) if ticket else None
        customer = session.cache.customer(ticket["customer_id"]) if ticket and ticket.get("customer_id") else None
        users = session.cache.reference("users") or []
        follow_only = bool(ticket) and tid > 0 and session.cache.follows(tid) and not_in_my_work(
            ticket, session.user, session.cache.reference("queues") or [])
        return ticket, thread, info, customer, users, follow_only

    return Op(parent, read, lane=CACHE, label="read ticket", runner=runner)


def fetch_ticket(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int) -> Op[dict[str, Any]]:
    """The full ticket from the store."""
    return Op(parent, lambda _: session.api.ticket(ticket_id), lane=NETWORK, label="fetch ticket", runner=runner)


def store_ticket(*, parent: QObject, runner: OpRunner, session: DeskSession, detail: dict[str, Any]) -> Op[None]:
    """A fetched ticket into the cache; its changes go out (the queue and the panel refresh from them)."""

    def write(_):
        changes = session.cache.store_ticket(detail)
        session.events.changes.emit(changes)

    return Op(parent, write, lane=CACHE, label="store ticket", runner=runner)


def find_rejected_draft(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int, text: str,
                        kinds: tuple[str, ...]) -> Op[str | None]:
    """Which of `kinds` the store put a refused `text` back into as a draft (None: none)."""
    store = session.cache.outbox

    def which(_):
        for kind in kinds:
            draft = store.load_draft(ticket_id, kind)
            if draft is not None and text.strip() in draft.body:
                return kind
        return None

    return Op(parent, which, lane=CACHE, label="find rejected draft", runner=runner)


def remove_stale_attachment_files(*, parent: QObject, runner: OpRunner, files: AttachmentFiles) -> Op[Any]:
    """A crashed run's opened attachments, removed."""
    return Op(parent, lambda _: files.remove_stale(), lane=NETWORK, label="remove stale attachment files",
              runner=runner)


def download_attachment(*, parent: QObject, runner: OpRunner, session: DeskSession, attachment_id: int,
                        files: AttachmentFiles, name: str) -> Op[str]:
    """Into the session's temporary folder; the result is the file's path."""
    api = session.api

    def download(_) -> str:
        return api.download_attachment(attachment_id, str(files.new_path(name or "attachment")))

    return Op(parent, download, lane=NETWORK, label="download attachment", runner=runner)
