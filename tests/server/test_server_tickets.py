"""The tickets API: create, read, list, update with If-Match, thread, status, assignment, escalation."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from sqlalchemy import func, select

from desk_app.server.audit.models import AuditEntry
from desk_app.server.sync.models import Change
from desk_app.server.tickets.models import Ticket, TicketClock
from desk_app.server.tickets.schemas import EntryAddedOut, TicketDetailOut, TicketListOut, TicketOut
from store_helpers import ticket_body


def _state(db):
    """Everything a rejected change must leave untouched."""
    with db.read() as session:
        tickets = session.execute(select(Ticket.id, Ticket.version, Ticket.snapshot).order_by(Ticket.id)).all()
        changes = session.scalar(select(func.count()).select_from(Change))
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
    return tickets, changes, audits


def test_create_gives_number_version_clocks_and_thread(store, clock):
    t = store.agent.create_ticket()
    TicketDetailOut.model_validate(t)
    assert t["number"] == "DSK-000001" and t["version"] == 1 and t["status"] == "new" and t["tier"] == 1
    assert t["queue_id"] == store.ids["queue:general"]
    assert t["customer"]["email"] == "asha@example.com" and t["customer"]["phone"] == "+919876543210"
    keys = {c["key"] for c in t["sla"]["clocks"]}
    assert {"first_response", "tier_budget:1"} <= keys
    first = next(c for c in t["sla"]["clocks"] if c["key"] == "first_response")
    assert first["state"] == "running" and first["started_at"] == "2026-03-02T09:00:00Z"
    assert t["thread"][0]["kind"] == "customer_message"
    second = store.agent.create_ticket(subject="Another")
    assert second["number"] == "DSK-000002"
    assert second["customer_id"] == t["customer_id"]  # same email: same customer


def test_phone_ticket_records_the_call(store):
    t = store.agent.create_ticket(
        channel="phone",
        message={"kind": "phone_call", "body": "Caller asked about delivery.",
                 "call": {"number": "+91 98765 43210", "direction": "inbound", "duration_seconds": 300}},
    )
    call = t["thread"][0]
    assert call["kind"] == "phone_call" and call["call"] == {
        "number": "+919876543210", "direction": "inbound", "duration_seconds": 300}
    # A call is a first response under the SLA rules.
    first = next(c for c in t["sla"]["clocks"] if c["key"] == "first_response")
    assert first["state"] == "met"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"category": "gardening"}, "unknown_category"),
        ({"priority": "whenever"}, "unknown_priority"),
        ({"channel": "pigeon"}, "unknown_channel"),
        ({"policy": "nosuch"}, "unknown_policy"),
        ({"customer": None, "customer_id": 999}, "unknown_customer"),
        ({"queue_id": 999}, "unknown_queue"),
    ],
)
def test_create_rejects_choices_the_policy_does_not_have(store, db, change, code):
    before = _state(db)
    r = store.agent.post("/tickets", ticket_body(**change))
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code and r.json()["message"]
    assert _state(db) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"policy": "shopom"},
        ticket_body(subject=""),
        ticket_body(subject="x" * 301),
        ticket_body(subject="nul\x00byte"),
        ticket_body(customer=None),
        ticket_body(customer_id=1),  # both customer and customer_id
        ticket_body(message={"kind": "system_event", "body": "hi"}),
        ticket_body(message={"kind": "phone_call", "body": "no call details"}),
        ticket_body(message={"kind": "public_reply", "body": "   "}),
        ticket_body(unexpected="field"),
        ticket_body(customer_id=2**70, customer=None),
        [1, 2, 3],
        "just a string",
    ],
)
def test_malformed_create_is_a_clear_422(store, db, body):
    before = _state(db)
    r = store.agent.post("/tickets", body)
    assert r.status_code == 422, r.text
    err = r.json()
    assert err["code"] == "validation_error" and err["message"].startswith("The request is not valid")
    assert err["errors"] and all(e["field"] and e["message"] for e in err["errors"])
    assert _state(db) == before


def test_broken_json_and_wrong_content_are_4xx(store):
    headers = {**store.agent.headers, "Content-Type": "application/json"}
    client = store.agent.client
    for raw in (b"{bad", b"", b"\xff\xfe", b'{"subject": "a"' ):
        r = client.post("/api/v1/tickets", content=raw, headers=headers)
        assert r.status_code == 422, (raw, r.text)
        assert r.json()["code"] == "validation_error"


@pytest.mark.parametrize(
    "path",
    [
        "/tickets/0",
        "/tickets/-1",
        "/tickets/abc",
        "/tickets/99999999999999999999999",
        "/tickets?limit=0",
        "/tickets?limit=100000",
        "/tickets?status=nonsense",
        "/tickets?assignee=someone",
        "/tickets?breaching_within=-5",
        "/tickets?q=" + "x" * 500,
        "/tickets?q=%00",
        "/sync/changes?since=-1",
        "/sync/bootstrap?after=abc",
    ],
)
def test_malformed_queries_are_422_never_500(store, path):
    r = store.agent.get(path)
    assert r.status_code == 422, (path, r.text)
    assert r.json()["code"] == "validation_error"


def test_unknown_things_are_404_json(store):
    assert store.agent.get("/tickets/12345").json()["code"] == "ticket_not_found"
    r = store.agent.client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = store.agent.client.delete("/api/v1/tickets")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "values",
    ["not-a-cursor", ["number", 2**70], ["number", -1], ["number", True], ["due", "yesterday", 1], ["due", None],
     {"a": 1}, ["number"], []],
)
def test_bad_cursor_is_400(store, values):
    import base64
    import json

    cursor = values if isinstance(values, str) else base64.urlsafe_b64encode(json.dumps(values).encode()).decode()
    sort = values[0] if isinstance(values, list) and values and values[0] == "due" else "number"
    r = store.agent.get(f"/tickets?sort={sort}&cursor={cursor}")
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "invalid_cursor"


def test_update_with_if_match(store, db):
    t = store.agent.create_ticket()
    r = store.agent.patch(f"/tickets/{t['id']}", {"subject": "Parcel lost", "priority": "urgent"}, if_match=1)
    assert r.status_code == 200, r.text
    out = TicketOut.model_validate(r.json())
    assert out.version == 2 and out.subject == "Parcel lost" and out.priority == "urgent"
    assert r.headers["ETag"] == '"2"'
    # Priority selects the SLA rule: urgent targets are shorter.
    first_before = next(c for c in t["sla"]["clocks"] if c["key"] == "first_response")
    first_after = next(c for c in r.json()["sla"]["clocks"] if c["key"] == "first_response")
    assert first_after["target_seconds"] < first_before["target_seconds"]
    with db.read() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.updated")).one()
    assert orjson.loads(audit.before) == {"subject": "Parcel has not arrived", "priority": "normal"}
    assert orjson.loads(audit.after) == {"subject": "Parcel lost", "priority": "urgent"}
    assert audit.actor_name == "agent"


def test_stale_if_match_gets_412_with_current_ticket_and_changes_nothing(store, db):
    t = store.agent.create_ticket()
    assert store.agent2.patch(f"/tickets/{t['id']}", {"subject": "Agent 2 was first"}, if_match=1).status_code == 200
    before = _state(db)
    r = store.agent.patch(f"/tickets/{t['id']}", {"subject": "Agent 1 overwrites"}, if_match=1)
    assert r.status_code == 412
    body = r.json()
    assert body["code"] == "version_conflict" and "version 1" in body["message"]
    current = TicketDetailOut.model_validate(body["current"])
    assert current.version == 2 and current.subject == "Agent 2 was first"
    assert _state(db) == before


def test_update_needs_if_match_and_a_field(store):
    t = store.agent.create_ticket()
    r = store.agent.patch(f"/tickets/{t['id']}", {"subject": "x"})
    assert r.status_code == 428 and r.json()["code"] == "precondition_required"
    r = store.agent.patch(f"/tickets/{t['id']}", {}, if_match=1)
    assert r.status_code == 422
    r = store.agent.patch(f"/tickets/{t['id']}", {"status": "closed"}, if_match=1)
    assert r.status_code == 422  # status has its own endpoint
    r = store.agent.patch(f"/tickets/{t['id']}", {"subject": "x"}, if_match="banana")
    assert r.status_code == 422 and r.json()["code"] == "invalid_if_match"


def test_only_supervisors_move_a_ticket_to_another_policy(store):
    t = store.agent.create_ticket()
    change = {"policy": "pandorana", "category": "order_tracking", "priority": "normal", "channel": "email"}
    r = store.agent.patch(f"/tickets/{t['id']}", change, if_match=1)
    assert r.status_code == 403
    r = store.manager.patch(f"/tickets/{t['id']}", change, if_match=1)
    assert r.status_code == 200, r.text
    assert r.json()["policy"] == "pandorana" and r.json()["sla"]["rule"]


def test_thread_entries_move_status_and_clocks(store, clock):
    t = store.agent.create_ticket()
    tid = t["id"]
    clock.advance(timedelta(minutes=30))
    r = store.agent.post(f"/tickets/{tid}/entries", {"kind": "internal_note", "body": "Checking courier"})
    assert r.status_code == 201, r.text
    assert r.json()["ticket"]["status"] == "new"
    clock.advance(timedelta(minutes=30))
    r = store.agent.post(f"/tickets/{tid}/entries", {"kind": "public_reply", "body": "We are on it."}, if_match=2)
    assert r.status_code == 201, r.text
    out = EntryAddedOut.model_validate(r.json())
    assert out.ticket.status == "open" and out.entry.kind == "public_reply"
    first = next(c for c in out.ticket.sla.clocks if c.key == "first_response")
    assert first.state == "met"
    # Waiting on the customer pauses the clocks; their reply reopens the ticket.
    r = store.agent.post(f"/tickets/{tid}/status", {"status": "pending_customer"})
    assert r.status_code == 200
    budget = next(c for c in r.json()["sla"]["clocks"] if c["key"] == "tier_budget:1")
    assert budget["state"] == "paused" and budget["paused_reason"] == "pending_customer"
    clock.advance(timedelta(hours=5))
    r = store.agent.post(f"/tickets/{tid}/entries", {"kind": "customer_message", "body": "Any news?"})
    assert r.json()["ticket"]["status"] == "open"
    budget_after = next(c for c in r.json()["ticket"]["sla"]["clocks"] if c["key"] == "tier_budget:1")
    assert budget_after["state"] != "paused"
    assert budget_after["due_at"] > budget["due_at"] or budget_after["remaining_seconds"] == budget["remaining_seconds"]
    detail = store.agent.get(f"/tickets/{tid}").json()
    kinds = [(e["kind"], e["event_code"]) for e in detail["thread"]]
    assert ("system_event", "status_changed") in kinds
    assert [k for k, _ in kinds].count("customer_message") == 2


def test_status_changes_reopen_and_refuse_new(store, db):
    t = store.agent.create_ticket()
    tid = t["id"]
    assert store.agent.post(f"/tickets/{tid}/status", {"status": "resolved"}).json()["status"] == "resolved"
    r = store.agent.post(f"/tickets/{tid}/status", {"status": "open", "note": "Customer called back"})
    assert r.status_code == 200 and r.json()["status"] == "open"
    detail = store.agent.get(f"/tickets/{tid}").json()
    assert any(e["event_code"] == "reopened" for e in detail["thread"])
    assert any(e["kind"] == "internal_note" and e["body"] == "Customer called back" for e in detail["thread"])
    before = _state(db)
    r = store.agent.post(f"/tickets/{tid}/status", {"status": "new"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_status_transition"
    r = store.agent.post(f"/tickets/{tid}/status", {"status": "sleeping"})
    assert r.status_code == 422
    assert _state(db) == before
    # Setting the status it already has changes nothing.
    version = store.agent.get(f"/tickets/{tid}").json()["version"]
    r = store.agent.post(f"/tickets/{tid}/status", {"status": "open"})
    assert r.status_code == 200 and r.json()["version"] == version
    # The same status with a note: the status stays, the note is kept (never silently dropped).
    r = store.agent.post(f"/tickets/{tid}/status", {"status": "open", "note": "Still checking with the courier"})
    assert r.status_code == 200 and r.json()["status"] == "open"
    detail = store.agent.get(f"/tickets/{tid}").json()
    assert detail["thread"][-1]["kind"] == "internal_note"
    assert detail["thread"][-1]["body"] == "Still checking with the courier"
    assert not any(e["event_code"] == "status_changed" and e["data"].get("from") == e["data"].get("to")
                   for e in detail["thread"] if e.get("data"))


def test_take_and_assign(store):
    t = store.agent.create_ticket()
    tid = t["id"]
    r = store.agent.post(f"/tickets/{tid}/take")
    assert r.status_code == 200 and r.json()["assignee_id"] == store.ids["agent"]
    r = store.agent2.post(f"/tickets/{tid}/take")
    assert r.status_code == 409 and r.json()["code"] == "already_assigned"
    r = store.agent2.post(f"/tickets/{tid}/assign", {"assignee_id": store.ids["agent2"]})
    assert r.status_code == 409
    r = store.agent2.post(f"/tickets/{tid}/assign", {"assignee_id": store.ids["specialist"]})
    assert r.status_code == 403
    r = store.manager.post(f"/tickets/{tid}/assign", {"assignee_id": store.ids["agent2"]})
    assert r.status_code == 200 and r.json()["assignee_id"] == store.ids["agent2"]
    r = store.manager.post(f"/tickets/{tid}/assign", {"assignee_id": 999})
    assert r.status_code == 422 and r.json()["code"] == "unknown_user"
    r = store.agent2.post(f"/tickets/{tid}/assign", {"assignee_id": None})
    assert r.status_code == 200 and r.json()["assignee_id"] is None


def test_escalate_acknowledge_deescalate(store, db):
    t = store.agent.create_ticket()
    tid = t["id"]
    store.agent.post(f"/tickets/{tid}/take")
    r = store.agent.post(f"/tickets/{tid}/escalate", {"reason": "Refund above my limit"})
    assert r.status_code == 200, r.text
    up = r.json()
    assert up["tier"] == 2 and up["assignee_id"] is None and up["queue_id"] == store.ids["queue:specialists"]
    esc = up["escalation"]
    assert esc["from_tier"] == 1 and esc["to_tier"] == 2 and esc["kind"] == "manual" and not esc["acknowledged"]
    # In the specialists' private queue now: another agent no longer sees it; the one who
    # escalated it follows it (reads it, may not change it).
    assert store.agent2.get(f"/tickets/{tid}").status_code == 404
    assert store.agent.get(f"/tickets/{tid}").status_code == 200
    # Tier 2 acknowledges; an agent could not.
    r = store.specialist.post(f"/tickets/{tid}/escalations/{esc['id']}/acknowledge")
    assert r.status_code == 200 and r.json()["escalation"]["acknowledged"] is True
    r = store.specialist.post(f"/tickets/{tid}/escalations/{esc['id']}/acknowledge")
    assert r.status_code == 409 and r.json()["code"] == "already_acknowledged"
    r = store.specialist.post(f"/tickets/{tid}/escalate", {"reason": "Legal threat", "to_tier": 3})
    assert r.status_code == 200 and r.json()["tier"] == 3
    before = _state(db)
    r = store.manager.post(f"/tickets/{tid}/escalate", {"reason": "Higher?"})
    assert r.status_code == 409 and r.json()["code"] == "no_higher_tier"
    r = store.manager.post(f"/tickets/{tid}/escalate", {"reason": "   "})
    assert r.status_code == 422
    assert _state(db) == before
    r = store.manager.post(f"/tickets/{tid}/deescalate", {"reason": "Resolved the legal part", "to_tier": 1})
    assert r.status_code == 200 and r.json()["tier"] == 1 and r.json()["escalation"]["direction"] == "down"
    detail = store.agent.get(f"/tickets/{tid}").json()
    assert [e["direction"] for e in detail["escalations"]] == ["up", "up", "down"]
    assert sum(e["event_code"] in ("escalated", "deescalated") for e in detail["thread"]) == 3
    tiers = {c["key"] for c in detail["sla"]["clocks"] if c["key"].startswith("tier_budget")}
    assert tiers == {"tier_budget:1"}


def test_agent_cannot_escalate_a_ticket_above_their_tier(store):
    t = store.agent.create_ticket()
    store.specialist.post(f"/tickets/{t['id']}/escalate", {"reason": "Take it"})
    ticket = store.specialist.get(f"/tickets/{t['id']}").json()
    r = store.specialist.post(f"/tickets/{t['id']}/escalations/{ticket['escalation']['id']}/acknowledge")
    assert r.status_code == 200
    # Back in a public queue at tier 2, an agent sees it but may not act on its tier.
    store.manager.patch(f"/tickets/{t['id']}", {"queue_id": store.ids["queue:general"]}, if_match=3)
    r = store.agent.post(f"/tickets/{t['id']}/deescalate", {"reason": "mine"})
    assert r.status_code == 403
    r = store.agent.post(f"/tickets/{t['id']}/take")
    assert r.status_code == 403


def test_list_filters(store, clock):
    a = store.agent.create_ticket(subject="Refund missing", order_id="A-1", priority="urgent")
    b = store.agent.create_ticket(
        subject="Login broken", order_id="B-2", customer={"name": "Bo", "email": "bo@example.com", "phone": "+1 555 0100"}
    )
    c = store.agent.create_ticket(subject="Refund twice", order_id="C-3")
    store.agent.post(f"/tickets/{b['id']}/take")
    store.agent.post(f"/tickets/{c['id']}/status", {"status": "pending_customer"})

    def ids(query):
        r = store.agent.get("/tickets" + query)
        assert r.status_code == 200, r.text
        TicketListOut.model_validate(r.json())
        return [t["id"] for t in r.json()["tickets"]]

    assert ids("") == [a["id"], b["id"], c["id"]]
    assert ids("?status=pending_customer") == [c["id"]]
    assert ids("?status=new&status=pending_customer") == [a["id"], b["id"], c["id"]]
    assert ids("?assignee=me") == [b["id"]]
    assert ids("?assignee=none") == [a["id"], c["id"]]
    assert ids(f"?assignee={store.ids['agent']}") == [b["id"]]
    assert ids("?q=refund") == [a["id"], c["id"]]
    assert ids("?q=DSK-000002") == [b["id"]]
    assert ids("?q=asha") == [a["id"], c["id"]]  # customer name
    assert ids("?q=100%25") == []  # LIKE wildcards are literal
    assert ids("?order_id=C-3") == [c["id"]]
    assert ids("?phone=%2B1 555 0100") == [b["id"]]
    assert ids("?email=BO@example.com") == [b["id"]]
    assert ids(f"?queue={store.ids['queue:general']}&tier=1&policy=shopom") == [a["id"], b["id"], c["id"]]
    # The urgent ticket's first response is due within 4 hours; none is due within a minute.
    assert a["id"] in ids("?breaching_within=240")
    assert ids("?breaching_within=1") == []
    clock.advance(timedelta(hours=6))
    assert a["id"] in ids("?breaching_within=0")  # overdue counts as breaching


def test_cursor_pagination_visits_every_ticket_once(store):
    created = [store.agent.create_ticket(subject=f"T{i}", priority="urgent" if i % 3 == 0 else "normal")["id"]
               for i in range(7)]
    for sort in ("number", "due"):
        seen, cursor = [], None
        while True:
            query = f"/tickets?limit=3&sort={sort}" + (f"&cursor={cursor}" if cursor else "")
            page = store.agent.get(query).json()
            seen += [t["id"] for t in page["tickets"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(created) and len(seen) == len(set(seen)), sort
        if sort == "due":
            dues = [store.agent.get(f"/tickets/{i}").json()["sla"]["due_at"] for i in seen]
            assert dues == sorted(dues)
    # A cursor from one sort is refused by the other.
    cursor = store.agent.get("/tickets?limit=3&sort=number").json()["next_cursor"]
    assert store.agent.get(f"/tickets?sort=due&cursor={cursor}").status_code == 400


def test_clocks_are_stored_per_ticket(store, db):
    t = store.agent.create_ticket()
    with db.read() as session:
        rows = session.scalars(select(TicketClock).where(TicketClock.ticket_id == t["id"])).all()
        ticket = session.get(Ticket, t["id"])
    assert {r.key for r in rows} == {c["key"] for c in t["sla"]["clocks"]}
    assert ticket.sla_next_change_at is not None and ticket.sla_state == "running"
    assert ticket.sla_due_at == min(r.due_at for r in rows if r.state in ("running", "warning", "breached"))
