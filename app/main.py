"""The application factory: settings, database, clock, routers, error handlers."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import Scope

from app import openapi, problems
from app.clock import Clock
from app.config import Settings, get_settings
from app.db import Database
from app.domain.problems import RATE_LIMITED
from app.http import BodyLimitMiddleware, RefuseNulMiddleware
from app.metrics import Metrics, MetricsMiddleware
from app.paths import PAGES_PREFIX
from app.public.queries import reader_for
from app.public.ratelimit import (
    Decision,
    Limiter,
    MemoryCounter,
    RateLimitMiddleware,
    RedisCounter,
    Refusal,
)
from app.public.service import PublicService
from app.routers import (
    applications,
    audits,
    certificates,
    events,
    operations,
    organisations,
    pages,
    rubrics,
    sites,
    users,
)
from app.routers import public as public_routes
from app.services import rubrics as rubric_editions
from app.services.bootstrap import ensure_bootstrap_admin

DESCRIPTION = """\
starcert is the system of record of a certification body that certifies enterprises'
after-sales service under GB/T 27922-2011 《商品售后服务评价体系》.

`/api/v1` needs `Authorization: Bearer <token>`; `/public/v1` is open and rate limited.
Every error is `application/problem+json` with a stable `code`.
"""

MAX_BODY_BYTES = 1 << 20
TAGS = [
    {"name": "users", "description": "Users, roles and API keys (admin)."},
    {"name": "rubrics", "description": "The GB/T 27922-2011 scoring rubrics."},
    {
        "name": "organisations",
        "description": "Applicant enterprises and their sites (staff; integrators read).",
    },
    {"name": "applications", "description": "Applications, eligibility and quotes (staff)."},
    {"name": "audits", "description": "Audits, score sheets, corrective actions, decisions."},
    {"name": "certificates", "description": "Issued certificates and their lifecycle."},
    {"name": "events", "description": "The tamper-evident event log (admin, committee)."},
    {"name": "public", "description": "Public verification: no authentication, rate limited."},
    {"name": "public pages", "description": "The verification pages for people (HTML)."},
    {"name": "operations", "description": "Health, readiness and metrics."},
]


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    clock = clock or Clock(settings.zone)
    # the rubric edition (STARCERT_RUBRIC_FILE) is read and checked before anything else:
    # a file that cannot be used is refused, one line per problem (RubricFileError)
    rubric_editions.load_configured(settings)
    owns_db = db is None
    database = db or Database.from_settings(settings)

    public = PublicService(
        reader_for(settings.async_database_url, pool_size=settings.db_pool_size),
        clock,
        settings.issuer_name,
    )
    limiter = Limiter(
        settings.public_rate_limit,
        RedisCounter(settings.redis_url) if settings.redis_url else MemoryCounter(),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_bootstrap_admin(database, settings, clock)
        # stored if new; its id stored with other content stops the start
        await rubric_editions.register_configured(database, settings, clock)
        # Everything loaded so far (modules, models, schemas, routes) lives as long as the
        # process: keep it out of the collector's full passes, which otherwise stall the
        # event loop for tens of milliseconds under load.
        gc.freeze()
        yield
        await close_public(app)
        if owns_db:
            await database.dispose()

    app = FastAPI(
        title="starcert",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        # starcert exports Prometheus metrics itself (/metrics); FastAPI's OpenTelemetry hooks
        # would otherwise look up unconfigured providers on every request
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # the public surface first, and as the application's own routes rather than an
        # included router: routing tries routes in order, and these are the hot ones
        routes=list(public_routes.router.routes),
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.db = database
    app.state.metrics = Metrics()
    app.state.public = public
    app.state.limiter = limiter
    app.state.html_errors = pages.render_error
    _configure_logging(settings.log_level)

    problems.install(app)
    app.include_router(pages.router)
    app.include_router(operations.router)
    app.include_router(users.router)
    app.include_router(rubrics.router)
    app.include_router(organisations.router)
    app.include_router(sites.router)
    app.include_router(applications.router)
    app.include_router(audits.router)
    app.include_router(certificates.router)
    app.include_router(events.router)
    # added first, so innermost: only the exception middleware and the router lie below it
    app.add_middleware(public_routes.LookupFastPath)
    app.add_middleware(RefuseNulMiddleware)
    # read no more of a body than any request needs; the largest is a batch verify of 100
    # items, under 50 KB (dossier uploads will bring their own limit)
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(
        RateLimitMiddleware,
        limiter=limiter,
        trusted=settings.trusted_proxies,
        refuse=_refusal(settings),
    )
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    openapi.install(app)
    return app


def _configure_logging(level: str) -> None:
    """starcert's log lines go to standard error, one line each, at the configured level —
    unless the process configured logging itself (a test run, an embedding application)."""
    logger = logging.getLogger("starcert")
    logger.setLevel(level)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        logger.addHandler(handler)


async def close_public(app: FastAPI) -> None:
    """Close the public read pool and the rate-limit store (shutdown; tests)."""
    await app.state.public.reader.close()
    await app.state.limiter.counter.close()


def _refusal(settings: Settings) -> Refusal:
    def refuse(decision: Decision, scope: Scope) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if scope["path"].startswith(PAGES_PREFIX):
            body = pages.too_many_requests_page(settings.issuer_name, decision.reset_after)
            return 429, [(b"content-type", b"text/html; charset=utf-8")], body
        rate = settings.public_rate_limit
        response = problems.problem(
            RATE_LIMITED,
            f"over {rate.limit} requests per {rate.period_seconds} s; retry after "
            f"{decision.reset_after} s",
        )
        return 429, list(response.raw_headers), bytes(response.body)

    return refuse
