"""Presence: who has which ticket open, and who is composing a reply (collision warnings).

Presence is soft state. Each client refreshes its own row with a heartbeat
(PUT /presence every ttl/3); a row not refreshed within the TTL (30 s) has
expired and is ignored, then purged. Nothing here touches the change log, the
audit log or ticket versions.

Every server instance sees every row: they live in the shared database
(`presence` table, SQLite or PostgreSQL). Delivery is a Server-Sent Events
stream of its own, GET /presence/events, whose `presence` events (the full
list of others visible to the caller, sent when it changes) carry no `id:` so
they can never move a change-stream cursor. A stream re-reads the table when
its instance's hub is woken and every `recheck_seconds` (expiries, and
instances that cannot notify). On PostgreSQL a state change also sends
NOTIFY desk_presence in its transaction; each instance LISTENs on that
channel and wakes its streams at once, so a colleague on another instance
sees the change without waiting for the recheck.
"""
