"""Public verification: lookup, name/USCC search and batch verify, as plain JSON-ready data.

The status is the one true at the moment of the request (expiry computed), and nothing is
cached in the process, so a change is visible in the very next read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

import orjson

from app.clock import Clock
from app.domain import uscc as uscc_rules
from app.domain.enums import CertificateStatus
from app.domain.errors import FieldError, Unprocessable
from app.domain.lifecycle import effective_status
from app.domain.numbers import normalise_certificate_number
from app.domain.text import exact_form
from app.pagination import decode_cursor, encode_cursor
from app.public.queries import After, PublicRow, Reader
from app.public.search import FIRST_WALK, MAX_TERM, MIN_TERM, second_walk, term

STANDARD = "GB/T 27922-2011"
# stored value → member, a dictionary lookup (cheaper than the enum's call on the hot path)
_STATUS = {s.value: s for s in CertificateStatus}
# Matches are first looked for by walking the public order (an index-only scan on
# PostgreSQL): a common term (科技, "technology") fills a page at once there, however many rows
# an index would have to fetch and sort. The first walk also measures how common the term is,
# and ``search.second_walk`` weighs walking further against the index, whose cost grows with
# the number of matches (performance.md: decide in code, not by the planner's estimate of a
# LIKE).


class VerifyItem(Protocol):
    """One item of a batch (the request model's items are used as they are)."""

    @property
    def number(self) -> str: ...

    @property
    def organisation_name(self) -> str | None: ...

    @property
    def uscc(self) -> str | None: ...


class PublicService:
    def __init__(self, reader: Reader, clock: Clock, issuer: str) -> None:
        self.reader = reader
        self.clock = clock
        self.issuer = issuer

    def view(self, row: PublicRow, today: date | None = None) -> dict[str, Any]:
        """The public record, with the status true ``today`` (the clock's, by default)."""
        today = today or self.clock.today()
        status = effective_status(_STATUS[row.status], row.expires_on, today)
        return {
            "number": row.number,
            "status": status,  # a str enum: orjson writes its value
            "grade": row.grade,
            "organisation_name": row.organisation_name,
            "organisation_name_en": row.organisation_name_en,
            "organisation_address": row.organisation_address,
            "uscc": row.organisation_uscc,
            "scope": row.scope,
            "standard": STANDARD,
            "issued_on": row.issued_on,
            "expires_on": row.expires_on,
            "last_surveillance_on": row.last_surveillance_on,
            "superseded_by": row.superseded_by,
            "issuer": self.issuer,
        }

    async def certificate(self, number: str) -> dict[str, Any] | None:
        canonical = normalise_certificate_number(number)
        if canonical is None:
            return None
        row = await self.reader.by_number(canonical)
        return self.view(row) if row is not None else None

    async def certificate_json(self, number: str) -> bytes | None:
        found = await self.certificate(number)
        return orjson.dumps(found) if found is not None else None

    async def search(
        self, *, name: str | None, uscc: str | None, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        after = _after(cursor)
        wanted = _name_term(name) if name is not None else None
        if uscc is not None:
            rows = await self.reader.by_uscc(uscc_rules.normalise(uscc), wanted, after, limit + 1)
        elif wanted is not None:
            rows = await self._by_name(wanted, after, limit + 1)
        else:
            raise Unprocessable(
                "request.validation",
                "give name or uscc",
                errors=[FieldError(("query", "name"), "name or uscc is required")],
            )
        page = rows[:limit]
        next_cursor = None
        if len(rows) > limit:
            last = page[-1]
            next_cursor = encode_cursor(int(last.status != CertificateStatus.ACTIVE), last.number)
        today = self.clock.today()
        return [self.view(r, today) for r in page], next_cursor

    async def _by_name(self, wanted: str, after: After | None, want: int) -> list[PublicRow]:
        reader = self.reader
        rows = await reader.walk(wanted, after, FIRST_WALK, want)
        if len(rows) >= want:
            return rows
        if reader.walk_cost is not None and rows:
            depth = second_walk(
                found=len(rows),
                walked=FIRST_WALK,
                want=want,
                total=await reader.estimated_rows(),
                walk_cost=reader.walk_cost,
                match_cost=reader.match_cost,
            )
            if depth is not None:
                rows = await reader.walk(wanted, after, depth, want)
                if len(rows) >= want:
                    return rows
        return await reader.indexed(wanted, after, want)

    async def verify(self, items: Sequence[VerifyItem]) -> list[dict[str, Any]]:
        """One round trip for the whole batch; results in input order."""
        canonical = [normalise_certificate_number(i.number) for i in items]
        wanted = sorted({c for c in canonical if c is not None})
        rows = {r.number: r for r in await self.reader.by_numbers(wanted)} if wanted else {}
        today = self.clock.today()
        return [
            _result(item, rows.get(c) if c else None, c, today)
            for item, c in zip(items, canonical, strict=True)
        ]


def _result(
    item: VerifyItem, row: PublicRow | None, canonical: str | None, today: date
) -> dict[str, Any]:
    asked = item.organisation_name is not None or item.uscc is not None
    if row is None:
        return {
            "number": canonical or item.number.strip(),
            "found": False,
            "status": None,
            "grade": None,
            "valid": False,
            "organisation_matches": False if asked else None,
            "organisation_name": None,
            "superseded_by": None,
        }
    status = effective_status(_STATUS[row.status], row.expires_on, today)
    return {
        "number": row.number,
        "found": True,
        "status": status,  # a str enum: orjson writes its value
        "grade": row.grade,
        "valid": status is CertificateStatus.ACTIVE,
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
    return item.uscc is None or uscc_rules.normalise(item.uscc) == row.organisation_uscc


def _name_term(name: str) -> str:
    folded = term(name)
    if not MIN_TERM <= len(folded) <= MAX_TERM:
        raise Unprocessable(
            "request.validation",
            f"name must have {MIN_TERM} to {MAX_TERM} characters",
            errors=[FieldError(("query", "name"), f"{MIN_TERM} to {MAX_TERM} characters")],
        )
    return folded


def _after(cursor: str | None) -> After | None:
    key = decode_cursor(cursor, int, str)
    return After(bool(key[0]), key[1]) if key else None
