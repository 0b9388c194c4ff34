"""The local cache's tables and its migrations.

The cache is a SQLite file per server and user. Its schema version lives in
its own table (`schema_version`, one row); `migrate()` runs the missing steps
in order, each in one transaction with the version bump, so an interrupted
upgrade leaves the file at the last complete step. A file written by a newer
Desk (a higher version than this code knows) is refused, never guessed at:
it may hold unsent changes in its outbox.

Migration steps are plain SQL frozen at the time they were written: a step
never depends on the table definitions below, which describe the newest
schema for queries.

Versions
    1  tickets (queue columns + the ticket JSON), thread entries, meta (cursor
       and bootstrap progress), outbox.
    2  drafts (per ticket and kind: a note never lands in a reply), rejections (what the server refused, until the agent has seen
       it), customers (contact details from opened tickets), and on tickets:
       thread_complete, escalation_due_at; order id and customer indexes.
    3  the ticket JSON moves out of `tickets` into `ticket_json` (the queue
       table shrinks from ~2 KB to ~150 bytes a row: queue scans and index
       builds read a tenth of the pages); deleting a ticket deletes its JSON.
    4  follows: the tickets the user follows (they escalated them, or owned
       them when they went up; the store says so), for the "Following" view.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Column, Float, Integer, MetaData, Table, Text, text
from sqlalchemy.engine import Connection

metadata = MetaData()

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),  # negative: created offline, not yet confirmed
    Column("number", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("priority", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("tier", Integer, nullable=False),
    Column("policy", Text, nullable=False),
    Column("queue_id", Integer),
    Column("assignee_id", Integer),
    Column("customer_id", Integer),
    Column("customer_name", Text, nullable=False),
    Column("customer_tier", Text, nullable=False),
    Column("order_id", Text),
    #: The server version the row is based on (local edits do not change it).
    Column("version", Integer, nullable=False),
    Column("created_at", Float, nullable=False),  # epoch seconds
    Column("updated_at", Float, nullable=False),
    Column("sla_state", Text),  # the worst clock state
    Column("sla_due_at", Float),  # the earliest due time of a counting clock
    Column("sla_next_clock", Text),  # the key of the most urgent clock
    #: How many outbox operations are applied on top of the server's state.
    Column("pending", Integer, nullable=False, server_default=text("0")),
    Column("thread_complete", Integer, nullable=False, server_default=text("0")),
    Column("escalation_due_at", Float),
)

#: The tickets' JSON, apart from the queue columns, so that scans and index builds over
#: `tickets` read ~150 bytes a row instead of ~2 KB (v3).
ticket_json = Table(
    "ticket_json",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),  # the server version, as in tickets
    #: The ticket as shown: the server's snapshot with pending local changes applied.
    Column("data", Text, nullable=False),
    #: The server's snapshot while local changes are pending (NULL otherwise: `data` is it).
    Column("server_data", Text),
)

entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),  # negative: written offline (-outbox id)
    Column("ticket_id", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("op_id", Integer),  # the outbox operation that wrote it locally
    Column("data", Text, nullable=False),
)

meta = Table("meta", metadata, Column("key", Text, primary_key=True), Column("value", Text, nullable=False))

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False, unique=True),  # the Idempotency-Key
    Column("kind", Text, nullable=False),
    Column("ticket_id", Integer),
    #: The server version the agent saw when making the change (If-Match).
    Column("base_version", Integer),
    Column("payload", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
)

drafts = Table(
    "drafts",
    metadata,
    Column("ticket_id", Integer, primary_key=True),
    Column("kind", Text, primary_key=True),  # public_reply / internal_note / phone_call: never mixed
    Column("body", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("op_kind", Text, nullable=False),
    Column("ticket_id", Integer),
    Column("ticket_number", Text),
    Column("code", Text),
    Column("message", Text, nullable=False),
    Column("text", Text),
    Column("draft_saved", Integer, nullable=False, default=0),
    Column("acknowledged", Integer, nullable=False, default=0),
)

customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("email", Text),
    Column("phone", Text),
    Column("data", Text, nullable=False),
)


#: The tickets the user follows, as the store says (bootstrap `following`, changes' `following`) (v4).
follows = Table("follows", metadata, Column("ticket_id", Integer, primary_key=True))


def _v1(conn: Connection) -> None:
    for statement in (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL,
            subject TEXT NOT NULL,
            status TEXT NOT NULL,
            priority TEXT NOT NULL,
            category TEXT NOT NULL,
            channel TEXT NOT NULL,
            tier INTEGER NOT NULL,
            policy TEXT NOT NULL,
            queue_id INTEGER,
            assignee_id INTEGER,
            customer_id INTEGER,
            customer_name TEXT NOT NULL,
            customer_tier TEXT NOT NULL,
            order_id TEXT,
            version INTEGER NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            sla_state TEXT,
            sla_due_at REAL,
            sla_next_clock TEXT,
            data TEXT NOT NULL,
            server_data TEXT,
            pending INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX ix_tickets_status ON tickets (status)",
        "CREATE INDEX ix_tickets_assignee_status ON tickets (assignee_id, status)",
        "CREATE INDEX ix_tickets_tier_status ON tickets (tier, status)",
        "CREATE INDEX ix_tickets_queue_status ON tickets (queue_id, status)",
        "CREATE INDEX ix_tickets_sla_due_at ON tickets (sla_due_at)",
        "CREATE INDEX ix_tickets_pending ON tickets (id) WHERE pending > 0",
        """CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            created_at REAL NOT NULL,
            op_id INTEGER,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX ix_entries_ticket ON entries (ticket_id, id)",
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            ticket_id INTEGER,
            base_version INTEGER,
            payload TEXT NOT NULL,
            created_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        )""",
        "CREATE INDEX ix_outbox_ticket ON outbox (ticket_id, id)",
    ):
        conn.exec_driver_sql(statement)


def _v2(conn: Connection) -> None:
    for statement in (
        """CREATE TABLE drafts (
            ticket_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            body TEXT NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (ticket_id, kind)
        )""",
        """CREATE TABLE rejections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at REAL NOT NULL,
            op_kind TEXT NOT NULL,
            ticket_id INTEGER,
            ticket_number TEXT,
            code TEXT,
            message TEXT NOT NULL,
            text TEXT,
            draft_saved INTEGER NOT NULL DEFAULT 0,
            acknowledged INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE customers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT,
            phone TEXT,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX ix_customers_email ON customers (email)",
        "CREATE INDEX ix_customers_phone ON customers (phone)",
        "ALTER TABLE tickets ADD COLUMN thread_complete INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE tickets ADD COLUMN escalation_due_at REAL",
        "CREATE INDEX ix_tickets_order_id ON tickets (order_id)",
        "CREATE INDEX ix_tickets_customer ON tickets (customer_id)",
    ):
        conn.exec_driver_sql(statement)


def _v3(conn: Connection) -> None:
    for statement in (
        """CREATE TABLE ticket_json (
            id INTEGER PRIMARY KEY,
            version INTEGER NOT NULL,
            data TEXT NOT NULL,
            server_data TEXT
        )""",
        "INSERT INTO ticket_json (id, version, data, server_data) SELECT id, version, data, server_data FROM tickets",
        "ALTER TABLE tickets DROP COLUMN data",
        "ALTER TABLE tickets DROP COLUMN server_data",
        """CREATE TRIGGER tickets_drop_json AFTER DELETE ON tickets
           BEGIN DELETE FROM ticket_json WHERE id = OLD.id; END""",
    ):
        conn.exec_driver_sql(statement)


def _v4(conn: Connection) -> None:
    conn.exec_driver_sql("CREATE TABLE follows (ticket_id INTEGER PRIMARY KEY)")


#: (version, what it does, step). Append only; never edit a shipped step.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "tickets, thread entries, meta, outbox", _v1),
    (2, "drafts, rejections, customers; thread_complete and escalation_due_at", _v2),
    (3, "the tickets' JSON moves to ticket_json (narrow queue table)", _v3),
    (4, "follows: the tickets the user follows", _v4),
]
LATEST = MIGRATIONS[-1][0]


#: The secondary indexes of `tickets` in the newest schema (name, definition). A first
#: bootstrap drops them and builds them once at its end: filling 100,000 rows
#: and then indexing them costs about half of maintaining the indexes row by row.
TICKET_INDEXES = [
    ("ix_tickets_status", "tickets (status)"),
    ("ix_tickets_assignee_status", "tickets (assignee_id, status)"),
    ("ix_tickets_tier_status", "tickets (tier, status)"),
    ("ix_tickets_queue_status", "tickets (queue_id, status)"),
    ("ix_tickets_sla_due_at", "tickets (sla_due_at)"),
    ("ix_tickets_pending", "tickets (id) WHERE pending > 0"),
    ("ix_tickets_order_id", "tickets (order_id)"),
    ("ix_tickets_customer", "tickets (customer_id)"),
]


def drop_ticket_indexes(conn: Connection) -> None:
    for name, _ in TICKET_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def create_ticket_indexes(conn: Connection) -> None:
    for name, definition in TICKET_INDEXES:
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def current_version(conn: Connection) -> int:
    exists = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).first()
    if not exists:
        return 0
    row = conn.exec_driver_sql("SELECT version FROM schema_version").first()
    return int(row[0]) if row else 0


def migrate_step(conn: Connection, version: int) -> None:
    """Run one step (the caller holds the write transaction)."""
    step = {v: fn for v, _, fn in MIGRATIONS}[version]
    if version == 1:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    step(conn)
    conn.exec_driver_sql("DELETE FROM schema_version")
    conn.execute(text("INSERT INTO schema_version (version) VALUES (:v)"), {"v": version})
