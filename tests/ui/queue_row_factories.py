"""Queue rows for the UI tests."""

from __future__ import annotations

from desk_app.core.sla import ClockState
from desk_app.ui.queue.queue_rows import QueueRow

NOW = 1_800_000_000  # 2027-01-15 08:00 UTC


def make_row(ticket_id: int, **changes) -> QueueRow:
    """A normal-priority open ticket whose first-response clock runs for another hour."""
    fields = dict(
        ticket_id=ticket_id,
        number=f"SHP-{ticket_id:06d}",
        subject=f"Order {ticket_id} arrived damaged",
        customer_name="Dewi Lestari",
        customer_tier="standard",
        category="Damaged item",
        priority="normal",
        priority_rank=2,
        channel="email",
        status="open",
        tier_level=1,
        policy="shopom",
        created_at=NOW - 10_000 + ticket_id,
        next_due=NOW + 3_600,
        next_state=ClockState.RUNNING,
        warn_at=NOW + 3_000,
        next_clock="first_response",
    )
    fields.update(changes)
    return QueueRow(**fields)
