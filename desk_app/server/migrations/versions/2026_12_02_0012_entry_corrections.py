"""entry corrections: a thread entry may correct an earlier one (nothing is deleted)

A mistaken entry (a call logged by accident, a note with the wrong amount)
stays in the thread; the correction is a new entry that names the one it
corrects (`tickets.corrections`).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('thread_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrects_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_thread_entries_corrects_entry_id_thread_entries'),
                                    'thread_entries', ['corrects_entry_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index('ix_thread_entries_corrects_entry_id', ['corrects_entry_id'], unique=False,
                              postgresql_where=sa.text('corrects_entry_id IS NOT NULL'),
                              sqlite_where=sa.text('corrects_entry_id IS NOT NULL'))


def downgrade() -> None:
    with op.batch_alter_table('thread_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_entries_corrects_entry_id')
        batch_op.drop_constraint(batch_op.f('fk_thread_entries_corrects_entry_id_thread_entries'), type_='foreignkey')
        batch_op.drop_column('corrects_entry_id')
