"""Constrained string types for request bodies and queries.

Every text the API accepts is bounded and free of NUL characters (which
PostgreSQL cannot store), so malformed input gets a 422, never a 500.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints


def _no_control_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Username = Annotated[
    str,
    StringConstraints(min_length=1, max_length=150, strip_whitespace=True, pattern=r"^[A-Za-z0-9._@+-]+$"),
]
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024), AfterValidator(_no_control_nul)]
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), AfterValidator(_no_control_nul)
]
ShortText = Annotated[
    str, StringConstraints(min_length=1, max_length=320, strip_whitespace=True), AfterValidator(_no_control_nul)
]
Subject = Annotated[
    str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True), AfterValidator(_no_control_nul)
]
Key = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Body = Annotated[str, StringConstraints(max_length=100_000), AfterValidator(_no_control_nul)]
Reason = Annotated[
    str, StringConstraints(min_length=1, max_length=5_000), AfterValidator(_no_control_nul), AfterValidator(_not_blank)
]
OrderId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True), AfterValidator(_no_control_nul)
]
Phone = Annotated[str, StringConstraints(min_length=3, max_length=32, pattern=r"^\+?[0-9 ().-]{3,32}$")]
SearchText = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_no_control_nul)]

#: Largest id a path or query may name (PostgreSQL BIGINT / SQLite INTEGER).
MAX_ID = 2**63 - 1


def normalize_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return ("+" + digits) if value.strip().startswith("+") else digits


def normalize_email(value: str) -> str:
    return value.strip().lower()


#: An address mail can be sent to; deliverability is the SMTP server's to judge.
Email = Annotated[str, StringConstraints(max_length=320, pattern=r"^[^@\s<>\"',;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")]
