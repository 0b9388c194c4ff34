"""`desk-server`: set up, fill and run the central ticket store.

    desk-server init                      create or upgrade the schema
    desk-server create-user --username U --password P --role agent|specialist|manager|admin
    desk-server seed-demo                 demo users (password "demo") and realistic tickets
    desk-server serve [--host H] [--port P]
    desk-server mode list [--policy KEY] | mode on POLICY MODE [--note TEXT] | mode off POLICY MODE
    desk-server reports build-rollups [--days N]

The database comes from --db URL, else DESK_DATABASE_URL, else a SQLite file
in the data directory (DESK_DATA_DIR, default ~/.local/share/desk).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from desk_app.server.auth.models import Role
from desk_app.server.core.settings import Settings, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings()
    if args.db:
        settings = settings.with_database_url(args.db)
    return settings


def _database(settings: Settings):
    from desk_app.server.core.db import Database

    url = make_url(settings.database.url)
    from desk_app.server.core.files import private_dir

    if url.get_backend_name() == "sqlite" and url.database:
        private_dir(Path(url.database).expanduser().parent)
    return Database(settings.database)


def _describe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def cmd_init(args: argparse.Namespace) -> int:
    from desk_app.server.core.migrate import current_revision, upgrade_to_head

    settings = _settings(args)
    db = _database(settings)
    try:
        before = current_revision(db)
        upgrade_to_head(db)
        after = current_revision(db)
    finally:
        db.dispose()
    if before == after:
        print(f"The database at {_describe(db.url)} is up to date (schema {after}).")
    else:
        print(f"Upgraded the database at {_describe(db.url)} from schema {before or 'empty'} to {after}.")
    return 0


def _require_schema(db) -> bool:
    from desk_app.server.core.migrate import is_up_to_date

    if not is_up_to_date(db):
        print(
            f"The database at {_describe(db.url)} is not initialised or is out of date; run `desk-server init` first.",
            file=sys.stderr,
        )
        return False
    return True


def cmd_create_user(args: argparse.Namespace) -> int:
    from desk_app.server.auth.service import create_user
    from desk_app.server.core.clock import SystemClock
    from desk_app.server.core.errors import ApiError

    settings = _settings(args)
    db = _database(settings)
    try:
        if not _require_schema(db):
            return 2
        with db.write() as session:
            user = create_user(
                session,
                username=args.username,
                password=args.password,
                role=args.role,
                now=SystemClock().now(),
                display_name=args.display_name,
                email=args.email,
            )
            print(f"Created {user.role} {user.username!r} (id {user.id}).")
    except ApiError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from desk_app.server.demo.seed import seed_demo
    from desk_app.server.policies.registry import PolicyRegistry

    settings = _settings(args)
    db = _database(settings)
    try:
        if not _require_schema(db):
            return 2
        report = seed_demo(db, PolicyRegistry.load(settings.policy_dir), settings, tickets_per_policy=args.per_policy,
                           seed=args.seed)
    finally:
        db.dispose()
    print(report)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from desk_app.server.app import create_app
    from desk_app.server.core.connections import connection_cap, raise_descriptor_limit, serve_options

    settings = _settings(args)
    db = _database(settings)
    if not _require_schema(db):
        db.dispose()
        return 2
    db.dispose()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    soft, hard = raise_descriptor_limit()
    options = serve_options(settings, soft_descriptors=soft)
    cap = connection_cap(settings.http.max_connections, soft)
    logging.getLogger("desk.server").info(
        "open-file limit %s (hard %s); at most %d connections, request heads of at most %d bytes; "
        "forwarded headers trusted from %s", soft, hard, cap, settings.http.max_header_bytes,
        ", ".join(settings.http.trusted_proxies) or "no proxy",
    )
    app = create_app(settings, scheduler=False if args.no_scheduler else None,
                     rollup_builder=False if args.no_rollups else None)
    print(f"Desk store on http://{args.host}:{args.port} (database {_describe(settings.database.url)})", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, **options)
    return 0


def cmd_mode(args: argparse.Namespace) -> int:
    """Emergency / high-volume modes: list, switch on, switch off (as the audit actor "cli")."""
    from desk_app.server.core.clock import SystemClock
    from desk_app.server.core.errors import ApiError
    from desk_app.server.policies import modes
    from desk_app.server.policies.registry import PolicyRegistry

    settings = _settings(args)
    db = _database(settings)
    try:
        if not _require_schema(db):
            return 2
        registry = PolicyRegistry.load(settings.policy_dir)
        now = SystemClock().now()
        with db.write() as session:
            if args.action == "list":
                keys = [registry.require(args.policy).key] if args.policy else sorted(registry)
                for key in keys:
                    listing = modes.modes_json(session, registry[key])
                    for m in listing["modes"]:
                        state = f"ON since {m['since']}" if m["active"] else "off"
                        print(f"{key:14} {m['key']:20} {m['effect']:8} {state:34} {m['label']}")
                return 0
            policy = registry.require(args.policy)
            switch = modes.switch_on if args.action == "on" else modes.switch_off
            extra = {"note": args.note or ""} if args.action == "on" else {}
            span, affected = switch(session, policy, args.mode, now, actor_id=None, actor_name="cli", **extra)
        label = policy.modes[args.mode].label
        verb = "is now on" if args.action == "on" else "is now off"
        print(f"{label} ({policy.key}/{args.mode}) {verb}; {affected} open tickets will be updated by the "
              "running server's scheduler.")
    except ApiError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    return 0


def cmd_policies(args: argparse.Namespace) -> int:
    """Load the policies and print every warning: 0 when there is none, 1 when there are, 2 on a bad file."""
    from datetime import UTC, datetime

    from desk_app.core.policy import PolicyError
    from desk_app.server.policies.registry import PolicyRegistry

    settings = _settings(args)
    try:
        registry = PolicyRegistry.load(settings.policy_dir)
    except PolicyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.at:
        now = datetime.fromisoformat(args.at)
        now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    else:
        now = datetime.now(UTC)
    warnings = registry.warnings(now)
    print(f"{len(registry)} policies load: {', '.join(sorted(registry))}")
    for warning in warnings:
        print(f"warning: {warning.message}")
    return 1 if warnings else 0


def cmd_reports(args: argparse.Namespace) -> int:
    """Build the report rollups of the last N closed days now (a large existing database, once)."""
    import time

    from desk_app.server.core.clock import SystemClock
    from desk_app.server.reports.rollup_builder import RollupBuilder

    if args.days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 2
    settings = _settings(args)
    db = _database(settings)
    try:
        if not _require_schema(db):
            return 2
        builder = RollupBuilder(db, SystemClock(), days=args.days)
        chunks = builder.chunks(builder.clock.now())
        print(f"Building the report rollups of the {args.days} closed days up to {chunks[0][1]} "
              f"({len(chunks)} steps of up to four weeks; waits for a server building them).", flush=True)
        t0 = time.monotonic()
        report = builder.run_once(wait=True)
        print(f"Done in {time.monotonic() - t0:.1f} s: {len(report.chunks)} steps had days to build.")
    finally:
        db.dispose()
    return 0


def build_parser() -> argparse.ArgumentParser:
    db_help = "database URL (default: DESK_DATABASE_URL or a SQLite file in the data directory)"
    parser = argparse.ArgumentParser(prog="desk-server", description="Desk's central ticket store.")
    parser.add_argument("--db", metavar="URL", help=db_help)
    # Sub-commands accept --db too; SUPPRESS keeps a --db given before the sub-command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", parents=[common], help="create or upgrade the database schema")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("create-user", parents=[common], help="add a staff account")
    p.add_argument("--username", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--display-name")
    p.add_argument("--email")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("seed-demo", parents=[common], help="demo users and realistic tickets for every policy")
    p.add_argument("--per-policy", type=int, default=12, help="tickets per policy (default 12)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser("serve", parents=[common], help="run the HTTP API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.add_argument("--no-scheduler", action="store_true",
                   help="do not run the SLA scheduler in this instance (another instance on the same "
                        "PostgreSQL database must; benchmarks of synthetic tickets use it)")
    p.add_argument("--no-rollups", action="store_true",
                   help="do not build the reports' daily rollups in this instance (reports still build "
                        "what they miss; another instance, or `reports build-rollups`, keeps them ahead)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("mode", parents=[common], help="list, switch on or off a policy's emergency modes")
    mode_sub = p.add_subparsers(dest="action", required=True)
    q = mode_sub.add_parser("list", parents=[common], help="the modes of every policy (or one) and which are on")
    q.add_argument("--policy", metavar="KEY")
    q = mode_sub.add_parser("on", parents=[common], help="switch a mode on now")
    q.add_argument("policy", metavar="POLICY")
    q.add_argument("mode", metavar="MODE")
    q.add_argument("--note", default="", help="why (kept in the audit log)")
    q = mode_sub.add_parser("off", parents=[common], help="switch a mode off now")
    q.add_argument("policy", metavar="POLICY")
    q.add_argument("mode", metavar="MODE")
    p.set_defaults(func=cmd_mode)

    p = sub.add_parser("policies", parents=[common], help="check the support policies")
    policies_sub = p.add_subparsers(dest="action", required=True)
    q = policies_sub.add_parser("check", parents=[common],
                                help="load every policy and list its warnings (holiday lists that run out "
                                     "within 60 days); exit 1 when there are any")
    q.add_argument("--at", metavar="ISO", help="check as of this instant instead of now (e.g. 2027-11-15)")
    p.set_defaults(func=cmd_policies)

    p = sub.add_parser("reports", parents=[common], help="report maintenance")
    reports_sub = p.add_subparsers(dest="action", required=True)
    q = reports_sub.add_parser("build-rollups", parents=[common],
                               help="build the daily report rollups now (the server otherwise builds them "
                                    "in the background)")
    q.add_argument("--days", type=int, default=366, help="how many closed days back (default 366)")
    p.set_defaults(func=cmd_reports)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # e.g. an unsupported database URL
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "build_parser"]
