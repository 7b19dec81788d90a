from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from app.db import Database
from app.domain.problems import SERVICE_UNAVAILABLE
from app.problems import ProblemResponse, problem
from app.routing import StrictRoute
from app.schema_version import current_revision, head_revision

router = APIRouter(tags=["operations"], route_class=StrictRoute)


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    schema_revision: str


@router.get("/healthz", operation_id="get_health", summary="The process serves")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    operation_id="get_readiness",
    summary="The database answers and its schema is at the migrations' head",
    response_model=Readiness,
)
async def readyz(request: Request) -> Readiness | ProblemResponse:
    db: Database = request.app.state.db
    head = head_revision()
    try:
        current = await current_revision(db)
    except Exception:
        return problem(SERVICE_UNAVAILABLE, "the database does not answer")
    if current != head:
        return problem(
            SERVICE_UNAVAILABLE,
            f"the database schema is at {current or 'nothing'}, the migrations' head is {head}",
        )
    return Readiness(status="ready", schema_revision=current)


@router.get(
    "/metrics",
    operation_id="get_metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}},
)
async def metrics(request: Request) -> Response:
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )
