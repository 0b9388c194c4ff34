"""The cache's write-ahead log is copied back on its own thread, and never in the middle of a bootstrap."""

from __future__ import annotations

import shutil
import sqlite3

from desk_app.services.local_cache import LocalCache
from tests.services.test_local_cache import snapshot


def page(first: int, count: int, *, last: bool, subject: str = "Parcel late " + "x" * 2000) -> dict:
    tickets = [snapshot(i, subject=subject) for i in range(first, first + count)]
    return {"cursor": 7, "tickets": tickets, "next_after": None if last else first + count - 1, "has_more": not last}


def small_threshold(cache: LocalCache) -> LocalCache:
    cache.checkpointer.threshold = 64 * 1024  # a few pages' worth, so the tests stay small
    return cache


def rows_in_main_file(cache: LocalCache, tmp_path) -> int:
    """How many tickets the database file itself holds, without its log (what a checkpoint copied)."""
    copy = tmp_path / "main-file-only.sqlite3"
    shutil.copyfile(cache.path, copy)
    with sqlite3.connect(copy) as conn:
        try:
            return conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        except sqlite3.DatabaseError:
            return 0


def test_every_connection_leaves_checkpoints_to_the_thread(tmp_path):
    cache = LocalCache(tmp_path / "c.sqlite3", user_id=1, user_name="Agent")
    with cache.read() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 8192  # a new file: pages for ~1.6 KB rows
    cache.close()


def test_an_existing_file_keeps_its_page_size(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:  # a cache made before 8 KB pages
        conn.execute("PRAGMA page_size = 4096")
        conn.execute("CREATE TABLE early (x)")
    cache = LocalCache(path, user_id=1, user_name="Agent")
    cache.apply_bootstrap_page(page(1, 3, last=True))
    with cache.read() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 4096
    assert cache.count() == 3
    cache.close()


def test_a_bootstrap_is_copied_back_only_after_its_last_page(tmp_path):
    cache = small_threshold(LocalCache(tmp_path / "c.sqlite3", user_id=1, user_name="Agent"))
    for start in (1, 41, 81):
        cache.apply_bootstrap_page(page(start, 40, last=False))
        assert cache.checkpointer.log_size() > cache.checkpointer.threshold
        assert cache.checkpointer.checkpoints == 0  # the log grows; nobody copies mid-bootstrap
    assert rows_in_main_file(cache, tmp_path) == 0

    cache.apply_bootstrap_page(page(121, 40, last=True))
    assert cache.checkpointer.wait_idle(timeout=30)
    assert cache.checkpointer.checkpoints >= 1
    assert rows_in_main_file(cache, tmp_path) == 160
    assert cache.count() == 160 and cache.bootstrap_state().done
    cache.close()


def test_ordinary_writes_ask_for_a_checkpoint_once_the_log_is_large(tmp_path):
    cache = small_threshold(LocalCache(tmp_path / "c.sqlite3", user_id=1, user_name="Agent"))
    cache.apply_bootstrap_page(page(1, 1, last=True))
    assert cache.checkpointer.wait_idle(timeout=30)
    before = cache.checkpointer.checkpoints
    for i in range(2, 60):
        cache.store_ticket(snapshot(i, subject="Parcel late " + "y" * 2000))
    assert cache.checkpointer.wait_idle(timeout=30)
    assert cache.checkpointer.checkpoints > before
    assert rows_in_main_file(cache, tmp_path) >= 50  # most of it copied back while the writes went on
    cache.close()


def test_closing_with_a_long_log_loses_nothing(tmp_path):
    path = tmp_path / "c.sqlite3"
    cache = LocalCache(path, user_id=1, user_name="Agent")
    for start in (1, 41):
        cache.apply_bootstrap_page(page(start, 40, last=start == 41))
    cache.close()
    reopened = LocalCache(path)
    assert reopened.count() == 80 and reopened.bootstrap_state().done
    assert reopened.ticket(80)["subject"].startswith("Parcel late")
    reopened.close()
