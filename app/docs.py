"""The parts of the project's docs generated from the code, so that a fact lives once.

- ``docs/api.md``: the problem table, from the catalogue (``app.domain.problems``);
- ``docs/operations.md``: the settings table, from ``app.config.Settings``;
- ``docs/domain.md``: the person-days table, from ``app.domain.policy.PERSON_DAY_BANDS``.

Whole files too: ``docs/rubric-edition.example.toml``, an example rubric edition (the
built-in points under their own id), from ``app.domain.rubric``.

``python -m app.docs`` rewrites them between their markers; ``--check`` only says whether
they are current (the test suite checks it too).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import fields
from decimal import Decimal
from pathlib import Path

from app.config import ENV_PREFIX, Settings
from app.domain.policy import OPEN_BAND_STEP, OPEN_BAND_STEP_EMPLOYEES, PERSON_DAY_BANDS
from app.domain.problems import CATALOGUE
from app.domain.rubric_editions import BUILT_IN, RubricEdition, to_toml

ROOT = Path(__file__).resolve().parent.parent


def problem_table() -> str:
    """Every problem code, by status: status, code, title, when."""
    rows = sorted(CATALOGUE.values(), key=lambda k: (k.status, k.code))
    lines = ["| status | code | title | when |", "|---|---|---|---|"]
    lines += [f"| {k.status} | `{k.code}` | {k.title} | {k.meaning} |" for k in rows]
    return "\n".join(lines)


def _default(value: object) -> str:
    if value is None:
        return "unset"
    if value == ():
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Path) and not value.is_absolute():
        return f"`./{value}`"
    return f"`{value}`"


def settings_table() -> str:
    """Every setting: the variable, its default and what it does."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        meaning = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{ENV_PREFIX}{name.upper()}` | {_default(field.default)} | {meaning} |")
    return "\n".join(lines)


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}"


def person_days_table() -> str:
    """The person-days table of the policy: a row per band, then the step above the last."""
    lines = [
        "| employees | initial total | of which planning and document review | initial on "
        "site | surveillance total | surveillance on site | recertification total | "
        "recertification on site |",
        "|---|---|---|---|---|---|---|---|",
    ]
    low = 1
    for band in PERSON_DAY_BANDS:
        figures = " | ".join(_days(getattr(band.figures, f.name)) for f in fields(band.figures))
        lines.append(f"| {low}–{band.max_employees} | {figures} |")
        low = band.max_employees + 1
    step = " | ".join(f"+{_days(getattr(OPEN_BAND_STEP, f.name))}" for f in fields(OPEN_BAND_STEP))
    lines.append(
        f"| above {low - 1}: per started {OPEN_BAND_STEP_EMPLOYEES:,} employees | {step} |"
    )
    return "\n".join(lines)


# (file, marker name, what goes between its markers)
BLOCKS: Sequence[tuple[str, str, Callable[[], str]]] = (
    ("docs/api.md", "problem-table", problem_table),
    ("docs/operations.md", "settings-table", settings_table),
    ("docs/domain.md", "person-days-table", person_days_table),
)


EXAMPLE_EDITION = RubricEdition(
    "gbt27922-2011.example", f"{BUILT_IN.title}（示例 example）", BUILT_IN.weights
)
EXAMPLE_HEADER = """\
# An example rubric edition for STARCERT_RUBRIC_FILE (docs/operations.md, Rubric editions).
#
# GB/T 27922-2011 fixes the categories (service_system 40, product_service 35 and
# customer_service 25 points), the sections and the indicators below. An edition gives the
# points of every indicator (more than 0, in steps of 0.5) and whether it may be excluded as
# not applicable (excludable, false when left out). The indicators of each category add up to
# its points, and each category keeps at least one that cannot be excluded.
#
# This one repeats starcert's built-in points under its own id. For your own scoring sheet,
# copy it, give it an id gbt27922-2011.<edition> (lower-case letters, digits and dashes) and
# a title, and change the points. An edition never changes once used: changed points need a
# new id. Generated from app/domain/rubric.py by python -m app.docs.
"""


def example_edition() -> str:
    """The example rubric edition file (TOML)."""
    return to_toml(EXAMPLE_EDITION, header=EXAMPLE_HEADER)


# (file, its whole content)
FILES: Sequence[tuple[str, Callable[[], str]]] = (
    ("docs/rubric-edition.example.toml", example_edition),
)


def render(text: str, marker: str, content: str) -> str:
    """``text`` with ``content`` between ``<!-- marker:begin -->`` and its end marker."""
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    head, found, rest = text.partition(begin)
    _, found_end, tail = rest.partition(end)
    if not found or not found_end:
        raise ValueError(f"markers {begin} … {end} not found")
    return f"{head}{begin}\n{content}\n{end}{tail}"


def stale() -> list[str]:
    """The generated files that are not current."""
    out = []
    for name, marker, make in BLOCKS:
        path = ROOT / name
        text = path.read_text(encoding="utf-8")
        if render(text, marker, make()) != text:
            out.append(name)
    for name, make in FILES:
        path = ROOT / name
        if not path.is_file() or path.read_text(encoding="utf-8") != make():
            out.append(name)
    return out


def main(argv: Sequence[str]) -> int:
    if "--check" in argv:
        names = stale()
        for name in names:
            print(f"{name} is not current: run python -m app.docs")  # noqa: T201
        return 1 if names else 0
    for name, marker, make in BLOCKS:
        path = ROOT / name
        text = path.read_text(encoding="utf-8")
        path.write_text(render(text, marker, make()), encoding="utf-8")
    for name, make in FILES:
        (ROOT / name).write_text(make(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
