"""report rollups: daily pre-aggregates for the manager reports over long periods

The reports read closed UTC days from these tables (built lazily by
`reports.rollups`, one row per day and group) and compute only the rest of
the period (today, the partial first day, days changed since) from the raw
tables. `report_days` lists the days (and whole weeks) built; `report_dirty_days` the closed
days whose runs changed after (written by `reports.clock_runs.record_runs`).
The tables start empty: the server builds them in the background
(`reports.rollup_builder`), or `desk-server reports build-rollups` at once.
The run tables carry a `scope` (all tickets, one queue, one policy) and the
day tables the ticket's queue and policy, for the dashboard's filters.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

def _group() -> list[sa.Column]:
    return [sa.Column('measure', sa.String(length=64), nullable=False),
            sa.Column('dim', sa.String(length=16), nullable=False),
            sa.Column('value', sa.String(length=64), nullable=True)]


def _filters() -> list[sa.Column]:
    return [sa.Column('queue_id', sa.BigInteger(), nullable=True),
            sa.Column('policy_key', sa.String(length=64), nullable=False)]


def upgrade() -> None:
    op.create_table('report_days', sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('span', sa.SmallInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('day', 'span', name=op.f('pk_report_days')))
    op.create_table('report_dirty_days', sa.Column('day', sa.Date(), nullable=False),
                    sa.PrimaryKeyConstraint('day', name=op.f('pk_report_dirty_days')))
    op.create_table('report_run_counts', sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('span', sa.SmallInteger(), nullable=False),
                    sa.Column('scope', sa.String(length=80), nullable=False), *_group(),
                    sa.Column('met', sa.BigInteger(), nullable=False),
                    sa.Column('missed', sa.BigInteger(), nullable=False))
    op.create_index('ix_report_run_counts_scope_dim_span_day', 'report_run_counts', ['scope', 'dim', 'span', 'day'],
                    unique=False)
    op.create_table('report_run_buckets', sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('span', sa.SmallInteger(), nullable=False),
                    sa.Column('scope', sa.String(length=80), nullable=False), *_group(),
                    sa.Column('bucket', sa.Integer(), nullable=False),
                    sa.Column('n', sa.BigInteger(), nullable=False),
                    sa.Column('total', sa.BigInteger(), nullable=False),
                    sa.Column('vals', sa.Text(), nullable=False))
    op.create_index('ix_report_run_buckets_scope_dim_measure_span_day', 'report_run_buckets',
                    ['scope', 'dim', 'measure', 'span', 'day'], unique=False)
    op.create_table('report_flow_days', sa.Column('day', sa.Date(), nullable=False), *_filters(),
                    sa.Column('arrivals', sa.BigInteger(), nullable=False),
                    sa.Column('resolved', sa.BigInteger(), nullable=False),
                    sa.Column('closed', sa.BigInteger(), nullable=False))
    op.create_index('ix_report_flow_days_day', 'report_flow_days', ['day'], unique=False)
    op.create_table('report_entry_days', sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('author_id', sa.BigInteger(), nullable=False), *_filters(),
                    sa.Column('replies', sa.BigInteger(), nullable=False),
                    sa.Column('calls', sa.BigInteger(), nullable=False))
    op.create_index('ix_report_entry_days_day', 'report_entry_days', ['day'], unique=False)
    op.create_table('report_csat_days', sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('agent_id', sa.BigInteger(), nullable=True), *_filters(),
                    sa.Column('responses', sa.BigInteger(), nullable=False),
                    sa.Column('score_sum', sa.BigInteger(), nullable=False),
                    sa.Column('satisfied', sa.BigInteger(), nullable=False))
    op.create_index('ix_report_csat_days_day', 'report_csat_days', ['day'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_report_csat_days_day', table_name='report_csat_days')
    op.drop_table('report_csat_days')
    op.drop_index('ix_report_entry_days_day', table_name='report_entry_days')
    op.drop_table('report_entry_days')
    op.drop_index('ix_report_flow_days_day', table_name='report_flow_days')
    op.drop_table('report_flow_days')
    op.drop_index('ix_report_run_buckets_scope_dim_measure_span_day', table_name='report_run_buckets')
    op.drop_table('report_run_buckets')
    op.drop_index('ix_report_run_counts_scope_dim_span_day', table_name='report_run_counts')
    op.drop_table('report_run_counts')
    op.drop_table('report_dirty_days')
    op.drop_table('report_days')
