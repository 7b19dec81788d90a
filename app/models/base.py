"""Declarative base with a constraint naming convention, so migrations are deterministic."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import CheckConstraint, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from app.models.types import Tenths, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), Decimal: Tenths()}


class Versioned:
    """A mutable resource: ``version`` counts its changes (ETag, If-Match) and guards updates.

    ``version_id_generator=False`` leaves the counting to ``bump``; SQLAlchemy still adds
    ``WHERE version = <old>`` to every UPDATE, so a lost update cannot pass unnoticed.
    """

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    def bump(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        table = cls.__table__  # type: ignore[attr-defined]
        return {"version_id_col": table.c.version, "version_id_generator": False}


def one_of(column: str, values: Iterable[StrEnum], *, name: str | None = None) -> CheckConstraint:
    """A CHECK that ``column`` holds one of an enum's values (named ``<column>_known``)."""
    listed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name or f"{column}_known")
