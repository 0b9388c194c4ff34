"""Server settings, declared once and read once (`get_settings()`).

Every key can be set by an environment variable with the `DESK_` prefix
(`DESK_DATABASE_URL`, `DESK_DATA_DIR`, `DESK_AUTH_TOKEN_TTL_MINUTES`, ...).
Secrets never live here: passwords are in the database as argon2 hashes and
tokens only as SHA-256 digests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

ENV_PREFIX = "DESK_"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(ENV_PREFIX + name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{ENV_PREFIX}{name} must be a whole number, got {raw!r}") from None


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"{ENV_PREFIX}{name} must be a number, got {raw!r}") from None


def default_data_dir() -> Path:
    explicit = _env("DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "desk"


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'desk.sqlite3'}"


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str
    echo: bool = False
    pool_size: int = 10
    max_overflow: int = 20
    #: SQLite: how long a writer waits for the write lock before giving up.
    sqlite_busy_timeout_ms: int = 15_000


@dataclass(frozen=True, slots=True)
class AuthSettings:
    token_ttl_minutes: int = 12 * 60
    #: Password checks that fail before the wait starts, per (user, address) or (user, known device).
    max_failures_per_user: int = 5
    #: ... per client address, whatever the user name.
    max_failures_per_address: int = 20
    #: After the free ones each failure doubles the wait: 2 s, 4 s, 8 s, ... at most the maximum.
    failure_delay_seconds: float = 2.0
    max_failure_delay_seconds: float = 900.0
    #: A key quiet for this long forgets its failures; also the window of `max_logins_per_window`.
    failure_window_minutes: int = 15
    #: Successful logins (tokens issued) per user within the window.
    max_logins_per_window: int = 30


@dataclass(frozen=True, slots=True)
class SyncSettings:
    bootstrap_page_size: int = 5_000
    bootstrap_max_page_size: int = 20_000
    changes_page_size: int = 1_000
    changes_max_page_size: int = 10_000
    #: Seconds between SSE heartbeats; a client that hears nothing for ~3 of
    #: them treats the connection as dead and reconnects with Last-Event-ID.
    heartbeat_seconds: float = 15.0
    #: Live streams one user may hold on one instance; a newer one closes the oldest.
    max_streams_per_user: int = 8
    #: Live streams one instance serves; past it, new ones get 503.
    max_streams_per_instance: int = 500


@dataclass(frozen=True, slots=True)
class StorageSettings:
    data_dir: Path
    #: Where attachment blobs live: "directory" (content-addressed files under
    #: data_dir/blobs, the default: the database holds only references and does
    #: not grow with uploads; instances behind one load balancer share data_dir)
    #: or "database" (bytes in the blobs table). Rows stored either way stay readable.
    blob_store: str = "directory"
    #: Below this many free bytes on the data directory's disk, /healthz and
    #: /readyz answer 503 "disk_full" (writes would soon fail).
    min_free_bytes: int = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """How `desk-server serve` guards its HTTP connections (desk_app.server.core.connections)."""

    #: Bytes of the request line and headers together; more answers 431 and closes.
    max_header_bytes: int = 32 * 1024
    #: Seconds a connection may take from opening (or from its previous
    #: response) to a complete request head; an idle or slow client is closed.
    header_timeout_seconds: float = 15.0
    #: Seconds an idle keep-alive connection is kept after a response.
    keep_alive_seconds: float = 5.0
    #: Seconds the store waits for the next piece of a request body before answering 408.
    body_timeout_seconds: float = 30.0
    #: Open connections at most (further ones are closed at once, with a log line);
    #: lowered at start to stay below the descriptor limit (less a reserve for the
    #: database pool and files).
    max_connections: int = 2048
    #: Proxy addresses whose X-Forwarded-For / X-Forwarded-Proto are believed
    #: (comma-separated IPs or networks in DESK_TRUSTED_PROXIES); none by default.
    trusted_proxies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where customer mails go out (desk_app.server.notifications.sender)."""

    #: None: no sender runs; mails stay queued in the outbox until one is configured.
    host: str | None = None
    port: int = 587
    #: "none" (plain), "starttls" (upgrade after EHLO) or "tls" (implicit TLS, port 465).
    security: str = "starttls"
    username: str | None = None
    #: Read from DESK_SMTP_PASSWORD or the file DESK_SMTP_PASSWORD_FILE names; never logged.
    password: str | None = field(default=None, repr=False)
    from_address: str = "support@localhost"
    #: A CA bundle to verify the server's certificate with (default: the system's).
    ca_file: Path | None = None
    timeout_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class NotificationSettings:
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    #: Attempts before a temporarily failing mail is given up as failed.
    max_attempts: int = 8
    #: Backoff after the n-th failed attempt: base * 2**(n-1), at most max_backoff.
    backoff_base_seconds: int = 60
    max_backoff_seconds: int = 3600
    #: How long a mail may stay "sending" before the instance holding it counts as dead.
    sending_timeout_seconds: int = 600
    #: Real seconds the sender sleeps between looks when nothing wakes it.
    poll_seconds: float = 15.0
    batch_size: int = 20


@dataclass(frozen=True, slots=True)
class IntakeSettings:
    #: Tickets one email address may submit through intake within the window.
    max_per_email: int = 5
    #: ... per client address, and per target policy (a flood of fresh e-mail addresses).
    max_per_address: int = 20
    max_per_policy: int = 1_000
    window_minutes: int = 60
    #: Attachment bytes all anonymous intakes together may store per hour.
    max_anonymous_bytes_per_hour: int = 500 * 1024 * 1024
    #: The routing rules (topic, channel, customer tier -> policy); None: resources/intake/routing.toml.
    routing_file: Path | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    database: DatabaseSettings
    storage: StorageSettings
    auth: AuthSettings = field(default_factory=AuthSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    intake: IntakeSettings = field(default_factory=IntakeSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    #: Where customers reach this server (links in mails: the CSAT survey).
    public_url: str = "http://localhost:8000"
    #: Prefix of human-readable ticket numbers ("DSK-100042").
    ticket_prefix: str = "DSK"
    #: Where the policy TOML files are read from; None: the shipped ones.
    policy_dir: Path | None = None

    def with_database_url(self, url: str) -> Settings:
        return replace(self, database=replace(self.database, url=url))


def _smtp_password() -> str | None:
    path = _env("SMTP_PASSWORD_FILE")
    if path:
        try:
            return Path(path).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SystemExit(f"{ENV_PREFIX}SMTP_PASSWORD_FILE cannot be read: {exc}") from None
    return _env("SMTP_PASSWORD")


def _load_notifications() -> NotificationSettings:
    security = _env("SMTP_SECURITY", "starttls")
    if security not in ("none", "starttls", "tls"):
        raise SystemExit(f"{ENV_PREFIX}SMTP_SECURITY must be none, starttls or tls, got {security!r}")
    ca_file = _env("SMTP_CA_FILE")
    return NotificationSettings(
        smtp=SmtpSettings(
            host=_env("SMTP_HOST"),
            port=_env_int("SMTP_PORT", 465 if security == "tls" else 587),
            security=security,
            username=_env("SMTP_USERNAME"),
            password=_smtp_password(),
            from_address=_env("SMTP_FROM", "support@localhost") or "support@localhost",
            ca_file=Path(ca_file) if ca_file else None,
            timeout_seconds=_env_float("SMTP_TIMEOUT_SECONDS", 30.0),
        ),
        max_attempts=_env_int("NOTIFY_MAX_ATTEMPTS", 8),
        backoff_base_seconds=_env_int("NOTIFY_BACKOFF_BASE_SECONDS", 60),
        max_backoff_seconds=_env_int("NOTIFY_MAX_BACKOFF_SECONDS", 3600),
    )


def load_settings() -> Settings:
    """Build settings from the environment (use `get_settings()` in the app)."""
    data_dir = default_data_dir()
    policy_dir = _env("POLICY_DIR")
    return Settings(
        database=DatabaseSettings(
            url=_env("DATABASE_URL") or default_database_url(data_dir),
            echo=_env("DATABASE_ECHO", "0") == "1",
            pool_size=_env_int("DATABASE_POOL_SIZE", 10),
            max_overflow=_env_int("DATABASE_MAX_OVERFLOW", 20),
        ),
        storage=StorageSettings(
            data_dir=data_dir,
            blob_store=_env("BLOB_STORE", "directory") or "directory",
            min_free_bytes=_env_int("MIN_FREE_BYTES", 64 * 1024 * 1024),
        ),
        http=HttpSettings(
            max_header_bytes=_env_int("HTTP_MAX_HEADER_BYTES", 32 * 1024),
            header_timeout_seconds=_env_float("HTTP_HEADER_TIMEOUT_SECONDS", 15.0),
            keep_alive_seconds=_env_float("HTTP_KEEP_ALIVE_SECONDS", 5.0),
            body_timeout_seconds=_env_float("HTTP_BODY_TIMEOUT_SECONDS", 30.0),
            max_connections=_env_int("HTTP_MAX_CONNECTIONS", 2048),
            trusted_proxies=tuple(p.strip() for p in (_env("TRUSTED_PROXIES", "") or "").split(",") if p.strip()),
        ),
        auth=AuthSettings(
            token_ttl_minutes=_env_int("AUTH_TOKEN_TTL_MINUTES", 12 * 60),
            max_failures_per_user=_env_int("AUTH_MAX_FAILURES_PER_USER", 5),
            max_failures_per_address=_env_int("AUTH_MAX_FAILURES_PER_ADDRESS", 20),
            failure_window_minutes=_env_int("AUTH_FAILURE_WINDOW_MINUTES", 15),
            failure_delay_seconds=_env_float("AUTH_FAILURE_DELAY_SECONDS", 2.0),
            max_failure_delay_seconds=_env_float("AUTH_MAX_FAILURE_DELAY_SECONDS", 900.0),
            max_logins_per_window=_env_int("AUTH_MAX_LOGINS_PER_WINDOW", 30),
        ),
        sync=SyncSettings(
            heartbeat_seconds=_env_float("SYNC_HEARTBEAT_SECONDS", 15.0),
            max_streams_per_user=_env_int("SYNC_MAX_STREAMS_PER_USER", 8),
            max_streams_per_instance=_env_int("SYNC_MAX_STREAMS_PER_INSTANCE", 500),
        ),
        ticket_prefix=_env("TICKET_PREFIX", "DSK") or "DSK",
        policy_dir=Path(policy_dir) if policy_dir else None,
        notifications=_load_notifications(),
        intake=IntakeSettings(
            max_per_email=_env_int("INTAKE_MAX_PER_EMAIL", 5),
            max_per_address=_env_int("INTAKE_MAX_PER_ADDRESS", 20),
            max_per_policy=_env_int("INTAKE_MAX_PER_POLICY", 1_000),
            max_anonymous_bytes_per_hour=_env_int("INTAKE_MAX_ANONYMOUS_BYTES_PER_HOUR", 500 * 1024 * 1024),
            window_minutes=_env_int("INTAKE_WINDOW_MINUTES", 60),
            routing_file=Path(_env("INTAKE_ROUTING_FILE")) if _env("INTAKE_ROUTING_FILE") else None,
        ),
        public_url=(_env("PUBLIC_URL", "http://localhost:8000") or "").rstrip("/"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
