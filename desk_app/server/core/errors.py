"""Errors as JSON: `{"code": <stable code>, "message": <human text>, ...}`.

Every error the API gives has this shape, including FastAPI's own validation
errors and unknown routes, so a client can switch on `code` and show `message`.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("desk.server")


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    code: str
    message: str
    errors: list[ErrorDetail] | None = None


class ApiError(Exception):
    """Raise from routes and services; becomes a JSON error response."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


def json_response(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def not_found(what: str, ident: object) -> ApiError:
    return ApiError(404, f"{what}_not_found", f"No {what.replace('_', ' ')} with id {ident}.")


def forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where, rest = parts[0], parts[1:]
        return f"{where}:{'.'.join(rest)}" if rest else where
    return ".".join(parts)


def _describe(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "invalid value"))
    if error.get("type") == "json_invalid":
        ctx = error.get("ctx") or {}
        return f"the request body is not valid JSON ({ctx.get('error', 'parse error')})"
    if error.get("type") == "missing":
        return "is required"
    return message[0].lower() + message[1:] if message else message


def validation_error_body(exc: RequestValidationError) -> dict[str, Any]:
    details = [{"field": _field_path(tuple(e.get("loc", ()))), "message": _describe(e)} for e in exc.errors()]
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:5])
    if len(details) > 5:
        summary += f"; and {len(details) - 5} more"
    return {"code": "validation_error", "message": f"The request is not valid: {summary}.", "errors": details}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        return json_response(exc.body(), exc.status, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> Response:
        return json_response(validation_error_body(exc), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no such endpoint."
        elif exc.status_code == 405:
            message = "This endpoint does not accept that method."
        return json_response({"code": code, "message": message}, exc.status_code, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # The route's template, not the path: a path may carry a survey token or an e-mail.
        log.exception("unexpected error on %s %s", request.method, request.scope.get("desk.route") or "<no route>")
        return json_response(
            {"code": "internal_error", "message": "The server hit an unexpected error; nothing was changed."}, 500
        )
