from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.enums import CertificateChangeStatus, CertificateStatus, EnterpriseType, Grade
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
    # the scope statement in English, where every scope item had its English name or the
    # committee supplied it (null: none printed)
    scope_en: Mapped[str | None] = mapped_column(String(2000))
    # the annex of covered sites as printed: [{name, address, kind}] (a snapshot)
    sites: Mapped[list[dict[str, str]]] = mapped_column(
        JSONDoc, default=list, server_default=text("'[]'")
    )
    # the revision of the printed details (1 at issue; + 1 with every change certificate);
    # every revision's details are kept in certificate_revisions
    revision: Mapped[int] = mapped_column(default=1, server_default=text("1"))
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
    # certificate, and those it printed before a change certificate
    # (app.domain.text.search_key); its indexes are dialect-specific (migrations).
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


class CertificateRevision(Base):
    """The printed details of one revision of a certificate, from the day it took effect (in
    the body's time zone) until the next revision's: what ``?on=`` and the history read.
    Revision 1 is the certificate as issued."""

    __tablename__ = "certificate_revisions"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(primary_key=True)
    effective_on: Mapped[date]
    recorded_at: Mapped[datetime]
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_name_en: Mapped[str | None] = mapped_column(String(300))
    organisation_address: Mapped[str] = mapped_column(String(500))
    scope: Mapped[str] = mapped_column(String(1000))
    scope_en: Mapped[str | None] = mapped_column(String(2000))
    sites: Mapped[list[dict[str, str]]] = mapped_column(JSONDoc)
    # the change certificate that made it (null for revision 1)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_changes.id"))


class CertificateChange(Versioned, Base):
    """A change certificate (证书变更): new printed details for a live certificate, with a
    reason. ``changes`` holds the fields asked for as given; ``before``/``after`` the printed
    details either side once applied."""

    __tablename__ = "certificate_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # the certificate's revision it made once applied
    revision: Mapped[int | None]

    __table_args__ = (one_of("status", CertificateChangeStatus),)
