"""Certificate and application numbers (docs/domain.md §5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.numbers import (
    ApplicationNumber,
    CertificateNumber,
    format_application_number,
    format_certificate_number,
    normalise_application_number,
    normalise_certificate_number,
    parse_application_number,
    parse_certificate_number,
)


@pytest.mark.parametrize(
    ("prefix", "year", "sequence", "number"),
    [
        ("ASC", 2026, 42, "ASC-2026-000042"),
        ("ASC", 2026, 1, "ASC-2026-000001"),
        ("AB", 1000, 999_999, "AB-1000-999999"),
        ("A123456789", 9999, 100_000, "A123456789-9999-100000"),
    ],
)
def test_format_and_parse(prefix: str, year: int, sequence: int, number: str) -> None:
    assert format_certificate_number(prefix, year, sequence) == number
    assert parse_certificate_number(number) == CertificateNumber(prefix, year, sequence)


@pytest.mark.parametrize(
    ("prefix", "year", "sequence", "message"),
    [
        ("A", 2026, 1, "prefix"),
        ("asc", 2026, 1, "prefix"),
        ("1SC", 2026, 1, "prefix"),
        ("ABCDEFGHIJK", 2026, 1, "prefix"),
        ("AS-C", 2026, 1, "prefix"),
        ("ASC\n", 2026, 1, "prefix"),
        ("ASC", 999, 1, "year"),
        ("ASC", 10_000, 1, "year"),
        ("ASC", 2026, 0, "sequence"),
        ("ASC", 2026, 1_000_000, "sequence"),
    ],
)
def test_format_refuses_what_it_cannot_carry(
    prefix: str, year: int, sequence: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        format_certificate_number(prefix, year, sequence)


@pytest.mark.parametrize(
    "text",
    [
        "asc-2026-000042",
        " ASC-2026-000042",
        "ASC-2026-42",
        "ASC-2026-0000042",
        "ASC-2026-000000",
        "ASC-0999-000001",
        "ASC 2026 000042",
        "ASC–2026–000042",  # en dashes: only normalise forgives them
        "ASC-٢٠٢٦-000042",  # Arabic-Indic digits
        "ASC-2026-000042\n",
        "",
    ],
)
def test_parse_is_strict(text: str) -> None:
    assert parse_certificate_number(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "ASC-2026-000042",
        "asc-2026-000042",
        "  ASC-2026-000042  ",
        "\u3000ASC-2026-000042\u3000",  # ideographic spaces
        "\tasc-2026-000042\r\n",
        "ＡＳＣ－２０２６－００００４２",  # full-width letters, digits and hyphen
        "ａｓｃ-２０２６-000042",
        "ASC‐2026‑000042",  # hyphen, non-breaking hyphen
        "ASC‒2026–000042",  # figure dash, en dash
        "ASC—2026―000042",  # em dash, horizontal bar
        "ASC−2026﹣000042",  # minus sign, small hyphen-minus
        "ASC﹘2026-000042",  # small em dash
    ],
)
def test_normalise_forgives_what_people_type(text: str) -> None:
    assert normalise_certificate_number(text) == "ASC-2026-000042"


@pytest.mark.parametrize(
    "text",
    [
        "ASC一2026一000042",  # 一 is "one", not a dash
        "ASC~2026~000042",
        "ASC - 2026 - 000042",  # inner spaces are not forgiven
        "ASC-2026-0000420",
        "ASC2026000042",
        "ǅSC-2026-000042",
        "",
    ],
)
def test_normalise_still_refuses_what_is_not_a_number(text: str) -> None:
    assert normalise_certificate_number(text) is None


def test_application_numbers() -> None:
    assert format_application_number(2026, 123) == "SQ-2026-000123"
    assert parse_application_number("SQ-2026-000123") == ApplicationNumber(2026, 123)
    assert parse_application_number("ASC-2026-000123") is None
    assert parse_application_number("sq-2026-000123") is None
    assert normalise_application_number(" ｓｑ－2026－000123\u3000") == "SQ-2026-000123"
    assert normalise_application_number("ASC-2026-000123") is None
    assert normalise_application_number("SQ-2026") is None


prefixes = st.from_regex(r"[A-Z][A-Z0-9]{1,9}", fullmatch=True)
years = st.integers(1000, 9999)
sequences = st.integers(1, 999_999)
spaces = st.text(st.sampled_from(" \t\u3000\n"), max_size=3)
FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@given(prefixes, years, sequences)
def test_certificate_numbers_round_trip(prefix: str, year: int, sequence: int) -> None:
    number = format_certificate_number(prefix, year, sequence)
    assert parse_certificate_number(number) == CertificateNumber(prefix, year, sequence)
    assert normalise_certificate_number(number) == number


@given(years, sequences)
def test_application_numbers_round_trip(year: int, sequence: int) -> None:
    number = format_application_number(year, sequence)
    assert parse_application_number(number) == ApplicationNumber(year, sequence)
    assert normalise_application_number(number) == number


@given(prefixes, years, sequences, spaces, spaces, st.data())
def test_normalise_forgives_case_spaces_and_full_width(
    prefix: str, year: int, sequence: int, before: str, after: str, data: st.DataObject
) -> None:
    number = format_certificate_number(prefix, year, sequence)
    # Each character independently: lower-cased, full-width, both, or left alone.
    typed = "".join(
        data.draw(st.sampled_from([c, c.lower(), FULL_WIDTH[c], FULL_WIDTH[c.lower()]]))
        for c in number
    )
    assert normalise_certificate_number(before + typed + after) == number
