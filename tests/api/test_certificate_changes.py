"""What a certificate prints (scope statement, annex of sites, revisions) and change
certificates (证书变更): applied at once, or pending a committee decision when they extend."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import text

from app.domain.enums import Role
from tests.support.api import Actor, Api, assert_problem
from tests.support.inspect import events, snapshot
from tests.support.workflow import Story, application_body, indicators, sheet

AC = {"zh": "家用空调器", "en": "household air conditioners"}
FRIDGE = {"zh": "冰箱", "en": "refrigerators"}
GRANT = {"outcome": "grant", "reason": "委员会决定"}


async def _sites(story: Story, organisation_id: int, *names: str) -> list[dict[str, Any]]:
    url = f"/api/v1/organisations/{organisation_id}/sites"
    return [
        await story.ok(
            "POST",
            url,
            story.cast.staff,
            201,
            json={"name": name, "address": f"{name}路{n}号", "kind": "service_outlet"},
        )
        for n, name in enumerate(names, start=1)
    ]


async def _completed(
    story: Story, organisation_id: int, *, excluded: tuple[str, ...] = (), **application: Any
) -> dict[str, Any]:
    """A completed initial audit of a new application, scored (``excluded``: the indicators
    scored not applicable) and ready for the committee."""
    body = application_body(organisation_id, **application)
    created = await story.ok("POST", "/api/v1/applications", story.cast.staff, 201, json=body)
    await story.ok("POST", f"/api/v1/applications/{created['id']}/accept", story.cast.staff)
    audit = await story.audit(application_id=created["id"])
    await story.stage1(audit["id"])
    rubric = await indicators(story.api, story.cast.staff, "production")
    await story.score(audit["id"], sheet(rubric, total=Decimal(90), excluded=excluded))
    await story.complete(audit["id"])
    return audit


async def _decide(story: Story, audit: dict[str, Any], **extra: Any) -> Any:
    url = f"/api/v1/audits/{audit['id']}/decision"
    return await story.api.post(url, story.cast.committee, json=GRANT | extra)


async def _certificate(
    story: Story, *outlets: str, **application: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A certificate covering the headquarters and ``outlets``; the certificate and the
    organisation's outlets."""
    organisation = await story.organisation()
    made = await _sites(story, organisation["id"], *outlets)
    audit = await _completed(
        story, organisation["id"], site_ids=[s["id"] for s in made], **application
    )
    response = await _decide(story, audit)
    assert response.status_code == 201, response.text
    return response.json()["certificate"], made


async def _change(story: Story, number: str, actor: Actor | None = None, **body: Any) -> Any:
    return await story.api.post(
        f"/api/v1/certificates/{number}/changes",
        actor or story.cast.staff,
        json={"reason": "营业执照变更"} | body,
    )


async def _decide_change(
    story: Story, number: str, change_id: int, actor: Actor, outcome: str = "grant"
) -> Any:
    return await story.api.post(
        f"/api/v1/certificates/{number}/changes/{change_id}/decision",
        actor,
        json={"outcome": outcome, "reason": "委员会评价"},
    )


async def _public(api: Api, number: str) -> dict[str, Any]:
    response = await api.get(f"/public/v1/certificates/{number}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def _found(api: Api, name: str) -> list[str]:
    response = await api.get("/public/v1/certificates", params={"name": name})
    assert response.status_code == 200, response.text
    return [item["number"] for item in response.json()["items"]]


async def _revisions(api: Api, number: str) -> list[dict[str, Any]]:
    async with api.db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT r.revision, r.effective_on, r.organisation_name, r.scope, r.change_id"
                " FROM certificate_revisions r JOIN certificates c ON c.id = r.certificate_id"
                " WHERE c.number = :number ORDER BY r.revision"
            ),
            {"number": number},
        )
        return [dict(r) for r in rows.mappings()]


def _printed(sites: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(s["name"], s["kind"]) for s in sites]


# --- issue ------------------------------------------------------------------------------


async def test_issue_prints_the_applications_sites_and_keeps_revision_1(story: Story) -> None:
    certificate, _ = await _certificate(story, "广州网点", "深圳网点")
    name = certificate["organisation"]["name"]
    assert _printed(certificate["sites"]) == [
        (name, "headquarters"),
        ("广州网点", "service_outlet"),
        ("深圳网点", "service_outlet"),
    ]
    assert set(certificate["sites"][1]) == {"name", "address", "kind"}  # no ids published
    assert (certificate["revision"], certificate["scope_en"]) == (1, None)
    assert certificate["scope"] == "家用空调的安装、维修与售后服务"  # the application's text
    [revision] = await _revisions(story.api, certificate["number"])
    assert (revision["revision"], str(revision["effective_on"]), revision["change_id"]) == (
        1,
        certificate["issued_on"],
        None,
    )


async def test_scope_generated_at_grant_with_exclusions_and_english(story: Story) -> None:
    organisation = await story.organisation()
    audit = await _completed(
        story,
        organisation["id"],
        excluded=("delivery.installation",),
        scope_items=[AC, FRIDGE],
    )
    certificate = (await _decide(story, audit)).json()["certificate"]
    assert certificate["scope"] == "家用空调器、冰箱的售后服务（不含安装调试）"
    assert certificate["scope_en"] == (
        "After-sales service of household air conditioners and refrigerators "
        "(excluding installation and commissioning)"
    )
    assert _printed(certificate["sites"]) == [(organisation["name"], "headquarters")]


async def test_an_item_without_english_needs_the_committees_english(story: Story) -> None:
    organisation = await story.organisation()
    audit = await _completed(story, organisation["id"], scope_items=[AC, {"zh": "冰箱"}])
    before = await snapshot(story.api.db)
    assert_problem(await _decide(story, audit), 422, "decision.scope_en_required")
    response = await _decide(story, audit, scope={"zh": "家用空调器、冰箱的售后服务"})
    assert_problem(response, 422, "decision.scope_en_required")
    assert await snapshot(story.api.db) == before
    invisible = await _decide(story, audit, scope={"zh": "冰箱\u200b的售后服务", "en": "x"})
    assert_problem(invisible, 422, "request.invisible_characters")
    # only a grant prints a scope statement
    refused = await _decide(story, audit, outcome="refuse", scope={"zh": "冰箱", "en": "x"})
    assert_problem(refused, 422, "request.validation")
    assert await snapshot(story.api.db) == before
    response = await _decide(
        story, audit, scope={"zh": "家用空调器、冰箱的售后服务", "en": "After-sales service"}
    )
    certificate = response.json()["certificate"]
    assert (certificate["scope"], certificate["scope_en"]) == (
        "家用空调器、冰箱的售后服务",
        "After-sales service",
    )


async def test_a_generated_scope_too_long_to_print_is_worded_by_the_committee(
    story: Story,
) -> None:
    organisation = await story.organisation()
    items = [{"zh": f"{n:02d}" + "家" * 58, "en": "e" * 120} for n in range(20)]
    audit = await _completed(story, organisation["id"], scope_items=items)
    assert_problem(await _decide(story, audit), 422, "decision.scope_too_long")
    # a Chinese wording alone is not enough when the English would not fit either
    response = await _decide(story, audit, scope={"zh": "家用电器的售后服务"})
    assert_problem(response, 422, "decision.scope_too_long")
    scope = {"zh": "家用电器的售后服务", "en": "After-sales service of household appliances"}
    certificate = (await _decide(story, audit, scope=scope)).json()["certificate"]
    assert (certificate["scope"], certificate["scope_en"]) == (scope["zh"], scope["en"])


async def test_the_committee_words_the_scope(story: Story) -> None:
    organisation = await story.organisation()
    audit = await _completed(story, organisation["id"], scope_items=[AC])
    certificate = (await _decide(story, audit, scope={"zh": "家用空调器的维修服务"})).json()[
        "certificate"
    ]
    # the Chinese as the committee words it, the English generated
    assert (certificate["scope"], certificate["scope_en"]) == (
        "家用空调器的维修服务",
        "After-sales service of household air conditioners",
    )
    other = await story.organisation()
    audit = await _completed(story, other["id"])  # no scope items: the application's text
    scope = {"zh": "家用空调的售后服务", "en": "After-sales service of air conditioners"}
    certificate = (await _decide(story, audit, scope=scope)).json()["certificate"]
    assert (certificate["scope"], certificate["scope_en"]) == (scope["zh"], scope["en"])


# --- changes applied at once ------------------------------------------------------------


async def test_a_new_name_applies_at_once_and_search_finds_both(story: Story) -> None:
    api = story.api
    certificate, _ = await _certificate(story)
    number, old = certificate["number"], certificate["organisation"]
    response = await _change(
        story,
        number,
        organisation_name="珠海星达智能电器有限公司",
        organisation_name_en="Xingda Smart",
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["organisation"]["name"] == "珠海星达智能电器有限公司"
    assert changed["organisation"]["name_en"] == "Xingda Smart"
    assert changed["revision"] == 2
    for same in ("number", "issued_on", "valid_from", "expires_on", "grade", "status", "scope"):
        assert changed[same] == certificate[same]
    assert response.headers["etag"] == f'"{changed["version"]}"'
    [event] = [
        e for e in await events(api.db, entity_id=number) if e["action"] == "certificate.changed"
    ]
    data = event["data"]
    assert (data["revision"], data["reason"], event["reason"]) == (
        2,
        "营业执照变更",
        "营业执照变更",
    )
    assert data["before"]["organisation_name"] == old["name"]
    assert data["after"]["organisation_name"] == "珠海星达智能电器有限公司"
    assert data["after"]["sites"] == data["before"]["sites"]
    revisions = await _revisions(api, number)
    assert [(r["revision"], r["organisation_name"]) for r in revisions] == [
        (1, old["name"]),
        (2, "珠海星达智能电器有限公司"),
    ]
    assert revisions[1]["change_id"] == data["change_id"]
    public = await _public(api, number)
    assert public["organisation_name"] == "珠海星达智能电器有限公司"
    # found under the new name and the old ones, never across two names
    assert await _found(api, "星达智能") == [number]
    assert await _found(api, old["name"]) == [number]
    assert await _found(api, old["name_en"]) == [number]
    assert await _found(api, "xingda smart") == [number]
    assert await _found(api, "smart shenzhen") == []
    # the changes list
    listed = await story.ok("GET", f"/api/v1/certificates/{number}/changes", story.cast.integrator)
    [item] = listed["items"]
    assert (item["status"], item["revision"], item["certificate_number"]) == (
        "applied",
        2,
        number,
    )
    assert item["changes"] == {
        "organisation_name": "珠海星达智能电器有限公司",
        "organisation_name_en": "Xingda Smart",
    }
    assert item["requested_by"] == story.cast.staff.id
    # a second rename: the first two names are still found
    await story.ok(
        "POST",
        f"/api/v1/certificates/{number}/changes",
        story.cast.staff,
        json={"organisation_name": "星达集团有限公司", "reason": "更名"},
    )
    for name in ("星达集团", "星达智能", old["name"]):
        assert await _found(api, name) == [number]


async def test_an_address_change_and_the_refusals(story: Story) -> None:
    api = story.api
    certificate, _ = await _certificate(story)
    number = certificate["number"]
    before = await snapshot(api.db)
    assert_problem(await _change(story, number), 422, "certificate_change.no_change")
    same = await _change(story, number, address=certificate["organisation"]["address"])
    assert_problem(same, 422, "certificate_change.no_change")
    assert_problem(
        await _change(story, number, address="珠海市\u202e香洲区"),
        422,
        "request.invisible_characters",
    )
    assert_problem(
        await _change(story, "ASC-2026-999999", address="x"), 404, "certificate.not_found"
    )
    assert_problem(
        await _change(story, number, story.cast.committee, address="x"), 403, "auth.forbidden"
    )
    assert await snapshot(api.db) == before
    response = await _change(story, number, address="珠海市香洲区新港路8号")
    assert response.status_code == 200, response.text
    assert response.json()["organisation"]["address"] == "珠海市香洲区新港路8号"
    assert (await _public(api, number))["organisation_address"] == "珠海市香洲区新港路8号"


async def test_narrowing_sites_or_scope_applies_at_once(story: Story) -> None:
    certificate, outlets = await _certificate(
        story, "广州网点", "深圳网点", scope_items=[AC, FRIDGE]
    )
    number = certificate["number"]
    # the headquarters is always kept
    response = await _change(story, number, site_ids=[outlets[1]["id"]])
    assert response.status_code == 200, response.text
    changed = response.json()
    assert [s["name"] for s in changed["sites"]][1:] == ["深圳网点"]
    assert changed["sites"][0]["kind"] == "headquarters"
    # the certificate prints an English statement: a narrowed scope brings its new one
    response = await _change(story, number, scope="冰箱的售后服务")
    assert_problem(response, 422, "certificate_change.scope_en_required")
    response = await _change(
        story, number, scope="冰箱的售后服务", scope_en="After-sales service of refrigerators"
    )
    assert response.status_code == 200, response.text
    assert (response.json()["scope"], response.json()["scope_en"], response.json()["revision"]) == (
        "冰箱的售后服务",
        "After-sales service of refrigerators",
        3,
    )
    # a new English statement alone may say more than the Chinese one: the committee's
    response = await _change(
        story, number, scope_en="After-sales service of refrigerators and freezers"
    )
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending"


# --- changes that extend: the committee decides -----------------------------------------


async def test_extending_sites_waits_for_the_committee(story: Story) -> None:
    api = story.api
    certificate, outlets = await _certificate(story, "广州网点")
    number = certificate["number"]
    extra = await _sites(story, certificate["organisation"]["id"], "佛山网点")
    both = await api.actor(Role.STAFF, Role.COMMITTEE, name="Staff and Committee Liu")
    public = await _public(api, number)
    response = await _change(story, number, both, site_ids=[outlets[0]["id"], extra[0]["id"]])
    assert response.status_code == 202, response.text
    pending = response.json()
    assert (pending["status"], pending["revision"], pending["decided_by"]) == (
        "pending",
        None,
        None,
    )
    assert pending["requested_by"] == both.id
    assert await _public(api, number) == public  # unchanged until granted
    assert [e["action"] for e in await events(api.db, entity_id=number)][-1] == (
        "certificate.change_requested"
    )
    # the requester may not decide; a refusal leaves the certificate as it is
    conflict = await _decide_change(story, number, pending["id"], both)
    assert_problem(conflict, 403, "certificate_change.impartiality_conflict")
    refused = await _decide_change(story, number, pending["id"], story.cast.committee, "refuse")
    assert refused.status_code == 200, refused.text
    assert (refused.json()["status"], refused.json()["decided_by"]) == (
        "refused",
        story.cast.committee.id,
    )
    assert await _public(api, number) == public
    again = await _decide_change(story, number, pending["id"], story.cast.committee)
    assert_problem(again, 409, "certificate_change.not_pending")
    assert_problem(
        await _decide_change(story, number, 999_999, story.cast.committee),
        404,
        "certificate_change.not_found",
    )
    assert_problem(
        await _decide_change(story, "ASC-2026-999999", 1, story.cast.committee),
        404,
        "certificate.not_found",
    )
    # asked again, and granted
    response = await _change(story, number, site_ids=[outlets[0]["id"], extra[0]["id"]])
    assert response.status_code == 202, response.text
    granted = await _decide_change(story, number, response.json()["id"], story.cast.committee)
    assert granted.status_code == 200, granted.text
    assert (granted.json()["status"], granted.json()["revision"]) == ("applied", 2)
    current = await story.ok("GET", f"/api/v1/certificates/{number}", story.cast.staff)
    assert [s["name"] for s in current["sites"]][1:] == ["广州网点", "佛山网点"]
    assert [s["name"] for s in current["sites"]] == [
        s["name"] for s in (await _public(api, number)).get("sites", current["sites"])
    ]
    listed = await story.ok("GET", f"/api/v1/certificates/{number}/changes", story.cast.staff)
    assert [c["status"] for c in listed["items"]] == ["refused", "applied"]
    paged = await story.ok(
        "GET", f"/api/v1/certificates/{number}/changes", story.cast.staff, params={"limit": 1}
    )
    assert [c["status"] for c in paged["items"]] == ["refused"]
    assert paged["next_cursor"] is not None
    assert_problem(
        await api.get("/api/v1/certificates/ASC-2026-999999/changes", story.cast.staff),
        404,
        "certificate.not_found",
    )


async def test_extending_the_scope_waits_for_the_committee(story: Story) -> None:
    certificate, _ = await _certificate(story, scope_items=[AC])
    number = certificate["number"]
    wider = {
        "scope": "家用空调器、冰箱的售后服务",
        "scope_en": "After-sales service of household air conditioners and refrigerators",
    }
    response = await _change(story, number, **wider)
    assert response.status_code == 202, response.text
    assert response.json()["changes"] == wider
    current = await story.ok("GET", f"/api/v1/certificates/{number}", story.cast.staff)
    assert (current["scope"], current["revision"]) == (certificate["scope"], 1)


async def test_sites_must_be_the_organisations_active_ones(story: Story) -> None:
    api = story.api
    certificate, outlets = await _certificate(story, "广州网点")
    number = certificate["number"]
    stranger = await story.organisation()
    theirs = await _sites(story, stranger["id"], "别家网点")
    before = await snapshot(api.db)
    response = await _change(story, number, site_ids=[theirs[0]["id"]])
    assert_problem(response, 422, "certificate_change.invalid_site")
    assert await snapshot(api.db) == before
    # a pending change whose site is deactivated meanwhile cannot be granted
    extra = await _sites(story, certificate["organisation"]["id"], "佛山网点")
    response = await _change(story, number, site_ids=[outlets[0]["id"], extra[0]["id"]])
    assert response.status_code == 202, response.text
    site_url = f"/api/v1/organisations/{certificate['organisation']['id']}/sites/{extra[0]['id']}"
    await story.ok("PATCH", site_url, story.cast.staff, json={"active": False})
    refused = await _decide_change(story, number, response.json()["id"], story.cast.committee)
    assert_problem(refused, 422, "certificate_change.invalid_site")


async def test_no_change_once_the_certificate_is_no_longer_live(story: Story) -> None:
    certificate, _ = await _certificate(story, "广州网点")
    number = certificate["number"]
    extra = await _sites(story, certificate["organisation"]["id"], "佛山网点")
    response = await _change(story, number, site_ids=[extra[0]["id"]])
    assert response.status_code == 202, response.text
    await story.ok(
        "POST",
        f"/api/v1/certificates/{number}/withdraw",
        story.cast.staff,
        json={"reason": "严重违规"},
    )
    assert_problem(
        await _change(story, number, address="珠海市香洲区新港路8号"),
        409,
        "certificate.invalid_transition",
    )
    granted = await _decide_change(story, number, response.json()["id"], story.cast.committee)
    assert_problem(granted, 409, "certificate.invalid_transition")
    # a refusal is still recorded
    refused = await _decide_change(
        story, number, response.json()["id"], story.cast.committee, "refuse"
    )
    assert refused.json()["status"] == "refused"


async def test_recertification_carries_the_printed_details_over(story: Story) -> None:
    certificate, outlets = await _certificate(story, "广州网点", "深圳网点", scope_items=[AC])
    number = certificate["number"]
    await _change(story, number, site_ids=[outlets[0]["id"]], organisation_name="星达新名称")
    decision = await story.recertify(number)
    renewed = decision["certificate"]
    assert renewed["number"] != number
    assert (renewed["scope"], renewed["scope_en"], renewed["revision"]) == (
        certificate["scope"],
        certificate["scope_en"],
        1,
    )
    assert [s["name"] for s in renewed["sites"]][1:] == ["广州网点"]
