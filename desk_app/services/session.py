"""`DeskSession`: one agent logged in to one server, with everything the UI needs.

    session = DeskSession.login("https://desk.example.com", "asha", password, remember=True)
    session.events.changes.connect(on_changes)      # ChangeSet: refresh those rows
    session.events.status.connect(on_status)        # SyncStatus: the status bar
    session.events.rejection.connect(on_rejection)  # Rejection: tell the agent, text kept
    session.events.presence.connect(on_presence)    # PresenceSnapshot: collision banner
    session.start()                                 # sync, outbox and presence workers
    session.actions.reply(ticket_id, "Hello ...")   # optimistic, queued, sent when possible
    session.cache.rows(QueueQuery(statuses=["open"]))
    session.stop()

Starting again later (`DeskSession.resume`) needs no network when the keychain
holds a token that has not expired: the agent works from the cache, and the
workers connect when the server is reachable. When the server later says the
session expired, the remembered password (if any) logs in again in the
background; otherwise the status turns AUTH_EXPIRED and the UI asks for the
password (`relogin`).
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
import platformdirs

from desk_app.services.actions import TicketActions
from desk_app.services.api_client import ApiClient, RetryPolicy, Timeouts, normalize_server_url
from desk_app.services.credentials import CredentialStore
from desk_app.services.errors import AuthExpired, Offline, ServiceError, WrongCredentials
from desk_app.services.events import Connection, ServiceEvents, SyncStatus
from desk_app.services.local_cache import LocalCache, cache_file
from desk_app.services.outbox import OutboxWorker
from desk_app.services.presence import PresenceClient
from desk_app.services.sync_engine import RECONNECT_BASE, Backoff, StatusBoard, SyncEngine, Wait, wait_on

log = logging.getLogger("desk.services.session")


class LoginRequired(ServiceError):
    """No usable stored login: ask the agent for the password."""


def default_data_dir() -> Path:
    """Where caches live: DESK_CLIENT_DATA_DIR, else the platform's per-user data directory."""
    explicit = os.environ.get("DESK_CLIENT_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    return Path(platformdirs.user_data_dir("desk-app", appauthor=False))


class DeskSession:
    def __init__(
        self,
        api: ApiClient,
        user: dict[str, Any],
        *,
        data_dir: Path | None = None,
        credentials: CredentialStore | None = None,
        remembered_password: str | None = None,
        stream_timeout: float = 45.0,
        bootstrap_page_size: int = 20_000,
        presence_interval: float = 10.0,
        backoff_base: float = RECONNECT_BASE,
        wait: Wait = wait_on,
    ) -> None:
        self.api = api
        self.user = user
        self.credentials = credentials
        self._password = remembered_password
        self.events = ServiceEvents()
        self.board = StatusBoard(self.events)
        path = cache_file(data_dir or default_data_dir(), api.base_url, user["username"])
        self.cache = LocalCache(path, user_id=user["id"], user_name=user.get("display_name") or user["username"])
        self.cache.set_meta("user", orjson.dumps(user).decode())
        self.engine = SyncEngine(api, self.cache, self.events, board=self.board,
                                 bootstrap_page_size=bootstrap_page_size, stream_timeout=stream_timeout,
                                 backoff=Backoff(base=backoff_base), wait=wait)
        self.outbox = OutboxWorker(api, self.cache, self.events, board=self.board, backoff=Backoff(base=backoff_base),
                                   wait=wait)
        self.actions = TicketActions(self.cache, self.events, self.outbox.wake)
        self.presence = PresenceClient(api, self.events, heartbeat_interval=presence_interval,
                                       stream_timeout=stream_timeout, backoff=Backoff(base=backoff_base))
        self._relogin_lock = threading.Lock()
        self._answering = False  # the sync engine last heard from the server (SYNCING or ONLINE)
        self.events.status.connect(self._on_status)

    # -- getting a session ------------------------------------------------------------

    @classmethod
    def login(cls, server_url: str, username: str, password: str, *, remember: bool = False,
              credentials: CredentialStore | None = None, ca_bundle: str | None = None,
              timeouts: Timeouts = Timeouts(), retry: RetryPolicy = RetryPolicy(), **options: Any) -> DeskSession:
        """Log in with a password; the token (and the password with `remember`) goes to the keychain."""
        api = ApiClient(server_url, ca_bundle=ca_bundle, timeouts=timeouts, retry=retry)
        result = api.login(username, password)
        if credentials is not None:
            credentials.save(api.base_url, username, token=result.token, expires_at=result.expires_at,
                             password=password if remember else None)
        return cls(api, result.user, credentials=credentials, remembered_password=password if remember else None,
                   **options)

    @classmethod
    def resume(cls, server_url: str, username: str, *, credentials: CredentialStore,
               data_dir: Path | None = None, ca_bundle: str | None = None, timeouts: Timeouts = Timeouts(),
               retry: RetryPolicy = RetryPolicy(), now: datetime | None = None, **options: Any) -> DeskSession:
        """Start from the keychain: a live token (no network needed), else the remembered password.

        Raises `LoginRequired` when neither is there (or no keychain is available).
        """
        stored = credentials.load(server_url, username)
        if stored is None:
            raise LoginRequired("No stored login for this server and user: enter the password.")
        now = now or datetime.now(timezone.utc)
        api = ApiClient(server_url, ca_bundle=ca_bundle, timeouts=timeouts, retry=retry)
        if stored.token_usable(now):
            api.token = stored.token
            cache_path = cache_file(data_dir or default_data_dir(), api.base_url, username)
            user = None
            if cache_path.exists():
                with LocalCache(cache_path) as cache:
                    raw = cache.meta("user")
                user = orjson.loads(raw) if raw else None
            if user is None:
                try:
                    user = api.me()
                except AuthExpired:
                    user = None
            if user is not None:
                return cls(api, user, data_dir=data_dir, credentials=credentials,
                           remembered_password=stored.password, **options)
        if stored.password is None:
            raise LoginRequired("The stored session has expired: enter the password.")
        try:
            result = api.login(username, stored.password)
        except WrongCredentials:
            credentials.forget(server_url, username)
            raise LoginRequired("The remembered password was refused: enter the password.") from None
        credentials.save(api.base_url, username, token=result.token, expires_at=result.expires_at,
                         password=stored.password)
        return cls(api, result.user, data_dir=data_dir, credentials=credentials,
                   remembered_password=stored.password, **options)

    # -- running ----------------------------------------------------------------------

    @property
    def server_url(self) -> str:
        return self.api.base_url

    @property
    def status(self) -> SyncStatus:
        return self.board.status

    def start(self) -> None:
        self.outbox.start()
        self.engine.start()
        self.presence.start()

    def stop(self) -> None:
        """Stop the workers (the outbox keeps what was not sent) and close the cache."""
        self.presence.stop()
        self.engine.stop()
        self.outbox.stop()
        self.api.close()
        self.cache.close()

    def relogin(self, password: str, *, remember: bool | None = None) -> None:
        """After AUTH_EXPIRED: log in again and let the workers go on."""
        result = self.api.login(self.user["username"], password)
        keep = remember if remember is not None else self._password is not None
        self._password = password if keep else None
        if self.credentials is not None:
            self.credentials.save(self.api.base_url, self.user["username"], token=result.token,
                                  expires_at=result.expires_at, password=self._password)
        self.engine.resume()
        self.outbox.resume()
        self.presence.resume()

    def logout(self, *, forget_password: bool = True) -> None:
        """End the session on the server, drop the token (and the remembered password), stop."""
        self.presence.stop()
        self.engine.stop()
        self.outbox.stop()
        self.api.logout()
        if self.credentials is not None:
            if forget_password:
                self.credentials.forget(self.api.base_url, self.user["username"])
            else:
                self.credentials.forget_token(self.api.base_url, self.user["username"])
        self.api.close()
        self.cache.close()

    def _on_status(self, status: SyncStatus) -> None:
        answering = status.connection in (Connection.SYNCING, Connection.ONLINE)
        if answering and not self._answering:
            # The server answers again (the catch-up's first page, before the live stream):
            # send what was queued meanwhile now, not when the outbox's own wait ends, nor
            # when a retry inside the API client would have come.
            self.api.nudge()
            self.outbox.wake()
        self._answering = answering
        if status.connection is Connection.AUTH_EXPIRED:
            self.presence.pause()
            if self._password is not None:
                threading.Thread(target=self._relogin_quietly, name="desk-relogin", daemon=True).start()

    def _relogin_quietly(self) -> None:
        if not self._relogin_lock.acquire(blocking=False):
            return
        try:
            self.relogin(self._password)
        except WrongCredentials:
            self._password = None
            log.info("the remembered password was refused; the agent must log in")
        except (Offline, ServiceError) as exc:
            log.info("logging in again failed (%s)", type(exc).__name__)
        finally:
            self._relogin_lock.release()


__all__ = ["DeskSession", "LoginRequired", "default_data_dir", "normalize_server_url"]
