"""Agent performance as a manager reads it: the unassigned tickets apart, first responses per channel.

An agent who takes calls all day answers each ticket created from a call at
once (the call is the response, 0 s); mixed into one median with their
e-mails, those hid how long the e-mails waited ("median first response 0s").
SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from conftest import START


def _report(store) -> dict:
    r = store.manager.get("/reports/agents", params={"from": (START - timedelta(days=1)).isoformat(),
                                                     "to": (START + timedelta(days=1)).isoformat()})
    assert r.status_code == 200, r.text
    return r.json()


def test_calls_answered_at_once_do_not_hide_how_long_emails_waited(store, clock):
    clock.set(START)
    emails = [store.agent.create_ticket(order_id=f"SO-{n}") for n in range(3)]
    for t in emails:
        assert store.agent.post(f"/tickets/{t['id']}/take").status_code == 200
    for n in range(4):  # tickets created from calls: answered by the call
        store.agent.create_ticket(channel="phone", assign_to_me=True, order_id=f"SO-9{n}", message={
            "kind": "phone_call", "body": "Wants a refund.",
            "call": {"number": "+91 98765 43210", "direction": "inbound", "duration_seconds": 200}})
    for hours, t in zip((2, 3, 5), emails):
        clock.set(START + timedelta(hours=hours))
        r = store.agent.post(f"/tickets/{t['id']}/entries", {"kind": "public_reply", "body": "On it."})
        assert r.status_code == 201, r.text
    # A ticket nobody took, answered by the second agent: the unassigned tickets' figure.
    loose = store.agent.create_ticket(order_id="SO-77", customer={"name": "Nobody's", "email": "n@example.com"})
    store.agent2.post(f"/tickets/{loose['id']}/entries", {"kind": "public_reply", "body": "Looking."})

    body = _report(store)
    agent_id = store.ids["agent"]
    (ava,) = [r for r in body["rows"] if r["agent_id"] == agent_id]
    assert ava["first_responses"] == 7
    assert ava["median_first_response_seconds"] == 0  # the mixed figure: what misled the manager
    by_channel = {c["channel"]: c for c in ava["first_response_by_channel"]}
    assert set(by_channel) == {"email", "phone"}
    assert by_channel["email"]["first_responses"] == 3
    assert by_channel["email"]["median_first_response_seconds"] == 3 * 3600  # the e-mails waited 2, 3, 5 h
    assert by_channel["phone"]["first_responses"] == 4 and by_channel["phone"]["median_first_response_seconds"] == 0

    # Unassigned is not an agent: no row among the agents, a row of its own.
    assert [r["agent_id"] for r in body["rows"] if r["agent_id"] is None] == []
    unassigned = body["unassigned"]
    assert unassigned["agent_id"] is None and unassigned["open_tickets"] == 1
    assert unassigned["first_responses"] == 1
    assert [c["channel"] for c in unassigned["first_response_by_channel"]] == ["email"]
    assert body["rows"] == sorted(body["rows"], key=lambda r: r["name"])  # the agents, by name


def test_no_unassigned_row_when_every_ticket_has_an_agent(store, clock):
    clock.set(START)
    t = store.agent.create_ticket()
    assert store.agent.post(f"/tickets/{t['id']}/take").status_code == 200
    body = _report(store)
    assert body["unassigned"] is None
    assert [r["agent_id"] for r in body["rows"]] == [store.ids["agent"]]
