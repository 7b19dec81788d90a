"""A certificate's standing through the API (docs/domain.md §6, §7): each surveillance in its
window, the causes of a suspension and each one's way back, a surveillance never raising the
grade, and a recertified certificate in force until its successor's validity begins."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.services import housekeeping
from tests.support.api import Api, assert_problem
from tests.support.inspect import events, snapshot
from tests.support.workflow import Cast, Story, indicators, sheet


async def _get(story: Story, number: str) -> dict[str, Any]:
    return await story.ok("GET", f"/api/v1/certificates/{number}", story.cast.staff)  # type: ignore[no-any-return]


async def _completed_surveillance(story: Story, number: str, total: str = "90") -> int:
    audit = await story.audit(kind="surveillance", certificate_number=number)
    rubric = await indicators(story.api, story.cast.staff, audit["enterprise_type"])
    await story.score(audit["id"], sheet(rubric, total=Decimal(total)))
    await story.complete(audit["id"])
    return int(audit["id"])


# --- each surveillance belongs to its year ----------------------------------------------------


async def test_two_surveillances_in_the_first_year_are_refused(
    api: Api, story: Story, cast: Cast
) -> None:
    """Decided in January and February of the first year, two surveillances once left the
    certificate 35 months without an audit; now the first waits for its window."""
    number = (await story.certificate())["number"]  # 2026-11-23: first surveillance due 2027-11-22
    api.clock.set_today(date(2027, 1, 10))
    audit = await story.audit(
        kind="surveillance",
        certificate_number=number,
        planned_start="2027-01-12",
        planned_end="2027-01-13",
    )
    assert audit["warnings"][-1]["code"] == "audit.before_surveillance_window"
    assert "2027-08-24" in audit["warnings"][-1]["message"]
    rubric = await indicators(api, cast.staff, "production")
    await story.score(audit["id"], sheet(rubric, total=Decimal(90)))
    await story.complete(audit["id"])
    url = f"/api/v1/audits/{audit['id']}/decision"
    before = await snapshot(api.db)
    for outcome in ("grant", "refuse"):
        with_reason = {"outcome": outcome, "reason": "一月监督"}
        problem = assert_problem(
            await api.post(url, cast.committee, json=with_reason), 409, "audit.surveillance_not_due"
        )
        assert problem["window_opens_on"] == "2027-08-24"
        assert "2027-11-22" in problem["detail"]
    assert await snapshot(api.db) == before

    api.clock.set_today(date(2027, 8, 23))  # the day before the window opens
    assert_problem(
        await api.post(url, cast.committee, json={"outcome": "grant", "reason": "x"}),
        409,
        "audit.surveillance_not_due",
    )
    api.clock.set_today(date(2027, 8, 24))  # its first day
    granted = (await story.decide(audit["id"]))["certificate"]
    assert granted["next_surveillance_due"] == "2028-11-22"

    # the second surveillance cannot be spent in the first year either
    api.clock.set_today(date(2027, 9, 1))
    second = await _completed_surveillance(story, number)
    problem = assert_problem(
        await api.post(
            f"/api/v1/audits/{second}/decision",
            cast.committee,
            json={"outcome": "grant", "reason": "x"},
        ),
        409,
        "audit.surveillance_not_due",
    )
    assert problem["window_opens_on"] == "2028-08-24"
    api.clock.set_today(date(2028, 11, 22))
    assert (await story.decide(second))["certificate"]["next_surveillance_due"] is None


async def test_a_plan_within_the_window_gets_no_warning(api: Api, story: Story, cast: Cast) -> None:
    number = (await story.certificate())["number"]
    api.clock.set_today(date(2027, 8, 1))
    audit = await story.audit(
        kind="surveillance",
        certificate_number=number,
        planned_start="2027-08-20",
        planned_end="2027-08-24",  # ends on the window's first day
    )
    assert [w["code"] for w in audit["warnings"]] == []


# --- a refused surveillance leaves the same surveillance due ----------------------------------


async def test_a_refused_surveillance_is_audited_again(api: Api, story: Story, cast: Cast) -> None:
    number = (await story.certificate())["number"]
    api.clock.set_today(date(2027, 10, 1))
    refused = (await story.surveillance(number, total="65", outcome="refuse"))["certificate"]
    assert (refused["status"], refused["suspension_causes"]) == (
        "suspended",
        ["surveillance_refused"],
    )
    assert refused["next_surveillance_due"] == "2027-11-22"  # the same one, still due
    log = await events(api.db, action="certificate.surveillance_recorded")
    assert (log[-1]["data"]["outcome"], log[-1]["data"]["next_surveillance_due"]) == (
        "refuse",
        "2027-11-22",
    )
    # refused again: still suspended, the cause held once
    api.clock.set_today(date(2027, 11, 1))
    again = (await story.surveillance(number, total="60", outcome="refuse"))["certificate"]
    assert (again["status"], again["suspension_causes"], again["status_changed_on"]) == (
        "suspended",
        ["surveillance_refused"],
        "2027-10-01",
    )
    api.clock.set_today(date(2027, 12, 1))
    granted = (await story.surveillance(number, total="90"))["certificate"]
    assert (granted["status"], granted["suspension_causes"]) == ("active", [])
    assert granted["next_surveillance_due"] == "2028-11-22"


# --- the causes and their ways back ---------------------------------------------------------


async def test_a_suspension_by_the_body_is_never_undone_by_an_audit(
    api: Api, story: Story, cast: Cast
) -> None:
    number = (await story.certificate())["number"]
    url = f"/api/v1/certificates/{number}"
    api.clock.set_today(date(2027, 9, 1))
    suspended = await story.ok("POST", f"{url}/suspend", cast.staff, json={"reason": "未缴年费"})
    assert suspended["suspension_causes"] == ["body_decision"]

    # a refused surveillance adds its cause; the suspension keeps its date and reason
    api.clock.set_today(date(2027, 10, 1))
    refused = (await story.surveillance(number, total="65", outcome="refuse"))["certificate"]
    assert refused["suspension_causes"] == ["surveillance_refused", "body_decision"]
    assert (refused["status_changed_on"], refused["status_reason"]) == ("2027-09-01", "未缴年费")
    before = await snapshot(api.db)
    assert_problem(
        await api.post(f"{url}/reinstate", cast.staff, json={"reason": "已缴费"}),
        409,
        "certificate.reinstatement_needs_audit",
    )
    assert await snapshot(api.db) == before

    # the audit lifts its own cause only: still suspended for the body's decision
    api.clock.set_today(date(2027, 11, 1))
    audited = (await story.surveillance(number, total="90"))["certificate"]
    assert (audited["status"], audited["suspension_causes"]) == ("suspended", ["body_decision"])
    assert audited["next_surveillance_due"] == "2028-11-22"
    public = (await api.get(f"/public/v1/certificates/{number}")).json()
    assert (public["status"], public["status_changed_on"]) == ("suspended", "2027-09-01")

    reinstated = await story.ok("POST", f"{url}/reinstate", cast.staff, json={"reason": "已缴费"})
    assert (reinstated["status"], reinstated["suspension_causes"]) == ("active", [])
    assert reinstated["status_changed_on"] == "2027-11-01"


async def test_staff_add_their_cause_to_a_surveillance_suspension(
    api: Api, story: Story, cast: Cast
) -> None:
    number = (await story.certificate())["number"]
    url = f"/api/v1/certificates/{number}"
    api.clock.set_today(date(2027, 10, 1))
    await story.surveillance(number, total="65", outcome="refuse")
    api.clock.set_today(date(2027, 10, 9))
    both = await story.ok("POST", f"{url}/suspend", cast.staff, json={"reason": "误用认证标志"})
    assert both["suspension_causes"] == ["surveillance_refused", "body_decision"]
    assert (both["status"], both["status_changed_on"]) == ("suspended", "2027-10-01")
    log = await events(api.db, entity_type="certificate", entity_id=number)
    assert (log[-1]["action"], log[-1]["reason"], log[-1]["data"]) == (
        "certificate.suspended",
        "误用认证标志",
        {
            "from": "suspended",
            "to": "suspended",
            "suspension_causes": ["surveillance_refused", "body_decision"],
        },
    )
    assert_problem(
        await api.post(f"{url}/suspend", cast.staff, json={"reason": "x"}),
        409,
        "certificate.invalid_transition",
    )
    # withdrawn: the causes go with the suspension
    withdrawn = await story.ok("POST", f"{url}/withdraw", cast.staff, json={"reason": "撤销"})
    assert (withdrawn["status"], withdrawn["suspension_causes"]) == ("withdrawn", [])


# --- a surveillance never raises the grade ----------------------------------------------------


async def test_a_surveillance_keeps_or_lowers_the_grade(api: Api, story: Story, cast: Cast) -> None:
    number = (await story.certificate(total="85"))["number"]  # three_star
    api.clock.set_today(date(2027, 10, 1))
    audit_id = await _completed_surveillance(story, number, total="97")  # recommends five_star
    url = f"/api/v1/audits/{audit_id}/decision"
    before = await snapshot(api.db)
    for grade in ("five_star", "four_star"):
        body = {"outcome": "grant", "grade": grade, "reason": "x"}
        problem = assert_problem(
            await api.post(url, cast.committee, json=body), 422, "decision.grade_above_current"
        )
        assert problem["errors"] == [{"loc": ["body", "grade"], "msg": "at most three_star"}]
    assert await snapshot(api.db) == before
    kept = await story.decide(audit_id)  # no grade asked: the higher recommendation keeps it
    assert (kept["grade"], kept["certificate"]["grade"]) == ("three_star", "three_star")
    assert kept["certificate"]["final_score"] == 97
    api.clock.set_today(date(2028, 10, 1))
    lowered = await story.surveillance(number, total="97", grade="compliant")
    assert lowered["certificate"]["grade"] == "compliant"


# --- validity on a date ---------------------------------------------------------------------


@pytest.mark.parametrize("suspended", [False, True])
async def test_one_of_old_and_new_is_in_force_on_every_date(
    api: Api, story: Story, cast: Cast, suspended: bool
) -> None:
    number = (await story.certificate())["number"]  # 2026-11-23 … 2029-11-22
    for year in (2027, 2028):
        api.clock.set_today(date(year, 10, 1))
        await story.surveillance(number, total="90")
    if suspended:
        await story.ok(
            "POST", f"/api/v1/certificates/{number}/suspend", cast.staff, json={"reason": "投诉"}
        )
    api.clock.set_today(date(2029, 7, 1))
    new = (await story.recertify(number))["certificate"]
    assert new["valid_from"] == "2029-11-23"
    batch = {"items": [{"number": number}, {"number": new["number"]}]}

    async def verdicts() -> list[tuple[str, bool]]:
        results = (await api.post("/public/v1/certificates/verify", json=batch)).json()["results"]
        return [(r["status"], r["valid"]) for r in results]

    old_status = "suspended" if suspended else "active"
    assert await verdicts() == [(old_status, not suspended), ("active", False)]
    page = (await api.get(f"/verify/{new['number']}")).text
    assert "2029-11-23" in page and "valid from 2029-11-23" in page
    assert "本证书有效。" not in page
    public = (await api.get(f"/public/v1/certificates/{new['number']}")).json()
    assert (public["valid_from"], public["expires_on"]) == ("2029-11-23", "2032-11-22")

    api.clock.set_today(date(2029, 11, 22))  # the old certificate's last day
    assert await verdicts() == [(old_status, not suspended), ("active", False)]
    api.clock.set_today(date(2029, 11, 23))  # the new one's first
    assert await verdicts() == [("superseded", False), ("active", True)]
    assert (await _get(story, number))["suspension_causes"] == []
    report = await housekeeping.run(api.db, api.app.state.settings, api.clock)
    assert (report.done["supersede"], report.done["expire"]) == (1, 0)
    assert await verdicts() == [("superseded", False), ("active", True)]
    log = await events(api.db, entity_type="certificate", entity_id=number)
    assert [e["action"] for e in log][-2:] == [
        "certificate.successor_named",
        "certificate.superseded",
    ]
    assert log[-1]["data"]["from"] == old_status
