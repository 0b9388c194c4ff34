"""scheduler: escalation-due records and the actions the scheduler took (exactly once)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:00:00
"""

from alembic import op
import sqlalchemy as sa

from desk_app.server.core.types import UTCDateTime

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('escalation_dues',
    sa.Column('id', _ID, nullable=False),
    sa.Column('ticket_id', _ID, nullable=False),
    sa.Column('from_tier', sa.Integer(), nullable=False),
    sa.Column('to_tier', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('owner_id', _ID, nullable=True),
    sa.Column('stay_started_at', UTCDateTime(), nullable=False),
    sa.Column('due_at', UTCDateTime(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('auto_at', UTCDateTime(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('handled_at', UTCDateTime(), nullable=True),
    sa.Column('handled_by_id', _ID, nullable=True),
    sa.Column('escalation_id', _ID, nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], name=op.f('fk_escalation_dues_escalation_id_escalations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_escalation_dues_handled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_escalation_dues_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_escalation_dues_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_dues')),
    sa.UniqueConstraint('ticket_id', 'stay_started_at', name='uq_escalation_dues_ticket_stay')
    )
    with op.batch_alter_table('escalation_dues', schema=None) as batch_op:
        batch_op.create_index('ix_escalation_dues_state', ['state', 'to_tier'], unique=False)

    op.create_table('ticket_actions',
    sa.Column('ticket_id', _ID, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_actions_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id', 'key', name=op.f('pk_ticket_actions'))
    )


def downgrade() -> None:
    op.drop_table('ticket_actions')
    with op.batch_alter_table('escalation_dues', schema=None) as batch_op:
        batch_op.drop_index('ix_escalation_dues_state')
    op.drop_table('escalation_dues')
