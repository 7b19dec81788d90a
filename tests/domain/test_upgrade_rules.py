"""Who may be upgraded, and how an upgrade audit runs (docs/domain.md §6)."""

from __future__ import annotations

import pytest

from app.domain.enums import AuditKind, AuditStatus, CertificateStatus
from app.domain.lifecycle import AuditAction, audit_transition, require_upgrade_eligible
from app.domain.problems import DomainError


def test_an_active_certificate_past_a_surveillance_naming_no_successor_may_be_upgraded() -> None:
    for done in (1, 2):
        require_upgrade_eligible(CertificateStatus.ACTIVE, done, None)


@pytest.mark.parametrize(
    "status", [s for s in CertificateStatus if s is not CertificateStatus.ACTIVE]
)
def test_only_an_active_certificate(status: CertificateStatus) -> None:
    with pytest.raises(DomainError) as caught:
        require_upgrade_eligible(status, 1, None)
    assert caught.value.code == "audit.certificate_not_live"
    assert status.value in caught.value.detail


def test_not_before_the_first_surveillance() -> None:
    with pytest.raises(DomainError) as caught:
        require_upgrade_eligible(CertificateStatus.ACTIVE, 0, None)
    assert caught.value.code == "audit.upgrade_not_eligible"


def test_not_once_a_successor_is_named() -> None:
    with pytest.raises(DomainError) as caught:
        require_upgrade_eligible(CertificateStatus.ACTIVE, 2, "ASC-2029-000007")
    assert caught.value.code == "audit.upgrade_not_eligible"
    assert "ASC-2029-000007" in caught.value.detail


def test_an_upgrade_audit_has_no_stage_1_and_scores_like_a_surveillance() -> None:
    with pytest.raises(DomainError):
        audit_transition(AuditKind.UPGRADE, AuditStatus.PLANNED, AuditAction.PASS_STAGE1)
    status = AuditStatus.PLANNED
    for action in (AuditAction.SCORE, AuditAction.SCORE, AuditAction.COMPLETE, AuditAction.DECIDE):
        status = audit_transition(AuditKind.UPGRADE, status, action)
    assert status is AuditStatus.DECIDED
