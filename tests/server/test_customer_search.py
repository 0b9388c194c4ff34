"""`GET /customers?q=...`: the caller is found by phone, e-mail, order id or name, whoever's queue they are in."""

from __future__ import annotations

import pytest

from desk_app.server.directory.search import SearchPlan, plan_search

SEARCH = "/customers"


def _search(who, q, **params):
    return who.get(SEARCH, params={"q": q, **params})


def _found(who, q, **params) -> list[dict]:
    response = _search(who, q, **params)
    assert response.status_code == 200, response.text
    return response.json()["customers"]


def _names(who, q, **params) -> list[str]:
    return [c["name"] for c in _found(who, q, **params)]


def _customer(store, who="agent", **fields) -> dict:
    response = store.as_(who).post("/customers", fields)
    assert response.status_code == 201, response.text
    return response.json()


def test_what_a_text_is_looked_up_as():
    assert plan_search(" Asha@Example.COM ") == SearchPlan(emails=("asha@example.com",))
    # With its country code a number is also looked for in its local form (a customer saved as "098765 43210").
    assert plan_search("+91 98765 43210") == SearchPlan(phones=("+919876543210", "919876543210", "09876543210"))
    assert plan_search("98765 43210") == SearchPlan(phones=("9876543210", "+9876543210"), phone_ending="9876543210")
    assert plan_search("2301234567") == SearchPlan(phones=("2301234567", "+2301234567"),
                                                   phone_ending="2301234567", order_id="2301234567")
    assert plan_search("SO-1001") == SearchPlan(order_id="SO-1001", name="so-1001")
    assert plan_search("123") == SearchPlan(order_id="123", name="123")  # too few digits for a phone


def test_found_by_phone_in_any_notation_and_by_e_mail(store):
    asha = store.agent.create_ticket()["customer_id"]
    _customer(store, name="Someone Else", phone="+62 812 0000 1111", email="else@example.com")
    for q in ("+91 98765 43210", "+919876543210", "+91 (98765) 43210", "98765 43210", "9876543210"):
        (match,) = _found(store.agent, q)
        assert match["id"] == asha and match["matched_by"] == "phone", q
    (match,) = _found(store.agent, "ASHA@example.com")
    assert match["id"] == asha and match["matched_by"] == "email"
    assert _found(store.agent, "+92 98765 43210") == []  # another country's number
    assert _found(store.agent, "nobody@example.com") == []


def test_what_a_local_number_is_looked_up_as_in_the_policies_countries():
    plan = plan_search("0813-1234-5678", ["ID", "IN"])
    assert plan.phones[0] == "081312345678"  # as typed first
    assert {"+6281312345678", "6281312345678", "081312345678"} <= set(plan.phones)
    assert plan.phone_ending == "81312345678"  # the national number: "+62 813..." ends with it


def test_a_local_number_finds_the_customer_saved_with_the_country_code(store):
    """A Shopee caller gives "0813..."; the customer was saved as "+62 813..." (and the other way)."""
    budi = _customer(store, name="Budi Santoso", phone="+62 813 1234 5678")
    dewi = _customer(store, name="Dewi Lestari", phone="0812-9876-5432")
    for q in ("0813 1234 5678", "0813-1234-5678", "(0813) 1234 5678", "+62 813 1234 5678", "6281312345678"):
        (match,) = _found(store.agent, q)
        assert match["id"] == budi["id"] and match["matched_by"] == "phone", q
    for q in ("+62 812 9876 5432", "+6281298765432", "0812 9876 5432"):
        (match,) = _found(store.agent, q)
        assert match["id"] == dewi["id"] and match["matched_by"] == "phone", q
    # India's local form too (the other policies): "098765 43210" is Asha's +91 98765 43210.
    asha = store.agent.create_ticket()["customer_id"]
    (match,) = _found(store.agent, "098765 43210")
    assert match["id"] == asha


def test_found_by_order_id_only_through_tickets_the_searcher_may_see(store):
    ticket = store.agent.create_ticket(order_id="SHP-77-001", customer={"name": "Budi Santoso"})
    (match,) = _found(store.agent2, "SHP-77-001")
    assert match["name"] == "Budi Santoso" and match["matched_by"] == "order_id"
    assert match["latest_ticket"] == {"number": ticket["number"], "policy": "shopom", "order_id": "SHP-77-001"}
    # Up to Tier 2: the ticket is in the specialists' private queue now.
    r = store.manager.post(f"/tickets/{ticket['id']}/escalate", {"reason": "Fraud check", "to_tier": 2},
                           if_match=ticket["version"])
    assert r.status_code == 200, r.text
    assert _found(store.agent2, "SHP-77-001") == []  # the order is on a ticket agent2 may not see
    assert _names(store.specialist, "SHP-77-001") == ["Budi Santoso"]
    # The customer is still found by name, without a ticket to show.
    (by_name,) = _found(store.agent2, "budi")
    assert by_name["matched_by"] == "name" and by_name["latest_ticket"] is None


def test_found_by_part_of_the_name_in_any_case_exact_matches_first(store):
    for name in ("Rina Wijaya", "Wijaya Kusuma", "Andi Wijayanto", "Joko Widodo"):
        _customer(store, name=name)
    assert _names(store.agent, "wijaya") == ["Andi Wijayanto", "Rina Wijaya", "Wijaya Kusuma"]
    assert _names(store.agent, "WIJAYA K") == ["Wijaya Kusuma"]
    # An order id that is also part of a name: the order's customer comes first.
    store.agent.create_ticket(order_id="wijaya", customer={"name": "Zed Order"})
    assert _names(store.agent, "wijaya")[0] == "Zed Order"
    # LIKE's wildcards are only characters here.
    assert _found(store.agent, "%%%") == [] and _found(store.agent, "___") == []


def test_contact_shows_only_to_staff_who_handle_the_customer(store):
    ticket = store.agent.create_ticket()
    store.agent.post(f"/tickets/{ticket['id']}/take")
    mine = _found(store.agent, "asha@example.com")[0]
    assert mine["email"] == "asha@example.com" and mine["phone"] == "+919876543210" and not mine["contact_hidden"]
    theirs = _found(store.agent2, "asha@example.com")[0]  # found, but agent2 handles none of Asha's tickets
    assert theirs["name"] == "Asha Rao" and theirs["contact_hidden"]
    assert theirs["email"] is None and theirs["phone"] is None
    assert _found(store.manager, "asha@example.com")[0]["email"] == "asha@example.com"


def test_one_result_per_customer_limited_and_said_so(store):
    first = store.agent.create_ticket(order_id="SO-1")
    second = store.agent.create_ticket(order_id="SO-2")  # the same customer (same e-mail)
    assert first["customer_id"] == second["customer_id"]
    (match,) = _found(store.agent, "Asha")
    assert match["latest_ticket"]["number"] == second["number"]
    for n in range(12):
        _customer(store, name=f"Dewi {n:02d}")
    response = _search(store.agent, "dewi", limit=5)
    assert [c["name"] for c in response.json()["customers"]] == [f"Dewi {n:02d}" for n in range(5)]
    assert response.json()["truncated"] is True
    response = _search(store.agent, "dewi")
    assert len(response.json()["customers"]) == 10 and response.json()["truncated"] is True
    response = _search(store.agent, "dewi", limit=50)
    assert len(response.json()["customers"]) == 12 and response.json()["truncated"] is False


@pytest.mark.parametrize("params", [
    {}, {"q": ""}, {"q": "ab"}, {"q": "  ab  "}, {"q": "x" * 201}, {"q": "abc\x00"},
    {"q": "abc", "limit": 0}, {"q": "abc", "limit": 51}, {"q": "abc", "limit": "many"},
])
def test_bad_searches_are_refused_clearly(store, params):
    response = store.agent.get(SEARCH, params=params)
    assert response.status_code == 422, (params, response.text)
    assert response.json()["message"]


def test_staff_only(client, store):
    assert client.get("/api/v1" + SEARCH, params={"q": "asha"}).status_code == 401
    assert _search(store.admin, "asha").status_code == 200


def test_described_in_openapi(client):
    doc = client.get("/openapi.json").json()
    operation = doc["paths"]["/api/v1/customers"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["q"]["required"] and params["q"]["schema"]["minLength"] == 3
    assert params["limit"]["schema"]["maximum"] == 50
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert schema.endswith("/CustomerSearchOut")
    match = doc["components"]["schemas"]["CustomerMatchOut"]["properties"]
    assert {"matched_by", "latest_ticket", "contact_hidden"} <= set(match)
    assert "422" in operation["responses"] and "401" in operation["responses"]
