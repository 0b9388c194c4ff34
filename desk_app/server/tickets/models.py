"""The ticket's tables: the ticket, its clocks, history, thread and escalations,
its escalation-due records, and the time-driven actions taken on it.

All of them are written by the ticket write path (`tickets.write`, with
`tickets.dues` and `tickets.escalations`); the scheduler reads them and calls
that write path to act.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from desk_app.server.core.db import Base
from desk_app.server.core.types import BigIntPK, UTCDateTime


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_queue_status", "queue_id", "status"),
        Index("ix_tickets_sla_due_at", "sla_due_at"),
        Index("ix_tickets_sla_next_change_at", "sla_next_change_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), index=True)
    tier: Mapped[int] = mapped_column(Integer, default=1)
    policy_key: Mapped[str] = mapped_column(String(64))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    order_id: Mapped[str | None] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The other party of a dispute (a Shopee seller when the buyer complained):
    #: personal data, so never in `snapshot` or the change feed (tickets.disputes).
    counterparty_email: Mapped[str | None] = mapped_column(String(320))
    counterparty_role: Mapped[str | None] = mapped_column(String(32))  # buyer / seller
    #: Set on a ticket staff made for an existing customer whose contact details
    #: they could not see (issue 19; the rule is in `sync.visibility`): the
    #: contact fields its creator typed ("", "email", "phone", "email,phone").
    #: On it, staff who do not see the customer otherwise see only those, and it
    #: never counts as handling the customer. None: an ordinary ticket.
    #: `contact_withheld_from_id` is that creator (for the record).
    contact_withheld_from_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    contact_known: Mapped[str | None] = mapped_column(String(16))

    # SLA clocks as last computed by desk_app.core.sla (the per-clock detail is
    # in ticket_clocks and in `snapshot`); these columns drive queries and the
    # scheduler.
    sla_rule: Mapped[str | None] = mapped_column(String(200))
    sla_computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Earliest due time among clocks still counting (running/warning/breached).
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Worst state among the clocks: breached > warning > running > paused > missed > met.
    sla_state: Mapped[str | None] = mapped_column(String(16))
    #: When a clock next changes state by itself; the scheduler wakes for it.
    sla_next_change_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the current tier's budget ran out (an escalation is due), if it has.
    sla_escalation_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: The ticket as served to clients (JSON), rebuilt on every change, so
    #: bootstrap and the change feed never re-serialise rows.
    snapshot: Mapped[str] = mapped_column(Text, default="{}")
    #: The snapshot's queue columns as a JSON array (`sync.queue_row`), for the bootstrap's `rows` format.
    queue_row: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class TicketClock(Base):
    """One SLA clock of a ticket, as computed by the core at the last event."""

    __tablename__ = "ticket_clocks"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), index=True)
    target_seconds: Mapped[int] = mapped_column(BigInteger)
    calendar: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remaining_seconds: Mapped[int] = mapped_column(BigInteger)
    paused_reason: Mapped[str | None] = mapped_column(String(64))
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TicketHistoryEvent(Base):
    """What happened to a ticket as far as SLA clocks care (replayed by the core)."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_at", "ticket_id", "at", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(32))
    tier: Mapped[int | None] = mapped_column(Integer)
    party: Mapped[str | None] = mapped_column(String(32))
    direction: Mapped[str | None] = mapped_column(String(16))


class ThreadEntry(Base):
    __tablename__ = "thread_entries"
    __table_args__ = (
        Index("ix_thread_entries_ticket_id", "ticket_id", "id"),
        # Few entries are corrections: a partial index keeps the insert path free of it.
        Index("ix_thread_entries_corrects_entry_id", "corrects_entry_id",
              postgresql_where=text("corrects_entry_id IS NOT NULL"),
              sqlite_where=text("corrects_entry_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # desk_app.core.ticket.EntryKind
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Phone calls
    call_number: Mapped[str | None] = mapped_column(String(32))
    call_direction: Mapped[str | None] = mapped_column(String(16))  # inbound / outbound
    call_duration_seconds: Mapped[int | None] = mapped_column(Integer)
    # System events: a stable code ("escalated", "status_changed", "sla_breached") and its data (JSON)
    event_code: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[str | None] = mapped_column(Text)
    #: A correction (an internal note) names the entry it corrects, which stays as it was
    #: (`tickets.corrections`).
    corrects_entry_id: Mapped[int | None] = mapped_column(ForeignKey("thread_entries.id", ondelete="CASCADE"))


class Escalation(Base):
    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    from_tier: Mapped[int] = mapped_column(Integer)
    to_tier: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(8))  # up / down
    #: manual (a person), automatic (the scheduler, after the grace period),
    #: customer_request ("not satisfied").
    kind: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


# -- escalation-due records and time-driven actions -----------------------------------

#: EscalationDueRecord.source
SOURCE_BUDGET = "budget"
SOURCE_CUSTOMER = "customer_request"

#: EscalationDueRecord.state: "open" until someone (or the grace period) handles it.
OPEN = "open"
ESCALATED = "escalated"  # the owner (or anyone entitled) moved it up
ACKNOWLEDGED = "acknowledged"  # someone of the next tier took it
KEPT = "kept"  # the owner added a note and kept it (where the policy allows)
AUTO_ESCALATED = "auto_escalated"  # unhandled after the grace period
WITHDRAWN = "withdrawn"  # no longer due: resolved, or moved to another tier by other means


class EscalationDueRecord(Base):
    """A tier budget ran out (or the customer asked): the ticket should move up.

    At most one per stay at a tier (a "keep" starts a new stay), so replaying
    the same history never creates a second record.
    """

    __tablename__ = "escalation_dues"
    __table_args__ = (
        UniqueConstraint("ticket_id", "stay_started_at", name="uq_escalation_dues_ticket_stay"),
        Index("ix_escalation_dues_state", "state", "to_tier"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("tickets.id", ondelete="CASCADE"))
    from_tier: Mapped[int] = mapped_column(Integer)
    to_tier: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(24))
    #: The ticket's assignee when it fell due (who is prompted); None: the tier's queue.
    owner_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("users.id", ondelete="SET NULL"))
    #: When the ticket entered `from_tier` (identifies the stay).
    stay_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the budget ran out or the customer asked.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the ticket moves up by itself if nobody acts (moves while the ticket is paused).
    auto_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default=OPEN)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("users.id", ondelete="SET NULL"))
    escalation_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("escalations.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)


class TicketAction(Base):
    """A time-driven action the scheduler took on a ticket, keyed so it is taken once.

    Written in the transaction of the action itself: after a crash either both
    are there or neither, so a replay is a no-op or a first run.
    """

    __tablename__ = "ticket_actions"

    ticket_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class EscalationNotified(Base):
    """Which of a user's running apps popped up an escalation-due prompt (one per user and record).

    An agent logged in on two machines sees the record on both; the first app
    to claim it here shows the pop-up and the tray message, the others only
    list it. The primary key makes the claim atomic (INSERT ... ON CONFLICT DO
    NOTHING): two machines racing get exactly one first.
    """

    __tablename__ = "escalation_notified"

    due_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("escalation_dues.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: The app that claimed it (its own id); the same app asking again is still first.
    client_id: Mapped[str] = mapped_column(String(64))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime)
