"""What the public sees of a certificate: the record and the verify result, as JSON-ready
dicts with exactly the fields of ``PublicCertificate`` and ``VerifyResult`` (app.schemas.public;
the tests validate every public response against the OpenAPI document built from them).

Plain dicts rather than model instances because the lookup is the hottest request of the
service: orjson writes a dict in a fraction of what building and serialising a model costs.
The status is the one true on ``today`` (a certificate whose successor's validity has begun
reads superseded, one past ``expires_on`` expired), ``status_changed_on`` the day it became
true, and a certificate is valid when it is active and ``today`` lies within its validity
(``app.domain.standing``).

A dated record (``?on=``) and the history come from the log instead (``app.domain.history``):
status and grade as they stood at the end of the day, the printed details of the revision in
effect on it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import orjson

from app.domain.enums import CertificateStatus, Grade
from app.domain.history import Facts, History, Standing
from app.domain.standing import effective_status, is_valid_on, status_since
from app.domain.text import exact_form
from app.domain.uscc import normalise as normalise_uscc
from app.public.queries import Printed, PublicRow

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

    @property
    def on(self) -> date | None: ...


def sites(stored: str | list[dict[str, str]]) -> list[dict[str, str]]:
    """The printed annex of sites, exactly ``{name, address, kind}`` each (the column comes
    back from the driver as JSON text)."""
    annex = orjson.loads(stored) if isinstance(stored, str) else stored
    return [{"name": s["name"], "address": s["address"], "kind": s["kind"]} for s in annex]


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
        "scope_en": row.scope_en,
        "sites": sites(row.sites),
    }


def facts(row: PublicRow) -> Facts:
    """What the certificate's row tells the reading of its log."""
    return Facts(
        issued_on=row.issued_on,
        expires_on=row.expires_on,
        status=_STATUS[row.status],
        status_changed_on=row.status_changed_on,
        grade=Grade(row.grade),
        superseded_by=row.superseded_by,
        superseded_on=row.superseded_on,
        last_surveillance_on=row.last_surveillance_on,
    )


def dated_record(
    row: PublicRow, printed: Printed | None, standing: Standing, issuer: str
) -> dict[str, Any]:
    """The public record as it stood at the end of a day: status and grade from the log, the
    printed details of the revision then in effect (the row's own without one)."""
    shown = printed or Printed(
        row.organisation_name,
        row.organisation_name_en,
        row.organisation_address,
        row.scope,
        row.scope_en,
        sites(row.sites),
    )
    return {
        "number": row.number,
        "status": standing.status,
        "grade": standing.grade,
        "organisation_name": shown.organisation_name,
        "organisation_name_en": shown.organisation_name_en,
        "organisation_address": shown.organisation_address,
        "uscc": row.organisation_uscc,
        "scope": shown.scope,
        "standard": STANDARD,
        "issued_on": row.issued_on,
        "valid_from": row.valid_from,
        "expires_on": row.expires_on,
        "last_surveillance_on": standing.last_surveillance_on,
        "superseded_by": standing.superseded_by,
        "status_changed_on": standing.status_changed_on,
        "issuer": issuer,
        "scope_en": shown.scope_en,
        "sites": sites(shown.sites),
    }


def history_items(history: History) -> list[dict[str, Any]]:
    """The public history (``PublicHistoryItem``): no reason, user or data of the log."""
    return [
        {
            "date": s.on,
            "action": s.action,
            "status": s.status,
            "grade": s.grade,
            "superseded_by": s.superseded_by,
        }
        for s in history.steps
    ]


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


def dated_verify_result(
    item: VerifyItem, row: PublicRow, standing: Standing | None, on: date
) -> dict[str, Any]:
    """One result of a batch verify judged at the end of ``on``: before issue the certificate
    is found but had no status (and was not valid)."""
    asked = item.organisation_name is not None or item.uscc is not None
    status = standing.status if standing is not None else None
    return {
        "number": row.number,
        "found": True,
        "status": status,
        "grade": standing.grade if standing is not None else None,
        "valid": status is not None and is_valid_on(status, row.valid_from, row.expires_on, on),
        "organisation_matches": _matches(item, row) if asked else None,
        "organisation_name": row.organisation_name,
        "superseded_by": standing.superseded_by if standing is not None else None,
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
