"""Issue 19.13: presence can be claimed only on tickets the user may read."""

from __future__ import annotations

from store_helpers import API


def test_presence_on_a_ticket_you_cannot_see_is_refused(store, client):
    private = store.manager.create_ticket(queue_id=store.ids["queue:specialists"], subject="Chargeback")
    public = store.manager.create_ticket(subject="Where is my parcel")
    r = client.put(API + "/presence", json={"client_id": "c1", "ticket_id": private["id"], "composing": True},
                   headers=store.agent.headers)
    assert r.status_code == 404 and r.json()["code"] == "ticket_not_found"
    # Nobody sees the agent on it: the refused claim stored nothing.
    others = client.get(API + "/presence", headers=store.specialist.headers).json()["entries"]
    assert others == []
    r = client.put(API + "/presence", json={"client_id": "c1", "ticket_id": public["id"]}, headers=store.agent.headers)
    assert r.status_code == 200
    r = client.put(API + "/presence", json={"client_id": "c1", "ticket_id": None}, headers=store.agent.headers)
    assert r.status_code == 200
    r = client.put(API + "/presence", json={"client_id": "c2", "ticket_id": private["id"]},
                   headers=store.specialist.headers)
    assert r.status_code == 200  # the specialists' own queue
