"""The scoring rubric ``gbt27922-2011`` for both enterprise types, as versioned data.

docs/domain.md §1: the standard fixes categories, sections and indicators; the split of points
inside a category is starcert's default weighting. A later edition of the standard is a new
rubric id, never an edit of this one: score sheets record the rubric id they were scored
against. Every section and rubric checks its own sums when built, so a data slip fails at
import rather than in a score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from app.domain.enums import EnterpriseType, Grade, SpecialDeductionCategory
from app.domain.problems import RUBRIC_NOT_FOUND


@dataclass(frozen=True, slots=True)
class Indicator:
    """One scored indicator; ``excludable`` is the standard's ``X`` mark (§1, §3)."""

    code: str
    name: str
    name_en: str
    max_points: Decimal
    excludable: bool
    section: str
    category: str


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the rubric; its maximum is the sum of its indicators'."""

    code: str
    name: str
    name_en: str
    category: str
    max_points: Decimal
    indicators: tuple[Indicator, ...]

    def __post_init__(self) -> None:
        total = sum((i.max_points for i in self.indicators), Decimal(0))
        if total != self.max_points:
            raise ValueError(
                f"section {self.code}: indicators sum to {total}, not {self.max_points}"
            )
        strays = [
            i.code for i in self.indicators if (i.section, i.category) != (self.code, self.category)
        ]
        if strays:
            raise ValueError(f"section {self.code}: indicators of another section {strays}")


@dataclass(frozen=True, slots=True)
class Category:
    """One of the three categories of 100 points (§1)."""

    code: str
    name: str
    name_en: str
    max_points: Decimal


@dataclass(frozen=True, slots=True)
class SpecialDeductionType:
    """A category of special deduction with its names (§2)."""

    code: SpecialDeductionCategory
    name: str
    name_en: str


@dataclass(frozen=True, slots=True)
class GradeThreshold:
    """The lowest final score (inclusive) that earns ``grade`` (§3)."""

    grade: Grade
    min_score: Decimal


@dataclass(frozen=True, slots=True)
class Rubric:
    """The rubric of one enterprise type; categories add up to ``total_points``."""

    id: str
    title: str
    enterprise_type: EnterpriseType
    total_points: Decimal
    categories: tuple[Category, ...]
    sections: tuple[Section, ...]
    special_deduction_categories: tuple[SpecialDeductionType, ...]
    grade_thresholds: tuple[GradeThreshold, ...]

    def __post_init__(self) -> None:
        sums = {
            c.code: sum((x.max_points for x in self.sections if x.category == c.code), Decimal(0))
            for c in self.categories
        }
        problems = [
            f"category {c.code}: sections sum to {sums[c.code]}, not {c.max_points}"
            for c in self.categories
            if sums[c.code] != c.max_points
        ]
        known = {c.code for c in self.categories}
        problems += [
            f"section {x.code}: unknown category" for x in self.sections if x.category not in known
        ]
        total = sum((c.max_points for c in self.categories), Decimal(0))
        if total != self.total_points:
            problems.append(f"categories sum to {total}, not {self.total_points}")
        codes = [i.code for i in self.indicators] + [x.code for x in self.sections]
        if len(set(codes)) != len(codes):
            problems.append("section or indicator codes repeat")
        if problems:
            raise ValueError(f"rubric {self.id}/{self.enterprise_type}: " + "; ".join(problems))

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator, in rubric order (section by section)."""
        return tuple(i for s in self.sections for i in s.indicators)

    def indicator(self, code: str) -> Indicator | None:
        """The indicator with this code, or None."""
        return next((i for i in self.indicators if i.code == code), None)


@dataclass(frozen=True, slots=True)
class RubricSummary:
    """A rubric id with the enterprise types it covers (``GET /rubrics``)."""

    id: str
    title: str
    enterprise_types: tuple[EnterpriseType, ...]


CURRENT_RUBRIC_ID = "gbt27922-2011"
_TITLE = "GB/T 27922-2011 商品售后服务评价体系"

_CATEGORIES = (
    Category("service_system", "售后服务体系", "After-sales service system", Decimal(40)),
    Category("product_service", "商品服务", "Product service", Decimal(35)),
    Category("customer_service", "顾客服务", "Customer service", Decimal(25)),
)

SPECIAL_DEDUCTION_TYPES: tuple[SpecialDeductionType, ...] = (
    SpecialDeductionType(
        SpecialDeductionCategory.LEGAL,
        "不符合国家法律、法规的要求",
        "Does not meet national laws and regulations",
    ),
    SpecialDeductionType(
        SpecialDeductionCategory.SERVICE_RULES,
        "不符合企业有关服务制度/准则的要求",
        "Does not meet the enterprise's own service rules or codes",
    ),
    SpecialDeductionType(
        SpecialDeductionCategory.INDUSTRY,
        "不符合行业专业性的特殊要求",
        "Does not meet the special professional requirements of the industry",
    ),
    SpecialDeductionType(
        SpecialDeductionCategory.SYSTEM_OPERATION,
        "对服务体系运行有影响的状况",
        "A condition that affects the operation of the service system",
    ),
)

# §3: the four passing grades, highest first; below the last one is ``fail``.
GRADE_THRESHOLDS: tuple[GradeThreshold, ...] = (
    GradeThreshold(Grade.FIVE_STAR, Decimal(95)),
    GradeThreshold(Grade.FOUR_STAR, Decimal(90)),
    GradeThreshold(Grade.THREE_STAR, Decimal(80)),
    GradeThreshold(Grade.COMPLIANT, Decimal(70)),
)

# (code, name, name_en, points, excludable) — points as in the tables of §1.
_IndicatorRow = tuple[str, str, str, str, bool]
# (code, name, name_en, category, points, indicators)
_SectionRow = tuple[str, str, str, str, str, tuple[_IndicatorRow, ...]]

_CULTURE: _SectionRow = ("culture", "服务文化", "Service culture", "service_system", "10", (
    ("culture.philosophy", "服务理念", "Service philosophy", "2", False),
    ("culture.commitment", "服务承诺", "Service commitment", "3", False),
    ("culture.strategy", "服务策略", "Service strategy", "2", False),
    ("culture.objectives", "服务目标", "Service objectives", "3", False),
))  # fmt: skip
_RULES: _SectionRow = ("rules", "服务制度", "Service rules", "service_system", "12", (
    ("rules.norms", "服务规范", "Service norms", "3", False),
    ("rules.process", "服务流程", "Service process", "3", False),
    ("rules.supervision", "服务监督与奖惩", "Supervision, rewards and penalties", "3", False),
    ("rules.management", "服务制度管理", "Management of the service rules", "3", False),
))  # fmt: skip
_COMPLAINTS: _SectionRow = (
    "complaints", "客户投诉", "Customer complaints", "customer_service", "10", (
    ("complaints.channels", "投诉渠道", "Complaint channels", "3", False),
    ("complaints.records", "投诉记录", "Complaint records", "3", False),
    ("complaints.handling", "投诉处理", "Complaint handling", "4", False),
))  # fmt: skip
_RELATIONS: _SectionRow = ("relations", "客户管理", "Customer relations", "customer_service", "7", (
    ("relations.communication", "沟通渠道", "Communication channels", "3", False),
    ("relations.management", "客户关系", "Customer relationship management", "4", False),
))  # fmt: skip

_PRODUCTION: tuple[_SectionRow, ...] = (
    _CULTURE,
    _RULES,
    ("system", "服务体系", "Service system", "service_system", "18", (
        ("system.organisation", "组织管理", "Organisation and management", "4", False),
        ("system.network", "服务网点", "Service network", "4", False),
        ("system.staffing", "人员配置", "Staffing", "4", False),
        ("system.training", "业务培训", "Professional training", "3", False),
        ("system.investment", "服务投入", "Investment in service", "3", False),
    )),
    ("delivery", "配送安装", "Delivery and installation", "product_service", "15", (
        ("delivery.packaging", "商品包装", "Product packaging", "4", True),
        ("delivery.distribution", "配送服务", "Delivery service", "5", True),
        ("delivery.installation", "安装调试", "Installation and commissioning", "6", True),
    )),
    ("repair", "维修服务", "Repair service", "product_service", "20", (
        ("repair.assurance", "维修保障", "Repair assurance", "8", False),
        ("repair.facilities", "维修设施", "Repair facilities", "6", True),
        ("repair.support", "技术支持", "Technical support", "6", False),
    )),
    _COMPLAINTS,
    _RELATIONS,
    ("improvement", "服务改进", "Service improvement", "customer_service", "8", (
        ("improvement.product", "产品改进", "Product improvement", "3", False),
        ("improvement.service", "服务改进", "Service improvement", "3", False),
        ("improvement.management", "管理改进", "Management improvement", "2", False),
    )),
)  # fmt: skip

_SALES_SERVICE: tuple[_SectionRow, ...] = (
    _CULTURE,
    _RULES,
    ("system", "服务体系", "Service system", "service_system", "18", (
        ("system.organisation", "组织管理", "Organisation and management", "6", False),
        ("system.staffing", "人员配置", "Staffing", "6", False),
        ("system.training", "业务培训", "Professional training", "6", False),
    )),
    ("warranty", "产品保证", "Product warranty", "product_service", "21", (
        ("warranty.quality", "质量保证", "Quality assurance", "8", False),
        ("warranty.returns", "产品退换货", "Returns and exchanges", "7", False),
        ("warranty.repair_network", "维修网点设置", "Repair network", "6", True),
    )),
    ("delivery", "配送安装", "Delivery and installation", "product_service", "14", (
        ("delivery.distribution", "配送服务", "Delivery service", "7", True),
        ("delivery.installation", "安装调试", "Installation and commissioning", "7", True),
    )),
    _COMPLAINTS,
    _RELATIONS,
    ("improvement", "服务改进", "Service improvement", "customer_service", "8", (
        ("improvement.service", "服务改进", "Service improvement", "4", False),
        ("improvement.management", "管理改进", "Management improvement", "4", False),
    )),
)  # fmt: skip


def _section(row: _SectionRow) -> Section:
    code, name, name_en, category, points, indicators = row
    return Section(
        code,
        name,
        name_en,
        category,
        Decimal(points),
        tuple(
            Indicator(i_code, i_name, i_name_en, Decimal(i_points), excludable, code, category)
            for i_code, i_name, i_name_en, i_points, excludable in indicators
        ),
    )


def _rubric(enterprise_type: EnterpriseType, rows: tuple[_SectionRow, ...]) -> Rubric:
    return Rubric(
        id=CURRENT_RUBRIC_ID,
        title=_TITLE,
        enterprise_type=enterprise_type,
        total_points=Decimal(100),
        categories=_CATEGORIES,
        sections=tuple(_section(row) for row in rows),
        special_deduction_categories=SPECIAL_DEDUCTION_TYPES,
        grade_thresholds=GRADE_THRESHOLDS,
    )


# Keyed by (rubric id, enterprise type value) so a lookup by plain strings needs no parsing.
_RUBRICS: Mapping[tuple[str, str], Rubric] = MappingProxyType(
    {
        (r.id, r.enterprise_type.value): r
        for r in (
            _rubric(EnterpriseType.PRODUCTION, _PRODUCTION),
            _rubric(EnterpriseType.SALES_SERVICE, _SALES_SERVICE),
        )
    }
)


def list_rubrics() -> tuple[RubricSummary, ...]:
    """Every rubric id known to this version of starcert, with its enterprise types."""
    ids = dict.fromkeys(rubric_id for rubric_id, _ in _RUBRICS)
    return tuple(
        RubricSummary(
            rubric_id,
            next(r.title for r in _RUBRICS.values() if r.id == rubric_id),
            tuple(r.enterprise_type for r in _RUBRICS.values() if r.id == rubric_id),
        )
        for rubric_id in ids
    )


def get_rubric(rubric_id: str, enterprise_type: str) -> Rubric:
    """The rubric ``rubric_id`` for an enterprise type; ``rubric.not_found`` otherwise."""
    rubric = _RUBRICS.get((rubric_id, enterprise_type))
    if rubric is None:
        raise RUBRIC_NOT_FOUND(f"no rubric {rubric_id!r} for enterprise type {enterprise_type!r}")
    return rubric
