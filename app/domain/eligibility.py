"""Eligibility of an application and validation of its counts (docs/domain.md §2)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING

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
    if not uscc_rules.is_valid(uscc):
        findings.append(
            Finding(
                "organisation.invalid_uscc",
                FindingSeverity.BLOCKING,
                f"unified social credit code {uscc!r} fails its check (GB 32100)",
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
