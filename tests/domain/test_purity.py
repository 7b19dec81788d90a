"""The domain package stays pure: stdlib imports only, and no float anywhere."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import app.domain

PACKAGE = Path(app.domain.__file__).parent
SOURCES = sorted(PACKAGE.glob("*.py"))


def test_only_the_standard_library_and_the_package_itself_are_imported() -> None:
    for path in SOURCES:
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


def test_no_float_literal_or_float_call() -> None:
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant):
                assert not isinstance(node.value, float), f"float literal in {path.name}"
            if isinstance(node, ast.Name):
                assert node.id != "float", f"float in {path.name}"


def test_files_stay_small() -> None:
    for path in SOURCES:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
