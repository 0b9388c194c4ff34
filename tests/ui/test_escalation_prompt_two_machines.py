"""One agent, two machines: the escalation is announced on one, listed on both, and goes from both when handled.

Nothing pops up by itself (issue 13, item 1): "announced" is the one desktop
notification for the new items; the agent opens a prompt from the list.
"""

from __future__ import annotations

import pytest

from desk_app.ui.escalation_prompt import CLIENT_KEY, SHOWN_KEY, EscalationWatcher, NeedsAttention
from live_store import *  # noqa: F401,F403 - the store's fixtures
from live_store import wait_until
from window_signals import window_signals


class Machine:
    """The agent's app on one computer: its own data dir (cache), session and "Needs attention" list."""

    def __init__(self, qtbot, live, runner, data_dir, username: str = "agent") -> None:
        self.session = live.session(username, data_dir=data_dir)
        wait_until(lambda: self.session.cache.reference("policies") and self.session.cache.cursor is not None,
                   message="first sync done")
        self.attention = NeedsAttention(self.session, runner, signals=window_signals(self.session))
        qtbot.addWidget(self.attention)
        self.prompted: list[dict] = []
        self.attention.watcher.prompt.connect(self.prompted.append)

    @property
    def listed(self) -> int:
        return self.attention.list.count()

    def announced(self) -> list[tuple[str, str]]:
        self.attention.announce()  # what the gathering timer does (it may have done it already)
        return self.attention.announcements

    def open_prompt(self, key: str):
        self.attention.list.setCurrentRow(0)
        self.attention.list.itemActivated.emit(self.attention.list.item(0))
        return self.attention.prompts[key]


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


def test_the_item_is_announced_on_one_machine_and_listed_on_both(qtbot, live, ops, tmp_path):
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
    # Exactly one machine announced it (its one desktop notification); both list it; neither popped up a window.
    assert len(laptop.prompted) + len(desktop.prompted) == 1
    shown, quiet = (laptop, desktop) if laptop.prompted else (desktop, laptop)
    assert shown.prompted[0]["key"] == key and len(shown.announced()) == 1
    assert quiet.prompted == [] and quiet.announced() == []
    assert shown.attention.prompts == quiet.attention.prompts == {}
    assert f"{ticket['number']}: escalation due to" in quiet.attention.list.item(0).text()
    # Both remember it as dealt with: a restart on either machine announces nothing.
    for machine in (laptop, desktop):
        assert machine.session.cache.meta(SHOWN_KEY) == f'["{key}"]'
    restarted = EscalationWatcher(quiet.session, ops, signals=window_signals(quiet.session))
    again = []
    restarted.prompt.connect(again.append)
    restarted.start()
    qtbot.waitUntil(lambda: ops.is_idle, timeout=5_000)
    assert list(restarted.items) == [key] and again == [] and restarted.claiming == set()

    # Handled from the list on the quiet machine: it leaves both lists, and the prompt open on the other closes.
    assert shown.open_prompt(key).isVisible()
    dialog = quiet.open_prompt(key)
    dialog.text.setPlainText("Customer wants a senior to look at it.")
    dialog.escalate.click()
    qtbot.waitUntil(lambda: quiet.listed == 0 and shown.listed == 0, timeout=15_000)
    assert shown.attention.prompts == {} and quiet.attention.prompts == {}
    wait_until(lambda: quiet.session.cache.outbox.size() == 0, message="sent")
    server = live.call("manager", "GET", f"/tickets/{ticket['id']}")
    assert server["tier"] == 2 and server["escalation_due"] is None
    assert len(laptop.prompted) + len(desktop.prompted) == 1
    assert not ops.error_reporter.errors


def test_a_machine_opened_later_lists_it_without_announcing_it(qtbot, live, sync_ops, tmp_path):
    ticket = live.create_ticket("agent", assign_to_me=True)
    due = _customer_asks(live, ticket)["escalation_due"]
    first = Machine(qtbot, live, sync_ops, tmp_path / "office")
    # Announced after the constructor's first scan (before `prompted` was connected).
    assert first.listed == 1 and len(first.announced()) == 1 and first.attention.prompts == {}
    later = Machine(qtbot, live, sync_ops, tmp_path / "home")
    assert later.listed == 1 and later.announced() == []
    # A colleague's machine is another user: their own first (here a manager, who sees every ticket,
    # is not the owner, so nothing is asked of them at all).
    manager = Machine(qtbot, live, sync_ops, tmp_path / "manager", username="manager")
    assert manager.listed == 0 and manager.announced() == []


def test_offline_the_item_is_announced_anyway(qtbot, live, sync_ops, tmp_path):
    ticket = live.create_ticket("agent", assign_to_me=True)
    due = _customer_asks(live, ticket)["escalation_due"]
    other = Machine(qtbot, live, sync_ops, tmp_path / "office")
    assert len(other.announced()) == 1  # it claimed the announcement

    session = live.session("agent", data_dir=tmp_path / "laptop")
    wait_until(lambda: (session.cache.ticket(ticket["id"]) or {}).get("escalation_due"), message="cached")
    live.server.stop()  # the laptop loses the store before it could ask
    attention = NeedsAttention(session, sync_ops, signals=window_signals(session))
    qtbot.addWidget(attention)
    # Better twice than never: it could not ask, so it is announced here too.
    attention.announce()
    assert attention.list.count() == 1 and len(attention.announcements) == 1 and attention.prompts == {}
    assert not sync_ops.error_reporter.errors


# -- "a new escalation in your queue": once per user too --------------------------------------


@pytest.mark.parametrize("role, tier", [("specialist", 2), ("manager", 3)])
def test_a_new_escalation_is_announced_on_one_of_the_users_machines(qtbot, live, ops, tmp_path, role, tier):
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
    assert shown.prompted[0]["key"] == key and len(shown.announced()) == 1
    assert quiet.announced() == [] and shown.attention.prompts == quiet.attention.prompts == {}
    for machine in (laptop, desktop):
        assert machine.session.cache.meta(SHOWN_KEY) == f'["{key}"]'

    # Taken on the quiet machine: acknowledged, it leaves both lists and the prompt open on the other closes.
    assert shown.open_prompt(key).isVisible()
    quiet.open_prompt(key).take.click()
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
