"""Audits: planning, team, stage 1, score sheets, completion, visibility — and every refusal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.domain.enums import Role
from tests.support.api import Api, assert_problem
from tests.support.inspect import snapshot
from tests.support.workflow import Cast, Story, application_body, indicators, sheet


async def test_initial_audit_needs_an_accepted_application(
    api: Api, story: Story, cast: Cast
) -> None:
    org = await story.organisation()
    created = await story.ok(
        "POST",
        "/api/v1/applications",
        cast.staff,
        201,
        json=application_body(org["id"]),
    )
    before = await snapshot(api.db)
    response = await api.post(
        "/api/v1/audits", cast.staff, json=_plan(cast, application_id=created["id"])
    )
    assert_problem(response, 409, "application.invalid_transition")
    assert await snapshot(api.db) == before


def _plan(cast: Cast, **over: Any) -> dict[str, Any]:
    return {
        "kind": "initial",
        "lead_auditor_id": cast.lead.id,
        "team_member_ids": [cast.auditor.id],
        "planned_start": "2026-12-01",
        "planned_end": "2026-12-08",
    } | over


async def test_team_and_plan_validation(
    api: Api, story: Story, cast: Cast, subtests: pytest.Subtests
) -> None:
    app = await story.accepted_application()
    before = await snapshot(api.db)
    team = "audit.team_member_not_auditor"
    invalid = "request.validation"
    cases = {
        "lead-not-an-auditor": (
            _plan(cast, application_id=app["id"], lead_auditor_id=cast.staff.id),
            team,
        ),
        "member-not-an-auditor": (
            _plan(cast, application_id=app["id"], team_member_ids=[cast.committee.id]),
            team,
        ),
        "member-unknown": (_plan(cast, application_id=app["id"], team_member_ids=[9999]), team),
        "end-before-start": (
            _plan(cast, application_id=app["id"], planned_end="2026-11-30"),
            invalid,
        ),
        "start-not-a-date": (
            _plan(cast, application_id=app["id"], planned_start="2026-02-30"),
            invalid,
        ),
        "initial-with-certificate": (
            _plan(cast, application_id=app["id"], certificate_number="ASC-2026-000001"),
            invalid,
        ),
        "initial-with-employee-count": (
            _plan(cast, application_id=app["id"], employee_count=10),
            invalid,
        ),
        "initial-without-application": (_plan(cast), invalid),
        "surveillance-without-certificate": (_plan(cast, kind="surveillance"), invalid),
        "surveillance-with-application": (
            _plan(cast, kind="surveillance", certificate_number="X", application_id=app["id"]),
            invalid,
        ),
        "unknown-kind": (_plan(cast, kind="audit", application_id=app["id"]), invalid),
    }
    for case, (body, code) in cases.items():
        with subtests.test(case=case):
            assert_problem(await api.post("/api/v1/audits", cast.staff, json=body), 422, code)
    assert await snapshot(api.db) == before
    ok = await story.audit(
        application_id=app["id"], team_member_ids=[cast.auditor.id, cast.lead.id]
    )
    assert [m["user_id"] for m in ok["team"]] == [cast.lead.id, cast.auditor.id]
    assert ok["warnings"] == []  # 2 auditors × 8 days = 16: enough for the 14 days on site


async def test_surveillance_and_recertification_targets(api: Api, story: Story, cast: Cast) -> None:
    assert_problem(
        await api.post(
            "/api/v1/audits",
            cast.staff,
            json=_plan(cast, kind="surveillance", certificate_number="ASC-2026-000009"),
        ),
        404,
        "certificate.not_found",
    )
    certificate = await story.certificate()
    number = certificate["number"]
    audit = await story.audit(kind="surveillance", certificate_number=f"  {number.lower()} ")
    assert audit["certificate_number"] == number
    assert audit["person_days"] == 5.5 and audit["employee_count"] == 1200
    assert_problem(
        await api.post(
            "/api/v1/audits",
            cast.staff,
            json=_plan(cast, kind="recertification", certificate_number=number),
        ),
        409,
        "audit.already_open",
    )
    bigger = await api.post(
        "/api/v1/audits",
        cast.staff,
        json=_plan(cast, kind="surveillance", certificate_number=number, employee_count=12000),
    )
    assert_problem(bigger, 409, "audit.already_open")


async def test_stage1_rules(api: Api, story: Story, cast: Cast) -> None:
    app = await story.accepted_application()
    audit = await story.audit(application_id=app["id"])
    url = f"/api/v1/audits/{audit['id']}/stage1"
    outsider = await api.actor(Role.AUDITOR)
    before = await snapshot(api.db)
    body = {"outcome": "passed", "notes": "ok"}
    assert_problem(await api.post(url, cast.auditor, json=body), 403, "audit.not_lead_auditor")
    assert_problem(await api.post(url, outsider, json=body), 403, "audit.not_on_team")
    assert_problem(await api.post(url, cast.staff, json=body), 403, "auth.forbidden")
    assert_problem(
        await api.post(url, cast.lead, json={"outcome": "maybe", "notes": "x"}),
        422,
        "request.validation",
    )
    assert_problem(
        await api.post(url, cast.lead, json={"outcome": "passed"}), 422, "request.validation"
    )
    assert await snapshot(api.db) == before

    failed = await story.stage1(audit["id"], "failed")
    assert failed["status"] == "stage1_failed"
    application = await story.ok("GET", f"/api/v1/applications/{app['id']}", cast.staff)
    assert application["status"] == "accepted"
    assert_problem(await api.post(url, cast.lead, json=body), 409, "audit.invalid_transition")
    # the documents are fixed: a new audit can be planned
    second = await story.audit(application_id=app["id"])
    assert (await story.stage1(second["id"]))["status"] == "stage1_passed"


async def test_score_sheet_rules(
    api: Api, story: Story, cast: Cast, subtests: pytest.Subtests
) -> None:
    app = await story.accepted_application()
    audit = await story.audit(application_id=app["id"])
    url = f"/api/v1/audits/{audit['id']}/score-sheets"
    rubric = await indicators(api, cast.staff, "production")
    good = sheet(rubric, total=Decimal(90))
    assert_problem(await api.post(url, cast.auditor, json=good), 409, "audit.invalid_transition")
    await story.stage1(audit["id"])
    outsider = await api.actor(Role.AUDITOR)
    assert_problem(await api.post(url, outsider, json=good), 403, "audit.not_on_team")
    assert_problem(await api.post(url, cast.staff, json=good), 403, "auth.forbidden")

    before = await snapshot(api.db)
    items = good["items"]
    broken = {
        **good,
        "items": [*items[1:], items[2], {"indicator_code": "culture.vision", "score": 1}],
    }
    problem = assert_problem(
        await api.post(url, cast.auditor, json=broken), 422, "score_sheet.invalid_items"
    )
    text = str(problem)
    for name in ("culture.philosophy", "culture.strategy", "culture.vision"):
        assert name in text

    def with_item(index: int, **item: Any) -> dict[str, Any]:
        changed = [dict(i) for i in items]
        changed[index] = {"indicator_code": items[index]["indicator_code"], **item}
        return {**good, "items": changed}

    invalid = "request.validation"
    cases = {  # item 0 is culture.philosophy, at most 2 points and not excludable
        "score-above-the-maximum": (with_item(0, score=2.1), "score_sheet.score_out_of_range"),
        "score-negative": (with_item(0, score=-0.1), "score_sheet.score_out_of_range"),
        "score-with-two-decimals": (with_item(0, score=1.25), invalid),
        "score-as-a-string": (with_item(0, score="1.5"), invalid),
        "score-as-a-boolean": (with_item(0, score=True), invalid),
        "no-score-not-excluded": (with_item(0), "score_sheet.invalid_items"),
        "excluded-not-excludable": (
            with_item(0, not_applicable=True, note="不涉及"),
            "score_sheet.not_excludable",
        ),
        # item 14 is delivery.packaging, which may be excluded
        "excluded-without-a-note": (
            with_item(14, not_applicable=True),
            "score_sheet.note_required",
        ),
        "excluded-with-a-blank-note": (
            with_item(14, not_applicable=True, note="  "),
            "score_sheet.note_required",
        ),
        "excluded-with-a-score": (
            with_item(14, score=4, not_applicable=True, note="x"),
            "score_sheet.invalid_items",
        ),
        "deduction-of-an-unknown-category": (
            {**good, "special_deductions": [{"category": "moral", "description": "x"}]},
            invalid,
        ),
        "bonus-without-a-description": ({**good, "special_bonus": {"description": ""}}, invalid),
        "bonus-as-a-list": (
            {**good, "special_bonus": [{"description": "a"}, {"description": "b"}]},
            invalid,
        ),
        "unknown-field": ({**good, "extra": 1}, invalid),
    }
    for case, (body, code) in cases.items():
        with subtests.test(case=case):
            assert_problem(await api.post(url, cast.auditor, json=body), 422, code)
    assert await snapshot(api.db) == before

    first = await story.score(audit["id"], good)
    assert (first["revision"], first["final_score"], first["grade"]) == (1, 90, "four_star")
    lead_sheet = await story.ok("POST", url, cast.lead, 201, json=sheet(rubric, total=Decimal(85)))
    assert lead_sheet["revision"] == 2 and lead_sheet["submitted_by"] == cast.lead.id
    assert_problem(await api.get(f"{url}/3", cast.staff), 404, "score_sheet.not_found")


async def test_completion_and_visibility(
    api: Api, story: Story, cast: Cast, subtests: pytest.Subtests
) -> None:
    audit = await story.scoring_audit()
    audit_url = f"/api/v1/audits/{audit['id']}"
    assert_problem(
        await api.post(f"{audit_url}/complete", cast.lead), 409, "audit.invalid_transition"
    )
    rubric = await indicators(api, cast.staff, "production")
    await story.score(audit["id"], sheet(rubric, total=Decimal(88), deductions=2))
    assert_problem(
        await api.post(f"{audit_url}/complete", cast.auditor), 403, "audit.not_lead_auditor"
    )
    completed = await story.complete(audit["id"])
    assert completed["status"] == "completed" and completed["recommended_revision"] == 1
    actions = (await story.ok("GET", f"{audit_url}/corrective-actions", cast.auditor))["items"]
    assert [a["status"] for a in actions] == ["open", "open"]
    assert_problem(
        await api.post(
            f"{audit_url}/score-sheets", cast.auditor, json=sheet(rubric, total=Decimal(90))
        ),
        409,
        "audit.invalid_transition",
    )
    assert_problem(
        await api.post(f"{audit_url}/complete", cast.lead), 409, "audit.invalid_transition"
    )

    outsider = await api.actor(Role.AUDITOR)
    for url in (
        audit_url,
        f"{audit_url}/score-sheets",
        f"{audit_url}/score-sheets/1",
        f"{audit_url}/corrective-actions",
    ):
        with subtests.test(url=url):
            assert_problem(await api.get(url, outsider), 403, "audit.not_on_team")
            assert_problem(await api.get(url, cast.integrator), 403, "auth.forbidden")
            assert (await api.get(url, cast.committee)).status_code == 200
            assert (await api.get(url, cast.admin)).status_code == 200
            assert (await api.get(url, cast.auditor)).status_code == 200
    assert_problem(await api.get("/api/v1/audits/999", cast.staff), 404, "audit.not_found")

    close_url = f"{audit_url}/corrective-actions/{actions[0]['id']}/close"
    assert_problem(
        await api.post(close_url, cast.auditor, json={"evidence": "x"}),
        403,
        "audit.not_lead_auditor",
    )
    assert_problem(await api.post(close_url, cast.staff, json={}), 422, "request.validation")
    closed = await story.ok("POST", close_url, cast.staff, json={"evidence": "整改完成"})
    assert closed["closed_by"] == cast.staff.id and closed["version"] == 2
    assert_problem(
        await api.post(close_url, cast.lead, json={"evidence": "again"}),
        409,
        "corrective_action.invalid_transition",
    )
    assert_problem(
        await api.post(
            f"{audit_url}/corrective-actions/999/close", cast.staff, json={"evidence": "x"}
        ),
        404,
        "corrective_action.not_found",
    )
