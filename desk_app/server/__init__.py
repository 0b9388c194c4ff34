"""The central ticket store: FastAPI + SQLAlchemy 2.0 on SQLite or PostgreSQL.

One package per domain, each with its router/schemas/models/service:

* `auth`        users, roles, argon2 passwords, bearer tokens, login rate limits;
                `mutation` the route dependency for a signed-in user's change (idempotent, audited)
* `tickets`     tickets, thread, escalations, disputes, escalation-due records; `write` the one
                way a ticket changes; `sla_authority` recomputes clocks with the core
* `sync`        the gap-free change log, bootstrap, /sync/changes, SSE live push, LISTEN/NOTIFY
* `directory`   customers and queues;  `policies` the served policies and their modes
* `attachments` content-addressed blob storage;  `audit` the audit log
* `intake`      tickets from web forms and mail gateways (POST /api/v1/intake) and their routing
* `notifications` the customer-notification outbox, its SMTP sender and templates
* `feedback`    customer satisfaction: survey tokens sent with the resolution mail, the answers
* `presence`    who has which ticket open or is composing (soft state, live pushed)
* `reports`     manager reports and their daily rollups
* `scheduler`   time-driven work (warnings, breaches, escalation prompts), through `tickets.write`
* `demo`        the demo data (`desk-server seed-demo`)
* `core`        the ground floor, importing no other package: settings, database, errors,
                clock, idempotent write transactions, migrations runner
* `migrations`  the Alembic migrations;  `models` every table, imported in one place

`desk_app.server.app.create_app` builds the app; `desk-server` (cli.py) runs it.
"""
