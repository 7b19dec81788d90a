"""Factories that write rows directly, for tests that need many certificates quickly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.db import Database
from app.domain import uscc
from app.domain.dates import expiry_for, initial_certificate_dates
from app.domain.text import search_key
from app.models import Certificate, Organisation
from app.services.search_index import index_certificate
from tests.support.sequences import Sequence

_generated = Sequence(seed=8)  # restarts for every test: see tests/support/sequences.py


async def make_certificate(
    db: Database,
    *,
    name: str,
    name_en: str | None = None,
    status: str = "active",
    grade: str = "four_star",
    issued_on: date = date(2026, 11, 1),
    number: str | None = None,
    address: str = "深圳市南山区科技园",
    superseded_by: str | None = None,
    superseded_on: date | None = None,
    valid_from: date | None = None,
) -> dict[str, Any]:
    """An organisation and its certificate, as an import from an earlier register would be
    (``valid_from``: a recertified certificate's later start; ``superseded_on``: its
    successor's)."""
    n = _generated.next()
    dates = initial_certificate_dates(issued_on)
    if valid_from is not None:
        dates = replace(dates, valid_from=valid_from, expires_on=expiry_for(valid_from))
    async with db.write_sessions() as session:
        now = _now(issued_on)
        organisation = Organisation(
            name=name,
            name_en=name_en,
            uscc=uscc.generate(_generated.rng),
            address=address,
            employee_count=100,
            created_at=now,
            updated_at=now,
        )
        session.add(organisation)
        await session.flush()
        certificate = Certificate(
            number=number or f"ASC-{issued_on.year}-{900000 + n:06d}",
            organisation_id=organisation.id,
            status=status,
            grade=grade,
            final_score=Decimal(91),
            organisation_name=name,
            organisation_name_en=name_en,
            organisation_uscc=organisation.uscc,
            organisation_address=address,
            scope="售后服务",
            enterprise_type="production",
            employee_count=100,
            issued_on=dates.issued_on,
            valid_from=dates.valid_from,
            expires_on=dates.expires_on,
            next_surveillance_due=dates.next_surveillance_due,
            recertification_due=dates.recertification_due,
            surveillances_done=0,
            superseded_by=superseded_by,
            superseded_on=superseded_on,
            status_changed_on=issued_on,
            search_key=search_key(name, name_en),
            created_at=now,
            updated_at=now,
        )
        session.add(certificate)
        await session.flush()
        await index_certificate(session, certificate.id, certificate.search_key)
        await session.commit()
        return {"number": certificate.number, "uscc": organisation.uscc, "name": name}


def _now(day: date) -> Any:
    from datetime import UTC, datetime

    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=2)
