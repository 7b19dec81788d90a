"""Committee decisions: impartiality, the grade rule, corrective actions, refusals."""

from __future__ import annotations

from decimal import Decimal

from app.domain.enums import Role
from tests.support.api import Api, assert_problem
from tests.support.inspect import snapshot
from tests.support.workflow import Cast, Story, indicators, sheet


async def _completed(api: Api, story: Story, total: str, deductions: int = 0) -> int:
    audit = await story.scoring_audit()
    rubric = await indicators(api, story.cast.staff, "production")
    await story.score(audit["id"], sheet(rubric, total=Decimal(total), deductions=deductions))
    await story.complete(audit["id"])
    return int(audit["id"])


async def test_refusals_of_a_grant(api: Api, story: Story, cast: Cast) -> None:
    audit_id = await _completed(api, story, "91")  # recommends four_star
    url = f"/api/v1/audits/{audit_id}/decision"
    both = await api.actor(Role.COMMITTEE, Role.AUDITOR)
    before = await snapshot(api.db)
    grant = {"outcome": "grant", "reason": "ok"}
    assert_problem(await api.post(url, cast.staff, json=grant), 403, "auth.forbidden")
    assert_problem(await api.post(url, cast.admin, json=grant), 403, "auth.forbidden")
    assert_problem(await api.post(url, cast.lead, json=grant), 403, "auth.forbidden")
    assert_problem(
        await api.post(url, cast.committee, json={**grant, "grade": "five_star"}),
        422,
        "decision.grade_above_recommendation",
    )
    assert_problem(
        await api.post(url, cast.committee, json={**grant, "grade": "fail"}),
        422,
        "request.validation",
    )
    assert_problem(
        await api.post(
            url, cast.committee, json={"outcome": "refuse", "grade": "compliant", "reason": "x"}
        ),
        422,
        "request.validation",
    )
    assert_problem(
        await api.post(url, cast.committee, json={"outcome": "grant"}), 422, "request.validation"
    )
    assert_problem(
        await api.post(url, cast.committee, json={**grant, "outcome": "defer"}),
        422,
        "request.validation",
    )
    assert await snapshot(api.db) == before

    # a committee member who was on the audit team may not decide it
    app = await story.accepted_application()
    audit = await story.audit(application_id=app["id"], team_member_ids=[both.id])
    await story.stage1(audit["id"])
    rubric = await indicators(api, cast.staff, "production")
    await story.ok(
        "POST",
        f"/api/v1/audits/{audit['id']}/score-sheets",
        both,
        201,
        json=sheet(rubric, total=Decimal(80)),
    )
    await story.complete(audit["id"])
    partial = await api.post(f"/api/v1/audits/{audit['id']}/decision", both, json=grant)
    assert_problem(partial, 403, "decision.impartiality_conflict")

    granted = await story.decide(audit_id, grade="compliant")
    assert granted["grade"] == "compliant" and granted["certificate"]["grade"] == "compliant"
    before = await snapshot(api.db)
    assert_problem(await api.post(url, cast.committee, json=grant), 409, "audit.invalid_transition")
    assert await snapshot(api.db) == before


async def test_fail_recommendation_can_only_be_refused(api: Api, story: Story, cast: Cast) -> None:
    audit_id = await _completed(api, story, "69.9")
    url = f"/api/v1/audits/{audit_id}/decision"
    before = await snapshot(api.db)
    assert_problem(
        await api.post(url, cast.committee, json={"outcome": "grant", "reason": "x"}),
        409,
        "decision.fail_not_grantable",
    )
    assert await snapshot(api.db) == before
    refused = await story.decide(audit_id, "refuse", reason="未达到达标要求")
    assert refused["outcome"] == "refuse" and refused["grade"] is None
    assert refused["certificate"] is None
    audit = await story.ok("GET", f"/api/v1/audits/{audit_id}", cast.staff)
    application = await story.ok(
        "GET", f"/api/v1/applications/{audit['application_id']}", cast.staff
    )
    assert application["status"] == "refused"
    certificates = await story.ok("GET", "/api/v1/certificates", cast.staff)
    assert certificates["items"] == []


async def test_deciding_an_audit_that_is_not_completed(api: Api, story: Story, cast: Cast) -> None:
    audit = await story.scoring_audit()
    response = await api.post(
        f"/api/v1/audits/{audit['id']}/decision",
        cast.committee,
        json={"outcome": "refuse", "reason": "x"},
    )
    assert_problem(response, 409, "audit.invalid_transition")
    assert_problem(
        await api.post(
            "/api/v1/audits/404/decision", cast.committee, json={"outcome": "refuse", "reason": "x"}
        ),
        404,
        "audit.not_found",
    )


async def test_refuse_is_possible_with_open_corrective_actions(api: Api, story: Story) -> None:
    audit_id = await _completed(api, story, "95", deductions=1)
    blocked = await api.post(
        f"/api/v1/audits/{audit_id}/decision",
        story.cast.committee,
        json={"outcome": "grant", "reason": "x"},
    )
    assert_problem(blocked, 409, "decision.open_corrective_actions")
    refused = await story.decide(audit_id, "refuse")
    assert refused["outcome"] == "refuse"
