"""Each problem a route declares is one it answers: the unknown ids of every route, and the
refusals no other test reaches (the suite fails when a declared code is never provoked,
tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api, assert_problem
from tests.support.inspect import snapshot
from tests.support.workflow import Cast, Story

UNKNOWN = 999_999
NUMBER = "ASC-2026-999999"
REASON = {"reason": "核查"}


@pytest.mark.parametrize(
    ("method", "path", "who", "body", "code"),
    [
        ("GET", f"/api/v1/users/{UNKNOWN}/api-keys", "admin", None, "user.not_found"),
        ("GET", f"/api/v1/applications/{UNKNOWN}", "staff", None, "application.not_found"),
        (
            "POST",
            f"/api/v1/applications/{UNKNOWN}/reject",
            "staff",
            REASON,
            "application.not_found",
        ),
        (
            "POST",
            f"/api/v1/applications/{UNKNOWN}/withdraw",
            "staff",
            None,
            "application.not_found",
        ),
        (
            "POST",
            f"/api/v1/audits/{UNKNOWN}/stage1",
            "lead",
            {"outcome": "passed", "notes": "文件审核"},
            "audit.not_found",
        ),
        ("GET", f"/api/v1/audits/{UNKNOWN}/score-sheets", "staff", None, "audit.not_found"),
        (
            "POST",
            f"/api/v1/audits/{UNKNOWN}/score-sheets",
            "auditor",
            {"items": []},
            "audit.not_found",
        ),
        ("GET", f"/api/v1/audits/{UNKNOWN}/score-sheets/1", "staff", None, "audit.not_found"),
        ("POST", f"/api/v1/audits/{UNKNOWN}/complete", "lead", None, "audit.not_found"),
        ("GET", f"/api/v1/audits/{UNKNOWN}/corrective-actions", "staff", None, "audit.not_found"),
        (
            "POST",
            f"/api/v1/audits/{UNKNOWN}/corrective-actions/1/close",
            "staff",
            {"evidence": "已整改"},
            "audit.not_found",
        ),
        ("GET", f"/api/v1/certificates/{NUMBER}/events", "staff", None, "certificate.not_found"),
        (
            "POST",
            f"/api/v1/certificates/{NUMBER}/reinstate",
            "staff",
            REASON,
            "certificate.not_found",
        ),
        (
            "POST",
            f"/api/v1/certificates/{NUMBER}/withdraw",
            "staff",
            REASON,
            "certificate.not_found",
        ),
        ("POST", f"/api/v1/certificates/{NUMBER}/cancel", "staff", REASON, "certificate.not_found"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("/") else None,
)
async def test_an_unknown_id_is_the_routes_own_not_found(
    api: Api, cast: Cast, method: str, path: str, who: str, body: Any, code: str
) -> None:
    before = await snapshot(api.db)
    response = await api.request(method, path, getattr(cast, who), json=body)
    assert_problem(response, 404, code)
    assert await snapshot(api.db) == before


async def test_an_initial_audit_of_an_unknown_application_is_404(api: Api, cast: Cast) -> None:
    body = {
        "kind": "initial",
        "application_id": UNKNOWN,
        "lead_auditor_id": cast.lead.id,
        "team_member_ids": [cast.auditor.id],
        "planned_start": "2026-12-01",
        "planned_end": "2026-12-08",
    }
    assert_problem(
        await api.post("/api/v1/audits", cast.staff, json=body), 404, "application.not_found"
    )


async def test_an_inactive_user_gets_no_key(api: Api, cast: Cast) -> None:
    url = f"/api/v1/users/{cast.integrator.id}"
    await Story(api, cast).ok("PATCH", url, cast.admin, json={"active": False})
    response = await api.post(f"{url}/api-keys", cast.admin, json={"label": "again"})
    assert_problem(response, 409, "user.inactive")


async def test_a_changed_uscc_is_checked_too(api: Api, story: Story, cast: Cast) -> None:
    organisation = await story.organisation()
    response = await api.patch(
        f"/api/v1/organisations/{organisation['id']}",
        cast.staff,
        json={"uscc": "91440400192548256X"},
    )
    assert_problem(response, 422, "organisation.invalid_uscc")


async def test_an_auditor_off_the_team_cannot_complete(api: Api, story: Story, cast: Cast) -> None:
    audit = await story.scoring_audit()
    outsider = await api.actor("auditor")
    response = await api.post(f"/api/v1/audits/{audit['id']}/complete", outsider)
    assert_problem(response, 403, "audit.not_on_team")
