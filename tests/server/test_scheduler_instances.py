"""Exactly once across instances and restarts: two schedulers on one PostgreSQL, and a killed server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from desk_app.server.auth.models import Role
from desk_app.server.auth.service import Principal
from desk_app.server.core.db import Database
from desk_app.server.scheduler.runner import Scheduler
from desk_app.server.tickets import service, write
from desk_app.server.tickets.models import ThreadEntry, Ticket
from desk_app.server.tickets.schemas import EntryIn, TicketCreateIn
from store_helpers import seed_staff_and_queues

CODES = ("escalated", "escalation_due", "sla_breached", "sla_warning")


def _overdue_tickets(db, policies, settings, n, created):
    """Shopom tickets created long ago: breaches, a spent tier budget and its grace are all due."""
    ids = seed_staff_and_queues(db, created - timedelta(days=1))
    agent = Principal(ids["agent"], "agent", "Agent", Role.AGENT)
    out = []
    for i in range(n):
        with db.write() as session:
            ctx = write.Ctx(session, created, agent, policies, settings, "test")
            body = TicketCreateIn(
                policy="shopom", subject=f"Late parcel {i}", category="order_issues", priority="normal",
                channel="email", customer={"name": f"C{i}", "email": f"c{i}@example.com"},
                message=EntryIn(kind="customer_message", body="Where is it?"),
            )
            out.append(service.create_ticket(ctx, body).id)
    return out


def _counts(db):
    with db.read() as s:
        rows = s.execute(
            select(ThreadEntry.ticket_id, ThreadEntry.event_code, ThreadEntry.body)
            .where(ThreadEntry.event_code.in_(CODES))
        ).all()
    return Counter((tid, code) for tid, code, _ in rows), Counter(rows)


def _assert_each_once(db, ids):
    per_code, per_entry = _counts(db)
    assert max(per_entry.values()) == 1, [k for k, v in per_entry.items() if v > 1][:5]
    for tid in ids:
        assert per_code[(tid, "escalated")] == 1 and per_code[(tid, "escalation_due")] == 1
    with db.read() as s:
        assert set(s.scalars(select(Ticket.tier).where(Ticket.id.in_(ids)))) == {2}


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_two_instances_share_due_work_and_each_action_happens_once(db, policies, settings):
    now = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)
    ids = _overdue_tickets(db, policies, settings, 40, now - timedelta(days=5))
    other = Database(db.url)
    try:
        schedulers = [Scheduler(db, policies, settings, batch=7), Scheduler(other, policies, settings, batch=7)]
        reports, start = [None, None], threading.Barrier(2)

        def run(i):
            start.wait()
            reports[i] = schedulers[i].run_due(now)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        other.dispose()
    a, b = (set(r.processed) for r in reports)
    assert not (a & b) and a | b == set(ids)
    assert not reports[0].failed and not reports[1].failed
    _assert_each_once(db, ids)
    assert Scheduler(db, policies, settings).run_due(now).processed == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url, log_path):
    env = {**os.environ, "DESK_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "desk_app.server.cli", "serve", "--port", str(_free_port()), "--log-level", "warning"],
        env=env, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT,
    )


def _escalated(db):
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(ThreadEntry).where(ThreadEntry.event_code == "escalated"))


def test_killed_server_restarts_and_fires_everything_once(db, policies, settings, tmp_path):
    real_now = datetime.now(timezone.utc)
    ids = _overdue_tickets(db, policies, settings, 60, real_now - timedelta(days=5))
    proc = _serve(db.url, tmp_path / "first.log")
    try:
        deadline = time.monotonic() + 60
        while _escalated(db) < 3:
            assert proc.poll() is None and time.monotonic() < deadline, open(tmp_path / "first.log").read()
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)  # mid-work: no shutdown, no cleanup
        proc.wait(10)
        done_at_kill = _escalated(db)
        proc = _serve(db.url, tmp_path / "second.log")
        deadline = time.monotonic() + 120
        while _escalated(db) < len(ids):
            assert proc.poll() is None and time.monotonic() < deadline, open(tmp_path / "second.log").read()
            time.sleep(0.1)
    finally:
        proc.kill()
        proc.wait(10)
    assert done_at_kill >= 3
    _assert_each_once(db, ids)
