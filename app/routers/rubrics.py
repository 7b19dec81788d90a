from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.deps import Authenticated
from app.domain import rubric
from app.domain.problems import RUBRIC_NOT_FOUND
from app.openapi import problems
from app.paths import API_PREFIX
from app.routing import StrictRoute
from app.schemas.rubrics import RubricList, RubricRead, RubricSummaryRead

router = APIRouter(prefix=f"{API_PREFIX}/rubrics", tags=["rubrics"], route_class=StrictRoute)


@router.get("", operation_id="list_rubrics", summary="The scoring rubrics")
async def list_rubrics(_ctx: Authenticated) -> RubricList:
    return RubricList(items=[RubricSummaryRead.model_validate(r) for r in rubric.list_rubrics()])


@router.get(
    "/{rubric_id}/{enterprise_type}",
    operation_id="get_rubric",
    summary="A rubric for one enterprise type: categories, sections, indicators, thresholds",
    responses=problems(RUBRIC_NOT_FOUND),
)
async def get_rubric(
    rubric_id: Annotated[str, Path(max_length=40)],
    enterprise_type: Annotated[str, Path(max_length=40)],
    _ctx: Authenticated,
) -> RubricRead:
    return RubricRead.model_validate(rubric.get_rubric(rubric_id, enterprise_type))
