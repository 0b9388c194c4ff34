"""Which changes queue which customer mails, in the change's transaction, once per cause."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from desk_app.server.notifications import outbox as outbox_module
from desk_app.server.notifications.models import OutboxMessage
from desk_app.server.notifications.templates import TemplateSet
from desk_app.server.tickets.models import Ticket
from store_helpers import ticket_body


def mails(db) -> list[OutboxMessage]:
    with db.read() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_every_shipped_policy_has_its_own_wording_for_what_it_promises(policies):
    templates = TemplateSet.load()
    for policy in policies.values():
        for trigger in policy.notifications.triggers:
            assert templates.has_own(policy.key, policy.notifications.language, trigger), (policy.key, trigger)
    assert policies["shopee"].notifications.language == "id"
    mail = templates.render("shopee", "id", "evidence_lapsed", {"party": "seller", "ticket_number": "DSK-1"})
    assert "penjual" in mail.body and "DSK-1" in mail.subject


def test_holesalemart_mails_follow_the_ticket(store, db):
    agent, manager = store.agent, store.manager
    t = agent.create_ticket(**ticket_body(policy="holesalemart", category="orders", channel="portal"))
    t = manager.post(f"/tickets/{t['id']}/assign", {"assignee_id": store.ids["agent"]}, if_match=t["version"]).json()
    r = agent.post(f"/tickets/{t['id']}/entries", {"kind": "public_reply", "body": "Your parcel left the depot."},
                   if_match=t["version"])
    t = r.json()["ticket"]
    agent.post(f"/tickets/{t['id']}/entries", {"kind": "internal_note", "body": "no mail for this"})
    for status in ("pending_customer", "resolved", "closed"):
        t = agent.post(f"/tickets/{t['id']}/status", {"status": status}, key=str(uuid.uuid4())).json()
    got = mails(db)
    assert [m.trigger for m in got] == ["received", "assigned", "progress", "info_requested", "resolved", "closed"]
    assert all(m.recipient == "asha@example.com" and m.status == "pending" for m in got)
    assert t["number"] in got[0].body and "72 hours" in got[0].body
    assert "Agent" in got[1].body
    assert "Your parcel left the depot." in got[2].body
    assert "/api/v1/feedback/csat_" in got[4].body


def test_policy_without_promises_queues_nothing(store, db):
    t = store.agent.create_ticket()  # Shopom: triggers = []
    store.agent.post(f"/tickets/{t['id']}/entries", {"kind": "public_reply", "body": "Hello"})
    assert mails(db) == []


def test_ooulet_escalation_mail_names_the_tier(store, db):
    t = store.agent.create_ticket(**ticket_body(policy="ooulet", category="app_errors", channel="email"))
    r = store.agent.post(f"/tickets/{t['id']}/escalate", {"reason": "needs senior staff"}, if_match=t["version"])
    assert r.status_code == 200, r.text
    [mail] = mails(db)
    assert mail.trigger == "escalated" and "escalated to" in mail.body


def test_enqueue_is_once_per_cause_and_needs_an_address(app, store, db, clock):
    t = store.agent.create_ticket(**ticket_body(policy="pandorana", category="refunds", channel="email"))
    with db.write() as s:
        ticket = s.get(Ticket, t["id"])
        first = outbox_module.enqueue(s, ticket=ticket, trigger="delayed", now=clock.now(), dedupe_key="mode:1",
                                      data={"notice": "High volume."})
        again = outbox_module.enqueue(s, ticket=ticket, trigger="delayed", now=clock.now(), dedupe_key="mode:1")
        not_promised = outbox_module.enqueue(s, ticket=ticket, trigger="received", now=clock.now(), dedupe_key="x")
    assert (first, again, not_promised) == (True, False, False)
    [mail] = mails(db)
    assert "High volume." in mail.body
    no_email = ticket_body(policy="pandorana", category="refunds", channel="email",
                           customer={"name": "Walk-in", "phone": "+62 811 000"})
    t2 = store.agent.create_ticket(**no_email)
    with db.write() as s:
        assert not outbox_module.enqueue(s, ticket=s.get(Ticket, t2["id"]), trigger="delayed", now=clock.now(),
                                         dedupe_key="mode:1")


def test_a_failed_change_queues_nothing(store, db):
    t = store.agent.create_ticket(**ticket_body(policy="holesalemart", category="orders", channel="portal"))
    stale = store.agent.post(f"/tickets/{t['id']}/entries", {"kind": "public_reply", "body": "x"},
                             if_match=t["version"] + 5)
    assert stale.status_code == 412
    assert [m.trigger for m in mails(db)] == ["received"]
