"""The parts of the project's docs generated from the code, so that a fact lives once.

- ``docs/api.md``: the problem table, from the catalogue (``app.domain.problems``);
- ``docs/operations.md``: the settings table, from ``app.config.Settings``.

``python -m app.docs`` rewrites them between their markers; ``--check`` only says whether
they are current (the test suite checks it too).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.config import ENV_PREFIX, Settings
from app.domain.problems import CATALOGUE

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


# (file, marker name, what goes between its markers)
BLOCKS: Sequence[tuple[str, str, Callable[[], str]]] = (
    ("docs/api.md", "problem-table", problem_table),
    ("docs/operations.md", "settings-table", settings_table),
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
