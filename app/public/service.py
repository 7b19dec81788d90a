"""Public verification: lookup, name/USCC search and batch verify, as JSON-ready data.

The status is the one true at the moment of the request (expiry computed), and nothing is
cached in the process, so a change is visible in the very next read.

A name search first walks the public order (an index-only scan on PostgreSQL): a common term
(科技, "technology") fills a page at once there, however many rows an index would have to
fetch and sort. Each walk also measures how common the term is, and ``search.next_walk``
weighs walking further against the index, whose cost grows with the number of matches —
decided in code, never by the planner's estimate of a ``LIKE``, which misjudges such
patterns by orders of magnitude (docs/performance.md, Name search).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import orjson

from app.clock import Clock
from app.domain import history as history_rules
from app.domain import uscc as uscc_rules
from app.domain.enums import CertificateStatus
from app.domain.numbers import normalise_certificate_number
from app.domain.problems import (
    CERTIFICATE_NOT_FOUND,
    CERTIFICATE_NOT_YET_ISSUED,
    VALIDATION,
    FieldError,
)
from app.domain.search import FIRST_WALK, MAX_TERM, MIN_TERM, next_walk, term
from app.pagination import decode_cursor, encode_cursor
from app.public.queries import After, Dated, LogRow, PublicRow, Reader
from app.public.records import (
    VerifyItem,
    certificate_record,
    dated_record,
    dated_verify_result,
    facts,
    history_items,
    verify_result,
)


class PublicService:
    def __init__(self, reader: Reader, clock: Clock, issuer: str) -> None:
        self.reader = reader
        self.clock = clock
        self.issuer = issuer

    async def certificate(self, number: str) -> dict[str, Any] | None:
        canonical = normalise_certificate_number(number)
        if canonical is None:
            return None
        row = await self.reader.by_number(canonical)
        return certificate_record(row, self.clock.today(), self.issuer) if row else None

    async def certificate_json(self, number: str) -> bytes | None:
        found = await self.certificate(number)
        return orjson.dumps(found) if found is not None else None

    async def dated(self, number: str, on: date | None) -> Dated:
        """The certificate with its log (and the revision in effect on ``on``); a day after
        today is 422, an unknown number 404."""
        if on is not None and on > self.clock.today():
            raise VALIDATION(
                f"on: {on} is in the future",
                errors=[FieldError(("query", "on"), "must not be after today")],
            )
        canonical = normalise_certificate_number(number)
        found = await self.reader.dated(canonical, on) if canonical else None
        if found is None:
            raise CERTIFICATE_NOT_FOUND(f"no certificate {number.strip()!r}")
        return found

    def history_of(self, row: PublicRow, log: Sequence[LogRow]) -> history_rules.History:
        zone = self.clock.zone
        logged = [
            history_rules.Logged(
                e.action, datetime.fromtimestamp(e.occurred_at, zone).date(), e.data
            )
            for e in log
        ]
        return history_rules.read(facts(row), logged, self.clock.today())

    def record_on(self, found: Dated, on: date) -> dict[str, Any]:
        """The public record as it stood at the end of ``on`` (404 before its issue)."""
        row = found.row
        standing = history_rules.standing_on(self.history_of(row, found.log), facts(row), on)
        if standing is None:
            raise CERTIFICATE_NOT_YET_ISSUED(
                f"{row.number} was issued on {row.issued_on}, after {on}"
            )
        return dated_record(row, found.printed, standing, self.issuer)

    async def certificate_on(self, number: str, on: date) -> dict[str, Any]:
        return self.record_on(await self.dated(number, on), on)

    async def history(self, number: str) -> list[dict[str, Any]]:
        found = await self.dated(number, None)
        return history_items(self.history_of(found.row, found.log))

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
            raise VALIDATION(
                "give name or uscc",
                errors=[FieldError(("query", "name"), "name or uscc is required")],
            )
        page = rows[:limit]
        next_cursor = None
        if len(rows) > limit:
            last = page[-1]
            next_cursor = encode_cursor(int(last.status != CertificateStatus.ACTIVE), last.number)
        today = self.clock.today()
        return [certificate_record(r, today, self.issuer) for r in page], next_cursor

    async def _by_name(self, wanted: str, after: After | None, want: int) -> list[PublicRow]:
        reader = self.reader
        depth = FIRST_WALK
        rows = await reader.walk(wanted, after, depth, want)
        while len(rows) < want and reader.walk_ns is not None:
            further = next_walk(
                found=len(rows),
                walked=depth,
                want=want,
                total=await reader.estimated_rows(),
                walk_ns=reader.walk_ns,
                match_ns=reader.match_ns,
                prior=await reader.prior(wanted),
            )
            if further is None:
                break
            depth = further
            rows = await reader.walk(wanted, after, depth, want)
        if len(rows) >= want:
            return rows
        return await reader.indexed(wanted, after, want)

    async def verify(self, items: Sequence[VerifyItem]) -> list[dict[str, Any]]:
        """One round trip for the whole batch, and one more for the logs of the certificates
        asked about on a day (``on``); results in input order."""
        today = self.clock.today()
        future = [
            FieldError(("body", "items", i, "on"), "must not be after today")
            for i, item in enumerate(items)
            if item.on is not None and item.on > today
        ]
        if future:
            raise VALIDATION("an item's day (on) is in the future", errors=future)
        canonical = [normalise_certificate_number(i.number) for i in items]
        wanted = sorted({c for c in canonical if c is not None})
        rows = {r.number: r for r in await self.reader.by_numbers(wanted)} if wanted else {}
        dated = sorted(
            {
                c
                for i, c in zip(items, canonical, strict=True)
                if i.on is not None and c is not None and c in rows
            }
        )
        logs = await self.reader.logs(dated) if dated else {}
        histories: dict[str, history_rules.History] = {}
        results = []
        for item, c in zip(items, canonical, strict=True):
            row = rows.get(c) if c else None
            if item.on is None or row is None:
                results.append(verify_result(item, row, c, today))
                continue
            if row.number not in histories:
                histories[row.number] = self.history_of(row, logs.get(row.number, []))
            standing = history_rules.standing_on(histories[row.number], facts(row), item.on)
            results.append(dated_verify_result(item, row, standing, item.on))
        return results


def _name_term(name: str) -> str:
    folded = term(name)
    if not MIN_TERM <= len(folded) <= MAX_TERM:
        raise VALIDATION(
            f"name must have {MIN_TERM} to {MAX_TERM} characters",
            errors=[FieldError(("query", "name"), f"{MIN_TERM} to {MAX_TERM} characters")],
        )
    return folded


def _after(cursor: str | None) -> After | None:
    key = decode_cursor(cursor, int, str)
    return After(bool(key[0]), key[1]) if key else None
