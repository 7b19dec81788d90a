"""The text rules of the request schemas (app.schemas.common): single lines and free text
refuse Unicode's control characters (category Cc), free text but tab and line breaks."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from app.schemas.common import FREE_TEXT, SINGLE_LINE, Line, Text

LINE = TypeAdapter(Annotated[str, Line(100)])
FREE = TypeAdapter(Annotated[str, Text(100)])


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
    assert (re.fullmatch(SINGLE_LINE, text) is None) is (has or any(c in text for c in "\t\n\r"))
    assert (re.fullmatch(FREE_TEXT, text) is None) is has


@given(st.characters())
def test_the_patterns_refuse_exactly_the_control_characters(char: str) -> None:
    control = unicodedata.category(char) == "Cc"
    assert (re.fullmatch(SINGLE_LINE, char) is None) is control
    assert (re.fullmatch(FREE_TEXT, char) is None) is (control and char not in "\t\n\r")


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
