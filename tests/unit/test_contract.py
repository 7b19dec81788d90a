"""The judge of the suite's responses (tests/support/contract.py) does judge."""

from __future__ import annotations

import json

import pytest

from tests.support.contract import Recorder


def _problem(code: str, status: int) -> bytes:
    body = {"type": f"urn:starcert:problem:{code}", "title": "T", "status": status, "detail": "d"}
    return json.dumps({**body, "code": code}).encode()


@pytest.mark.parametrize(
    ("path", "method", "status", "media", "body", "finding"),
    [
        (
            "/api/v1/certificates/{number}/suspend",
            "post",
            409,
            "application/problem+json",
            _problem("user.self_lockout", 409),
            "'user.self_lockout' is not one of",
        ),
        (
            "/public/v1/certificates/{number}",
            "get",
            418,
            "application/json",
            b"{}",
            "status not documented",
        ),
        (
            "/public/v1/certificates",
            "get",
            200,
            "application/json",
            json.dumps({"items": [], "next_cursor": None, "total": 0}).encode(),
            "'total' was unexpected",
        ),
        (
            "/public/v1/certificates",
            "get",
            200,
            "application/json",
            json.dumps({"items": [{"number": "ASC-2026-000001"}], "next_cursor": None}).encode(),
            "'status' is a required property",
        ),
        ("/api/v1/nowhere", "get", 200, "application/json", b"{}", "no such operation"),
    ],
)
def test_a_response_that_breaks_the_document_is_a_violation(
    path: str, method: str, status: int, media: str, body: bytes, finding: str
) -> None:
    recorder = Recorder(app=None, seen=set())  # type: ignore[arg-type]
    recorder.judge(path, method, status, media, body)
    assert any(finding in v for v in recorder.violations), recorder.violations


def test_a_documented_response_passes() -> None:
    recorder = Recorder(app=None, seen=set())  # type: ignore[arg-type]
    body = json.dumps({"items": [], "next_cursor": None}).encode()
    recorder.judge("/public/v1/certificates", "get", 200, "application/json", body)
    recorder.judge(
        "/public/v1/certificates/{number}",
        "get",
        404,
        "application/problem+json",
        _problem("certificate.not_found", 404),
    )
    recorder.judge("/public/v1/certificates/{number}", "get", 304, "", b"")
    assert recorder.violations == []
