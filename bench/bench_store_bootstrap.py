"""Bootstrap of 100,000 tickets over loopback, against the ordinary paginated list as baseline.

    ./desk bench bench_store_bootstrap [--tickets N] [--backend sqlite|postgres|both]

A real `desk-server serve` process; the client fetches every page over one
keep-alive connection (http.client, which is what `requests` rides on) and
parses it with orjson. "pipelined" fetches the next page on a second thread
while the current one is parsed, as the desktop client's sync engine can.
Baselines measured in the same run: the list endpoint (largest page, 500)
over all tickets, and fetching tickets one by one (1,000 sampled, extrapolated).
"""

from __future__ import annotations

import argparse
import http.client
import queue
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import orjson

from bench_store_common import ServerProcess, fill_tickets, fresh_database, login, machine, postgres_base_url, prepare


class Connection:
    """One keep-alive HTTP connection with the bearer token."""

    def __init__(self, base: str, token: str) -> None:
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params) -> bytes:
        self.conn.request("GET", path + ("?" + urlencode(params) if params else ""), headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
        return body

    def close(self) -> None:
        self.conn.close()


def _next_after(body: bytes) -> int | None:
    # The page ends with ...],"next_after":N,"has_more":B}: read it without parsing the page.
    tail = body[body.rindex(b'"next_after":') + 13 :]
    value = tail[: tail.index(b",")]
    return None if value == b"null" else int(value)


def bootstrap(conn: Connection, limit: int, *, pipelined: bool) -> tuple[int, int, float]:
    started = time.perf_counter()
    count = size = 0
    if not pipelined:
        after = 0
        while True:
            body = conn.get("/api/v1/sync/bootstrap", after=after, limit=limit)
            size += len(body)
            page = orjson.loads(body)
            count += len(page["tickets"])
            if not page["has_more"]:
                return count, size, time.perf_counter() - started
            after = page["next_after"]
    pages: queue.Queue = queue.Queue(maxsize=2)

    def fetch():
        after = 0
        while after is not None:
            body = conn.get("/api/v1/sync/bootstrap", after=after, limit=limit)
            pages.put(body)
            after = _next_after(body)
        pages.put(None)

    fetcher = threading.Thread(target=fetch)
    fetcher.start()
    while (body := pages.get()) is not None:
        size += len(body)
        count += len(orjson.loads(body)["tickets"])
    fetcher.join()
    return count, size, time.perf_counter() - started


def list_all(conn: Connection) -> tuple[int, float]:
    started = time.perf_counter()
    cursor, count = None, 0
    while True:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = orjson.loads(conn.get("/api/v1/tickets", **params))
        count += len(page["tickets"])
        cursor = page["next_cursor"]
        if cursor is None:
            return count, time.perf_counter() - started


def one_by_one(conn: Connection, sample: int) -> float:
    started = time.perf_counter()
    for tid in range(1, sample + 1):
        orjson.loads(conn.get(f"/api/v1/tickets/{tid}"))
    return time.perf_counter() - started


def run(backend: str, tickets: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database(backend, Path(tmp))
        print(f"{backend}: preparing {tickets:,} tickets", flush=True)
        db = prepare(url)
        fill_tickets(db, tickets)
        db.dispose()
        server = ServerProcess(url).wait_ready()
        try:
            token = login(server.base)
            conn = Connection(server.base, token)
            try:
                bootstrap(conn, 5000, pipelined=False)  # warm the caches once
                lines = []
                for limit, pipelined in ((5000, False), (20000, False), (5000, True), (20000, True)):
                    times = []
                    for _ in range(3):
                        count, size, took = bootstrap(conn, limit, pipelined=pipelined)
                        assert count == tickets, (count, tickets)
                        times.append(took)
                    best = min(times)
                    how = "pipelined" if pipelined else "sequential"
                    lines.append(
                        f"| {backend} | bootstrap, pages of {limit:,}, {how} | {count:,} | {best:.2f} s "
                        f"| {count / best:,.0f} tickets/s | {size / 1e6:.0f} MB |"
                    )
                count, took = list_all(conn)
                lines.append(f"| {backend} | baseline: GET /tickets, pages of 500 | {count:,} | {took:.2f} s "
                             f"| {count / took:,.0f} tickets/s | |")
                sample = 1000
                took = one_by_one(conn, sample)
                lines.append(f"| {backend} | baseline: GET /tickets/{{id}} one by one ({sample:,} sampled) | "
                             f"{tickets:,} (extrapolated) | {took * tickets / sample:.0f} s "
                             f"| {sample / took:,.0f} tickets/s | |")
                return lines
            finally:
                conn.close()
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if args.backend == "both" and not postgres_base_url():
        print("no PostgreSQL URL: SQLite only")
        backends = ["sqlite"]
    lines = []
    for backend in backends:
        lines += run(backend, args.tickets)
    print(f"\nBootstrap over loopback ({machine()}):\n")
    print("| backend | what | tickets | time | rate | payload |")
    print("|---|---|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
