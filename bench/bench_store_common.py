"""Shared pieces of the store benchmarks: a fresh database, a real server process, fast ticket fill.

Not a test: run the bench_store_*.py scripts (`./desk bench bench_store_bootstrap`).
PostgreSQL runs use DESK_BENCH_POSTGRES_URL, else DESK_TEST_POSTGRES_URL, to
reach a server on which the role may create databases; a database named
`desk_bench` is dropped and created afresh.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import orjson
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from desk_app.server.sync.queue_row import queue_row
from desk_app.server.auth.models import Role
from desk_app.server.auth.service import Principal, create_user
from desk_app.server.core.db import Database
from desk_app.server.core.migrate import upgrade_to_head
from desk_app.server.core.settings import DatabaseSettings, Settings, StorageSettings
from desk_app.server.directory.models import Queue
from desk_app.server.policies.registry import PolicyRegistry
from desk_app.server.tickets import service, write
from desk_app.server.tickets.models import Ticket, TicketClock
from desk_app.server.tickets.schemas import EntryIn, TicketCreateIn

PASSWORD = "bench-password"
ROOT = Path(__file__).resolve().parent.parent


def postgres_base_url() -> str | None:
    return os.environ.get("DESK_BENCH_POSTGRES_URL") or os.environ.get("DESK_TEST_POSTGRES_URL")


def fresh_database(backend: str, workdir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    base = postgres_base_url()
    if not base:
        raise SystemExit("PostgreSQL benchmarks need DESK_BENCH_POSTGRES_URL or DESK_TEST_POSTGRES_URL")
    url = Database(base).url
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "desk_bench" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "desk_bench"'))
    admin.dispose()
    return make_url(url).set(database="desk_bench").render_as_string(hide_password=False)


def prepare(url: str, users: tuple[str, ...] = ("bench",)) -> Database:
    db = Database(DatabaseSettings(url=url, pool_size=4, max_overflow=4))
    upgrade_to_head(db)
    now = datetime.now(timezone.utc)
    with db.write() as session:
        for name in users:
            create_user(session, username=name, password=PASSWORD, role=Role.MANAGER, now=now)
        session.add(Queue(key="general", name="General", tier=1, private=False, policy_key=None, description=""))
    return db


def fill_tickets(db: Database, count: int, *, templates_per_policy: int = 8) -> None:
    """`count` realistic tickets: real ones made through the ticket service, then cloned in bulk.

    The templates carry true SLA clocks from the core; clones differ in id,
    number and customer. (Going through the service for all 100,000 would
    take many minutes and measure ticket creation, not bootstrap.)
    """
    policies = PolicyRegistry.load()
    settings = Settings(database=DatabaseSettings(url=db.url), storage=StorageSettings(data_dir=Path(tempfile.gettempdir())))
    now = datetime.now(timezone.utc)
    with db.read() as session:
        user_id = session.scalar(text("SELECT id FROM users ORDER BY id LIMIT 1"))
    principal = Principal(user_id, "bench", "Bench", Role.MANAGER)
    for key in sorted(policies):
        policy = policies[key]
        categories, priorities, channels = list(policy.categories), [p.key for p in policy.priorities], list(policy.channels)
        for i in range(templates_per_policy):
            with db.write() as session:
                ctx = write.Ctx(session, now - timedelta(hours=i * 7), principal, policies, settings)
                ticket = service.create_ticket(ctx, TicketCreateIn(
                    policy=key, subject=f"Template {key} {i}: parcel delayed, customer asks for refund",
                    category=categories[i % len(categories)], priority=priorities[i % len(priorities)],
                    channel=channels[i % len(channels)], customer={"name": f"Customer {i}", "email": f"c{i}@example.com"},
                    order_id=f"ORD-{i:06d}", message=EntryIn(kind="customer_message", body="Where is my order?"),
                ))
                if i % 2:
                    ctx.now = now - timedelta(hours=i * 7) + timedelta(minutes=30)
                    service.add_entry(ctx, ticket.id, None, EntryIn(kind="public_reply", body="Looking into it."))
    with db.read() as session:
        templates = session.scalars(select(Ticket)).all()
        template_clocks = {
            t.id: [
                {c.name: getattr(row, c.name) for c in TicketClock.__table__.columns}
                for row in session.scalars(select(TicketClock).where(TicketClock.ticket_id == t.id))
            ]
            for t in templates
        }
        columns = [c.name for c in Ticket.__table__.columns if c.name != "id"]
        template_rows = [{c: getattr(t, c if c != "policy_key" else "policy_key") for c in columns} for t in templates]
        template_ids = [t.id for t in templates]
    next_id = max(template_ids) + 1
    remaining = count - len(templates)
    batch = 5000
    started = time.perf_counter()
    while remaining > 0:
        n = min(batch, remaining)
        rows, clocks = [], []
        for k in range(n):
            src_index = (next_id + k) % len(template_rows)
            row = dict(template_rows[src_index])
            tid = next_id + k
            row["id"] = tid
            row["number"] = f"DSK-{tid:07d}"
            snap = orjson.loads(row["snapshot"])
            snap["id"], snap["number"] = tid, row["number"]
            row["snapshot"] = orjson.dumps(snap).decode()
            row["queue_row"] = queue_row(snap)
            rows.append(row)
            for clock in template_clocks[template_ids[src_index]]:
                clocks.append({**clock, "ticket_id": tid})
        with db.write() as session:
            session.execute(insert(Ticket), rows)
            session.execute(insert(TicketClock), clocks)
        next_id += n
        remaining -= n
    if db.is_postgres:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    print(f"  filled {count:,} tickets in {time.perf_counter() - started:.1f} s", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`desk-server serve` in its own process, as in production."""

    def __init__(self, url: str, *, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="desk-bench-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            # No scheduler and no report rollups: the cloned tickets' clocks are synthetic,
            # and passes over them would compete with what is measured.
            [sys.executable, "-m", "desk_app.server.cli", "serve", "--port", str(self.port), "--log-level", "warning",
             "--no-scheduler", "--no-rollups"],
            env={**os.environ, "DESK_DATABASE_URL": url, **(env or {})},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )

    def wait_ready(self) -> ServerProcess:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(Path(self.log.name).read_text())
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start: " + Path(self.log.name).read_text())

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def login(base: str, username: str = "bench") -> str:
    r = httpx.post(base + "/api/v1/auth/login", json={"username": username, "password": PASSWORD}, timeout=30)
    r.raise_for_status()
    return r.json()["token"]


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": pick(95),
        "p99": pick(99),
        "max": ordered[-1],
    }


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {load}"
