"""Outbox drain: 1,000 changes made offline, then sent in order, each exactly once.

    ./desk bench bench_client_outbox [--ops N]

The store's real tickets (the ones made through the ticket service by the
fill) get `--ops` changes through TicketActions while the outbox worker is
stopped: 70% internal notes, 30% status changes (open <-> on_hold, each sent
with If-Match, chained on the previous one). Measured in the same run:
  * recording them (optimistic: the cache shows each change at once);
  * OutboxWorker.drain(): send in order, confirm each in the cache;
  * baseline: the same kind and number of requests sent straight with
    ApiClient.mutate (no outbox, no cache), on the same tickets: what the
    outbox costs on top of the server's own work.
Checked: the store's change log holds exactly `--ops` new changes by the
client's user (the store's scheduler adds SLA changes of its own meanwhile),
and nothing was refused.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from bench_client_common import client, machine, store
from desk_app.services.actions import TicketActions
from desk_app.services.outbox import OutboxWorker


def plan(ticket_ids: list[int], ops: int) -> list[tuple[int, str]]:
    out, status = [], {}
    for i in range(ops):
        tid = ticket_ids[i % len(ticket_ids)]
        if i % 10 < 7:
            out.append((tid, "note"))
        else:
            status[tid] = "on_hold" if status.get(tid, "open") == "open" else "open"
            out.append((tid, status[tid]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=1_000)
    args = parser.parse_args()
    lines = []
    with store(2_000) as s, tempfile.TemporaryDirectory() as tmp:
        engine, cache = client(s, Path(tmp) / "cache.sqlite3")
        engine.bootstrap()
        # The fill's templates are real tickets (made by the ticket service, with their history).
        real = [row.id for row in cache.rows() if row.id <= 40]
        work = plan(real, args.ops)
        actions = TicketActions(cache, engine.events)
        for tid in real:  # a known starting status for the toggles
            if cache.ticket(tid)["status"] != "open":
                actions.set_status(tid, "open")
        OutboxWorker(engine.api, cache, engine.events).drain()
        head = _head(engine.api)

        started = time.perf_counter()
        for tid, what in work:
            if what == "note":
                actions.add_note(tid, f"Checked with the warehouse ({uuid.uuid4().hex[:6]}).")
            else:
                actions.set_status(tid, what)
        recorded = time.perf_counter() - started
        assert cache.outbox.size() == args.ops
        lines.append(f"| record {args.ops:,} changes offline (optimistic, in the cache) | {recorded:.2f} s "
                     f"| {args.ops / recorded:,.0f} changes/s |")

        rejected = []
        engine.events.rejection.connect(rejected.append)
        worker = OutboxWorker(engine.api, cache, engine.events)
        started = time.perf_counter()
        sent = worker.drain()
        drained = time.perf_counter() - started
        assert sent == args.ops and not rejected and cache.outbox.size() == 0, (sent, rejected[:3])
        grown = _count_changes(engine.api, head, s.user_id)
        assert grown == args.ops, grown
        lines.append(f"| outbox drain: send in order + confirm in the cache | {drained:.2f} s "
                     f"| {args.ops / drained:,.0f} changes/s |")

        api = engine.api
        versions = {tid: api.ticket(tid)["version"] for tid in real}
        started = time.perf_counter()
        for tid, what in plan(real, args.ops):
            if what == "note":
                api.mutate("POST", f"/tickets/{tid}/entries",
                           {"kind": "internal_note", "body": "Checked with the warehouse."},
                           idempotency_key=str(uuid.uuid4()))
                versions[tid] += 1
            else:
                done = api.mutate("POST", f"/tickets/{tid}/status", {"status": what},
                                  idempotency_key=str(uuid.uuid4()), if_match=versions[tid])
                versions[tid] = done["version"]
        direct = time.perf_counter() - started
        lines.append(f"| baseline: the same requests straight to the API (no outbox, no cache) | {direct:.2f} s "
                     f"| {args.ops / direct:,.0f} changes/s |")
        lines.append(f"| outbox overhead over the bare requests | {drained - direct:+.2f} s "
                     f"| {100 * (drained - direct) / direct:+.0f}% |")
        cache.close()
    print(f"\nOutbox drain over loopback, store on SQLite in its own process ({machine()}):\n")
    print(f"| what ({args.ops:,} changes) | time | rate |")
    print("|---|---|---|")
    print("\n".join(lines))


def _head(api) -> int:
    since = 0
    while True:
        page = api.changes(since, 10_000)
        since = page["cursor"]
        if not page["has_more"]:
            return since


def _count_changes(api, since: int, actor_id: int) -> int:
    """Changes made by `actor_id` after `since` (the store's scheduler adds its own SLA changes)."""
    count = 0
    while True:
        page = api.changes(since, 10_000)
        count += sum(1 for c in page["changes"] if c["actor_id"] == actor_id)
        since = page["cursor"]
        if not page["has_more"]:
            return count


if __name__ == "__main__":
    main()
