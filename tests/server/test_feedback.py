"""CSAT survey: single-use token, no login, clear errors, the score lands on the ticket and the agent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from desk_app.server.feedback.models import SurveyResponse
from desk_app.server.feedback.tokens import SURVEY_TTL, issue_survey_token, survey_path, token_digest
from desk_app.server.tickets.models import Ticket


def resolved_ticket(store) -> dict:
    t = store.agent.create_ticket()
    assert store.agent.post(f"/tickets/{t['id']}/take").status_code == 200
    store.agent.post(f"/tickets/{t['id']}/entries", {"kind": "public_reply", "body": "Refund sent."})
    r = store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"})
    assert r.status_code == 200
    return r.json()


def issue(db, ticket_id, now) -> str:
    with db.write() as session:
        return issue_survey_token(session, session.get(Ticket, ticket_id), now)


def surveys(db) -> list[SurveyResponse]:
    with db.read() as session:
        return list(session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)))


def test_customer_answers_once_without_login_and_it_shows_on_the_ticket(store, db, clock):
    t = resolved_ticket(store)
    token = issue(db, t["id"], clock.now())
    assert survey_path(token) == f"/api/v1/feedback/{token}"
    [row] = surveys(db)
    assert row.token_hash == token_digest(token) and token not in row.token_hash
    assert row.agent_id == store.ids["agent"] and row.expires_at == clock.now() + SURVEY_TTL
    clock.advance(timedelta(hours=3))
    r = store.client.post(survey_path(token), json={"score": 4, "comment": "  Quick and kind.  "})
    assert r.status_code == 200, r.text
    assert r.json()["ticket_number"] == t["number"] and r.json()["score"] == 4
    [row] = surveys(db)
    assert (row.score, row.comment, row.answered_at) == (4, "Quick and kind.", clock.now())
    detail = store.manager.get(f"/tickets/{t['id']}").json()
    entry = next(e for e in detail["thread"] if e["event_code"] == "csat_received")
    assert entry["kind"] == "system_event" and "4/5" in entry["body"] and "Quick and kind." in entry["body"]
    assert row.entry_id == entry["id"]
    # The customer's answer does not bump the version an agent's pending edit is based on.
    assert detail["version"] == t["version"]
    # Single use: a second answer is refused and changes nothing.
    r = store.client.post(survey_path(token), json={"score": 1})
    assert r.status_code == 409 and r.json()["code"] == "survey_already_answered"
    assert surveys(db)[0].score == 4


def test_unknown_expired_and_replaced_tokens_are_clear_errors(store, db, clock):
    r = store.client.post("/api/v1/feedback/csat_nothing-like-this", json={"score": 5})
    assert r.status_code == 404 and r.json()["code"] == "survey_not_found"
    t = resolved_ticket(store)
    old = issue(db, t["id"], clock.now())
    # Reopened and resolved again: a new survey replaces the unanswered one.
    store.agent.post(f"/tickets/{t['id']}/status", {"status": "open"})
    store.agent.post(f"/tickets/{t['id']}/status", {"status": "resolved"})
    new = issue(db, t["id"], clock.now())
    r = store.client.post(survey_path(old), json={"score": 5})
    assert r.status_code == 410 and r.json()["code"] == "survey_replaced"
    clock.advance(SURVEY_TTL)
    r = store.client.post(survey_path(new), json={"score": 5})
    assert r.status_code == 410 and r.json()["code"] == "survey_expired"
    assert all(s.answered_at is None for s in surveys(db))


@pytest.mark.parametrize("body", [{"score": 0}, {"score": 6}, {"score": "great"}, {}, {"score": 3, "comment": "x" * 2001}, {"score": 3, "extra": 1}])
def test_bad_answers_are_422_and_keep_the_token_usable(store, db, clock, body):
    t = resolved_ticket(store)
    token = issue(db, t["id"], clock.now())
    r = store.client.post(survey_path(token), json=body)
    assert r.status_code == 422 and r.json()["message"]
    assert surveys(db)[0].answered_at is None
    assert store.client.post(survey_path(token), json={"score": 3}).status_code == 200


def test_score_stays_with_the_agent_who_resolved(store, db, clock):
    t = resolved_ticket(store)
    token = issue(db, t["id"], clock.now())
    store.manager.post(f"/tickets/{t['id']}/assign", {"assignee_id": store.ids["agent2"]})
    assert store.client.post(survey_path(token), json={"score": 2}).status_code == 200
    assert surveys(db)[0].agent_id == store.ids["agent"]
    rows = {r["agent_id"]: r for r in store.manager.get("/reports/agents").json()["rows"]}
    assert rows[store.ids["agent"]]["csat_responses"] == 1 and rows[store.ids["agent"]]["csat_average"] == 2
