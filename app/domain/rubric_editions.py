"""Rubric editions: the points of every indicator, as a certification body loads them.

docs/domain.md §1 (editions): the standard fixes the categories (40/35/25), the sections and
the indicators; an edition gives, for each enterprise type, the points of every indicator and
which may be excluded. An edition is read from a TOML or JSON document, checked against the
standard's structure (every problem is one line naming the indicator), and identified by the
SHA-256 of its canonical content, so that the hash does not depend on how the file is written.

Numbers are read as ``Decimal`` (never binary floating point): TOML and JSON decimals go
through ``Decimal`` before anything looks at them.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from app.domain.enums import EnterpriseType
from app.domain.problems import RUBRIC_NOT_FOUND
from app.domain.rubric import (
    BUILT_IN_RUBRIC_ID,
    BUILT_IN_TITLE,
    BUILT_IN_WEIGHTS,
    CATEGORIES,
    STRUCTURE,
    TOTAL_POINTS,
    Rubric,
    Weight,
    build_rubric,
)

# ``gbt27922-2011.<edition>``: lower-case letters, digits and dashes, beginning and ending
# with a letter or a digit; the whole id fits the 40 characters of the rubric id columns.
EDITION_ID = re.compile(r"gbt27922-2011\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
MAX_ID_LENGTH = 40
MAX_TITLE_LENGTH = 200
POINTS_STEP = Decimal("0.5")
Format = Literal["toml", "json"]
_WEIGHT_KEYS = ("points", "excludable")
_TOP_KEYS = ("id", "title", *(t.value for t in EnterpriseType))


class EditionError(ValueError):
    """An edition document that cannot be used; ``problems`` holds one line per problem."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class RubricEdition:
    """An edition: an id, a title and, per enterprise type, each indicator's ``Weight``.

    Building one builds its rubrics, so an edition that does not fit the standard's
    structure or does not add up cannot exist (``from_document`` says why, line by line).
    """

    id: str
    title: str
    weights: Mapping[EnterpriseType, Mapping[str, Weight]]
    rubrics: Mapping[EnterpriseType, Rubric] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rubrics = {t: build_rubric(self.id, self.title, t, w) for t, w in self.weights.items()}
        object.__setattr__(self, "rubrics", MappingProxyType(rubrics))

    @property
    def enterprise_types(self) -> tuple[EnterpriseType, ...]:
        return tuple(self.weights)

    def rubric(self, enterprise_type: str) -> Rubric:
        """The edition's rubric for an enterprise type (a plain string is fine);
        ``rubric.not_found`` for a type it does not cover."""
        rubric = next((r for t, r in self.rubrics.items() if t.value == enterprise_type), None)
        if rubric is None:
            raise RUBRIC_NOT_FOUND(f"no rubric {self.id!r} for enterprise type {enterprise_type!r}")
        return rubric

    @property
    def canonical(self) -> str:
        """The canonical content: JSON with sorted keys, no spaces, UTF-8 text as is and
        every number in its shortest decimal form. Itself a valid edition document."""
        document: dict[str, object] = {"id": self.id, "title": self.title}
        for enterprise_type, weights in self.weights.items():
            document[enterprise_type.value] = {
                code: {"excludable": w.excludable, "points": w.points}
                for code, w in weights.items()
            }
        return _dump(document)

    @property
    def sha256(self) -> str:
        """The SHA-256 (hex) of the canonical content encoded in UTF-8."""
        return hashlib.sha256(self.canonical.encode("utf-8")).hexdigest()


BUILT_IN = RubricEdition(BUILT_IN_RUBRIC_ID, BUILT_IN_TITLE, BUILT_IN_WEIGHTS)


def parse(text: str, fmt: Format) -> RubricEdition:
    """An edition read from a TOML or JSON document; ``EditionError`` lists every problem."""
    return from_document(_load(text, fmt))


def from_stored(content: str) -> RubricEdition:
    """An edition as stored (its canonical content); the built-in id is allowed here."""
    return from_document(_load(content, "json"), stored=True)


def _load(text: str, fmt: Format) -> object:
    try:
        if fmt == "toml":
            return tomllib.loads(text, parse_float=Decimal)
        return json.loads(
            text, parse_float=Decimal, parse_constant=Decimal, object_pairs_hook=_no_repeats
        )
    except tomllib.TOMLDecodeError as exc:
        raise EditionError((f"not valid TOML: {exc}",)) from exc
    except _RepeatedKey as exc:
        raise EditionError((f"key {exc.args[0]!r} is given twice",)) from exc
    except json.JSONDecodeError as exc:
        raise EditionError((f"not valid JSON: {exc}",)) from exc


class _RepeatedKey(ValueError):
    pass


def _no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _RepeatedKey(key)
        out[key] = value
    return out


def from_document(document: object, *, stored: bool = False) -> RubricEdition:
    """Check a parsed document against the standard's structure; ``EditionError`` names
    every problem, one line each (the indicator it concerns first)."""
    if not isinstance(document, dict):
        raise EditionError(("the edition must be a table (TOML) or an object (JSON)",))
    problems = [
        f"unknown key {key!r} (the keys are {', '.join(_TOP_KEYS)})"
        for key in document
        if key not in _TOP_KEYS
    ]
    rubric_id = _check_id(document.get("id"), problems, stored=stored)
    title = _check_title(document.get("title"), problems)
    weights = {t: _check_type(t, document.get(t.value), problems) for t in EnterpriseType}
    if problems:
        raise EditionError(tuple(problems))
    return RubricEdition(rubric_id, title, weights)


def _check_id(value: object, problems: list[str], *, stored: bool) -> str:
    if stored and value == BUILT_IN_RUBRIC_ID:
        return BUILT_IN_RUBRIC_ID
    if not isinstance(value, str) or len(value) > MAX_ID_LENGTH or not EDITION_ID.fullmatch(value):
        problems.append(
            f"id {value!r} is not gbt27922-2011.<edition> (lower-case letters, digits and "
            f"dashes, beginning and ending with a letter or digit; {MAX_ID_LENGTH} "
            "characters in all at most)"
        )
        return ""
    return value


def _check_title(value: object, problems: list[str]) -> str:
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > MAX_TITLE_LENGTH
        or not value.isprintable()
    ):
        problems.append(
            f"title {value!r} must be text of 1 to {MAX_TITLE_LENGTH} characters on one line"
        )
        return ""
    return value


def _entries(
    enterprise_type: EnterpriseType, table: dict[str, object], problems: list[str]
) -> Iterator[tuple[str, object]]:
    """``(indicator code, value)``: a key ``section.indicator`` is one indicator, a key
    without a dot a table of its section's indicators (``[production.culture]``)."""
    for key, value in table.items():
        if "." in key:
            yield key, value
        elif isinstance(value, dict):
            for name, item in value.items():
                yield f"{key}.{name}", item
        else:
            problems.append(
                f"{enterprise_type} {key}: neither an indicator code (section.indicator) "
                "nor a table of a section's indicators"
            )


def _check_type(
    enterprise_type: EnterpriseType, table: object, problems: list[str]
) -> dict[str, Weight]:
    """The weights of one enterprise type; the problems found are appended."""
    if not isinstance(table, dict):
        problems.append(
            f"{enterprise_type}: {'missing' if table is None else 'not a table'}: "
            "the points of every indicator of this enterprise type are needed"
        )
        return {}
    category_of = {i.code: s.category for s in STRUCTURE[enterprise_type] for i in s.indicators}
    weights: dict[str, Weight] = {}
    seen: set[str] = set()
    for code, value in _entries(enterprise_type, table, problems):
        label = f"{enterprise_type} {code}"
        if code not in category_of:
            problems.append(f"{label}: not an indicator of the {enterprise_type} rubric")
        elif code in seen:
            problems.append(f"{label}: given twice")
        else:
            seen.add(code)
            weight = _check_weight(label, value, problems)
            if weight is not None:
                weights[code] = weight
    problems += [f"{enterprise_type} {c}: missing" for c in category_of if c not in seen]
    complete = True
    for category in CATEGORIES:
        codes = [c for c, k in category_of.items() if k == category.code]
        if not all(c in weights for c in codes):
            complete = False
            continue
        total = sum((weights[c].points for c in codes), Decimal(0))
        if total != category.max_points:
            problems.append(
                f"{enterprise_type} {category.code}: its indicators add up to "
                f"{_number(total)} points, not {_number(category.max_points)} "
                f"({', '.join(f'{c} {_number(weights[c].points)}' for c in codes)})"
            )
        if all(weights[c].excludable for c in codes):
            problems.append(
                f"{enterprise_type} {category.code}: every indicator is excludable; at "
                "least one of the category must not be"
            )
    total = sum((w.points for w in weights.values()), Decimal(0))
    if complete and total != TOTAL_POINTS:
        problems.append(
            f"{enterprise_type}: the indicators add up to {_number(total)} points, not "
            f"{_number(TOTAL_POINTS)}"
        )
    return {code: weights[code] for code in category_of if code in weights}


def _check_weight(label: str, value: object, problems: list[str]) -> Weight | None:
    if not isinstance(value, dict):
        problems.append(f"{label}: expected a table such as {{ points = 2, excludable = false }}")
        return None
    found = len(problems)
    problems += [
        f"{label}: unknown key {key!r} (the keys are points, excludable)"
        for key in value
        if key not in _WEIGHT_KEYS
    ]
    points = value.get("points")
    excludable = value.get("excludable", False)
    if points is None:
        problems.append(f"{label}: points missing")
    elif isinstance(points, bool) or not isinstance(points, int | Decimal):
        problems.append(f"{label}: points {points!r} are not a number")
    elif not (Decimal(points).is_finite() and 0 < points <= TOTAL_POINTS):
        problems.append(f"{label}: points {points} must be more than 0 and at most 100")
    elif points % POINTS_STEP != 0:
        problems.append(f"{label}: points {points} are not in steps of 0.5")
    if not isinstance(excludable, bool):
        problems.append(f"{label}: excludable {excludable!r} must be true or false")
    if len(problems) > found:
        return None
    assert isinstance(points, int | Decimal)
    assert isinstance(excludable, bool)
    return Weight(Decimal(points), excludable)


def _number(value: Decimal) -> str:
    """A decimal in its shortest plain form: 2, 2.5, 10 (never 1E+1, never 2.50)."""
    return format(value.normalize(), "f")


def _dump(value: object) -> str:
    """Canonical JSON of the values an edition holds: objects, strings, booleans, decimals."""
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(f"{_dump(k)}:{_dump(v)}" for k, v in items) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _number(value)
    assert isinstance(value, str)
    return json.dumps(value, ensure_ascii=False)


def to_toml(edition: RubricEdition, *, header: str = "") -> str:
    """The edition as a TOML document a body can edit: one table per section, each
    indicator with its names as a comment; ``header`` (comment lines) goes first."""
    lines = [header.rstrip("\n"), ""] if header else []
    lines += [f"id = {_dump(edition.id)}", f"title = {_dump(edition.title)}"]
    names = {c.code: f"{c.name} ({_number(c.max_points)} points)" for c in CATEGORIES}
    for enterprise_type, weights in edition.weights.items():
        for section in STRUCTURE[enterprise_type]:
            lines += [
                "",
                f"[{enterprise_type.value}.{section.code}]  # {section.name} {section.name_en}; "
                f"category {section.category} {names[section.category]}",
            ]
            for indicator in section.indicators:
                weight = weights[indicator.code]
                short = indicator.code.removeprefix(f"{section.code}.")
                lines.append(
                    f"{short} = {{ points = {_number(weight.points)}, excludable = "
                    f"{_dump(weight.excludable)} }}  # {indicator.name} {indicator.name_en}"
                )
    return "\n".join(lines) + "\n"
