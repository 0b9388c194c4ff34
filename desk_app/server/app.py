"""The FastAPI application of the central store: `create_app(...)`."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from desk_app.server.attachments.router import router as attachments_router
from desk_app.server.attachments.storage import BlobStore
from desk_app.server.attachments.upload import UploadRules, max_body_for
from desk_app.server.auth.router import router as auth_router
from desk_app.server.auth.service import TokenCache
from desk_app.server.core.clock import Clock, SystemClock
from desk_app.server.core.db import Database
from desk_app.server.core.errors import install_error_handlers
from desk_app.server.core.failures import document_common_errors, install_failure_handlers, install_health_routes
from desk_app.server.core.limits import RequestGuard
from desk_app.server.core.settings import Settings, get_settings
from desk_app.server.directory.router import router as directory_router
from desk_app.server.intake.router import router as intake_router
from desk_app.server.intake.routing import RoutingRules
from desk_app.server.notifications import outbox
from desk_app.server.notifications.sender import OutboxSender, OutboxWorker
from desk_app.server.feedback.router import router as feedback_router
from desk_app.server.policies.registry import PolicyRegistry
from desk_app.server.policies.router import router as policies_router
from desk_app.server.presence.router import router as presence_router
from desk_app.server.reports.rollup_builder import RollupBuilder
from desk_app.server.reports.router import router as reports_router
from desk_app.server.scheduler import SchedulerHooks
from desk_app.server.scheduler.runner import Scheduler
from desk_app.server.sync.notifier import ChangeNotifier, PgChangeListener
from desk_app.server.sync.router import router as sync_router
from desk_app.server.sync.router import stream_events
from desk_app.server.sync.streams import StreamLimits
from desk_app.server.tickets.escalation_notices import router as escalation_notices_router
from desk_app.server.tickets.router import router as tickets_router

API_PREFIX = "/api/v1"
log = logging.getLogger("desk.server")


def largest_upload_body(registry: PolicyRegistry) -> int:
    """The largest multipart body any policy's attachment limits allow (the routes check their own exactly)."""
    rules = [UploadRules.for_policy(None)] + [UploadRules.for_policy(registry.get(key)) for key in registry]
    return max(max_body_for(r) for r in rules)


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    clock: Clock | None = None,
    policies: PolicyRegistry | None = None,
    listen: bool | None = None,
    scheduler: bool | None = None,
    rollup_builder: bool | None = None,
) -> FastAPI:
    """Build the app. Tests pass their own database, clock and policies.

    `listen`: run the PostgreSQL LISTEN thread (default: on for PostgreSQL).
    `scheduler`: run the scheduler thread (default: on with the real clock;
    tests with a manual clock drive `app.state.scheduler.run_due(now)` instead).
    `rollup_builder`: build the report rollups in a background thread (same default;
    tests drive `app.state.rollup_builder.run_once(now)`).
    """
    settings = settings or get_settings()
    db = database or Database(settings.database)
    registry = policies if policies is not None else PolicyRegistry.load(settings.policy_dir)
    notifier = ChangeNotifier()
    hooks = SchedulerHooks()
    use_listener = db.is_postgres if listen is None else listen
    run_scheduler = clock is None if scheduler is None else scheduler
    run_rollups = clock is None if rollup_builder is None else rollup_builder

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        notifier.bind(asyncio.get_running_loop())
        db.add_commit_listener(notifier.publish)
        db.add_ticket_listener(hooks.ticket_changed)
        listener = None
        if use_listener:
            listener = PgChangeListener(db.url, notifier)
            listener.start()
        app.state.pg_listener = listener
        if run_scheduler:
            hooks.subscribe(app.state.scheduler.ticket_changed)
            app.state.scheduler.start(listen=use_listener)
        if run_rollups:
            app.state.rollup_builder.start()  # its first pass runs in the thread: startup does not wait
        worker = app.state.outbox_worker
        if settings.notifications.smtp.host:
            db.add_ticket_listener(worker.wake)
            worker.start()
        else:
            log.warning("no SMTP host configured (DESK_SMTP_HOST): customer mails stay queued in the outbox")
        try:
            yield
        finally:
            if run_rollups:
                app.state.rollup_builder.stop()
            if run_scheduler:
                app.state.scheduler.stop()
                hooks.unsubscribe(app.state.scheduler.ticket_changed)
            worker.stop()
            db.remove_ticket_listener(worker.wake)
            if listener is not None:
                listener.stop()
            db.remove_commit_listener(notifier.publish)
            db.remove_ticket_listener(hooks.ticket_changed)
            if database is None:
                db.dispose()

    app = FastAPI(
        title="Desk central ticket store",
        version="1",
        description="Tickets, SLA clocks, the change feed and live push for Desk clients.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.clock = clock or SystemClock()
    app.state.policies = registry
    for warning in registry.warnings(app.state.clock.now()):
        log.warning("%s", warning.message)
    app.state.notifier = notifier
    app.state.scheduler_hooks = hooks
    app.state.pg_listener = None
    app.state.blobs = BlobStore(settings.storage.blob_store, settings.storage.data_dir)
    app.state.token_cache = TokenCache()
    app.state.stream_limits = StreamLimits(
        settings.sync.max_streams_per_user, settings.sync.max_streams_per_instance, notifier.wake
    )
    app.state.scheduler = Scheduler(db, registry, settings, app.state.clock)
    app.state.rollup_builder = RollupBuilder(db, app.state.clock)
    outbox.configure(registry, settings)
    app.state.intake_routing = RoutingRules.load(registry, settings.intake.routing_file)
    app.state.outbox_sender = OutboxSender(db, settings, app.state.clock, registry)
    app.state.outbox_worker = OutboxWorker(app.state.outbox_sender, settings.notifications.poll_seconds)
    install_error_handlers(app)
    install_failure_handlers(app)

    for router in (auth_router, tickets_router, sync_router, directory_router, policies_router, reports_router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(escalation_notices_router, prefix=API_PREFIX)
    app.include_router(presence_router, prefix=API_PREFIX)
    app.include_router(intake_router, prefix=API_PREFIX)
    app.include_router(attachments_router, prefix=API_PREFIX)
    app.include_router(feedback_router, prefix=API_PREFIX)
    # The SSE stream is also served at the top level, as the issue names it.
    app.add_api_route(
        "/events",
        stream_events,
        methods=["GET"],
        include_in_schema=False,
        name="stream_events_root",
    )

    install_health_routes(app)
    document_common_errors(app)
    app.add_middleware(
        RequestGuard,
        fastapi_app=app,
        upload_bytes=lambda: largest_upload_body(registry),
        body_timeout_seconds=settings.http.body_timeout_seconds,
    )

    return app
