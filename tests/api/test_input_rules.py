"""The same input rules on both JSON surfaces (/api/v1 and /public/v1): strict query
parameters, JSON bodies only, exact numbers; the /verify pages forgive unknown parameters."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.domain.enums import Role
from tests.support.api import Api, assert_problem
from tests.support.inspect import snapshot
from tests.support.workflow import Cast, Story, indicators, sheet

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    "query",
    [
        "expiring_before=0",  # once read as a Unix time
        "expiring_before=1798761600",
        "expiring_before=2027-01-01T00:00:00",
        "expiring_before=2027-1-1",
        "limit=5.0",
        "limit=+5",
        "limit=1_0",
        "limit=%205",
        "organisation_id=1e3",
        "stauts=active",  # an unknown parameter, a typo
    ],
)
async def test_api_query_parameters_are_as_strict_as_bodies(api: Api, query: str) -> None:
    staff = await api.actor(Role.STAFF)
    response = await api.get(f"/api/v1/certificates?{query}", staff)
    body = assert_problem(response, 422, "request.validation")
    name = query.split("=")[0]
    assert [e["loc"] for e in body["errors"]] == [["query", name]]
    assert "Value error" not in body["errors"][0]["msg"]


async def test_well_formed_query_parameters_are_taken(api: Api) -> None:
    staff = await api.actor(Role.STAFF)
    response = await api.get("/api/v1/certificates?expiring_before=2027-01-01&limit=5", staff)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "path",
    [
        "/public/v1/certificates?name=格力&colour=red",
        "/public/v1/certificates/ASC-2026-000001?utm_source=x",
        "/public/v1/certificates?name=格力&limit=5.0",
    ],
)
async def test_public_query_parameters_are_as_strict(api: Api, path: str) -> None:
    assert_problem(await api.get(path), 422, "request.validation")


async def test_the_pages_ignore_parameters_they_do_not_know(api: Api) -> None:
    # messaging apps append their own to shared links
    response = await api.get("/verify?q=格力&from=singlemessage&isappinstalled=0")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    missing = await api.get("/verify/ASC-2026-000404?from=singlemessage")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")


async def test_get_of_the_batch_path_is_405_not_a_lookup(api: Api) -> None:
    response = await api.get("/public/v1/certificates/verify")
    assert_problem(response, 405, "request.method_not_allowed")
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_a_body_not_sent_as_json_is_415_on_the_api(api: Api, content_type: str) -> None:
    staff = await api.actor(Role.STAFF)
    before = await snapshot(api.db)
    body = json.dumps({"name": "格力", "uscc": "91440400192548256N", "address": "珠海"})
    response = await api.post(
        "/api/v1/organisations", staff, content=body, headers={"content-type": content_type}
    )
    assert_problem(response, 415, "request.unsupported_media_type")
    assert await snapshot(api.db) == before


async def test_the_caller_is_judged_before_the_media_type(api: Api) -> None:
    response = await api.post(
        "/api/v1/organisations", content=b"{}", headers={"content-type": "text/plain"}
    )
    assert_problem(response, 401, "auth.unauthenticated")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_nan_and_infinity_are_not_json_on_either_surface(api: Api, constant: str) -> None:
    staff = await api.actor(Role.STAFF)
    body = f'{{"name": "x", "employee_count": {constant}}}'.encode()
    assert_problem(
        await api.post("/api/v1/organisations", staff, content=body, headers=JSON),
        400,
        "request.malformed_json",
    )
    batch = f'{{"items": [{{"number": {constant}}}]}}'.encode()
    assert_problem(
        await api.post("/public/v1/certificates/verify", content=batch, headers=JSON),
        400,
        "request.malformed_json",
    )


@pytest.mark.parametrize(
    "number", ["1e1000000", "1" + "0" * 5000, "1" + "0" * 40 + ".5", "-1e-1000000", "5e99"]
)
async def test_a_number_too_large_for_exact_arithmetic_is_refused(api: Api, number: str) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    audit = await story.scoring_audit()
    rubric = await indicators(api, cast.staff, audit["enterprise_type"])
    body: dict[str, Any] = sheet(rubric)
    raw = json.dumps(body).replace(
        f'"score": {json.dumps(body["items"][0]["score"])}', f'"score": {number}', 1
    )
    before = await snapshot(api.db)
    response = await api.post(
        f"/api/v1/audits/{audit['id']}/score-sheets", cast.auditor, content=raw, headers=JSON
    )
    problem = assert_problem(response, 422, "request.validation")
    assert problem["errors"][0]["loc"] == ["body", "items", 0, "score"]
    assert await snapshot(api.db) == before


@pytest.mark.parametrize("value", ["2027-01-11T00:00:00", "1798761600", "2027-1-11", "20270111"])
async def test_a_date_in_a_body_is_yyyy_mm_dd_only(api: Api, value: str) -> None:
    cast = await Cast.hire(api)
    application = await Story(api, cast).accepted_application()
    body = {
        "kind": "initial",
        "application_id": application["id"],
        "lead_auditor_id": cast.lead.id,
        "team_member_ids": [],
        "planned_start": value,
        "planned_end": "2027-01-20",
    }
    problem = assert_problem(
        await api.post("/api/v1/audits", cast.staff, json=body), 422, "request.validation"
    )
    assert problem["errors"][0]["loc"] == ["body", "planned_start"]


async def test_refusals_read_as_english(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    audit = await story.scoring_audit()
    response = await api.post(
        f"/api/v1/audits/{audit['id']}/stage1", cast.lead, json={"outcome": "passed", "notes": "x"}
    )
    problem = assert_problem(response, 409, "audit.invalid_transition")
    assert problem["detail"] == "cannot pass stage 1 of an initial audit that is stage 1 passed"
    application = await story.accepted_application()
    url = f"/api/v1/applications/{application['id']}"
    await story.ok("POST", f"{url}/withdraw", cast.staff, json={"reason": "客户撤回"})
    problem = assert_problem(
        await api.post(f"{url}/accept", cast.staff), 409, "application.invalid_transition"
    )
    assert problem["detail"] == "cannot accept an application that is withdrawn"
