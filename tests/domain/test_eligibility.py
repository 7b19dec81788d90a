"""Eligibility findings and application validation (docs/domain.md §2)."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from app.domain.eligibility import (
    Declarations,
    Eligibility,
    Finding,
    assess,
    check_application_input,
    required_managers,
)
from app.domain.enums import REQUIRED_DOCUMENTS, DocumentCode, FindingSeverity
from app.domain.problems import DomainError

GOOD_USCC = "914403001922038216"
DECLARED = Declarations(no_major_service_failures=True, no_major_quality_incidents=True)
ALL_DOCUMENTS = frozenset(code.value for code in DocumentCode)


def findings(**change: object) -> list[tuple[str, FindingSeverity]]:
    arguments: dict[str, object] = {
        "documents": ALL_DOCUMENTS,
        "service_management_staff_count": 20,
        "certified_manager_count": 2,
        "uscc": GOOD_USCC,
        "registered_capital_cny": 5_000_000,
        "holds_live_certificate": False,
        "declarations": DECLARED,
    }
    arguments.update(change)
    result = assess(**arguments)  # type: ignore[arg-type]
    assert result.eligible is all(f.severity is FindingSeverity.WARNING for f in result.findings)
    return [(f.code, f.severity) for f in result.findings]


def test_a_complete_application_has_no_finding() -> None:
    assert assess(
        documents=list(ALL_DOCUMENTS),
        service_management_staff_count=0,
        certified_manager_count=1,
        uscc=GOOD_USCC,
        registered_capital_cny=1_000_000,
        holds_live_certificate=False,
        declarations=DECLARED,
    ) == Eligibility(eligible=True, findings=())


BLOCKING, WARNING = FindingSeverity.BLOCKING, FindingSeverity.WARNING


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"documents": ALL_DOCUMENTS - {"organisation_chart"}}, [("documents.missing", BLOCKING)]),
        ({"certified_manager_count": 1}, [("managers.insufficient", BLOCKING)]),
        ({"uscc": "914403001922038217"}, [("organisation.invalid_uscc", BLOCKING)]),
        ({"uscc": "000000000000000000"}, [("organisation.invalid_uscc", BLOCKING)]),
        ({"uscc": "914403001922038229"}, [("organisation.invalid_uscc", BLOCKING)]),
        ({"uscc": "924403001922038213"}, [("organisation.not_enterprise", BLOCKING)]),
        ({"declarations": None}, [("declarations.missing", BLOCKING)]),
        (
            {"declarations": Declarations(False, True)},
            [("declarations.missing", BLOCKING)],
        ),
        (
            {"declarations": Declarations(True, False)},
            [("declarations.missing", BLOCKING)],
        ),
        ({"holds_live_certificate": True}, [("certificate.already_held", BLOCKING)]),
        ({"documents": ALL_DOCUMENTS - {"permits"}}, [("documents.permits_absent", WARNING)]),
        ({"registered_capital_cny": 999_999}, [("capital.low", WARNING)]),
        ({"registered_capital_cny": 1_000_000}, []),
        ({"registered_capital_cny": None}, []),  # unknown capital: no finding
        ({"documents": ALL_DOCUMENTS - {"other_certificates"}}, []),  # optional
    ],
)
def test_each_finding_of_the_table(change: dict[str, object], expected: list[object]) -> None:
    assert findings(**change) == expected


def test_all_findings_in_table_order() -> None:
    assert findings(
        documents=["permits", "unknown"],
        certified_manager_count=0,
        uscc="bad",
        holds_live_certificate=True,
        registered_capital_cny=0,
        declarations=None,
    ) == [
        ("documents.missing", BLOCKING),
        ("managers.insufficient", BLOCKING),
        ("organisation.invalid_uscc", BLOCKING),
        ("declarations.missing", BLOCKING),
        ("certificate.already_held", BLOCKING),
        ("capital.low", WARNING),
    ]
    assert ("documents.permits_absent", WARNING) in findings(documents=[])


def test_documents_missing_names_each_missing_code() -> None:
    documents: Collection[str] = {"business_licence", "permits"}
    (finding, *_) = assess(
        documents=documents,
        service_management_staff_count=1,
        certified_manager_count=1,
        uscc=GOOD_USCC,
        registered_capital_cny=None,
        holds_live_certificate=False,
        declarations=DECLARED,
    ).findings
    assert finding.code == "documents.missing"
    assert "business_licence" not in finding.message
    for code in REQUIRED_DOCUMENTS - {DocumentCode.BUSINESS_LICENCE}:
        assert code.value in finding.message
    assert "组织机构图" in finding.message


def test_warnings_alone_leave_the_application_eligible() -> None:
    result = assess(
        documents=ALL_DOCUMENTS - {"permits"},
        service_management_staff_count=10,
        certified_manager_count=1,
        uscc=GOOD_USCC,
        registered_capital_cny=10,
        holds_live_certificate=False,
        declarations=DECLARED,
    )
    assert result.eligible
    assert result.findings[1] == Finding(
        "capital.low", WARNING, "registered capital 10 CNY is below 1,000,000 CNY"
    )


def finding(code: str, **change: object) -> Finding:
    arguments: dict[str, object] = {
        "documents": ALL_DOCUMENTS,
        "service_management_staff_count": 20,
        "certified_manager_count": 2,
        "uscc": GOOD_USCC,
        "registered_capital_cny": 5_000_000,
        "holds_live_certificate": False,
        "declarations": DECLARED,
    } | change
    found = assess(**arguments)  # type: ignore[arg-type]
    (only,) = [f for f in found.findings if f.code == code]
    return only


def test_an_invalid_uscc_names_each_failure() -> None:
    message = finding("organisation.invalid_uscc", uscc="000000000000000000").message
    assert message.startswith("unified social credit code '000000000000000000' fails its check")
    for part in ("position 1:", "position 2:", "positions 3–8:"):
        assert part in message


@pytest.mark.parametrize(
    ("uscc", "enterprise"),
    [
        ("914403001922038216", True),  # Huawei
        ("9144030071526726XG", True),  # Tencent
        ("91110108551385082Q", True),  # Xiaomi
        ("924403001922038213", False),  # individual business (个体工商户)
        ("934403001922038210", False),  # farmers' cooperative (农民专业合作社)
        ("12440300192203821B", False),  # public institution (事业单位)
        ("51440300192203821A", False),  # social organisation (社会团体)
    ],
)
def test_only_an_enterprise_is_eligible(uscc: str, enterprise: bool) -> None:
    codes = [code for code, _ in findings(uscc=uscc)]
    assert "organisation.invalid_uscc" not in codes
    assert ("organisation.not_enterprise" in codes) is not enterprise
    if not enterprise:
        message = finding("organisation.not_enterprise", uscc=uscc).message
        assert uscc in message and "91" in message


def test_an_invalid_uscc_is_not_also_judged_for_enterprise() -> None:
    # a 92 code with a wrong check character: invalid, and nothing more about it
    assert findings(uscc="92440300192203821X") == [("organisation.invalid_uscc", BLOCKING)]


@pytest.mark.parametrize(
    ("declarations", "named"),
    [
        (None, ["no_major_service_failures", "no_major_quality_incidents"]),
        (Declarations(False, False), ["no_major_service_failures", "no_major_quality_incidents"]),
        (Declarations(False, True), ["no_major_service_failures"]),
        (Declarations(True, False), ["no_major_quality_incidents"]),
    ],
)
def test_declarations_missing_names_each_one_not_made(
    declarations: Declarations | None, named: list[str]
) -> None:
    message = finding("declarations.missing", declarations=declarations).message
    assert message.startswith("declarations not made true: ")
    for name in ("no_major_service_failures", "no_major_quality_incidents"):
        assert (name in message) is (name in named)
    if "no_major_service_failures" in named:
        assert "售后服务无重大失误" in message
    if "no_major_quality_incidents" in named:
        assert "近年内无重大质量事故或不良信用记录" in message


@pytest.mark.parametrize(
    ("staff", "needed"),
    [(0, 1), (1, 1), (9, 1), (10, 1), (11, 2), (20, 2), (21, 3), (100, 10), (101, 11)],
)
def test_required_managers_is_a_tenth_rounded_up_at_least_one(staff: int, needed: int) -> None:
    assert required_managers(staff) == needed
    assert findings(service_management_staff_count=staff, certified_manager_count=needed) == []
    assert findings(service_management_staff_count=staff, certified_manager_count=needed - 1) == [
        ("managers.insufficient", BLOCKING)
    ]


def validation_errors(**change: object) -> list[tuple[tuple[str | int, ...], str]]:
    arguments: dict[str, object] = {
        "employee_count": 100,
        "service_management_staff_count": 10,
        "certified_manager_count": 1,
        "documents": ["business_licence", "permits"],
    }
    arguments.update(change)
    with pytest.raises(DomainError) as caught:
        check_application_input(**arguments)  # type: ignore[arg-type]
    assert caught.value.code == "request.validation"
    return [(e.loc, e.msg) for e in caught.value.errors]


def test_valid_input_passes() -> None:
    check_application_input(
        employee_count=1,
        service_management_staff_count=1,
        certified_manager_count=0,
        documents=[],
        enterprise_type="sales_service",
    )
    check_application_input(
        employee_count=5,
        service_management_staff_count=0,
        certified_manager_count=0,
        documents=[code.value for code in DocumentCode],
    )


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"employee_count": 0, "service_management_staff_count": 0}, ("body", "employee_count")),
        ({"service_management_staff_count": -1}, ("body", "service_management_staff_count")),
        ({"service_management_staff_count": 101}, ("body", "service_management_staff_count")),
        ({"certified_manager_count": -1}, ("body", "certified_manager_count")),
        ({"enterprise_type": "retail"}, ("body", "enterprise_type")),
        ({"documents": ["business_licence", "licence"]}, ("body", "documents", 1)),
        ({"documents": ["permits", "permits"]}, ("body", "documents", 1)),
    ],
)
def test_each_validation_rule(change: dict[str, object], loc: tuple[str | int, ...]) -> None:
    assert [e[0] for e in validation_errors(**change)] == [loc]


def test_every_violation_is_named_at_once() -> None:
    errors = validation_errors(
        employee_count=0,
        service_management_staff_count=-1,
        certified_manager_count=-1,
        documents=["x", "permits", "permits", "x"],
        enterprise_type="PRODUCTION",
    )
    assert errors == [
        (("body", "employee_count"), "must be at least 1"),
        (("body", "service_management_staff_count"), "must not be negative"),
        (("body", "certified_manager_count"), "must not be negative"),
        (("body", "enterprise_type"), "unknown enterprise type"),
        (("body", "documents", 0), "unknown document 'x'"),
        (("body", "documents", 2), "document permits repeats"),
        (("body", "documents", 3), "unknown document 'x'"),
    ]
