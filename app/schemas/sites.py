from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictBool

from app.domain.enums import SiteKind
from app.schemas.common import ByValue, Name, ReadModel, StrictModel

SiteName = Annotated[str, Name(200), Field(examples=["珠海星达电器香洲服务网点"])]
SiteAddress = Annotated[str, Name(500)]


class SiteCreate(StrictModel):
    name: SiteName
    address: SiteAddress
    kind: Annotated[SiteKind, ByValue] = Field(
        description="One `headquarters` per organisation (made with it): a second one is "
        "409 `site.headquarters_exists`."
    )


class SiteUpdate(StrictModel):
    """Only the fields given change; none of them may be ``null``. The kind never changes."""

    name: SiteName | None = None
    address: SiteAddress | None = None
    active: StrictBool | None = Field(
        default=None,
        description="`false` deactivates the site (it can no longer join an application's "
        "scope); the headquarters cannot be deactivated (409 `site.headquarters_required`).",
    )


class SiteRead(ReadModel):
    id: int
    organisation_id: int
    name: str
    address: str
    kind: SiteKind
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class SiteRef(ReadModel):
    """A site as an application names it."""

    id: int
    name: str
    address: str
    kind: SiteKind
