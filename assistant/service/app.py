"""The FastAPI app over the one compiled agent graph. `create_app(settings)` opens the
dataset, model and memory at startup; tests pass an already-open session instead."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from stockwise.assistant.agent.session import AgentSession
from stockwise.assistant.service.alerting import Alerting
from stockwise.assistant.service.audit_store import open_service_audit
from stockwise.assistant.service.auth import KeyStore, RateLimiter
from stockwise.assistant.service.deps import Services
from stockwise.assistant.service.events import EventStore
from stockwise.assistant.service.exposure import OpenAccessWarning
from stockwise.assistant.service.limits import BodyLimitMiddleware, invalid_request
from stockwise.assistant.service.pool import TurnPool, default_workers
from stockwise.assistant.service.runner import TurnRunner
from stockwise.assistant.service.threads import ThreadOwners
from stockwise.assistant.service.timing import TimingMiddleware
from stockwise.assistant.service.turn_lock import ThreadLocks
from stockwise.tools.core.settings import Settings

STATIC = Path(__file__).parent / "static"


def build_services(settings: Settings, session: AgentSession) -> Services:
    audit = open_service_audit(settings)
    workers = settings.turn_workers or default_workers(offline=session.choice.endpoint is None)
    owners_store: ThreadOwners
    turn_locks: ThreadLocks
    if settings.state_url:  # replicas: shared owners and turn locks (docs/scale.md)
        from stockwise.assistant.service.threads_postgres import PostgresThreadOwners
        from stockwise.assistant.service.turn_lock import SharedThreadLocks

        owners_store = PostgresThreadOwners(settings.state_url)
        turn_locks = SharedThreadLocks(settings.state_url)
    else:
        owners_store, turn_locks = ThreadOwners(settings.service_db_path), ThreadLocks()
    return Services(
        settings=settings,
        runner=TurnRunner(session, audit, turn_locks),
        turns=TurnPool(workers),
        audit=audit,
        owners=owners_store,
        keys=KeyStore.load(settings.api_keys_file) if settings.api_keys_file else None,
        limiter=RateLimiter(settings.rate_limit_per_minute),
        events=EventStore(settings.service_db_path),
        alerting=Alerting(settings, lambda: session.ctx.dataset),
    )


def create_app(
    settings: Settings,
    session: AgentSession | None = None,
    teams_connections=None,
    insecure_open: bool = False,
    warm_up: bool = True,
) -> FastAPI:
    """`teams_connections`: how Teams replies get their token (default: MSAL with the
    settings' app id and secret). `insecure_open`: `serve --insecure-open` (no keys, not on
    loopback): every request logs a warning. `warm_up`: be ready only once the first
    requests would be answered at warm speed (see `warmup`); tests turn it off."""
    from stockwise.assistant.service import (
        routes_alerts,
        routes_chat,
        routes_events,
        routes_openai,
        routes_reports,
        warmup,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with AsyncExitStack() as stack:
            opened = session
            if opened is None:
                from stockwise.assistant.agent.models import choose_model
                from stockwise.assistant.agent.session import open_session
                from stockwise.assistant.reports import report_tools
                from stockwise.assistant.startup import timed_context

                ctx, timings = await run_in_threadpool(timed_context, settings)
                choice = choose_model(settings, ctx)
                manager = open_session(
                    ctx, choice, timings=timings, extra_tools=report_tools(choice)
                )
                opened = await run_in_threadpool(manager.__enter__)
                stack.push(manager.__exit__)
            app.state.services = build_services(settings, opened)
            if settings.slack_signing_secret:
                from stockwise.assistant.service.slack import build_slack

                app.state.slack = build_slack(app.state.services)
            if settings.teams_app_id:
                from stockwise.assistant.service.teams import TeamsChannel

                app.state.teams = TeamsChannel(app.state.services, teams_connections)
                app.state.services.alerting.dispatcher.teams_send = app.state.teams.send_proactive
            stack.callback(app.state.services.owners.close)
            stack.callback(app.state.services.audit.close)
            stack.callback(app.state.services.events.close)
            stack.callback(app.state.services.alerting.close)
            stack.callback(app.state.services.turns.shutdown)  # first: running turns finish
            opened = app.state.services.runner.session
            await run_in_threadpool(app.state.services.events.replay, opened.ctx)
            if settings.alerts_on_start:  # what changed while the service was down
                await run_in_threadpool(app.state.services.alerting.start, opened.ctx)
            digests = asyncio.get_running_loop().create_task(
                app.state.services.alerting.daily_digests()
            )
            stack.callback(digests.cancel)
            if warm_up:  # after the replay: the tools warm up on today's stock
                app.state.warm = await run_in_threadpool(warmup.warm_up, opened)
            yield
            app.state.services = None

    app = FastAPI(
        title="Stockwise",
        summary="Ask your plant's inventory: stock, WIP, spares, demand.",
        lifespan=lifespan,
    )
    app.state.services = None
    app.add_exception_handler(RequestValidationError, invalid_request)
    if settings.state_url:
        import psycopg

        from stockwise.tools.core.pg import where

        shared_at = where(settings.state_url)

        async def state_gone(request: Request, error: Exception) -> JSONResponse:
            # A 503 the client may retry (on this replica or another), never a wrong answer:
            # a turn that failed midway left its thread at its last whole checkpoint, and a
            # retried approval writes each requisition once (its id is the key).
            return JSONResponse(
                {
                    "detail": f"The shared state database (PostgreSQL {shared_at}) did not "
                    f"answer ({type(error).__name__}); try again in a moment. A retried "
                    "approval is not applied twice."
                },
                status_code=503,
                headers={"Retry-After": "2"},
            )

        app.add_exception_handler(psycopg.OperationalError, state_gone)
    app.add_middleware(BodyLimitMiddleware)
    if insecure_open and settings.api_keys_file is None:
        app.add_middleware(OpenAccessWarning)
    app.add_middleware(TimingMiddleware)
    app.include_router(routes_chat.router)
    app.include_router(routes_openai.router)
    app.include_router(routes_events.router)
    app.include_router(routes_alerts.router)
    app.include_router(routes_reports.router)

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request):
        handler = getattr(app.state, "slack", None)
        if handler is None:
            return JSONResponse({"detail": "Slack is not configured."}, status_code=404)
        return await handler.handle(request)

    @app.post("/api/messages", include_in_schema=False)
    async def teams_messages(request: Request):
        channel = getattr(app.state, "teams", None)
        if channel is None:
            return JSONResponse({"detail": "Teams is not configured."}, status_code=404)
        return await channel.handle(request)

    @app.get("/healthz", tags=["ops"])
    async def healthz():
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"])
    async def readyz():
        if app.state.services is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        ctx = app.state.services.runner.session.ctx
        return {
            "status": "ready",
            "dataset": ctx.dataset.name,
            "as_of": str(ctx.dataset.as_of),
            "warm_up": getattr(app.state, "warm", None),
        }

    @app.get("/", include_in_schema=False)
    async def page():
        return FileResponse(STATIC / "index.html")

    return app
