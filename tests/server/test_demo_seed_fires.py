"""The demo's live tickets really fall due: warnings, a breach and Tier 1 budget prompts.

`desk-server init` and `seed-demo` run as the desktop demo runs them (the CLI's
`main`, in-process), with the real clock, on a temporary SQLite data
directory; `desk-server serve` then serves that database from a process of its own. Instead of waiting ten minutes, the app is built
in-process on the same database with a manual clock set ten minutes after the
real now and its scheduler pass is run once; the running server's change feed
must then carry the system events and escalation prompts to an agent.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import func, select

from desk_app.server.app import create_app
from desk_app.server.auth.models import User
from desk_app.server.cli import main
from desk_app.server.core.clock import ManualClock
from desk_app.server.core.db import Database
from desk_app.server.core.settings import DatabaseSettings, Settings, StorageSettings
from desk_app.server.demo.seed import LIVE_MINUTES
from desk_app.server.sync.models import Change
from desk_app.server.tickets.models import EscalationDueRecord, ThreadEntry, Ticket

#: What each live ticket (by order id) must show once its minute has come.
EXPECTED = {
    "LIVE-1000": "sla_warning",
    "LIVE-1001": "sla_breached",
    "LIVE-1002": "escalation_due",
    "LIVE-1003": "sla_warning",
    "LIVE-1004": "escalation_due",
}
EVENT_CODES = ("sla_warning", "sla_breached", "escalation_due", "escalated")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def live_tickets(db: Database) -> dict[str, Ticket]:
    with db.read() as s:
        rows = s.scalars(select(Ticket).where(Ticket.order_id.like("LIVE-%"))).all()
        for row in rows:
            s.expunge(row)
    return {t.order_id: t for t in rows}


def events(db: Database, ticket_ids) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {tid: [] for tid in ticket_ids}
    with db.read() as s:
        for tid, code in s.execute(
            select(ThreadEntry.ticket_id, ThreadEntry.event_code)
            .where(ThreadEntry.ticket_id.in_(list(ticket_ids)), ThreadEntry.event_code.in_(EVENT_CODES))
            .order_by(ThreadEntry.id)
        ):
            out[tid].append(code)
    return out


def dues(db: Database, ticket_ids) -> dict[int, list[EscalationDueRecord]]:
    out: dict[int, list[EscalationDueRecord]] = {tid: [] for tid in ticket_ids}
    with db.read() as s:
        for row in s.scalars(select(EscalationDueRecord).where(EscalationDueRecord.ticket_id.in_(list(ticket_ids)))):
            s.expunge(row)
            out[row.ticket_id].append(row)
    return out


def test_seeded_live_tickets_fire_within_ten_minutes(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'desk.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env.update({"DESK_DATA_DIR": str(data), "DESK_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"})
    monkeypatch.setenv("DESK_DATA_DIR", str(data))
    assert main(["init", "--db", url]) == 0
    seeded_from = datetime.now(timezone.utc)
    assert main(["seed-demo", "--db", url, "--per-policy", "2"]) == 0
    seeded_until = datetime.now(timezone.utc)
    report = capsys.readouterr().out
    assert "fall due live" in report

    db = Database(DatabaseSettings(url=url))
    try:
        live = live_tickets(db)
        assert set(live) == set(EXPECTED)
        ids = {t.id: key for key, t in live.items()}
        # Nothing they are seeded for has fired yet (the breach's earlier warning has: it is
        # past); each ticket's next moment is its minute after the seed's now.
        before = events(db, ids)
        for key, expected in EXPECTED.items():
            assert expected not in before[live[key].id], (key, before[live[key].id])
        assert all(records == [] for records in dues(db, ids).values())
        for key, minutes in zip(sorted(EXPECTED), LIVE_MINUTES):
            due = live[key].sla_next_change_at
            assert seeded_from + timedelta(minutes=minutes) - timedelta(seconds=1) <= due, key
            assert due <= seeded_until + timedelta(minutes=minutes, seconds=1), key
        with db.read() as s:
            agent_id = s.scalar(select(User.id).where(User.username == "agent"))
            head = s.scalar(select(func.max(Change.seq)))

        port = free_port()
        log = open(tmp_path / "serve.log", "wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "desk_app.server.cli", "serve", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)

            # Ten minutes later, without waiting for them: the scheduler's pass on the same database.
            later = ManualClock(datetime.now(timezone.utc) + timedelta(minutes=10))
            settings = Settings(database=DatabaseSettings(url=url), storage=StorageSettings(data_dir=data))
            app = create_app(settings, clock=later, listen=False, scheduler=False)
            try:
                report = app.state.scheduler.run_due()
            finally:
                app.state.db.dispose()
            assert not report.failed
            assert set(ids) <= set(report.processed)

            fired = events(db, ids)
            records = dues(db, ids)
            for key, expected in EXPECTED.items():
                tid = live[key].id
                if expected == "escalation_due":
                    [record] = records[tid]
                    assert record.source == "budget" and record.state == "open", key
                    assert (record.from_tier, record.to_tier, record.owner_id) == (1, 2, agent_id), key
                    assert "escalated" not in fired[tid]  # the grace period (1 h) has not run out
                else:
                    assert records[tid] == [], key
                assert fired[tid].count(expected) == 1, (key, fired[tid])

            # The running server's change feed carries it all to an agent.
            with httpx.Client(base_url=base + "/api/v1", timeout=10) as api:
                token = api.post("/auth/login", json={"username": "agent", "password": "demo"}).json()["token"]
                api.headers["Authorization"] = f"Bearer {token}"
                changes, since = [], head
                while True:
                    page = api.get("/sync/changes", params={"since": since}).json()
                    changes += page["changes"]
                    since = page["cursor"]
                    if not page["has_more"]:
                        break
            seen: dict[str, set[str]] = {key: set() for key in EXPECTED}
            for change in changes:
                key = ids.get(change["ticket_id"])
                if key is None:
                    continue
                entry = change["data"].get("entry") or {}
                if entry.get("event_code"):
                    seen[key].add(entry["event_code"])
                due = change["data"]["ticket"].get("escalation_due")
                if due is not None:
                    assert due["owner_id"] == agent_id and due["source"] == "budget"
                    seen[key].add("prompt")
            for key, expected in EXPECTED.items():
                assert expected in seen[key], (key, seen[key])
                assert ("prompt" in seen[key]) == (expected == "escalation_due"), (key, seen[key])
        finally:
            server.terminate()
            server.wait(15)
            log.close()
    finally:
        db.dispose()
