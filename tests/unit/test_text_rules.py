"""The text rules of the request schemas (app.schemas.common): single lines and free text
refuse Unicode's control characters (category Cc), free text but tab and line breaks; text
that must not be blank needs a character that is neither white space nor Cf — the same
judgement as the domain's ``is_blank``. The rules are regular expressions run inside
pydantic-core, so they are judged here through pydantic."""

from __future__ import annotations

import unicodedata
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from app.domain.text import is_blank
from app.schemas.common import Line, Text

LINE = TypeAdapter(Annotated[str, Line(100)])
FREE = TypeAdapter(Annotated[str, Text(100)])
ANY_LINE = TypeAdapter(Annotated[str, Text(100, single_line=True, allow_blank=True)])
ANY_TEXT = TypeAdapter(Annotated[str, Text(100, allow_blank=True)])


def _takes(adapter: TypeAdapter[str], text: str) -> bool:
    try:
        adapter.validate_python(text)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("text", "has"),
    [
        ("plain text 中文", False),
        ("tab\tnew line\ncarriage\r", False),
        ("nul\x00", True),
        ("bell\x07", True),
        ("escape\x1b[0m", True),
        ("delete\x7f", True),
        ("c1\x85", True),
        ("zero width\u200b", False),  # a format character, not a control
        ("", False),
    ],
)
def test_control_characters_in_a_single_line(text: str, has: bool) -> None:
    inner = f"x{text}x"  # not at the edges, which are trimmed
    assert _takes(ANY_LINE, inner) is not (has or any(c in text for c in "\t\n\r"))
    assert _takes(ANY_TEXT, inner) is not has


@given(st.characters(blacklist_categories=["Cs"]))  # no lone surrogates: not text
def test_the_patterns_refuse_exactly_the_control_characters(char: str) -> None:
    control = unicodedata.category(char) == "Cc"
    assert _takes(ANY_LINE, f"x{char}x") is not control
    assert _takes(ANY_TEXT, f"x{char}x") is not (control and char not in "\t\n\r")


@given(st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=8))
def test_blank_is_what_the_domain_calls_blank(text: str) -> None:
    # the domain's is_blank (Python's isspace and Cf) and the schemas' pattern agree
    assert _takes(FREE, text) is not is_blank(text)


@pytest.mark.parametrize(
    ("value", "line", "free"),
    [
        ("  Gree\t", "Gree", "Gree"),  # outer white space, tabs included, is trimmed
        ("a\tb", None, "a\tb"),
        ("a\nb", None, "a\nb"),
        ("a\x07b", None, None),
        ("\u200b", None, None),  # blank: only an invisible format character
        ("\u3000", None, None),  # blank: an ideographic space
    ],
)
def test_line_and_text(value: str, line: str | None, free: str | None) -> None:
    for adapter, expected in ((LINE, line), (FREE, free)):
        if expected is None:
            with pytest.raises(ValidationError):
                adapter.validate_python(value)
        else:
            assert adapter.validate_python(value) == expected
