"""A dispute's other party: given at intake or by staff, mailed when asked for documents and on a lapse.

Shopee disputes give buyer and seller 3 days each (on_lapse = "decide"); the
ticket's customer is the party who wrote in, the counterparty the other one.
Its address is personal data: in the ticket's detail for staff, never in the
snapshot, the change feed, thread entries or audit records.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sqlalchemy import select

from desk_app.server.audit.models import AuditEntry
from desk_app.server.notifications.models import OutboxMessage
from desk_app.server.tickets.models import ThreadEntry, Ticket
from test_notifications_smtp import sender_for, smtp  # noqa: F401 - smtp is a fixture

API = "/api/v1"
BUYER = "budi@example.co.id"
SELLER = "toko.sinar@example.co.id"


def shopee_form(**overrides) -> dict[str, str]:
    form = {
        "topic": "pesanan_belum_diterima",
        "email": BUYER,
        "requester_role": "buyer",
        "order_number": "SPX-2026-0001",
        "description": "Paket belum sampai.",
        "counterparty_email": SELLER,
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def intake(client, **overrides) -> int:
    r = client.post(API + "/intake", data=shopee_form(**overrides))
    assert r.status_code == 201, r.text
    return r.json()["ticket_id"]


def mails(db, ticket_id: int, trigger: str) -> list[OutboxMessage]:
    with db.read() as s:
        return s.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.ticket_id == ticket_id, OutboxMessage.trigger == trigger)
            .order_by(OutboxMessage.id)
        ).all()


def put_counterparty(as_, ticket_id: int, body: dict, if_match: int | None = None):
    headers = {**as_.headers, "Idempotency-Key": str(uuid.uuid4())}
    if if_match is not None:
        headers["If-Match"] = str(if_match)
    return as_.client.put(f"{API}/tickets/{ticket_id}/counterparty", json=body, headers=headers)


def test_intake_takes_the_counterparty_and_staff_see_it_in_the_detail_only(client, store, db):
    tid = intake(client, counterparty_email="  Toko.Sinar@Example.co.id ")
    with db.read() as s:
        ticket = s.get(Ticket, tid)
        assert (ticket.counterparty_email, ticket.counterparty_role) == (SELLER, "seller")
        assert SELLER not in ticket.snapshot and SELLER not in ticket.queue_row
    # The receipt goes to the customer only.
    assert [m.recipient for m in mails(db, tid, "received")] == [BUYER]
    detail = store.agent.get(f"/tickets/{tid}").json()
    assert detail["counterparty"] == {"role": "seller", "email": SELLER, "contact_hidden": False}
    assert "counterparty" not in store.agent.get(f"/tickets?policy=shopee").json()["tickets"][0]
    changes = store.agent.get("/sync/changes", params={"since": 0}).json()["changes"]
    assert changes and SELLER not in str(changes)


def test_intake_refuses_a_counterparty_where_there_is_no_dispute_or_a_bad_address(client, db):
    cases = [
        ({"counterparty_email": "not-an-address"}, "validation_error", "counterparty_email"),
        ({"counterparty_email": "a@b"}, "validation_error", "counterparty_email"),
        ({"topic": "pertanyaan_umum", "order_number": None}, "counterparty_not_accepted", "not disputes"),
        ({"counterparty_email": BUYER}, "counterparty_is_customer", "customer's own"),
    ]
    for overrides, code, words in cases:
        r = client.post(API + "/intake", data=shopee_form(**overrides))
        assert r.status_code == 422, (overrides, r.text)
        assert r.json()["code"] == code and words in r.json()["message"], r.json()
    with db.read() as s:
        assert s.scalars(select(Ticket)).all() == []  # nothing of a refused request is stored


def test_a_request_mails_only_the_party_asked(client, store, db):
    tid = intake(client)
    r = store.agent.post(f"/tickets/{tid}/evidence/request", {"party": "seller"})
    assert r.status_code == 200, r.text
    [to_seller] = mails(db, tid, "info_requested")
    assert to_seller.recipient == SELLER
    assert to_seller.body.startswith("Halo Penjual,") and "Budi" not in to_seller.body
    assert BUYER not in to_seller.body
    r = store.agent.post(f"/tickets/{tid}/evidence/request", {"party": "buyer"})
    assert r.status_code == 200, r.text
    assert [m.recipient for m in mails(db, tid, "info_requested")] == [SELLER, BUYER]
    detail = store.agent.get(f"/tickets/{tid}").json()
    asked = [e["data"] for e in detail["thread"] if e["event_code"] == "documents_requested"]
    assert [(d["party"], d["mailed"]) for d in asked] == [("seller", True), ("buyer", True)]


def test_without_a_counterparty_the_request_is_not_mailed(client, store, db):
    tid = intake(client, counterparty_email=None)
    assert store.agent.post(f"/tickets/{tid}/evidence/request", {"party": "seller"}).status_code == 200
    assert mails(db, tid, "info_requested") == []
    detail = store.agent.get(f"/tickets/{tid}").json()
    assert detail["counterparty"] is None
    [asked] = [e for e in detail["thread"] if e["event_code"] == "documents_requested"]
    assert asked["data"]["mailed"] is False and "ask them directly" in asked["body"]


def test_a_lapse_mails_both_parties_exactly_once(client, app, store, db, clock):
    tid = intake(client)
    store.agent.post(f"/tickets/{tid}/take")
    assert store.agent.post(f"/tickets/{tid}/evidence/request", {"party": "seller"}).status_code == 200
    clock.advance(timedelta(days=3, minutes=1))
    store._as.clear()
    app.state.scheduler.run_due(clock.now())
    app.state.scheduler.run_due(clock.now())
    lapsed = mails(db, tid, "evidence_lapsed")
    assert sorted(m.recipient for m in lapsed) == sorted([BUYER, SELLER])
    assert len({m.dedupe_key for m in lapsed}) == 2 and all(SELLER not in m.dedupe_key for m in lapsed)
    by_to = {m.recipient: m for m in lapsed}
    # Both read right: the seller's window closed, the case goes to Shopee's decision.
    for m in lapsed:
        assert "bagi penjual" in m.body and "hasil investigasi Tim Shopee" in m.body
    assert by_to[SELLER].body.startswith("Halo Penjual,")
    assert not by_to[BUYER].body.startswith("Halo Penjual,")
    after = store.manager.get(f"/tickets/{tid}").json()
    assert [e["data"]["next_step"] for e in after["thread"] if e["event_code"] == "evidence_lapsed"] == ["decision"]


def test_staff_set_the_counterparty_audited_without_the_address(store, db):
    t = store.agent.create_ticket(
        policy="shopee", category="pesanan_belum_diterima", priority="normal", channel="web_form",
        subject="Pesanan belum diterima", order_id="SPX-1",
        customer={"name": "Budi", "email": BUYER},
    )
    tid = t["id"]
    store.agent.post(f"/tickets/{tid}/take")
    r = put_counterparty(store.agent, tid, {"party": "courier", "email": SELLER})
    assert r.status_code == 422 and r.json()["code"] == "unknown_party"
    r = put_counterparty(store.agent, tid, {"party": "seller", "email": "bad address@x"})
    assert r.status_code == 422
    # Another agent may not see this ticket's contacts (it is taken): nor set them.
    r = put_counterparty(store.agent2, tid, {"party": "seller", "email": SELLER})
    assert r.status_code == 403
    r = put_counterparty(store.agent, tid, {"party": "seller", "email": SELLER})
    assert r.status_code == 200, r.text
    assert "counterparty" not in r.json() and SELLER not in r.text
    version = r.json()["version"]
    assert store.agent.get(f"/tickets/{tid}").json()["counterparty"]["email"] == SELLER
    hidden = store.agent2.get(f"/tickets/{tid}").json()["counterparty"]
    assert hidden == {"role": "seller", "email": None, "contact_hidden": True}
    # Stale version: refused.
    r = put_counterparty(store.agent, tid, {"party": "seller", "email": None}, if_match=version - 1)
    assert r.status_code == 412
    r = put_counterparty(store.agent, tid, {"party": "seller", "email": None}, if_match=version)
    assert r.status_code == 200
    assert store.agent.get(f"/tickets/{tid}").json()["counterparty"] is None
    with db.read() as s:
        audits = s.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == str(tid), AuditEntry.action.like("ticket.counterparty%"))
            .order_by(AuditEntry.id)
        ).all()
        entries = s.scalars(select(ThreadEntry).where(ThreadEntry.ticket_id == tid)).all()
    assert [(a.action, a.actor_id) for a in audits] == [
        ("ticket.counterparty_set", store.ids["agent"]),
        ("ticket.counterparty_cleared", store.ids["agent"]),
    ]
    assert json.loads(audits[0].after) == {"counterparty_role": "seller", "has_counterparty": True}
    assert all(SELLER not in (a.before or "") + (a.after or "") for a in audits)
    assert all(SELLER not in e.body + (e.data or "") for e in entries)
    changes = store.agent.get("/sync/changes", params={"since": 0}).json()["changes"]
    assert any(c["kind"] == "ticket.counterparty" for c in changes) and SELLER not in str(changes)


def test_no_counterparty_outside_disputes(store):
    t = store.agent.create_ticket(
        policy="shopee", category="pertanyaan_umum", priority="normal", channel="web_form", subject="Promo",
        customer={"name": "Budi", "email": BUYER}, order_id=None,
    )
    r = put_counterparty(store.agent, t["id"], {"party": "seller", "email": SELLER})
    assert r.status_code == 422 and r.json()["code"] == "no_counterparty"


def test_the_thread_says_whom_each_lapse_mail_went_to(client, app, store, db, clock, smtp):
    handler, controller = smtp()
    tid = intake(client)
    store.agent.post(f"/tickets/{tid}/take")
    store.agent.post(f"/tickets/{tid}/evidence/request", {"party": "seller"})
    clock.advance(timedelta(days=3, minutes=1))
    app.state.scheduler.run_due(clock.now())
    sender = sender_for(app, controller.port)
    while sender.process_due():
        pass
    # The buyer's receipt, the seller's request for documents, then the lapse to both.
    assert [to for m in handler.messages for to in m.rcpt_tos].count(SELLER) == 2
    with db.read() as s:
        texts = s.scalars(
            select(ThreadEntry.body).where(ThreadEntry.ticket_id == tid, ThreadEntry.event_code == "notification_sent")
        ).all()
    lapse = sorted(t for t in texts if "(evidence_lapsed)" in t)
    assert [t.split(" sent ")[0] for t in lapse] == ["Email to the customer", "Email to the seller"]
    assert all(SELLER not in t and BUYER not in t for t in texts)
