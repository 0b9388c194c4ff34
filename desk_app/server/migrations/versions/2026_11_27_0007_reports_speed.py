"""reports speed: the ticket's grouping fields and the UTC day on clock_runs, one covering index for the reports

Each finished clock run carries a copy of its ticket's queue, category,
priority, channel, customer tier, policy and assignee (kept current by
`reports.clock_runs.record_runs`), so the reports read `clock_runs` alone
instead of joining a month of runs to the whole `tickets` table; trends group
on the stored UTC day (`stopped_on`). Existing runs are filled from their
tickets. The (metric, stopped_at) index is replaced by
one that also carries every column the reports read (PostgreSQL INCLUDE), so
they are index-only scans; so are the (kind, time) indexes of
`ticket_events` and `thread_entries` for arrivals vs resolutions and replies
per agent.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-27 10:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_FILLED = ('stopped_on', 'category', 'priority', 'channel', 'customer_tier', 'policy_key')
_COVERED = ['key', 'state', 'elapsed_seconds', 'stopped_on', 'queue_id', 'category', 'priority', 'channel', 'policy_key',
            'assignee_id', 'customer_tier']


def upgrade() -> None:
    with op.batch_alter_table('clock_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stopped_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('queue_id', _ID, nullable=True))
        batch_op.add_column(sa.Column('category', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('priority', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('channel', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('customer_tier', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('policy_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('assignee_id', _ID, nullable=True))
        batch_op.drop_index('ix_clock_runs_metric_stopped')

    # Existing runs take their ticket's fields (UPDATE ... FROM: PostgreSQL, SQLite >= 3.33).
    postgres = op.get_bind().dialect.name == 'postgresql'
    day = "(clock_runs.stopped_at AT TIME ZONE 'UTC')::date" if postgres else "date(clock_runs.stopped_at)"
    op.execute(
        f"""UPDATE clock_runs SET stopped_on = {day}, queue_id = t.queue_id, category = t.category, priority = t.priority,
                  channel = t.channel, customer_tier = c.tier, policy_key = t.policy_key,
                  assignee_id = t.assignee_id
           FROM tickets t JOIN customers c ON c.id = t.customer_id
           WHERE t.id = clock_runs.ticket_id"""
    )

    with op.batch_alter_table('clock_runs', schema=None) as batch_op:
        for name in _FILLED:
            batch_op.alter_column(name, nullable=False)
        batch_op.create_foreign_key(op.f('fk_clock_runs_queue_id_queues'), 'queues', ['queue_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_foreign_key(op.f('fk_clock_runs_assignee_id_users'), 'users', ['assignee_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index('ix_clock_runs_metric_stopped_cover', ['metric', 'stopped_at'], unique=False,
                              postgresql_include=_COVERED)


    _recreate('ticket_events', 'ix_ticket_events_kind_at', ['kind', 'at'], ['status', 'ticket_id'])
    _recreate('thread_entries', 'ix_thread_entries_kind_created', ['kind', 'created_at'], ['author_id', 'ticket_id'])


def _recreate(table: str, name: str, columns: list[str], include: list[str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(name)
        batch_op.create_index(name, columns, unique=False, postgresql_include=include)


def downgrade() -> None:
    _recreate('thread_entries', 'ix_thread_entries_kind_created', ['kind', 'created_at'], [])
    _recreate('ticket_events', 'ix_ticket_events_kind_at', ['kind', 'at'], [])
    with op.batch_alter_table('clock_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_clock_runs_metric_stopped_cover')
        batch_op.drop_constraint(op.f('fk_clock_runs_assignee_id_users'), type_='foreignkey')
        batch_op.drop_constraint(op.f('fk_clock_runs_queue_id_queues'), type_='foreignkey')
        for name in ('assignee_id', 'policy_key', 'customer_tier', 'channel', 'priority', 'category', 'queue_id',
                     'stopped_on'):
            batch_op.drop_column(name)
        batch_op.create_index('ix_clock_runs_metric_stopped', ['metric', 'stopped_at'], unique=False)
