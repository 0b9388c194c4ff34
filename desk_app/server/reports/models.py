"""Tables and indexes that exist for the reports.

`clock_runs` holds every finished SLA clock run of a ticket (met or missed),
as the core computed it at the ticket's last event: the current clocks that
have stopped plus the earlier runs (`SlaSnapshot.history`: answered
next-response runs, budgets of tiers the ticket left, ...). The business
time each run took is stored with it (`elapsed_seconds` = target minus the
remaining business time at the stop), because business time needs the policy
calendar, which SQL does not have; with it, compliance and time distributions
are plain aggregates in the database. The rows of a ticket are rewritten
when its finished runs change (`record_runs`), so a reopened ticket's
resolution run disappears until it is resolved again.

Each run also carries a copy of the ticket's grouping fields as they are now
(queue, category, priority, channel, customer tier, policy, assignee), kept
current by `record_runs` when the ticket's fields change. So a report over a
month of runs reads `clock_runs` alone, through one covering index, instead of
joining a month of runs to the whole `tickets` table (migration 0007).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from desk_app.server.core.db import Base
from desk_app.server.core.types import UTCDateTime
from desk_app.server.tickets.models import Escalation, ThreadEntry, Ticket, TicketHistoryEvent

#: The ticket fields copied onto each run (the report dimensions and filters).
GROUPING_FIELDS = ("queue_id", "category", "priority", "channel", "policy_key", "assignee_id")
#: What the covering index carries besides its key, so reports scan the index alone (PostgreSQL).
COVERED = ("key", "state", "elapsed_seconds", "stopped_on", *GROUPING_FIELDS, "customer_tier")


class ClockRun(Base):
    __tablename__ = "clock_runs"
    __table_args__ = (
        Index("ix_clock_runs_metric_stopped_cover", "metric", "stopped_at", postgresql_include=list(COVERED)),
    )

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    metric: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))  # met / missed
    target_seconds: Mapped[int] = mapped_column(BigInteger)
    #: Business time the run took (pauses cut out), on the clock's calendar.
    elapsed_seconds: Mapped[int] = mapped_column(BigInteger)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The UTC day of `stopped_at`: trends group on it (a column with statistics,
    #: where a per-row date_trunc() left the planner guessing a group per row).
    stopped_on: Mapped[date] = mapped_column(Date)
    # The ticket's grouping fields, as they are now; the foreign keys null the
    # copies as they null the ticket's own columns when a queue or user goes.
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="SET NULL"))
    category: Mapped[str] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    customer_tier: Mapped[str] = mapped_column(String(16))
    policy_key: Mapped[str] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


# Indexes on other packages' tables that only the reports need (declared here
# so the models still match the migrations).
Index("ix_tickets_created_at", Ticket.__table__.c.created_at)
Index("ix_escalations_created_at", Escalation.__table__.c.created_at)
# Covering (PostgreSQL INCLUDE, migration 0007): arrivals vs resolutions and
# replies per agent read these append-only tables' indexes alone.
Index(
    "ix_ticket_events_kind_at",
    TicketHistoryEvent.__table__.c.kind,
    TicketHistoryEvent.__table__.c.at,
    postgresql_include=["status", "ticket_id"],
)
Index(
    "ix_thread_entries_kind_created",
    ThreadEntry.__table__.c.kind,
    ThreadEntry.__table__.c.created_at,
    postgresql_include=["author_id", "ticket_id"],
)
