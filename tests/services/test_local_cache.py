"""The local cache on its own: schema migrations, WAL, indexes, bulk writes, cursor and version rules."""

from __future__ import annotations

import sqlite3

import orjson
import pytest
from sqlalchemy import create_engine, event

from desk_app.services import cache_schema
from desk_app.services.errors import CacheError
from desk_app.services.local_cache import LocalCache, QueueQuery, cache_file, prepare_changes


def snapshot(ticket_id: int, *, version: int = 1, status: str = "open", assignee: int | None = None,
             due: str | None = "2026-03-02T13:00:00Z", subject: str = "Parcel late", tier: int = 1) -> dict:
    """A ticket as the store's API serves it (TicketOut)."""
    return {
        "id": ticket_id, "number": f"DSK-{ticket_id:06d}", "subject": subject, "category": "order_issues",
        "priority": "normal", "channel": "email", "status": status, "tier": tier, "policy": "shopom",
        "queue_id": 1, "assignee_id": assignee, "customer_id": 10 + ticket_id, "customer_name": "Asha Rao",
        "customer_tier": "standard", "order_id": f"SO-{ticket_id}", "version": version,
        "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z",
        "sla": {"rule": "r", "computed_at": "2026-03-02T09:00:00Z", "state": "running", "next_due": "first_response",
                "due_at": due, "next_change_at": None, "clocks": [], "escalation_due": None},
        "escalation": None,
    }


def change(seq: int, ticket: dict, *, kind: str = "ticket.updated", fields=("status",), entry: dict | None = None) -> dict:
    data = {"ticket": ticket}
    if entry is not None:
        data["entry"] = entry
    return {"seq": seq, "at": "2026-03-02T09:00:00Z", "kind": kind, "ticket_id": ticket["id"], "actor_id": 1,
            "fields": list(fields), "data": data}


def bootstrapped(path, tickets, cursor=10) -> LocalCache:
    cache = LocalCache(path, user_id=1, user_name="Agent")
    cache.apply_bootstrap_page({"cursor": cursor, "tickets": tickets, "next_after": None, "has_more": False})
    return cache


def test_upgrades_a_version_1_cache_keeping_its_data_and_outbox(tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # a cache as the first release wrote it
        cache_schema.migrate_step(conn, 1)
        ticket = snapshot(5)
        conn.exec_driver_sql(
            "INSERT INTO tickets (id, number, subject, status, priority, category, channel, tier, policy, queue_id, "
            "assignee_id, customer_id, customer_name, customer_tier, order_id, version, created_at, updated_at, "
            "sla_state, sla_due_at, sla_next_clock, data, server_data, pending) VALUES (5, 'DSK-000005', "
            "'Parcel late', 'open', 'normal', 'order_issues', 'email', 1, 'shopom', 1, NULL, 15, 'Asha Rao', "
            "'standard', 'SO-5', 1, 0, 0, 'running', NULL, NULL, ?, NULL, 0)",
            (orjson.dumps(ticket).decode(),),
        )
        conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('cursor', '42')")
        conn.exec_driver_sql(
            "INSERT INTO outbox (key, kind, ticket_id, base_version, payload, created_at) "
            "VALUES ('k-1', 'entry', 5, 1, ?, 0)",
            (orjson.dumps({"entry": {"kind": "internal_note", "body": "not sent yet"}}).decode(),),
        )
        assert cache_schema.current_version(conn) == 1
    engine.dispose()

    with LocalCache(path, user_id=1, user_name="Agent") as cache:
        assert cache.schema_version == cache_schema.LATEST == 4
        assert cache.cursor == 42 and cache.ticket(5) == ticket
        assert [op.key for op in cache.outbox.pending()] == ["k-1"]
        assert cache.thread(5).complete is False  # the new column's default
        cache.outbox.save_draft(5, "a draft")  # the new tables work
        assert cache.outbox.load_draft(5).body == "a draft"
    with LocalCache(path) as again:  # opening an up-to-date file changes nothing
        assert again.schema_version == 4 and again.user_id == 1
        assert again.follows(5) is False  # v4's table, empty


def test_refuses_a_cache_from_a_newer_release(tmp_path):
    path = tmp_path / "new.sqlite3"
    LocalCache(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(CacheError, match="newer Desk"):
        LocalCache(path)


def test_a_damaged_file_is_reported_not_overwritten(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CacheError, match="cannot be opened"):
        LocalCache(path)
    assert path.read_bytes().startswith(b"this is not a database")


def test_wal_and_one_file_per_server_and_user(tmp_path):
    a = cache_file(tmp_path, "https://desk.example.com/", "Asha")
    assert a == cache_file(tmp_path, "https://DESK.example.com", "asha")
    assert a != cache_file(tmp_path, "https://desk.example.com", "ravi")
    assert a != cache_file(tmp_path, "https://other.example.com", "asha")
    assert "asha" not in a.name and "example" not in a.name
    with LocalCache(a) as cache:
        with cache.read() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_queue_queries_use_indexes(tmp_path):
    with bootstrapped(tmp_path / "c.sqlite3", [snapshot(i) for i in range(1, 50)]) as cache:
        queries = {
            "status": QueueQuery(statuses=["open", "new"]),
            "assignee": QueueQuery(assignee_id=3, statuses=["open"]),
            "tier": QueueQuery(tier=2),
            "queue": QueueQuery(queue_id=1, statuses=["open"]),
            "due": QueueQuery(due_before=1e12),
        }
        from sqlalchemy import func, select

        from desk_app.services.local_cache import T

        for name, query in queries.items():
            stmt = select(func.count()).select_from(T).where(*query.where())
            with cache.read() as conn:
                compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
                plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, (name, plan)
        assert cache.count(QueueQuery(statuses=["open"])) == 49


def traced(cache: LocalCache) -> list[str]:
    """Every statement SQLite runs on the cache's connections from now on (executemany: one per row)."""
    statements: list[str] = []
    cache.engine.dispose()

    @event.listens_for(cache.engine, "connect")
    def trace(dbapi_connection, _record):
        dbapi_connection.set_trace_callback(statements.append)

    return statements


def test_a_bootstrap_page_is_one_transaction_of_executemany(tmp_path):
    cache = LocalCache(tmp_path / "c.sqlite3", user_id=1, user_name="Agent")
    statements = traced(cache)
    page = {"cursor": 7, "tickets": [snapshot(i) for i in range(1, 301)], "next_after": 300, "has_more": True}
    changes = cache.apply_bootstrap_page(page)
    # One transaction; each ticket one row in each table, under the version rule, and no
    # per-ticket query.
    assert [s.split()[0] for s in statements].count("BEGIN") == 1
    kinds = [s.split(" (")[0] for s in statements if s.startswith("INSERT INTO ticket")]
    assert kinds == ["INSERT INTO tickets"] * 300 + ["INSERT INTO ticket_json"] * 300
    assert all("WHERE excluded.version >=" in s for s in statements if s.startswith("INSERT INTO ticket"))
    assert len([s for s in statements if s.startswith("SELECT")]) < 10
    assert len(changes.ticket_ids) == 300
    state = cache.bootstrap_state()
    assert (state.done, state.after, state.cursor) == (False, 300, 7)

    def indexes():
        with cache.read() as conn:
            return {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL")}

    # The first bootstrap fills a bare table and indexes it once at the end.
    assert indexes() == set()
    cache.apply_bootstrap_page({"cursor": 9, "tickets": [snapshot(301)], "next_after": None, "has_more": False})
    assert indexes() == {name for name, _ in cache_schema.TICKET_INDEXES}
    assert cache.bootstrap_state().done and cache.cursor == 7 and cache.count() == 301
    cache.close()


def test_a_bootstrap_page_over_tickets_already_held_keeps_one_row_each_and_the_newest_version(tmp_path):
    """A ticket opened while the bootstrap runs, a page written twice: one row each, the newest wins."""
    cache = LocalCache(tmp_path / "c.sqlite3", user_id=1, user_name="Agent")
    with cache:
        cache.apply_bootstrap_page({"cursor": 5, "tickets": [snapshot(i) for i in range(1, 4)], "next_after": 3,
                                    "has_more": True})
        # The agent opens ticket 5 while the bootstrap runs: read in full, newer than the next page's copy.
        cache.store_ticket({**snapshot(5, version=4, subject="Opened"), "thread": []})
        cache.apply_bootstrap_page({"cursor": 5, "tickets": [snapshot(i) for i in range(4, 7)], "next_after": 6,
                                    "has_more": True})
        # The same page again (a crash after its commit, before the next page was asked
        # for, replays nothing, but a page fetched twice must not double anything either).
        cache.apply_bootstrap_page({"cursor": 5, "tickets": [snapshot(i, version=2) for i in range(4, 8)],
                                    "next_after": None, "has_more": False})
        assert cache.ticket_ids() == list(range(1, 8))
        assert [(r.id, r.version) for r in cache.rows()] == [(1, 1), (2, 1), (3, 1), (4, 2), (5, 4), (6, 2), (7, 2)]
        assert cache.ticket(5)["subject"] == "Opened" and cache.ticket(6) == snapshot(6, version=2)
        with cache.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*), count(DISTINCT id) FROM ticket_json").one() == (7, 7)


def test_missing_values_are_stored_as_null(tmp_path):
    """None goes through the adapter registered for speed (local_cache): still SQL NULL."""
    with bootstrapped(tmp_path / "c.sqlite3", [snapshot(1), snapshot(2, assignee=7, due=None)]) as cache:
        with cache.read() as conn:
            assert conn.exec_driver_sql(
                "SELECT id, typeof(assignee_id), typeof(sla_due_at), typeof(escalation_due_at) FROM tickets ORDER BY id"
            ).all() == [(1, "null", "real", "null"), (2, "integer", "null", "null")]
        assert [r.id for r in cache.rows(QueueQuery(unassigned=True))] == [1]


def test_a_bootstrap_page_the_cache_cannot_store_is_refused_whole(tmp_path):
    from desk_app.services.bootstrap_page import BootstrapPage, ROW_FIELDS
    from desk_app.services.errors import ServerError
    from desk_app.services.local_cache import queue_values

    cache = LocalCache(tmp_path / "c.sqlite3", user_id=1, user_name="Agent")
    with cache:
        cache.apply_bootstrap_page({"cursor": 5, "tickets": [snapshot(1)], "next_after": 1, "has_more": True})
        rows = [list(queue_values(snapshot(i))) for i in range(2, 5)]
        rows[1] = rows[1][:-1]  # one field short, in the middle of the page
        texts = [orjson.dumps(snapshot(i)).decode() for i in range(2, 5)]
        with pytest.raises(ServerError, match="cannot store"):
            cache.apply_bootstrap_page(BootstrapPage(5, 4, True, rows, texts))
        rows[1] = list(queue_values(snapshot(3)))
        rows[2][ROW_FIELDS.index("subject")] = None  # a field the cache requires
        with pytest.raises(ServerError, match="cannot store"):
            cache.apply_bootstrap_page(BootstrapPage(5, 4, True, rows, texts))
        assert cache.ticket_ids() == [1] and cache.bootstrap_state().after == 1


def test_a_rows_page_that_is_not_one_is_refused_with_the_reason():
    from desk_app.services.bootstrap_page import ROW_FIELDS, parse_rows_page
    from desk_app.services.errors import ServerError
    from desk_app.services.local_cache import queue_values

    def body(rows, snapshots, columns=ROW_FIELDS):
        head = {"cursor": 3, "columns": list(columns), "rows": rows, "next_after": None, "has_more": False}
        return orjson.dumps(head) + b"\n" + b"\n".join(orjson.dumps(t) for t in snapshots)

    tickets = [snapshot(1), snapshot(2)]
    rows = [list(queue_values(t)) for t in tickets]
    page = parse_rows_page(body(rows, tickets))
    assert page.ids == [1, 2] and page.snapshot_of(1) == tickets[1] and len(page) == 2
    for bad, reason in [(body(rows, tickets[:1]), "cut: 2 rows, 1 snapshots"),
                        (body(rows, tickets, columns=ROW_FIELDS[::-1]), "this client reads"),
                        (body({"1": rows[0]}, tickets), "not a list"),
                        (body([rows[0], rows[1][:-1]], tickets), "not arrays of its columns"),
                        (b"<html>busy</html>", "cannot read")]:
        with pytest.raises(ServerError, match=reason):
            parse_rows_page(bad)


def test_changes_at_or_below_the_cursor_are_never_applied_twice(tmp_path):
    with bootstrapped(tmp_path / "c.sqlite3", [snapshot(1)], cursor=10) as cache:
        entry = {"id": 9, "ticket_id": 1, "kind": "internal_note", "author_id": 1, "author_name": "A", "body": "hi",
                 "created_at": "2026-03-02T09:05:00Z", "call": None, "event_code": None, "data": None}
        cache.apply_changes([change(11, snapshot(1, version=2), kind="entry.added", fields=["thread"], entry=entry)], 11)
        # The same change again (a stream overlapping a catch-up) and an old one: no effect.
        again = cache.apply_changes([change(11, snapshot(1, version=2, status="closed")),
                                     change(9, snapshot(1, version=5, status="closed"))], 11)
        assert again.empty and cache.ticket(1)["status"] == "open" and cache.cursor == 11
        assert len(cache.thread(1).entries) == 1
        # An older snapshot never overwrites a newer one, even from a newer change.
        cache.apply_changes([change(12, snapshot(1, version=1, status="closed"))], 12)
        assert cache.ticket(1)["version"] == 2 and cache.ticket(1)["status"] == "open" and cache.cursor == 12
        # A change invisible to us still moves the cursor (the server's page cursor).
        cache.apply_changes([], 20)
        assert cache.cursor == 20


def test_a_later_change_of_the_same_version_replaces_the_snapshot(tmp_path):
    """The store's own changes (SLA warnings, escalation prompts) keep the ticket's version."""
    with bootstrapped(tmp_path / "c.sqlite3", [snapshot(1, version=3)], cursor=10) as cache:
        warned = snapshot(1, version=3, subject="Warned")
        changed = cache.apply_changes([change(11, warned, kind="sla.changed", fields=["sla"])], 11)
        assert changed.ticket_ids == {1}
        assert cache.ticket(1) == warned and cache.rows()[0].subject == "Warned"


def test_rows_prepared_ahead_are_used_only_for_the_snapshot_the_transaction_picks(tmp_path):
    with bootstrapped(tmp_path / "c.sqlite3", [snapshot(1), snapshot(2)], cursor=10) as cache:
        # Made without the cursor: ticket 1's newest here (seq 9, at or below the cursor, so
        # never applied again) is not the one the transaction picks (seq 11).
        page = [change(9, snapshot(1, version=5, status="solved")), change(11, snapshot(1, version=2, status="on_hold")),
                change(12, snapshot(2, version=2, status="pending_customer")),
                change(13, snapshot(2, version=3, status="closed"))]
        prepared = prepare_changes(page)
        assert prepared[1][0] is page[0]["data"]["ticket"] and prepared[2][0] is page[3]["data"]["ticket"]
        changed = cache.apply_changes(page, 13, prepared)
        assert changed.ticket_ids == {1, 2} and cache.cursor == 13
        assert [(r.id, r.version, r.status) for r in cache.rows()] == [(1, 2, "on_hold"), (2, 3, "closed")]
        assert cache.ticket(1) == snapshot(1, version=2, status="on_hold")
        assert cache.ticket(2) == snapshot(2, version=3, status="closed")


def test_a_bootstrap_page_rebuilds_tickets_with_pending_edits_over_the_new_snapshot(tmp_path):
    from desk_app.services.mutations import OpKind

    cache = LocalCache(tmp_path / "c.sqlite3", user_id=1, user_name="Agent")
    with cache:
        cache.apply_bootstrap_page({"cursor": 5, "tickets": [snapshot(1), snapshot(2)], "next_after": 2, "has_more": True})
        cache.outbox.enqueue(OpKind.STATUS, 2, {"status": "on_hold"})  # the agent works while it loads
        cache.apply_bootstrap_page({"cursor": 5, "tickets": [snapshot(2, version=2, subject="Renamed"), snapshot(3)],
                                    "next_after": None, "has_more": False})
        shown = cache.ticket(2)
        assert (shown["subject"], shown["status"], shown["version"]) == ("Renamed", "on_hold", 2)
        assert cache.server_ticket(2) == snapshot(2, version=2, subject="Renamed")
        assert [(r.id, r.pending) for r in cache.rows()] == [(1, 0), (2, 1), (3, 0)]


def test_local_edits_are_rebased_on_newer_server_state(tmp_path):
    from desk_app.services.mutations import OpKind

    with bootstrapped(tmp_path / "c.sqlite3", [snapshot(1)], cursor=1) as cache:
        op, changes = cache.outbox.enqueue(OpKind.STATUS, 1, {"status": "pending_customer"})
        assert changes.local and changes.fields[1] >= {"status"}
        assert cache.ticket(1)["status"] == "pending_customer" and cache.server_ticket(1)["status"] == "open"
        # A colleague's change arrives: shown under our pending edit, which stays.
        cache.apply_changes([change(2, snapshot(1, version=2, subject="Renamed"), fields=["subject"])], 2)
        shown = cache.ticket(1)
        assert (shown["subject"], shown["status"], shown["version"]) == ("Renamed", "pending_customer", 2)
        # The server refuses ours: back to exactly the server's state.
        records, _ = cache.outbox.reject(op, code="version_conflict", message="changed meanwhile")
        assert cache.ticket(1) == snapshot(1, version=2, subject="Renamed")
        assert records[0].text is None and not records[0].draft_saved


def test_search_finds_number_order_subject_and_contact(tmp_path):
    with bootstrapped(tmp_path / "c.sqlite3", [snapshot(1), snapshot(2, subject="Refund for blue shoes")]) as cache:
        cache.store_ticket({**snapshot(1), "customer": {"id": 11, "name": "Asha Rao", "tier": "standard",
                            "email": "asha@example.com", "phone": "+919876543210", "contact_hidden": False,
                            "account_manager_id": None, "conduct_flag": False, "conduct_note": None},
                            "thread": [], "escalations": [], "attachments": []})
        assert [r.id for r in cache.search("DSK-000002")] == [2]
        assert [r.id for r in cache.search("SO-1")] == [1]
        assert [r.id for r in cache.search("blue shoes")] == [2]
        assert [r.id for r in cache.search("ASHA@example.com")] == [1]
        assert [r.id for r in cache.search("98765 43210")] == [1]
        assert cache.search("   ") == [] and cache.search("100%") == []


def test_search_finds_a_local_number_in_the_policies_countries(tmp_path):
    """An agent types the caller's "0813..." as the caller says it; the customer is "+62 813..."."""
    def customer(cid: int, name: str, phone: str) -> dict:
        return {"id": cid, "name": name, "tier": "standard", "email": None, "phone": phone, "contact_hidden": False,
                "account_manager_id": None, "conduct_flag": False, "conduct_note": None}

    with bootstrapped(tmp_path / "c.sqlite3", [snapshot(1), snapshot(2), snapshot(3)]) as cache:
        for tid, who in ((1, customer(11, "Budi Santoso", "+6281312345678")),
                         (2, customer(12, "Dewi Lestari", "0812-9876-5432")),
                         (3, customer(13, "Asha Rao", "+91 98765 43210"))):
            cache.store_ticket({**snapshot(tid), "customer": who, "thread": [], "escalations": [], "attachments": []})
        assert cache.search("0813 1234 5678") == []  # no policy says where the number is local yet
        cache.set_reference("policies", [{"key": "shopee", "country": "ID"}, {"key": "shopom", "country": "IN"}])
        assert [r.id for r in cache.search("0813 1234 5678")] == [1]
        assert [r.id for r in cache.search("0813-1234-5678")] == [1]
        assert [r.id for r in cache.search("+62 812 9876 5432")] == [2]  # saved in the local form
        assert [r.id for r in cache.search("098765 43210")] == [3]  # India's local form
        assert [r.id for r in cache.search("+6281312345678")] == [1]


@pytest.mark.parametrize("field", ["next_clock", "next_due"])
def test_the_most_urgent_clock_is_read_under_its_new_and_its_old_name(tmp_path, field):
    # The store sends `sla.next_clock`; stores (and snapshots kept) from before the rename say
    # `sla.next_due`. For one release the cache reads both, on every way a snapshot comes in.
    def ticket(tid: int, version: int = 1) -> dict:
        t = snapshot(tid, version=version)
        sla = {k: v for k, v in t["sla"].items() if k != "next_due"}
        t["sla"] = {**sla, field: f"clock-{tid}"}
        return t

    cache = bootstrapped(tmp_path / "c.sqlite3", [ticket(1)])  # the `json` bootstrap format
    cache.apply_changes([change(11, ticket(2))], 11)  # a change from the feed
    cache.store_ticket(ticket(3))  # a ticket read in full
    rows = {r.id: r.sla_next_clock for r in cache.rows()}
    assert rows == {1: "clock-1", 2: "clock-2", 3: "clock-3"}
    cache.close()
