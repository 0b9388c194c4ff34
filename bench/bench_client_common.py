"""Shared pieces of the client benchmarks: a real store process with many tickets, a client against it.

Not a test: run the bench_client_*.py scripts (`./desk bench bench_client_bootstrap`).
The store runs as `desk-server serve` in its own process on SQLite (loopback),
filled with bench_store_common.fill_tickets (real tickets made by the ticket
service, cloned in bulk); the client side is the real desk_app.services code.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import orjson
from sqlalchemy import select

from bench_store_common import ServerProcess, fill_tickets, fresh_database, login, machine, prepare
from desk_app.services.api_client import ApiClient, RetryPolicy, Timeouts
from desk_app.services.events import ServiceEvents
from desk_app.services.local_cache import LocalCache
from desk_app.services.sync_engine import SyncEngine

__all__ = ["Store", "client", "grow_change_log", "machine", "store"]


class Store:
    def __init__(self, url: str, server: ServerProcess, token: str, user_id: int) -> None:
        self.url, self.server, self.token, self.user_id = url, server, token, user_id

    @property
    def base(self) -> str:
        return self.server.base

    def api(self) -> ApiClient:
        return ApiClient(self.base, token=self.token, timeouts=Timeouts(connect=5, read=300),
                         retry=RetryPolicy(attempts=1))


@contextmanager
def store(tickets: int) -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database("sqlite", Path(tmp))
        print(f"preparing a store with {tickets:,} tickets", flush=True)
        db = prepare(url)
        fill_tickets(db, tickets)
        db.dispose()
        server = ServerProcess(url).wait_ready()
        try:
            token = login(server.base)
            me = ApiClient(server.base, token=token).me()
            yield Store(url, server, token, me["id"])
        finally:
            server.stop()


def client(store: Store, path: Path, **engine_options) -> tuple[SyncEngine, LocalCache]:
    cache = LocalCache(path, user_id=store.user_id, user_name="Bench")
    return SyncEngine(store.api(), cache, ServiceEvents(), **engine_options), cache


def grow_change_log(url: str, count: int) -> int:
    """Append `count` real-looking changes: each ticket's snapshot again with the next version.

    Written with the store's own `append_change` (so the log's format is always
    the store's), in one transaction. Every change carries a newer version than
    the client holds, so each one is really applied (none is skipped by the
    version rule). Returns the new head.
    """
    from desk_app.server.core.db import Database
    from desk_app.server.sync.service import append_change, head
    from desk_app.server.tickets.models import Ticket

    db = Database(url)
    now = datetime.now(timezone.utc)
    statuses = ("open", "pending_customer", "on_hold", "open")
    with db.write() as session:
        tickets = session.execute(
            select(Ticket.id, Ticket.snapshot, Ticket.queue_id, Ticket.tier, Ticket.assignee_id)
            .order_by(Ticket.id).limit(count)
        ).all()
        for i in range(count):
            tid, snap, queue_id, tier, assignee_id = tickets[i % len(tickets)]
            ticket = orjson.loads(snap)
            ticket["version"] += 1 + i // len(tickets)
            ticket["status"] = statuses[i % len(statuses)]
            append_change(
                session, now=now, kind="ticket.status_changed", ticket_id=tid, actor_id=None,
                fields=["sla", "status", "thread", "version"], payload=orjson.dumps({"ticket": ticket}),
                placement=(queue_id, tier, assignee_id), prev_placement=(queue_id, tier, assignee_id),
            )
        new_head = head(session)
    db.dispose()
    return new_head


def best_of(runs: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result
