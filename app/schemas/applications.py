from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StrictBool, model_validator

from app.domain.enums import (
    ApplicationStatus,
    DocumentCode,
    EnterpriseType,
    FindingSeverity,
)
from app.models import Application
from app.schemas.common import ByValue, Count, Id, Name, Points, ReadModel, StrictModel, Text
from app.schemas.organisations import EmployeeCount
from app.schemas.sites import SiteRef

Reason = Annotated[str, Text(2000)]
MAX_SCOPE_ITEMS = 20
MAX_SITES = 1000


class ScopeItem(StrictModel):
    """A product or service covered, as the certificate will name it."""

    zh: Annotated[str, Name(60), Field(examples=["家用空调"])]
    en: Annotated[str, Name(120), Field(examples=["household air conditioners"])] | None = None


def _distinct(ids: list[int]) -> list[int]:
    repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
    if repeated:
        raise ValueError(f"site ids must not repeat: {', '.join(map(str, repeated))}")
    return ids


Scope = Annotated[str, Text(1000, visible_only=True), Field(examples=["家用空调的售后服务"])]
ScopeItems = Annotated[
    list[ScopeItem],
    Field(
        min_length=1,
        max_length=MAX_SCOPE_ITEMS,
        description="The products or services covered (1 to 20); absent or null: the "
        "certificate's scope is `scope` as given.",
    ),
]
SiteIds = Annotated[
    list[Id],
    Field(
        max_length=MAX_SITES,
        description="Active sites of the organisation in the scope, without repeats; the "
        "headquarters is always added. Another id is 422 `application.unknown_site`.",
    ),
    AfterValidator(_distinct),
]
Documents = Annotated[
    list[Annotated[DocumentCode, ByValue]],
    Field(max_length=len(DocumentCode), description="Codes of the dossier provided."),
]


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
    scope: Scope
    employee_count: EmployeeCount = Field(description="Employees in the certified scope.")
    service_management_staff_count: Count
    certified_manager_count: Count = Field(description="Certified after-sales service managers.")
    documents: Documents
    declarations: DeclarationsBody | None = Field(
        default=None,
        description="The applicant's declarations; absent, or either one not true, gives the "
        "blocking finding `declarations.missing` (not a 422).",
    )
    scope_items: ScopeItems | None = None
    site_ids: SiteIds | None = None


class ApplicationAmend(StrictModel):
    """The fields to change, at least one; eligibility and the quote are computed again.
    ``null`` clears ``declarations`` or ``scope_items``; the other fields cannot be null."""

    employee_count: EmployeeCount | None = None
    service_management_staff_count: Count | None = None
    certified_manager_count: Count | None = None
    documents: Documents | None = None
    declarations: DeclarationsBody | None = None
    scope: Scope | None = None
    scope_items: ScopeItems | None = None
    site_ids: SiteIds | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> ApplicationAmend:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        return self


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


class ScopeItemRead(ReadModel):
    zh: str
    en: str | None


class ApplicationRead(ReadModel):
    id: int
    number: str = Field(examples=["SQ-2026-000123"])
    organisation_id: int
    status: ApplicationStatus
    enterprise_type: EnterpriseType
    scope: str
    scope_items: list[ScopeItemRead] | None = Field(
        description="The products or services covered; null: the scope is `scope` as given."
    )
    sites: list[SiteRef] = Field(description="The sites in scope, the headquarters first.")
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
        scope_items=(
            None
            if application.scope_items is None
            else [ScopeItemRead(zh=i["zh"], en=i.get("en")) for i in application.scope_items]
        ),
        sites=[SiteRef.model_validate(s) for s in application.sites],
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
