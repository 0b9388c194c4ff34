"""ticket queue row: each ticket's queue columns as a JSON array, beside its snapshot

The bootstrap's `rows` format sends these arrays instead of making the client
parse every snapshot (desk_app/server/sync/queue_row.py). Existing tickets get
theirs from their snapshots here.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 09:00:00
"""

from alembic import op
import orjson
import sqlalchemy as sa

from desk_app.server.sync.queue_row import queue_row

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    op.add_column('tickets', sa.Column('queue_row', sa.Text(), nullable=False, server_default='[]'))
    conn = op.get_bind()
    tickets = sa.table('tickets', sa.column('id', sa.BigInteger), sa.column('snapshot', sa.Text),
                       sa.column('queue_row', sa.Text))
    after = 0
    while True:
        rows = conn.execute(
            sa.select(tickets.c.id, tickets.c.snapshot).where(tickets.c.id > after).order_by(tickets.c.id).limit(_BATCH)
        ).all()
        if not rows:
            break
        values = [{"b_id": tid, "row": queue_row(orjson.loads(snap))} for tid, snap in rows if snap and snap != "{}"]
        if values:
            conn.execute(
                tickets.update().where(tickets.c.id == sa.bindparam("b_id")).values(queue_row=sa.bindparam("row")),
                values,
            )
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.drop_column('queue_row')
