"""The project documents itself: its generated docs are current, and every reference in the
code and the docs resolves inside the repository (a file that exists, a heading it has)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app import docs

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))
MARKDOWN = [ROOT / "README.md", *DOCS, ROOT / "bench" / "RESULTS.md"]
OUTSIDE = "/".join(("shared", "spec"))  # the specs the project was built from
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# "docs/domain.md §6.3", "docs/api.md, The event log"
SECTION = re.compile(r"([\w/]+\.md) §([0-9]+(?:\.[0-9]+)?)")
TITLED = re.compile(r"(docs/[a-z]+\.md), ([A-Z][A-Za-z ,'-]+?)[):.\n]")


def _ls_files() -> list[str]:
    git = shutil.which("git")
    assert git is not None
    out = subprocess.run([git, "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


# the project's own code (not the bench's checkouts of other versions under bench/data)
CODE = [
    ROOT / line
    for line in _ls_files()
    if line.endswith(".py") and line.split("/")[0] in {"app", "migrations", "bench", "tests"}
]


def _tracked() -> set[str]:
    return {Path(line).name for line in _ls_files()}


def _headings(path: Path) -> list[str]:
    return [
        line.lstrip("#").strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    ]


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_the_generated_tables_are_current() -> None:
    assert docs.stale() == [], "run: python -m app.docs"


@pytest.mark.parametrize("page", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_of_the_docs_resolves(page: Path) -> None:
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        assert path.is_file() and ROOT in path.parents, f"{page.name}: {target}"
        if anchor and path.suffix == ".md":
            assert anchor in {_slug(h) for h in _headings(path)}, f"{page.name}: {target}"


def test_every_markdown_file_named_is_in_the_repository() -> None:
    tracked = _tracked()
    for path in [*CODE, *MARKDOWN]:
        text = path.read_text(encoding="utf-8")
        for name in set(re.findall(r"\b[A-Za-z0-9_-]+\.md\b", text)):
            assert name in tracked, f"{path.relative_to(ROOT)} cites {name}"
        assert OUTSIDE not in text, f"{path.relative_to(ROOT)} points outside the repository"


def test_every_section_the_code_cites_exists() -> None:
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        for file, number in SECTION.findall(text):
            assert file.startswith("docs/"), f"{path.relative_to(ROOT)}: {file} §{number}"
            headings = _headings(ROOT / file)
            assert any(h.split(" ")[0].rstrip(".") == number for h in headings), (
                f"{path.relative_to(ROOT)}: {file} §{number}"
            )
        for file, title in TITLED.findall(text):
            headings = {h.lower() for h in _headings(ROOT / file)}
            assert title.strip().lower() in headings, f"{path.relative_to(ROOT)}: {file}, {title}"
