"""Credentials in the OS keychain through `keyring`, and only there.

What is stored, under the service `desk-app:<server URL>` and the user name:
the session token with its expiry, and, only when the agent ticked "remember
me", the password (the one thing needed to log in again once the token has
expired). Nothing is written to a file of ours and nothing is logged.

Which keychains are accepted (`is_secure_backend`): keyring picks the backend
with the highest priority, and when the machine has no keychain that is its
`fail` backend, or, with keyrings.alt installed, `PlaintextKeyring`, which
writes passwords to a file in clear text. Both are refused: a backend whose
`priority` is below 1 (or cannot be computed), a known plain-text or
file-based one, or a chainer holding any such backend. Then the store says so
once (`notice()`) and saves nothing, and the client asks for the password at
each start.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

import keyring
import keyring.errors
import orjson
from keyring.backend import KeyringBackend

from desk_app.services.api_client import normalize_server_url

log = logging.getLogger("desk.services.credentials")

SERVICE_PREFIX = "desk-app:"

#: keyring's stand-ins when it finds no keychain (they store nothing, or refuse).
FALLBACK_BACKENDS = frozenset({"keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"})
#: Backends that keep secrets in files of their own: refused whatever their priority.
INSECURE_BACKENDS = frozenset(
    {
        "keyrings.alt.file.PlaintextKeyring",
        "keyrings.alt.file.EncryptedKeyring",
        "keyrings.alt.Windows.EncryptedKeyring",
        "keyrings.alt.Windows.RegistryKeyring",
        "keyrings.alt.Google.DocsKeyring",
        "keyrings.alt.keyczar.EncryptedKeyczarKeyring",
        "keyrings.cryptfile.cryptfile.CryptFileKeyring",
        "keyrings.cryptfile.file.PlaintextKeyring",
    }
)
#: Modules whose every backend keeps secrets in files of their own.
INSECURE_MODULE_PREFIXES = ("keyrings.alt.file", "keyrings.cryptfile", "keyring_insecure_backend")

_notice_logged = threading.Event()


def _qualified_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _priority(backend: KeyringBackend) -> float | None:
    try:
        return float(type(backend).priority)
    except Exception:  # noqa: BLE001 - a backend signals "not usable here" by raising
        return None


def backend_problem(backend: KeyringBackend) -> str | None:
    """Why this backend is not a secure keychain; None when it is one."""
    name = _qualified_name(backend)
    if name in FALLBACK_BACKENDS:
        return f"no keychain was found ({name} is keyring's fallback)"
    if name in INSECURE_BACKENDS or name.startswith(INSECURE_MODULE_PREFIXES) or "plaintext" in name.lower():
        return f"{name} keeps secrets in a file, not in a keychain"
    members = getattr(backend, "backends", None)
    if name == "keyring.backends.chainer.ChainerBackend" or (
        isinstance(members, (list, tuple)) and "chainer" in name.lower()
    ):
        members = list(members or [])
        if not members:
            return "no keychain backend is available"
        for member in members:
            problem = backend_problem(member)
            if problem is not None:
                return problem
        return None
    priority = _priority(backend)
    if priority is None:
        return f"{name} is not usable on this system"
    if priority < 1:
        return f"{name} is a fallback (priority {priority:g}), not a keychain"
    return None


def is_secure_backend(backend: KeyringBackend) -> bool:
    return backend_problem(backend) is None


@dataclass(frozen=True, slots=True)
class StoredLogin:
    server_url: str
    username: str
    token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def remembered(self) -> bool:
        return self.password is not None

    def token_usable(self, now: datetime) -> bool:
        return bool(self.token) and (self.expires_at is None or self.expires_at > now)


class CredentialStore:
    """The agent's token (and remembered password) per server and user name."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self.backend = backend if backend is not None else keyring.get_keyring()
        self.problem = backend_problem(self.backend)
        self._noticed = False

    @property
    def available(self) -> bool:
        return self.problem is None

    def notice(self) -> str | None:
        """The "no keychain" message, the first time it is asked for; None after that or with a keychain."""
        if self.available or self._noticed:
            return None
        self._noticed = True
        message = (
            "No secure keychain is available on this computer, so Desk will not remember your login: "
            f"you will be asked for your password at each start. ({self.problem})"
        )
        if not _notice_logged.is_set():
            _notice_logged.set()
            log.warning("credentials are not stored: %s", self.problem)
        return message

    @staticmethod
    def _service(server_url: str) -> str:
        return SERVICE_PREFIX + normalize_server_url(server_url)

    @staticmethod
    def _user(username: str) -> str:
        return username.strip().lower()

    def save(
        self,
        server_url: str,
        username: str,
        *,
        token: str | None,
        expires_at: datetime | None,
        password: str | None = None,
    ) -> bool:
        """Store the token, and the password only when given ("remember me"); False when not stored."""
        if not self.available:
            return False
        value = {"v": 1, "token": token, "expires_at": expires_at.isoformat() if expires_at else None}
        if password is not None:
            value["password"] = password
        try:
            self.backend.set_password(self._service(server_url), self._user(username), orjson.dumps(value).decode())
        except keyring.errors.KeyringError as exc:
            log.warning("the keychain refused to store the login (%s)", type(exc).__name__)
            return False
        return True

    def load(self, server_url: str, username: str) -> StoredLogin | None:
        if not self.available:
            return None
        try:
            raw = self.backend.get_password(self._service(server_url), self._user(username))
        except keyring.errors.KeyringError as exc:
            log.warning("the keychain could not be read (%s)", type(exc).__name__)
            return None
        if not raw:
            return None
        try:
            value = orjson.loads(raw)
            expires = value.get("expires_at")
            return StoredLogin(
                server_url=normalize_server_url(server_url),
                username=self._user(username),
                token=value.get("token"),
                expires_at=datetime.fromisoformat(expires) if expires else None,
                password=value.get("password"),
            )
        except (orjson.JSONDecodeError, AttributeError, ValueError, TypeError):
            log.warning("ignoring an unreadable Desk entry in the keychain")
            return None

    def forget_token(self, server_url: str, username: str) -> None:
        """Drop the token (after logout or expiry), keep a remembered password."""
        stored = self.load(server_url, username)
        if stored is None:
            return
        if stored.password is None:
            self.forget(server_url, username)
        else:
            self.save(server_url, username, token=None, expires_at=None, password=stored.password)

    def forget(self, server_url: str, username: str) -> None:
        if not self.available:
            return
        try:
            self.backend.delete_password(self._service(server_url), self._user(username))
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            log.warning("the keychain could not delete the login (%s)", type(exc).__name__)
