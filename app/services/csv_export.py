"""CSV conventions every export shares (the certificate register, the audit register):
UTF-8 with a BOM (spreadsheets then read Chinese correctly), CRLF line ends, and no cell a
spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

BOM = "\ufeff"
# between the names listed in one cell (team members, sites): full-width, names may hold commas
LIST_SEPARATOR = "；"
# A cell a spreadsheet would read as a formula is prefixed with an apostrophe (OWASP CSV
# injection advice); numbers, codes and dates of the exports never start with these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as a cell: empty for None, neutralised when it looks like a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def encode(rows: Sequence[Sequence[str]]) -> bytes:
    """Rows as CSV bytes, CRLF-terminated."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def head(header: Sequence[str]) -> bytes:
    """The first chunk of an export: the BOM and the header line."""
    return BOM.encode("utf-8") + encode([header])
