from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from app.domain.uscc import MAX_USCC_INPUT
from app.schemas.common import Line, Name, ReadModel, StrictModel
from app.schemas.users import Email

EmployeeCount = Annotated[int, Field(ge=1, le=10_000_000)]
CapitalCny = Annotated[int, Field(ge=0, le=10_000_000_000_000, description="Whole yuan.")]
Uscc = Annotated[
    str,
    Line(MAX_USCC_INPUT),
    Field(
        description="18-character unified social credit code (GB 32100); a wrong check "
        "character is 422 `organisation.invalid_uscc`.",
        examples=["914403001922038216"],
    ),
]


class OrganisationCreate(StrictModel):
    name: Annotated[str, Name(200), Field(examples=["深圳市华为技术有限公司"])]
    name_en: Annotated[str, Name(300)] | None = None
    uscc: Uscc
    address: Annotated[str, Name(500)]
    legal_representative: Annotated[str, Name(100)] | None = None
    registered_capital_cny: CapitalCny | None = None
    employee_count: EmployeeCount
    contact_email: Email | None = None
    contact_phone: Annotated[str, Line(40)] | None = None


class OrganisationUpdate(StrictModel):
    """Only the fields given change; ``null`` clears an optional field."""

    name: Annotated[str, Name(200)] | None = None
    name_en: Annotated[str, Name(300)] | None = None
    uscc: Uscc | None = None
    address: Annotated[str, Name(500)] | None = None
    legal_representative: Annotated[str, Name(100)] | None = None
    registered_capital_cny: CapitalCny | None = None
    employee_count: EmployeeCount | None = None
    contact_email: Email | None = None
    contact_phone: Annotated[str, Line(40)] | None = None


class OrganisationRead(ReadModel):
    id: int
    name: str
    name_en: str | None
    uscc: str
    address: str
    legal_representative: str | None
    registered_capital_cny: int | None
    employee_count: int
    contact_email: str | None
    contact_phone: str | None
    version: int
    created_at: datetime
    updated_at: datetime
