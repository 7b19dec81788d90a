from __future__ import annotations

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Versioned


class Organisation(Versioned, Base):
    """An applicant enterprise, identified by its unified social credit code."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(300))
    uscc: Mapped[str] = mapped_column(String(18))
    address: Mapped[str] = mapped_column(String(500))
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    registered_capital_cny: Mapped[int | None] = mapped_column(BigInteger)
    employee_count: Mapped[int]
    contact_email: Mapped[str | None] = mapped_column(String(320))
    contact_phone: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (UniqueConstraint("uscc"),)
