"""Client catch-up: 10,000 changes missed while offline, read by cursor and applied to the cache.

    ./desk bench bench_client_catchup [--changes N] [--tickets N]

A client bootstraps a store's tickets and stops; the store's change log then
grows by `--changes` changes (each ticket's snapshot again with a newer
version and status: every one is really applied, none skipped by the version
rule). Measured in the same run, each from an identical copy of the cache,
best of 3:
  * SyncEngine.catch_up(): GET /sync/changes in pages of 10,000, each page and
    its cursor written in one transaction;
  * of which fetch + parse only;
  * baseline: the same changes applied one transaction per change, as a
    client that applies each event as it arrives would (fetch not counted).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench_client_common import best_of, client, grow_change_log, machine, store
from desk_app.services.local_cache import LocalCache


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lines = []
    with store(args.tickets) as s, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        base = workdir / "base.sqlite3"
        engine, cache = client(s, base)
        engine.bootstrap()
        start_cursor = cache.cursor
        before = cache.versions()
        cache.close()
        head = grow_change_log(s.url, args.changes)
        api = s.api()
        copies = iter(range(1_000))

        def fresh_copy() -> Path:
            path = workdir / f"copy-{next(copies)}.sqlite3"
            shutil.copyfile(base, path)
            return path

        def catch_up(page_size: int) -> float:
            engine, cache = client(s, fresh_copy(), changes_page_size=page_size)
            started = time.perf_counter()
            applied = engine.catch_up()
            took = time.perf_counter() - started
            assert applied == args.changes and cache.cursor == head, (applied, cache.cursor, head)
            check(cache)
            cache.close()
            return took

        def check(cache: LocalCache) -> None:
            # Really applied: every ticket named by a change holds its newest version and status.
            changed = {tid: v for tid, v in cache.versions().items() if v != before[tid]}
            assert len(changed) == min(args.changes, args.tickets), len(changed)

        for page_size in (10_000, 2_500):
            took = min(catch_up(page_size) for _ in range(args.runs))
            lines.append(f"| catch-up by cursor: fetch + apply, pages of {page_size:,} (next page fetched ahead) "
                         f"| {args.changes:,} | {took:.2f} s | {args.changes / took:,.0f} changes/s |")

        def fetch_only():
            cursor, pages = start_cursor, []
            while True:
                page = api.changes(cursor, 10_000)
                pages.append(page)
                cursor = page["cursor"]
                if not page["has_more"]:
                    return pages

        took, pages = best_of(args.runs, fetch_only)
        lines.append(f"| of which fetch + parse only | {args.changes:,} | {took:.2f} s "
                     f"| {args.changes / took:,.0f} changes/s |")
        changes = [c for page in pages for c in page["changes"]]

        def apply_batched():
            cache = LocalCache(fresh_copy())
            assert cache.cursor == start_cursor, (cache.cursor, start_cursor)
            started = time.perf_counter()
            for page in pages:
                cache.apply_changes(page["changes"], page["cursor"])
            took = time.perf_counter() - started
            assert cache.cursor == head
            check(cache)
            cache.close()
            return took

        def apply_one_by_one():
            cache = LocalCache(fresh_copy())
            started = time.perf_counter()
            for change in changes:
                cache.apply_changes([change], change["seq"])
            took = time.perf_counter() - started
            assert cache.cursor == head
            check(cache)
            cache.close()
            return took

        batched = min(apply_batched() for _ in range(args.runs))
        single = min(apply_one_by_one() for _ in range(args.runs))
        lines.append(f"| apply only: one transaction per page | {args.changes:,} | {batched:.2f} s "
                     f"| {args.changes / batched:,.0f} changes/s |")
        lines.append(f"| baseline, apply only: one transaction per change | {args.changes:,} | {single:.2f} s "
                     f"| {args.changes / single:,.0f} changes/s ({single / batched:.0f}x slower) |")
    print(f"\nClient catch-up over loopback, store on SQLite in its own process, {args.tickets:,} tickets "
          f"cached ({machine()}):\n")
    print("| what | changes | time | rate |")
    print("|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
