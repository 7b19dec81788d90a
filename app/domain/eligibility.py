"""Eligibility of an application and validation of its counts (docs/domain.md §2)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING
from types import MappingProxyType

from app.domain import uscc as uscc_rules
from app.domain.enums import (
    DOCUMENT_NAMES_ZH,
    REQUIRED_DOCUMENTS,
    DocumentCode,
    EnterpriseType,
    FindingSeverity,
)
from app.domain.policy import LOW_CAPITAL_THRESHOLD_CNY, MANAGER_RATIO, MIN_CERTIFIED_MANAGERS
from app.domain.problems import VALIDATION, FieldError


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of the eligibility review; blocking ones prevent acceptance."""

    code: str
    severity: FindingSeverity
    message: str


@dataclass(frozen=True, slots=True)
class Declarations:
    """The applicant's two declarations; both must be made (true) for acceptance."""

    no_major_service_failures: bool  # 售后服务无重大失误
    no_major_quality_incidents: bool  # 近年内无重大质量事故或不良信用记录


DECLARATION_NAMES_ZH: Mapping[str, str] = MappingProxyType(
    {
        "no_major_service_failures": "售后服务无重大失误",
        "no_major_quality_incidents": "近年内无重大质量事故或不良信用记录",
    }
)


def undeclared(declarations: Declarations | None) -> list[str]:
    """The declarations not made true, in order (all of them when none was given)."""
    return [
        name
        for name in DECLARATION_NAMES_ZH
        if declarations is None or not getattr(declarations, name)
    ]


@dataclass(frozen=True, slots=True)
class Eligibility:
    """``eligible`` is true when no finding is blocking (warnings are for the reviewer)."""

    eligible: bool
    findings: tuple[Finding, ...]


def required_managers(service_management_staff_count: int) -> int:
    """Certified after-sales service managers needed: max(1, ⌈10 % × staff⌉) (policy)."""
    share = (MANAGER_RATIO * service_management_staff_count).to_integral_value(
        rounding=ROUND_CEILING
    )
    return max(MIN_CERTIFIED_MANAGERS, int(share))


def assess(
    *,
    documents: Collection[str],
    service_management_staff_count: int,
    certified_manager_count: int,
    uscc: str,
    registered_capital_cny: int | None,
    holds_live_certificate: bool,
    declarations: Declarations | None,
) -> Eligibility:
    """The findings of §4's table, in its order; unknown capital gives no ``capital.low``."""
    findings: list[Finding] = []
    # Iterating the enum keeps §4's order of documents in the message.
    missing = [c for c in DocumentCode if c in REQUIRED_DOCUMENTS and c.value not in documents]
    if missing:
        findings.append(
            Finding(
                "documents.missing",
                FindingSeverity.BLOCKING,
                "required documents missing: "
                + ", ".join(f"{c.value} ({DOCUMENT_NAMES_ZH[c]})" for c in missing),
            )
        )
    needed = required_managers(service_management_staff_count)
    if certified_manager_count < needed:
        findings.append(
            Finding(
                "managers.insufficient",
                FindingSeverity.BLOCKING,
                f"{certified_manager_count} certified after-sales service managers for "
                f"{service_management_staff_count} service management staff; {needed} needed",
            )
        )
    uscc_failures = uscc_rules.failures(uscc)
    if uscc_failures:
        findings.append(
            Finding(
                "organisation.invalid_uscc",
                FindingSeverity.BLOCKING,
                f"unified social credit code {uscc!r} fails its check (GB 32100): "
                + "; ".join(uscc_failures),
            )
        )
    elif not uscc_rules.is_enterprise(uscc):
        findings.append(
            Finding(
                "organisation.not_enterprise",
                FindingSeverity.BLOCKING,
                f"unified social credit code {uscc!r} does not begin with 91: only an "
                "enterprise registered with the market regulator, with independent legal "
                "personality, can be certified",
            )
        )
    missing_declarations = undeclared(declarations)
    if missing_declarations:
        findings.append(
            Finding(
                "declarations.missing",
                FindingSeverity.BLOCKING,
                "declarations not made true: "
                + ", ".join(f"{n} ({DECLARATION_NAMES_ZH[n]})" for n in missing_declarations),
            )
        )
    if holds_live_certificate:
        findings.append(
            Finding(
                "certificate.already_held",
                FindingSeverity.BLOCKING,
                "the organisation holds an active or suspended certificate for this "
                "enterprise type; apply for recertification",
            )
        )
    if DocumentCode.PERMITS.value not in documents:
        findings.append(
            Finding(
                "documents.permits_absent",
                FindingSeverity.WARNING,
                "no permits document: confirm that no licence is required by law",
            )
        )
    if registered_capital_cny is not None and registered_capital_cny < LOW_CAPITAL_THRESHOLD_CNY:
        findings.append(
            Finding(
                "capital.low",
                FindingSeverity.WARNING,
                f"registered capital {registered_capital_cny:,} CNY is below "
                f"{LOW_CAPITAL_THRESHOLD_CNY:,} CNY",
            )
        )
    return Eligibility(
        eligible=all(f.severity is not FindingSeverity.BLOCKING for f in findings),
        findings=tuple(findings),
    )


def check_application_input(
    *,
    employee_count: int,
    service_management_staff_count: int,
    certified_manager_count: int,
    documents: Sequence[str],
    enterprise_type: str | None = None,
) -> None:
    """Raise ``request.validation`` naming every violation of §4's validation line.

    ``enterprise_type`` is checked only when given (a typed request schema may already
    have done it).
    """
    errors: list[FieldError] = []
    if employee_count < 1:
        errors.append(FieldError(("body", "employee_count"), "must be at least 1"))
    if service_management_staff_count < 0:
        errors.append(
            FieldError(("body", "service_management_staff_count"), "must not be negative")
        )
    if service_management_staff_count > employee_count:
        errors.append(
            FieldError(("body", "service_management_staff_count"), "must not exceed employee_count")
        )
    if certified_manager_count < 0:
        errors.append(FieldError(("body", "certified_manager_count"), "must not be negative"))
    if enterprise_type is not None and enterprise_type not in set(EnterpriseType):
        errors.append(FieldError(("body", "enterprise_type"), "unknown enterprise type"))
    known = set(DocumentCode)
    seen: set[str] = set()
    for index, code in enumerate(documents):
        if code not in known:
            errors.append(FieldError(("body", "documents", index), f"unknown document {code!r}"))
        elif code in seen:
            errors.append(FieldError(("body", "documents", index), f"document {code} repeats"))
        seen.add(code)
    if errors:
        raise VALIDATION(
            "invalid application: " + "; ".join(f"{e.loc[-1]}: {e.msg}" for e in errors),
            errors=errors,
        )
