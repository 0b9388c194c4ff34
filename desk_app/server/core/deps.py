"""FastAPI dependencies shared by every router: the database, the clock, the caller."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request

from desk_app.server.core.db import Database
from desk_app.server.core.settings import Settings


# These are `async def` on purpose: they do no I/O, and FastAPI would run a
# plain `def` dependency on the thread pool (a thread hop per request).


async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_now(request: Request) -> datetime:
    """'Now' for this request, from the injected clock (tests move it)."""
    return now_of(request)


def now_of(request: Request) -> datetime:
    return request.app.state.clock.now()


def client_address(request: Request) -> str:
    return (request.client.host if request.client else None) or "unknown"
