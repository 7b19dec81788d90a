from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, case
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.enums import ApplicationStatus, EnterpriseType, SiteKind
from app.models.base import Base, Versioned, one_of
from app.models.site import Site, application_sites
from app.models.types import JSONDoc


class Application(Versioned, Base):
    """An application for certification, with its eligibility findings and the quote given."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    enterprise_type: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(1000))
    employee_count: Mapped[int]
    service_management_staff_count: Mapped[int]
    certified_manager_count: Mapped[int]
    documents: Mapped[list[str]] = mapped_column(JSONDoc)
    eligible: Mapped[bool]
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    # The applicant's declarations ({no_major_service_failures, no_major_quality_incidents});
    # None when the request gave none.
    declarations: Mapped[dict[str, bool] | None] = mapped_column(JSONDoc)
    # The products or services covered, [{zh, en?}] (1..20); None: the scope is ``scope``'s
    # text as given (the certificate's scope statement is generated from them otherwise).
    scope_items: Mapped[list[dict[str, str]] | None] = mapped_column(JSONDoc)
    # The quote as given when the application was made (policy may change later). The
    # nullable figures came with the published person-days table (migration 0005): a quote
    # stored before it never had them.
    initial_person_days: Mapped[Decimal]
    initial_on_site_person_days: Mapped[Decimal | None]
    document_review_person_days: Mapped[Decimal | None]
    surveillance_person_days: Mapped[Decimal]
    surveillance_on_site_person_days: Mapped[Decimal | None]
    recertification_person_days: Mapped[Decimal]
    recertification_on_site_person_days: Mapped[Decimal | None]
    application_fee_cny: Mapped[int]
    registration_fee_cny: Mapped[int]
    annual_fee_cny: Mapped[int]
    audit_fee_cny: Mapped[int]
    first_year_total_cny: Mapped[int]
    three_year_total_cny: Mapped[int]
    recertification_total_cny: Mapped[int | None]
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # The sites in its scope (application_sites), the headquarters first, then by id;
    # assigning the list rewrites the rows.
    sites: Mapped[list[Site]] = relationship(
        secondary=application_sites,
        lazy="selectin",
        order_by=lambda: [case((Site.kind == SiteKind.HEADQUARTERS.value, 0), else_=1), Site.id],
    )

    __table_args__ = (
        UniqueConstraint("number"),
        one_of("status", ApplicationStatus),
        one_of("enterprise_type", EnterpriseType),
    )
