"""Evidence windows in disputes: request, receipt, lapse moves the case to the decision and tells the customer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from desk_app.server.notifications.models import OutboxMessage

# Shopee: disputes (pesanan_belum_diterima, ...) give buyer and seller 3 days each; on_lapse = "decide".
DISPUTE = {"policy": "shopee", "category": "pesanan_belum_diterima", "priority": "normal", "channel": "web_form",
           "subject": "Pesanan belum diterima"}


def test_evidence_requests_validate(store):
    t = store.agent.create_ticket(**DISPUTE)
    other = store.agent.create_ticket(**{**DISPUTE, "category": "lainnya"})
    r = store.agent.post(f"/tickets/{other['id']}/evidence/request", {"party": "buyer"})
    assert r.status_code == 422 and r.json()["code"] == "no_evidence_window"
    r = store.agent.post(f"/tickets/{t['id']}/evidence/request", {"party": "courier"})
    assert r.status_code == 422 and "buyer, seller" in r.json()["message"]
    r = store.agent.post(f"/tickets/{t['id']}/evidence/received", {"party": "buyer"})
    assert r.status_code == 409 and r.json()["code"] == "evidence_not_requested"
    assert store.agent.post(f"/tickets/{t['id']}/evidence/request", {"party": "buyer"}).status_code == 200
    r = store.agent.post(f"/tickets/{t['id']}/evidence/request", {"party": "buyer"})
    assert r.status_code == 409 and r.json()["code"] == "evidence_already_requested"
    assert store.client.post(f"/api/v1/tickets/{t['id']}/evidence/request", json={"party": "buyer"}).status_code == 401


def test_lapsed_window_moves_the_case_to_the_decision_once(store, app, db, clock):
    t = store.agent.create_ticket(**DISPUTE)
    tid = t["id"]
    store.agent.post(f"/tickets/{tid}/take")
    for party in ("buyer", "seller"):
        r = store.agent.post(f"/tickets/{tid}/evidence/request", {"party": party})
        assert r.status_code == 200, r.text
    store.agent.post(f"/tickets/{tid}/status", {"status": "pending_customer"})
    clock.advance(timedelta(days=1))
    store._as.clear()
    r = store.agent.post(f"/tickets/{tid}/evidence/received", {"party": "seller", "note": "Courier receipt"})
    assert r.status_code == 200
    seller = next(c for c in r.json()["sla"]["clocks"] if c["key"] == "evidence:seller")
    assert seller["state"] == "met"
    clock.advance(timedelta(days=2, minutes=1))
    store._as.clear()
    app.state.scheduler.run_due(clock.now())
    app.state.scheduler.run_due(clock.now())
    after = store.manager.get(f"/tickets/{tid}").json()
    lapsed = [e for e in after["thread"] if e["event_code"] == "evidence_lapsed"]
    assert len(lapsed) == 1 and lapsed[0]["data"]["party"] == "buyer" and lapsed[0]["data"]["next_step"] == "decision"
    assert after["status"] == "open"
    with db.read() as s:
        mails = s.scalars(select(OutboxMessage).where(OutboxMessage.trigger == "evidence_lapsed")).all()
    assert [m.ticket_id for m in mails] == [tid]
