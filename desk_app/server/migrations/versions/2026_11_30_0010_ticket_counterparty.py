"""ticket counterparty: the other dispute party's address, so both parties can be mailed

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 09:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('tickets', sa.Column('counterparty_email', sa.String(length=320), nullable=True))
    op.add_column('tickets', sa.Column('counterparty_role', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.drop_column('counterparty_role')
        batch.drop_column('counterparty_email')
