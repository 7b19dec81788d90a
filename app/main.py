"""The application factory: settings, database, clock, routers, error handlers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import openapi, problems
from app.clock import Clock
from app.config import Settings, get_settings
from app.db import Database
from app.metrics import Metrics, MetricsMiddleware
from app.routers import (
    applications,
    audits,
    certificates,
    events,
    operations,
    organisations,
    rubrics,
    users,
)
from app.services.bootstrap import ensure_bootstrap_admin

DESCRIPTION = """\
starcert is the system of record of a certification body that certifies enterprises'
after-sales service under GB/T 27922-2011 《商品售后服务评价体系》.

`/api/v1` needs `Authorization: Bearer <token>`; `/public/v1` is open and rate limited.
Every error is `application/problem+json` with a stable `code`.
"""

TAGS = [
    {"name": "users", "description": "Users, roles and API keys (admin)."},
    {"name": "rubrics", "description": "The GB/T 27922-2011 scoring rubrics."},
    {"name": "organisations", "description": "Applicant enterprises (staff; integrators read)."},
    {"name": "applications", "description": "Applications, eligibility and quotes (staff)."},
    {"name": "audits", "description": "Audits, score sheets, corrective actions, decisions."},
    {"name": "certificates", "description": "Issued certificates and their lifecycle."},
    {"name": "events", "description": "The tamper-evident event log (admin, committee)."},
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
    owns_db = db is None
    database = db or Database.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_bootstrap_admin(database, settings, clock)
        yield
        if owns_db:
            await database.dispose()

    app = FastAPI(
        title="starcert",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.db = database
    app.state.metrics = Metrics()
    logging.getLogger("starcert").setLevel(settings.log_level)

    problems.install(app)
    app.include_router(operations.router)
    app.include_router(users.router)
    app.include_router(rubrics.router)
    app.include_router(organisations.router)
    app.include_router(applications.router)
    app.include_router(audits.router)
    app.include_router(certificates.router)
    app.include_router(events.router)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    openapi.install(app)
    return app
