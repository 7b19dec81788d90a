"""Certificate and application numbers (docs/domain.md §5): ``ASC-2026-000042``, ``SQ-2026-000123``.

``format_*`` and ``parse_*`` are exact inverses on valid numbers; ``normalise_*`` is the
forgiving reading used where people type numbers (public lookup, docs/api.md: case and
surrounding spaces are forgiven) and returns the canonical form or None.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

APPLICATION_PREFIX = "SQ"
MAX_SEQUENCE = 999_999
# The most characters a number may have as people type it (spaces, full-width forms): longer
# input is refused before any reading; the canonical form is at most 21 characters.
MAX_NUMBER_INPUT = 64
# ASCII classes spelled out: \d and \s would also accept other scripts' digits and spaces.
_PREFIX = re.compile(r"[A-Z][A-Z0-9]{1,9}")
_NUMBER = re.compile(r"([A-Z][A-Z0-9]{1,9})-([1-9][0-9]{3})-([0-9]{6})")
# Real dash characters only (hyphen, non-breaking hyphen, figure/en/em dash, horizontal bar,
# minus sign, small and full-width forms), not look-alikes such as 一 (the digit "one").
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"))


@dataclass(frozen=True, slots=True)
class CertificateNumber:
    """The parts of a certificate number."""

    prefix: str
    year: int
    sequence: int


@dataclass(frozen=True, slots=True)
class ApplicationNumber:
    """The parts of an application number (prefix ``SQ``)."""

    year: int
    sequence: int


def format_certificate_number(prefix: str, year: int, sequence: int) -> str:
    """``<prefix>-<year>-<6-digit sequence>``; ValueError for a value it cannot carry."""
    if _PREFIX.fullmatch(prefix) is None:
        raise ValueError(f"certificate prefix must match [A-Z][A-Z0-9]{{1,9}}: {prefix!r}")
    if not 1000 <= year <= 9999:
        raise ValueError(f"year must have four digits: {year}")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence must be 1..{MAX_SEQUENCE}: {sequence}")
    return f"{prefix}-{year}-{sequence:06d}"


def parse_certificate_number(text: str) -> CertificateNumber | None:
    """The parts of an exactly canonical number, else None (sequence 000000 included)."""
    match = _NUMBER.fullmatch(text)
    if match is None or int(match[3]) == 0:
        return None
    return CertificateNumber(match[1], int(match[2]), int(match[3]))


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _forgive(text: str) -> str:
    # NFKC folds full-width letters, digits, hyphen and the ideographic space to ASCII.
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES).strip()
    return folded.translate(_ASCII_UPPER)


def normalise_certificate_number(text: str) -> str | None:
    """The canonical number a person meant (``asc－2026－000042　`` → ``ASC-2026-000042``)."""
    if _NUMBER.fullmatch(text) and not text.endswith("000000"):
        return text  # already canonical: the common case of machines verifying in bulk
    number = parse_certificate_number(_forgive(text))
    if number is None:
        return None
    return format_certificate_number(number.prefix, number.year, number.sequence)


def format_application_number(year: int, sequence: int) -> str:
    """``SQ-<year>-<6-digit sequence>``."""
    return format_certificate_number(APPLICATION_PREFIX, year, sequence)


def parse_application_number(text: str) -> ApplicationNumber | None:
    """The parts of an exactly canonical application number, else None."""
    number = parse_certificate_number(text)
    if number is None or number.prefix != APPLICATION_PREFIX:
        return None
    return ApplicationNumber(number.year, number.sequence)


def normalise_application_number(text: str) -> str | None:
    """The forgiving reading of an application number, canonical or None."""
    number = parse_application_number(_forgive(text))
    return None if number is None else format_application_number(number.year, number.sequence)
