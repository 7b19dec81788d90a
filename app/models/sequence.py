from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class NumberSequence(Base):
    """The last number handed out per series and year (``certificate:ASC``/2026 → 42).

    Incremented inside the transaction that uses the number, so the row lock orders
    concurrent issuers and a rollback returns the number: no gaps, no duplicates.
    """

    __tablename__ = "number_sequences"

    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int]
