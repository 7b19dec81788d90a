"""Raising a certificate's grade (docs/domain.md §6): the `upgrade` audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.support.api import Api, assert_problem
from tests.support.inspect import events, snapshot
from tests.support.workflow import Cast, Story, indicators, sheet

DATES = ("issued_on", "valid_from", "expires_on", "next_surveillance_due", "recertification_due")


def _plan(cast: Cast, number: str) -> dict[str, Any]:
    return {
        "kind": "upgrade",
        "certificate_number": number,
        "lead_auditor_id": cast.lead.id,
        "team_member_ids": [cast.auditor.id],
        "planned_start": "2027-12-01",
        "planned_end": "2027-12-05",
    }


async def _three_star_after_a_surveillance(api: Api, story: Story) -> dict[str, Any]:
    api.clock.set_today(date(2026, 11, 23))
    first = await story.certificate(total="85")
    assert first["grade"] == "three_star"
    api.clock.set_today(date(2027, 10, 15))  # the first surveillance is due 2027-11-22
    decision = await story.surveillance(first["number"], total="86")
    api.clock.set_today(date(2027, 12, 1))
    return decision["certificate"]  # type: ignore[no-any-return]


async def _scored(story: Story, audit: dict[str, Any], total: str) -> None:
    rubric = await indicators(story.api, story.cast.staff, audit["enterprise_type"])
    await story.score(audit["id"], sheet(rubric, total=Decimal(total)))
    await story.complete(audit["id"])


async def test_a_grant_raises_the_grade_and_keeps_number_and_validity(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    before = await _three_star_after_a_surveillance(api, story)
    number = before["number"]

    audit = await story.ok("POST", "/api/v1/audits", cast.staff, 201, json=_plan(cast, number))
    # the recertification person-days of 1,200 employees (10, of which 9 on site)
    assert (audit["kind"], audit["status"], audit["person_days"]) == ("upgrade", "planned", 10)
    stage1 = await api.request(
        "POST",
        f"/api/v1/audits/{audit['id']}/stage1",
        cast.lead,
        json={"outcome": "passed", "notes": "文件审核"},
    )
    assert_problem(stage1, 409, "audit.invalid_transition")  # an upgrade has no stage 1

    await _scored(story, audit, "96")
    decision = await story.decide(audit["id"])
    after = decision["certificate"]
    assert (after["number"], after["grade"], after["status"]) == (number, "five_star", "active")
    assert after["final_score"] == "96.0" or Decimal(str(after["final_score"])) == Decimal(96)
    for field in DATES:
        assert after[field] == before[field], field
    changed = [
        e
        for e in await events(api.db, entity_type="certificate", entity_id=number)
        if e["action"] == "certificate.grade_changed"
    ]
    assert (changed[-1]["data"]["from"], changed[-1]["data"]["to"]) == ("three_star", "five_star")
    assert changed[-1]["data"]["audit_id"] == audit["id"]
    granted = [
        e
        for e in await events(api.db, entity_type="certificate", entity_id=number)
        if e["action"] == "certificate.upgrade_granted"
    ]
    assert [(e["data"]["grade"], e["data"]["audit_id"]) for e in granted] == [
        ("five_star", audit["id"])
    ]


async def test_a_refusal_changes_nothing(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    before = await _three_star_after_a_surveillance(api, story)
    number = before["number"]
    audit = await story.ok("POST", "/api/v1/audits", cast.staff, 201, json=_plan(cast, number))
    await _scored(story, audit, "96")
    rows = await snapshot(api.db, "certificates")
    decision = await story.decide(audit["id"], "refuse")
    assert decision["certificate"]["grade"] == "three_star"
    assert decision["certificate"]["status"] == "active"
    assert await snapshot(api.db, "certificates") == rows
    # and the certificate may try again later
    await story.ok("POST", "/api/v1/audits", cast.staff, 201, json=_plan(cast, number))


async def test_the_grant_is_never_above_the_recommendation(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    before = await _three_star_after_a_surveillance(api, story)
    audit = await story.ok(
        "POST", "/api/v1/audits", cast.staff, 201, json=_plan(cast, before["number"])
    )
    await _scored(story, audit, "92")  # four stars recommended
    url = f"/api/v1/audits/{audit['id']}/decision"
    body = {"outcome": "grant", "grade": "five_star", "reason": "委员会决定"}
    response = await api.request("POST", url, cast.committee, json=body)
    assert_problem(response, 422, "decision.grade_above_recommendation")
    decision = await story.decide(audit["id"])
    assert decision["certificate"]["grade"] == "four_star"


async def test_who_may_be_upgraded(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    api.clock.set_today(date(2026, 11, 23))
    fresh = await story.certificate(total="85")

    # not before the first surveillance
    response = await api.request(
        "POST", "/api/v1/audits", cast.staff, json=_plan(cast, fresh["number"])
    )
    problem = assert_problem(response, 409, "audit.upgrade_not_eligible")
    assert "surveillance" in problem["detail"]

    # not while suspended
    surveilled = await _three_star_after_a_surveillance(api, story)
    number = surveilled["number"]
    await story.ok(
        "POST", f"/api/v1/certificates/{number}/suspend", cast.staff, json={"reason": "欠费"}
    )
    response = await api.request("POST", "/api/v1/audits", cast.staff, json=_plan(cast, number))
    assert_problem(response, 409, "audit.certificate_not_live")
    await story.ok(
        "POST", f"/api/v1/certificates/{number}/reinstate", cast.staff, json={"reason": "已缴费"}
    )

    # not once a successor is named (recertified inside the window: the old certificate
    # stays active until its successor's validity begins): raise the new one's grade instead
    api.clock.set_today(date(2029, 8, 1))  # expires 2029-11-22
    recertified = await story.recertify(number, total="96")
    assert recertified["certificate"]["valid_from"] == "2029-11-23"
    response = await api.request("POST", "/api/v1/audits", cast.staff, json=_plan(cast, number))
    assert_problem(response, 409, "audit.upgrade_not_eligible")
    # and once superseded, it is not live
    api.clock.set_today(date(2029, 11, 23))
    response = await api.request("POST", "/api/v1/audits", cast.staff, json=_plan(cast, number))
    assert_problem(response, 409, "audit.certificate_not_live")

    # an unknown certificate
    response = await api.request(
        "POST", "/api/v1/audits", cast.staff, json=_plan(cast, "ASC-2026-999999")
    )
    assert_problem(response, 404, "certificate.not_found")


async def test_a_grant_needs_the_certificate_still_active(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    before = await _three_star_after_a_surveillance(api, story)
    number = before["number"]
    audit = await story.ok("POST", "/api/v1/audits", cast.staff, 201, json=_plan(cast, number))
    await _scored(story, audit, "96")
    await story.ok(
        "POST", f"/api/v1/certificates/{number}/suspend", cast.staff, json={"reason": "欠费"}
    )
    url = f"/api/v1/audits/{audit['id']}/decision"
    response = await api.request(
        "POST", url, cast.committee, json={"outcome": "grant", "reason": "委员会决定"}
    )
    assert_problem(response, 409, "audit.certificate_not_live")
    assert (await story.ok("GET", f"/api/v1/certificates/{number}", cast.staff))["grade"] == (
        "three_star"
    )
    decision = await story.decide(audit["id"], "refuse")  # a refusal is always recorded
    assert decision["certificate"]["status"] == "suspended"
