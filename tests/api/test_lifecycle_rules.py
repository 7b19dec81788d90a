"""Lifecycle rules at their edges: refusals on a certificate that moved on, the cycle's two
surveillance audits, grants of a fail, blank reasons, scores, expiry dates, roles, the log."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from app.domain.enums import Role
from app.services import housekeeping
from tests.support.api import Api, assert_problem
from tests.support.inspect import events, snapshot
from tests.support.workflow import Cast, Story, indicators, sheet


async def _completed(story: Story, kind: str, number: str, total: str) -> int:
    """A surveillance or recertification audit of ``number``, scored and completed."""
    audit = await story.audit(kind=kind, certificate_number=number)
    if kind == "recertification":
        await story.stage1(audit["id"])
    rubric = await indicators(story.api, story.cast.staff, audit["enterprise_type"])
    await story.score(audit["id"], sheet(rubric, total=Decimal(total)))
    await story.complete(audit["id"])
    return int(audit["id"])


async def _get(story: Story, number: str) -> dict[str, Any]:
    return await story.ok("GET", f"/api/v1/certificates/{number}", story.cast.staff)  # type: ignore[no-any-return]


# 1. a refusal is always recordable --------------------------------------------------------


@pytest.mark.parametrize("kind", ["surveillance", "recertification"])
@pytest.mark.parametrize("fate", ["withdraw", "cancel", "expire", "expire_recorded"])
async def test_refuse_is_recorded_whatever_became_of_the_certificate(
    api: Api, story: Story, cast: Cast, kind: str, fate: str
) -> None:
    number = (await story.certificate())["number"]  # expires 2029-11-22
    api.clock.set_today(date(2029, 9, 1))
    audit_id = await _completed(story, kind, number, "85")
    if fate.startswith("expire"):
        api.clock.set_today(date(2029, 11, 23))
        if fate == "expire_recorded":
            await housekeeping.run(api.db, api.app.state.settings, api.clock)
    else:
        await story.ok(
            "POST", f"/api/v1/certificates/{number}/{fate}", cast.staff, json={"reason": "x"}
        )
    url = f"/api/v1/audits/{audit_id}/decision"
    before = await snapshot(api.db, "certificates", "decisions")
    code = (
        "audit.certificate_not_live"
        if kind == "surveillance"
        else "audit.certificate_not_renewable"
    )
    grant = {"outcome": "grant", "reason": "ok"}
    assert_problem(await api.post(url, cast.committee, json=grant), 409, code)
    assert await snapshot(api.db, "certificates", "decisions") == before

    certificate_before = await _get(story, number)
    decision = await story.decide(audit_id, "refuse", reason="不予认证")
    assert (decision["outcome"], decision["grade"]) == ("refuse", None)
    after = await _get(story, number)
    assert after == certificate_before  # left as it is
    if kind == "surveillance":
        assert decision["certificate"] == after
    else:
        assert decision["certificate"] is None
    audit = await story.ok("GET", f"/api/v1/audits/{audit_id}", cast.staff)
    assert audit["status"] == "decided"
    log = await events(api.db, entity_type="certificate", entity_id=number)
    assert "certificate.surveillance_recorded" not in [e["action"] for e in log]


async def test_refused_surveillance_of_a_superseded_certificate_is_recorded(
    api: Api, story: Story, cast: Cast
) -> None:
    number = (await story.certificate())["number"]
    api.clock.set_today(date(2027, 10, 1))
    audit_id = await _completed(story, "surveillance", number, "85")
    async with api.db.write_engine.begin() as conn:  # superseded meanwhile (e.g. a migration)
        await conn.execute(
            text("UPDATE certificates SET status = 'superseded' WHERE number = :n"), {"n": number}
        )
    before = await _get(story, number)
    decision = await story.decide(audit_id, "refuse")
    assert decision["certificate"] == before == await _get(story, number)


# 2. after two surveillance audits, the recertification -----------------------------------


async def test_no_third_surveillance_audit_in_a_cycle(api: Api, story: Story, cast: Cast) -> None:
    number = (await story.certificate())["number"]
    api.clock.set_today(date(2027, 10, 1))
    await story.surveillance(number, total="90")
    api.clock.set_today(date(2028, 10, 1))
    await story.surveillance(number, total="90")
    before = await snapshot(api.db)
    body = {
        "kind": "surveillance",
        "certificate_number": number,
        "lead_auditor_id": cast.lead.id,
        "planned_start": "2029-06-01",
        "planned_end": "2029-06-02",
    }
    problem = assert_problem(
        await api.post("/api/v1/audits", cast.staff, json=body), 409, "audit.invalid_transition"
    )
    assert "recertification" in problem["detail"]
    assert await snapshot(api.db) == before
    recertification = await story.audit(kind="recertification", certificate_number=number)
    assert recertification["status"] == "planned"


# 3. a fail recommendation is never granted -----------------------------------------------


@pytest.mark.parametrize("kind", ["initial", "surveillance", "recertification"])
async def test_fail_is_not_grantable_for_any_kind(
    api: Api, story: Story, cast: Cast, subtests: pytest.Subtests, kind: str
) -> None:
    if kind == "initial":
        audit = await story.scoring_audit()
        rubric = await indicators(api, cast.staff, "production")
        await story.score(audit["id"], sheet(rubric, total=Decimal("69.9")))
        await story.complete(audit["id"])
        audit_id = int(audit["id"])
    else:
        number = (await story.certificate())["number"]
        api.clock.set_today(date(2027, 10, 1))
        audit_id = await _completed(story, kind, number, "69.9")
    url = f"/api/v1/audits/{audit_id}/decision"
    before = await snapshot(api.db)
    for grade in (None, "compliant"):
        body = {"outcome": "grant", "reason": "x"} | ({"grade": grade} if grade else {})
        with subtests.test(grade=grade):
            assert_problem(
                await api.post(url, cast.committee, json=body), 409, "decision.fail_not_grantable"
            )
    assert await snapshot(api.db) == before


# 4. blank reasons -----------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "\u3000", "\t\n", "\u200b", " \ufeff "])
async def test_blank_exclusion_reason_is_refused(
    api: Api, story: Story, cast: Cast, blank: str
) -> None:
    audit = await story.scoring_audit()
    rubric = await indicators(api, cast.staff, "production")
    body = sheet(rubric, excluded=("delivery.installation",))
    item = next(i for i in body["items"] if i["indicator_code"] == "delivery.installation")
    item["note"] = blank
    before = await snapshot(api.db)
    response = await api.post(f"/api/v1/audits/{audit['id']}/score-sheets", cast.auditor, json=body)
    problem = assert_problem(response, 422, "score_sheet.note_required")
    assert problem["errors"][0]["loc"][:2] == ["body", "items"]
    del item["note"]
    response = await api.post(f"/api/v1/audits/{audit['id']}/score-sheets", cast.auditor, json=body)
    assert_problem(response, 422, "score_sheet.note_required")
    assert await snapshot(api.db) == before


@pytest.mark.parametrize("blank", ["", "   ", "\u3000", "\u200b", "\ufeff"])
async def test_blank_required_reasons_are_refused(
    api: Api, story: Story, cast: Cast, subtests: pytest.Subtests, blank: str
) -> None:
    certificate = await story.certificate()
    app = await story.accepted_application()
    audit = await story.scoring_audit()
    api.clock.set_today(date(2027, 10, 1))
    completed = await _completed(story, "surveillance", certificate["number"], "90")
    before = await snapshot(api.db)
    number = certificate["number"]
    attempts = {
        **{
            f"certificate-{action}": (
                f"/api/v1/certificates/{number}/{action}",
                cast.staff,
                {"reason": blank},
            )
            for action in ("suspend", "withdraw", "cancel")
        },
        "application-reject": (
            f"/api/v1/applications/{app['id']}/reject",
            cast.staff,
            {"reason": blank},
        ),
        "audit-decision": (
            f"/api/v1/audits/{completed}/decision",
            cast.committee,
            {"outcome": "refuse", "reason": blank},
        ),
        "audit-stage1": (
            f"/api/v1/audits/{audit['id']}/stage1",
            cast.lead,
            {"outcome": "failed", "notes": blank},
        ),
    }
    for attempt, (url, actor, body) in attempts.items():
        with subtests.test(attempt=attempt):
            assert_problem(await api.post(url, actor, json=body), 422, "request.validation")
    assert await snapshot(api.db) == before


# 5. a surveillance grant records its score -------------------------------------------------


async def test_surveillance_grant_updates_the_final_score(api: Api, story: Story) -> None:
    certificate = await story.certificate(total="92")
    assert certificate["final_score"] == 92
    api.clock.set_today(date(2027, 10, 1))
    granted = await story.surveillance(certificate["number"], total="85.5")
    assert (granted["certificate"]["grade"], granted["certificate"]["final_score"]) == (
        "three_star",
        85.5,
    )
    assert (await _get(story, certificate["number"]))["final_score"] == 85.5
    api.clock.set_today(date(2028, 10, 1))
    granted = await story.surveillance(certificate["number"], total="85.5", grade="compliant")
    assert (granted["certificate"]["grade"], granted["certificate"]["final_score"]) == (
        "compliant",
        85.5,
    )


# 6. expiry: the day after expires_on ---------------------------------------------------------


async def test_expiry_is_dated_the_day_after_expires_on(api: Api, story: Story, cast: Cast) -> None:
    number = (await story.certificate())["number"]
    assert (await _get(story, number))["expires_on"] == "2029-11-22"
    for year in (2027, 2028):  # surveillance kept up: housekeeping has only expiry to do
        api.clock.set_today(date(year, 10, 1))
        await story.surveillance(number, total="90")
    api.clock.set_today(date(2029, 11, 22))  # the last day of validity
    assert (await _get(story, number))["status"] == "active"
    public = await api.get(f"/public/v1/certificates/{number}")
    assert public.json()["status"] == "active"
    await housekeeping.run(api.db, api.app.state.settings, api.clock)
    assert (await _get(story, number))["status"] == "active"
    api.clock.set_today(date(2029, 11, 23))
    assert (await _get(story, number))["status"] == "expired"
    api.clock.set_today(date(2030, 1, 10))  # housekeeping runs late
    await housekeeping.run(api.db, api.app.state.settings, api.clock)
    recorded = await _get(story, number)
    assert (recorded["status"], recorded["status_changed_on"]) == ("expired", "2029-11-23")
    log = await events(api.db, entity_type="certificate", entity_id=number)
    expired = [e for e in log if e["action"] == "certificate.expired"]
    assert len(expired) == 1
    assert expired[0]["data"]["expired_on"] == "2029-11-23"
    export = await api.get(
        "/api/v1/certificates/export", cast.staff, params={"format": "csv", "lang": "en"}
    )
    assert "2029-11-23" in export.text


# 7. who moves a certificate -----------------------------------------------------------------


@pytest.mark.parametrize("action", ["suspend", "reinstate", "withdraw", "cancel"])
async def test_staff_and_committee_move_certificates(
    api: Api, story: Story, cast: Cast, subtests: pytest.Subtests, action: str
) -> None:
    number = (await story.certificate())["number"]
    url = f"/api/v1/certificates/{number}"
    if action == "reinstate":
        await story.ok("POST", f"{url}/suspend", cast.staff, json={"reason": "投诉调查"})
    both = await api.actor(Role.AUDITOR, Role.INTEGRATOR)
    before = await snapshot(api.db, "certificates", "events")  # keys note their last use
    for role, actor in (
        ("admin", cast.admin),
        ("auditor", cast.lead),
        ("integrator", cast.integrator),
        ("auditor+integrator", both),
    ):
        with subtests.test(role=role):
            response = await api.post(f"{url}/{action}", actor, json={"reason": "x"})
            assert_problem(response, 403, "auth.forbidden")
    assert await snapshot(api.db, "certificates", "events") == before
    moved = await story.ok("POST", f"{url}/{action}", cast.committee, json={"reason": "委员会"})
    assert moved["status_reason"] == "委员会"
    other = (await story.certificate())["number"]
    if action == "reinstate":
        await story.ok(
            "POST", f"/api/v1/certificates/{other}/suspend", cast.committee, json={"reason": "x"}
        )
    await story.ok(
        "POST", f"/api/v1/certificates/{other}/{action}", cast.staff, json={"reason": "x"}
    )


# 8. rows outside the chain --------------------------------------------------------------------


@pytest.mark.parametrize("stray_id", ["head+1", "head+5", 0, -1])
async def test_verify_detects_rows_outside_the_chain(
    api: Api, cast: Cast, stray_id: int | str
) -> None:
    async with api.db.engine.connect() as conn:
        head = (await conn.execute(text("SELECT last_event_id, last_hash FROM event_chain"))).one()
    ident = head[0] + int(stray_id[5:]) if isinstance(stray_id, str) else stray_id
    async with api.db.write_engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO events (id, occurred_at, actor_user_id, entity_type, entity_id,"
                " action, reason, data, hash, prev_hash) VALUES (:id, :at, NULL, 'certificate',"
                " 'ASC-2026-000001', 'certificate.issued', 'forged', :data, :hash, :prev)"
            ),
            {
                "id": ident,
                "at": api.clock.now(),
                "data": json.dumps({}),
                "hash": "f" * 64,
                "prev": head[1],
            },
        )
    result = (await api.get("/api/v1/events/verify", cast.admin)).json()
    assert result["intact"] is False
    assert result["first_broken_id"] == ident
