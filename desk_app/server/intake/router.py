"""POST /api/v1/intake: tickets from web forms and email gateways (no login; rate-limited per address)."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from desk_app.server.attachments.upload import UploadRules, max_body_for, read_upload
from desk_app.server.auth.deps import Supervisor
from desk_app.server.core.deps import client_address
from desk_app.server.core.errors import ErrorOut, json_response
from desk_app.server.intake import service
from desk_app.server.intake.routing import RoutingRules

router = APIRouter(prefix="/intake", tags=["intake"])


class IntakeAttachmentOut(BaseModel):
    filename: str
    media_type: str
    size: int
    sha256: str


class IntakeOut(BaseModel):
    ticket_id: int
    ticket_number: str
    policy: str
    category: str
    channel: str
    route: str
    attachments: list[IntakeAttachmentOut]


def widest_rules(routing: RoutingRules) -> UploadRules:
    """The largest request any policy could accept: the bound checked before reading the body."""
    rules = [UploadRules.for_policy(None)] + [UploadRules.for_policy(p) for p in routing.policies.values()]
    return UploadRules(
        max(r.max_files for r in rules), max(r.max_bytes for r in rules), frozenset().union(*(r.kinds for r in rules))
    )


_FORM_SCHEMA = {
    "type": "object",
    "required": ["topic", "email", "description"],
    "properties": {
        **{name: {"type": "string"} for name in service.IntakeFields.model_fields},
        "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}},
    },
}


@router.post(
    "",
    response_model=IntakeOut,
    status_code=201,
    responses={code: {"model": ErrorOut} for code in (400, 413, 415, 422, 429)},
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _FORM_SCHEMA}}}},
)
async def submit_intake(request: Request) -> Response:
    """Create a ticket from a form: topic, email, description, requester_role, order_number, attachments.

    Attachments (field `attachments`) are judged by their content: by default
    at most 5, each at most 4.5 MiB, JPEG/PNG/PDF only (the policy's [intake]
    may say otherwise). A refused file names itself in the error; nothing of a
    refused request is stored.
    """
    state = request.app.state
    routing: RoutingRules = state.intake_routing
    upload, _ = await read_upload(
        request,
        file_field="attachments",
        rules_for=lambda fields: service.provisional_rules(routing, fields),
        max_body=max_body_for(widest_rules(routing)),
    )
    address = client_address(request)

    def run():
        return service.submit(
            db=state.db,
            policies=state.policies,
            settings=state.settings,
            blobs=state.blobs,
            routing=routing,
            upload=upload,
            now=state.clock.now(),
            address=address,
        )

    return json_response(await anyio.to_thread.run_sync(run), 201)


@router.get("/routing", responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}})
def read_intake_routing(principal: Supervisor, request: Request) -> Response:
    """The routing rules in force: which policy, category and channel an intake request gets."""
    return json_response(request.app.state.intake_routing.describe())
