"""Client bootstrap: 100,000 tickets from a real store into the local cache, against fetching one by one.

    ./desk bench bench_client_bootstrap [--tickets N] [--sample N]

Measured in one run, on loopback, store on SQLite in its own process:
  * SyncEngine.bootstrap() into a fresh cache, `rows` pages growing from 2,500
    up to 5,000, 10,000 and 20,000 (the next page is fetched and parsed while
    the current one is written), and `json` pages of 5,000 (every snapshot parsed: the format's
    baseline), best of 3, the variants taking turns (one bootstrap of each per
    round). Timed until bootstrap() returns (everything committed);
    the write-ahead log's copy into the database file, which then runs on the
    cache's checkpoint thread (`services/cache_wal.py`), is timed on its own;
  * baseline "as in session 3": the same client writing as it did then (a
    tuple pair made per ticket while parsing, upserts through SQLAlchemy,
    sqlite3's slow path for each None), patched back in (`session3_client`);
  * baseline "as in session 2": that, plus SQLite's inline
    checkpoints (every commit past 4 MB of log copies it back itself),
    requests' chunked body read and every page of the full size
    (`session2_client`);
  * the store's CPU time per bootstrap (from /proc), and its page building
    alone, in this process on the store's file: the session-3 query (ORM
    rows, texts decoded and encoded again) against `sync.bootstrap_page`;
  * the same pages fetched and parsed without writing (how much is the cache);
  * baseline: GET /tickets/{id} one by one, each stored in the cache, on a
    random sample (`--sample`, 1,000 by default), extrapolated to all tickets;
  * the cache write alone for 20,000 tickets: SQLAlchemy Core executemany in one
    transaction against the ORM's add_all, same rows, same table.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
import types
from contextlib import contextmanager, nullcontext
from pathlib import Path

import orjson
from sqlalchemy import create_engine, event, insert
from sqlalchemy.orm import Session, registry

from bench_client_common import best_of, client, machine, store
from desk_app.services.api_client import gc_paused
from desk_app.services.bootstrap_page import BootstrapPage, parse_rows_page
from desk_app.services.cache_schema import metadata, ticket_json, tickets as tickets_table
from desk_app.services.events import ALL_FIELDS, ChangeSet
from desk_app.services.local_cache import _BULK_COLUMNS, LocalCache, ticket_values
from desk_app.services import cache_schema, local_cache, sync_engine
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
    """Put back what session 3 changed: inline checkpoints and requests' 10 KB-chunk body read
    (on top of `session3_client`, which the caller enters)."""
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


class Session3Page:
    """A `rows` page as session 3 parsed it: a tuple pair made per ticket on the fetching thread."""

    def __init__(self, cursor, next_after, has_more, values, lines):
        self.cursor, self.next_after, self.has_more, self.values, self._lines = cursor, next_after, has_more, values, lines

    @property
    def ids(self):
        return [v[0][0] for v in self.values]

    def __len__(self):
        return len(self.values)

    def snapshot_of(self, index):
        return orjson.loads(self._lines[index])


def session3_parse(content: bytes) -> Session3Page:
    first, _, rest = content.partition(b"\n")
    head = orjson.loads(first)
    lines = rest.split(b"\n") if rest else []
    values = [((*row[:21], 0, row[21]), (row[0], row[15], line.decode())) for row, line in zip(head["rows"], lines)]
    return Session3Page(int(head["cursor"]), head["next_after"], bool(head["has_more"]), values, lines)


def session3_apply(cache: LocalCache, page: Session3Page) -> ChangeSet:
    """apply_bootstrap_page as in session 3: upserts of 23-tuples through SQLAlchemy's exec_driver_sql."""
    ids = page.ids
    with cache.write(checkpoint=not page.has_more) as conn:
        if cache._get_meta(conn, "bootstrap_cursor") is None:
            cache._set_meta(conn, "bootstrap_cursor", str(page.cursor))
            if page.has_more and conn.exec_driver_sql("SELECT id FROM tickets LIMIT 1").first() is None:
                cache_schema.drop_ticket_indexes(conn)
        pending = cache._pending_ids(conn, ids)
        rows = page.values if not pending else [v for v in page.values if v[0][0] not in pending]
        if rows:
            conn.exec_driver_sql(local_cache._BULK_UPSERT, [v[0] for v in rows])
            conn.exec_driver_sql(local_cache._BULK_JSON, [v[1] for v in rows])
        for index, tid in enumerate(ids):
            if tid in pending:
                cache.rebuild_row(conn, tid, page.snapshot_of(index))
        if page.has_more:
            cache._set_meta(conn, "bootstrap_after", str(page.next_after))
        else:
            cache_schema.create_ticket_indexes(conn)
            cache._set_meta(conn, "cursor", cache._get_meta(conn, "bootstrap_cursor"))
            for key in ("bootstrap_after", "bootstrap_cursor"):
                cache._set_meta(conn, key, None)
            cache._set_meta(conn, "last_sync_at", repr(cache.clock()))
    return ChangeSet(ticket_ids=frozenset(ids), fields=dict.fromkeys(ids, frozenset((ALL_FIELDS,))))


@contextmanager
def session3_client(engine, cache):
    """Put back what session 4 changed: per-ticket tuples made while parsing, upserts of them
    through SQLAlchemy, and each None bound through sqlite3's slow adapter lookup."""
    engine._fetch_bootstrap_page = lambda after, size: session3_parse(engine.api.bootstrap_rows(after, size))
    cache.apply_bootstrap_page = types.MethodType(session3_apply, cache)
    key = (type(None), sqlite3.PrepareProtocol)
    adapter = sqlite3.adapters.pop(key, None)
    try:
        yield engine
    finally:
        if adapter is not None:
            sqlite3.adapters[key] = adapter


def store_serving(url: str, page_size: int) -> tuple[float, float]:
    """CPU time to build every `rows` page: the session-3 handler's query and joins against
    `sync.bootstrap_page.read_page` (the bytes as stored), on the store's own file."""
    from sqlalchemy import select

    from desk_app.server.core.db import Database
    from desk_app.server.sync.bootstrap_page import read_page
    from desk_app.server.tickets.models import Ticket

    db = Database(url)

    def pages(read) -> float:
        started, after = time.process_time(), 0
        while after is not None:
            with db.read() as session:
                rows = read(session, after)
            more = len(rows) > page_size
            rows = rows[:page_size]
            if rows and isinstance(rows[0][1], str):
                body = ",".join(r[2] for r in rows).encode() + "\n".join(r[1] for r in rows).encode()
            else:
                body = b",".join(r[2] for r in rows) + b"\n".join(r[1] for r in rows)
            assert body
            after = rows[-1][0] if more else None
        return time.process_time() - started

    def session3(session, after):
        columns = (Ticket.id, Ticket.snapshot, Ticket.queue_row)
        return session.execute(
            select(*columns).where(Ticket.id.is_not(None), Ticket.id > after).order_by(Ticket.id).limit(page_size + 1)
        ).all()

    def now(session, after):
        return read_page(session, Ticket.id.is_not(None), after, page_size, queue_rows=True)

    best = [min(times) for times in zip(*((pages(session3), pages(now)) for _ in range(3)))]
    db.dispose()
    return best[0], best[1]


def json_format_engine(engine):
    """The engine reading the older `json` pages (every snapshot parsed): the format baseline."""
    engine._bootstrap_rows = False
    return nullcontext(engine)


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
    started_on = machine()
    with store(args.tickets) as s, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        api = s.api()
        fetch_only(api, 20_000)  # warm the store's page cache once
        variants = [(5_000, "rows", "rows"), (10_000, "rows", "rows"), (20_000, "rows", "rows"),
                    (5_000, "session3", "rows as in session 3 (baseline: per-ticket tuples, upserts)"),
                    (10_000, "session3", "rows as in session 3 (baseline: per-ticket tuples, upserts)"),
                    (10_000, "session2", "rows as in session 2 (baseline: also inline checkpoints, chunked read)"),
                    (5_000, "json", "json (baseline: every snapshot parsed)")]
        times = {v: [] for v in variants}
        checkpoints = {v: [] for v in variants}
        store_cpu = {v: [] for v in variants}
        client_cpu = {v: [] for v in variants}
        counter = iter(range(1_000))

        def run(variant):
            page_size, kind, _ = variant
            path = workdir / f"boot-{page_size}-{kind}-{next(counter)}.sqlite3"
            engine, cache = client(s, path, bootstrap_page_size=page_size)
            if kind == "json":
                patched = json_format_engine(engine)
            elif kind in ("session3", "session2"):
                patched = session3_client(engine, cache)
            else:
                patched = nullcontext(engine)
            with patched:
                if kind == "session2":
                    session2_client(engine, cache)
                cpu, own = s.server.cpu_seconds(), time.process_time()
                started = time.perf_counter()
                try:
                    loaded = engine.bootstrap()
                finally:
                    sync_engine.FIRST_BOOTSTRAP_PAGE = FIRST_BOOTSTRAP_PAGE
                took = time.perf_counter() - started
                store_cpu[variant].append(s.server.cpu_seconds() - cpu)
                client_cpu[variant].append(time.process_time() - own)
            assert loaded == args.tickets and cache.count() == args.tickets, (loaded, cache.count())
            assert cache.bootstrap_state().done
            started = time.perf_counter()
            cache.checkpointer.wait_idle()
            cache.close()  # the last connection to close copies back whatever is left
            checkpoints[variant].append(time.perf_counter() - started)
            times[variant].append(took)
            for file in workdir.glob(path.name + "*"):  # 200 MB each: not left for the kernel to write out
                file.unlink()

        for _ in range(args.runs):  # the variants take turns, so a busy spell hits them all
            for variant in variants:
                run(variant)
        results = {}
        for variant in variants:
            page_size, kind, label = variant
            took = results[(page_size, kind)] = min(times[variant])
            lines.append(f"| bootstrap into the cache, {label}, pages of {page_size:,} | {args.tickets:,} "
                         f"| {took:.2f} s | {args.tickets / took:,.0f} tickets/s |")
            lines.append(f"| (all runs: {' / '.join(f'{t:.2f}' for t in times[variant])} s; CPU: client "
                         f"{min(client_cpu[variant]):.2f} s, store {min(store_cpu[variant]):.2f} s; then the log "
                         f"copied back: checkpoint thread + close {min(checkpoints[variant]):.2f} s) | | | |")
        for page_size, kind in ((5_000, "rows"), (5_000, "json")):
            took, _ = best_of(args.runs, lambda: fetch_only(api, page_size, rows=kind == "rows"))
            lines.append(f"| fetch + parse only, {kind}, pages of {page_size:,} | {args.tickets:,} "
                         f"| {took:.2f} s | {args.tickets / took:,.0f} tickets/s |")
        old, new = store_serving(s.url, 5_000)
        lines.append(f"| store: building the rows pages of 5,000 (CPU), as in session 3 (ORM rows, text) "
                     f"| {args.tickets:,} | {old:.2f} s | |")
        lines.append(f"| store: building the rows pages of 5,000 (CPU), bytes as stored | {args.tickets:,} "
                     f"| {new:.2f} s | |")

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
    print(f"\nClient bootstrap over loopback, store on SQLite in its own process ({started_on}; "
          f"at the end: {machine()}):\n")
    print("| what | tickets | time | rate |")
    print("|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
