from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from app.schemas.common import ReadModel


class EventRead(ReadModel):
    """One state change; ``hash`` = SHA-256(``prev_hash`` + RFC 8785 JSON of the event)."""

    id: int
    occurred_at: datetime
    actor_user_id: int | None = Field(description="null for the system (bootstrap, housekeeping)")
    entity_type: str = Field(examples=["certificate"])
    entity_id: str = Field(
        examples=["ASC-2026-000042"], description="An id, or a certificate number."
    )
    action: str = Field(examples=["certificate.suspended"])
    reason: str | None
    data: dict[str, Any]
    hash: str
    prev_hash: str


class VerificationRead(ReadModel):
    intact: bool
    checked: int
    first_broken_id: int | None
