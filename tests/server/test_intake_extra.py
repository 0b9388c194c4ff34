"""Intake messages list their files in the change feed; a retried upload stores its files once."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from fixtures import files
from desk_app.server.attachments.models import Attachment
from desk_app.server.audit.models import AuditEntry
from desk_app.server.tickets.models import ThreadEntry

API = "/api/v1"


def shopee_form(**overrides) -> dict[str, str]:
    form = {
        "topic": "pesanan_belum_diterima",
        "email": "budi@example.co.id",
        "requester_role": "buyer",
        "order_number": "SPX-2026-0001",
        "description": "Paket belum sampai.",
    }
    form.update(overrides)
    return form


def feed(as_, ticket_id: int) -> list[dict]:
    changes = as_.get("/sync/changes", params={"since": 0}).json()["changes"]
    return [c for c in changes if c["ticket_id"] == ticket_id]


def test_intake_message_lists_its_files_in_the_feed_and_the_thread(client, store, db):
    upload = [
        ("attachments", ("resi.jpg", files.jpeg(), "image/jpeg")),
        ("attachments", ("../../etc/bukti.pdf", files.pdf(), "application/pdf")),
    ]
    r = client.post(API + "/intake", data=shopee_form(), files=upload)
    assert r.status_code == 201, r.text
    ticket_id = r.json()["ticket_id"]
    with db.read() as s:
        stored = s.scalars(select(Attachment).where(Attachment.ticket_id == ticket_id).order_by(Attachment.id)).all()
        [entry] = s.scalars(select(ThreadEntry).where(ThreadEntry.ticket_id == ticket_id)).all()
        assert entry.kind == "customer_message" and {a.entry_id for a in stored} == {entry.id}
    listed = [
        {"id": a.id, "filename": a.filename, "media_type": a.media_type, "size": a.size} for a in stored
    ]
    assert [a["filename"] for a in listed] == ["resi.jpg", "bukti.pdf"]  # a name, never a path

    changes = feed(store.agent, ticket_id)
    assert [c["kind"] for c in changes] == ["ticket.created", "entry.added"]
    with_entry = [c for c in changes if c["data"].get("entry")]
    [carrier] = with_entry
    assert carrier["data"]["entry"]["id"] == entry.id
    assert carrier["data"]["entry"]["data"] == {"attachments": listed}
    # One transaction, one visible version: an agent's first edit is based on version 1.
    assert {c["data"]["ticket"]["version"] for c in changes} == {1}

    detail = store.agent.get(f"/tickets/{ticket_id}").json()
    assert detail["version"] == 1
    [message] = [e for e in detail["thread"] if e["kind"] == "customer_message"]
    assert message["data"] == {"attachments": listed}
    got = store.agent.get(f"/attachments/{listed[1]['id']}")
    assert got.status_code == 200 and got.content == files.pdf()


def test_intake_without_files_stays_one_change(client, store):
    r = client.post(API + "/intake", data=shopee_form(topic="pertanyaan_umum", order_number=""))
    assert r.status_code == 201, r.text
    changes = feed(store.agent, r.json()["ticket_id"])
    assert [c["kind"] for c in changes] == ["ticket.created"]
    assert changes[0]["data"]["entry"]["kind"] == "customer_message"
    assert changes[0]["data"]["entry"]["data"] is None


def upload(as_, ticket_id, items, key=None):
    headers = dict(as_.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    return as_.client.post(
        f"{API}/tickets/{ticket_id}/attachments", headers=headers, files=[("files", item) for item in items]
    )


def attachment_count(db, ticket_id) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Attachment).where(Attachment.ticket_id == ticket_id))


def upload_audits(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "attachment.uploaded"))


def test_upload_retried_with_the_same_key_stores_once(store, db):
    agent = store.agent
    t = agent.create_ticket()
    key = str(uuid.uuid4())
    items = [("label.pdf", files.pdf(), "application/pdf"), ("pic.png", files.png(), "image/png")]
    first = upload(agent, t["id"], items, key)
    assert first.status_code == 201, first.text
    again = upload(agent, t["id"], items, key)  # the client never saw the first answer, say
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert attachment_count(db, t["id"]) == 2 and upload_audits(db) == 1
    # The replayed ids are usable once, as the first ones.
    ids = [a["id"] for a in again.json()["attachments"]]
    reply = agent.post(f"/tickets/{t['id']}/entries", {"kind": "public_reply", "body": "Files.", "attachment_ids": ids})
    assert reply.status_code == 201, reply.text


def test_same_key_with_other_files_is_refused(store, db):
    agent = store.agent
    t = agent.create_ticket()
    key = str(uuid.uuid4())
    assert upload(agent, t["id"], [("a.png", files.png(), "image/png")], key).status_code == 201
    other = upload(agent, t["id"], [("a.png", files.png(4, 4), "image/png")], key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert attachment_count(db, t["id"]) == 1


def test_uploads_without_a_key_or_with_new_keys_each_store(store, db):
    agent = store.agent
    t = agent.create_ticket()
    items = [("a.png", files.png(), "image/png")]
    assert upload(agent, t["id"], items).status_code == 201
    assert upload(agent, t["id"], items).status_code == 201
    assert upload(agent, t["id"], items, str(uuid.uuid4())).status_code == 201
    assert attachment_count(db, t["id"]) == 3


def test_refused_upload_keeps_its_key_free(store, db):
    """A refused upload stores nothing, the key included: the corrected retry goes through."""
    agent = store.agent
    t = agent.create_ticket()
    key = str(uuid.uuid4())
    bad = upload(agent, t["id"], [("x.png", files.elf(), "image/png")], key)
    assert bad.status_code == 415
    good = upload(agent, t["id"], [("x.png", files.png(), "image/png")], key)
    assert good.status_code == 201 and "Idempotent-Replayed" not in good.headers
    assert attachment_count(db, t["id"]) == 1


def dispute(client, role: str) -> int:
    r = client.post(API + "/intake", data=shopee_form(requester_role=role, email=f"{role}@example.co.id"))
    assert r.status_code == 201, r.text
    return r.json()["ticket_id"]


def evidence_request(agent, ticket_id: int, party: str) -> dict:
    version = agent.get(f"/tickets/{ticket_id}").json()["version"]
    r = agent.post(f"/tickets/{ticket_id}/evidence/request", {"party": party}, if_match=version)
    assert r.status_code == 200, r.text
    [entry] = [e for e in agent.get(f"/tickets/{ticket_id}").json()["thread"] if e["event_code"] == "documents_requested"]
    return entry


def request_mails(db, ticket_id: int) -> list:
    from desk_app.server.notifications.models import OutboxMessage

    with db.read() as s:
        return s.scalars(
            select(OutboxMessage).where(OutboxMessage.ticket_id == ticket_id, OutboxMessage.trigger == "info_requested")
        ).all()


def test_evidence_request_mails_the_customer_when_they_are_the_party_asked(client, store, db):
    buyer_ticket = dispute(client, "buyer")
    entry = evidence_request(store.agent, buyer_ticket, "buyer")
    [mail] = request_mails(db, buyer_ticket)
    assert mail.recipient == "buyer@example.co.id" and mail.language == "id" and "3 hari" in mail.body
    assert entry["data"]["mailed"] is True and "ask them directly" not in entry["body"]


def test_evidence_request_to_the_other_party_says_no_mail_went(client, store, db):
    """The store has one address per ticket (the customer's): the seller of a buyer's dispute has none here."""
    buyer_ticket = dispute(client, "buyer")
    entry = evidence_request(store.agent, buyer_ticket, "seller")
    assert request_mails(db, buyer_ticket) == []
    assert entry["data"]["mailed"] is False and "ask them directly" in entry["body"]
    seller_ticket = dispute(client, "seller")
    assert evidence_request(store.agent, seller_ticket, "seller")["data"]["mailed"] is True
    assert [m.recipient for m in request_mails(db, seller_ticket)] == ["seller@example.co.id"]
