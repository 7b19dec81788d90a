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


DECLARED = {"no_major_service_failures": True, "no_major_quality_incidents": True}


async def test_the_quote_shows_every_figure_of_the_table(
    api: Api, story: Story, cast: Cast
) -> None:
    org_id = await _org(api, story)
    body = application_body(org_id, employee_count=10_701)
    created = await story.ok("POST", "/api/v1/applications", cast.staff, 201, json=body)
    # the open band: 8501–10700's figures and one step for the started 2,500 above
    assert created["quote"] == {
        "person_days": {
            "initial": 26,
            "initial_on_site": 23,
            "document_review": 3,
            "surveillance": 9,
            "surveillance_on_site": 8,
            "recertification": 17,
            "recertification_on_site": 16,
        },
        "fees": {
            "application_fee_cny": 1000,
            "registration_fee_cny": 2000,
            "annual_fee_cny": 2000,
            "audit_fee_cny": 78000,
            "first_year_total_cny": 83000,
            "three_year_total_cny": 83000 + 2 * (2000 + 27000),
            "recertification_total_cny": 2000 + 2000 + 51000,
        },
    }
    small = await story.ok(
        "POST",
        "/api/v1/applications",
        cast.staff,
        201,
        json=application_body(org_id, employee_count=1, service_management_staff_count=1),
    )
    assert small["quote"]["person_days"] == {
        "initial": 3,
        "initial_on_site": 2,
        "document_review": 1,
        "surveillance": 1.5,
        "surveillance_on_site": 1,
        "recertification": 2,
        "recertification_on_site": 1.5,
    }


async def test_a_quote_stored_before_the_table_answers_null_for_what_it_never_had(
    api: Api, story: Story, cast: Cast
) -> None:
    from sqlalchemy import text

    org_id = await _org(api, story)
    created = await story.ok(
        "POST", "/api/v1/applications", cast.staff, 201, json=application_body(org_id)
    )
    # as migration 0005 leaves a quote given before it: the old three figures, nothing else
    async with api.db.write_sessions() as session:
        await session.execute(
            text(
                "UPDATE applications SET initial_on_site_person_days = NULL, "
                "document_review_person_days = NULL, surveillance_on_site_person_days = NULL, "
                "recertification_on_site_person_days = NULL, recertification_total_cny = NULL, "
                "recertification_person_days = :old, declarations = NULL WHERE id = :id"
            ),
            {"old": 160 if api.db.is_sqlite else 16, "id": created["id"]},
        )
        await session.commit()
    read = await story.ok("GET", f"/api/v1/applications/{created['id']}", cast.staff)
    assert read["quote"]["person_days"] == {
        "initial": 16,
        "initial_on_site": None,
        "document_review": None,
        "surveillance": 5.5,
        "surveillance_on_site": None,
        "recertification": 16,  # the old rule's figure, kept as given
        "recertification_on_site": None,
    }
    assert read["quote"]["fees"]["recertification_total_cny"] is None
    assert read["quote"]["fees"]["first_year_total_cny"] == 53000
    assert read["declarations"] is None


@pytest.mark.parametrize(
    ("declarations", "named"),
    [
        (None, ["no_major_service_failures", "no_major_quality_incidents"]),
        (
            {"no_major_service_failures": False, "no_major_quality_incidents": True},
            ["no_major_service_failures"],
        ),
        (
            {"no_major_service_failures": True, "no_major_quality_incidents": False},
            ["no_major_quality_incidents"],
        ),
    ],
)
async def test_declarations_missing_blocks_acceptance_and_is_not_a_422(
    api: Api, story: Story, cast: Cast, declarations: dict[str, bool] | None, named: list[str]
) -> None:
    org_id = await _org(api, story)
    body = application_body(org_id)
    if declarations is None:
        del body["declarations"]  # an existing client that knows nothing of them
    else:
        body["declarations"] = declarations
    created = await story.ok("POST", "/api/v1/applications", cast.staff, 201, json=body)
    assert created["declarations"] == declarations
    assert created["eligibility"]["eligible"] is False
    [finding] = created["eligibility"]["findings"]
    assert (finding["code"], finding["severity"]) == ("declarations.missing", "blocking")
    for name in named:
        assert name in finding["message"]
    before = await snapshot(api.db)
    refused = await api.post(f"/api/v1/applications/{created['id']}/accept", cast.staff)
    problem = assert_problem(refused, 409, "application.not_eligible")
    assert "declarations.missing" in problem["detail"]
    assert await snapshot(api.db) == before
    [submitted] = await events(api.db, action="application.submitted", entity_id=str(created["id"]))
    assert submitted["data"]["declarations"] == declarations


async def test_both_declarations_made_let_the_application_be_accepted(
    api: Api, story: Story, cast: Cast
) -> None:
    org_id = await _org(api, story)
    body = application_body(org_id, declarations=DECLARED)
    created = await story.ok("POST", "/api/v1/applications", cast.staff, 201, json=body)
    assert created["declarations"] == DECLARED
    assert created["eligibility"] == {"eligible": True, "findings": []}
    accepted = await story.ok("POST", f"/api/v1/applications/{created['id']}/accept", cast.staff)
    assert accepted["declarations"] == DECLARED


@pytest.mark.parametrize(
    "declarations",
    [
        {"no_major_service_failures": "true", "no_major_quality_incidents": True},
        {"no_major_service_failures": 1, "no_major_quality_incidents": True},
        {"no_major_service_failures": True},
        {"no_major_service_failures": True, "no_major_quality_incidents": True, "other": True},
        [True, True],
    ],
)
async def test_malformed_declarations_are_422(
    api: Api, story: Story, cast: Cast, declarations: object
) -> None:
    org_id = await _org(api, story)
    before = await snapshot(api.db)
    body = application_body(org_id, declarations=declarations)
    response = await api.post("/api/v1/applications", cast.staff, json=body)
    problem = assert_problem(response, 422, "request.validation")
    assert all(e["loc"][:2] == ["body", "declarations"] for e in problem["errors"])
    assert await snapshot(api.db) == before


@pytest.mark.parametrize(
    ("prefix", "what"),
    [("92", "individual business"), ("93", "farmers' cooperative"), ("12", "public institution")],
)
async def test_only_an_enterprise_may_apply(
    api: Api, story: Story, cast: Cast, prefix: str, what: str
) -> None:
    import random

    from app.domain import uscc

    code = uscc.generate(random.Random(what), authority=prefix[0], organisation_type=prefix[1])
    org_id = await _org(api, story, uscc=code)
    created = await story.ok(
        "POST", "/api/v1/applications", cast.staff, 201, json=application_body(org_id)
    )
    [finding] = created["eligibility"]["findings"]
    assert (finding["code"], finding["severity"]) == ("organisation.not_enterprise", "blocking")
    assert code in finding["message"]
    refused = await api.post(f"/api/v1/applications/{created['id']}/accept", cast.staff)
    assert_problem(refused, 409, "application.not_eligible")
