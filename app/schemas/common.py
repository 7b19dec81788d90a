"""Shared schema building blocks: strict input, exact numbers, bounded text, pages.

Input is strict (docs/api.md, Input): a value of the wrong JSON type and an unknown field are
422, never coerced. JSON numbers arrive as ``Decimal`` (see ``app.http.DecimalJSONRoute``), so
``7.15`` can be refused exactly instead of being rounded by a float on the way in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from annotated_types import GroupedMetadata
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

MAX_INT = 2_147_483_647
TENTH = Decimal("0.1")


class StrictModel(BaseModel):
    """Request bodies: strict types, unknown fields refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


class ReadModel(BaseModel):
    """Response bodies, built from ORM objects or dataclasses."""

    model_config = ConfigDict(from_attributes=True)


# The text rules, checked inside pydantic-core: a batch of a hundred items costs no Python call
# per field. Control characters are Unicode's Cc (C0, DEL, C1); free text may hold tabs and
# line breaks. Text that must not be blank needs one character that is neither white space
# nor an invisible format character (Cf: zero-width space, byte-order mark, ...).
_LINE_CHAR = r"[^\x00-\x1f\x7f-\x9f]"
_TEXT_CHAR = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_VISIBLE = r"[^\s\p{Cf}\x00-\x1f\x7f-\x9f]"
SINGLE_LINE = f"^{_LINE_CHAR}*$"
FREE_TEXT = f"^{_TEXT_CHAR}*$"
SINGLE_LINE_NOT_BLANK = f"^{_LINE_CHAR}*{_VISIBLE}{_LINE_CHAR}*$"
FREE_TEXT_NOT_BLANK = f"^{_TEXT_CHAR}*{_VISIBLE}{_TEXT_CHAR}*$"
PATTERN_MESSAGES = {
    SINGLE_LINE: "must be a single line without control characters",
    FREE_TEXT: "must not contain control characters other than tab and line breaks",
    SINGLE_LINE_NOT_BLANK: "must be a single line without control characters, and not blank",
    FREE_TEXT_NOT_BLANK: "must not be blank nor contain control characters other than tab "
    "and line breaks",
}


@dataclass(frozen=True, slots=True)
class Text(GroupedMetadata):
    """Bounded text without control characters, outer white space removed:
    ``Annotated[str, Text(200)]``. Free text may hold tabs and line breaks; a
    ``single_line`` may not.

    Blank text (white space and invisible format characters only) is refused unless
    ``allow_blank``, for a field whose emptiness the domain judges with its own code (an
    exclusion reason: ``score_sheet.note_required``).

    ``visible_only`` also refuses invisible and direction-control characters (Unicode Cf),
    with the error type ``invisible_characters`` (names, addresses and scopes).
    """

    max_length: int
    min_length: int = 1
    single_line: bool = False
    allow_blank: bool = False
    visible_only: bool = False

    def __iter__(self) -> Iterator[object]:
        if self.single_line:
            pattern = SINGLE_LINE if self.allow_blank else SINGLE_LINE_NOT_BLANK
        else:
            pattern = FREE_TEXT if self.allow_blank else FREE_TEXT_NOT_BLANK
        yield StringConstraints(
            strip_whitespace=True,
            min_length=0 if self.allow_blank else self.min_length,
            max_length=self.max_length,
            pattern=pattern,
        )
        if self.visible_only:
            # A before-validator placed after the constraints runs before them: an invisible
            # character is named as such even where the text would also be blank.
            yield BeforeValidator(refuse_invisible)


INVISIBLE_ERROR_TYPE = "invisible_characters"
"""The pydantic error type of text holding a Unicode format character (category Cf)."""


def refuse_invisible(value: object) -> object:
    """Refuse text holding an invisible or direction-control character (Unicode category Cf:
    U+200B zero-width space, U+202E right-to-left override, U+FEFF byte-order mark, …): a
    name, address or scope must read as it is stored, so that it matches and verifies."""
    if isinstance(value, str) and not value.isascii():
        for index, char in enumerate(value):
            if unicodedata.category(char) == "Cf":
                raise PydanticCustomError(
                    INVISIBLE_ERROR_TYPE,
                    "must not contain invisible or direction-control characters "
                    "(U+{code} at index {index})",
                    {"code": f"{ord(char):04X}", "index": index},
                )
    return value


NUMBER_LIMIT = Decimal(1_000_000)  # beyond any score, point or person-day


def _json_number_in(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("expected a number, not a boolean")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
        if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
            raise ValueError(f"expected a finite number below {NUMBER_LIMIT}")
        return number
    raise ValueError("expected a JSON number")


def _one_decimal_place(value: Decimal) -> Decimal:
    if value != value.quantize(TENTH):
        raise ValueError("at most one decimal place is allowed")
    return value.quantize(TENTH)


def json_number(value: Decimal) -> int | float:
    """Write an exact one-place decimal as a JSON number.

    JSON has only one number type; a value with one decimal place and fewer than 15 digits
    has a shortest binary64 representation that prints back as exactly the same decimal, so
    this conversion at the edge of the API loses nothing. Arithmetic never sees it.
    """
    integral = value.to_integral_value()
    return int(integral) if value == integral else float(value)


Points = Annotated[
    Decimal,
    BeforeValidator(_json_number_in),
    AfterValidator(_one_decimal_place),
    PlainSerializer(json_number, return_type=int | float, when_used="json"),
]
"""A score, points or person-days: a JSON number, exact inside, at most one decimal place."""

Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]


def _require_string(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date_text(value: object) -> object:
    """Only ``YYYY-MM-DD`` reads as a date: not a timestamp, not a Unix time."""
    if not isinstance(value, str) or _ISO_DATE.fullmatch(value) is None:
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


JsonDate = Annotated[date, Strict(False), BeforeValidator(iso_date_text)]
"""A ``YYYY-MM-DD`` string (JSON has no date type, so this one field kind is parsed)."""


def _representable_in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("outside the range of dates") from exc


JsonDateTime = Annotated[
    AwareDatetime,
    Strict(False),
    BeforeValidator(_require_string),
    AfterValidator(_representable_in_utc),
]
"""An RFC 3339 timestamp with its offset."""


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null at the end"
    )


class _ByValue(GroupedMetadata):
    """An enum given by its JSON string (strict mode alone would want a Python enum member)."""

    def __iter__(self) -> Iterator[object]:
        yield Strict(False)
        yield BeforeValidator(_require_string)


ByValue = _ByValue()
"""Use as ``Annotated[Role, ByValue]``."""


__all__ = [
    "ByValue",
    "Count",
    "Id",
    "JsonDate",
    "JsonDateTime",
    "Name",
    "Page",
    "Points",
    "ReadModel",
    "StrictModel",
    "Text",
    "json_number",
]


def Line(max_length: int, *, min_length: int = 1) -> Text:
    """A single line of text (names, codes, labels): no control characters at all."""
    return Text(max_length, min_length=min_length, single_line=True)


def Name(max_length: int, *, min_length: int = 1) -> Text:
    """A name or an address: a single line with no control character and no invisible or
    direction-control character (422 ``request.invisible_characters``)."""
    return Text(max_length, min_length=min_length, single_line=True, visible_only=True)
