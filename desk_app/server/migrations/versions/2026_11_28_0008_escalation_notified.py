"""escalation notified: which app of a user popped up an escalation-due prompt (one per user and record)

An agent logged in on two machines gets the prompt once: the first app to
claim (due_id, user_id) shows the pop-up, the others only list it. The
primary key is what makes the claim atomic.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 10:00:00
"""

from alembic import op
import sqlalchemy as sa

from desk_app.server.core.types import UTCDateTime

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('escalation_notified',
    sa.Column('due_id', _ID, nullable=False),
    sa.Column('user_id', _ID, nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('notified_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['due_id'], ['escalation_dues.id'], name=op.f('fk_escalation_notified_due_id_escalation_dues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_escalation_notified_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('due_id', 'user_id', name=op.f('pk_escalation_notified'))
    )


def downgrade() -> None:
    op.drop_table('escalation_notified')
