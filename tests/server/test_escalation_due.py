"""Escalation-due prompts: tier budgets, customer requests, grace period, escalate / keep / acknowledge."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from sqlalchemy import select

from desk_app.server.sync.models import Change
from desk_app.server.tickets.models import EscalationDueRecord, ThreadEntry

# Shopom: tier 1 holds a ticket 72h (24/7), grace 1h, keep allowed, customers may ask.
BUDGET = timedelta(hours=72)


def _run(app, clock):
    return app.state.scheduler.run_due(clock.now())


def advance(store, clock, delta):
    """Move time on; sessions expire after 12h, so everyone logs in again."""
    clock.advance(delta)
    store._as.clear()


def _ticket(store, who="agent", **kw):
    t = store.as_(who).create_ticket(**kw)
    store.as_(who).post(f"/tickets/{t['id']}/take")
    return store.as_(who).get(f"/tickets/{t['id']}").json()


def _events(db, tid, code):
    with db.read() as s:
        return s.scalars(
            select(ThreadEntry).where(ThreadEntry.ticket_id == tid, ThreadEntry.event_code == code)
        ).all()


def _budget_run_out(store, app, clock):
    t = _ticket(store)
    advance(store, clock, BUDGET)
    _run(app, clock)
    return store.agent.get(f"/tickets/{t['id']}").json()


def test_tier_budget_running_out_creates_one_prompt_for_the_owner(store, app, db, clock):
    t = _ticket(store)
    assert t["escalation_due"] is None
    advance(store, clock, BUDGET - timedelta(minutes=1))
    _run(app, clock)
    assert store.agent.get(f"/tickets/{t['id']}").json()["escalation_due"] is None
    advance(store, clock, timedelta(minutes=1))
    _run(app, clock)
    after = store.agent.get(f"/tickets/{t['id']}").json()
    due = after["escalation_due"]
    assert due["owner_id"] == store.ids["agent"] and due["from_tier"] == 1 and due["to_tier"] == 2
    assert due["source"] == "budget" and due["can_keep"] is True and due["state"] == "open"
    assert due["to_tier_name"] == "Senior Support Specialist"
    assert due["auto_at"] == (clock.now() + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    # A scheduler-only change: the version stays, the change carries the system entry.
    assert after["version"] == t["version"]
    with db.read() as s:
        last = s.scalars(select(Change).where(Change.ticket_id == t["id"]).order_by(Change.seq.desc())).first()
    data = orjson.loads(last.payload)["data"]
    assert data["entry"]["event_code"] == "escalation_due" and data["ticket"]["escalation_due"]["id"] == due["id"]
    # Replays at the same instant and later passes create nothing more.
    _run(app, clock)
    advance(store, clock, timedelta(minutes=10))
    _run(app, clock)
    with db.read() as s:
        assert len(s.scalars(select(EscalationDueRecord)).all()) == 1
    assert len(_events(db, t["id"], "escalation_due")) == 1


def test_owner_escalates_from_the_prompt(store, app, db, clock):
    t = _budget_run_out(store, app, clock)
    due = t["escalation_due"]
    path = f"/tickets/{t['id']}/escalation-due/{due['id']}"
    assert store.agent2.post(path + "/escalate", {"reason": "not mine"}).status_code == 403
    assert store.agent.post(path + "/escalate", {"reason": "  "}).status_code == 422
    assert store.agent.post(path + "/escalate", {"reason": "x"}, if_match=t["version"] + 5).status_code == 412
    r = store.agent.post(path + "/escalate", {"reason": "Refund above my limit"}, if_match=t["version"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["tier"] == 2 and body["escalation_due"] is None and body["version"] == t["version"] + 1
    assert body["escalation"]["kind"] == "manual" and body["assignee_id"] is None
    again = store.manager.post(path + "/escalate", {"reason": "again"})
    assert again.status_code == 409 and again.json()["code"] == "escalation_due_handled"
    with db.read() as s:
        record = s.get(EscalationDueRecord, due["id"])
    assert record.state == "escalated" and record.handled_by_id == store.ids["agent"] and record.escalation_id


def test_specialist_acknowledges_and_takes_it(store, app, db, clock):
    t = _budget_run_out(store, app, clock)
    path = f"/tickets/{t['id']}/escalation-due/{t['escalation_due']['id']}"
    r = store.agent.post(path + "/acknowledge")
    assert r.status_code == 403 and "tier 2" in r.json()["message"]
    r = store.specialist.post(path + "/acknowledge")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["tier"] == 2 and body["assignee_id"] == store.ids["specialist"]
    assert body["escalation"]["acknowledged"] is True and body["escalation_due"] is None
    with db.read() as s:
        assert s.get(EscalationDueRecord, t["escalation_due"]["id"]).state == "acknowledged"


def test_keep_with_a_note_restarts_the_budget(store, app, db, clock):
    t = _budget_run_out(store, app, clock)
    path = f"/tickets/{t['id']}/escalation-due/{t['escalation_due']['id']}"
    assert store.agent.post(path + "/keep", {}).status_code == 422  # the note is required
    r = store.agent.post(path + "/keep", {"note": "Courier confirmed delivery tomorrow"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["tier"] == 1 and body["escalation_due"] is None and body["assignee_id"] == store.ids["agent"]
    detail = store.agent.get(f"/tickets/{t['id']}").json()
    assert any(e["kind"] == "internal_note" and "Courier" in e["body"] for e in detail["thread"])
    assert any(e["event_code"] == "escalation_kept" for e in detail["thread"])
    budget = next(c for c in detail["sla"]["clocks"] if c["key"] == "tier_budget:1")
    assert budget["started_at"] == clock.now().isoformat().replace("+00:00", "Z")
    # The new stay has its own budget: a second prompt 72h later.
    advance(store, clock, BUDGET)
    _run(app, clock)
    assert store.agent.get(f"/tickets/{t['id']}").json()["escalation_due"]["id"] != t["escalation_due"]["id"]


def test_keep_is_refused_where_the_policy_does_not_allow_it(store, app, clock):
    # Shopee: tier 1 holds a case for 2 days, grace 30m, allow_keep = false.
    t = _ticket(store, policy="shopee", category="lainnya", priority="normal", channel="web_form",
                subject="Saldo tidak masuk")
    advance(store, clock, timedelta(days=2))
    _run(app, clock)
    t = store.agent.get(f"/tickets/{t['id']}").json()
    assert t["escalation_due"]["can_keep"] is False
    r = store.agent.post(f"/tickets/{t['id']}/escalation-due/{t['escalation_due']['id']}/keep", {"note": "mine"})
    assert r.status_code == 409 and r.json()["code"] == "keep_not_allowed"


def test_unhandled_prompt_escalates_by_itself_after_the_grace_period(store, app, db, clock):
    t = _budget_run_out(store, app, clock)
    advance(store, clock, timedelta(minutes=59))
    _run(app, clock)
    assert store.agent.get(f"/tickets/{t['id']}").json()["tier"] == 1
    advance(store, clock, timedelta(minutes=1))
    report = _run(app, clock)
    assert report.processed == [t["id"]]
    after = store.specialist.get(f"/tickets/{t['id']}").json()
    assert after["tier"] == 2 and after["escalation"]["kind"] == "automatic" and after["escalation_due"] is None
    auto = [e for e in after["thread"] if e["event_code"] == "escalated"]
    assert len(auto) == 1 and "automatically" in auto[0]["body"]
    _run(app, clock)
    assert len(_events(db, t["id"], "escalated")) == 1
    with db.read() as s:
        assert s.get(EscalationDueRecord, t["escalation_due"]["id"]).state == "auto_escalated"


def test_no_automatic_escalation_while_the_ticket_is_paused(store, app, clock):
    t = _budget_run_out(store, app, clock)
    # A minute later: a budget that ran out at the very instant the pause began would be due
    # only once counting resumes (see core test_a_budget_that_runs_out_as_the_pause_begins...).
    advance(store, clock, timedelta(minutes=1))
    store.agent.post(f"/tickets/{t['id']}/status", {"status": "pending_customer"})
    advance(store, clock, timedelta(hours=3))
    _run(app, clock)
    paused = store.agent.get(f"/tickets/{t['id']}").json()
    assert paused["tier"] == 1 and paused["escalation_due"]["state"] == "open"
    store.agent.post(f"/tickets/{t['id']}/status", {"status": "open"})
    advance(store, clock, timedelta(hours=1))
    _run(app, clock)
    assert store.manager.get(f"/tickets/{t['id']}").json()["tier"] == 2


def test_resolving_withdraws_the_prompt(store, app, db, clock):
    t = _budget_run_out(store, app, clock)
    r = store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"})
    assert r.json()["escalation_due"] is None
    with db.read() as s:
        assert s.get(EscalationDueRecord, t["escalation_due"]["id"]).state == "withdrawn"
    advance(store, clock, timedelta(hours=5))
    _run(app, clock)
    assert store.agent.get(f"/tickets/{t['id']}").json()["tier"] == 1


def test_customer_request_creates_the_prompt_at_once(store, app, db, clock):
    t = _ticket(store)
    r = store.agent.post(f"/tickets/{t['id']}/escalation-request", {"note": "Customer is not satisfied"})
    assert r.status_code == 200, r.text
    due = r.json()["escalation_due"]
    assert due["source"] == "customer_request" and due["can_keep"] is False and due["to_tier"] == 2
    keep = store.agent.post(f"/tickets/{t['id']}/escalation-due/{due['id']}/keep", {"note": "no"})
    assert keep.status_code == 409
    r = store.agent.post(f"/tickets/{t['id']}/escalation-due/{due['id']}/escalate", {"reason": "As asked"})
    assert r.json()["escalation"]["kind"] == "customer_request"


def test_customer_request_reopens_a_resolved_ticket(store, app, clock):
    t = _ticket(store)
    store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"})
    r = store.agent.post(f"/tickets/{t['id']}/escalation-request", {"note": "Not satisfied with the resolution"})
    assert r.status_code == 200 and r.json()["status"] == "open" and r.json()["escalation_due"] is not None


@pytest.mark.parametrize(
    ("policy", "extra", "code"),
    [
        ("pandorana", {"category": "complaints", "priority": "normal", "channel": "email"},
         "escalation_request_not_offered"),
    ],
)
def test_customer_request_where_the_policy_offers_none(store, policy, extra, code):
    t = _ticket(store, policy=policy, **extra)
    r = store.agent.post(f"/tickets/{t['id']}/escalation-request", {"note": "Escalate please"})
    assert r.status_code == 409 and r.json()["code"] == code


def test_prompt_endpoints_validate_and_need_a_token(store, app, clock):
    t = _budget_run_out(store, app, clock)
    base = f"/tickets/{t['id']}/escalation-due"
    assert store.agent.post(f"{base}/999999/escalate", {"reason": "x"}).status_code == 404
    assert store.agent.post(f"{base}/0/escalate", {"reason": "x"}).status_code == 422
    assert store.agent.post(f"{base}/{t['escalation_due']['id']}/escalate", {"reason": "x", "extra": 1}).status_code == 422
    anon = store.client.post(f"/api/v1{base}/{t['escalation_due']['id']}/acknowledge")
    assert anon.status_code == 401
