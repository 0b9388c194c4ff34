"""Keep `clock_runs` in step with the clocks the SLA authority computes.

Called by `tickets.sla_authority.recompute` in the ticket's transaction
whenever its clocks change: the ticket's finished runs are replaced by the
ones in the new snapshot (a reopen can un-finish a resolution run).
"""

from __future__ import annotations

from sqlalchemy import bindparam, delete, insert
from sqlalchemy.engine import Connection

from desk_app.core.sla import Clock, ClockState, SlaSnapshot
from desk_app.server.reports.models import ClockRun

_FINISHED = frozenset({ClockState.MET, ClockState.MISSED})
_RUNS = ClockRun.__table__
_DELETE = delete(_RUNS).where(_RUNS.c.ticket_id == bindparam("ticket_id"))
_INSERT = insert(_RUNS)


def finished_runs(snap: SlaSnapshot) -> list[Clock]:
    """Every met or missed run of the snapshot, earlier runs included."""
    runs = [c for c in (*snap.history, *snap.clocks) if c.state in _FINISHED and c.stopped_at is not None]
    # A run is identified by (key, started_at); keep the last word on each.
    return list({(c.key, c.started_at): c for c in runs}.values())


def run_row(ticket_id: int, clock: Clock) -> dict:
    target = int(clock.target.total_seconds())
    return {
        "ticket_id": ticket_id,
        "key": clock.key,
        "started_at": clock.started_at,
        "metric": str(clock.metric),
        "state": str(clock.state),
        "target_seconds": target,
        "elapsed_seconds": target - int(clock.remaining.total_seconds()),
        "due_at": clock.due_at,
        "stopped_at": clock.stopped_at,
    }


def record_runs(connection: Connection, ticket_id: int, snap: SlaSnapshot) -> None:
    connection.execute(_DELETE, {"ticket_id": ticket_id})
    rows = [run_row(ticket_id, c) for c in finished_runs(snap)]
    if rows:
        connection.execute(_INSERT, rows)
