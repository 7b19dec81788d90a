"""Sites of an organisation (服务网点): the headquarters made with it, one per organisation and
never deactivated; outlets added, renamed, deactivated; If-Match; races for a headquarters."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from tests.support.api import Api, assert_problem
from tests.support.inspect import events, snapshot
from tests.support.workflow import Cast, Story

OUTLET = {
    "name": "香洲服务网点",
    "address": "广东省珠海市香洲区人民东路8号",
    "kind": "service_outlet",
}


def sites_url(organisation_id: int) -> str:
    return f"/api/v1/organisations/{organisation_id}/sites"


async def add_site(story: Story, organisation_id: int, **override: Any) -> dict[str, Any]:
    body = OUTLET | override
    site: dict[str, Any] = await story.ok(
        "POST", sites_url(organisation_id), story.cast.staff, 201, json=body
    )
    return site


async def list_sites(story: Story, organisation_id: int) -> list[dict[str, Any]]:
    page = await story.ok("GET", sites_url(organisation_id), story.cast.staff)
    items: list[dict[str, Any]] = page["items"]
    return items


async def test_a_new_organisation_has_its_headquarters(api: Api, story: Story) -> None:
    org = await story.organisation()
    [hq] = await list_sites(story, org["id"])
    assert {k: hq[k] for k in ("organisation_id", "name", "address", "kind", "active")} == {
        "organisation_id": org["id"],
        "name": org["name"],
        "address": org["address"],
        "kind": "headquarters",
        "active": True,
    }
    assert hq["version"] == 1
    [event] = await events(api.db, action="site.created")
    assert event["entity_type"] == "site" and event["entity_id"] == str(hq["id"])
    assert event["data"] == {
        "organisation_id": org["id"],
        "name": org["name"],
        "address": org["address"],
        "kind": "headquarters",
    }
    # made in the same transaction as the organisation, right after its event
    [created] = await events(api.db, action="organisation.created")
    assert event["id"] == created["id"] + 1


async def test_sites_are_added_listed_and_changed(api: Api, story: Story, cast: Cast) -> None:
    org = await story.organisation()
    response = await api.post(sites_url(org["id"]), cast.staff, json=OUTLET)
    assert response.status_code == 201, response.text
    outlet = response.json()
    assert response.headers["etag"] == '"1"'
    assert {k: outlet[k] for k in ("name", "address", "kind", "active", "version")} == {
        "name": OUTLET["name"],
        "address": OUTLET["address"],
        "kind": "service_outlet",
        "active": True,
        "version": 1,
    }
    repair = await add_site(story, org["id"], name="维修中心", kind="repair_centre")
    store = await add_site(story, org["id"], name="配件仓库", kind="warehouse")
    listed = await list_sites(story, org["id"])
    assert [s["kind"] for s in listed] == [
        "headquarters",
        "service_outlet",
        "repair_centre",
        "warehouse",
    ]
    assert listed[1:] == [outlet, repair, store]
    # integrators and admins read, as they read organisations; a page at a time
    page = (await api.get(sites_url(org["id"]), cast.integrator, params={"limit": 2})).json()
    assert [s["id"] for s in page["items"]] == [listed[0]["id"], outlet["id"]]
    rest = await api.get(sites_url(org["id"]), cast.admin, params={"cursor": page["next_cursor"]})
    assert rest.json() == {"items": [repair, store], "next_cursor": None}

    url = f"{sites_url(org['id'])}/{outlet['id']}"
    changed = await api.patch(
        url, cast.staff, json={"name": "香洲中心网点", "active": False}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"'
    assert changed.json() | {"updated_at": None} == outlet | {
        "name": "香洲中心网点",
        "active": False,
        "version": 2,
        "updated_at": None,
    }
    [event] = await events(api.db, action="site.updated")
    assert event["entity_id"] == str(outlet["id"])
    assert event["data"] == {
        "organisation_id": org["id"],
        "before": {"name": OUTLET["name"], "active": True},
        "after": {"name": "香洲中心网点", "active": False},
    }
    again = await story.ok("PATCH", url, cast.staff, json={"active": True, "address": "新地址1号"})
    assert again["active"] is True and again["address"] == "新地址1号" and again["version"] == 3
    # nothing different: nothing changes
    same = await story.ok("PATCH", url, cast.staff, json={"active": True})
    assert same["version"] == 3
    assert len(await events(api.db, action="site.updated")) == 2


async def test_the_roles_are_the_organisations(api: Api, story: Story, cast: Cast) -> None:
    org = await story.organisation()
    for caller in (cast.integrator, cast.admin, cast.auditor):
        assert_problem(
            await api.post(sites_url(org["id"]), caller, json=OUTLET), 403, "auth.forbidden"
        )
    assert_problem(await api.get(sites_url(org["id"]), cast.auditor), 403, "auth.forbidden")
    [hq] = await list_sites(story, org["id"])
    url = f"{sites_url(org['id'])}/{hq['id']}"
    assert_problem(await api.patch(url, cast.integrator, json={"name": "x"}), 403, "auth.forbidden")


async def test_one_headquarters_per_organisation(api: Api, story: Story, cast: Cast) -> None:
    org = await story.organisation()
    before = await snapshot(api.db)
    second = await api.post(
        sites_url(org["id"]), cast.staff, json=OUTLET | {"kind": "headquarters"}
    )
    problem = assert_problem(second, 409, "site.headquarters_exists")
    assert str(org["id"]) in problem["detail"]
    assert await snapshot(api.db) == before
    # another organisation has its own
    other = await story.organisation()
    assert len(await list_sites(story, other["id"])) == 1


async def test_the_headquarters_cannot_be_deactivated(api: Api, story: Story, cast: Cast) -> None:
    org = await story.organisation()
    [hq] = await list_sites(story, org["id"])
    url = f"{sites_url(org['id'])}/{hq['id']}"
    before = await snapshot(api.db)
    refused = await api.patch(url, cast.staff, json={"active": False, "name": "总部"})
    assert_problem(refused, 409, "site.headquarters_required")
    assert await snapshot(api.db) == before
    # renamed and moved, it stays the headquarters
    moved = await story.ok("PATCH", url, cast.staff, json={"name": "总部", "address": "新址2号"})
    assert moved["kind"] == "headquarters" and moved["name"] == "总部"


async def test_if_match_and_nulls(api: Api, story: Story, cast: Cast) -> None:
    org = await story.organisation()
    outlet = await add_site(story, org["id"])
    url = f"{sites_url(org['id'])}/{outlet['id']}"
    before = await snapshot(api.db)
    stale = await api.patch(url, cast.staff, json={"name": "新名"}, headers={"If-Match": '"2"'})
    assert_problem(stale, 412, "request.precondition_failed")
    for field in ("name", "address", "active"):
        cleared = await api.patch(url, cast.staff, json={field: None})
        problem = assert_problem(cleared, 422, "request.validation")
        assert problem["errors"] == [{"loc": ["body", field], "msg": "cannot be null"}]
    kind = await api.patch(url, cast.staff, json={"kind": "warehouse"})  # never changes
    assert_problem(kind, 422, "request.validation")
    assert await snapshot(api.db) == before


@pytest.mark.parametrize(
    "body",
    [
        {"name": "网点", "address": "地址", "kind": "shop"},
        {"name": "", "address": "地址", "kind": "warehouse"},
        {"name": "网点", "kind": "warehouse"},
        {"name": "网点\n二", "address": "地址", "kind": "warehouse"},
        {"name": "网点", "address": "地址", "kind": "warehouse", "active": False},
    ],
)
async def test_invalid_sites_are_422(api: Api, story: Story, cast: Cast, body: Any) -> None:
    org = await story.organisation()
    before = await snapshot(api.db)
    assert_problem(
        await api.post(sites_url(org["id"]), cast.staff, json=body), 422, "request.validation"
    )
    assert await snapshot(api.db) == before


@pytest.mark.parametrize("field", ["name", "address"])
async def test_invisible_characters_are_refused(
    api: Api, story: Story, cast: Cast, field: str
) -> None:
    org = await story.organisation()
    outlet = await add_site(story, org["id"])
    before = await snapshot(api.db)
    hidden = "香洲\u200b服务网点"
    created = await api.post(sites_url(org["id"]), cast.staff, json=OUTLET | {field: hidden})
    problem = assert_problem(created, 422, "request.invisible_characters")
    assert [e["loc"] for e in problem["errors"]] == [["body", field]]
    url = f"{sites_url(org['id'])}/{outlet['id']}"
    changed = await api.patch(url, cast.staff, json={field: "\u202e" + OUTLET[field]})
    problem = assert_problem(changed, 422, "request.invisible_characters")
    assert [e["loc"] for e in problem["errors"]] == [["body", field]]
    assert await snapshot(api.db) == before


async def test_unknown_organisations_and_sites(api: Api, story: Story, cast: Cast) -> None:
    org = await story.organisation()
    other = await story.organisation()
    [other_hq] = await list_sites(story, other["id"])
    before = await snapshot(api.db)
    assert_problem(await api.get(sites_url(999_999), cast.staff), 404, "organisation.not_found")
    assert_problem(
        await api.post(sites_url(999_999), cast.staff, json=OUTLET), 404, "organisation.not_found"
    )
    assert_problem(
        await api.patch(f"{sites_url(999_999)}/{other_hq['id']}", cast.staff, json={"name": "x"}),
        404,
        "organisation.not_found",
    )
    # a site of another organisation is not found under this one
    foreign = await api.patch(
        f"{sites_url(org['id'])}/{other_hq['id']}", cast.staff, json={"name": "x"}
    )
    assert_problem(foreign, 404, "site.not_found")
    missing = await api.patch(f"{sites_url(org['id'])}/999999", cast.staff, json={"name": "x"})
    assert_problem(missing, 404, "site.not_found")
    assert await snapshot(api.db) == before


async def test_parallel_headquarters_end_in_one_201_and_409s(
    api: Api, other: Api, story: Story, cast: Cast
) -> None:
    """An organisation without a headquarters (as the demo loader makes them): requests
    racing to add one are serialised by the partial unique index, the losers answered 409
    ``site.headquarters_exists`` (not a 500)."""
    org = await story.organisation()
    async with api.db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM sites WHERE organisation_id = :o"), {"o": org["id"]})
    body = OUTLET | {"kind": "headquarters"}
    responses = await asyncio.gather(
        *(
            (api if i % 2 else other).post(sites_url(org["id"]), cast.staff, json=body)
            for i in range(4)
        )
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409], [
        r.text for r in responses
    ]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {
        "site.headquarters_exists"
    }
    [hq] = await list_sites(story, org["id"])
    assert hq["kind"] == "headquarters"
    assert (await api.get("/api/v1/events/verify", cast.admin)).json()["intact"] is True
