"""FastAPI dependencies shared by every router: the database, the clock, the caller."""

from __future__ import annotations

import ipaddress
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


#: The longest address kept: an IPv6 address with a zone fits (the columns hold 64).
MAX_ADDRESS_CHARS = 64


def bounded_address(host: str | None) -> str:
    """A client address fit to store and log: a normalised IP, else the text cut to 64 characters.

    With trusted proxies, uvicorn takes the address from X-Forwarded-For, whose
    value the client chose: it may be anything, of any length.
    """
    if not host:
        return "unknown"
    try:
        return str(ipaddress.ip_address(host.strip()))
    except ValueError:
        return host[:MAX_ADDRESS_CHARS]


def client_address(request: Request) -> str:
    return bounded_address(request.client.host if request.client else None)
