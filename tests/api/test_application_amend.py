"""Applications name their scope items and sites (the headquarters always among them), and
are amended while submitted or accepted: eligibility and the quote computed again, the
earlier quote kept in the event."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain import fees
from app.models import Application
from app.services import sites as site_service
from app.services.applications import stored_quote
from tests.support.api import Api, assert_problem
from tests.support.inspect import events, snapshot
from tests.support.workflow import Cast, Story, application_body

ITEMS = [
    {"zh": "家用空调", "en": "household air conditioners"},
    {"zh": "商用冷柜"},
]


async def organisation_with_sites(story: Story) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A new organisation and its sites: headquarters, two outlets and a warehouse."""
    org = await story.organisation()
    url = f"/api/v1/organisations/{org['id']}/sites"
    for name, kind in (
        ("网点一", "service_outlet"),
        ("网点二", "service_outlet"),
        ("仓库", "warehouse"),
    ):
        body = {"name": name, "address": f"{name}的地址", "kind": kind}
        await story.ok("POST", url, story.cast.staff, 201, json=body)
    page = await story.ok("GET", url, story.cast.staff)
    return org, page["items"]


def ref(site: dict[str, Any]) -> dict[str, Any]:
    return {k: site[k] for k in ("id", "name", "address", "kind")}


async def apply(story: Story, organisation_id: int, **override: Any) -> dict[str, Any]:
    body = application_body(organisation_id, **override)
    created: dict[str, Any] = await story.ok(
        "POST", "/api/v1/applications", story.cast.staff, 201, json=body
    )
    return created


async def test_scope_items_and_sites_round_trip(api: Api, story: Story, cast: Cast) -> None:
    org, (hq, one, _, store) = await organisation_with_sites(story)
    created = await apply(story, org["id"], scope_items=ITEMS, site_ids=[store["id"], one["id"]])
    assert created["scope_items"] == [ITEMS[0], {"zh": "商用冷柜", "en": None}]
    assert created["sites"] == [ref(hq), ref(one), ref(store)]  # headquarters first, then id
    url = f"/api/v1/applications/{created['id']}"
    assert await story.ok("GET", url, cast.staff) == created
    listed = await story.ok("GET", "/api/v1/applications", cast.staff)
    assert listed["items"] == [created]
    [event] = await events(api.db, action="application.submitted")
    assert event["data"]["site_ids"] == [hq["id"], one["id"], store["id"]]
    assert event["data"]["scope_items"] == [ITEMS[0], {"zh": "商用冷柜"}]
    # the helper others read: the same sites, active or not, headquarters first
    await story.ok(
        "PATCH",
        f"/api/v1/organisations/{org['id']}/sites/{one['id']}",
        cast.staff,
        json={"active": False},
    )
    async with api.db.read_sessions() as session:
        found = await site_service.application_sites(session, created["id"])
    assert [(s.id, s.active) for s in found] == [
        (hq["id"], True),
        (one["id"], False),
        (store["id"], True),
    ]
    assert await story.ok("GET", url, cast.staff) == created | {"sites": created["sites"]}


async def test_the_headquarters_is_always_in_scope(api: Api, story: Story) -> None:
    org, (hq, one, *_) = await organisation_with_sites(story)
    plain = await apply(story, org["id"])
    assert plain["sites"] == [ref(hq)] and plain["scope_items"] is None
    named = await apply(story, org["id"], site_ids=[one["id"], hq["id"]])
    assert named["sites"] == [ref(hq), ref(one)]
    empty = await apply(story, org["id"], site_ids=[])
    assert empty["sites"] == [ref(hq)]


async def test_only_active_sites_of_the_organisation(api: Api, story: Story, cast: Cast) -> None:
    org, (_, one, two, _) = await organisation_with_sites(story)
    _, (other_hq, *_) = await organisation_with_sites(story)
    await story.ok(
        "PATCH",
        f"/api/v1/organisations/{org['id']}/sites/{two['id']}",
        cast.staff,
        json={"active": False},
    )
    before = await snapshot(api.db)
    body = application_body(org["id"], site_ids=[one["id"], two["id"], other_hq["id"], 999_999])
    response = await api.post("/api/v1/applications", cast.staff, json=body)
    problem = assert_problem(response, 422, "application.unknown_site")
    assert [e["loc"] for e in problem["errors"]] == [
        ["body", "site_ids", 1],
        ["body", "site_ids", 2],
        ["body", "site_ids", 3],
    ]
    assert await snapshot(api.db) == before


@pytest.mark.parametrize(
    "override",
    [
        {"scope_items": []},
        {"scope_items": [{"zh": f"产品{n}"} for n in range(21)]},
        {"scope_items": [{"zh": "  "}]},
        {"scope_items": [{"zh": ""}]},
        {"scope_items": [{"en": "no Chinese name"}]},
        {"scope_items": [{"zh": "空" * 61}]},
        {"scope_items": [{"zh": "空调", "en": "a" * 121}]},
        {"scope_items": [{"zh": "空调", "note": "?"}]},
        {"scope_items": [{"zh": "空调\n冷柜"}]},
        {"site_ids": [3, 3]},
        {"site_ids": [0]},
        {"site_ids": ["1"]},
    ],
)
async def test_invalid_scope_items_and_site_ids_are_422(
    api: Api, story: Story, cast: Cast, override: dict[str, Any]
) -> None:
    org = await story.organisation()
    before = await snapshot(api.db)
    response = await api.post(
        "/api/v1/applications", cast.staff, json=application_body(org["id"], **override)
    )
    assert_problem(response, 422, "request.validation")
    assert await snapshot(api.db) == before


@pytest.mark.parametrize("field", ["zh", "en"])
async def test_scope_items_refuse_invisible_characters(
    api: Api, story: Story, cast: Cast, field: str
) -> None:
    org = await story.organisation()
    item = {"zh": "家用空调", "en": "air conditioners"} | {field: "家用\u200b空调"}
    body = application_body(org["id"], scope_items=[ITEMS[1], item])
    before = await snapshot(api.db)
    response = await api.post("/api/v1/applications", cast.staff, json=body)
    problem = assert_problem(response, 422, "request.invisible_characters")
    assert [e["loc"] for e in problem["errors"]] == [["body", "scope_items", 1, field]]
    app = await apply(story, org["id"])
    after = await snapshot(api.db)
    patched = await api.patch(
        f"/api/v1/applications/{app['id']}", cast.staff, json={"scope_items": [item]}
    )
    assert_problem(patched, 422, "request.invisible_characters")
    assert await snapshot(api.db) == after
    assert before != after


async def test_amending_recomputes_the_quote_and_keeps_the_earlier(
    api: Api, story: Story, cast: Cast
) -> None:
    org, (hq, one, two, _) = await organisation_with_sites(story)
    created = await apply(story, org["id"], site_ids=[one["id"]])
    assert created["quote"]["person_days"]["initial"] == 16
    url = f"/api/v1/applications/{created['id']}"
    change = {
        "employee_count": 3000,
        "scope": "家用空调与冷柜的安装、维修与售后服务",
        "scope_items": ITEMS,
        "site_ids": [two["id"]],
    }
    response = await api.patch(url, cast.staff, json=change, headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.text
    amended = response.json()
    assert response.headers["etag"] == '"2"' and amended["version"] == 2
    assert amended["status"] == "submitted" and amended["number"] == created["number"]
    assert amended["employee_count"] == 3000 and amended["scope"] == change["scope"]
    assert amended["scope_items"] == [ITEMS[0], {"zh": "商用冷柜", "en": None}]
    assert amended["sites"] == [ref(hq), ref(two)]
    bigger = fees.quote(3000)
    assert amended["quote"]["person_days"]["initial"] == bigger.person_days.initial > 16
    assert amended["quote"]["fees"]["first_year_total_cny"] == bigger.fees.first_year_total_cny
    assert amended["quote"]["fees"]["first_year_total_cny"] > 53_000
    assert await story.ok("GET", url, cast.staff) == amended

    [event] = await events(api.db, action="application.amended")
    assert event["entity_id"] == str(created["id"])
    data = event["data"]
    assert data["quote_before"] == created["quote"]
    assert data["quote_after"] == amended["quote"]
    assert data["before"] == {
        "employee_count": 1200,
        "scope": created["scope"],
        "scope_items": None,
        "site_ids": [hq["id"], one["id"]],
    }
    assert data["after"] == {
        "employee_count": 3000,
        "scope": change["scope"],
        "scope_items": [ITEMS[0], {"zh": "商用冷柜"}],
        "site_ids": [hq["id"], two["id"]],
    }
    assert data["eligible"] is True


async def test_amending_an_accepted_application(api: Api, story: Story, cast: Cast) -> None:
    accepted = await story.accepted_application()
    url = f"/api/v1/applications/{accepted['id']}"
    amended = await story.ok("PATCH", url, cast.staff, json={"certified_manager_count": 5})
    assert amended["status"] == "accepted" and amended["version"] == accepted["version"] + 1
    # an amendment that would make it ineligible is refused: accepting required eligibility
    before = await snapshot(api.db)
    refused = await api.patch(url, cast.staff, json={"certified_manager_count": 0})
    problem = assert_problem(refused, 409, "application.not_eligible")
    assert "managers.insufficient" in problem["detail"]
    refused = await api.patch(url, cast.staff, json={"declarations": None})
    assert (
        "declarations.missing" in assert_problem(refused, 409, "application.not_eligible")["detail"]
    )
    assert await snapshot(api.db) == before


async def test_a_submitted_application_may_become_ineligible(
    api: Api, story: Story, cast: Cast
) -> None:
    org = await story.organisation()
    created = await apply(story, org["id"])
    url = f"/api/v1/applications/{created['id']}"
    amended = await story.ok("PATCH", url, cast.staff, json={"documents": ["business_licence"]})
    assert amended["eligibility"]["eligible"] is False
    assert "documents.missing" in {f["code"] for f in amended["eligibility"]["findings"]}
    assert amended["quote"] == created["quote"]
    fixed = await story.ok(
        "PATCH", url, cast.staff, json={"documents": application_body(0)["documents"]}
    )
    assert fixed["eligibility"] == created["eligibility"] and fixed["version"] == 3


async def test_amending_refusals(api: Api, story: Story, cast: Cast) -> None:
    org, (_, one, two, _) = await organisation_with_sites(story)
    created = await apply(story, org["id"])
    url = f"/api/v1/applications/{created['id']}"
    await story.ok(
        "PATCH",
        f"/api/v1/organisations/{org['id']}/sites/{two['id']}",
        cast.staff,
        json={"active": False},
    )
    before = await snapshot(api.db)
    stale = await api.patch(
        url, cast.staff, json={"employee_count": 10}, headers={"If-Match": '"7"'}
    )
    assert_problem(stale, 412, "request.precondition_failed")
    problem = assert_problem(await api.patch(url, cast.staff, json={}), 422, "request.validation")
    assert "at least one field" in problem["errors"][0]["msg"]
    for field in ("employee_count", "documents", "scope", "site_ids"):
        nulled = await api.patch(url, cast.staff, json={field: None})
        problem = assert_problem(nulled, 422, "request.validation")
        assert problem["errors"] == [{"loc": ["body", field], "msg": "cannot be null"}]
    unknown = await api.patch(url, cast.staff, json={"site_ids": [one["id"], two["id"]]})
    problem = assert_problem(unknown, 422, "application.unknown_site")
    assert [e["loc"] for e in problem["errors"]] == [["body", "site_ids", 1]]
    counts = await api.patch(url, cast.staff, json={"service_management_staff_count": 5000})
    problem = assert_problem(counts, 422, "request.validation")
    assert problem["errors"][0]["loc"] == ["body", "service_management_staff_count"]
    for body in ({"enterprise_type": "sales_service"}, {"organisation_id": org["id"]}):
        assert_problem(await api.patch(url, cast.staff, json=body), 422, "request.validation")
    missing = await api.patch("/api/v1/applications/999999", cast.staff, json={"scope": "x"})
    assert_problem(missing, 404, "application.not_found")
    assert_problem(
        await api.patch(url, cast.integrator, json={"scope": "x"}), 403, "auth.forbidden"
    )
    assert await snapshot(api.db) == before
    # the same values again: nothing changes
    same = await story.ok("PATCH", url, cast.staff, json={"employee_count": 1200, "site_ids": []})
    assert same == created
    assert await events(api.db, action="application.amended") == []


@pytest.mark.parametrize("step", ["in_audit", "rejected", "withdrawn"])
async def test_only_submitted_or_accepted_applications_are_amended(
    api: Api, story: Story, cast: Cast, step: str
) -> None:
    accepted = await story.accepted_application()
    url = f"/api/v1/applications/{accepted['id']}"
    if step == "in_audit":
        await story.audit(application_id=accepted["id"])
    elif step == "rejected":
        await story.ok("POST", f"{url}/reject", cast.staff, json={"reason": "不符合"})
    else:
        await story.ok("POST", f"{url}/withdraw", cast.staff)
    before = await snapshot(api.db)
    refused = await api.patch(url, cast.staff, json={"employee_count": 3000})
    problem = assert_problem(refused, 409, "application.invalid_transition")
    assert problem["detail"] == f"cannot amend an application that is {step.replace('_', ' ')}"
    assert await snapshot(api.db) == before


async def test_stored_quote_reads_as_answered(api: Api, story: Story) -> None:
    org = await story.organisation()
    created = await apply(story, org["id"])
    async with api.db.read_sessions() as session:
        application = await session.get(Application, created["id"])
        assert application is not None
        stored = stored_quote(application)
    assert stored["fees"] == created["quote"]["fees"]
    assert {k: float(v) for k, v in stored["person_days"].items()} == created["quote"][
        "person_days"
    ]
