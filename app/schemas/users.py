from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field, StrictBool

from app.domain.enums import Role
from app.schemas.common import ByValue, JsonDateTime, Line, Name, ReadModel, StrictModel


def _distinct(roles: list[Role]) -> list[Role]:
    if len(set(roles)) != len(roles):
        raise ValueError("roles must not repeat")
    return roles


Roles = Annotated[
    list[Annotated[Role, ByValue]],
    Field(min_length=1, max_length=len(Role)),
    AfterValidator(_distinct),
]


def _lower(email: str) -> str:
    return email.lower()


Email = Annotated[EmailStr, Field(max_length=320), AfterValidator(_lower)]


class UserCreate(StrictModel):
    name: Annotated[str, Name(200)]
    email: Email
    roles: Roles


class UserUpdate(StrictModel):
    roles: Roles | None = None
    active: StrictBool | None = None


class UserRead(ReadModel):
    id: int
    name: str
    email: str
    roles: list[Role]
    active: bool
    version: int
    created_at: datetime


class ApiKeyCreate(StrictModel):
    label: Annotated[str, Line(100)]
    expires_at: JsonDateTime | None = Field(
        default=None, description="When the key stops working; must lie in the future."
    )


class ApiKeyRead(ReadModel):
    id: int
    user_id: int
    label: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ReadModel):
    id: int
    label: str
    prefix: str
    token: str = Field(description="The bearer token. Shown only in this response.")
    created_at: datetime
    expires_at: datetime | None
