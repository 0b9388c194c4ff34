"""The scheduler: warnings and breaches as system events, exactly once; the loop wakes when due."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import orjson
from sqlalchemy import select

from desk_app.server.scheduler.runner import Scheduler
from desk_app.server.sync.models import Change
from desk_app.server.tickets.models import ThreadEntry, Ticket


def _entries(db, tid, *codes):
    with db.read() as s:
        return s.scalars(
            select(ThreadEntry).where(ThreadEntry.ticket_id == tid, ThreadEntry.event_code.in_(codes))
            .order_by(ThreadEntry.id)
        ).all()


def _next_change(db, tid):
    with db.read() as s:
        return s.get(Ticket, tid).sla_next_change_at


def test_warning_then_breach_are_system_events_once_each(store, app, db, clock):
    t = store.agent.create_ticket()
    sched = app.state.scheduler
    assert sched.run_due(clock.now()).processed == []
    clock.set(_next_change(db, t["id"]))  # first response turns to warning
    report = sched.run_due(clock.now())
    assert report.processed == [t["id"]] and any("first_response" in k for k in report.actions[t["id"]])
    warn = _entries(db, t["id"], "sla_warning")
    assert len(warn) == 1 and "First response warning" in warn[0].body
    with db.read() as s:
        last = s.scalars(select(Change).order_by(Change.seq.desc()).limit(1)).one()
    data = orjson.loads(last.payload)["data"]
    assert last.actor_id is None and data["entry"]["event_code"] == "sla_warning"
    assert data["ticket"]["version"] == t["version"]  # scheduler-only: no version bump
    assert sched.run_due(clock.now()).processed == []  # replay at the same instant: nothing
    first = next(c for c in data["ticket"]["sla"]["clocks"] if c["key"] == "first_response")
    clock.set(datetime.fromisoformat(first["due_at"].replace("Z", "+00:00")))
    sched.run_due(clock.now())
    breach = _entries(db, t["id"], "sla_breached")
    assert len(breach) == 1 and "First response breached" in breach[0].body
    store._as.clear()
    assert store.agent.get(f"/tickets/{t['id']}").json()["version"] == t["version"]


def test_transition_seen_first_by_an_agents_change_still_gets_its_event(store, app, db, clock):
    t = store.agent.create_ticket()
    clock.set(_next_change(db, t["id"]) + timedelta(seconds=1))
    store._as.clear()
    # An internal note recomputes the clocks first (now in warning).
    r = store.agent.post(f"/tickets/{t['id']}/entries", {"kind": "internal_note", "body": "looking"})
    assert r.status_code == 201
    assert _next_change(db, t["id"]) == clock.now()  # marked due at once for the scheduler
    app.state.scheduler.run_due(clock.now())
    assert len(_entries(db, t["id"], "sla_warning")) == 1


def test_a_broken_ticket_is_postponed_not_retried_in_a_loop(store, app, db, clock):
    t = store.agent.create_ticket()
    with db.write() as s:
        s.get(Ticket, t["id"]).policy_key = "gone"  # a policy the store no longer serves
        s.get(Ticket, t["id"]).sla_next_change_at = clock.now()
    report = app.state.scheduler.run_due(clock.now())
    assert report.failed == [t["id"]] and _next_change(db, t["id"]) > clock.now()


def _wait(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_loop_sleeps_until_due_and_wakes_early_on_a_change(store, app, db, clock, policies):
    sched = Scheduler(db, policies, app.state.settings, clock, max_sleep=600)
    hooks = app.state.scheduler_hooks
    hooks.subscribe(sched.ticket_changed)
    sched.start(listen=False)
    try:
        assert _wait(lambda: sched.passes >= 1)
        t = store.agent.create_ticket()  # the commit hook wakes the sleeping loop
        assert _wait(lambda: sched.passes >= 2)
        clock.set(_next_change(db, t["id"]))
        # Time moved under it (a manual clock): a wake-up makes it act without any sleep.
        sched.wake()
        assert _wait(lambda: len(_entries(db, t["id"], "sla_warning")) == 1)
    finally:
        sched.stop()
        hooks.unsubscribe(sched.ticket_changed)
