from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, text
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.enums import SiteKind
from app.models.base import Base, Versioned, one_of


class Site(Versioned, Base):
    """A site of an organisation (服务网点): its headquarters, a service outlet, a repair
    centre or a warehouse. Applications name the sites in their scope, audits the ones they
    visit; a certificate prints a snapshot of the sites it covers."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        one_of("kind", SiteKind),
        # one headquarters per organisation
        Index(
            "uq_sites_headquarters",
            "organisation_id",
            unique=True,
            sqlite_where=text("kind = 'headquarters'"),
            postgresql_where=text("kind = 'headquarters'"),
        ),
    )


# The sites an application puts in its scope (the headquarters always among them)
application_sites = Table(
    "application_sites",
    Base.metadata,
    Column("application_id", ForeignKey("applications.id"), primary_key=True),
    Column("site_id", ForeignKey("sites.id"), primary_key=True, index=True),
)

# The sites an audit visits (planned; the headquarters always among them)
audit_sites = Table(
    "audit_sites",
    Base.metadata,
    Column("audit_id", ForeignKey("audits.id"), primary_key=True),
    Column("site_id", ForeignKey("sites.id"), primary_key=True, index=True),
)
