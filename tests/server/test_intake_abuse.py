"""Issue 19.4: the anonymous intake cannot be flooded, mails no one's text, and keeps files out of the database."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from desk_app.server.attachments.models import Blob
from desk_app.server.attachments.storage import BlobStore
from desk_app.server.attachments.upload import IncomingFile, ParsedUpload
from desk_app.server.core.errors import ApiError
from desk_app.server.intake import service
from desk_app.server.notifications.models import OutboxMessage
from desk_app.server.tickets.models import Ticket
from fixtures import files
from test_intake import API, counts, shopee_form


@pytest.fixture
def limits(app):
    """Set the intake limits for one test."""
    saved = app.state.settings

    def set_(**values):
        app.state.settings = replace(saved, intake=replace(saved.intake, **values))
        return app.state.settings.intake

    yield set_
    app.state.settings = saved


def _tickets(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def _submit(app, clock, form, *, address, files_=()):
    state = app.state
    return service.submit(
        db=state.db, policies=state.policies, settings=state.settings, blobs=state.blobs,
        routing=state.intake_routing, upload=ParsedUpload(dict(form), list(files_)), now=clock.now(),
        address=address,
    )


def test_one_address_cannot_flood_with_fresh_email_addresses(client, store, db, limits):
    limit = limits(max_per_address=4).max_per_address
    form = shopee_form(topic="pertanyaan_umum", order_number=None)
    for i in range(limit):
        assert client.post(API + "/intake", data={**form, "email": f"x{i}@example.com"}).status_code == 201
    before = counts(db)
    r = client.post(API + "/intake", data={**form, "email": "fresh@example.com"})
    assert r.status_code == 429 and r.json()["code"] == "too_many_submissions" and int(r.headers["Retry-After"]) > 0
    assert counts(db) == before


def test_a_policy_takes_at_most_its_limit_from_many_addresses(app, store, db, clock, limits):
    limits(max_per_policy=3)
    form = shopee_form(topic="pertanyaan_umum", order_number=None)
    for i in range(3):
        _submit(app, clock, {**form, "email": f"p{i}@example.com"}, address=f"10.9.0.{i}")
    with pytest.raises(ApiError) as refused:
        _submit(app, clock, {**form, "email": "p9@example.com"}, address="10.9.0.9")
    assert refused.value.status == 429
    assert _tickets(db) == 3


def test_concurrent_intakes_with_one_address_respect_the_limit(app, store, db, clock, settings):
    """20 at once with one e-mail address (the raced case on PostgreSQL): exactly the limit get through."""
    limit = settings.intake.max_per_email
    form = shopee_form(topic="pertanyaan_umum", order_number=None)
    start = threading.Barrier(20)

    def one(i):
        start.wait(10)
        try:
            _submit(app, clock, form, address=f"10.8.0.{i}")
            return 201
        except ApiError as exc:
            return exc.status

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(one, range(20)))
    assert answers.count(201) == limit and answers.count(429) == 20 - limit, answers
    assert _tickets(db) == limit


def test_anonymous_bytes_per_hour_are_budgeted(app, store, db, clock, limits):
    jpeg = files.jpeg()
    limits(max_anonymous_bytes_per_hour=len(jpeg) * 3)
    form = shopee_form()

    def upload(n):
        return [IncomingFile("attachments", f"f{k}.jpg", bytearray(jpeg), "jpeg") for k in range(n)]

    _submit(app, clock, {**form, "email": "a@example.com"}, address="10.7.0.1", files_=upload(2))
    with pytest.raises(ApiError) as refused:
        _submit(app, clock, {**form, "email": "b@example.com"}, address="10.7.0.2", files_=upload(2))
    assert refused.value.status == 429 and refused.value.code == "intake_storage_budget"
    _submit(app, clock, {**form, "email": "c@example.com"}, address="10.7.0.3")  # text only still goes in
    _submit(app, clock, {**form, "email": "d@example.com"}, address="10.7.0.4", files_=upload(1))


def test_the_receipt_quotes_nothing_the_submitter_wrote(client, store, db):
    bait = "Your account is locked: log in at http://evil.example/reset"
    r = client.post(API + "/intake", data=shopee_form(
        topic="pertanyaan_umum", order_number=None, email="victim@example.com", name="Dear victim " + bait,
        subject=bait, description=bait + "\nmore"))
    assert r.status_code == 201, r.text
    with db.read() as s:
        mail = s.scalars(select(OutboxMessage)).one()
    assert mail.trigger == "received" and r.json()["ticket_number"] in mail.subject + mail.body
    assert "evil" not in mail.subject + mail.body and "victim" not in mail.body


def test_attachments_are_files_under_the_data_dir_and_old_database_blobs_still_read(client, store, db, app, clock):
    r = client.post(API + "/intake", data=shopee_form(), files=[("attachments", ("a.jpg", files.jpeg(), "image/jpeg"))])
    assert r.status_code == 201, r.text
    digest = r.json()["attachments"][0]["sha256"]
    blobs: BlobStore = app.state.blobs
    assert blobs.kind == "directory"
    with db.read() as s:
        row = s.get(Blob, digest)
        assert row.storage == "directory" and row.data is None  # the database holds a reference only
    assert blobs._path(digest).read_bytes() == files.jpeg()
    # A blob stored in the database before the move reads as before.
    old = files.png()
    with db.write() as s:
        legacy = BlobStore("database").put(s, old, "image/png", clock.now())
    with db.read() as s:
        assert blobs.read(s, legacy) == old
