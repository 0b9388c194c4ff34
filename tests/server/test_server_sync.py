"""Bootstrap and incremental changes, with visibility."""

from __future__ import annotations

from datetime import datetime

import orjson

from desk_app.server.sync.schemas import BootstrapOut, ChangesOut


def _bootstrap(user, limit):
    tickets, after, first_cursor = [], 0, None
    while True:
        page = user.get(f"/sync/bootstrap?after={after}&limit={limit}")
        assert page.status_code == 200, page.text
        body = BootstrapOut.model_validate(page.json())
        first_cursor = body.cursor if first_cursor is None else first_cursor
        tickets += body.tickets
        if not body.has_more:
            assert body.next_after is None
            return tickets, first_cursor
        after = body.next_after


def test_bootstrap_pages_then_changes_rebuild_the_same_state(store):
    ids = [store.agent.create_ticket(subject=f"T{i}")["id"] for i in range(7)]
    tickets, cursor = _bootstrap(store.agent, limit=3)
    assert [t.id for t in tickets] == ids and cursor == 7
    # Later changes arrive by cursor, in order, with the new cursor.
    store.agent.post(f"/tickets/{ids[2]}/take")
    store.agent2.post(f"/tickets/{ids[4]}/entries", {"kind": "public_reply", "body": "Hi"})
    r = store.agent.get(f"/sync/changes?since={cursor}")
    body = ChangesOut.model_validate(r.json())
    assert [c.seq for c in body.changes] == [8, 9] and body.cursor == 9 and not body.has_more
    assert [c.kind for c in body.changes] == ["ticket.assigned", "entry.added"]
    assert body.changes[1].data.entry.body == "Hi" and body.changes[1].data.ticket.status == "open"
    assert "assignee_id" in body.changes[0].fields and "sla" in body.changes[0].fields
    state = {t.id: t for t in tickets}
    for c in body.changes:
        state[c.ticket_id] = c.data.ticket
    for tid, t in state.items():
        current = store.agent.get(f"/tickets/{tid}").json()
        assert t.model_dump(mode="json", exclude={"escalation"}) == {
            k: current[k] for k in t.model_dump(exclude={"escalation"})
        }


def test_changes_page_with_limit_and_has_more(store):
    for i in range(5):
        store.agent.create_ticket(subject=f"T{i}")
    r = store.agent.get("/sync/changes?since=0&limit=2").json()
    assert [c["seq"] for c in r["changes"]] == [1, 2] and r["cursor"] == 2 and r["has_more"]
    r = store.agent.get("/sync/changes?since=4&limit=2").json()
    assert [c["seq"] for c in r["changes"]] == [5] and r["cursor"] == 5 and not r["has_more"]
    r = store.agent.get("/sync/changes?since=5").json()
    assert r == {"changes": [], "cursor": 5, "has_more": False}


def test_feed_hides_what_the_viewer_may_not_see(store):
    t = store.agent.create_ticket()
    secret = store.manager.create_ticket(queue_id=store.ids["queue:management"], subject="Secret")
    store.agent.post(f"/tickets/{t['id']}/escalate", {"reason": "Beyond tier 1"})
    # Another agent saw the creation, never the secret ticket, and learns that the escalated one left.
    other_feed = store.agent2.get("/sync/changes?since=0").json()
    kinds = [(c["kind"], c["ticket_id"]) for c in other_feed["changes"]]
    assert kinds == [("ticket.created", t["id"]), ("ticket.hidden", t["id"])]
    assert other_feed["cursor"] == 3
    assert other_feed["changes"][1]["data"] is None
    # The agent who escalated it follows it (tickets.follows): it stays in their sight, and the
    # feed says so (of every change to it: "following" is what the viewer does now).
    agent_feed = store.agent.get("/sync/changes?since=0").json()
    assert [(c["kind"], c.get("following", False)) for c in agent_feed["changes"]] == [
        ("ticket.created", True), ("ticket.escalated", True)]
    specialist_feed = store.specialist.get("/sync/changes?since=0").json()
    assert [c["kind"] for c in specialist_feed["changes"]] == ["ticket.created", "ticket.escalated"]
    manager_feed = store.manager.get("/sync/changes?since=0").json()
    assert [c["ticket_id"] for c in manager_feed["changes"]] == [t["id"], secret["id"], t["id"]]
    other_boot = store.agent2.get("/sync/bootstrap").json()
    assert other_boot["tickets"] == [] and other_boot["cursor"] == 3 and other_boot["following"] == []
    agent_boot = store.agent.get("/sync/bootstrap").json()
    assert [x["id"] for x in agent_boot["tickets"]] == [t["id"]] and agent_boot["following"] == [t["id"]]


def _rows_pages(user, limit):
    """GET /sync/bootstrap?format=rows, page by page: (head line, snapshot lines) per page."""
    pages, after = [], 0
    while True:
        r = user.get(f"/sync/bootstrap?after={after}&limit={limit}&format=rows")
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/x-ndjson")
        first, _, rest = r.content.partition(b"\n")
        head = orjson.loads(first)
        lines = rest.split(b"\n") if rest else []
        pages.append((head, [orjson.loads(line) for line in lines]))
        if not head["has_more"]:
            assert head["next_after"] is None
            return pages
        after = head["next_after"]


def test_bootstrap_rows_format_carries_the_same_tickets_and_their_queue_columns(store):
    ids = [store.agent.create_ticket(subject=f"Row {i}")["id"] for i in range(5)]
    store.agent.post(f"/tickets/{ids[1]}/take")
    json_tickets, cursor = _bootstrap(store.agent, limit=2)
    pages = _rows_pages(store.agent, limit=2)
    assert [len(snaps) for _, snaps in pages] == [2, 2, 1]
    assert {head["cursor"] for head, _ in pages} == {cursor}
    snapshots = [s for _, snaps in pages for s in snaps]
    # Each line is exactly the snapshot the JSON format serves.
    assert [t.id for t in json_tickets] == [s["id"] for s in snapshots] == ids
    assert snapshots == store.agent.get("/sync/bootstrap?limit=100").json()["tickets"]
    epoch = lambda value: datetime.fromisoformat(value).timestamp() if value else None  # noqa: E731
    for head, snaps in pages:
        assert len(head["rows"]) == len(snaps)
        for values, snap in zip(head["rows"], snaps, strict=True):
            row = dict(zip(head["columns"], values, strict=True))
            plain = ("id", "number", "subject", "status", "priority", "category", "channel", "tier", "policy",
                     "queue_id", "assignee_id", "customer_id", "customer_name", "customer_tier", "order_id", "version")
            assert {name: row[name] for name in plain} == {name: snap[name] for name in plain}
            assert row["created_at"] == epoch(snap["created_at"]) and row["updated_at"] == epoch(snap["updated_at"])
            assert row["sla_state"] == snap["sla"]["state"] and row["sla_next_clock"] == snap["sla"]["next_clock"]
            assert row["sla_due_at"] == epoch(snap["sla"]["due_at"])
            assert row["escalation_due_at"] == epoch((snap["sla"].get("escalation_due") or {}).get("due_at"))


def test_bootstrap_rows_format_of_nothing_is_a_head_line_alone(store):
    r = store.agent.get("/sync/bootstrap?format=rows")
    head = orjson.loads(r.content.partition(b"\n")[0])
    assert head["rows"] == [] and r.content.endswith(b"}\n")


def test_bootstrap_rejects_an_unknown_format(store):
    r = store.agent.get("/sync/bootstrap?format=xml")
    assert r.status_code == 422 and "format" in r.text


def test_bootstrap_serves_the_stored_text_byte_for_byte(store):
    """Pages are built from the stored UTF-8 bytes: non-ASCII text and JSON escapes
    (backslashes, quotes) come out exactly as the ticket reads."""
    subject = 'Paket belum sampai — "Ünïcödé" back\\slash \\n 日本'
    customer = {"name": "Zoë O'Brien", "email": "zoe@example.com", "phone": "+62 812 3456 7890"}
    tid = store.agent.create_ticket(subject=subject, customer=customer)["id"]
    ticket = store.agent.get(f"/tickets/{tid}").json()
    [(head, [snapshot])] = _rows_pages(store.agent, limit=5)
    [served] = store.agent.get("/sync/bootstrap").json()["tickets"]
    assert snapshot == served
    assert snapshot["subject"] == served["subject"] == ticket["subject"] == subject
    assert snapshot["customer_name"] == "Zoë O'Brien"
    assert dict(zip(head["columns"], head["rows"][0]))["subject"] == subject
