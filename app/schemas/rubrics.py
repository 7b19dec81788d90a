from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.domain.enums import EnterpriseType, Grade, SpecialDeductionCategory
from app.schemas.common import Points, ReadModel


class RubricSummaryRead(ReadModel):
    id: str = Field(examples=["gbt27922-2011"])
    title: str
    enterprise_types: list[EnterpriseType]
    current: bool = Field(
        description="The configured edition, on which new audits are planned; every other "
        "one listed is used by an audit or a score sheet."
    )


class RubricList(ReadModel):
    items: list[RubricSummaryRead]


class CategoryRead(ReadModel):
    code: str = Field(examples=["service_system"])
    name: str = Field(examples=["售后服务体系"])
    name_en: str
    max_points: Points


class IndicatorRead(ReadModel):
    code: str = Field(examples=["culture.philosophy"])
    name: str
    name_en: str
    max_points: Points
    excludable: bool = Field(description="May be scored `not_applicable` with a reason (X).")


class SectionRead(ReadModel):
    code: str
    name: str
    name_en: str
    category: str
    max_points: Points
    indicators: list[IndicatorRead]


class SpecialDeductionCategoryRead(ReadModel):
    code: SpecialDeductionCategory
    name: str
    name_en: str


class GradeThresholdRead(ReadModel):
    grade: Annotated[Grade, Field(examples=["five_star"])]
    min_score: Points


class RubricRead(ReadModel):
    id: str
    title: str
    enterprise_type: EnterpriseType
    total_points: Points
    categories: list[CategoryRead]
    sections: list[SectionRead]
    special_deduction_categories: list[SpecialDeductionCategoryRead]
    grade_thresholds: list[GradeThresholdRead] = Field(
        description="The four passing grades, highest first; below 70 is `fail`."
    )
