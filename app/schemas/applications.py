from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictBool

from app.domain.enums import (
    ApplicationStatus,
    DocumentCode,
    EnterpriseType,
    FindingSeverity,
)
from app.models import Application
from app.schemas.common import ByValue, Count, Id, Points, ReadModel, StrictModel, Text
from app.schemas.organisations import EmployeeCount

Reason = Annotated[str, Text(2000)]


class DeclarationsBody(StrictModel):
    no_major_service_failures: StrictBool = Field(
        description="No major failure of the after-sales service (售后服务无重大失误)."
    )
    no_major_quality_incidents: StrictBool = Field(
        description="No major quality incident nor bad credit record in recent years "
        "(近年内无重大质量事故或不良信用记录)."
    )


class ApplicationCreate(StrictModel):
    organisation_id: Id
    enterprise_type: Annotated[EnterpriseType, ByValue]
    scope: Annotated[str, Text(1000, visible_only=True), Field(examples=["家用空调的售后服务"])]
    employee_count: EmployeeCount = Field(description="Employees in the certified scope.")
    service_management_staff_count: Count
    certified_manager_count: Count = Field(description="Certified after-sales service managers.")
    documents: Annotated[
        list[Annotated[DocumentCode, ByValue]],
        Field(max_length=len(DocumentCode), description="Codes of the dossier provided."),
    ]
    declarations: DeclarationsBody | None = Field(
        default=None,
        description="The applicant's declarations; absent, or either one not true, gives the "
        "blocking finding `declarations.missing` (not a 422).",
    )


class RejectBody(StrictModel):
    reason: Reason


class WithdrawBody(StrictModel):
    reason: Reason | None = None


class FindingRead(ReadModel):
    code: str = Field(examples=["documents.missing"])
    severity: FindingSeverity
    message: str


class EligibilityRead(ReadModel):
    eligible: bool
    findings: list[FindingRead]


class DeclarationsRead(ReadModel):
    no_major_service_failures: bool
    no_major_quality_incidents: bool


class PersonDaysRead(ReadModel):
    """The person-days table's figures for the applicant's size; a quote given before the
    published table was adopted answers null for the figures it never had."""

    initial: Points
    initial_on_site: Points | None
    document_review: Points | None = Field(description="Planning and document review.")
    surveillance: Points
    surveillance_on_site: Points | None
    recertification: Points
    recertification_on_site: Points | None


class FeesRead(ReadModel):
    application_fee_cny: int
    registration_fee_cny: int
    annual_fee_cny: int
    audit_fee_cny: int
    first_year_total_cny: int
    three_year_total_cny: int
    recertification_total_cny: int | None = Field(
        description="Registration, annual fee and the recertification audit of the next cycle "
        "(null for a quote given before this figure existed)."
    )


class QuoteRead(ReadModel):
    person_days: PersonDaysRead
    fees: FeesRead


class ApplicationRead(ReadModel):
    id: int
    number: str = Field(examples=["SQ-2026-000123"])
    organisation_id: int
    status: ApplicationStatus
    enterprise_type: EnterpriseType
    scope: str
    employee_count: int
    service_management_staff_count: int
    certified_manager_count: int
    documents: list[DocumentCode]
    declarations: DeclarationsRead | None
    eligibility: EligibilityRead
    quote: QuoteRead
    status_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime


def application_read(application: Application) -> ApplicationRead:
    return ApplicationRead(
        id=application.id,
        number=application.number,
        organisation_id=application.organisation_id,
        status=ApplicationStatus(application.status),
        enterprise_type=EnterpriseType(application.enterprise_type),
        scope=application.scope,
        employee_count=application.employee_count,
        service_management_staff_count=application.service_management_staff_count,
        certified_manager_count=application.certified_manager_count,
        documents=[DocumentCode(d) for d in application.documents],
        declarations=(
            None
            if application.declarations is None
            else DeclarationsRead.model_validate(application.declarations)
        ),
        eligibility=EligibilityRead(
            eligible=application.eligible,
            findings=[FindingRead.model_validate(f) for f in application.findings],
        ),
        quote=QuoteRead(
            person_days=PersonDaysRead(
                initial=application.initial_person_days,
                initial_on_site=application.initial_on_site_person_days,
                document_review=application.document_review_person_days,
                surveillance=application.surveillance_person_days,
                surveillance_on_site=application.surveillance_on_site_person_days,
                recertification=application.recertification_person_days,
                recertification_on_site=application.recertification_on_site_person_days,
            ),
            fees=FeesRead.model_validate(application),
        ),
        status_reason=application.status_reason,
        version=application.version,
        created_at=application.created_at,
        updated_at=application.updated_at,
    )
