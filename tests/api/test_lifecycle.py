"""A certificate's years (docs/domain.md §6, §8, §9): surveillance up and down, suspension and
reinstatement, recertification inside and outside the window, housekeeping, withdrawal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.services import housekeeping
from tests.support.api import Api, assert_problem
from tests.support.inspect import events, snapshot
from tests.support.workflow import Cast, Story


async def _chores(api: Api) -> str:
    report = await housekeeping.run(api.db, api.app.state.settings, api.clock)
    return str(report)


async def _get(story: Story, number: str) -> dict[str, Any]:
    return await story.ok("GET", f"/api/v1/certificates/{number}", story.cast.staff)  # type: ignore[no-any-return]


def _actions(log: list[dict[str, Any]]) -> list[str]:
    return [e["action"] for e in log]


async def test_three_years_of_a_certificate(api: Api, subtests: pytest.Subtests) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    api.clock.set_today(date(2026, 11, 23))
    first = await story.certificate(total="92")
    a = first["number"]
    assert (a, first["grade"], first["expires_on"], first["next_surveillance_due"]) == (
        "ASC-2026-000001",
        "four_star",
        "2029-11-22",
        "2027-11-22",
    )

    # first surveillance lowers the grade
    api.clock.set_today(date(2027, 10, 15))
    decision = await story.surveillance(a, total="85")
    cert = decision["certificate"]
    assert (cert["status"], cert["grade"]) == ("active", "three_star")
    assert cert["last_surveillance_on"] == "2027-10-15"
    assert cert["next_surveillance_due"] == "2028-11-22"  # keeps to the cycle
    assert cert["recertification_due"] == "2029-11-22"

    # second surveillance is refused: suspended for it, and the same surveillance still due
    api.clock.set_today(date(2028, 11, 10))
    decision = await story.surveillance(a, total="65", outcome="refuse")
    cert = decision["certificate"]
    assert (cert["status"], cert["grade"], cert["status_reason"]) == (
        "suspended",
        "three_star",
        "委员会决定",
    )
    assert cert["suspension_causes"] == ["surveillance_refused"]
    assert cert["status_changed_on"] == "2028-11-10"
    assert cert["last_surveillance_on"] == "2028-11-10"
    assert cert["next_surveillance_due"] == "2028-11-22"
    assert cert["recertification_due"] == "2029-11-22"

    # staff cannot reinstate it: only a granted surveillance audit lifts that cause
    api.clock.set_today(date(2028, 12, 1))
    url = f"/api/v1/certificates/{a}"
    assert_problem(
        await api.post(f"{url}/reinstate", cast.staff, json={}), 422, "request.validation"
    )
    before = await snapshot(api.db)
    refused = await api.post(f"{url}/reinstate", cast.staff, json={"reason": "整改完成"})
    assert (
        "surveillance_refused"
        in assert_problem(refused, 409, "certificate.reinstatement_needs_audit")["detail"]
    )
    assert await snapshot(api.db) == before

    # the surveillance audited again after the corrective work: granted, active again
    decision = await story.surveillance(a, total="84")
    reinstated = decision["certificate"]
    assert (reinstated["status"], reinstated["status_reason"]) == ("active", "委员会决定")
    assert (reinstated["status_changed_on"], reinstated["suspension_causes"]) == (
        "2028-12-01",
        [],
    )
    assert reinstated["next_surveillance_due"] is None  # the cycle's two are done

    # recertification inside the window: continuity, no day lost; the old certificate names
    # its successor at once and stays in force until the new one's validity begins
    api.clock.set_today(date(2029, 8, 1))  # 113 days before expiry
    decision = await story.recertify(a, total="96")
    b = decision["certificate"]
    assert b["number"] == "ASC-2029-000001"
    assert (b["issued_on"], b["valid_from"], b["expires_on"]) == (
        "2029-08-01",
        "2029-11-23",
        "2032-11-22",
    )
    assert b["next_surveillance_due"] == "2030-11-22" and b["grade"] == "five_star"
    old = await _get(story, a)
    assert (old["status"], old["superseded_by"], old["status_changed_on"]) == (
        "active",
        b["number"],
        "2028-12-01",
    )
    verify = {"items": [{"number": a}, {"number": b["number"]}]}
    results = (await api.post("/public/v1/certificates/verify", json=verify)).json()["results"]
    assert [(r["status"], r["valid"]) for r in results] == [("active", True), ("active", False)]
    assert_problem(
        await api.post(
            "/api/v1/audits",
            cast.staff,
            json={
                "kind": "recertification",
                "certificate_number": a,
                "lead_auditor_id": cast.lead.id,
                "planned_start": "2029-09-01",
                "planned_end": "2029-09-02",
            },
        ),
        409,
        "audit.certificate_not_renewable",
    )

    # on the new certificate's first day the old one reads superseded, before housekeeping
    api.clock.set_today(date(2029, 11, 23))
    old = await _get(story, a)
    assert (old["status"], old["status_changed_on"]) == ("superseded", "2029-11-23")
    results = (await api.post("/public/v1/certificates/verify", json=verify)).json()["results"]
    assert [(r["status"], r["valid"]) for r in results] == [("superseded", False), ("active", True)]
    for action in ("reinstate", "suspend", "withdraw", "cancel"):
        with subtests.test(superseded_then=action):
            response = await api.post(f"{url}/{action}", cast.staff, json={"reason": "x"})
            assert_problem(response, 409, "certificate.invalid_transition")
    api.clock.set_today(date(2029, 11, 25))  # housekeeping records it, dated the day
    assert await _chores(api) == (
        "housekeeping 2029-11-25: expire 0, suspend 0, withdraw 0, supersede 1"
    )
    recorded = await _get(story, a)
    assert (recorded["status"], recorded["status_changed_on"], recorded["status_reason"]) == (
        "superseded",
        "2029-11-23",
        f"replaced by {b['number']}, valid from 2029-11-23",
    )

    # the status is true at read time: past expiry it reads expired before housekeeping
    api.clock.set_today(date(2032, 11, 23))
    assert (await _get(story, b["number"]))["status"] == "expired"
    assert_problem(
        await api.post(
            f"/api/v1/certificates/{b['number']}/suspend", cast.staff, json={"reason": "x"}
        ),
        409,
        "certificate.invalid_transition",
    )
    assert await _chores(api) == (
        "housekeeping 2032-11-23: expire 1, suspend 0, withdraw 0, supersede 0"
    )
    expired = await _get(story, b["number"])
    assert (expired["status"], expired["status_changed_on"]) == ("expired", "2032-11-23")
    assert expired["status_reason"] == "validity ended on 2032-11-22"
    assert await _chores(api) == (
        "housekeeping 2032-11-23: expire 0, suspend 0, withdraw 0, supersede 0"
    )

    assert _actions(await events(api.db, entity_type="certificate", entity_id=a)) == [
        "certificate.issued",
        "certificate.grade_changed",
        "certificate.surveillance_recorded",
        "certificate.suspended",
        "certificate.surveillance_recorded",
        "certificate.reinstated",
        "certificate.surveillance_recorded",
        "certificate.successor_named",
        "certificate.superseded",
    ]
    assert _actions(await events(api.db, entity_type="certificate", entity_id=b["number"])) == [
        "certificate.issued",
        "certificate.expired",
    ]
    superseded = (await events(api.db, action="certificate.superseded"))[0]
    assert superseded["actor_user_id"] is None and superseded["data"] == {
        "from": "active",
        "to": "superseded",
        "by": "housekeeping",
        "superseded_by": b["number"],
        "superseded_on": "2029-11-23",
    }
    expiry = (await events(api.db, action="certificate.expired"))[0]
    assert expiry["actor_user_id"] is None and expiry["data"]["by"] == "housekeeping"
    own = await story.ok("GET", f"/api/v1/certificates/{a}/events", cast.integrator)
    assert [e["action"] for e in own["items"]][:2] == [
        "certificate.issued",
        "certificate.grade_changed",
    ]


async def test_recertification_outside_the_window_restarts_the_cycle(api: Api) -> None:
    story = Story(api, await Cast.hire(api))
    cert = await story.certificate()  # 2026-11-23 → expires 2029-11-22
    api.clock.set_today(date(2028, 3, 1))  # 631 days before expiry
    new = (await story.recertify(cert["number"]))["certificate"]
    assert (new["number"], new["issued_on"], new["valid_from"], new["expires_on"]) == (
        "ASC-2028-000001",
        "2028-03-01",
        "2028-03-01",
        "2031-02-28",
    )
    assert new["next_surveillance_due"] == "2029-02-28"
    # the new validity begins today: the old certificate is superseded at once
    old = await _get(story, cert["number"])
    assert (old["status"], old["status_changed_on"], old["superseded_by"]) == (
        "superseded",
        "2028-03-01",
        new["number"],
    )
    log = await events(api.db, entity_type="certificate", entity_id=cert["number"])
    assert _actions(log)[-1] == "certificate.superseded"
    assert log[-1]["data"]["superseded_on"] == "2028-03-01"


async def test_recertification_window_and_29_february(api: Api) -> None:
    """docs/domain.md §6.4: old expires 2028-02-29, recertified 2027-12-10 → valid_from 2028-03-01,
    expires 2031-02-28, first surveillance due 2029-02-28."""
    story = Story(api, await Cast.hire(api))
    api.clock.set_today(date(2025, 3, 1))
    cert = await story.certificate()
    assert (cert["number"], cert["expires_on"]) == ("ASC-2025-000001", "2028-02-29")
    api.clock.set_today(date(2027, 12, 10))
    new = (await story.recertify(cert["number"]))["certificate"]
    assert (new["valid_from"], new["expires_on"], new["next_surveillance_due"]) == (
        "2028-03-01",
        "2031-02-28",
        "2029-02-28",
    )
    # an initial certificate issued on 29 February
    api.clock.set_today(date(2028, 2, 29))
    leap = await story.certificate()
    assert (leap["expires_on"], leap["next_surveillance_due"]) == ("2031-02-28", "2029-02-28")


async def test_housekeeping_suspends_overdue_and_withdraws_long_suspensions(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    cert = await story.certificate()  # surveillance due 2027-11-22
    number = cert["number"]
    api.clock.set_today(date(2027, 12, 22))  # overdue by 30 days: within the grace period
    assert await _chores(api) == (
        "housekeeping 2027-12-22: expire 0, suspend 0, withdraw 0, supersede 0"
    )
    api.clock.set_today(date(2027, 12, 23))  # overdue by 31 days
    assert await _chores(api) == (
        "housekeeping 2027-12-23: expire 0, suspend 1, withdraw 0, supersede 0"
    )
    suspended = await _get(story, number)
    assert (suspended["status"], suspended["status_changed_on"]) == ("suspended", "2027-12-23")
    assert suspended["suspension_causes"] == ["surveillance_overdue"]
    assert "overdue" in suspended["status_reason"]
    assert await _chores(api) == (
        "housekeeping 2027-12-23: expire 0, suspend 0, withdraw 0, supersede 0"
    )
    # a clerk cannot undo it: only the overdue surveillance, audited and granted
    assert_problem(
        await api.post(
            f"/api/v1/certificates/{number}/reinstate", cast.staff, json={"reason": "已缴费"}
        ),
        409,
        "certificate.reinstatement_needs_audit",
    )
    api.clock.set_today(date(2028, 6, 20))  # suspended 180 days
    assert await _chores(api) == (
        "housekeeping 2028-06-20: expire 0, suspend 0, withdraw 0, supersede 0"
    )
    api.clock.set_today(date(2028, 6, 21))  # 181 days
    assert await _chores(api) == (
        "housekeeping 2028-06-21: expire 0, suspend 0, withdraw 1, supersede 0"
    )
    withdrawn = await _get(story, number)
    assert (withdrawn["status"], withdrawn["suspension_causes"]) == ("withdrawn", [])
    assert_problem(
        await api.post(
            "/api/v1/audits",
            cast.staff,
            json={
                "kind": "surveillance",
                "certificate_number": number,
                "lead_auditor_id": cast.lead.id,
                "planned_start": "2028-07-01",
                "planned_end": "2028-07-02",
            },
        ),
        409,
        "audit.certificate_not_live",
    )


async def test_staff_status_moves(api: Api, subtests: pytest.Subtests) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    cert = await story.certificate()
    url = f"/api/v1/certificates/{cert['number']}"
    before = await snapshot(api.db)
    assert_problem(
        await api.post(f"{url}/reinstate", cast.staff, json={"reason": "x"}),
        409,
        "certificate.invalid_transition",
    )
    for role, actor in (
        ("admin", cast.admin),
        ("auditor", cast.lead),
        ("integrator", cast.integrator),
    ):
        with subtests.test(role=role):
            assert_problem(
                await api.post(f"{url}/suspend", actor, json={"reason": "x"}),
                403,
                "auth.forbidden",
            )
    assert_problem(
        await api.post(
            f"{url}/suspend", cast.staff, json={"reason": "x"}, headers={"If-Match": '"5"'}
        ),
        412,
        "request.precondition_failed",
    )
    assert_problem(
        await api.post(
            "/api/v1/certificates/ASC-2026-999999/suspend", cast.staff, json={"reason": "x"}
        ),
        404,
        "certificate.not_found",
    )
    assert await snapshot(api.db) == before
    suspended = await story.ok(
        "POST",
        f"{url}/suspend",
        cast.staff,
        json={"reason": "投诉调查"},
        headers={"If-Match": '"1"'},
    )
    assert (suspended["status"], suspended["version"]) == ("suspended", 2)
    assert suspended["suspension_causes"] == ["body_decision"]
    assert_problem(
        await api.post(f"{url}/suspend", cast.staff, json={"reason": "x"}),
        409,
        "certificate.invalid_transition",
    )
    cancelled = await story.ok("POST", f"{url}/cancel", cast.staff, json={"reason": "企业注销"})
    assert cancelled["status"] == "cancelled"
    for action in ("reinstate", "withdraw", "suspend", "cancel"):
        with subtests.test(cancelled_then=action):
            assert_problem(
                await api.post(f"{url}/{action}", cast.staff, json={"reason": "x"}),
                409,
                "certificate.invalid_transition",
            )
    other = await story.certificate()
    withdrawn = await story.ok(
        "POST",
        f"/api/v1/certificates/{other['number']}/withdraw",
        cast.staff,
        json={"reason": "虚假宣传"},
    )
    assert (withdrawn["status"], withdrawn["status_reason"]) == ("withdrawn", "虚假宣传")
    log = await events(api.db, entity_type="certificate", entity_id=cert["number"])
    assert [(e["action"], e["reason"], e["actor_user_id"]) for e in log[1:]] == [
        ("certificate.suspended", "投诉调查", cast.staff.id),
        ("certificate.cancelled", "企业注销", cast.staff.id),
    ]


async def test_the_last_known_employee_count_is_the_default(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    number = (await story.certificate())["number"]  # application: 1,200 employees
    api.clock.set_today(date(2027, 10, 1))
    plan = {"kind": "surveillance", "certificate_number": number, "lead_auditor_id": cast.lead.id,
            "team_member_ids": [cast.auditor.id], "planned_start": "2027-10-10",
            "planned_end": "2027-10-11"}  # fmt: skip
    first = await story.ok(
        "POST", "/api/v1/audits", cast.staff, 201, json=plan | {"employee_count": 12000}
    )
    # the open band: 8.5 for 10,700 employees, and 0.5 for the started 2,500 above
    assert (first["employee_count"], first["person_days"]) == (12000, 9)
    from decimal import Decimal

    from tests.support.workflow import indicators, sheet

    rubric = await indicators(api, cast.staff, "production")
    await story.score(first["id"], sheet(rubric, total=Decimal(90)))
    await story.complete(first["id"])
    await story.decide(first["id"])
    api.clock.set_today(date(2028, 10, 1))
    second = await story.ok("POST", "/api/v1/audits", cast.staff, 201, json=plan)
    assert second["employee_count"] == 12000
