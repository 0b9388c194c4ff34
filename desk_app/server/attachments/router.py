"""Attachment endpoints: agents upload files to a ticket, staff download them.

Upload first (`POST /tickets/{id}/attachments`, multipart, field `files`),
then name the returned ids in a reply's `attachment_ids`. Uploads follow the
same rules as intake (the ticket's policy `[intake]`, else 5 files of at most
4.5 MiB, JPEG/PNG/PDF, judged by content). Downloads are for staff who can
see the ticket; anyone else gets 404, as for the ticket itself.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel

from desk_app.server.attachments import service
from desk_app.server.attachments.models import Attachment
from desk_app.server.attachments.storage import BlobIntegrityError
from desk_app.server.attachments.upload import UploadRules, max_body_for, read_upload
from desk_app.server.auth.deps import Staff
from desk_app.server.auth.mutation import MutationDep
from desk_app.server.auth.service import Principal
from desk_app.server.core.errors import ApiError, ErrorOut
from desk_app.server.core.validation import MAX_ID
from desk_app.server.sync.visibility import viewer_for
from desk_app.server.tickets.schemas import AttachmentOut
from desk_app.server.tickets.write import load_visible

router = APIRouter(tags=["attachments"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
_ERRORS = {code: {"model": ErrorOut} for code in (400, 401, 404, 409, 413, 415, 422)}


class AttachmentsOut(BaseModel):
    attachments: list[AttachmentOut]


class FileDigest(BaseModel):
    filename: str
    sha256: str
    size: int


class UploadDigest(BaseModel):
    files: list[FileDigest]


def _rules_for_ticket(request: Request, principal: Principal, ticket_id: int) -> UploadRules:
    state = request.app.state
    with state.db.read() as session:
        ticket = load_visible(session, viewer_for(session, principal), ticket_id)
        return UploadRules.for_policy(state.policies.get(ticket.policy_key))


@router.post(
    "/tickets/{ticket_id}/attachments",
    response_model=AttachmentsOut,
    status_code=201,
    responses=_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                        "required": ["files"],
                    }
                }
            },
        }
    },
)
async def upload_attachments(ticket_id: Id, request: Request, m: MutationDep) -> Response:
    """Upload files to a ticket (not yet shown in the thread): returns their ids for a reply's attachment_ids.

    With an Idempotency-Key, a retried upload (same key, same files) replays
    the first response: the files are stored once.
    """
    principal = m.principal
    rules = await anyio.to_thread.run_sync(_rules_for_ticket, request, principal, ticket_id)
    upload, rules = await read_upload(request, file_field="files", rules_for=lambda _f: rules, max_body=max_body_for(rules))
    if not upload.files:
        raise ApiError(422, "no_files", "Send at least one file in the form field 'files'.")
    state = request.app.state
    # What the key is bound to: the files themselves (by digest), in order.
    digest = UploadDigest(
        files=[FileDigest(filename=f.filename, sha256=f.sha256, size=len(f.data)) for f in upload.files]
    )

    def store(session):
        ticket = load_visible(session, viewer_for(session, principal), ticket_id, for_update=True)
        stored = service.store_files(
            session, state.blobs, ticket_id=ticket.id, files=upload.files, now=m.now, uploaded_by_id=principal.user_id
        )
        m.audit(
            session,
            "attachment.uploaded",
            "ticket",
            ticket.id,
            None,
            {"attachments": [{"id": a.id, "sha256": a.blob_sha256, "size": a.size} for a in stored]},
        )
        return 201, {"attachments": [service.attachment_json(a) for a in stored]}

    return await anyio.to_thread.run_sync(m.run, digest, store)


_ASCII_UNSAFE = re.compile(r'[^A-Za-z0-9 ._()+,-]')


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A header that no file name can break out of: an ASCII fallback plus RFC 5987 UTF-8."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = _ASCII_UNSAFE.sub("_", ascii_name).strip(" .") or "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.get(
    "/attachments/{attachment_id}",
    responses={200: {"content": {"application/octet-stream": {}}}, **_ERRORS},
    response_class=Response,
)
def download_attachment(attachment_id: Id, request: Request, principal: Staff) -> Response:
    """The file, with the type detected from its content; 404 unless you can see its ticket."""
    state = request.app.state
    with state.db.read() as session:
        attachment = session.get(Attachment, attachment_id)
        missing = ApiError(404, "attachment_not_found", f"No attachment with id {attachment_id}.")
        if attachment is None:
            raise missing
        try:
            load_visible(session, viewer_for(session, principal), attachment.ticket_id)
        except ApiError:
            raise missing from None
        try:
            data = state.blobs.read(session, attachment.blob_sha256)
        except (KeyError, FileNotFoundError, BlobIntegrityError):
            raise ApiError(
                500, "attachment_damaged", f"Attachment {attachment_id} is missing or damaged in storage."
            ) from None
    return Response(
        data,
        media_type=attachment.media_type,
        headers={
            "Content-Disposition": content_disposition(attachment.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "private, max-age=0",
            "ETag": f'"{attachment.blob_sha256}"',
        },
    )
