from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from app.domain import standing
from app.domain.enums import (
    CertificateStatus,
    DecisionOutcome,
    EnterpriseType,
    Grade,
    SuspensionCause,
)
from app.models import Certificate
from app.schemas.common import ByValue, Points, ReadModel, StrictModel, Text

STANDARD = "GB/T 27922-2011"


class CertificateOrganisation(ReadModel):
    id: int
    name: str
    name_en: str | None
    uscc: str
    address: str


class CertificateRead(ReadModel):
    """A certificate as issued; ``status`` is true today (superseded once its successor's
    validity has begun, expired past ``expires_on``), and ``status_changed_on`` is the day
    that status became true."""

    number: str = Field(examples=["ASC-2026-000042"])
    status: CertificateStatus
    grade: Grade
    final_score: Points
    organisation: CertificateOrganisation = Field(
        description="The organisation as printed on the certificate (a snapshot)."
    )
    scope: str
    enterprise_type: EnterpriseType
    standard: Literal["GB/T 27922-2011"] = "GB/T 27922-2011"
    issued_on: date
    valid_from: date
    expires_on: date
    last_surveillance_on: date | None
    next_surveillance_due: date | None
    recertification_due: date | None
    superseded_by: str | None
    status_reason: str | None
    status_changed_on: date
    suspension_causes: list[SuspensionCause] = Field(
        description="Why the certificate is suspended (staff only; empty unless suspended): a "
        "granted surveillance lifts `surveillance_refused` and `surveillance_overdue`, a "
        "reinstatement lifts `body_decision`."
    )
    version: int


class ReasonBody(StrictModel):
    reason: Annotated[str, Text(2000)]


class DecisionCreate(StrictModel):
    outcome: Annotated[DecisionOutcome, ByValue]
    grade: Annotated[Grade, ByValue] | None = Field(
        default=None,
        description="For a grant: the recommended grade (default) or a lower one.",
    )
    reason: Annotated[str, Text(5000)]


class DecisionRead(ReadModel):
    id: int
    audit_id: int
    outcome: DecisionOutcome
    grade: Grade | None
    reason: str
    decided_by: int
    decided_at: datetime
    certificate: CertificateRead | None


def certificate_read(certificate: Certificate, today: date) -> CertificateRead:
    """The API view of a certificate, its status and the day it became true as read ``today``."""
    recorded = CertificateStatus(certificate.status)
    status = standing.effective_status(
        recorded, certificate.expires_on, today, certificate.superseded_on
    )
    since = standing.status_since(
        recorded,
        certificate.status_changed_on,
        certificate.expires_on,
        today,
        certificate.superseded_on,
    )
    suspended = status is CertificateStatus.SUSPENDED
    return CertificateRead(
        number=certificate.number,
        status=status,
        grade=Grade(certificate.grade),
        final_score=certificate.final_score,
        organisation=CertificateOrganisation(
            id=certificate.organisation_id,
            name=certificate.organisation_name,
            name_en=certificate.organisation_name_en,
            uscc=certificate.organisation_uscc,
            address=certificate.organisation_address,
        ),
        scope=certificate.scope,
        enterprise_type=EnterpriseType(certificate.enterprise_type),
        issued_on=certificate.issued_on,
        valid_from=certificate.valid_from,
        expires_on=certificate.expires_on,
        last_surveillance_on=certificate.last_surveillance_on,
        next_surveillance_due=certificate.next_surveillance_due,
        recertification_due=certificate.recertification_due,
        superseded_by=certificate.superseded_by,
        status_reason=certificate.status_reason,
        status_changed_on=since,
        suspension_causes=[SuspensionCause(c) for c in certificate.suspension_causes]
        if suspended
        else [],
        version=certificate.version,
    )
