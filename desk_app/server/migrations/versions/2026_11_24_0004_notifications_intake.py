"""notifications and intake: outbox claims, intake submissions (rate limit, requester)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:00:00
"""

from alembic import op
import sqlalchemy as sa

from desk_app.server.core.types import UTCDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', UTCDateTime(), nullable=True))

    op.create_table('intake_submissions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('ticket_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('requester_role', sa.String(length=32), nullable=True),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('route', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_intake_submissions_ticket_id_tickets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_submissions'))
    )
    with op.batch_alter_table('intake_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_intake_submissions_email_at', ['email', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_intake_submissions_ticket_id'), ['ticket_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('intake_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_submissions_ticket_id'))
        batch_op.drop_index('ix_intake_submissions_email_at')
    op.drop_table('intake_submissions')
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
