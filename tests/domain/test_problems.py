"""The problem catalogue (app.domain.problems): one definition per code, one title per status."""

from __future__ import annotations

import re

import pytest

from app.domain import problems
from app.domain.problems import CATALOGUE, TITLES, DomainError, FieldError, ProblemType


def test_every_code_is_dotted_and_defined_once_under_its_own_name() -> None:
    defined = {v.code: k for k, v in vars(problems).items() if isinstance(v, ProblemType)}
    assert list(defined) == list(CATALOGUE)
    for code, name in defined.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", code), code
        # the constant's name says the code: certificate.not_found → CERTIFICATE_NOT_FOUND;
        # request.* and auth.* without their area, and an unknown route's 404 by its name
        names = {code.upper().replace(".", "_"), code.split(".")[1].upper()}
        assert name in names or (name, code) == ("ROUTE_NOT_FOUND", "request.not_found")


def test_every_problem_has_its_status_title_and_a_sentence() -> None:
    for kind in CATALOGUE.values():
        assert kind.title == TITLES[kind.status]
        assert kind.meaning[0].isupper() or kind.meaning[0] == "`", kind.code
        assert kind.meaning.endswith("."), kind.code


def test_a_problem_raises_with_its_detail_errors_and_extensions() -> None:
    error = problems.CERTIFICATE_NOT_FOUND(
        "no certificate 'X'", errors=[FieldError(("path", "number"), "unknown")], on="2026-01-01"
    )
    assert isinstance(error, DomainError)
    assert (error.code, error.status, error.detail) == (
        "certificate.not_found",
        404,
        "no certificate 'X'",
    )
    assert error.errors == (FieldError(("path", "number"), "unknown"),)
    assert error.extensions == {"on": "2026-01-01"}
    assert str(error) == "no certificate 'X'"


@pytest.mark.parametrize(
    ("code", "status"), [("certificate.not_found", 404), ("something.new", 418)]
)
def test_a_code_is_defined_once_and_only_with_a_known_status(code: str, status: int) -> None:
    with pytest.raises(ValueError, match=code):
        problems._define(code, status, "Twice, or a status without a title.")
    assert "something.new" not in CATALOGUE
