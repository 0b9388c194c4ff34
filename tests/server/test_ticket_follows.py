"""Tier 1 does not lose what it escalates: followers read it, find it, hear of it; de-escalation gives it back."""

from __future__ import annotations

import httpx
import orjson
import pytest
from sqlalchemy import select

from store_helpers import API, SseStream, live_server, login, seed_staff_and_queues, ticket_body

from desk_app.server.sync import router as sync_router
from desk_app.server.tickets.follows import ESCALATED, OWNER, TicketFollow, followers_of_move


def _escalated_by_agent(store, **overrides):
    t = store.agent.create_ticket(**overrides)
    assert store.agent.post(f"/tickets/{t['id']}/take").status_code == 200
    r = store.agent.post(f"/tickets/{t['id']}/escalate", {"reason": "Refund above my limit"})
    assert r.status_code == 200, r.text
    assert r.json()["queue_id"] == store.ids["queue:specialists"]  # a private queue of tier 2
    return r.json()


def test_followers_of_a_move():
    assert followers_of_move(actor_id=1, previous_assignee_id=2, taken_by_id=None) == {1: ESCALATED, 2: OWNER}
    assert followers_of_move(actor_id=1, previous_assignee_id=1, taken_by_id=None) == {1: ESCALATED}
    # The scheduler moved it: its owner follows; whoever took it up there owns it, not follows it.
    assert followers_of_move(actor_id=None, previous_assignee_id=2, taken_by_id=None) == {2: OWNER}
    assert followers_of_move(actor_id=3, previous_assignee_id=2, taken_by_id=3) == {2: OWNER}


def test_the_agent_who_escalated_reads_finds_and_lists_it_but_cannot_change_it(store):
    t = _escalated_by_agent(store, subject="Refund for the broken kettle", order_id="SO-7001")
    tid = t["id"]
    detail = store.agent.get(f"/tickets/{tid}")
    assert detail.status_code == 200 and detail.json()["tier"] == 2
    # Search (text, order id) and the list find it, as for any ticket in sight.
    assert [x["id"] for x in store.agent.get("/tickets?q=kettle").json()["tickets"]] == [tid]
    assert [x["id"] for x in store.agent.get("/tickets?order_id=SO-7001").json()["tickets"]] == [tid]
    # Tier 2 works it now: a change answers 403, saying why, and changes nothing.
    for path, body in ((f"/tickets/{tid}/entries", {"kind": "internal_note", "body": "peek"}),
                       (f"/tickets/{tid}/status", {"status": "resolved"}),
                       (f"/tickets/{tid}/take", None)):
        r = store.agent.post(path, body)
        assert r.status_code == 403 and r.json()["code"] == "following_only", (path, r.text)
    assert store.agent.get(f"/tickets/{tid}").json()["version"] == t["version"]
    # Another agent does not see it at all.
    assert store.agent2.get(f"/tickets/{tid}").status_code == 404
    assert store.agent2.get("/tickets?q=kettle").json()["tickets"] == []
    # The specialist works it; its changes keep reaching the follower.
    assert store.specialist.post(f"/tickets/{tid}/take").status_code == 200
    feed = store.agent.get("/sync/changes?since=0").json()["changes"]
    assert [c["kind"] for c in feed] == ["ticket.created", "ticket.assigned", "ticket.escalated", "ticket.assigned"]
    assert all(c["following"] for c in feed) and feed[-1]["data"]["ticket"]["assignee_id"] == store.ids["specialist"]


def test_the_owner_follows_when_someone_else_sends_it_up(store, db):
    t = store.agent.create_ticket()
    store.agent.post(f"/tickets/{t['id']}/take")
    r = store.specialist.post(f"/tickets/{t['id']}/escalate", {"reason": "Taking this one up", "to_tier": 3})
    assert r.status_code == 200 and r.json()["tier"] == 3
    with db.read() as session:
        rows = session.execute(select(TicketFollow.user_id, TicketFollow.reason, TicketFollow.from_tier)).all()
    assert sorted(rows) == sorted([(store.ids["agent"], OWNER, 1), (store.ids["specialist"], ESCALATED, 1)])
    assert store.agent.get(f"/tickets/{t['id']}").status_code == 200
    assert store.specialist.get(f"/tickets/{t['id']}").status_code == 200  # tier 3's private queue


def test_a_deescalated_ticket_goes_back_to_the_agent_who_escalated_it(store):
    t = _escalated_by_agent(store)
    tid = t["id"]
    r = store.specialist.post(f"/tickets/{tid}/deescalate", {"reason": "Refund approved; please tell the customer"})
    assert r.status_code == 200, r.text
    back = r.json()
    assert back["tier"] == 1 and back["assignee_id"] == store.ids["agent"]
    assert back["escalation"]["direction"] == "down"
    # The change the agent's client hears: de-escalated, to them (their client tells them).
    change = store.agent.get("/sync/changes?since=0").json()["changes"][-1]
    assert change["kind"] == "ticket.deescalated" and change["actor_id"] == store.ids["specialist"]
    assert change["data"]["ticket"]["assignee_id"] == store.ids["agent"]
    entry = change["data"]["entry"]
    assert entry["event_code"] == "deescalated" and entry["data"]["returned_to"] == store.ids["agent"]
    assert "back to Agent" in entry["body"]
    # Theirs again: they may work it.
    assert store.agent.post(f"/tickets/{tid}/entries", {"kind": "internal_note", "body": "Calling them"}).status_code == 201


def test_a_deescalated_ticket_goes_to_the_queue_when_the_agent_left(store, db):
    from desk_app.server.auth.models import User

    t = _escalated_by_agent(store)
    with db.write() as session:
        session.get(User, store.ids["agent"]).active = False
    r = store.specialist.post(f"/tickets/{t['id']}/deescalate", {"reason": "Back to tier 1"})
    assert r.status_code == 200
    assert r.json()["assignee_id"] is None and r.json()["queue_id"] == store.ids["queue:general"]


@pytest.fixture
def live(app, db, clock, monkeypatch):
    # The stream would re-read who may see what only every few seconds: the follow must not wait for that.
    monkeypatch.setattr(sync_router, "VIEWER_TTL_SECONDS", 3600.0)
    ids = seed_staff_and_queues(db, clock.now())
    with live_server(app) as base:
        http = httpx.Client(base_url=base, timeout=10)
        tokens = {name: login(http, name) for name in ("agent", "agent2")}
        yield base, http, tokens, ids
        http.close()


def _post(http, token, path, body=None):
    r = http.post(API + path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_the_live_stream_keeps_an_escalated_ticket_with_its_follower(live):
    """The stream's viewer was read before the follow existed: the escalation must not hide the ticket."""
    base, http, tokens, _ = live
    agent = SseStream(base + "/events", tokens["agent"])
    other = SseStream(base + "/events", tokens["agent2"])
    try:
        t = _post(http, tokens["agent"], "/tickets", ticket_body())
        for stream in (agent, other):
            assert orjson.loads(stream.next()["data"])["kind"] == "ticket.created"
        _post(http, tokens["agent"], f"/tickets/{t['id']}/escalate", {"reason": "Beyond tier 1"})
        mine = orjson.loads(agent.next()["data"])
        assert mine["kind"] == "ticket.escalated" and mine["following"] is True
        assert mine["data"]["ticket"]["tier"] == 2
        assert orjson.loads(other.next()["data"])["kind"] == "ticket.hidden"
    finally:
        agent.close()
        other.close()
