"""The ticket rules both ends apply (desk_app.core.ticket, core.queue_row, core.sla.state_at)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desk_app.core.queue_row import ROW_FIELDS, next_clock_key, queue_values
from desk_app.core.sla import ClockState, running_state, state_at
from desk_app.core.ticket import (
    DONE_STATUSES,
    INITIAL_STATUSES,
    OPEN_STATUSES,
    STATUS_CHOICES,
    EntryKind,
    Status,
    status_after_entry,
    status_before,
    status_change_refused,
)


def test_open_statuses_are_every_status_not_done_in_workflow_order():
    assert OPEN_STATUSES == ("new", "open", "pending_customer", "pending_third_party", "on_hold")
    assert set(OPEN_STATUSES) | DONE_STATUSES == set(Status)
    assert all(type(s) is str for s in OPEN_STATUSES)  # plain values: SQL binds and JSON take them as they are
    assert INITIAL_STATUSES == ("new", "open")


@pytest.mark.parametrize(("status", "kind", "after"), [
    ("pending_customer", EntryKind.CUSTOMER_MESSAGE, Status.OPEN),  # a customer reply reopens
    ("resolved", EntryKind.CUSTOMER_MESSAGE, Status.OPEN),
    ("closed", EntryKind.CUSTOMER_MESSAGE, Status.OPEN),
    ("on_hold", EntryKind.CUSTOMER_MESSAGE, None),
    ("pending_third_party", EntryKind.CUSTOMER_MESSAGE, None),
    ("new", EntryKind.CUSTOMER_MESSAGE, None),
    ("new", EntryKind.PUBLIC_REPLY, Status.OPEN),  # the first response opens a new ticket
    ("new", EntryKind.PHONE_CALL, Status.OPEN),
    ("new", EntryKind.INTERNAL_NOTE, None),
    ("pending_customer", EntryKind.PUBLIC_REPLY, None),
    ("resolved", EntryKind.PHONE_CALL, None),
])
def test_the_status_after_a_new_entry(status, kind, after):
    assert status_after_entry(status, kind) == after
    assert status_after_entry(status, str(kind)) == after  # as the wire spells it


def test_a_ticket_never_goes_back_to_new():
    assert status_change_refused("new") == "A ticket cannot go back to 'new'; reopen it as 'open' instead."
    assert all(status_change_refused(s) is None for s in STATUS_CHOICES)
    assert Status.NEW not in STATUS_CHOICES and set(STATUS_CHOICES) == set(Status) - {Status.NEW}
    assert status_before("new") == "open" and status_before("pending_customer") == "pending_customer"


def test_a_clock_state_at_now_follows_its_times_unless_paused_or_stopped():
    due, warn = 1_000, 900
    assert [running_state(due, warn, now) for now in (899, 900, 999, 1_000)] == [
        ClockState.RUNNING, ClockState.WARNING, ClockState.WARNING, ClockState.BREACHED]
    assert running_state(due, None, 950) is ClockState.RUNNING  # no warning time
    assert state_at(ClockState.RUNNING, due, warn, 1_500) is ClockState.BREACHED
    assert state_at(ClockState.BREACHED, due, warn, 0) is ClockState.RUNNING  # the times decide, not the copy
    for frozen in (ClockState.PAUSED, ClockState.MET, ClockState.MISSED):
        assert state_at(frozen, due, warn, 5_000) is frozen
    assert state_at(None, due, warn, 5_000) is None
    t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # datetimes, as the store computes with
    assert running_state(t0, t0 - timedelta(hours=1), t0 - timedelta(minutes=1)) is ClockState.WARNING


def _snapshot(**sla) -> dict:
    return {
        "id": 7, "number": "DSK-000007", "subject": "Late", "status": "open", "priority": "normal",
        "category": "order_issues", "channel": "email", "tier": 2, "policy": "shopom", "queue_id": None,
        "assignee_id": 3, "customer_id": 9, "customer_name": None, "customer_tier": None, "order_id": "SO-7",
        "version": 4, "created_at": "2026-03-02T09:00:00+00:00", "updated_at": "2026-03-02T10:00:00+00:00",
        "sla": {"state": "warning", "due_at": "2026-03-02T11:00:00+00:00",
                "escalation_due": {"due_at": "2026-03-02T12:00:00+00:00"}, **sla},
    }


@pytest.mark.parametrize("field", ["next_clock", "next_due"])
def test_the_queue_row_of_a_snapshot(field):
    row = dict(zip(ROW_FIELDS, queue_values(_snapshot(**{field: "resolution"})), strict=True))
    t = datetime(2026, 3, 2, 9, tzinfo=UTC).timestamp()
    assert row == {
        "id": 7, "number": "DSK-000007", "subject": "Late", "status": "open", "priority": "normal",
        "category": "order_issues", "channel": "email", "tier": 2, "policy": "shopom", "queue_id": None,
        "assignee_id": 3, "customer_id": 9, "customer_name": "", "customer_tier": "standard", "order_id": "SO-7",
        "version": 4, "created_at": t, "updated_at": t + 3_600, "sla_state": "warning", "sla_due_at": t + 7_200,
        "sla_next_clock": "resolution", "escalation_due_at": t + 10_800,
    }
    assert next_clock_key(_snapshot(**{field: "resolution"})["sla"]) == "resolution"
    assert next_clock_key({}) is None
