""""A new escalation in your queue", popped up once per user across machines.

`POST /tickets/{id}/escalations/{escalation_id}/notify` claims the tray
notification: the first of a user's apps to ask gets `first: true`, every
other gets false; each user has their own first. The ticket does not change.
"""

from __future__ import annotations

from sqlalchemy import func, select

from desk_app.server.sync.models import Change
from store_helpers import machines_racing

NOTIFY = "/tickets/{tid}/escalations/{esc}/notify"
ROUNDS = 4
MACHINES = 6


def _escalated(store) -> dict:
    """A ticket the agent escalated to Tier 2 (the specialists' queue)."""
    t = store.agent.create_ticket()
    store.agent.post(f"/tickets/{t['id']}/take")
    r = store.agent.post(f"/tickets/{t['id']}/escalate", {"reason": "Refund above my limit"})
    assert r.status_code == 200, r.text
    return r.json()


def _notify(store, who, t, client_id, esc_id=None):
    esc = esc_id if esc_id is not None else t["escalation"]["id"]
    return store.as_(who).post(NOTIFY.format(tid=t["id"], esc=esc), {"client_id": client_id})


def _changes(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Change))


def test_one_first_per_user_and_the_ticket_is_untouched(store, db):
    t = _escalated(store)
    changes = _changes(db)
    first = _notify(store, "specialist", t, "laptop")
    assert first.status_code == 200, first.text
    assert first.json()["first"] is True
    other = _notify(store, "specialist", t, "desktop")
    assert other.status_code == 200 and other.json() == {**first.json(), "first": False}
    assert _notify(store, "specialist", t, "laptop").json()["first"] is True  # its lost answer, asked again
    assert _notify(store, "manager", t, "office").json()["first"] is True  # another user: their own first
    after = store.specialist.get(f"/tickets/{t['id']}").json()
    assert after["version"] == t["version"] and _changes(db) == changes


def test_refused_claims_say_why_and_change_nothing(store, db):
    t = _escalated(store)
    esc = t["escalation"]["id"]
    assert _notify(store, "agent2", t, "pc").status_code == 404  # another agent does not see the ticket
    assert _notify(store, "specialist", t, "pc", esc_id=esc + 999).json()["code"] == "escalation_not_found"
    bad = store.specialist.post(NOTIFY.format(tid=t["id"], esc=esc), {"client_id": "no spaces allowed"})
    assert bad.status_code == 422
    assert store.specialist.post(f"/tickets/{t['id']}/escalations/{esc}/acknowledge").status_code == 200
    late = _notify(store, "specialist", t, "pc")
    assert late.status_code == 409 and late.json()["code"] == "already_acknowledged"
    down = store.specialist.post(f"/tickets/{t['id']}/deescalate", {"reason": "Back to Tier 1", "to_tier": 1})
    assert down.status_code == 200, down.text
    refused = _notify(store, "manager", t, "pc", esc_id=down.json()["escalation"]["id"])
    assert refused.status_code == 422 and refused.json()["code"] == "not_an_escalation"


def test_machines_racing_over_http_get_exactly_one_first(store, app):
    """Six machines of one specialist ask at the same moment, for each of several escalations."""
    tickets = [_escalated(store) for _ in range(ROUNDS)]
    paths = [NOTIFY.format(tid=t["id"], esc=t["escalation"]["id"]) for t in tickets]
    answers = machines_racing(app, store.specialist.token, paths, MACHINES)
    assert [sorted(a) for a in answers] == [[False] * (MACHINES - 1) + [True]] * ROUNDS
