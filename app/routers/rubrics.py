from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.deps import Authenticated
from app.domain import rubric
from app.http import problems
from app.schemas.rubrics import RubricList, RubricRead, RubricSummaryRead

router = APIRouter(prefix="/api/v1/rubrics", tags=["rubrics"], responses=problems(401, 403))


@router.get("", operation_id="list_rubrics", summary="The scoring rubrics")
async def list_rubrics(_ctx: Authenticated) -> RubricList:
    return RubricList(items=[RubricSummaryRead.model_validate(r) for r in rubric.list_rubrics()])


@router.get(
    "/{rubric_id}/{enterprise_type}",
    operation_id="get_rubric",
    summary="A rubric for one enterprise type: categories, sections, indicators, thresholds",
    responses=problems(404, s404="`rubric.not_found`"),
)
async def get_rubric(
    rubric_id: Annotated[str, Path(max_length=40)],
    enterprise_type: Annotated[str, Path(max_length=40)],
    _ctx: Authenticated,
) -> RubricRead:
    return RubricRead.model_validate(rubric.get_rubric(rubric_id, enterprise_type))
