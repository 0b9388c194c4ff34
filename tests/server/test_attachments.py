"""Agents upload files to a ticket, attach them to a reply, and download them with role checks."""

from __future__ import annotations

from fixtures import files
from store_helpers import ticket_body


def upload(as_, ticket_id, *items):
    return as_.client.post(
        f"/api/v1/tickets/{ticket_id}/attachments",
        headers=as_.headers,
        files=[("files", item) for item in items],
    )


def test_upload_reply_download(store):
    agent = store.agent
    t = agent.create_ticket()
    r = upload(agent, t["id"], ("label.pdf", files.pdf(), "application/octet-stream"),
               ("pic:1.jpg", files.jpeg(), "image/png"))
    assert r.status_code == 201, r.text
    ids = [a["id"] for a in r.json()["attachments"]]
    assert [a["media_type"] for a in r.json()["attachments"]] == ["application/pdf", "image/jpeg"]
    reply = agent.post(f"/tickets/{t['id']}/entries",
                       {"kind": "public_reply", "body": "Label attached.", "attachment_ids": ids})
    assert reply.status_code == 201, reply.text
    entry = reply.json()["entry"]
    assert [a["id"] for a in entry["data"]["attachments"]] == ids
    reuse = agent.post(f"/tickets/{t['id']}/entries", {"kind": "public_reply", "body": "again", "attachment_ids": ids})
    assert reuse.status_code == 409
    got = agent.get(f"/attachments/{ids[1]}")
    assert got.status_code == 200 and got.content == files.jpeg()
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["x-content-type-options"] == "nosniff"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="pic_1.jpg"') and "filename*=UTF-8''" in disposition


def test_refusals_and_role_checks(store):
    agent = store.agent
    t = agent.create_ticket()
    bad = upload(agent, t["id"], ("invoice.png", files.elf(), "image/png"))
    assert bad.status_code == 415 and '"invoice.png"' in bad.json()["message"]
    other = agent.create_ticket(**ticket_body(subject="Another"))
    ok = upload(agent, other["id"], ("a.png", files.png(), "image/png")).json()["attachments"][0]["id"]
    wrong_ticket = agent.post(f"/tickets/{t['id']}/entries",
                              {"kind": "public_reply", "body": "x", "attachment_ids": [ok]})
    assert wrong_ticket.status_code == 422 and wrong_ticket.json()["code"] == "unknown_attachment"
    # Escalated to tier 3 (a private queue): the agent no longer sees the ticket or its files.
    manager = store.manager
    current = manager.get(f"/tickets/{other['id']}").json()
    moved = manager.post(f"/tickets/{other['id']}/escalate", {"reason": "legal", "to_tier": 3},
                         if_match=current["version"])
    assert moved.status_code == 200, moved.text
    assert agent.get(f"/attachments/{ok}").status_code == 404
    assert manager.get(f"/attachments/{ok}").status_code == 200
    assert upload(agent, other["id"], ("b.png", files.png(), "image/png")).status_code == 404
    assert store.client.get(f"/api/v1/attachments/{ok}").status_code == 401
