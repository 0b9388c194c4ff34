"""Roles and visibility on every endpoint."""

from __future__ import annotations

import re

import pytest
from store_helpers import API

PUBLIC = {
    ("POST", "/api/v1/auth/login"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("POST", "/api/v1/auth/logout"),
    # Customers, not staff: web forms and mail gateways (rate-limited per address,
    # tests/server/test_intake*.py) and the survey link's single-use token (test_feedback*.py).
    ("POST", "/api/v1/intake"),
    ("POST", "/api/v1/feedback/{token}"),
}


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_endpoint_needs_a_token(store, app):
    """Every operation the OpenAPI document lists (and the root /events alias) refuses anonymous callers."""
    checked = 0
    operations = [(m.upper(), path) for path, item in app.openapi()["paths"].items() for m in item]
    for method, path in operations + [("GET", "/events")]:
        if (method, path) in PUBLIC:
            continue
        r = store.client.request(method, _fill(path), json={})
        assert r.status_code == 401, (method, path, r.status_code, r.text)
        assert r.json()["code"] == "not_authenticated"
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"),
    [
        ("GET", "/reports/sla", None, {"manager", "admin"}),
        ("POST", "/users", {"username": "newbie", "password": "pw", "role": "agent"}, {"admin"}),
        ("POST", "/queues", {"key": "vip", "name": "VIP"}, {"admin"}),
        ("GET", "/users", None, {"agent", "specialist", "manager", "admin"}),
        ("GET", "/policies", None, {"agent", "specialist", "manager", "admin"}),
        ("GET", "/queues", None, {"agent", "specialist", "manager", "admin"}),
    ],
)
def test_role_restricted_endpoints(store, method, path, body, allowed):
    for username in ("agent", "specialist", "manager", "admin"):
        user = store.as_(username)
        r = user.client.request(method, API + path, json=body, headers=user.headers)
        if username in allowed:
            assert r.status_code in (200, 201), (username, path, r.text)
            if method == "POST":  # make the next allowed user's request new again
                assert r.status_code == 201
                break
        else:
            assert r.status_code == 403, (username, path, r.text)
            assert r.json()["code"] == "forbidden" and "role" in r.json()["message"]


def test_private_queues_are_hidden_from_lower_tiers(store):
    t = store.manager.create_ticket(queue_id=store.ids["queue:specialists"])
    tid = t["id"]
    # The agent cannot list, read, change or even learn of it.
    assert tid not in [x["id"] for x in store.agent.get("/tickets").json()["tickets"]]
    assert store.agent.get(f"/tickets/{tid}").status_code == 404
    r = store.agent.post(f"/tickets/{tid}/entries", {"kind": "internal_note", "body": "peek"})
    assert r.status_code == 404
    assert tid not in [x["id"] for x in store.agent.get("/sync/bootstrap").json()["tickets"]]
    queues = [q["key"] for q in store.agent.get("/queues").json()["queues"]]
    assert queues == ["general"]
    # The specialist and the manager see it.
    assert store.specialist.get(f"/tickets/{tid}").status_code == 200
    assert store.manager.get(f"/tickets/{tid}").status_code == 200
    assert [q["key"] for q in store.specialist.get("/queues").json()["queues"]] == ["general", "specialists"]
    # An agent cannot put a ticket into a queue they cannot see.
    other = store.agent.create_ticket()
    r = store.agent.patch(f"/tickets/{other['id']}", {"queue_id": store.ids["queue:specialists"]}, if_match=1)
    assert r.status_code == 422 and r.json()["code"] == "unknown_queue"


def test_assigned_tickets_stay_visible_to_their_assignee(store):
    t = store.manager.create_ticket(queue_id=store.ids["queue:management"])
    assert store.specialist.get(f"/tickets/{t['id']}").status_code == 404
    store.manager.post(f"/tickets/{t['id']}/assign", {"assignee_id": store.ids["specialist"]})
    assert store.specialist.get(f"/tickets/{t['id']}").status_code == 200


def test_customer_contact_only_for_staff_who_handle_them(store):
    t = store.agent.create_ticket()
    tid = t["id"]
    # Unassigned at tier 1: any agent may take it, so they see the contact.
    assert store.agent2.get(f"/tickets/{tid}").json()["customer"]["email"] == "asha@example.com"
    store.agent.post(f"/tickets/{tid}/take")
    store.agent.post(f"/tickets/{tid}/entries", {
        "kind": "phone_call", "body": "Called back",
        "call": {"number": "+91 98765 43210", "direction": "outbound", "duration_seconds": 60},
    })
    mine = store.agent.get(f"/tickets/{tid}").json()
    theirs = store.agent2.get(f"/tickets/{tid}").json()
    assert mine["customer"]["email"] == "asha@example.com" and not mine["customer"]["contact_hidden"]
    assert theirs["customer"]["email"] is None and theirs["customer"]["phone"] is None
    assert theirs["customer"]["contact_hidden"] is True
    call = [e for e in theirs["thread"] if e["kind"] == "phone_call"][0]
    assert call["call"]["number"] is None and call["call"]["direction"] == "outbound"
    assert store.manager.get(f"/tickets/{tid}").json()["customer"]["email"] == "asha@example.com"
    assert store.agent2.get(f"/customers/{t['customer_id']}").json()["contact_hidden"] is True
    assert store.agent.get(f"/customers/{t['customer_id']}").json()["email"] == "asha@example.com"
    # The change feed never carries contact data.
    feed = store.agent.get("/sync/changes?since=0").text
    assert "asha@example.com" not in feed and "919876543210" not in feed
