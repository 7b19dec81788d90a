"""Public schemas: what anyone may see of a certificate (no ids, scores, users or contacts)."""

from __future__ import annotations

import datetime
from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from app.domain.enums import CertificateStatus, Grade, SiteKind
from app.domain.history import HistoryAction
from app.domain.numbers import MAX_NUMBER_INPUT
from app.domain.uscc import MAX_USCC_INPUT
from app.schemas.common import JsonDate, Line, ReadModel, StrictModel


class PublicSite(ReadModel):
    """A site covered by the certificate, as printed in its annex."""

    name: str
    address: str
    kind: SiteKind


class PublicCertificate(ReadModel):
    number: str = Field(examples=["ASC-2026-000042"])
    status: CertificateStatus = Field(description="True at the moment of the request.")
    grade: Grade
    organisation_name: str = Field(examples=["珠海格力电器股份有限公司"])
    organisation_name_en: str | None
    organisation_address: str
    uscc: str = Field(examples=["914403001922038216"])
    scope: str
    standard: Literal["GB/T 27922-2011"]
    issued_on: date
    valid_from: date = Field(
        description="The first day of validity: the issue date, or for a recertified "
        "certificate the day after its predecessor's last day (it is not valid before)."
    )
    expires_on: date
    last_surveillance_on: date | None
    superseded_by: str | None
    status_changed_on: date = Field(
        description="The day the status became true (e.g. suspended since; superseded on the "
        "day the successor's validity began)."
    )
    issuer: str
    scope_en: str | None = Field(description="The scope statement in English, where printed.")
    sites: list[PublicSite] = Field(description="The annex of covered sites, as printed.")


class PublicHistoryItem(ReadModel):
    date: datetime.date = Field(description="The day it took effect, in the body's time zone.")
    action: HistoryAction
    status: CertificateStatus = Field(description="The status after it.")
    grade: Grade = Field(description="The grade after it.")
    superseded_by: str | None = Field(
        description="On `superseded`: the successor's number; null otherwise."
    )


class PublicHistory(ReadModel):
    items: list[PublicHistoryItem]


class PublicCertificatePage(ReadModel):
    items: list[PublicCertificate]
    next_cursor: str | None


class VerifyItemIn(StrictModel):
    number: Annotated[str, Line(MAX_NUMBER_INPUT)]
    organisation_name: Annotated[str, Line(300)] | None = None
    uscc: Annotated[str, Line(MAX_USCC_INPUT)] | None = None
    on: JsonDate | None = Field(
        default=None,
        description="Judge the certificate as it stood at the end of this day (`YYYY-MM-DD`, "
        "not after today).",
    )


class VerifyRequest(StrictModel):
    items: Annotated[list[VerifyItemIn], Field(min_length=1, max_length=100)]


class VerifyResult(ReadModel):
    number: str
    found: bool
    status: CertificateStatus | None = Field(
        description="null when not found, or not yet issued on the item's `on`."
    )
    grade: Grade | None
    valid: bool = Field(
        description="True only for a certificate valid today (or on the item's `on`): active, "
        "and the day within `valid_from` … `expires_on`."
    )
    organisation_matches: bool | None = Field(
        description="null when neither organisation_name nor uscc was given; otherwise every "
        "one given matches (the exact name, folded; the USCC)."
    )
    organisation_name: str | None
    superseded_by: str | None


class VerifyResponse(ReadModel):
    results: list[VerifyResult]
