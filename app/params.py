"""Path and query parameter types: as strict as bodies.

A query string is text, so these parameters are parsed — but only from their canonical
form: an id or a page size from decimal digits (not ``5.0``, ``+5``, ``1_000`` or `` 5 ``),
a date from ``YYYY-MM-DD`` (not a Unix time or a timestamp).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import BeforeValidator, Field

from app.domain.numbers import MAX_NUMBER_INPUT
from app.schemas.common import MAX_INT, iso_date_text

_DIGITS = re.compile(r"[0-9]{1,10}")


def _digits(value: object) -> object:
    if isinstance(value, str) and _DIGITS.fullmatch(value) is None:
        raise ValueError("expected a whole number written in decimal digits")
    return value


WholeNumber = BeforeValidator(_digits)
IsoDate = BeforeValidator(iso_date_text)

IdPath = Annotated[int, Path(ge=1, le=MAX_INT), WholeNumber]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_INT), WholeNumber]
DateQuery = Annotated[date | None, Query(description="A date, `YYYY-MM-DD`."), IsoDate]
LimitQuery = Annotated[
    int, Query(ge=1, le=100, description="Page size (1..100).", examples=[20]), WholeNumber
]
CursorQuery = Annotated[
    str | None, Query(max_length=500, description="`next_cursor` of the previous page.")
]
NUMBER = {
    "max_length": MAX_NUMBER_INPUT,
    "description": "A certificate number; case, surrounding spaces and full-width forms are "
    "forgiven.",
    "examples": ["ASC-2026-000042"],
}
NumberPath = Annotated[str, Path(**NUMBER)]
NumberText = Annotated[str, Field(**NUMBER)]
