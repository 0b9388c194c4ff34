"""One agent, two machines: the escalation prompt pops up on one, is listed on both, and goes from both when handled."""

from __future__ import annotations

import pytest

from desk_app.ui.escalation_prompt import CLIENT_KEY, SHOWN_KEY, EscalationWatcher, NeedsAttention
from live_store import *  # noqa: F401,F403 - the store's fixtures
from live_store import wait_until


class Machine:
    """The agent's app on one computer: its own data dir (cache), session and "Needs attention" list."""

    def __init__(self, qtbot, live, runner, data_dir, username: str = "agent") -> None:
        self.session = live.session(username, data_dir=data_dir)
        wait_until(lambda: self.session.cache.reference("policies") and self.session.cache.cursor is not None,
                   message="first sync done")
        self.attention = NeedsAttention(self.session, runner)
        qtbot.addWidget(self.attention)
        self.prompted: list[dict] = []
        self.attention.watcher.prompt.connect(self.prompted.append)

    @property
    def listed(self) -> int:
        return self.attention.list.count()


@pytest.fixture(params=["synchronous", "threaded"])
def ops(request, qapp):
    """Ops run inline (deterministic), or on the real lanes with callbacks queued back to this thread."""
    if request.param == "synchronous":
        yield request.getfixturevalue("sync_ops")
        return
    from desk_app.ui.ops import CollectingReporter, OpRunner

    runner = OpRunner(error_reporter=CollectingReporter())
    yield runner
    runner.shutdown()


def _customer_asks(live, ticket: dict) -> dict:
    return live.call("agent", "POST", f"/tickets/{ticket['id']}/escalation-request", {"note": "Not satisfied"})


def test_the_prompt_pops_up_on_one_machine_and_is_listed_on_both(qtbot, live, ops, tmp_path):
    ticket = live.create_ticket("agent", assign_to_me=True)
    laptop = Machine(qtbot, live, ops, tmp_path / "laptop")
    desktop = Machine(qtbot, live, ops, tmp_path / "desktop")
    qtbot.waitUntil(lambda: ops.is_idle, timeout=5_000)
    assert laptop.listed == desktop.listed == 0
    assert laptop.session.cache.meta(CLIENT_KEY) != desktop.session.cache.meta(CLIENT_KEY)

    due = _customer_asks(live, ticket)["escalation_due"]
    key = f"due:{due['id']}"
    qtbot.waitUntil(lambda: laptop.listed == 1 and desktop.listed == 1, timeout=15_000)
    qtbot.waitUntil(lambda: laptop.attention.watcher.claiming == desktop.attention.watcher.claiming == set()
                    and ops.is_idle, timeout=5_000)
    # Exactly one machine popped it up (and sent the tray message with it); both list it.
    assert len(laptop.prompted) + len(desktop.prompted) == 1
    shown, quiet = (laptop, desktop) if laptop.prompted else (desktop, laptop)
    assert shown.prompted[0]["key"] == key and list(shown.attention.prompts) == [key]
    assert shown.attention.prompts[key].isVisible()
    assert quiet.prompted == [] and quiet.attention.prompts == {}
    assert f"{ticket['number']}: escalation due to" in quiet.attention.list.item(0).text()
    # Both remember it as dealt with: a restart on either machine pops nothing up.
    for machine in (laptop, desktop):
        assert machine.session.cache.meta(SHOWN_KEY) == f'["{key}"]'
    restarted = EscalationWatcher(quiet.session, ops)
    again = []
    restarted.prompt.connect(again.append)
    restarted.start()
    qtbot.waitUntil(lambda: ops.is_idle, timeout=5_000)
    assert list(restarted.items) == [key] and again == [] and restarted.claiming == set()

    # Handled from the list on the quiet machine: it leaves both lists, and the pop-up on the other closes.
    quiet.attention.list.setCurrentRow(0)
    quiet.attention.list.itemActivated.emit(quiet.attention.list.item(0))
    dialog = quiet.attention.prompts[key]
    dialog.text.setPlainText("Customer wants a senior to look at it.")
    dialog.escalate.click()
    qtbot.waitUntil(lambda: quiet.listed == 0 and shown.listed == 0, timeout=15_000)
    assert shown.attention.prompts == {} and quiet.attention.prompts == {}
    wait_until(lambda: quiet.session.cache.outbox.size() == 0, message="sent")
    server = live.call("manager", "GET", f"/tickets/{ticket['id']}")
    assert server["tier"] == 2 and server["escalation_due"] is None
    assert len(laptop.prompted) + len(desktop.prompted) == 1
    assert not ops.error_reporter.errors


def test_a_machine_opened_later_lists_it_without_a_pop_up(qtbot, live, sync_ops, tmp_path):
    ticket = live.create_ticket("agent", assign_to_me=True)
    due = _customer_asks(live, ticket)["escalation_due"]
    first = Machine(qtbot, live, sync_ops, tmp_path / "office")
    # Popped up by the constructor's first scan (before `prompted` was connected).
    assert first.listed == 1 and list(first.attention.prompts) == [f"due:{due['id']}"]
    later = Machine(qtbot, live, sync_ops, tmp_path / "home")
    assert later.listed == 1 and later.attention.prompts == {}
    # A colleague's machine is another user: their own first (here a manager, who sees every ticket,
    # is not the owner, so nothing is asked of them at all).
    manager = Machine(qtbot, live, sync_ops, tmp_path / "manager", username="manager")
    assert manager.listed == 0 and manager.attention.prompts == {}


def test_offline_the_prompt_pops_up_anyway(qtbot, live, sync_ops, tmp_path):
    ticket = live.create_ticket("agent", assign_to_me=True)
    due = _customer_asks(live, ticket)["escalation_due"]
    other = Machine(qtbot, live, sync_ops, tmp_path / "office")
    assert list(other.attention.prompts) == [f"due:{due['id']}"]  # it claimed the pop-up

    session = live.session("agent", data_dir=tmp_path / "laptop")
    wait_until(lambda: (session.cache.ticket(ticket["id"]) or {}).get("escalation_due"), message="cached")
    live.server.stop()  # the laptop loses the store before it could ask
    attention = NeedsAttention(session, sync_ops)
    qtbot.addWidget(attention)
    # Better twice than never: it could not ask, so it pops up here too.
    assert attention.list.count() == 1 and list(attention.prompts) == [f"due:{due['id']}"]
    assert not sync_ops.error_reporter.errors


# -- "a new escalation in your queue": once per user too --------------------------------------


@pytest.mark.parametrize("role, tier", [("specialist", 2), ("manager", 3)])
def test_a_new_escalation_pops_up_on_one_of_the_users_machines(qtbot, live, ops, tmp_path, role, tier):
    ticket = live.create_ticket("agent", assign_to_me=True)
    laptop = Machine(qtbot, live, ops, tmp_path / "laptop", username=role)
    desktop = Machine(qtbot, live, ops, tmp_path / "desktop", username=role)
    qtbot.waitUntil(lambda: ops.is_idle, timeout=5_000)
    assert laptop.listed == desktop.listed == 0

    escalated = live.call("manager", "POST", f"/tickets/{ticket['id']}/escalate",
                          {"reason": "Chargeback risk", "to_tier": tier}, if_match=ticket["version"])
    key = f"esc:{escalated['escalation']['id']}"
    qtbot.waitUntil(lambda: laptop.listed == 1 and desktop.listed == 1, timeout=15_000)
    qtbot.waitUntil(lambda: laptop.attention.watcher.claiming == desktop.attention.watcher.claiming == set()
                    and ops.is_idle, timeout=5_000)
    assert len(laptop.prompted) + len(desktop.prompted) == 1
    shown, quiet = (laptop, desktop) if laptop.prompted else (desktop, laptop)
    assert shown.prompted[0]["key"] == key and list(shown.attention.prompts) == [key]
    assert quiet.attention.prompts == {}
    for machine in (laptop, desktop):
        assert machine.session.cache.meta(SHOWN_KEY) == f'["{key}"]'

    # Taken on the quiet machine: acknowledged, it leaves both lists and the pop-up closes.
    quiet.attention.list.setCurrentRow(0)
    quiet.attention.list.itemActivated.emit(quiet.attention.list.item(0))
    quiet.attention.prompts[key].take.click()
    qtbot.waitUntil(lambda: quiet.listed == 0 and shown.listed == 0, timeout=15_000)
    assert shown.attention.prompts == {}
    assert len(laptop.prompted) + len(desktop.prompted) == 1
    wait_until(lambda: quiet.session.cache.outbox.size() == 0, message="sent")
    for machine in (laptop, desktop):  # no change may reach the watchers once the runner is gone
        machine.session.stop()
    assert live.call("manager", "GET", f"/tickets/{ticket['id']}")["escalation"]["acknowledged"]
    assert not ops.error_reporter.errors


def test_the_escalation_claim_at_the_store(live):
    """The claim itself: first once per user, the same app stays first, refused once handled."""
    ticket = live.create_ticket("agent", assign_to_me=True)
    escalated = live.call("manager", "POST", f"/tickets/{ticket['id']}/escalate",
                          {"reason": "Chargeback risk", "to_tier": 2}, if_match=ticket["version"])
    path = f"/tickets/{ticket['id']}/escalations/{escalated['escalation']['id']}/notify"

    first = live.call("specialist", "POST", path, {"client_id": "laptop"})
    assert first["first"] is True
    assert live.call("specialist", "POST", path, {"client_id": "desktop"}) == {**first, "first": False}
    assert live.call("specialist", "POST", path, {"client_id": "laptop"})["first"] is True  # asked again
    assert live.call("manager", "POST", path, {"client_id": "desktop"})["first"] is True  # another user

    for body, status in (({"client_id": ""}, 422), ({"client_id": "x" * 65}, 422), ({"client_id": "a b"}, 422),
                         ({"client_id": "ok", "extra": 1}, 422), ({}, 422)):
        live.call("specialist", "POST", path, body, expect=status)
    missing = f"/tickets/{ticket['id']}/escalations/{escalated['escalation']['id'] + 999}/notify"
    live.call("specialist", "POST", missing, {"client_id": "laptop"}, expect=404)
    live.call("specialist", "POST", "/tickets/999999/escalations/1/notify", {"client_id": "laptop"}, expect=404)

    server = live.call("manager", "GET", f"/tickets/{ticket['id']}")
    assert server["version"] == escalated["version"]  # claiming changes nothing on the ticket
    live.call("specialist", "POST", f"/tickets/{ticket['id']}/escalations/{escalated['escalation']['id']}/acknowledge",
              None, if_match=server["version"])
    handled = live.call("specialist", "POST", path, {"client_id": "phone"}, expect=409)
    assert handled["code"] == "already_acknowledged"
