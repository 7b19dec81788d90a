"""Audit plans: the sites an audit visits and outlet sampling, amending a planned audit,
cancelling it, and the dates an audit actually took place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tests.support.api import Api, assert_problem
from tests.support.inspect import events, snapshot
from tests.support.workflow import Cast, Story, application_body, indicators, sheet

UNDERSAMPLED = "audit.sites_undersampled"
TEAM_DAYS_SHORT = "audit.team_days_short"


@dataclass
class Organisation:
    id: int
    headquarters: dict[str, Any]
    outlets: list[dict[str, Any]]


async def _organisation(story: Story, outlets: int) -> Organisation:
    """An organisation with its headquarters and ``outlets`` service outlets."""
    org = await story.organisation()
    url = f"/api/v1/organisations/{org['id']}/sites"
    made = [
        await story.ok(
            "POST",
            url,
            story.cast.staff,
            201,
            json={"name": f"第{n}服务网点", "address": f"服务路{n}号", "kind": "service_outlet"},
        )
        for n in range(1, outlets + 1)
    ]
    listed = (await story.ok("GET", url, story.cast.staff))["items"]
    [hq] = [s for s in listed if s["kind"] == "headquarters"]
    return Organisation(org["id"], hq, made)


async def _application(story: Story, org: Organisation, in_scope: list[int]) -> dict[str, Any]:
    """An accepted application of ``org`` with ``in_scope`` sites in its scope."""
    body = application_body(org.id, site_ids=in_scope)
    created = await story.ok("POST", "/api/v1/applications", story.cast.staff, 201, json=body)
    return await story.ok("POST", f"/api/v1/applications/{created['id']}/accept", story.cast.staff)


def _codes(audit: dict[str, Any]) -> list[str]:
    return [w["code"] for w in audit["warnings"]]


def _ids(sites: list[dict[str, Any]]) -> list[int]:
    return [s["id"] for s in sites]


async def test_the_headquarters_is_always_visited(story: Story) -> None:
    org = await _organisation(story, outlets=3)
    app = await _application(story, org, _ids(org.outlets))
    second = org.outlets[1]
    audit = await story.audit(application_id=app["id"], site_ids=[second["id"], second["id"]])
    hq = org.headquarters
    assert audit["sites"] == [
        {"id": hq["id"], "name": hq["name"], "address": hq["address"], "kind": "headquarters"},
        {
            "id": second["id"],
            "name": "第2服务网点",
            "address": "服务路2号",
            "kind": "service_outlet",
        },
    ]
    assert audit["actual_start"] is None and audit["actual_end"] is None
    # 1 of 3 outlets visited: ⌈√3⌉ = 2 are asked for
    [warning] = audit["warnings"]
    assert warning["code"] == UNDERSAMPLED
    assert "1 of the 3 service outlets" in warning["message"]
    read = await story.ok("GET", f"/api/v1/audits/{audit['id']}", story.cast.lead)
    assert read == audit
    # without site_ids: the headquarters alone
    other = await _organisation(story, outlets=0)
    plain = await story.audit(application_id=(await _application(story, other, []))["id"])
    assert _ids(plain["sites"]) == [other.headquarters["id"]]
    assert plain["warnings"] == []  # no outlet in scope, nothing to sample


async def test_nine_outlets_need_three_visits(story: Story, cast: Cast) -> None:
    org = await _organisation(story, outlets=9)
    outlets = _ids(org.outlets)
    app = await _application(story, org, outlets)
    two = await story.audit(application_id=app["id"], site_ids=outlets[:2])
    assert _codes(two) == [UNDERSAMPLED]
    assert "2 of the 9 service outlets" in two["warnings"][0]["message"]
    await story.ok(
        "POST", f"/api/v1/audits/{two['id']}/cancel", cast.staff, json={"reason": "计划调整"}
    )
    three = await story.audit(application_id=app["id"], site_ids=outlets[:3])
    assert _codes(three) == []
    # an outlet outside the application's scope does not count towards the sample
    extra = await story.ok(
        "POST",
        f"/api/v1/organisations/{org.id}/sites",
        cast.staff,
        201,
        json={"name": "新网点", "address": "新路1号", "kind": "service_outlet"},
    )
    url = f"/api/v1/audits/{three['id']}"
    amended = await story.ok(
        "PATCH", url, cast.staff, json={"site_ids": [*outlets[:2], extra["id"]]}
    )
    assert _codes(amended) == [UNDERSAMPLED]
    assert extra["id"] in _ids(amended["sites"])


async def test_sites_must_be_active_sites_of_the_organisation(
    api: Api, story: Story, cast: Cast
) -> None:
    org = await _organisation(story, outlets=2)
    app = await _application(story, org, _ids(org.outlets))
    stranger = await _organisation(story, outlets=1)
    closed = org.outlets[1]
    await story.ok(
        "PATCH",
        f"/api/v1/organisations/{org.id}/sites/{closed['id']}",
        cast.staff,
        json={"active": False},
    )
    before = await snapshot(api.db)
    body = {
        "kind": "initial",
        "application_id": app["id"],
        "lead_auditor_id": cast.lead.id,
        "team_member_ids": [],
        "planned_start": "2026-12-01",
        "planned_end": "2026-12-08",
    }
    wanted = [org.outlets[0]["id"], stranger.outlets[0]["id"], closed["id"], 999_999]
    response = await api.post("/api/v1/audits", cast.staff, json=body | {"site_ids": wanted})
    problem = assert_problem(response, 422, "audit.unknown_site")
    assert [e["loc"] for e in problem["errors"]] == [
        ["body", "site_ids", 1],
        ["body", "site_ids", 2],
        ["body", "site_ids", 3],
    ]
    assert await snapshot(api.db) == before
    audit = await story.audit(application_id=app["id"])
    before = await snapshot(api.db)
    response = await api.patch(
        f"/api/v1/audits/{audit['id']}",
        cast.staff,
        json={"site_ids": [stranger.headquarters["id"]]},
    )
    assert_problem(response, 422, "audit.unknown_site")
    assert await snapshot(api.db) == before


async def test_amending_a_plan_recomputes_its_warnings(api: Api, story: Story, cast: Cast) -> None:
    org = await _organisation(story, outlets=4)
    outlets = _ids(org.outlets)
    app = await _application(story, org, outlets)
    audit = await story.audit(application_id=app["id"], site_ids=outlets[:2])
    assert _codes(audit) == []  # 2 auditors × 8 days ≥ 14 on-site days; 2 of 4 outlets
    third = await api.actor("auditor", name="Auditor Sun")
    url = f"/api/v1/audits/{audit['id']}"
    response = await api.patch(
        url,
        cast.staff,
        headers={"If-Match": f'"{audit["version"]}"'},
        json={
            "lead_auditor_id": cast.auditor.id,
            "team_member_ids": [third.id],
            "planned_start": "2026-12-02",
            "planned_end": "2026-12-03",
            "site_ids": outlets[:1],
        },
    )
    assert response.status_code == 200, response.text
    amended = response.json()
    assert response.headers["etag"] == f'"{amended["version"]}"'
    assert amended["version"] == audit["version"] + 1
    assert amended["lead_auditor_id"] == cast.auditor.id
    assert {(m["user_id"], m["lead"]) for m in amended["team"]} == {
        (cast.auditor.id, True),
        (third.id, False),
    }
    assert (amended["planned_start"], amended["planned_end"]) == ("2026-12-02", "2026-12-03")
    assert _ids(amended["sites"]) == [org.headquarters["id"], outlets[0]]
    # 2 auditors × 2 days < 14 on-site days; 1 of 4 outlets < ⌈√4⌉
    assert _codes(amended) == [TEAM_DAYS_SHORT, UNDERSAMPLED]
    [event] = await events(api.db, entity_type="audit", action="audit.amended")
    assert event["data"]["before"] == {
        "lead_auditor_id": cast.lead.id,
        "team": sorted([cast.lead.id, cast.auditor.id]),
        "planned_start": "2026-12-01",
        "planned_end": "2026-12-08",
        "site_ids": sorted([org.headquarters["id"], *outlets[:2]]),
        "warnings": [],
    }
    assert event["data"]["after"]["warnings"] == amended["warnings"]
    assert event["actor_user_id"] == cast.staff.id
    # a lead change alone keeps the other members; the former lead leaves the team
    lead_only = await story.ok("PATCH", url, cast.staff, json={"lead_auditor_id": cast.lead.id})
    assert sorted(m["user_id"] for m in lead_only["team"]) == sorted([cast.lead.id, third.id])
    # the same plan again changes nothing
    same = await story.ok("PATCH", url, cast.staff, json={"planned_end": "2026-12-03"})
    assert same["version"] == lead_only["version"]
    # back to a full plan: no warning left
    full = await story.ok(
        "PATCH", url, cast.staff, json={"planned_end": "2026-12-09", "site_ids": outlets[:2]}
    )
    assert _codes(full) == []


async def test_amending_refusals(api: Api, story: Story, cast: Cast) -> None:
    app = await story.accepted_application()
    audit = await story.audit(application_id=app["id"])
    url = f"/api/v1/audits/{audit['id']}"
    before = await snapshot(api.db)
    stale = await api.patch(
        url, cast.staff, headers={"If-Match": '"99"'}, json={"planned_end": "2026-12-09"}
    )
    assert_problem(stale, 412, "request.precondition_failed")
    not_auditor = await api.patch(url, cast.staff, json={"team_member_ids": [cast.committee.id]})
    problem = assert_problem(not_auditor, 422, "audit.team_member_not_auditor")
    assert problem["errors"][0]["loc"] == ["body", "team_member_ids"]
    backwards = await api.patch(url, cast.staff, json={"planned_end": "2026-11-30"})
    assert_problem(backwards, 422, "request.validation")
    cleared = await api.patch(url, cast.staff, json={"planned_start": None})
    assert_problem(cleared, 422, "request.validation")
    by_auditor = await api.patch(url, cast.lead, json={"planned_end": "2026-12-09"})
    assert_problem(by_auditor, 403, "auth.forbidden")
    empty = await api.patch(url, cast.staff, json={})
    assert_problem(empty, 422, "request.validation")
    missing = await api.patch(
        "/api/v1/audits/999999", cast.staff, json={"planned_end": "2026-12-09"}
    )
    assert_problem(missing, 404, "audit.not_found")
    assert await snapshot(api.db) == before
    await story.stage1(audit["id"])
    late = await api.patch(url, cast.staff, json={"planned_end": "2026-12-09"})
    problem = assert_problem(late, 409, "audit.invalid_transition")
    assert problem["detail"] == "cannot amend an initial audit that is stage 1 passed"


async def test_cancelling_frees_the_application(api: Api, story: Story, cast: Cast) -> None:
    app = await story.accepted_application()
    audit = await story.audit(application_id=app["id"])
    url = f"/api/v1/audits/{audit['id']}/cancel"
    stale = await api.post(url, cast.staff, headers={"If-Match": '"99"'}, json={"reason": "x"})
    assert_problem(stale, 412, "request.precondition_failed")
    cancelled = await story.ok("POST", url, cast.staff, json={"reason": "企业要求改期"})
    assert cancelled["status"] == "cancelled"
    application = await story.ok("GET", f"/api/v1/applications/{app['id']}", cast.staff)
    assert application["status"] == "accepted"
    [event] = await events(api.db, entity_type="audit", action="audit.cancelled")
    assert event["reason"] == "企业要求改期"
    assert event["data"] == {"from": "planned", "to": "cancelled"}
    moves = await events(api.db, entity_type="application", entity_id=str(app["id"]))
    assert [(e["action"], e["data"].get("to")) for e in moves][-2:] == [
        ("application.audit_started", "in_audit"),
        ("application.accepted", "accepted"),
    ]
    before = await snapshot(api.db)
    again = await api.post(url, cast.staff, json={"reason": "再次取消"})
    problem = assert_problem(again, 409, "audit.invalid_transition")
    assert problem["detail"] == "cannot cancel an initial audit that is cancelled"
    amend = await api.patch(
        f"/api/v1/audits/{audit['id']}", cast.staff, json={"planned_end": "2026-12-09"}
    )
    assert_problem(amend, 409, "audit.invalid_transition")
    missing = await api.post("/api/v1/audits/999999/cancel", cast.staff, json={"reason": "x"})
    assert_problem(missing, 404, "audit.not_found")
    assert await snapshot(api.db) == before
    # the application can be audited again
    second = await story.audit(application_id=app["id"])
    assert second["status"] == "planned"


async def test_a_surveillance_samples_the_certificates_scope(story: Story, cast: Cast) -> None:
    org = await _organisation(story, outlets=4)
    outlets = _ids(org.outlets)
    app = await _application(story, org, outlets)
    initial = await story.audit(application_id=app["id"], site_ids=outlets[:2])
    await story.stage1(initial["id"])
    rubric = await indicators(story.api, cast.staff, initial["enterprise_type"])
    await story.score(initial["id"], sheet(rubric, total=Decimal("92")))
    await story.complete(initial["id"])
    number = (await story.decide(initial["id"]))["certificate"]["number"]
    # the scope is the sites of the application the certificate was issued on: 4 outlets
    one = await story.audit(kind="surveillance", certificate_number=number, site_ids=outlets[:1])
    # (planned a year early, it also ends before the surveillance window opens)
    assert _codes(one) == ["audit.before_surveillance_window", UNDERSAMPLED]
    assert "1 of the 4 service outlets" in one["warnings"][1]["message"]
    url = f"/api/v1/audits/{one['id']}/cancel"
    await story.ok("POST", url, cast.staff, json={"reason": "改期"})
    # a cancelled audit no longer holds the certificate: a new surveillance can be planned
    two = await story.audit(kind="surveillance", certificate_number=number, site_ids=outlets[2:])
    assert (two["status"], _codes(two)) == ("planned", ["audit.before_surveillance_window"])


async def _scored(story: Story) -> dict[str, Any]:
    audit = await story.scoring_audit()
    rubric = await indicators(story.api, story.cast.staff, audit["enterprise_type"])
    await story.score(audit["id"], sheet(rubric, total=Decimal("92")))
    return audit


async def test_completion_records_the_actual_dates(api: Api, story: Story, cast: Cast) -> None:
    planned = await _scored(story)
    done = await story.complete(planned["id"])  # no body: the planned dates
    assert (done["actual_start"], done["actual_end"]) == ("2026-12-01", "2026-12-08")
    audit = await _scored(story)
    url = f"/api/v1/audits/{audit['id']}/complete"
    api.clock.set_today(date(2026, 12, 10))  # the audit has taken place
    before = await snapshot(api.db)
    backwards = await api.post(url, cast.lead, json={"actual_start": "2026-12-09"})
    problem = assert_problem(backwards, 422, "request.validation")
    assert problem["errors"][0]["loc"] == ["body", "actual_start"]
    # an audit is completed once it took place: no actual date after today
    future = await api.post(url, cast.lead, json={"actual_end": "2026-12-11"})
    problem = assert_problem(future, 422, "request.validation")
    assert problem["errors"][0]["loc"] == ["body", "actual_end"]
    assert await snapshot(api.db) == before
    dates = {"actual_start": "2026-12-02", "actual_end": "2026-12-04"}
    done = await story.ok("POST", url, cast.lead, json=dates)
    assert (done["status"], done["actual_start"], done["actual_end"]) == (
        "completed",
        "2026-12-02",
        "2026-12-04",
    )
    completed = await events(api.db, entity_type="audit", action="audit.completed")
    assert [(e["data"]["actual_start"], e["data"]["actual_end"]) for e in completed] == [
        ("2026-12-01", "2026-12-08"),
        ("2026-12-02", "2026-12-04"),
    ]
    only_end = await _scored(story)
    done = await story.ok(
        "POST",
        f"/api/v1/audits/{only_end['id']}/complete",
        cast.lead,
        json={"actual_end": "2026-12-05"},
    )
    assert (done["actual_start"], done["actual_end"]) == ("2026-12-01", "2026-12-05")
