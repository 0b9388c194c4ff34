"""POST /api/v1/intake: real files, disguised files, routing, rate limit; nothing stored on refusal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fixtures import files
from desk_app.server.attachments.models import Attachment, Blob
from desk_app.server.core.settings import Settings, StorageSettings
from desk_app.server.directory.models import Customer
from desk_app.server.intake.models import IntakeSubmission
from desk_app.server.notifications.models import OutboxMessage
from desk_app.server.tickets.models import ThreadEntry, Ticket

API = "/api/v1"


def shopee_form(**overrides) -> dict[str, str]:
    form = {
        "topic": "pesanan_belum_diterima",
        "email": "Budi@Example.co.id",
        "requester_role": "buyer",
        "order_number": "SPX-2026-0001",
        "description": "Paket belum sampai sejak 10 hari.\nMohon dibantu.",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def counts(db) -> dict[str, int]:
    with db.read() as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model))
            for model in (Ticket, Customer, Attachment, Blob, OutboxMessage, IntakeSubmission, ThreadEntry)
        }


@pytest.fixture
def dir_app(app, tmp_path):
    """The same app with blobs in a directory, to see that a refused request writes no file."""
    from dataclasses import replace

    from desk_app.server.attachments.storage import BlobStore

    old = app.state.blobs
    app.state.blobs = BlobStore("directory", tmp_path)
    yield tmp_path / "blobs"
    app.state.blobs = old


def test_real_files_make_a_ticket_with_attachments_and_receipt(client, store, db, dir_app):
    upload = [
        ("attachments", ("resi.jpg", files.jpeg(), "image/jpeg")),
        ("attachments", ("paket.png", files.png(), "image/jpeg")),  # declared wrongly: the content decides
        ("attachments", ("bukti.pdf", files.pdf(), "application/pdf")),
    ]
    r = client.post(API + "/intake", data=shopee_form(), files=upload)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["policy"] == "shopee" and body["category"] == "pesanan_belum_diterima"
    assert body["channel"] == "web_form" and body["route"] == "unique_category"
    assert [a["media_type"] for a in body["attachments"]] == ["image/jpeg", "image/png", "application/pdf"]
    with db.read() as s:
        ticket = s.get(Ticket, body["ticket_id"])
        assert ticket.number == body["ticket_number"] and ticket.order_id == "SPX-2026-0001"
        assert ticket.queue_id == store.ids["queue:general"]
        customer = s.get(Customer, ticket.customer_id)
        assert customer.email == "budi@example.co.id"
        entry = s.scalars(select(ThreadEntry).where(ThreadEntry.ticket_id == ticket.id)).one()
        assert entry.kind == "customer_message" and "Requester: buyer" in entry.body
        stored = s.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)).all()
        assert {a.entry_id for a in stored} == {entry.id}
        mail = s.scalars(select(OutboxMessage)).one()
        assert mail.trigger == "received" and mail.language == "id" and ticket.number in mail.body
        assert mail.recipient == "budi@example.co.id"
    blobs = [p for p in dir_app.rglob("*") if p.is_file()]
    assert len(blobs) == 3
    # The agent sees it live in the queue and can download the PNG with its real type.
    detail = store.agent.get(f"/tickets/{body['ticket_id']}").json()
    png = next(a for a in detail["attachments"] if a["filename"] == "paket.png")
    got = store.agent.get(f"/attachments/{png['id']}")
    assert got.status_code == 200 and got.content == files.png()
    assert got.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    ("upload", "status", "code", "named", "reason"),
    [
        ([("evil.png", files.elf())], 415, "attachment_type_refused", "evil.png", "ELF"),
        ([("setup.pdf", files.pe())], 415, "attachment_type_refused", "setup.pdf", "Windows executable"),
        ([("big.pdf", files.pdf(padding=4_800_000))], 413, "attachment_too_large", "big.pdf", "4.5 MiB"),
        ([("empty.png", b"")], 422, "attachment_empty", "empty.png", "empty"),
        ([(f"foto{i}.jpg", files.jpeg()) for i in range(6)], 422, "too_many_attachments", "foto5.jpg", "at most 5"),
        ([("../../etc/passwd.png", b"root:x:0:0:root:/root:/bin/bash\n")], 415, "attachment_type_refused",
         "passwd.png", "not a file type"),
        ([("ok.jpg", files.jpeg()), ("notes.gif", b"GIF89a" + b"\x00" * 40)], 415, "attachment_type_refused",
         "notes.gif", "GIF"),
    ],
    ids=["elf-named-png", "pe-named-pdf", "pdf-over-4.5MB", "empty", "six-files", "path-traversal", "gif"],
)
def test_refused_files_store_nothing(client, store, db, dir_app, upload, status, code, named, reason):
    before = counts(db)
    r = client.post(
        API + "/intake",
        data=shopee_form(),
        files=[("attachments", (name, data, "image/png")) for name, data in upload],
    )
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code
    assert f'"{named}"' in body["message"] and reason in body["message"]
    assert "/" not in body["filename"] and ".." not in body["filename"].replace("...", "")
    assert counts(db) == before
    assert not dir_app.exists() or not any(p.is_file() for p in dir_app.rglob("*"))


def test_path_traversal_name_is_only_a_label(client, store, db, dir_app):
    r = client.post(
        API + "/intake", data=shopee_form(), files=[("attachments", ("../../etc/passwd.png", files.png(), "x/y"))]
    )
    assert r.status_code == 201, r.text
    assert r.json()["attachments"][0]["filename"] == "passwd.png"
    stored = [p for p in dir_app.rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].name == r.json()["attachments"][0]["sha256"]
    assert stored[0].resolve().is_relative_to(dir_app.resolve())


def test_form_rules_of_the_policy(client, store, db):
    before = counts(db)
    missing_role = client.post(API + "/intake", data=shopee_form(requester_role=None))
    assert missing_role.status_code == 422 and missing_role.json()["code"] == "requester_role_required"
    no_order = client.post(API + "/intake", data=shopee_form(order_number=None))
    assert no_order.status_code == 422 and no_order.json()["code"] == "order_number_required"
    bad_email = client.post(API + "/intake", data=shopee_form(email="not-an-address"))
    assert bad_email.status_code == 422 and "email" in bad_email.json()["message"]
    assert counts(db) == before
    general = client.post(API + "/intake", data=shopee_form(topic="pertanyaan_umum", order_number=None))
    assert general.status_code == 201, general.text


def test_routing_ambiguous_qualified_and_channel_fallback(client, store, db):
    form = {"email": "asha@example.com", "description": "Where is my refund?"}
    ambiguous = client.post(API + "/intake", data={**form, "topic": "returns_refunds"})
    assert ambiguous.status_code == 422 and ambiguous.json()["code"] == "ambiguous_topic"
    assert "holesalemart:returns_refunds" in ambiguous.json()["message"]
    r = client.post(API + "/intake", data={**form, "topic": "holesalemart:returns_refunds"})
    assert r.status_code == 201, r.text
    assert (r.json()["policy"], r.json()["channel"], r.json()["route"]) == ("holesalemart", "portal", "qualified")
    mail = client.post(API + "/intake", data={**form, "topic": "refunds", "channel": "email"})
    assert mail.json()["policy"] == "pandorana" and mail.json()["channel"] == "email"
    unknown = client.post(API + "/intake", data={**form, "topic": "spaceships"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_topic"
    routing = store.manager.get("/intake/routing").json()
    assert [r["name"] for r in routing["routes"]] == ["twitter_mentions", "live_chat"]
    assert store.agent.get("/intake/routing").status_code == 403


def test_routing_by_customer_tier_from_a_config_file(app, client, store, db, tmp_path):
    from desk_app.server.intake.routing import RoutingRules

    rules = tmp_path / "routing.toml"
    rules.write_text(
        '[channels]\nweb_form = ["email"]\n\n[[routes]]\nname = "enterprise_outages"\n'
        'match = { topics = ["outage"], customer_tiers = ["enterprise"] }\npolicy = "ooulet"\n'
        'category = "service_outage"\n\n[[routes]]\nname = "other_outages"\nmatch = { topics = ["outage"] }\n'
        'policy = "ooulet"\ncategory = "app_errors"\n'
    )
    old = app.state.intake_routing
    app.state.intake_routing = RoutingRules.load(app.state.policies, rules)
    try:
        with db.write() as s:
            s.add(Customer(name="Big Co", email="ops@big.example", tier="enterprise", conduct_flag=False,
                           created_at=store.clock.now()))
        big = client.post(API + "/intake", data={"topic": "outage", "email": "ops@big.example", "description": "Down"})
        small = client.post(API + "/intake", data={"topic": "outage", "email": "me@small.example", "description": "Down"})
    finally:
        app.state.intake_routing = old
    assert big.json()["category"] == "service_outage" and big.json()["route"] == "route:enterprise_outages"
    assert small.json()["category"] == "app_errors"
    with db.read() as s:
        assert s.get(Ticket, big.json()["ticket_id"]).priority == "critical"


def test_rate_limited_per_address(client, store, db, clock, settings):
    limit = settings.intake.max_per_email
    form = shopee_form(topic="pertanyaan_umum", order_number=None)
    for _ in range(limit):
        assert client.post(API + "/intake", data=form).status_code == 201
    before = counts(db)
    refused = client.post(API + "/intake", data={**form, "email": "BUDI@example.co.id"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert counts(db) == before
    assert client.post(API + "/intake", data={**form, "email": "siti@example.co.id"}).status_code == 201
    clock.advance(timedelta(minutes=settings.intake.window_minutes, seconds=1))
    assert client.post(API + "/intake", data=form).status_code == 201


def test_oversized_request_refused_before_reading(client, store):
    r = client.post(
        API + "/intake",
        content=b"--x\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(10**9)},
    )
    assert r.status_code == 413 and r.json()["code"] == "request_too_large"


def test_ticket_reaches_the_change_feed(client, store):
    agent = store.agent
    head = agent.get("/sync/changes", params={"since": 0}).json()
    r = client.post(API + "/intake", data=shopee_form(topic="pertanyaan_umum", order_number=None))
    assert r.status_code == 201
    changes = agent.get("/sync/changes", params={"since": 0}).json()
    kinds = [(c["kind"], c["ticket_id"]) for c in changes["changes"]]
    assert ("ticket.created", r.json()["ticket_id"]) in kinds
