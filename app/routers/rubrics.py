from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.deps import Authenticated
from app.domain.problems import RUBRIC_NOT_FOUND
from app.openapi import problems
from app.paths import API_PREFIX
from app.routing import StrictRoute
from app.schemas.rubrics import RubricList, RubricRead, RubricSummaryRead
from app.services import rubrics

router = APIRouter(prefix=f"{API_PREFIX}/rubrics", tags=["rubrics"], route_class=StrictRoute)


@router.get(
    "",
    operation_id="list_rubrics",
    summary="The rubric editions in use; the configured one is current",
)
async def list_rubrics(ctx: Authenticated) -> RubricList:
    return RubricList(
        items=[
            RubricSummaryRead(
                id=e.edition.id,
                title=e.edition.title,
                enterprise_types=list(e.edition.enterprise_types),
                current=e.current,
            )
            for e in await rubrics.in_use(ctx)
        ]
    )


@router.get(
    "/{rubric_id}/{enterprise_type}",
    operation_id="get_rubric",
    summary="A rubric for one enterprise type: categories, sections, indicators, thresholds",
    responses=problems(RUBRIC_NOT_FOUND),
)
async def get_rubric(
    rubric_id: Annotated[str, Path(max_length=40)],
    enterprise_type: Annotated[str, Path(max_length=40)],
    ctx: Authenticated,
) -> RubricRead:
    edition = await rubrics.find(ctx, rubric_id)
    return RubricRead.model_validate(edition.rubric(enterprise_type))
