"""Tables and indexes that exist for the reports.

`clock_runs` holds every finished SLA clock run of a ticket (met or missed),
as the core computed it at the ticket's last event: the current clocks that
have stopped plus the earlier runs (`SlaSnapshot.history`: answered
next-response runs, budgets of tiers the ticket left, ...). The business
time each run took is stored with it (`elapsed_seconds` = target minus the
remaining business time at the stop), because business time needs the policy
calendar, which SQL does not have; with it, compliance and time distributions
are plain aggregates in the database. The rows of a ticket are rewritten
whenever its clocks change (`record_runs`), so a reopened ticket's resolution
run disappears until it is resolved again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from desk_app.server.core.db import Base
from desk_app.server.core.types import UTCDateTime
from desk_app.server.tickets.models import Escalation, ThreadEntry, Ticket, TicketHistoryEvent


class ClockRun(Base):
    __tablename__ = "clock_runs"
    __table_args__ = (Index("ix_clock_runs_metric_stopped", "metric", "stopped_at"),)

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


# Indexes on other packages' tables that only the reports need (declared here
# so the models still match migration 0005).
Index("ix_tickets_created_at", Ticket.__table__.c.created_at)
Index("ix_escalations_created_at", Escalation.__table__.c.created_at)
Index("ix_ticket_events_kind_at", TicketHistoryEvent.__table__.c.kind, TicketHistoryEvent.__table__.c.at)
Index("ix_thread_entries_kind_created", ThreadEntry.__table__.c.kind, ThreadEntry.__table__.c.created_at)
