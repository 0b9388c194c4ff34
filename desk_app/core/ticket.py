"""The ticket vocabulary shared by the core, the store and the client.

A ticket's history is a sequence of `TicketEvent`s; the SLA core replays it to
compute clocks (see `desk_app.core.sla`). Everything here is plain data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING_CUSTOMER = "pending_customer"
    PENDING_THIRD_PARTY = "pending_third_party"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"




#: Statuses in which a ticket is finished; leaving them is a reopen.
DONE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})
#: Statuses in which a ticket is still to be worked on (the backlog), in the workflow's order.
OPEN_STATUSES: tuple[str, ...] = tuple(s.value for s in Status if s not in DONE_STATUSES)
#: The statuses a ticket may be created in.
INITIAL_STATUSES: tuple[str, ...] = (Status.NEW.value, Status.OPEN.value)
#: The statuses a person may change a ticket to: any but 'new' (a ticket never goes back to it).
STATUS_CHOICES: tuple[Status, ...] = tuple(s for s in Status if s is not Status.NEW)
#: Why a change to 'new' is refused, in the words both ends use.
NO_RETURN_TO_NEW = "A ticket cannot go back to 'new'; reopen it as 'open' instead."

#: Statuses a customer's message reopens: waiting for them, or finished.
_CUSTOMER_REOPENS = frozenset({Status.PENDING_CUSTOMER, Status.RESOLVED, Status.CLOSED})


def status_change_refused(status: str) -> str | None:
    """Why a person may not change a ticket to `status` (None: allowed). The store and the
    client refuse the same changes; a change to the status it has is no change, and allowed."""
    return NO_RETURN_TO_NEW if status == Status.NEW else None


def status_after_entry(status: str, entry_kind: str) -> Status | None:
    """The status a new thread entry moves a ticket in `status` to; None when it stays.

    A customer's message reopens a ticket waiting for them or finished; the first
    public reply or phone call opens a new one. Internal notes change nothing.
    """
    if entry_kind == EntryKind.CUSTOMER_MESSAGE and status in _CUSTOMER_REOPENS:
        return Status.OPEN
    if entry_kind in (EntryKind.PUBLIC_REPLY, EntryKind.PHONE_CALL) and status == Status.NEW:
        return Status.OPEN
    return None


def status_before(previous: str) -> str:
    """The status that undoes a change away from `previous` (e.g. an undone resolve):
    `previous` itself, except 'open' for 'new' (a ticket never goes back to 'new')."""
    return Status.OPEN.value if previous == Status.NEW else previous


class CustomerTier(StrEnum):
    STANDARD = "standard"
    STARTUP = "startup"
    ENTERPRISE = "enterprise"


class EntryKind(StrEnum):
    """Kinds of thread entries shown in a ticket."""

    CUSTOMER_MESSAGE = "customer_message"
    PUBLIC_REPLY = "public_reply"
    INTERNAL_NOTE = "internal_note"
    PHONE_CALL = "phone_call"
    SYSTEM_EVENT = "system_event"


class EventKind(StrEnum):
    """What happened to a ticket, as far as its SLA clocks care."""

    CREATED = "created"  # status: the initial status
    CUSTOMER_MESSAGE = "customer_message"  # the customer wrote (opens a next-response clock)
    PUBLIC_REPLY = "public_reply"  # an agent answered the customer in writing
    PHONE_CALL = "phone_call"  # an agent spoke with the customer (direction: inbound/outbound)
    INTERNAL_NOTE = "internal_note"  # no effect on clocks; kept for replay fidelity
    STATUS_CHANGED = "status_changed"  # status: the new status
    TIER_CHANGED = "tier_changed"  # tier: the new tier level (escalation or de-escalation)
    ESCALATION_REQUESTED = "escalation_requested"  # the customer asked to escalate
    EVIDENCE_REQUESTED = "evidence_requested"  # party: whose evidence window opens
    EVIDENCE_RECEIVED = "evidence_received"  # party: who delivered their documents


@dataclass(frozen=True, slots=True)
class TicketEvent:
    at: datetime
    kind: EventKind
    status: str | None = None
    tier: int | None = None
    party: str | None = None
    direction: str | None = None


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """The fields that select a ticket's SLA targets.

    Status and tier are not here: they follow from the event history.
    """

    created_at: datetime
    category: str
    priority: str
    channel: str
    customer_tier: str = CustomerTier.STANDARD


@dataclass(frozen=True, slots=True)
class ModeSpan:
    """A span during which a policy ran in an emergency / high-volume mode.

    `end` is None while the mode is still on.
    """

    mode: str
    start: datetime
    end: datetime | None = None
