"""Answering an escalation-due prompt from the client: escalate, keep with a note, acknowledge.

Each goes through the outbox like every other change: shown at once (the
prompt leaves the ticket), sent with If-Match, confirmed by the store's
answer; a refusal rolls the ticket back and keeps what the agent wrote.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from desk_app.services.errors import ValidationFailed
from desk_app.services.mutations import OpKind, PendingOp, request_for
from service_helpers import wait_until

# Shopom: tier 1 holds a ticket 72h (24/7), an hour's grace, "keep" allowed.
BUDGET = timedelta(hours=72)

sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def budget_run_out(live, owner: str = "agent", **overrides) -> dict:
    """A ticket owned by `owner` whose tier 1 budget has run out: the store opened a prompt."""
    ticket = live.create_ticket(owner, assign_to_me=True, **overrides)
    live.clock.advance(BUDGET)
    live._tokens.clear()  # tokens live 12h: log in again after the jump
    live.app.state.scheduler.run_due(live.clock.now())
    ticket = live.call(owner, "GET", f"/tickets/{ticket['id']}")
    assert ticket["escalation_due"] and ticket["escalation_due"]["state"] == "open"
    return ticket


def cached_due(session, tid: int):
    ticket = session.cache.ticket(tid)
    return ticket and ticket.get("escalation_due")


def test_the_request_each_answer_sends():
    def op(kind, payload):
        return PendingOp(1, "k", kind, 17, 4, payload, 0.0)

    assert request_for(op(OpKind.DUE_ESCALATE, {"due_id": 3, "reason": "Needs a refund decision"})) == (
        "POST", "/tickets/17/escalation-due/3/escalate", {"reason": "Needs a refund decision"}, 4)
    assert request_for(op(OpKind.DUE_KEEP, {"due_id": 3, "note": "Carrier answers today"})) == (
        "POST", "/tickets/17/escalation-due/3/keep", {"note": "Carrier answers today"}, 4)
    assert request_for(op(OpKind.DUE_ACKNOWLEDGE, {"due_id": 3})) == (
        "POST", "/tickets/17/escalation-due/3/acknowledge", None, 4)


@sqlite_only
def test_escalate_from_the_prompt(live):
    ticket = budget_run_out(live)
    tid, due = ticket["id"], ticket["escalation_due"]
    session = live.session("agent")
    wait_until(lambda: cached_due(session, tid), message="the prompt reached the cache")

    session.actions.escalate_due(tid, due["id"], "The refund needs a senior decision.")
    local = session.cache.ticket(tid)
    assert local["escalation_due"] is None and local["tier"] == 2 and local["assignee_id"] is None

    wait_until(lambda: session.outbox.sent == 1 and session.cache.outbox.size() == 0, message="sent")
    server = live.call("manager", "GET", f"/tickets/{tid}")
    assert server["tier"] == 2 and server["escalation_due"] is None
    assert server["escalation"]["reason"] == "The refund needs a senior decision."
    # It now waits in the next tier's queue, which the agent may not see: either way, not at tier 1.
    wait_until(lambda: (session.cache.ticket(tid) or {"tier": 2})["tier"] == 2, message="the cache follows")


@sqlite_only
def test_keep_with_a_note_restarts_the_budget(live):
    ticket = budget_run_out(live)
    tid, due = ticket["id"], ticket["escalation_due"]
    session = live.session("agent")
    wait_until(lambda: cached_due(session, tid), message="the prompt reached the cache")

    session.actions.keep_due(tid, due["id"], "The carrier confirmed delivery for tomorrow.")
    local = session.cache.ticket(tid)
    assert local["escalation_due"] is None and local["tier"] == 1
    assert session.cache.thread(tid).entries[-1]["body"] == "The carrier confirmed delivery for tomorrow."

    wait_until(lambda: session.cache.outbox.size() == 0, message="sent")
    server = live.call("agent", "GET", f"/tickets/{tid}")
    assert server["tier"] == 1 and server["escalation_due"] is None and server["assignee_id"] == live.ids["agent"]
    notes = [e["body"] for e in server["thread"] if e["kind"] == "internal_note"]
    assert notes == ["The carrier confirmed delivery for tomorrow."]


@sqlite_only
def test_the_next_tier_acknowledges_and_takes_it(live):
    ticket = budget_run_out(live)
    tid, due = ticket["id"], ticket["escalation_due"]
    specialist = live.session("specialist")
    wait_until(lambda: cached_due(specialist, tid), message="the prompt reached the specialist's cache")

    specialist.actions.acknowledge_due(tid, due["id"])
    local = specialist.cache.ticket(tid)
    assert local["tier"] == 2 and local["assignee_id"] == live.ids["specialist"] and local["escalation_due"] is None
    wait_until(lambda: specialist.cache.outbox.size() == 0, message="sent")
    server = live.call("manager", "GET", f"/tickets/{tid}")
    assert server["tier"] == 2 and server["assignee_id"] == live.ids["specialist"]


@sqlite_only
def test_a_refused_answer_rolls_back_and_keeps_the_note(live):
    ticket = budget_run_out(live)
    tid, due = ticket["id"], ticket["escalation_due"]
    session = live.session("agent")
    wait_until(lambda: cached_due(session, tid), message="the prompt reached the cache")
    rejections = []
    session.events.rejection.connect(rejections.append)
    session.outbox.stop()  # hold the change back while someone else answers first
    session.actions.keep_due(tid, due["id"], "I will call the customer tomorrow.")
    live.call("manager", "POST", f"/tickets/{tid}/escalation-due/{due['id']}/keep",
              {"note": "Manager: keep it, I spoke with the customer."}, if_match=ticket["version"])
    session.outbox.start()

    wait_until(lambda: rejections, message="the store refused the keep")
    (rejection,) = rejections
    assert rejection.op_kind == "due_keep" and rejection.text == "I will call the customer tomorrow."
    assert rejection.code in ("precondition_failed", "escalation_due_handled", "version_conflict")
    wait_until(lambda: session.cache.ticket(tid)["version"] > ticket["version"], message="the store's state")
    local = session.cache.ticket(tid)
    assert local["escalation_due"] is None and local["tier"] == 1
    notes = [e["body"] for e in session.cache.thread(tid).entries if e["kind"] == "internal_note"]
    assert "I will call the customer tomorrow." not in notes  # the refused note left the thread...
    # ... and is kept with the rejection, across restarts.
    assert [r.text for r in session.cache.outbox.rejections()] == ["I will call the customer tomorrow."]


def test_bad_input_is_refused_before_anything_is_recorded(live):
    ticket = live.create_ticket("agent", assign_to_me=True)
    session = live.session("agent", start=False)
    session.engine.sync_by_cursor()
    for call in (lambda: session.actions.escalate_due(ticket["id"], 1, "   "),
                 lambda: session.actions.keep_due(ticket["id"], 1, ""),
                 lambda: session.actions.acknowledge_due(ticket["id"], 0),
                 lambda: session.actions.escalate_due(ticket["id"], "1", "reason")):
        with pytest.raises(ValidationFailed):
            call()
    assert session.cache.outbox.size() == 0
