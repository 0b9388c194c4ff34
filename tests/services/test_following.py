"""The client keeps what its agent escalated: in the cache, in search and "Following"; told when it comes back."""

from __future__ import annotations

from desk_app.services.events import Connection
from desk_app.services.local_cache import QueueQuery
from service_helpers import wait_until


def online(session) -> bool:
    return session.status.connection is Connection.ONLINE


def test_an_escalated_ticket_stays_with_its_agent_and_comes_back_with_a_notice(live, tmp_path):
    ticket = live.create_ticket("agent", subject="Refund for the broken kettle", order_id="SO-7001")
    tid = ticket["id"]
    agent = live.session("agent")
    wait_until(lambda: online(agent) and agent.cache.ticket(tid) is not None, message="agent live")
    notices = []
    agent.events.notice.connect(notices.append)

    agent.actions.take(tid)
    agent.actions.escalate(tid, "Refund above my limit")
    assert agent.outbox.wait_idle(15)
    # The store moved it to the specialists' private queue; the agent's client keeps it and follows it.
    wait_until(lambda: (agent.cache.ticket(tid) or {}).get("tier") == 2 and agent.cache.follows(tid),
               message="the escalation reached the agent's cache")
    assert [r.id for r in agent.cache.search("kettle")] == [tid]
    assert [r.id for r in agent.cache.rows(QueueQuery(following=True))] == [tid]
    # Not in the work the agent can take.
    assert agent.cache.count(QueueQuery(unassigned=True, max_tier=1)) == 0

    # A fresh client of the same agent (a new machine) learns the follow from the bootstrap.
    fresh = live.session("agent", data_dir=tmp_path / "second-machine")
    wait_until(lambda: online(fresh), message="second machine live")
    assert fresh.cache.follows(tid) and fresh.cache.ticket(tid)["tier"] == 2
    fresh.stop()

    # Tier 2 sends it back: it is the agent's again, and the agent is told.
    live.call("specialist", "POST", f"/tickets/{tid}/deescalate", {"reason": "Refund approved; tell the customer"})
    wait_until(lambda: notices, message="the notice")
    notice = notices[0]
    assert (notice.kind, notice.ticket_id, notice.number) == ("returned", tid, ticket["number"])
    assert (notice.from_tier, notice.to_tier, notice.by) == (2, 1, "Specialist")
    assert notice.reason == "Refund approved; tell the customer"
    wait_until(lambda: agent.cache.ticket(tid)["assignee_id"] == live.ids["agent"], message="theirs again")
    assert len(notices) == 1


def test_a_client_that_was_away_hears_of_the_return_once(live, tmp_path):
    ticket = live.create_ticket("agent")
    tid = ticket["id"]
    live.call("agent", "POST", f"/tickets/{tid}/escalate", {"reason": "Beyond tier 1"})
    engine, cache, events = live.engine("agent", tmp_path / "cache.sqlite3")
    notices = []
    events.notice.connect(notices.append)
    engine.sync_by_cursor()
    assert cache.follows(tid) and notices == []
    live.call("specialist", "POST", f"/tickets/{tid}/deescalate", {"reason": "Done here"})
    engine.catch_up()
    engine.catch_up()  # nothing new: nothing told twice
    assert [(n.kind, n.ticket_id) for n in notices] == [("returned", tid)]
    cache.close()
