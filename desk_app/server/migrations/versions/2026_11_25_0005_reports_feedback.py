"""reports and feedback: finished clock runs with business time, CSAT surveys, report indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:00:00
"""

from alembic import op
import sqlalchemy as sa

from desk_app.server.core.types import UTCDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('clock_runs',
    sa.Column('ticket_id', _ID, nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('started_at', UTCDateTime(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('target_seconds', sa.BigInteger(), nullable=False),
    sa.Column('elapsed_seconds', sa.BigInteger(), nullable=False),
    sa.Column('due_at', UTCDateTime(), nullable=False),
    sa.Column('stopped_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_clock_runs_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id', 'key', 'started_at', name=op.f('pk_clock_runs'))
    )
    with op.batch_alter_table('clock_runs', schema=None) as batch_op:
        batch_op.create_index('ix_clock_runs_metric_stopped', ['metric', 'stopped_at'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', _ID, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('ticket_id', _ID, nullable=False),
    sa.Column('agent_id', _ID, nullable=True),
    sa.Column('issued_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('superseded_at', UTCDateTime(), nullable=True),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('entry_id', _ID, nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_survey_responses_ticket_id_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_survey_responses_agent_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['thread_entries.id'], name=op.f('fk_survey_responses_entry_id_thread_entries'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_survey_responses_token_hash'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_agent_answered', ['agent_id', 'answered_at'], unique=False)
        batch_op.create_index('ix_survey_responses_ticket_id', ['ticket_id'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index('ix_escalations_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_kind_at', ['kind', 'at'], unique=False)
    with op.batch_alter_table('thread_entries', schema=None) as batch_op:
        batch_op.create_index('ix_thread_entries_kind_created', ['kind', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('thread_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_entries_kind_created')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_kind_at')
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index('ix_escalations_created_at')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_created_at')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_responses_ticket_id')
        batch_op.drop_index('ix_survey_responses_agent_answered')
    op.drop_table('survey_responses')
    with op.batch_alter_table('clock_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_clock_runs_metric_stopped')
    op.drop_table('clock_runs')
