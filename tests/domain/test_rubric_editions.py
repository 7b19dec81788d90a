"""Rubric editions: reading TOML and JSON, every refusal one line naming the indicator, and a
hash that depends on the edition, not on how its file is written (docs/domain.md §1)."""

from __future__ import annotations

import copy
import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest

from app.domain.enums import EnterpriseType
from app.domain.problems import DomainError
from app.domain.rubric import BUILT_IN_WEIGHTS, Weight, get_rubric, indicator_codes
from app.domain.rubric_editions import (
    BUILT_IN,
    EditionError,
    RubricEdition,
    from_document,
    from_stored,
    parse,
    to_toml,
)

# The canonical content of the built-in edition hashes to this, today and in every later
# version: stored editions never change, so neither may this.
BUILT_IN_SHA256 = "93cebd36a404bbf9b3de50349016ea5761e309133cde0ddb8b43b628d7d9f4c3"
EDITION_ID = "gbt27922-2011.body-2026"


def document(rubric_id: str = EDITION_ID, title: str = "某认证机构评分表 2026") -> dict[str, Any]:
    """A valid edition document (the built-in points), flat indicator codes, as parsed."""
    return {
        "id": rubric_id,
        "title": title,
        **{
            t.value: {
                code: {"points": w.points, "excludable": w.excludable}
                for code, w in weights.items()
            }
            for t, weights in BUILT_IN_WEIGHTS.items()
        },
    }


def problems_of(doc: object) -> tuple[str, ...]:
    with pytest.raises(EditionError) as caught:
        from_document(doc)
    assert str(caught.value) == "; ".join(caught.value.problems)
    return caught.value.problems


def test_the_built_in_edition_is_the_built_in_rubric() -> None:
    assert (BUILT_IN.id, BUILT_IN.title) == (
        "gbt27922-2011",
        "GB/T 27922-2011 商品售后服务评价体系",
    )
    assert BUILT_IN.enterprise_types == (EnterpriseType.PRODUCTION, EnterpriseType.SALES_SERVICE)
    for t in EnterpriseType:
        assert BUILT_IN.rubric(t) == get_rubric("gbt27922-2011", t)
        assert BUILT_IN.rubric(t.value) is BUILT_IN.rubrics[t]


@pytest.mark.parametrize("enterprise_type", ["retail", "PRODUCTION", ""])
def test_an_edition_has_no_rubric_for_an_unknown_type(enterprise_type: str) -> None:
    with pytest.raises(DomainError) as caught:
        BUILT_IN.rubric(enterprise_type)
    assert caught.value.code == "rubric.not_found"


def test_the_canonical_content_and_its_hash_are_stable() -> None:
    canonical = BUILT_IN.canonical
    assert canonical.startswith(
        '{"id":"gbt27922-2011","production":{"complaints.channels":{"excludable":false,"points":3},'
    )
    assert canonical.endswith(
        '"warranty.returns":{"excludable":false,"points":7}},'
        '"title":"GB/T 27922-2011 商品售后服务评价体系"}'
    )
    assert " " not in canonical.replace("GB/T 27922-2011 商品售后服务评价体系", "")
    assert BUILT_IN.sha256 == hashlib.sha256(canonical.encode()).hexdigest() == BUILT_IN_SHA256
    assert json.loads(canonical)["production"]["delivery.packaging"] == {
        "excludable": True,
        "points": 4,
    }


def test_the_canonical_content_reads_back_as_the_same_edition() -> None:
    assert from_stored(BUILT_IN.canonical) == BUILT_IN
    edition = from_document(document())
    assert from_stored(edition.canonical) == edition
    assert parse(edition.canonical, "json") == edition


def test_only_a_stored_edition_may_carry_the_built_in_id() -> None:
    assert problems_of(document("gbt27922-2011"))[0].startswith(
        "id 'gbt27922-2011' is not gbt27922-2011.<edition>"
    )
    assert from_document(document("gbt27922-2011"), stored=True).id == "gbt27922-2011"


SECTIONED_TOML = """\
# comments, order and layout do not matter
title = "某认证机构评分表 2026"
id = "gbt27922-2011.body-2026"
{production}
[sales_service]
"culture.philosophy" = { points = 2.0 }
system = { organisation = { points = 6 }, staffing = { points = 6 }, training = { points = 6 } }
improvement.service = { points = 4 }
improvement.management = { points = 4.00, excludable = false }

[sales_service.culture]
commitment = { points = 3.00, excludable = false }
strategy = { points = 2 }
objectives = { points = 3 }

[sales_service.rules]
norms = { points = 3 }
process = { points = 3 }
supervision = { points = 3 }
management = { points = 3 }

[sales_service.warranty]
quality = { points = 8 }
returns = { points = 7 }
repair_network = { points = 6, excludable = true }

[sales_service.delivery]
distribution = { points = 7, excludable = true }
installation = { points = 7, excludable = true }

[sales_service.complaints]
channels = { points = 3 }
records = { points = 3 }
handling = { points = 4 }

[sales_service.relations]
communication = { points = 3 }
management = { points = 4 }
"""


def test_toml_and_json_of_one_edition_give_one_hash() -> None:
    """Flat codes or section tables, any order, 2 or 2.0, an implicit ``excludable = false``:
    one edition, one canonical content, one hash."""
    expected = from_document(document())
    production = to_toml(expected).split("[sales_service.culture]")[0].split("\n", 2)[2]
    toml_edition = parse(SECTIONED_TOML.replace("{production}", production), "toml")
    json_edition = parse(json.dumps(json.loads(expected.canonical), indent=4), "json")
    assert toml_edition == json_edition == expected
    assert toml_edition.canonical == json_edition.canonical == expected.canonical
    assert toml_edition.sha256 == json_edition.sha256 == expected.sha256 != BUILT_IN.sha256


def test_points_are_read_as_exact_decimals() -> None:
    doc = document()
    doc["production"]["culture.philosophy"]["points"] = Decimal("1.5")
    doc["production"]["culture.strategy"]["points"] = Decimal("2.5")
    edition = from_document(doc)
    assert edition.weights[EnterpriseType.PRODUCTION]["culture.philosophy"].points == Decimal("1.5")
    text = to_toml(edition)
    assert (
        "philosophy = { points = 1.5, excludable = false }  # 服务理念 Service philosophy" in text
    )
    for fmt, content in (("toml", text), ("json", edition.canonical)):
        again = parse(content, fmt)  # type: ignore[arg-type]
        weight = again.weights[EnterpriseType.PRODUCTION]["culture.strategy"]
        assert weight == Weight(Decimal("2.5"))
        assert type(weight.points) is Decimal
    assert '"culture.philosophy":{"excludable":false,"points":1.5}' in edition.canonical


def test_to_toml_writes_a_header_and_a_table_per_section() -> None:
    text = to_toml(BUILT_IN, header="# a header\n# two lines\n")
    assert text.startswith(
        '# a header\n# two lines\n\nid = "gbt27922-2011"\n'
        'title = "GB/T 27922-2011 商品售后服务评价体系"\n\n'
        "[production.culture]  # 服务文化 Service culture; category service_system "
        "售后服务体系 (40 points)\n"
    )
    assert text.count("\n[production.") == 8
    assert text.count("\n[sales_service.") == 8
    assert "packaging = { points = 4, excludable = true }" in text
    assert to_toml(BUILT_IN).startswith('id = "gbt27922-2011"\n')


# -- every refusal, one line each -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt", "starts"),
    [
        ("id = ", "toml", "not valid TOML: "),
        ('{"id": 1,}', "json", "not valid JSON: "),
        ('{"id": "a", "id": "b"}', "json", "key 'id' is given twice"),
        ('{"production": {"culture.philosophy": {"points": 1, "points": 2}}}', "json", "key 'p"),
        ("[1, 2]", "json", "the edition must be a table (TOML) or an object (JSON)"),
    ],
)
def test_a_document_that_cannot_be_read(text: str, fmt: str, starts: str) -> None:
    with pytest.raises(EditionError) as caught:
        parse(text, fmt)  # type: ignore[arg-type]
    (line,) = caught.value.problems
    assert line.startswith(starts)


@pytest.mark.parametrize(
    "rubric_id",
    [
        None,
        7,
        "",
        "gbt27922-2011",
        "gbt27922-2011.",
        "gbt27922-2011.Body",
        "gbt27922-2011.body_2026",
        "gbt27922-2011.-body",
        "gbt27922-2011.body-",
        "gbt27922-2011.body 2026",
        "gbt27922-2024.body",
        "GBT27922-2011.body",
        "gbt27922-2011." + "a" * 27,
        "gbt27922-2011.body\n",
    ],
)
def test_a_bad_id(rubric_id: object) -> None:
    doc = document()
    doc["id"] = rubric_id
    if rubric_id is None:
        del doc["id"]
    assert problems_of(doc) == (
        f"id {rubric_id!r} is not gbt27922-2011.<edition> (lower-case letters, digits and "
        "dashes, beginning and ending with a letter or digit; 40 characters in all at most)",
    )


@pytest.mark.parametrize(
    "rubric_id", ["gbt27922-2011.a", "gbt27922-2011.0-9", "gbt27922-2011." + "a" * 26]
)
def test_good_ids(rubric_id: str) -> None:
    assert from_document(document(rubric_id)).id == rubric_id


@pytest.mark.parametrize("title", [None, 5, "", "   ", "x" * 201, "two\nlines", "零宽\u200b"])
def test_a_bad_title(title: object) -> None:
    doc = document()
    doc["title"] = title
    if title is None:
        del doc["title"]
    assert problems_of(doc) == (f"title {title!r} must be text of 1 to 200 characters on one line",)


def test_an_unknown_key() -> None:
    doc = document()
    doc["retail"] = {}
    assert problems_of(doc) == (
        "unknown key 'retail' (the keys are id, title, production, sales_service)",
    )


@pytest.mark.parametrize(("value", "says"), [(None, "missing"), ([1], "not a table")])
def test_an_enterprise_type_without_its_table(value: object, says: str) -> None:
    doc = document()
    doc["sales_service"] = value
    if value is None:
        del doc["sales_service"]
    assert problems_of(doc) == (
        f"sales_service: {says}: the points of every indicator of this enterprise type are needed",
    )


def test_missing_unknown_and_repeated_indicators_are_each_named() -> None:
    doc = document()
    production = doc["production"]
    del production["repair.support"]
    production["warranty.quality"] = {"points": 8}  # a sales_service indicator
    production["culture.tradition"] = {"points": 1}
    production["culture"] = {"philosophy": {"points": 2}}  # again, as a section table
    production["notes"] = "x"
    assert problems_of(doc) == (
        "production warranty.quality: not an indicator of the production rubric",
        "production culture.tradition: not an indicator of the production rubric",
        "production culture.philosophy: given twice",
        "production notes: neither an indicator code (section.indicator) nor a table of a "
        "section's indicators",
        "production repair.support: missing",
    )


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (2, "expected a table such as { points = 2, excludable = false }"),
        ({}, "points missing"),
        ({"points": None}, "points missing"),
        ({"points": "2"}, "points '2' are not a number"),
        ({"points": True}, "points True are not a number"),
        ({"points": Decimal("NaN")}, "points NaN must be more than 0 and at most 100"),
        ({"points": Decimal("Infinity")}, "points Infinity must be more than 0 and at most 100"),
        ({"points": 0}, "points 0 must be more than 0 and at most 100"),
        ({"points": Decimal("-0.5")}, "points -0.5 must be more than 0 and at most 100"),
        ({"points": Decimal("100.5")}, "points 100.5 must be more than 0 and at most 100"),
        ({"points": Decimal("2.3")}, "points 2.3 are not in steps of 0.5"),
        ({"points": Decimal("1E-30")}, "points 1E-30 are not in steps of 0.5"),
        ({"points": 2, "excludable": "no"}, "excludable 'no' must be true or false"),
        ({"points": 2, "excludable": 0}, "excludable 0 must be true or false"),
        ({"points": 2, "weight": 1}, "unknown key 'weight' (the keys are points, excludable)"),
    ],
)
def test_a_bad_weight_names_its_indicator(value: object, says: str) -> None:
    doc = document()
    doc["sales_service"]["warranty.returns"] = value
    assert problems_of(doc) == (f"sales_service warranty.returns: {says}",)


def test_points_out_of_their_categories() -> None:
    """Points moved between categories: both categories say so; the total still holds."""
    doc = document()
    doc["production"]["culture.philosophy"]["points"] = Decimal(1)
    doc["production"]["repair.assurance"]["points"] = Decimal(9)
    lines = problems_of(doc)
    assert lines == (
        "production service_system: its indicators add up to 39 points, not 40 "
        "(culture.philosophy 1, culture.commitment 3, culture.strategy 2, culture.objectives 3, "
        "rules.norms 3, rules.process 3, rules.supervision 3, rules.management 3, "
        "system.organisation 4, system.network 4, system.staffing 4, system.training 3, "
        "system.investment 3)",
        "production product_service: its indicators add up to 36 points, not 35 "
        "(delivery.packaging 4, delivery.distribution 5, delivery.installation 6, "
        "repair.assurance 9, repair.facilities 6, repair.support 6)",
    )


def test_a_total_other_than_100() -> None:
    doc = document()
    doc["sales_service"]["improvement.service"]["points"] = Decimal("4.5")
    assert problems_of(doc) == (
        "sales_service customer_service: its indicators add up to 25.5 points, not 25 "
        "(complaints.channels 3, complaints.records 3, complaints.handling 4, "
        "relations.communication 3, relations.management 4, improvement.service 4.5, "
        "improvement.management 4)",
        "sales_service: the indicators add up to 100.5 points, not 100",
    )


def test_a_category_needs_one_indicator_that_cannot_be_excluded() -> None:
    """The built-in delivery sections are wholly excludable; a category may not be."""
    doc = document()
    for code in ("repair.assurance", "repair.support"):
        doc["production"][code]["excludable"] = True
    assert problems_of(doc) == (
        "production product_service: every indicator is excludable; at least one of the "
        "category must not be",
    )
    doc = document()
    for code in ("warranty.quality", "warranty.returns"):
        doc["sales_service"][code]["excludable"] = True
    doc["sales_service"]["delivery.installation"]["excludable"] = False
    assert from_document(doc).rubric("sales_service").indicator("warranty.quality") is not None


def test_sums_are_not_judged_while_points_are_missing() -> None:
    """A category with a missing or bad indicator is not also said not to add up."""
    doc = document()
    del doc["production"]["culture.philosophy"]
    doc["production"]["repair.support"]["points"] = "6"
    assert problems_of(doc) == (
        "production repair.support: points '6' are not a number",
        "production culture.philosophy: missing",
    )


def test_every_problem_is_reported_at_once() -> None:
    doc = copy.deepcopy(document("gbt27922-2011.X", ""))
    doc["production"]["culture.objectives"]["points"] = Decimal("0.2")
    del doc["sales_service"]["delivery.distribution"]
    doc["extra"] = 1
    lines = problems_of(doc)
    assert [line.split(":")[0] for line in lines] == [
        "unknown key 'extra' (the keys are id, title, production, sales_service)",
        "id 'gbt27922-2011.X' is not gbt27922-2011.<edition> (lower-case letters, digits and "
        "dashes, beginning and ending with a letter or digit; 40 characters in all at most)",
        "title '' must be text of 1 to 200 characters on one line",
        "production culture.objectives",
        "sales_service delivery.distribution",
    ]


def test_an_edition_lists_its_indicators_in_rubric_order() -> None:
    doc = document()
    doc["production"] = dict(reversed(list(doc["production"].items())))
    edition: RubricEdition = from_document(doc)
    assert tuple(edition.weights[EnterpriseType.PRODUCTION]) == indicator_codes(
        EnterpriseType.PRODUCTION
    )
