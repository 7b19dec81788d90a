"""The domain package stays pure: stdlib imports only, and no float anywhere."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import app.domain

PACKAGE = Path(app.domain.__file__).parent
SOURCES = sorted(PACKAGE.glob("*.py"))
EACH_SOURCE = pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)


def test_the_sources_are_found() -> None:
    """The tests below run once per file: an empty glob would leave nothing checked."""
    assert {"__init__.py", "lifecycle.py", "scoring.py", "uscc.py"} <= {p.name for p in SOURCES}


@EACH_SOURCE
def test_only_the_standard_library_and_the_package_itself_are_imported(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or name.startswith("app.domain")
            assert allowed, f"{path.name} imports {name}"


@EACH_SOURCE
def test_no_float_literal_or_float_call(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant):
            assert not isinstance(node.value, float), f"float literal in {path.name}"
        if isinstance(node, ast.Name):
            assert node.id != "float", f"float in {path.name}"


@EACH_SOURCE
def test_files_stay_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
