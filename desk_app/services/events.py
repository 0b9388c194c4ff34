"""What the services report to the UI: change sets, sync status, rejections, presence, notices.

All plain data. Reports are delivered through `Hook`s, called on the worker
thread that produced them; the UI connects each hook to a Qt signal (a queued
connection brings it to the UI thread). A callback that raises is logged and
never stops the worker that called it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

log = logging.getLogger("desk.services.events")

T = TypeVar("T")

#: In `ChangeSet.fields`: the whole ticket is new or was replaced.
ALL_FIELDS = "*"


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Which tickets changed and how, after Anki's OpChanges: views refresh only these.

    `fields[id]` holds the server's field names ("status", "sla", "assignee_id",
    "thread", "version", ...) or `ALL_FIELDS` for a ticket seen for the first
    time. `removed`: tickets to drop (no longer visible, or a placeholder
    replaced by the real ticket). `replaced`: placeholder id -> real id for
    tickets created offline. `reset`: the cache was rebuilt; reload everything.
    `local`: the change is the agent's own optimistic edit, not yet confirmed.
    """

    ticket_ids: frozenset[int] = frozenset()
    fields: Mapping[int, frozenset[str]] = field(default_factory=dict)
    removed: frozenset[int] = frozenset()
    replaced: Mapping[int, int] = field(default_factory=dict)
    reset: bool = False
    local: bool = False

    @property
    def empty(self) -> bool:
        return not (self.ticket_ids or self.removed or self.replaced or self.reset)

    def merge(self, other: ChangeSet) -> ChangeSet:
        fields: dict[int, frozenset[str]] = dict(self.fields)
        for tid, names in other.fields.items():
            fields[tid] = fields.get(tid, frozenset()) | names
        removed = (self.removed - other.ticket_ids) | other.removed
        ids = (self.ticket_ids - other.removed) | other.ticket_ids
        return ChangeSet(
            ticket_ids=frozenset(ids),
            fields={k: v for k, v in fields.items() if k in ids},
            removed=frozenset(removed),
            replaced={**self.replaced, **other.replaced},
            reset=self.reset or other.reset,
            local=self.local and other.local,
        )

    @staticmethod
    def of(changed: Mapping[int, Iterable[str]], *, removed: Iterable[int] = (), replaced: Mapping[int, int] | None = None,
           local: bool = False, reset: bool = False) -> ChangeSet:
        fields = {tid: frozenset(names) for tid, names in changed.items()}
        return ChangeSet(
            ticket_ids=frozenset(fields),
            fields=fields,
            removed=frozenset(removed),
            replaced=dict(replaced or {}),
            local=local,
            reset=reset,
        )


class Connection(StrEnum):
    CONNECTING = "connecting"
    SYNCING = "syncing"  # bootstrapping or catching up by cursor
    ONLINE = "online"  # live: the event stream is open
    OFFLINE = "offline"
    AUTH_EXPIRED = "auth_expired"  # log in again; nothing is sent meanwhile
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    connection: Connection
    outbox_size: int = 0
    last_sync_at: datetime | None = None
    #: Why we are offline / what we are doing, for the status bar.
    detail: str | None = None
    #: Tickets loaded so far by a running bootstrap.
    bootstrap_loaded: int | None = None
    #: When the server stopped answering (None while it answers): the offline banner says since when.
    offline_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """A change the server refused; the agent's text is never lost.

    `text`: what the agent wrote (a reply, a note, a reason), shown back to them.
    `draft_saved`: the text was put back into the ticket's draft.
    `current`: the server's ticket as it is now, when known (the local copy has
    been rolled back to it).
    """

    id: int | None
    at: datetime
    op_kind: str
    ticket_id: int | None
    ticket_number: str | None
    code: str | None
    message: str
    text: str | None
    draft_saved: bool
    current: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class TicketNotice:
    """Something about a ticket the agent should hear of, not just see change in a list.

    `kind` "returned": a ticket came back down the ladder to them (they had
    sent it up); `by`: who sent it back; `reason`: what they wrote.
    """

    kind: str
    ticket_id: int
    number: str
    subject: str
    from_tier: int | None = None
    to_tier: int | None = None
    by: str | None = None
    reason: str | None = None


def notices_in(changes: Iterable[Mapping[str, Any]], user_id: int) -> list[TicketNotice]:
    """The notices for `user_id` in changes from the feed (each change once: the caller skips old ones)."""
    out = []
    for change in changes:
        data = change.get("data")
        if change.get("kind") != "ticket.deescalated" or not data or change.get("actor_id") == user_id:
            continue
        ticket = data.get("ticket") or {}
        if ticket.get("assignee_id") != user_id:
            continue
        entry = data.get("entry") or {}
        detail = entry.get("data") or {}
        escalation = ticket.get("escalation") or {}
        out.append(TicketNotice(
            kind="returned", ticket_id=ticket["id"], number=ticket.get("number") or "",
            subject=ticket.get("subject") or "", from_tier=detail.get("from_tier", escalation.get("from_tier")),
            to_tier=detail.get("to_tier", ticket.get("tier")), by=entry.get("author_name"),
            reason=escalation.get("reason") if escalation.get("direction") == "down" else None,
        ))
    return out


@dataclass(frozen=True, slots=True)
class PresenceEntry:
    user_id: int
    display_name: str
    client_id: str
    ticket_id: int | None
    composing: bool
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class PresenceSnapshot:
    """Everyone else the server knows to be active (this client excluded)."""

    entries: tuple[PresenceEntry, ...] = ()

    def on_ticket(self, ticket_id: int) -> list[PresenceEntry]:
        return [e for e in self.entries if e.ticket_id == ticket_id]

    def composing_on(self, ticket_id: int) -> list[PresenceEntry]:
        return [e for e in self.entries if e.ticket_id == ticket_id and e.composing]


class Hook(Generic[T]):
    """A list of callbacks, in the manner of a signal: `connect`, `disconnect`, `emit`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: list[Callable[[T], Any]] = []
        self._lock = threading.Lock()

    def connect(self, callback: Callable[[T], Any]) -> Callable[[T], Any]:
        with self._lock:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[T], Any]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def emit(self, value: T) -> None:
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(value)
            except Exception:  # noqa: BLE001 - a listener's bug must not stop a worker
                log.exception("a %s callback failed", self.name)


class ServiceEvents:
    """Every hook the services emit on; one instance per session, shared by its workers."""

    def __init__(self) -> None:
        self.changes: Hook[ChangeSet] = Hook("changes")
        self.status: Hook[SyncStatus] = Hook("status")
        self.rejection: Hook[Rejection] = Hook("rejection")
        self.presence: Hook[PresenceSnapshot] = Hook("presence")
        #: Reference data that changed ("policies", "users", "queues"): re-read it from the cache.
        self.reference: Hook[frozenset[str]] = Hook("reference")
        #: A `TicketNotice`: tell the agent (a ticket came back to them).
        self.notice: Hook[TicketNotice] = Hook("notice")
