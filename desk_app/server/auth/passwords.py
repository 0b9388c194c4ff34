"""Argon2id password hashing."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
#: Verified against when the user name is unknown, so that answering
#: "no such user" takes as long as "wrong password". Made on first use.
_dummy_hash: str | None = None


def configure(*, time_cost: int, memory_cost_kib: int, parallelism: int) -> None:
    """Tests use cheap parameters; hashes carry their own, so old ones still verify."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)
    _dummy_hash = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    global _dummy_hash
    if password_hash is None:
        if _dummy_hash is None:
            _dummy_hash = _hasher.hash("desk: no such user")
        password_hash, known = _dummy_hash, False
    else:
        known = True
    try:
        return _hasher.verify(password_hash, password) and known
    except (VerificationError, InvalidHashError):
        return False
