"""Client bootstrap: 100,000 tickets from a real store into the local cache, against fetching one by one.

    ./desk bench bench_client_bootstrap [--tickets N] [--sample N]

Measured in one run, on loopback, store on SQLite in its own process:
  * SyncEngine.bootstrap() into a fresh cache, `rows` pages growing from 2,500
    up to 5,000, 10,000 and 20,000 (the next page is fetched and parsed while
    the current one is written), and `json` pages of 5,000 (every snapshot parsed: the format's
    baseline), best of 3. Timed until bootstrap() returns (everything committed);
    the write-ahead log's copy into the database file, which then runs on the
    cache's checkpoint thread (`services/cache_wal.py`), is timed on its own;
  * baseline "as in session 2": the same client with SQLite's inline
    checkpoints (every commit past 4 MB of log copies it back itself),
    requests' chunked body read and every page of the full size, patched back
    in (`session2_client`);
  * the same pages fetched and parsed without writing (how much is the cache);
  * baseline: GET /tickets/{id} one by one, each stored in the cache, on a
    random sample (`--sample`, 1,000 by default), extrapolated to all tickets;
  * the cache write alone for 20,000 tickets: SQLAlchemy Core executemany in one
    transaction against the ORM's add_all, same rows, same table.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, event, insert
from sqlalchemy.orm import Session, registry

from bench_client_common import best_of, client, machine, store
from desk_app.services.api_client import gc_paused
from desk_app.services.bootstrap_page import BootstrapPage, parse_rows_page
from desk_app.services.cache_schema import metadata, ticket_json, tickets as tickets_table
from desk_app.services.local_cache import _BULK_COLUMNS, LocalCache, ticket_values
from desk_app.services import sync_engine
from desk_app.services.sync_engine import FIRST_BOOTSTRAP_PAGE


def fetch_only(api, page_size: int, *, rows: bool = True) -> int:
    """Fetch and parse every page, one after the other, without writing: `rows` or `json` format."""
    after, count = 0, 0
    while True:
        with gc_paused():
            if rows:
                page = parse_rows_page(api.bootstrap_rows(after, page_size))
            else:
                page = BootstrapPage.from_json(api.bootstrap_page(after, page_size))
        count += len(page)
        if not page.has_more:
            return count
        after = page.next_after


def session2_client(engine, cache):
    """Put back what session 3 changed: inline checkpoints and requests' 10 KB-chunk body read."""
    cache.engine.dispose()

    @event.listens_for(cache.engine, "connect")
    def _inline_checkpoints(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA wal_autocheckpoint = 1000")

    cache.checkpointer.threshold = float("inf")
    api = engine.api

    def download(path, *, params=None):
        return api.request("GET", "/api/v1" + path, params=params).content

    api.download = download
    sync_engine.FIRST_BOOTSTRAP_PAGE = engine.bootstrap_page_size  # no small first pages
    return engine


def json_format_engine(engine):
    """The engine reading the older `json` pages (every snapshot parsed): the format baseline."""
    engine._bootstrap_rows = False
    return engine


def orm_against_core(page: dict, workdir: Path) -> tuple[float, float]:
    """Write one page's rows (queue columns + JSON) both ways into fresh files."""
    values = [ticket_values(t) for t in page["tickets"]]
    rows = [dict(zip(_BULK_COLUMNS, v[0])) for v in values]
    blobs = [{"id": v[1][0], "version": v[1][1], "data": v[1][2], "server_data": None} for v in values]

    class TicketRecord:
        pass

    class TicketJson:
        pass

    mapper_registry = registry()
    mapper_registry.map_imperatively(TicketRecord, tickets_table)
    mapper_registry.map_imperatively(TicketJson, ticket_json)

    def fresh(name: str):
        engine = create_engine(f"sqlite:///{workdir / name}")
        metadata.create_all(engine)
        return engine

    core_engine = fresh("core.sqlite3")
    started = time.perf_counter()
    with core_engine.begin() as conn:
        conn.execute(insert(tickets_table), rows)
        conn.execute(insert(ticket_json), blobs)
    core = time.perf_counter() - started

    orm_engine = fresh("orm.sqlite3")
    started = time.perf_counter()
    with Session(orm_engine) as session:
        records = []
        for row, blob in zip(rows, blobs):
            record, data = TicketRecord(), TicketJson()
            for key, value in row.items():
                setattr(record, key, value)
            for key, value in blob.items():
                setattr(data, key, value)
            records += (record, data)
        session.add_all(records)
        session.commit()
    orm = time.perf_counter() - started
    core_engine.dispose()
    orm_engine.dispose()
    mapper_registry.dispose()
    return core, orm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lines = []
    with store(args.tickets) as s, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        api = s.api()
        fetch_only(api, 20_000)  # warm the store's page cache once
        results = {}
        variants = [(5_000, "rows", "rows"), (10_000, "rows", "rows"), (20_000, "rows", "rows"),
                    (10_000, "session2", "rows as in session 2 (baseline: inline checkpoints, chunked read)"),
                    (20_000, "session2", "rows as in session 2 (baseline: inline checkpoints, chunked read)"),
                    (5_000, "json", "json (baseline: every snapshot parsed)")]
        counter = iter(range(1_000))
        for page_size, kind, label in variants:
            checkpoints = []

            def run():
                engine, cache = client(s, workdir / f"boot-{page_size}-{kind}-{next(counter)}.sqlite3",
                                       bootstrap_page_size=page_size)
                if kind == "json":
                    json_format_engine(engine)
                elif kind == "session2":
                    session2_client(engine, cache)
                started = time.perf_counter()
                try:
                    loaded = engine.bootstrap()
                finally:
                    sync_engine.FIRST_BOOTSTRAP_PAGE = FIRST_BOOTSTRAP_PAGE
                took = time.perf_counter() - started
                assert loaded == args.tickets and cache.count() == args.tickets, (loaded, cache.count())
                assert cache.bootstrap_state().done
                started = time.perf_counter()
                cache.checkpointer.wait_idle()
                cache.close()  # the last connection to close copies back whatever is left
                checkpoints.append(time.perf_counter() - started)
                return took

            took = min(run() for _ in range(args.runs))
            results[(page_size, kind)] = took
            lines.append(f"| bootstrap into the cache, {label}, pages of {page_size:,} | {args.tickets:,} "
                         f"| {took:.2f} s | {args.tickets / took:,.0f} tickets/s |")
            lines.append(f"| then: log copied back after it (checkpoint thread + close), {label}, "
                         f"pages of {page_size:,} | | {min(checkpoints):.2f} s | |")
            if kind == "session2":
                continue
            took, _ = best_of(args.runs, lambda: fetch_only(api, page_size, rows=kind == "rows"))
            lines.append(f"| of which fetch + parse only, {label}, pages of {page_size:,} | {args.tickets:,} "
                         f"| {took:.2f} s | {args.tickets / took:,.0f} tickets/s |")

        ids = random.Random(7).sample(range(1, args.tickets + 1), args.sample)
        cache = LocalCache(workdir / "one-by-one.sqlite3", user_id=s.user_id, user_name="Bench")
        started = time.perf_counter()
        for tid in ids:
            cache.store_ticket(api.ticket(tid))
        took = time.perf_counter() - started
        cache.close()
        per_ticket = took / args.sample
        extrapolated = per_ticket * args.tickets
        best = min(t for (_, kind), t in results.items() if kind == "rows")
        lines.append(f"| baseline: GET /tickets/{{id}} one by one + store ({args.sample:,} sampled, extrapolated) "
                     f"| {args.tickets:,} | {extrapolated:.0f} s | {1 / per_ticket:,.0f} tickets/s |")
        lines.append(f"| **bootstrap speed-up over one by one** | | **{extrapolated / best:,.0f}x** | |")

        page = api.bootstrap_page(0, 20_000)
        n = len(page["tickets"])
        core, orm = orm_against_core(page, workdir)
        lines.append(f"| cache write only: Core insert executemany, one transaction | {n:,} | {core:.2f} s "
                     f"| {n / core:,.0f} tickets/s |")
        lines.append(f"| cache write only: ORM add_all, one transaction | {n:,} | {orm:.2f} s "
                     f"| {n / orm:,.0f} tickets/s ({orm / core:.1f}x slower) |")
    print(f"\nClient bootstrap over loopback, store on SQLite in its own process ({machine()}):\n")
    print("| what | tickets | time | rate |")
    print("|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
