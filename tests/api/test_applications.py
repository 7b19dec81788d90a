"""Applications: eligibility findings, the quote, numbers and the state machine."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.enums import Role
from tests.support.api import Api, assert_problem
from tests.support.inspect import events, snapshot
from tests.support.workflow import ALL_DOCUMENTS, Cast, Story, application_body


async def _org(api: Api, story: Story, **override: object) -> int:
    return int((await story.organisation(**override))["id"])


async def test_findings_blocking_and_warnings(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    org_id = await _org(api, story, registered_capital_cny=500_000)
    body = application_body(
        org_id,
        documents=["business_licence", "organisation_chart"],
        service_management_staff_count=25,
        certified_manager_count=2,
    )
    created = await story.ok("POST", "/api/v1/applications", cast.staff, 201, json=body)
    assert created["eligibility"]["eligible"] is False
    findings = {f["code"]: f for f in created["eligibility"]["findings"]}
    assert set(findings) == {
        "documents.missing",
        "managers.insufficient",
        "documents.permits_absent",
        "capital.low",
    }
    assert findings["documents.missing"]["severity"] == "blocking"
    for code in ("product_service_description", "service_management_documents"):
        assert code in findings["documents.missing"]["message"]
    assert findings["managers.insufficient"]["severity"] == "blocking"
    assert findings["documents.permits_absent"]["severity"] == "warning"
    assert findings["capital.low"]["severity"] == "warning"

    before = await snapshot(api.db)
    refused = await api.post(f"/api/v1/applications/{created['id']}/accept", cast.staff)
    problem = assert_problem(refused, 409, "application.not_eligible")
    assert "documents.missing" in problem["detail"] and "managers.insufficient" in problem["detail"]
    assert await snapshot(api.db) == before


async def test_warnings_do_not_block(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    org_id = await _org(api, story, registered_capital_cny=None)
    docs = [d for d in ALL_DOCUMENTS if d != "permits"]
    created = await story.ok(
        "POST",
        "/api/v1/applications",
        cast.staff,
        201,
        json=application_body(org_id, documents=docs),
    )
    assert created["eligibility"] == {
        "eligible": True,
        "findings": [
            {
                "code": "documents.permits_absent",
                "severity": "warning",
                "message": "no permits document: confirm that no licence is required by law",
            }
        ],
    }
    accepted = await story.ok("POST", f"/api/v1/applications/{created['id']}/accept", cast.staff)
    assert accepted["status"] == "accepted"


async def test_certificate_already_held_blocks(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    certificate = await story.certificate()
    org_id = certificate["organisation"]["id"]
    again = await story.ok(
        "POST", "/api/v1/applications", cast.staff, 201, json=application_body(org_id)
    )
    assert [f["code"] for f in again["eligibility"]["findings"]] == ["certificate.already_held"]
    other_type = await story.ok(
        "POST",
        "/api/v1/applications",
        cast.staff,
        201,
        json=application_body(org_id, enterprise_type="sales_service"),
    )
    assert other_type["eligibility"]["eligible"] is True
    # once the certificate has expired (read time), the organisation applies anew
    api.clock.set_today(date(2029, 12, 1))
    later = await story.ok(
        "POST", "/api/v1/applications", cast.staff, 201, json=application_body(org_id)
    )
    assert later["eligibility"]["eligible"] is True


@pytest.mark.parametrize(
    ("override", "loc"),
    [
        ({"employee_count": 0}, ["body", "employee_count"]),
        ({"service_management_staff_count": 1201}, ["body", "service_management_staff_count"]),
        ({"certified_manager_count": -1}, ["body", "certified_manager_count"]),
        ({"enterprise_type": "retail"}, ["body", "enterprise_type"]),
        ({"documents": ["business_licence", "business_licence"]}, ["body", "documents", 1]),
        ({"documents": ["passport"]}, ["body", "documents", 0]),
        ({"scope": ""}, ["body", "scope"]),
        ({"employee_count": 12.0}, ["body", "employee_count"]),
        ({"organisation_id": 0}, ["body", "organisation_id"]),
    ],
)
async def test_invalid_input_is_422(
    api: Api, override: dict[str, object], loc: list[object]
) -> None:
    staff = await api.actor(Role.STAFF)
    org_id = await _org(api, Story(api, await Cast.hire(api)))
    before = await snapshot(api.db)
    response = await api.post(
        "/api/v1/applications", staff, json=application_body(org_id) | override
    )
    problem = assert_problem(response, 422, "request.validation")
    assert loc in [e["loc"] for e in problem["errors"]]
    assert await snapshot(api.db) == before


async def test_unknown_organisation_is_404(api: Api) -> None:
    staff = await api.actor(Role.STAFF)
    response = await api.post("/api/v1/applications", staff, json=application_body(4242))
    assert_problem(response, 404, "organisation.not_found")


async def test_numbers_follow_the_year_without_gaps(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    org_id = await _org(api, story)
    numbers = []
    for today in (date(2026, 11, 23), date(2026, 12, 31), date(2027, 1, 1), date(2027, 3, 1)):
        api.clock.set_today(today)
        created = await story.ok(
            "POST", "/api/v1/applications", cast.staff, 201, json=application_body(org_id)
        )
        numbers.append(created["number"])
    assert numbers == ["SQ-2026-000001", "SQ-2026-000002", "SQ-2027-000001", "SQ-2027-000002"]


async def test_state_machine(api: Api, subtests: pytest.Subtests) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    org_id = await _org(api, story)

    async def new() -> str:
        created = await story.ok(
            "POST", "/api/v1/applications", cast.staff, 201, json=application_body(org_id)
        )
        return f"/api/v1/applications/{created['id']}"

    rejected = await new()
    body = await story.ok("POST", f"{rejected}/reject", cast.staff, json={"reason": "材料不实"})
    assert (body["status"], body["status_reason"]) == ("rejected", "材料不实")
    for step, payload in (("accept", None), ("reject", {"reason": "x"}), ("withdraw", {})):
        with subtests.test(rejected_then=step):
            before = await snapshot(api.db)
            response = await api.post(f"{rejected}/{step}", cast.staff, json=payload)
            assert_problem(response, 409, "application.invalid_transition")
            assert await snapshot(api.db) == before

    withdrawn = await new()
    body = await story.ok("POST", f"{withdrawn}/withdraw", cast.staff)
    assert body["status"] == "withdrawn" and body["status_reason"] is None

    in_audit = await new()
    await story.ok("POST", f"{in_audit}/accept", cast.staff)
    await story.audit(application_id=int(in_audit.rsplit("/", 1)[1]))
    assert_problem(
        await api.post(f"{in_audit}/reject", cast.staff, json={"reason": "x"}),
        409,
        "application.invalid_transition",
    )
    assert_problem(
        await api.post(f"{in_audit}/accept", cast.staff), 409, "application.invalid_transition"
    )
    body = await story.ok("POST", f"{in_audit}/withdraw", cast.staff, json={"reason": "企业撤回"})
    assert body["status"] == "withdrawn" and body["status_reason"] == "企业撤回"

    stale = await new()
    assert_problem(
        await api.post(f"{stale}/accept", cast.staff, headers={"If-Match": '"9"'}),
        412,
        "request.precondition_failed",
    )
    assert_problem(
        await api.post(f"{rejected}/reject", cast.staff, json={}), 422, "request.validation"
    )
    assert_problem(
        await api.post("/api/v1/applications/999/accept", cast.staff), 404, "application.not_found"
    )
    actions = [e["action"] for e in await events(api.db, entity_type="application")]
    assert actions.count("application.rejected") == 1
    assert actions.count("application.withdrawn") == 2


async def test_list_and_roles(api: Api, subtests: pytest.Subtests) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    org_a, org_b = await _org(api, story), await _org(api, story)
    for org in (org_a, org_a, org_b):
        await story.ok("POST", "/api/v1/applications", cast.staff, 201, json=application_body(org))
    listed = await story.ok(
        "GET", "/api/v1/applications", cast.staff, params={"organisation_id": org_a}
    )
    assert len(listed["items"]) == 2
    first_id = listed["items"][0]["id"]
    await story.ok("POST", f"/api/v1/applications/{first_id}/accept", cast.staff)
    accepted = await story.ok(
        "GET", "/api/v1/applications", cast.admin, params={"status": "accepted"}
    )
    assert [a["id"] for a in accepted["items"]] == [first_id]
    assert_problem(
        await api.get("/api/v1/applications", cast.staff, params={"status": "nope"}),
        422,
        "request.validation",
    )
    for role, actor in (
        ("integrator", cast.integrator),
        ("committee", cast.committee),
        ("auditor", cast.lead),
    ):
        with subtests.test(role=role):
            assert_problem(await api.get("/api/v1/applications", actor), 403, "auth.forbidden")
    assert_problem(
        await api.post("/api/v1/applications", cast.admin, json=application_body(org_a)),
        403,
        "auth.forbidden",
    )


async def test_withdrawing_during_the_audit_lets_the_audit_end(api: Api) -> None:
    from decimal import Decimal

    from tests.support.workflow import indicators, sheet

    cast = await Cast.hire(api)
    story = Story(api, cast)
    # withdrawn before stage 1: a failed stage 1 ends the audit, the application stays withdrawn
    first = await story.accepted_application()
    audit = await story.audit(application_id=first["id"])
    await story.ok("POST", f"/api/v1/applications/{first['id']}/withdraw", cast.staff)
    assert (await story.stage1(audit["id"], "failed"))["status"] == "stage1_failed"
    assert (await story.ok("GET", f"/api/v1/applications/{first['id']}", cast.staff))[
        "status"
    ] == "withdrawn"
    # withdrawn after scoring: no grant (nothing to certify), a refusal ends the audit
    second = await story.accepted_application()
    audit = await story.audit(application_id=second["id"])
    await story.stage1(audit["id"])
    rubric = await indicators(api, cast.staff, "production")
    await story.score(audit["id"], sheet(rubric, total=Decimal(90)))
    await story.complete(audit["id"])
    await story.ok("POST", f"/api/v1/applications/{second['id']}/withdraw", cast.staff)
    grant = await api.post(
        f"/api/v1/audits/{audit['id']}/decision",
        cast.committee,
        json={"outcome": "grant", "reason": "x"},
    )
    assert_problem(grant, 409, "application.invalid_transition")
    refused = await story.decide(audit["id"], "refuse", reason="申请已撤回")
    assert refused["certificate"] is None
    assert (await story.ok("GET", f"/api/v1/audits/{audit['id']}", cast.staff))[
        "status"
    ] == "decided"
    assert (await story.ok("GET", f"/api/v1/applications/{second['id']}", cast.staff))[
        "status"
    ] == "withdrawn"


async def test_only_one_of_two_accepted_applications_is_certified(api: Api) -> None:
    from decimal import Decimal

    from tests.support.workflow import indicators, sheet

    cast = await Cast.hire(api)
    story = Story(api, cast)
    org = await story.organisation()
    rubric = await indicators(api, cast.staff, "production")
    audits = []
    for _ in range(2):
        app = await story.ok(
            "POST", "/api/v1/applications", cast.staff, 201, json=application_body(org["id"])
        )
        await story.ok("POST", f"/api/v1/applications/{app['id']}/accept", cast.staff)
        audit = await story.audit(application_id=app["id"])
        await story.stage1(audit["id"])
        await story.score(audit["id"], sheet(rubric, total=Decimal(90)))
        await story.complete(audit["id"])
        audits.append(audit["id"])
    await story.decide(audits[0])
    second = await api.post(
        f"/api/v1/audits/{audits[1]}/decision",
        cast.committee,
        json={"outcome": "grant", "reason": "x"},
    )
    assert_problem(second, 409, "application.not_eligible")
