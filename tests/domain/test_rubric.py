"""The rubric data is exactly the tables of docs/domain.md §1, and its sums hold."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from app.domain.enums import EnterpriseType, Grade, SpecialDeductionCategory
from app.domain.problems import DomainError
from app.domain.rubric import (
    BUILT_IN_RUBRIC_ID,
    BUILT_IN_WEIGHTS,
    STRUCTURE,
    Category,
    Indicator,
    Rubric,
    Section,
    SpecialDeductionType,
    Weight,
    build_rubric,
    get_rubric,
    indicator_codes,
)

PRODUCTION = get_rubric(BUILT_IN_RUBRIC_ID, "production")
SALES_SERVICE = get_rubric(BUILT_IN_RUBRIC_ID, "sales_service")
BOTH = pytest.mark.parametrize(
    "rubric", [PRODUCTION, SALES_SERVICE], ids=lambda r: r.enterprise_type
)

# (indicator, section, category, points, excludable) — docs/domain.md §1, row by row.
PRODUCTION_TABLE = [
    ("culture.philosophy", "culture", "service_system", 2, False),
    ("culture.commitment", "culture", "service_system", 3, False),
    ("culture.strategy", "culture", "service_system", 2, False),
    ("culture.objectives", "culture", "service_system", 3, False),
    ("rules.norms", "rules", "service_system", 3, False),
    ("rules.process", "rules", "service_system", 3, False),
    ("rules.supervision", "rules", "service_system", 3, False),
    ("rules.management", "rules", "service_system", 3, False),
    ("system.organisation", "system", "service_system", 4, False),
    ("system.network", "system", "service_system", 4, False),
    ("system.staffing", "system", "service_system", 4, False),
    ("system.training", "system", "service_system", 3, False),
    ("system.investment", "system", "service_system", 3, False),
    ("delivery.packaging", "delivery", "product_service", 4, True),
    ("delivery.distribution", "delivery", "product_service", 5, True),
    ("delivery.installation", "delivery", "product_service", 6, True),
    ("repair.assurance", "repair", "product_service", 8, False),
    ("repair.facilities", "repair", "product_service", 6, True),
    ("repair.support", "repair", "product_service", 6, False),
    ("complaints.channels", "complaints", "customer_service", 3, False),
    ("complaints.records", "complaints", "customer_service", 3, False),
    ("complaints.handling", "complaints", "customer_service", 4, False),
    ("relations.communication", "relations", "customer_service", 3, False),
    ("relations.management", "relations", "customer_service", 4, False),
    ("improvement.product", "improvement", "customer_service", 3, False),
    ("improvement.service", "improvement", "customer_service", 3, False),
    ("improvement.management", "improvement", "customer_service", 2, False),
]
SALES_SERVICE_TABLE = [
    *PRODUCTION_TABLE[:8],
    ("system.organisation", "system", "service_system", 6, False),
    ("system.staffing", "system", "service_system", 6, False),
    ("system.training", "system", "service_system", 6, False),
    ("warranty.quality", "warranty", "product_service", 8, False),
    ("warranty.returns", "warranty", "product_service", 7, False),
    ("warranty.repair_network", "warranty", "product_service", 6, True),
    ("delivery.distribution", "delivery", "product_service", 7, True),
    ("delivery.installation", "delivery", "product_service", 7, True),
    *PRODUCTION_TABLE[19:24],
    ("improvement.service", "improvement", "customer_service", 4, False),
    ("improvement.management", "improvement", "customer_service", 4, False),
]
SECTIONS = {
    "production": [
        ("culture", 10), ("rules", 12), ("system", 18), ("delivery", 15), ("repair", 20),
        ("complaints", 10), ("relations", 7), ("improvement", 8),
    ],
    "sales_service": [
        ("culture", 10), ("rules", 12), ("system", 18), ("warranty", 21), ("delivery", 14),
        ("complaints", 10), ("relations", 7), ("improvement", 8),
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("rubric", "table"),
    [(PRODUCTION, PRODUCTION_TABLE), (SALES_SERVICE, SALES_SERVICE_TABLE)],
    ids=["production", "sales_service"],
)
def test_indicators_are_the_tables_of_section_1(
    rubric: Rubric, table: list[tuple[str, str, str, int, bool]]
) -> None:
    got = [(i.code, i.section, i.category, i.max_points, i.excludable) for i in rubric.indicators]
    assert got == [(c, s, k, Decimal(p), x) for c, s, k, p, x in table]


@BOTH
def test_sections_and_their_maxima(rubric: Rubric) -> None:
    assert [(s.code, s.max_points) for s in rubric.sections] == [
        (code, Decimal(points)) for code, points in SECTIONS[rubric.enterprise_type]
    ]


@BOTH
def test_counts(rubric: Rubric) -> None:
    expected = {"production": 27, "sales_service": 23}[rubric.enterprise_type]
    assert len(rubric.sections) == 8
    assert len(rubric.indicators) == expected


@BOTH
def test_every_section_max_is_the_sum_of_its_indicators(rubric: Rubric) -> None:
    for section in rubric.sections:
        assert section.max_points == sum(i.max_points for i in section.indicators)


@BOTH
def test_every_category_max_is_the_sum_of_its_sections(rubric: Rubric) -> None:
    assert [(c.code, c.max_points) for c in rubric.categories] == [
        ("service_system", Decimal(40)),
        ("product_service", Decimal(35)),
        ("customer_service", Decimal(25)),
    ]
    for category in rubric.categories:
        sections = [s for s in rubric.sections if s.category == category.code]
        assert category.max_points == sum(s.max_points for s in sections)
    assert rubric.total_points == sum(c.max_points for c in rubric.categories) == 100


@BOTH
def test_names_are_given_in_both_languages(rubric: Rubric) -> None:
    named: list[Category | Section | Indicator | SpecialDeductionType] = [
        *rubric.categories,
        *rubric.sections,
        *rubric.indicators,
        *rubric.special_deduction_categories,
    ]
    for thing in named:
        assert thing.name.strip()
        assert thing.name_en.strip()
        assert thing.name_en.isascii()
        assert not thing.name.isascii()
    assert rubric.indicator("culture.philosophy") == Indicator(
        "culture.philosophy", "服务理念", "Service philosophy", Decimal(2), False, "culture",
        "service_system",
    )  # fmt: skip


@BOTH
def test_special_deductions_and_grade_thresholds(rubric: Rubric) -> None:
    assert [(t.code, t.name) for t in rubric.special_deduction_categories] == [
        (SpecialDeductionCategory.LEGAL, "不符合国家法律、法规的要求"),
        (SpecialDeductionCategory.SERVICE_RULES, "不符合企业有关服务制度/准则的要求"),
        (SpecialDeductionCategory.INDUSTRY, "不符合行业专业性的特殊要求"),
        (SpecialDeductionCategory.SYSTEM_OPERATION, "对服务体系运行有影响的状况"),
    ]
    assert [(t.grade, t.min_score) for t in rubric.grade_thresholds] == [
        (Grade.FIVE_STAR, Decimal(95)),
        (Grade.FOUR_STAR, Decimal(90)),
        (Grade.THREE_STAR, Decimal(80)),
        (Grade.COMPLIANT, Decimal(70)),
    ]


def test_lookup_by_code() -> None:
    assert PRODUCTION.indicator("repair.facilities") is PRODUCTION.indicators[17]
    assert PRODUCTION.indicator("warranty.quality") is None
    assert SALES_SERVICE.indicator("warranty.quality") is not None


def test_the_built_in_rubric_is_named() -> None:
    for rubric in (PRODUCTION, SALES_SERVICE):
        assert rubric.id == "gbt27922-2011"
        assert rubric.title == "GB/T 27922-2011 商品售后服务评价体系"


@BOTH
def test_the_structure_is_the_rubric_without_its_points(rubric: Rubric) -> None:
    """The standard's part (codes, names, categories) and the built-in points, apart."""
    structure = STRUCTURE[rubric.enterprise_type]
    assert [(s.code, s.name, s.name_en, s.category) for s in structure] == [
        (s.code, s.name, s.name_en, s.category) for s in rubric.sections
    ]
    assert [(i.code, i.name, i.name_en) for s in structure for i in s.indicators] == [
        (i.code, i.name, i.name_en) for i in rubric.indicators
    ]
    assert indicator_codes(rubric.enterprise_type) == tuple(i.code for i in rubric.indicators)
    assert BUILT_IN_WEIGHTS[rubric.enterprise_type] == {
        i.code: Weight(i.max_points, i.excludable) for i in rubric.indicators
    }


def test_a_rubric_is_built_from_an_id_a_title_and_weights() -> None:
    weights = {code: Weight(Decimal(1)) for code in indicator_codes(EnterpriseType.PRODUCTION)}
    weights["culture.philosophy"] = Weight(Decimal("7.5"), excludable=True)
    with pytest.raises(ValueError, match=r"category service_system: sections sum to 19\.5"):
        build_rubric("x", "X", EnterpriseType.PRODUCTION, weights)
    built = build_rubric(
        "gbt27922-2011.b", "B", EnterpriseType.PRODUCTION, BUILT_IN_WEIGHTS["production"]
    )
    assert (built.id, built.title) == ("gbt27922-2011.b", "B")
    assert built.sections == PRODUCTION.sections


def test_a_rubric_needs_weights_for_exactly_the_standards_indicators() -> None:
    weights = dict(BUILT_IN_WEIGHTS[EnterpriseType.SALES_SERVICE])
    del weights["culture.philosophy"]
    weights["repair.support"] = Weight(Decimal(2))
    with pytest.raises(
        ValueError, match=r"missing \['culture.philosophy'\], unknown \['repair.support'\]"
    ):
        build_rubric("x", "X", EnterpriseType.SALES_SERVICE, weights)


def test_get_rubric_returns_the_type_asked_for() -> None:
    assert PRODUCTION.enterprise_type is EnterpriseType.PRODUCTION
    assert SALES_SERVICE.enterprise_type is EnterpriseType.SALES_SERVICE
    assert get_rubric("gbt27922-2011", EnterpriseType.PRODUCTION) is PRODUCTION


@pytest.mark.parametrize(
    ("rubric_id", "enterprise_type"),
    [
        ("gbt27922-2024", "production"),
        ("gbt27922-2011", "retail"),
        ("", ""),
        ("gbt27922-2011", "PRODUCTION"),
    ],
)
def test_unknown_rubric_or_type_is_not_found(rubric_id: str, enterprise_type: str) -> None:
    with pytest.raises(DomainError) as caught:
        get_rubric(rubric_id, enterprise_type)
    assert caught.value.code == "rubric.not_found"


# A rubric that does not add up must not even be built.
_CULTURE = PRODUCTION.sections[0]


def test_a_section_whose_indicators_do_not_add_up_is_refused() -> None:
    with pytest.raises(ValueError, match="sum to 10, not 11"):
        replace(_CULTURE, max_points=Decimal(11))


def test_a_section_holding_another_sections_indicator_is_refused() -> None:
    stray = replace(_CULTURE.indicators[0], section="rules")
    with pytest.raises(ValueError, match="another section"):
        replace(_CULTURE, indicators=(stray, *_CULTURE.indicators[1:]))


def test_a_category_whose_sections_do_not_add_up_is_refused() -> None:
    wrong = replace(PRODUCTION.categories[0], max_points=Decimal(41))
    with pytest.raises(ValueError, match="category service_system: sections sum to 40, not 41"):
        replace(PRODUCTION, categories=(wrong, *PRODUCTION.categories[1:]))


def test_a_section_of_an_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="section improvement: unknown category"):
        replace(PRODUCTION, categories=PRODUCTION.categories[:2], total_points=Decimal(75))


def test_categories_must_add_up_to_the_total() -> None:
    with pytest.raises(ValueError, match="categories sum to 100, not 99"):
        replace(PRODUCTION, total_points=Decimal(99))


def test_codes_must_not_repeat() -> None:
    with pytest.raises(ValueError, match="codes repeat"):
        replace(
            PRODUCTION, sections=(*PRODUCTION.sections, replace(_CULTURE, max_points=Decimal(10)))
        )


def test_an_empty_section_is_consistent() -> None:
    empty = Section("extra", "额外", "Extra", "service_system", Decimal(0), ())
    assert replace(PRODUCTION, sections=(*PRODUCTION.sections, empty)).indicator("extra") is None
