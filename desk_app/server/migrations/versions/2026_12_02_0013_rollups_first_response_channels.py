"""report rollups: first responses per agent and channel (rebuild the days built before)

The agents report gives each agent's first-response times per channel (a
ticket created from an answered call is a 0 s response: mixed with e-mail it
hid how long written requests wait). The rollups keep those runs under a
dimension of their own ('agent_channel' in `report_run_buckets`), which the
days built before this revision lack: they are marked dirty, so the next
build (the background builder, or the next report) rebuilds them. No table
changes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 12:00:00
"""

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "INSERT INTO report_dirty_days (day) SELECT DISTINCT day FROM report_days WHERE span = 1 "
        "AND day NOT IN (SELECT day FROM report_dirty_days)"
    )


def downgrade() -> None:
    # The rows of the extra dimension are harmless to older code (it never reads them).
    pass
