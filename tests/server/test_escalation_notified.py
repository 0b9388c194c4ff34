"""Escalation prompts shown once per user, even with the app open on two machines.

`POST /tickets/{id}/escalation-due/{due_id}/notify` claims the pop-up: the
first of a user's apps to ask gets `first: true`, every other gets false. The
claim is one row per (record, user) behind a primary key, so racing machines
get exactly one first; the ticket itself does not change.
"""

from __future__ import annotations

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from desk_app.server.auth.models import Role
from desk_app.server.auth.service import Principal
from desk_app.server.models import metadata
from desk_app.server.sync.models import Change
from desk_app.server.tickets import escalations, write
from desk_app.server.tickets.models import EscalationNotified
from store_helpers import API, machines_racing

NOTIFY = "/tickets/{tid}/escalation-due/{due}/notify"


def _due_ticket(store, who="agent") -> dict:
    """A ticket `who` owns whose customer asked to escalate: the prompt is there at once."""
    t = store.as_(who).create_ticket()
    store.as_(who).post(f"/tickets/{t['id']}/take")
    r = store.as_(who).post(f"/tickets/{t['id']}/escalation-request", {"note": "Customer is not satisfied"})
    assert r.status_code == 200, r.text
    return r.json()


def _notify(store, who, t, client_id):
    return store.as_(who).post(NOTIFY.format(tid=t["id"], due=t["escalation_due"]["id"]), {"client_id": client_id})


def _changes(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Change))


def test_first_caller_is_first_the_users_other_machine_is_not(store, db, clock):
    t = _due_ticket(store)
    changes = _changes(db)
    first = _notify(store, "agent", t, "laptop")
    assert first.status_code == 200, first.text
    assert first.json() == {"first": True, "notified_at": clock.now().isoformat().replace("+00:00", "Z")}
    second = _notify(store, "agent", t, "desktop")
    assert second.status_code == 200 and second.json()["first"] is False
    assert second.json()["notified_at"] == first.json()["notified_at"]
    # The app that claimed it asking again (its answer was lost) is still first.
    assert _notify(store, "agent", t, "laptop").json()["first"] is True
    # The ticket did not change: same version, nothing in the change log.
    after = store.agent.get(f"/tickets/{t['id']}").json()
    assert after["version"] == t["version"] and after["escalation_due"]["state"] == "open"
    assert _changes(db) == changes
    with db.read() as s:
        rows = s.execute(select(EscalationNotified.user_id, EscalationNotified.client_id)).all()
    assert rows == [(store.ids["agent"], "laptop")]


def test_each_user_gets_their_own_first(store, db):
    t = _due_ticket(store)
    assert _notify(store, "agent", t, "a-1").json()["first"] is True
    assert _notify(store, "manager", t, "m-1").json()["first"] is True  # a manager sees every ticket
    assert _notify(store, "manager", t, "m-2").json()["first"] is False
    assert _notify(store, "agent", t, "a-2").json()["first"] is False
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(EscalationNotified)) == 2


def test_only_users_who_may_see_the_ticket_may_claim(store):
    # Up to Tier 2 (the specialists' private queue), taken by the specialist; then the
    # customer asks again: a prompt to Tier 3 that no agent may see.
    t = store.agent.create_ticket()
    store.agent.post(f"/tickets/{t['id']}/take")
    assert store.agent.post(f"/tickets/{t['id']}/escalate", {"reason": "Refund above my limit"}).status_code == 200
    assert store.specialist.post(f"/tickets/{t['id']}/take").status_code == 200
    r = store.specialist.post(f"/tickets/{t['id']}/escalation-request", {"note": "Still not satisfied"})
    assert r.status_code == 200, r.text
    t = r.json()
    assert t["escalation_due"]["to_tier"] == 3 and t["assignee_id"] == store.ids["specialist"]
    # (The agent who escalated it follows it and may read it: tickets.follows. Another agent may not.)
    refused = _notify(store, "agent2", t, "x")
    assert refused.status_code == 404 and refused.json()["code"] == "ticket_not_found"
    assert _notify(store, "specialist", t, "s").json()["first"] is True
    assert _notify(store, "admin", t, "a").json()["first"] is True
    anonymous = store.client.post(API + NOTIFY.format(tid=t["id"], due=t["escalation_due"]["id"]),
                                  json={"client_id": "x"})
    assert anonymous.status_code == 401


def test_unknown_other_or_handled_records(store):
    t = _due_ticket(store)
    other = _due_ticket(store)
    due = t["escalation_due"]["id"]
    missing = store.agent.post(NOTIFY.format(tid=t["id"], due=999_999), {"client_id": "x"})
    assert missing.status_code == 404 and missing.json()["code"] == "escalation_due_not_found"
    # Another ticket's record through this ticket's path.
    crossed = store.agent.post(NOTIFY.format(tid=other["id"], due=due), {"client_id": "x"})
    assert crossed.status_code == 404 and crossed.json()["code"] == "escalation_due_not_found"
    assert store.agent.post(NOTIFY.format(tid=999_999, due=due), {"client_id": "x"}).status_code == 404
    # Bad client ids are refused with a clear error, and nothing is claimed by them.
    for bad in ({}, {"client_id": ""}, {"client_id": "has space"}, {"client_id": "x" * 65},
                {"client_id": "x", "extra": 1}):
        assert store.agent.post(NOTIFY.format(tid=t["id"], due=due), bad).status_code == 422, bad
    assert _notify(store, "agent", t, "x").json()["first"] is True
    # Handled: nothing left to pop up (the manager still sees the ticket, now at Tier 2).
    store.agent.post(f"/tickets/{t['id']}/escalation-due/{due}/escalate", {"reason": "As asked"})
    handled = _notify(store, "manager", t, "y")
    assert handled.status_code == 409 and handled.json()["code"] == "escalation_due_handled"


def test_claims_go_with_their_record(store, db):
    """Deleting a ticket (its records cascade) takes the claims along; nothing dangles."""
    t = _due_ticket(store)
    _notify(store, "agent", t, "x")
    with db.write() as s:
        s.execute(text("DELETE FROM tickets WHERE id = :id"), {"id": t["id"]})
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(EscalationNotified)) == 0


def test_the_model_matches_the_migration(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    mine = [d for d in diff if "escalation_notified" in repr(d)]
    assert mine == []


# -- racing machines ----------------------------------------------------------------------

ROUNDS = 6
MACHINES = 6


def test_machines_racing_over_http_get_exactly_one_first(store, app, db):
    """Six machines of one user ask at the same moment for each of several prompts."""
    tickets = [_due_ticket(store) for _ in range(ROUNDS)]
    paths = [NOTIFY.format(tid=t["id"], due=t["escalation_due"]["id"]) for t in tickets]
    answers = machines_racing(app, store.agent.token, paths, MACHINES)
    assert [sorted(a) for a in answers] == [[False] * (MACHINES - 1) + [True]] * ROUNDS
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(EscalationNotified)) == ROUNDS


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_a_claim_waiting_on_an_uncommitted_one_is_not_first(store, app, db, clock):
    """Forced interleaving: the second claim blocks on the first's row, then gets first = false."""
    t = _due_ticket(store)
    tid, due = t["id"], t["escalation_due"]["id"]
    agent = Principal(store.ids["agent"], "agent", "Agent", Role.AGENT)
    policies, settings = app.state.policies, app.state.settings
    inserted, release = threading.Event(), threading.Event()
    results: dict[str, bool] = {}
    errors: list[BaseException] = []

    def claim(name: str, hold: bool):
        try:
            with db.write() as session:
                ctx = write.Ctx(session, clock.now(), agent, policies, settings)
                results[name] = escalations.claim_due_notice(ctx, tid, due, name).first
                if hold:  # keep the transaction (and the new row) open until told
                    inserted.set()
                    release.wait(30)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            inserted.set()

    first = threading.Thread(target=claim, args=("laptop", True))
    first.start()
    assert inserted.wait(30) and not errors
    second = threading.Thread(target=claim, args=("desktop", False))
    second.start()
    # Wait (polling, no fixed sleep) until the second claim is blocked on the first's row lock.
    blocked = False
    for _ in range(3000):
        with db.read() as s:
            blocked = s.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")) > 0
        if blocked or not second.is_alive():
            break
        time.sleep(0.01)  # polling a condition, not waiting for a deadline
    assert blocked and "desktop" not in results
    release.set()
    first.join(30)
    second.join(30)
    assert not errors, errors
    assert results == {"laptop": True, "desktop": False}
