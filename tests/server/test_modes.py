"""Emergency / high-volume modes: admin API and CLI, clocks, notices on tickets, delay mails."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from desk_app.server.audit.models import AuditEntry
from desk_app.server.cli import main as cli_main
from desk_app.server.notifications.models import OutboxMessage
from desk_app.server.tickets.models import ThreadEntry

PANDORANA = {"policy": "pandorana", "category": "complaints", "priority": "normal", "channel": "email"}


def _run(app, clock):
    return app.state.scheduler.run_due(clock.now())


def test_modes_api_is_for_admins_and_validates(store):
    assert store.agent.get("/policies/pandorana/modes").status_code == 403
    assert store.manager.post("/policies/pandorana/modes/high_volume/on").status_code == 403
    assert store.client.get("/api/v1/policies/pandorana/modes").status_code == 401
    r = store.admin.get("/policies/nope/modes")
    assert r.status_code == 422 and r.json()["code"] == "unknown_policy"
    r = store.admin.post("/policies/pandorana/modes/flood/on")
    assert r.status_code == 422 and "high_volume" in r.json()["message"]
    r = store.admin.post("/policies/shopom/modes/high_volume/on")
    assert r.status_code == 422 and "known: none" in r.json()["message"]
    assert store.admin.post("/policies/pandorana/modes/high_volume/on", {"note": "x", "bogus": 1}).status_code == 422
    r = store.admin.post("/policies/pandorana/modes/high_volume/off")
    assert r.status_code == 409 and r.json()["code"] == "mode_not_on"
    modes = store.admin.get("/policies/pandorana/modes").json()
    assert [m["key"] for m in modes["modes"]] == ["high_volume"] and modes["modes"][0]["active"] is False


def test_mode_on_extends_clocks_adds_notice_and_tells_customers_once(store, app, db, clock):
    t = store.agent.create_ticket(**PANDORANA)
    done = store.agent.create_ticket(**PANDORANA, customer={"name": "Done", "email": "done@example.com"})
    store.agent.post(f"/tickets/{done['id']}/status", {"status": "resolved"})
    before = next(c for c in t["sla"]["clocks"] if c["key"] == "first_response")
    clock.advance(timedelta(minutes=5))
    r = store.admin.post("/policies/pandorana/modes/high_volume/on", {"note": "Black Friday"})
    assert r.status_code == 200, r.text
    assert r.json()["tickets_affected"] == 1 and r.json()["modes"][0]["active"] is True
    again = store.admin.post("/policies/pandorana/modes/high_volume/on")
    assert again.status_code == 409 and again.json()["code"] == "mode_already_on"
    report = _run(app, clock)
    assert report.processed == [t["id"]]
    after = store.agent.get(f"/tickets/{t['id']}").json()
    notice = after["mode_notice"]
    assert notice["mode"] == "high_volume" and "48 business hours" in notice["notice"]
    first = next(c for c in after["sla"]["clocks"] if c["key"] == "first_response")
    assert first["extended_by"] == "high_volume" and first["target_seconds"] > before["target_seconds"]
    assert after["version"] == t["version"]  # the scheduler's notice does not bump the version
    assert store.agent.get(f"/tickets/{done['id']}").json()["mode_notice"] is None
    _run(app, clock)
    with db.read() as s:
        mails = s.scalars(select(OutboxMessage).where(OutboxMessage.trigger == "delayed")).all()
        notes = s.scalars(select(ThreadEntry).where(ThreadEntry.event_code == "mode_on")).all()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "policy.mode_on")).all()
    assert [m.ticket_id for m in mails] == [t["id"]] and [n.ticket_id for n in notes] == [t["id"]]
    assert len(audit) == 1 and audit[0].actor_id == store.ids["admin"]
    # A ticket opened during the mode gets the notice and the mail too.
    late = store.agent.create_ticket(**PANDORANA, customer={"name": "Late", "email": "late@example.com"})
    assert late["mode_notice"]["mode"] == "high_volume"
    _run(app, clock)
    with db.read() as s:
        assert s.scalar(select(OutboxMessage.id).where(OutboxMessage.ticket_id == late["id"],
                                                       OutboxMessage.trigger == "delayed")) is not None
    # Off: the notice goes, the extension stays with the clock (the customer was told).
    clock.advance(timedelta(minutes=5))
    assert store.admin.post("/policies/pandorana/modes/high_volume/off").status_code == 200
    _run(app, clock)
    off = store.agent.get(f"/tickets/{t['id']}").json()
    assert off["mode_notice"] is None
    assert any(e["event_code"] == "mode_off" for e in off["thread"])


def test_suspend_mode_pauses_the_clocks(store, app, clock):
    body = {"policy": "holesalemart", "category": "orders", "priority": "normal", "channel": "email"}
    policy = app.state.policies["holesalemart"]
    body["category"] = next(iter(policy.categories))
    t = store.agent.create_ticket(**body)
    store.admin.post("/policies/holesalemart/modes/pandemic_closure/on")
    _run(app, clock)
    after = store.agent.get(f"/tickets/{t['id']}").json()
    first = next(c for c in after["sla"]["clocks"] if c["key"] == "first_response")
    assert first["state"] == "paused" and first["paused_reason"] == "mode:pandemic_closure"
    assert after["mode_notice"]["label"] == "Pandemic: support closed"


def test_cli_lists_and_switches_modes(store, app, db, clock, capsys):
    t = store.agent.create_ticket(**PANDORANA)
    assert cli_main(["mode", "list", "--db", db.url]) == 0
    out = capsys.readouterr().out
    assert "pandorana" in out and "high_volume" in out and "off" in out
    assert cli_main(["mode", "on", "pandorana", "high_volume", "--note", "storm", "--db", db.url]) == 0
    assert "is now on" in capsys.readouterr().out
    assert cli_main(["mode", "on", "pandorana", "high_volume", "--db", db.url]) == 1
    assert "already on" in capsys.readouterr().err
    assert cli_main(["mode", "on", "pandorana", "nope", "--db", db.url]) == 1
    assert "no mode 'nope'" in capsys.readouterr().err
    # The CLI switches at the real now; the test clock catches up with it if behind.
    clock.set(max(clock.now(), _span_start(db)))
    store._as.clear()
    _run(app, clock)
    got = store.manager.get(f"/tickets/{t['id']}").json()  # months later: escalated meanwhile
    assert got["mode_notice"]["mode"] == "high_volume", got
    assert cli_main(["mode", "off", "pandorana", "high_volume", "--db", db.url]) == 0
    assert cli_main(["mode", "list", "--policy", "pandorana", "--db", db.url]) == 0
    assert "ON since" not in capsys.readouterr().out


def _span_start(db):
    from desk_app.server.policies.models import PolicyModeSpan

    with db.read() as s:
        return s.scalar(select(PolicyModeSpan.start_at).order_by(PolicyModeSpan.id.desc()).limit(1))
