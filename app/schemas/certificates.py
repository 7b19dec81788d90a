from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from app.domain import standing
from app.domain.enums import (
    CertificateChangeStatus,
    CertificateStatus,
    DecisionOutcome,
    EnterpriseType,
    Grade,
    SiteKind,
    SuspensionCause,
)
from app.models import Certificate, CertificateChange
from app.schemas.common import ByValue, Id, Name, Points, ReadModel, StrictModel, Text

STANDARD = "GB/T 27922-2011"


class CertificateOrganisation(ReadModel):
    id: int
    name: str
    name_en: str | None
    uscc: str
    address: str


class CertificateSite(ReadModel):
    """A site covered by a certificate, as printed in its annex."""

    name: str
    address: str
    kind: SiteKind


def printed_sites(sites: list[dict[str, str]]) -> list[CertificateSite]:
    """The printed annex of sites (name, address and kind; nothing else is published)."""
    return [
        CertificateSite(name=s["name"], address=s["address"], kind=SiteKind(s["kind"]))
        for s in sites
    ]


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
    scope_en: str | None = Field(
        description="The scope statement in English (null when none is printed)."
    )
    sites: list[CertificateSite] = Field(
        description="The sites the certificate covers, as printed (headquarters first)."
    )
    revision: int = Field(
        description="The revision of the printed details: 1 at issue, + 1 with every change "
        "certificate applied."
    )
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


ScopeText = Annotated[str, Text(1000, visible_only=True)]
ScopeTextEn = Annotated[str, Text(2000, visible_only=True)]


class ScopeStatement(StrictModel):
    """The scope statement as the committee words it."""

    zh: ScopeText
    en: ScopeTextEn | None = None


class DecisionCreate(StrictModel):
    outcome: Annotated[DecisionOutcome, ByValue]
    grade: Annotated[Grade, ByValue] | None = Field(
        default=None,
        description="For a grant: the recommended grade (default) or a lower one.",
    )
    reason: Annotated[str, Text(5000)]
    scope: ScopeStatement | None = Field(
        default=None,
        description="An initial or recertification grant: the scope statement to print "
        "instead of the one generated from the application's scope items (`en` is required "
        "when an item has no English name: `decision.scope_en_required`).",
    )


class CertificateChangeCreate(StrictModel):
    """A change certificate: the printed details to change (at least one), and why."""

    organisation_name: Annotated[str, Name(200)] | None = None
    organisation_name_en: Annotated[str, Name(300)] | None = None
    address: Annotated[str, Name(500)] | None = None
    scope: ScopeText | None = None
    scope_en: ScopeTextEn | None = None
    site_ids: list[Id] | None = Field(
        default=None,
        max_length=1000,
        description="The new full list of covered sites (active sites of the organisation; "
        "its headquarters is always kept).",
    )
    reason: Annotated[str, Text(2000)]


class CertificateChangeDecisionCreate(StrictModel):
    outcome: Annotated[DecisionOutcome, ByValue]
    reason: Annotated[str, Text(2000)]


class CertificateChangeRead(ReadModel):
    """A change certificate: ``applied`` (at once, or granted by the committee), ``pending``
    a committee decision (it extends scope or sites), or ``refused``."""

    id: int
    certificate_number: str
    status: CertificateChangeStatus
    changes: dict[str, Any] = Field(description="The fields asked for, as given.")
    reason: str
    requested_by: int
    requested_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    decision_reason: str | None
    revision: int | None = Field(description="The certificate's revision it made once applied.")


def certificate_change_read(change: CertificateChange, number: str) -> CertificateChangeRead:
    return CertificateChangeRead(
        id=change.id,
        certificate_number=number,
        status=CertificateChangeStatus(change.status),
        changes=change.changes,
        reason=change.reason,
        requested_by=change.requested_by,
        requested_at=change.created_at,
        decided_by=change.decided_by,
        decided_at=change.decided_at,
        decision_reason=change.decision_reason,
        revision=change.revision,
    )


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
        scope_en=certificate.scope_en,
        sites=printed_sites(certificate.sites),
        revision=certificate.revision,
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
