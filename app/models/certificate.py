from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.enums import CertificateStatus, EnterpriseType, Grade
from app.models.base import Base, Versioned, one_of
from app.models.types import JSONDoc

PASSING_GRADES = [g for g in Grade if g is not Grade.FAIL]


class Certificate(Versioned, Base):
    """An issued certificate with the organisation as printed on it (a snapshot).

    ``status`` is the recorded status; supersession and expiry are also computed at read
    time (``app.domain.standing.effective_status``).
    """

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    # null for a certificate imported from a register kept before starcert (demo data too)
    issuing_audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id", use_alter=True))
    status: Mapped[str] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(20))
    final_score: Mapped[Decimal]
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_name_en: Mapped[str | None] = mapped_column(String(300))
    organisation_uscc: Mapped[str] = mapped_column(String(18))
    organisation_address: Mapped[str] = mapped_column(String(500))
    scope: Mapped[str] = mapped_column(String(1000))
    enterprise_type: Mapped[str] = mapped_column(String(20))
    employee_count: Mapped[int]
    issued_on: Mapped[date]
    valid_from: Mapped[date]
    expires_on: Mapped[date]
    last_surveillance_on: Mapped[date | None]
    surveillances_done: Mapped[int] = mapped_column(default=0)
    next_surveillance_due: Mapped[date | None]
    recertification_due: Mapped[date | None]
    superseded_by: Mapped[str | None] = mapped_column(String(32))
    # the successor's valid_from: the day this certificate reads superseded (named at once)
    superseded_on: Mapped[date | None]
    # the causes of a suspension, a set stored as a list (app.domain.standing); [] otherwise
    suspension_causes: Mapped[list[str]] = mapped_column(
        JSONDoc, default=list, server_default=text("'[]'")
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_on: Mapped[date]
    # What public name search runs over: the folded name and English name printed on the
    # certificate (app.domain.text.search_key); its indexes are dialect-specific (migrations).
    search_key: Mapped[str] = mapped_column(String(1000))

    __table_args__ = (
        UniqueConstraint("number"),
        UniqueConstraint("issuing_audit_id"),
        one_of("status", CertificateStatus),
        one_of("grade", PASSING_GRADES),
        one_of("enterprise_type", EnterpriseType),
        Index(None, "status", "expires_on"),
        Index(None, "organisation_uscc"),
        # public order: active certificates first, then by number (search and paging walk
        # it); on PostgreSQL it also carries what the walk reads, for index-only scans
        Index(
            "ix_certificates_public_order",
            text("(status <> 'active')"),
            "number",
            postgresql_include=["status", "search_key"],
        ),
    )
