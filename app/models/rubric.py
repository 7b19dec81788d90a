"""Rubric editions in use, each stored once with the SHA-256 of its canonical content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class RubricEdition(Base):
    """An edition as first used; never updated (``app.domain.rubric_editions``).

    ``content`` is the canonical JSON of the edition, ``sha256`` its hash: a start-up whose
    file reuses a stored id with other content is refused (docs/domain.md §1).
    """

    __tablename__ = "rubric_editions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
