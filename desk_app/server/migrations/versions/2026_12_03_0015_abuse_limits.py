"""abuse limits: login throttles, known devices, intake rate counters, withheld contacts

Issue 19. `login_throttles` counts password checks per (user, address) and per
address with a doubling wait instead of a lock-out; `known_devices` lets an
account's owner log in apart from guesses made elsewhere; `rate_counters`
holds the intake's atomic fixed-window limits (per address, per policy, per
e-mail, anonymous bytes per hour). Tickets made for a customer whose contact
details their creator could not see remember whom to withhold them from.

Attachments now go to the directory blob store by default (files under the
data directory, the `blobs` rows holding only references); rows stored in the
database before keep their bytes and are read from there as before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:00:00
"""

from alembic import op
import sqlalchemy as sa

from desk_app.server.core.types import UTCDateTime

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('next_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )
    op.create_index('ix_login_throttles_updated_at', 'login_throttles', ['updated_at'], unique=False)
    op.create_table('known_devices',
    sa.Column('device_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', _ID, nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_known_devices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('device_hash', name=op.f('pk_known_devices'))
    )
    op.create_index('ix_known_devices_user_id', 'known_devices', ['user_id'], unique=False)
    op.create_index('ix_known_devices_last_seen_at', 'known_devices', ['last_seen_at'], unique=False)
    op.create_table('rate_counters',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('window_start', UTCDateTime(), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_counters'))
    )
    op.create_index('ix_rate_counters_window_start', 'rate_counters', ['window_start'], unique=False)
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('contact_withheld_from_id', _ID, nullable=True))
        batch.add_column(sa.Column('contact_known', sa.String(length=16), nullable=True))
        batch.create_foreign_key(op.f('fk_tickets_contact_withheld_from_id_users'), 'users',
                                 ['contact_withheld_from_id'], ['id'], ondelete='SET NULL')
    # The purge (scheduler) finds old tokens and idempotency keys by these.
    op.create_index('ix_auth_tokens_expires_at', 'auth_tokens', ['expires_at'], unique=False)
    op.create_index('ix_login_attempts_at', 'login_attempts', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_login_attempts_at', table_name='login_attempts')
    op.drop_index('ix_auth_tokens_expires_at', table_name='auth_tokens')
    with op.batch_alter_table('tickets') as batch:
        batch.drop_constraint(op.f('fk_tickets_contact_withheld_from_id_users'), type_='foreignkey')
        batch.drop_column('contact_known')
        batch.drop_column('contact_withheld_from_id')
    op.drop_index('ix_rate_counters_window_start', table_name='rate_counters')
    op.drop_table('rate_counters')
    op.drop_index('ix_known_devices_last_seen_at', table_name='known_devices')
    op.drop_index('ix_known_devices_user_id', table_name='known_devices')
    op.drop_table('known_devices')
    op.drop_index('ix_login_throttles_updated_at', table_name='login_throttles')
    op.drop_table('login_throttles')
