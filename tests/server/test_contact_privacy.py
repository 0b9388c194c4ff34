"""Creating a ticket for an existing customer reveals no more of their contact details
than its creator typed (issue 19, item 10); the rule is in `sync.visibility`.

Asha is a customer of the specialists: her only ticket waits in their private
queue, so an agent finds her by name but sees neither her e-mail nor her phone.
"""

from __future__ import annotations

import uuid

import pytest

from tests.server.store_helpers import ticket_body

EMAIL, PHONE = "asha@example.com", "+919876543210"
DIGITS = PHONE[1:]
#: A number the agent types that is not Asha's.
OTHER = "+91 99999 00000"


def _asha(store) -> int:
    """Asha's record, known only through a ticket in the specialists' private queue."""
    t = store.manager.create_ticket(queue_id=store.ids["queue:specialists"])
    found = store.agent.get("/customers", params={"q": "Asha"}).json()["customers"]
    assert [c["contact_hidden"] for c in found] == [True]  # found, but hidden: the premise
    return t["customer_id"]


def _from_call(store, who: str, customer_id: int, number: str = OTHER, **overrides):
    """What "New ticket from call" sends for a customer picked from the search."""
    body = ticket_body(
        customer=None, customer_id=customer_id, channel="phone", status="open", assign_to_me=True,
        message={"kind": "phone_call", "body": "Wants her address changed",
                 "call": {"number": number, "direction": "inbound", "duration_seconds": 42}},
    )
    body.pop("customer")
    body.update(overrides)
    r = store.as_(who).post("/tickets", body, key=str(uuid.uuid4()))
    assert r.status_code == 201, r.text
    return r.json()


def _no_contact(text: str) -> bool:
    return EMAIL not in text and DIGITS not in text and "98765" not in text


def _everything_agent_reads(store, who: str, ticket_id: int, customer_id: int) -> list[str]:
    me = store.as_(who)
    return [
        me.get(f"/tickets/{ticket_id}").text,
        me.get(f"/customers/{customer_id}").text,
        me.get("/customers", params={"q": "Asha"}).text,
        me.get("/customers", params={"q": "SO-1001"}).text,
        me.get("/tickets").text,
        me.get("/sync/bootstrap").text,
        me.get("/sync/bootstrap", params={"format": "rows"}).text,
        me.get("/sync/changes", params={"since": 0}).text,
    ]


def test_assign_to_me_reveals_no_contact_details(store):
    cid = _asha(store)
    created = _from_call(store, "agent", cid)
    # The answer to the create itself is the first place it could leak.
    assert created["customer"]["email"] is None and created["customer"]["phone"] is None
    assert created["customer"]["contact_hidden"] is True and created["assignee_id"] == store.ids["agent"]
    detail = store.agent.get(f"/tickets/{created['id']}").json()
    assert detail["customer"]["name"] == "Asha Rao" and detail["customer"]["contact_hidden"] is True
    # The number the agent typed is theirs to see; it is not Asha's.
    assert [e["call"]["number"] for e in detail["thread"] if e["call"]] == ["+919999900000"]
    for text in _everything_agent_reads(store, "agent", created["id"], cid):
        assert _no_contact(text), text[:400]
    # Calling her back from the ticket shows the number the agent types, and nothing more.
    r = store.agent.post(f"/tickets/{created['id']}/entries", {
        "kind": "phone_call", "body": "Called back",
        "call": {"number": OTHER, "direction": "outbound", "duration_seconds": 5},
    }, key=str(uuid.uuid4()))
    assert r.status_code == 201 and r.json()["entry"]["call"]["number"] == "+919999900000"
    # A stale If-Match answers with the current ticket: as hidden.
    r = store.agent.patch(f"/tickets/{created['id']}", {"subject": "x"}, if_match=1)
    assert r.status_code == 412 and _no_contact(r.text)


def test_a_ticket_left_in_the_queue_reveals_nothing_to_the_tier_either(store):
    cid = _asha(store)
    created = _from_call(store, "agent", cid, assign_to_me=False)
    assert created["assignee_id"] is None and created["queue_id"] == store.ids["queue:general"]
    for who in ("agent", "agent2"):
        for text in _everything_agent_reads(store, who, created["id"], cid):
            assert _no_contact(text), (who, text[:400])
    # Taking it changes nothing: the ticket still did not come from Asha.
    assert store.agent2.post(f"/tickets/{created['id']}/take", key=str(uuid.uuid4())).status_code == 200
    detail = store.agent2.get(f"/tickets/{created['id']}").json()
    assert detail["customer"]["contact_hidden"] is True
    # The agent's call number shows to the agent who typed it, not to agent2.
    assert [e["call"]["number"] for e in detail["thread"] if e["call"]] == [None]
    assert store.agent2.get(f"/customers/{cid}").json()["contact_hidden"] is True


def test_only_what_the_agent_typed_shows(store):
    cid = _asha(store)
    # Her e-mail typed as a new customer's: the store files it under Asha, and shows that e-mail only.
    body = ticket_body(customer={"name": "A. Rao", "email": "Asha@Example.com", "phone": OTHER}, assign_to_me=True)
    r = store.agent.post("/tickets", body, key=str(uuid.uuid4()))
    assert r.status_code == 201 and r.json()["customer_id"] == cid
    customer = store.agent.get(f"/tickets/{r.json()['id']}").json()["customer"]
    assert (customer["email"], customer["phone"], customer["contact_hidden"]) == (EMAIL, None, True)
    # The caller's number is hers, typed as Indians say it locally: the phone shows, the e-mail does not.
    created = _from_call(store, "agent", cid, number="098765 43210")
    customer = store.agent.get(f"/tickets/{created['id']}").json()["customer"]
    assert (customer["email"], customer["phone"], customer["contact_hidden"]) == (None, PHONE, True)
    # Neither ticket opens her record in the directory.
    assert store.agent.get(f"/customers/{cid}").json()["contact_hidden"] is True
    # Both typed: nothing is withheld, so the ticket is an ordinary one.
    body = ticket_body(customer={"name": "Asha", "email": EMAIL, "phone": "+91 98765-43210"}, assign_to_me=True)
    r = store.agent.post("/tickets", body, key=str(uuid.uuid4()))
    assert r.json()["customer"] == {**r.json()["customer"], "email": EMAIL, "phone": PHONE, "contact_hidden": False}


def test_staff_who_may_see_her_still_do(store):
    cid = _asha(store)
    created = _from_call(store, "agent", cid, assign_to_me=False)
    # Managers see the directory; the specialists handle her own ticket.
    for who in ("manager", "specialist"):
        detail = store.as_(who).get(f"/tickets/{created['id']}").json()
        assert (detail["customer"]["email"], detail["customer"]["phone"]) == (EMAIL, PHONE), who
        assert detail["thread"][0]["call"]["number"] == "+919999900000"
        assert store.as_(who).get(f"/customers/{cid}").json()["email"] == EMAIL
    # Her own ticket (her e-mail, in the agents' queue) makes the agents her handlers, here too.
    store.manager.create_ticket()
    assert store.agent.get(f"/customers/{cid}").json()["phone"] == PHONE
    assert store.agent.get(f"/tickets/{created['id']}").json()["customer"]["email"] == EMAIL


def test_account_manager_and_handlers_make_ordinary_tickets(store):
    r = store.manager.post("/customers", {"name": "Bima", "email": "bima@example.com", "phone": "+62 813 1234 5678",
                                          "account_manager_id": store.ids["agent"]}, key=str(uuid.uuid4()))
    bima = r.json()["id"]
    # Her account manager sees her: their ticket hides nothing, and shows to the tier while unassigned.
    created = _from_call(store, "agent", bima, assign_to_me=False)
    assert store.agent.get(f"/tickets/{created['id']}").json()["customer"]["email"] == "bima@example.com"
    assert store.agent2.get(f"/tickets/{created['id']}").json()["customer"]["phone"] == "+6281312345678"
    assert store.agent2.get(f"/customers/{bima}").json()["email"] == "bima@example.com"


@pytest.mark.parametrize("who", ["agent", "specialist"])
def test_the_customer_s_own_ticket_still_shows_her_to_its_handlers(store, who):
    # Filed as a new customer (what the caller gave): the creator and the tier handle her.
    t = store.as_(who).create_ticket(assign_to_me=True)
    detail = store.as_(who).get(f"/tickets/{t['id']}").json()
    assert (detail["customer"]["email"], detail["customer"]["phone"]) == (EMAIL, PHONE)
    assert store.as_(who).get(f"/customers/{t['customer_id']}").json()["contact_hidden"] is False
