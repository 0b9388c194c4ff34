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

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, Integer, SmallInteger, String, Table, Text
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


# -- daily rollups (migration 0011; built and read by `reports.rollups`) ----------------
# One row per closed UTC day and group, so a year-long report sums a few
# hundred thousand small rows instead of scanning millions of runs. `dim` is
# the report dimension the row is grouped by ('' = none) and `value` the
# group's value as text (NULL: no value, e.g. unassigned). The run tables also
# carry the filter a row counts under (`scope`: '' for all tickets,
# 'queue:<id>' or 'policy:<key>' for the runs of one queue or policy, from the
# runs' own copies of the ticket's fields), so a report narrowed to a queue or a
# policy reads its own rows; the day tables carry the ticket's queue and policy
# as columns (a few combinations a day), summed over when not filtered.

#: The spans whose rollup rows are complete: days (span 1; a day without any data has its row
#: here too) and, for the run tables, whole UTC weeks from Monday (span 7, summed from the days).
report_days = Table(
    "report_days",
    Base.metadata,
    Column("day", Date, primary_key=True),
    Column("span", SmallInteger, primary_key=True),
)
#: Closed days whose data changed after their rollup was built (written by `record_runs`).
report_dirty_days = Table("report_dirty_days", Base.metadata, Column("day", Date, primary_key=True))
#: Finished clock runs per day, measure and group: met, missed, summed business seconds.
report_run_counts = Table(
    "report_run_counts",
    Base.metadata,
    Column("day", Date, nullable=False),
    Column("span", SmallInteger, nullable=False),
    Column("scope", String(80), nullable=False),
    Column("measure", String(64), nullable=False),
    Column("dim", String(16), nullable=False),
    Column("value", String(64)),
    Column("met", BigInteger, nullable=False),
    Column("missed", BigInteger, nullable=False),
    Index("ix_report_run_counts_scope_dim_span_day", "scope", "dim", "span", "day"),
)
#: Business seconds of the timed runs per day, measure, group and value bucket:
#: how many, their sum, and the values themselves (comma-separated), so that
#: medians and p90s stay exact (`rollups.distribution`).
report_run_buckets = Table(
    "report_run_buckets",
    Base.metadata,
    Column("day", Date, nullable=False),
    Column("span", SmallInteger, nullable=False),
    Column("scope", String(80), nullable=False),
    Column("measure", String(64), nullable=False),
    Column("dim", String(16), nullable=False),
    Column("value", String(64)),
    Column("bucket", Integer, nullable=False),
    Column("n", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("vals", Text, nullable=False),
    Index("ix_report_run_buckets_scope_dim_measure_span_day", "scope", "dim", "measure", "span", "day"),
)
#: Arrivals (tickets created) and resolutions / closures (status changes) per day, queue and policy.
report_flow_days = Table(
    "report_flow_days",
    Base.metadata,
    Column("day", Date, nullable=False),
    Column("queue_id", BigInteger),
    Column("policy_key", String(64), nullable=False),
    Column("arrivals", BigInteger, nullable=False),
    Column("resolved", BigInteger, nullable=False),
    Column("closed", BigInteger, nullable=False),
    Index("ix_report_flow_days_day", "day"),
)
#: Public replies and phone calls per day, author, and the ticket's queue and policy.
report_entry_days = Table(
    "report_entry_days",
    Base.metadata,
    Column("day", Date, nullable=False),
    Column("author_id", BigInteger, nullable=False),
    Column("queue_id", BigInteger),
    Column("policy_key", String(64), nullable=False),
    Column("replies", BigInteger, nullable=False),
    Column("calls", BigInteger, nullable=False),
    Index("ix_report_entry_days_day", "day"),
)
#: CSAT answers per day, agent, and the ticket's queue and policy: how many, their summed score,
#: how many scored 4 or 5.
report_csat_days = Table(
    "report_csat_days",
    Base.metadata,
    Column("day", Date, nullable=False),
    Column("agent_id", BigInteger),
    Column("queue_id", BigInteger),
    Column("policy_key", String(64), nullable=False),
    Column("responses", BigInteger, nullable=False),
    Column("score_sum", BigInteger, nullable=False),
    Column("satisfied", BigInteger, nullable=False),
    Index("ix_report_csat_days_day", "day"),
)
