"""Attachments on tickets: store checked uploads, link them to thread entries, find them for download."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_app.server.attachments.models import Attachment
from desk_app.server.attachments.storage import BlobStore
from desk_app.server.attachments.upload import IncomingFile
from desk_app.server.core.errors import ApiError
from desk_app.server.core.types import iso

#: Attachments one thread entry may carry.
MAX_PER_ENTRY = 20


def store_files(
    session: Session,
    blobs: BlobStore,
    *,
    ticket_id: int,
    files: Sequence[IncomingFile],
    now: datetime,
    entry_id: int | None = None,
    uploaded_by_id: int | None = None,
) -> list[Attachment]:
    """Store checked files (content-addressed) and attach them to the ticket, in the caller's transaction."""
    return [
        blobs.attach(
            session,
            ticket_id=ticket_id,
            data=bytes(f.data),
            media_type=f.media_type,
            filename=f.filename,
            now=now,
            entry_id=entry_id,
            uploaded_by_id=uploaded_by_id,
        )
        for f in files
    ]


def attachment_json(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.id,
        "entry_id": a.entry_id,
        "filename": a.filename,
        "media_type": a.media_type,
        "size": a.size,
        "sha256": a.blob_sha256,
        "created_at": iso(a.created_at),
    }


def unlinked_for_entry(session: Session, ticket_id: int, ids: Sequence[int]) -> list[Attachment]:
    """The uploads a new entry names: on this ticket, not yet on another entry; else 422."""
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > MAX_PER_ENTRY:
        raise ApiError(422, "too_many_attachments", f"An entry carries at most {MAX_PER_ENTRY} attachments.")
    rows = session.scalars(
        select(Attachment).where(Attachment.id.in_(wanted)).order_by(Attachment.id).with_for_update()
    ).all()
    found = {a.id: a for a in rows}
    for attachment_id in wanted:
        a = found.get(attachment_id)
        if a is None or a.ticket_id != ticket_id:
            raise ApiError(
                422,
                "unknown_attachment",
                f"Attachment {attachment_id} was not uploaded to this ticket "
                f"(POST /api/v1/tickets/{ticket_id}/attachments first).",
            )
        if a.entry_id is not None:
            raise ApiError(
                409, "attachment_already_used", f"Attachment {attachment_id} already belongs to entry {a.entry_id}."
            )
    return [found[i] for i in wanted]


def entry_data(attachments: Sequence[Attachment]) -> dict[str, Any]:
    """What a thread entry records about its files (clients show them from the change feed)."""
    return {
        "attachments": [
            {"id": a.id, "filename": a.filename, "media_type": a.media_type, "size": a.size} for a in attachments
        ]
    }


def link_to_entry(attachments: Sequence[Attachment], entry_id: int) -> None:
    for a in attachments:
        a.entry_id = entry_id  # flushed with the rest of the change
