"""The scheduler loop wakes early for other instances' commits (PostgreSQL LISTEN), and never drops one.

Instance A is the test app (its own scheduler off); instance B is a real
`Scheduler` loop on its own connection pool with its own manual clock set days
ahead, sleeping up to `max_sleep` = 10 minutes. Only B's LISTEN thread can
wake it: a ticket A creates is then processed by B at once. Waits are
generous polls, never timing assertions.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from desk_app.server.core.clock import ManualClock
from desk_app.server.core.db import Database
from desk_app.server.scheduler.runner import Scheduler
from desk_app.server.tickets.models import ThreadEntry
from conftest import START

#: B's loop sleeps this long when nothing wakes it: far longer than any wait below.
LONG_SLEEP = 600.0
SLA_CODES = ("sla_warning", "sla_breached")


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def settled(scheduler: Scheduler, quiet: float = 0.5) -> bool:
    """The loop is asleep: no pass for `quiet` seconds (any wake-up from starting has been served)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        passes = scheduler.passes
        time.sleep(quiet)
        if scheduler.passes == passes and not scheduler._wake.is_set():
            return True
    return False


def sla_entries(db, ticket_id: int) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(ThreadEntry.event_code).where(
                    ThreadEntry.ticket_id == ticket_id, ThreadEntry.event_code.in_(SLA_CODES)
                )
            )
        )


@pytest.fixture
def instance_b(db, policies, settings):
    """A second instance's scheduler loop, days ahead of A's clock, listening on PostgreSQL."""
    other = Database(db.url)
    scheduler = Scheduler(other, policies, settings, ManualClock(START + timedelta(days=3)), max_sleep=LONG_SLEEP)
    scheduler.start(listen=True)
    try:
        assert wait_for(lambda: scheduler._listener is not None and scheduler._listener.connected.is_set())
        assert wait_for(lambda: scheduler.passes >= 1) and settled(scheduler)
        yield scheduler
    finally:
        scheduler.stop()
        other.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_other_instance_commit_wakes_the_sleeping_loop(store, db, instance_b):
    passes, wakes = instance_b.passes, instance_b.remote_wakes
    # A's ticket is due long before B's now; B is asleep for ten minutes unless LISTEN wakes it.
    ticket = store.agent.create_ticket()
    assert wait_for(lambda: "sla_breached" in sla_entries(db, ticket["id"])), "B slept through A's commit"
    assert instance_b.remote_wakes > wakes
    assert wait_for(lambda: instance_b.passes > passes)  # (the counter moves once the pass is over)


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_a_burst_of_commits_is_not_slept_through(store, db, instance_b):
    """Commits inside the one-second throttle are deferred to its end, not dropped."""
    first = store.agent.create_ticket()
    second = store.agent.create_ticket(subject="Another late parcel")
    third = store.agent.create_ticket(subject="A third late parcel")
    for ticket in (first, second, third):
        assert wait_for(lambda: "sla_breached" in sla_entries(db, ticket["id"])), ticket["id"]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_throttled_notification_is_deferred_not_dropped(db, policies, settings):
    """The hook itself: two notifications back to back give two passes, the second within a second or so."""
    scheduler = Scheduler(db, policies, settings, ManualClock(START), max_sleep=LONG_SLEEP)
    scheduler.start(listen=False)
    try:
        assert wait_for(lambda: scheduler.passes >= 1) and settled(scheduler)
        passes = scheduler.passes
        scheduler.remote_change("41")
        scheduler.remote_change("42")  # inside the throttle: must still cause a pass after the first
        assert wait_for(lambda: scheduler.passes >= passes + 2)
        assert scheduler.remote_wakes == 2
        assert settled(scheduler)
        assert scheduler.passes == passes + 2  # and no more than that: the burst was coalesced
    finally:
        scheduler.stop()
