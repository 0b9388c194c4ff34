"""The shortest path through the store: healthy, create a ticket, read it back."""


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ok"


def test_create_and_read_ticket(store):
    t = store.agent.create_ticket()
    assert t["number"].startswith("DSK-")
    assert t["version"] == 1
    assert t["sla"]["clocks"], t["sla"]
    r = store.agent.get(f"/tickets/{t['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["thread"][0]["body"].startswith("My order")
