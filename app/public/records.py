"""What the public sees of a certificate: the record and the verify result, as JSON-ready
dicts with exactly the fields of ``PublicCertificate`` and ``VerifyResult`` (app.schemas.public;
the tests validate every public response against the OpenAPI document built from them).

Plain dicts rather than model instances because the lookup is the hottest request of the
service: orjson writes a dict in a fraction of what building and serialising a model costs.
The status is the one true on ``today`` (a certificate whose successor's validity has begun
reads superseded, one past ``expires_on`` expired), ``status_changed_on`` the day it became
true, and a certificate is valid when it is active and ``today`` lies within its validity
(``app.domain.standing``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from app.domain.enums import CertificateStatus
from app.domain.standing import effective_status, is_valid_on, status_since
from app.domain.text import exact_form
from app.domain.uscc import normalise as normalise_uscc
from app.public.queries import PublicRow

STANDARD = "GB/T 27922-2011"
# stored value → member, a dictionary lookup (cheaper than the enum's call on the hot path)
_STATUS = {s.value: s for s in CertificateStatus}


class VerifyItem(Protocol):
    """One item of a batch (the request model's items are used as they are)."""

    @property
    def number(self) -> str: ...

    @property
    def organisation_name(self) -> str | None: ...

    @property
    def uscc(self) -> str | None: ...


def certificate_record(row: PublicRow, today: date, issuer: str) -> dict[str, Any]:
    """The public record of a certificate (``PublicCertificate``)."""
    recorded = _STATUS[row.status]
    return {
        "number": row.number,
        "status": effective_status(recorded, row.expires_on, today, row.superseded_on),
        "grade": row.grade,
        "organisation_name": row.organisation_name,
        "organisation_name_en": row.organisation_name_en,
        "organisation_address": row.organisation_address,
        "uscc": row.organisation_uscc,
        "scope": row.scope,
        "standard": STANDARD,
        "issued_on": row.issued_on,
        "valid_from": row.valid_from,
        "expires_on": row.expires_on,
        "last_surveillance_on": row.last_surveillance_on,
        "superseded_by": row.superseded_by,
        "status_changed_on": status_since(
            recorded, row.status_changed_on, row.expires_on, today, row.superseded_on
        ),
        "issuer": issuer,
    }


def verify_result(
    item: VerifyItem, row: PublicRow | None, canonical: str | None, today: date
) -> dict[str, Any]:
    """One result of a batch verify (``VerifyResult``)."""
    asked = item.organisation_name is not None or item.uscc is not None
    if row is None:
        return {
            "number": canonical or item.number,
            "found": False,
            "status": None,
            "grade": None,
            "valid": False,
            "organisation_matches": False if asked else None,
            "organisation_name": None,
            "superseded_by": None,
        }
    status = effective_status(_STATUS[row.status], row.expires_on, today, row.superseded_on)
    return {
        "number": row.number,
        "found": True,
        "status": status,
        "grade": row.grade,
        "valid": is_valid_on(status, row.valid_from, row.expires_on, today),
        "organisation_matches": _matches(item, row) if asked else None,
        "organisation_name": row.organisation_name,
        "superseded_by": row.superseded_by,
    }


def _matches(item: VerifyItem, row: PublicRow) -> bool:
    """Every criterion given must hold: the exact name (Chinese or English, after trimming
    and full-/half-width folding) and the USCC."""
    if item.organisation_name is not None:
        given = exact_form(item.organisation_name)
        names = {exact_form(row.organisation_name), exact_form(row.organisation_name_en or "")}
        names.discard("")
        if given not in names:
            return False
    return item.uscc is None or normalise_uscc(item.uscc) == row.organisation_uscc
