"""Change propagation: a write by one client -> another client's SSE stream; and feed throughput.

    ./desk bench bench_store_propagation [--backend sqlite|postgres|both] [--writes N]

Scenarios (real `desk-server serve` processes on loopback):
  * SQLite, one instance;
  * PostgreSQL, one instance;
  * PostgreSQL, two instances: the writer talks to A, the listener to B
    (B learns of the change through LISTEN/NOTIFY).
Latency = from just before the writer sends its POST to the moment the other
client has parsed the SSE event carrying that change (so it includes the
write itself; the write's own round trip is reported beside it, and the time
from the writer receiving its answer to the other client receiving the event:
negative when the event arrived first). Baseline in
the same run: a client polling GET /sync/changes every 500 ms.
Writes are internal notes spread round-robin over 40 tickets.
Throughput: four writers post as fast as they can for a few seconds while an
SSE client follows; committed changes/s, delivered events/s (checked gap-free
and in order). Catch-up: the log is grown to 10,000 changes (copies of real
ones) and read by cursor with GET /sync/changes, as a client back from
offline does.
"""

from __future__ import annotations

import argparse
import http.client
import queue
import random
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import orjson

from bench_store_common import ServerProcess, fresh_database, login, machine, percentiles, postgres_base_url, prepare

#: Tickets the writes are spread over.
TICKETS = 40

TICKET = {
    "policy": "shopom", "subject": "Propagation probe", "category": "order_issues", "priority": "normal",
    "channel": "email", "customer": {"name": "Probe", "email": "probe@example.com"},
}


class Writer:
    def __init__(self, base: str, token: str) -> None:
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict) -> dict:
        self.conn.request("POST", "/api/v1" + path, body=orjson.dumps(body), headers=self.headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status not in (200, 201):
            raise RuntimeError(f"{path}: {response.status} {data[:300]!r}")
        return orjson.loads(data)

    def get(self, path: str) -> dict:
        self.conn.request("GET", "/api/v1" + path, headers=self.headers)
        response = self.conn.getresponse()
        return orjson.loads(response.read())


class Listener:
    """An SSE client on a thread; puts (seq, received_at) for every change event."""

    def __init__(self, base: str, token: str) -> None:
        self.events: queue.Queue = queue.Queue()
        self.seqs: list[int] = []  # every change received, in order
        self.client = httpx.Client(timeout=httpx.Timeout(60.0, connect=5.0))
        self.ready = threading.Event()
        self._cm = self.client.stream("GET", base + "/events", headers={"Authorization": f"Bearer {token}"})
        self.response = self._cm.__enter__()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        seq = None
        try:
            for line in self.response.iter_lines():
                self.ready.set()
                if line.startswith("id: "):
                    seq = int(line[4:])
                elif line.startswith("data: ") and seq is not None:
                    orjson.loads(line[6:])
                    self.seqs.append(seq)
                    self.events.put((seq, time.perf_counter()))
                    seq = None
        except Exception:  # noqa: BLE001 - closed at the end
            pass

    def wait_for(self, seq: int, timeout: float = 10.0) -> float:
        deadline = time.monotonic() + timeout
        while True:
            got, at = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if got >= seq:
                return at

    def close(self):
        try:
            self._cm.__exit__(None, None, None)
        finally:
            self.client.close()


def measure_latency(write_base: str, read_base: str, writes: int) -> tuple[dict, dict]:
    token_w, token_r = login(write_base, "writer"), login(read_base, "reader")
    writer = Writer(write_base, token_w)
    # Writes go round-robin over a desk's worth of tickets, so histories stay
    # as short as real ones (each write replays its ticket's history).
    tickets = [writer.post("/tickets", TICKET)["id"] for _ in range(TICKETS)]
    listener = Listener(read_base, token_r)
    time.sleep(0.5)
    latencies, round_trips, after_ack = [], [], []
    head = writer.get("/sync/changes?since=0&limit=1")  # warm the path
    del head
    seq = writer.get(f"/sync/changes?since=0&limit=10000")["cursor"]
    for i in range(writes):
        time.sleep(random.uniform(0.005, 0.02))
        t0 = time.perf_counter()
        writer.post(f"/tickets/{tickets[i % TICKETS]}/entries", {"kind": "internal_note", "body": f"probe {i}"})
        t1 = time.perf_counter()
        seq += 1
        received = listener.wait_for(seq)
        latencies.append((received - t0) * 1000)
        round_trips.append((t1 - t0) * 1000)
        after_ack.append((received - t1) * 1000)
    listener.close()
    return percentiles(latencies), percentiles(round_trips), percentiles(after_ack)


def measure_polling(write_base: str, read_base: str, writes: int, interval: float = 0.5) -> dict:
    token_w, token_r = login(write_base, "writer"), login(read_base, "reader")
    writer, reader = Writer(write_base, token_w), Writer(read_base, token_r)
    ticket = writer.post("/tickets", TICKET)
    cursor = reader.get("/sync/changes?since=0&limit=10000")["cursor"]
    sent: dict[int, float] = {}
    latencies: list[float] = []
    stop = threading.Event()

    def poll():
        nonlocal cursor
        while not stop.is_set():
            page = reader.get(f"/sync/changes?since={cursor}&limit=1000")
            now = time.perf_counter()
            for change in page["changes"]:
                if change["seq"] in sent:
                    latencies.append((now - sent[change["seq"]]) * 1000)
            cursor = page["cursor"]
            stop.wait(interval)

    poller = threading.Thread(target=poll)
    poller.start()
    seq = cursor
    for i in range(writes):
        time.sleep(random.uniform(0.05, 0.3))
        t0 = time.perf_counter()
        writer.post(f"/tickets/{ticket['id']}/entries", {"kind": "internal_note", "body": f"poll {i}"})
        seq += 1
        sent[seq] = t0
    time.sleep(interval * 2.5)
    stop.set()
    poller.join()
    return percentiles(latencies)


def measure_throughput(
    write_bases: list[str], read_base: str, servers, seconds: float = 6.0, writers: int = 4
) -> dict:
    tokens = [login(write_bases[i % len(write_bases)], "writer") for i in range(writers)]
    listener = Listener(read_base, login(read_base, "reader"))
    setup = Writer(write_bases[0], tokens[0])
    start_seq = setup.get("/sync/changes?since=0&limit=10000")["cursor"]
    tickets = [setup.post("/tickets", TICKET)["id"] for _ in range(TICKETS)]
    start_seq += TICKETS
    counts = [0] * writers
    stop = threading.Event()

    def write(i):
        w = Writer(write_bases[i % len(write_bases)], tokens[i])
        n = 0
        while not stop.is_set():
            ticket = tickets[(i + n * writers) % TICKETS]
            w.post(f"/tickets/{ticket}/entries", {"kind": "internal_note", "body": f"load {n}"})
            n += 1
        counts[i] = n

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    time.sleep(0.3)
    cpu0 = sum(s.cpu_seconds() for s in servers)
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    t_write = time.perf_counter() - t0
    total = sum(counts)
    last = listener.wait_for(start_seq + total, timeout=60)
    cpu_ms = (sum(s.cpu_seconds() for s in servers) - cpu0) * 1000 / total
    t_deliver = last - t0
    # Gap-free check: every sequence number arrived once, in order.
    seen = [seq for seq in listener.seqs if seq > start_seq]
    listener.close()
    assert seen == list(range(start_seq + 1, start_seq + total + 1)), "the SSE client missed or repeated changes"
    return {
        "written": total,
        "writes_per_s": total / t_write,
        "delivered_per_s": total / t_deliver,
        "lag_ms": (t_deliver - t_write) * 1000,
        "cpu_ms": cpu_ms,
    }


def extend_log(url: str, target: int) -> int:
    """Grow the change log to `target` entries by copying real ones (gap-free, numbered on)."""
    from sqlalchemy import func, insert, select, update

    from desk_app.server.core.db import Database
    from desk_app.server.sync.models import Change, Counter

    db = Database(url)
    with db.write() as session:
        rows = session.execute(select(Change).order_by(Change.seq)).scalars().all()
        head = session.scalar(select(func.max(Change.seq)))
        columns = [c.name for c in Change.__table__.columns if c.name != "seq"]
        copies, seq = [], head
        while seq < target:
            source = rows[(seq - head) % len(rows)]
            seq += 1
            copies.append({"seq": seq, **{c: getattr(source, c) for c in columns}})
        if copies:
            session.execute(insert(Change), copies)
            session.execute(update(Counter).where(Counter.name == "change_seq").values(value=seq))
    db.dispose()
    return seq


def measure_catchup(read_base: str, total: int, page: int) -> tuple[int, float]:
    reader = Writer(read_base, login(read_base, "reader"))
    started = time.perf_counter()
    cursor, read = 0, 0
    while True:
        data = reader.get(f"/sync/changes?since={cursor}&limit={page}")
        read += len(data["changes"])
        cursor = data["cursor"]
        if not data["has_more"] and cursor >= total:
            break
    return read, time.perf_counter() - started


def run(backend: str, instances: int, writes: int, baseline: bool) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database(backend, Path(tmp))
        prepare(url, users=("writer", "reader")).dispose()
        servers = [ServerProcess(url) for _ in range(instances)]
        try:
            for s in servers:
                s.wait_ready()
            write_base, read_base = servers[0].base, servers[-1].base
            label = f"{backend}, {instances} instance{'s' if instances > 1 else ''}"
            lat, rtt, ack = measure_latency(write_base, read_base, writes)
            rows = [
                f"| {label} | write sent -> other client has the event | {lat['n']} | {lat['p50']:.1f} "
                f"| {lat['p95']:.1f} | {lat['p99']:.1f} | {lat['max']:.1f} |",
                f"| {label} | (of which: the write's own round trip) | {rtt['n']} | {rtt['p50']:.1f} "
                f"| {rtt['p95']:.1f} | {rtt['p99']:.1f} | {rtt['max']:.1f} |",
                f"| {label} | writer has its answer -> other client has the event | {ack['n']} | {ack['p50']:.1f} "
                f"| {ack['p95']:.1f} | {ack['p99']:.1f} | {ack['max']:.1f} |",
            ]
            if baseline:
                poll = measure_polling(write_base, read_base, max(40, writes // 6))
                rows.append(
                    f"| {label} | baseline: polling /sync/changes every 500 ms | {poll['n']} | {poll['p50']:.1f} "
                    f"| {poll['p95']:.1f} | {poll['p99']:.1f} | {poll['max']:.1f} |"
                )
            tp = measure_throughput([write_base], read_base, servers)
            total = extend_log(url, 10_000)
            catchup = []
            for page in (1_000, 10_000):
                read, took = measure_catchup(read_base, total, page)
                catchup.append(f"{read:,} in {took * 1000:.0f} ms ({read / took:,.0f}/s, pages of {page:,})")
            tput = (
                f"| {label} | {tp['written']:,} | {tp['writes_per_s']:,.0f} | {tp['delivered_per_s']:,.0f} "
                f"| {tp['lag_ms']:.0f} | {tp['cpu_ms']:.1f} | {'; '.join(catchup)} |"
            )
            return rows + ["@@" + tput]
        finally:
            for s in servers:
                s.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    scenarios = []
    if args.backend in ("sqlite", "both"):
        scenarios.append(("sqlite", 1, True))
    if args.backend in ("postgres", "both"):
        if postgres_base_url():
            scenarios += [("postgres", 1, False), ("postgres", 2, True)]
        else:
            print("no PostgreSQL URL: SQLite only")
    latency, throughput = [], []
    for backend, instances, baseline in scenarios:
        print(f"running {backend} with {instances} instance(s)...", flush=True)
        for row in run(backend, instances, args.writes, baseline):
            (throughput if row.startswith("@@") else latency).append(row.lstrip("@"))
    print(f"\nChange propagation over loopback, milliseconds ({machine()}):\n")
    print("| setup | what | n | p50 | p95 | p99 | max |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(latency))
    print("\nFeed throughput (4 writers as fast as they can; one SSE client following):\n")
    print("| setup | changes written | writes/s | delivered to SSE/s (gap-free) | delivery lag at end (ms) "
          "| server CPU per write (ms) | catch-up: whole log by cursor |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(throughput))


if __name__ == "__main__":
    main()
