"""The standard's rubric structure, the built-in points, and the rubrics built from them.

docs/domain.md §1: the standard fixes the categories, sections and indicators (``STRUCTURE``);
the points of each indicator are an edition's (``BUILT_IN_WEIGHTS`` is starcert's default,
the edition ``gbt27922-2011``; loaded editions: ``rubric_editions``). ``build_rubric`` joins
the two; every section and rubric checks its own sums when built.
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
class StandardIndicator:
    """An indicator as the standard fixes it: a stable code and its names, no points."""

    code: str
    name: str
    name_en: str


@dataclass(frozen=True, slots=True)
class StandardSection:
    """A section as the standard fixes it: its category and its indicators, no points."""

    code: str
    name: str
    name_en: str
    category: str
    indicators: tuple[StandardIndicator, ...]


@dataclass(frozen=True, slots=True)
class Weight:
    """What an edition gives one indicator: its points and whether it is marked ``X``."""

    points: Decimal
    excludable: bool = False


BUILT_IN_RUBRIC_ID = "gbt27922-2011"
BUILT_IN_TITLE = "GB/T 27922-2011 商品售后服务评价体系"
TOTAL_POINTS = Decimal(100)

# The standard's three categories and their points (§1): fixed for every edition.
CATEGORIES: tuple[Category, ...] = (
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

_S, _I = StandardSection, StandardIndicator

_CULTURE = _S("culture", "服务文化", "Service culture", "service_system", (
    _I("culture.philosophy", "服务理念", "Service philosophy"),
    _I("culture.commitment", "服务承诺", "Service commitment"),
    _I("culture.strategy", "服务策略", "Service strategy"),
    _I("culture.objectives", "服务目标", "Service objectives"),
))  # fmt: skip
_RULES = _S("rules", "服务制度", "Service rules", "service_system", (
    _I("rules.norms", "服务规范", "Service norms"),
    _I("rules.process", "服务流程", "Service process"),
    _I("rules.supervision", "服务监督与奖惩", "Supervision, rewards and penalties"),
    _I("rules.management", "服务制度管理", "Management of the service rules"),
))  # fmt: skip
_COMPLAINTS = _S("complaints", "客户投诉", "Customer complaints", "customer_service", (
    _I("complaints.channels", "投诉渠道", "Complaint channels"),
    _I("complaints.records", "投诉记录", "Complaint records"),
    _I("complaints.handling", "投诉处理", "Complaint handling"),
))  # fmt: skip
_RELATIONS = _S("relations", "客户管理", "Customer relations", "customer_service", (
    _I("relations.communication", "沟通渠道", "Communication channels"),
    _I("relations.management", "客户关系", "Customer relationship management"),
))  # fmt: skip
_DELIVERY = "delivery", "配送安装", "Delivery and installation", "product_service"
_SYSTEM = "system", "服务体系", "Service system", "service_system"
_IMPROVEMENT = "improvement", "服务改进", "Service improvement", "customer_service"
_ORGANISATION = _I("system.organisation", "组织管理", "Organisation and management")
_STAFFING = _I("system.staffing", "人员配置", "Staffing")
_TRAINING = _I("system.training", "业务培训", "Professional training")
_DISTRIBUTION = _I("delivery.distribution", "配送服务", "Delivery service")
_INSTALLATION = _I("delivery.installation", "安装调试", "Installation and commissioning")
_SERVICE_IMPROVEMENT = _I("improvement.service", "服务改进", "Service improvement")
_MANAGEMENT_IMPROVEMENT = _I("improvement.management", "管理改进", "Management improvement")

# The standard's sections and indicators of each enterprise type (§1), in rubric order.
STRUCTURE: Mapping[EnterpriseType, tuple[StandardSection, ...]] = MappingProxyType({
    EnterpriseType.PRODUCTION: (
        _CULTURE,
        _RULES,
        _S(*_SYSTEM, (
            _ORGANISATION,
            _I("system.network", "服务网点", "Service network"),
            _STAFFING,
            _TRAINING,
            _I("system.investment", "服务投入", "Investment in service"),
        )),
        _S(*_DELIVERY, (
            _I("delivery.packaging", "商品包装", "Product packaging"),
            _DISTRIBUTION,
            _INSTALLATION,
        )),
        _S("repair", "维修服务", "Repair service", "product_service", (
            _I("repair.assurance", "维修保障", "Repair assurance"),
            _I("repair.facilities", "维修设施", "Repair facilities"),
            _I("repair.support", "技术支持", "Technical support"),
        )),
        _COMPLAINTS,
        _RELATIONS,
        _S(*_IMPROVEMENT, (
            _I("improvement.product", "产品改进", "Product improvement"),
            _SERVICE_IMPROVEMENT,
            _MANAGEMENT_IMPROVEMENT,
        )),
    ),
    EnterpriseType.SALES_SERVICE: (
        _CULTURE,
        _RULES,
        _S(*_SYSTEM, (_ORGANISATION, _STAFFING, _TRAINING)),
        _S("warranty", "产品保证", "Product warranty", "product_service", (
            _I("warranty.quality", "质量保证", "Quality assurance"),
            _I("warranty.returns", "产品退换货", "Returns and exchanges"),
            _I("warranty.repair_network", "维修网点设置", "Repair network"),
        )),
        _S(*_DELIVERY, (_DISTRIBUTION, _INSTALLATION)),
        _COMPLAINTS,
        _RELATIONS,
        _S(*_IMPROVEMENT, (_SERVICE_IMPROVEMENT, _MANAGEMENT_IMPROVEMENT)),
    ),
})  # fmt: skip


def _weights(rows: Mapping[str, str]) -> Mapping[str, Weight]:
    """``{code: "4 X"}``: the points, then ``X`` when the indicator may be excluded."""
    return MappingProxyType(
        {code: Weight(Decimal(text.split()[0]), text.endswith(" X")) for code, text in rows.items()}
    )


_COMMON_HEAD = {
    "culture.philosophy": "2", "culture.commitment": "3", "culture.strategy": "2",
    "culture.objectives": "3", "rules.norms": "3", "rules.process": "3",
    "rules.supervision": "3", "rules.management": "3",
}  # fmt: skip
_COMMON_TAIL = {
    "complaints.channels": "3", "complaints.records": "3", "complaints.handling": "4",
    "relations.communication": "3", "relations.management": "4",
}  # fmt: skip

# starcert's default weighting (policy data): the points of the tables of §1.
BUILT_IN_WEIGHTS: Mapping[EnterpriseType, Mapping[str, Weight]] = MappingProxyType({
    EnterpriseType.PRODUCTION: _weights({
        **_COMMON_HEAD,
        "system.organisation": "4", "system.network": "4", "system.staffing": "4",
        "system.training": "3", "system.investment": "3",
        "delivery.packaging": "4 X", "delivery.distribution": "5 X",
        "delivery.installation": "6 X",
        "repair.assurance": "8", "repair.facilities": "6 X", "repair.support": "6",
        **_COMMON_TAIL,
        "improvement.product": "3", "improvement.service": "3",
        "improvement.management": "2",
    }),
    EnterpriseType.SALES_SERVICE: _weights({
        **_COMMON_HEAD,
        "system.organisation": "6", "system.staffing": "6", "system.training": "6",
        "warranty.quality": "8", "warranty.returns": "7", "warranty.repair_network": "6 X",
        "delivery.distribution": "7 X", "delivery.installation": "7 X",
        **_COMMON_TAIL,
        "improvement.service": "4", "improvement.management": "4",
    }),
})  # fmt: skip


def indicator_codes(enterprise_type: EnterpriseType) -> tuple[str, ...]:
    """The standard's indicator codes of an enterprise type, in rubric order."""
    return tuple(i.code for s in STRUCTURE[enterprise_type] for i in s.indicators)


def build_rubric(
    rubric_id: str,
    title: str,
    enterprise_type: EnterpriseType,
    weights: Mapping[str, Weight],
) -> Rubric:
    """The rubric of an edition: the standard's structure with the edition's points.

    ``weights`` must give exactly the standard's indicators (``ValueError`` otherwise); the
    sums are checked by ``Rubric`` itself, so a rubric that does not add up is never built.
    """
    codes = indicator_codes(enterprise_type)
    missing = [c for c in codes if c not in weights]
    unknown = [c for c in weights if c not in codes]
    if missing or unknown:
        raise ValueError(
            f"weights of {rubric_id}/{enterprise_type}: missing {missing}, unknown {unknown}"
        )
    sections = tuple(
        Section(
            s.code,
            s.name,
            s.name_en,
            s.category,
            sum((weights[i.code].points for i in s.indicators), Decimal(0)),
            tuple(
                Indicator(
                    i.code,
                    i.name,
                    i.name_en,
                    weights[i.code].points,
                    weights[i.code].excludable,
                    s.code,
                    s.category,
                )
                for i in s.indicators
            ),
        )
        for s in STRUCTURE[enterprise_type]
    )
    return Rubric(
        id=rubric_id,
        title=title,
        enterprise_type=enterprise_type,
        total_points=TOTAL_POINTS,
        categories=CATEGORIES,
        sections=sections,
        special_deduction_categories=SPECIAL_DEDUCTION_TYPES,
        grade_thresholds=GRADE_THRESHOLDS,
    )


# The built-in rubrics, keyed by enterprise type value so a lookup by plain strings needs
# no parsing.
_BUILT_IN: Mapping[str, Rubric] = MappingProxyType(
    {
        t.value: build_rubric(BUILT_IN_RUBRIC_ID, BUILT_IN_TITLE, t, BUILT_IN_WEIGHTS[t])
        for t in EnterpriseType
    }
)


def get_rubric(rubric_id: str, enterprise_type: str) -> Rubric:
    """The built-in rubric ``gbt27922-2011`` of an enterprise type; ``rubric.not_found``
    otherwise (loaded editions: ``app.domain.rubric_editions``)."""
    rubric = _BUILT_IN.get(enterprise_type) if rubric_id == BUILT_IN_RUBRIC_ID else None
    if rubric is None:
        raise RUBRIC_NOT_FOUND(f"no rubric {rubric_id!r} for enterprise type {enterprise_type!r}")
    return rubric
