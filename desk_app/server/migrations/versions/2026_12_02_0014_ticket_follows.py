"""ticket follows: who sent a ticket up the ladder (or owned it then) keeps it in sight

An agent who escalates a ticket follows it: they may go on reading it (not
change it) wherever it goes, their client keeps it and lists it under
"Following", and a de-escalation to the tier they sent it up from gives it
back to them (see `tickets.follows`). Tickets escalated before this revision
have no followers.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:00:00
"""

from alembic import op
import sqlalchemy as sa

from desk_app.server.core.types import UTCDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('ticket_follows',
    sa.Column('ticket_id', _ID, nullable=False),
    sa.Column('user_id', _ID, nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('from_tier', sa.Integer(), nullable=False),
    sa.Column('since', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_follows_ticket_id_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id', 'user_id', name=op.f('pk_ticket_follows'))
    )
    op.create_index('ix_ticket_follows_user_id', 'ticket_follows', ['user_id', 'ticket_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ticket_follows_user_id', table_name='ticket_follows')
    op.drop_table('ticket_follows')
