"""Organisations: USCC validation and uniqueness, search, PATCH with If-Match, roles."""

from __future__ import annotations

import pytest

from app.domain.enums import Role
from tests.support.api import Api, assert_problem
from tests.support.inspect import events, snapshot
from tests.support.workflow import new_uscc, organisation_body


async def test_create_and_read(api: Api) -> None:
    staff = await api.actor(Role.STAFF)
    body = organisation_body(uscc=" 914403001922038216 ".lower())
    created = await api.post("/api/v1/organisations", staff, json=body)
    assert created.status_code == 201, created.text
    org = created.json()
    assert org["uscc"] == "914403001922038216"
    assert org["version"] == 1 and created.headers["etag"] == '"1"'
    assert {k: org[k] for k in ("name", "name_en", "registered_capital_cny", "employee_count")} == {
        k: body[k] for k in ("name", "name_en", "registered_capital_cny", "employee_count")
    }
    integrator = await api.actor(Role.INTEGRATOR)
    got = await api.get(f"/api/v1/organisations/{org['id']}", integrator)
    assert got.json() == org
    [event] = await events(api.db, action="organisation.created")
    assert event["entity_id"] == str(org["id"]) and event["data"]["uscc"] == "914403001922038216"


OUTSIDE = "is not a character of the code (0–9 and capital letters other than I, O, S, V, Z)"


@pytest.mark.parametrize(
    ("bad", "messages"),
    [
        ("914403001922038217", ["position 18: wrong check character (GB 32100)"]),
        ("91440300192203821", ["must be 18 characters, not 17"]),
        ("9144030019220382160", ["must be 18 characters, not 19"]),
        ("I14403001922038216", [f"position 1: 'I' {OUTSIDE}"]),
        ("91440300192203821O", [f"position 18: 'O' {OUTSIDE}"]),
        # accepted before the full check: both check characters of all zeros are right
        (
            "000000000000000000",
            [
                "position 1: registration authority '0' is not one GB 32100 lists (1–9, A, N, Y)",
                "position 2: organisation type '0' is not one of 1–5, 9",
                "positions 3–8: the administrative division must not be 000000",
            ],
        ),
        # Huawei's code with a forged organisation code check character and a right 18th
        (
            "914403001922038229",
            ["position 17: wrong check character of the organisation code (GB 11714)"],
        ),
    ],
)
async def test_invalid_uscc_is_422_with_one_error_per_failure(
    api: Api, bad: str, messages: list[str]
) -> None:
    staff = await api.actor(Role.STAFF)
    before = await snapshot(api.db)
    response = await api.post("/api/v1/organisations", staff, json=organisation_body(uscc=bad))
    problem = assert_problem(response, 422, "organisation.invalid_uscc")
    assert problem["errors"] == [{"loc": ["body", "uscc"], "msg": m} for m in messages]
    assert all(m in problem["detail"] for m in messages)
    assert await snapshot(api.db) == before


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("9144030071526726XG", "9144030071526726XG"),  # Tencent
        ("91110108551385082q", "91110108551385082Q"),  # Xiaomi, in lower case
        ("\u3000９１４４０３００１９２２０３８２１６ ", "914403001922038216"),  # full width
    ],
)
async def test_real_codes_are_accepted_as_typed(api: Api, typed: str, code: str) -> None:
    staff = await api.actor(Role.STAFF)
    created = await api.post("/api/v1/organisations", staff, json=organisation_body(uscc=typed))
    assert created.status_code == 201, created.text
    assert created.json()["uscc"] == code


async def test_duplicate_uscc_is_409(api: Api) -> None:
    staff = await api.actor(Role.STAFF)
    code = new_uscc()
    first = await api.post("/api/v1/organisations", staff, json=organisation_body(uscc=code))
    other = await api.post("/api/v1/organisations", staff, json=organisation_body())
    before = await snapshot(api.db)
    again = await api.post("/api/v1/organisations", staff, json=organisation_body(uscc=code))
    assert_problem(again, 409, "organisation.duplicate_uscc")
    steal = await api.patch(
        f"/api/v1/organisations/{other.json()['id']}", staff, json={"uscc": code}
    )
    assert_problem(steal, 409, "organisation.duplicate_uscc")
    assert await snapshot(api.db) == before
    assert first.status_code == 201


@pytest.mark.parametrize(
    "override",
    [
        {"employee_count": 0},
        {"employee_count": "12"},
        {"registered_capital_cny": -1},
        {"registered_capital_cny": 1.5},
        {"name": "A\nB"},
        {"name": ""},
        {"contact_email": "nope"},
        {"address": None},
        {"website": "https://example.cn"},
    ],
)
async def test_invalid_bodies_are_422(api: Api, override: dict[str, object]) -> None:
    staff = await api.actor(Role.STAFF)
    before = await snapshot(api.db)
    response = await api.post("/api/v1/organisations", staff, json=organisation_body(**override))
    assert_problem(response, 422, "request.validation")
    assert await snapshot(api.db) == before


async def test_patch_with_if_match(api: Api) -> None:
    staff = await api.actor(Role.STAFF)
    org = (await api.post("/api/v1/organisations", staff, json=organisation_body())).json()
    url = f"/api/v1/organisations/{org['id']}"
    before = await snapshot(api.db)
    stale = await api.patch(url, staff, json={"name": "新名"}, headers={"If-Match": '"2"'})
    assert_problem(stale, 412, "request.precondition_failed")
    cleared = await api.patch(url, staff, json={"name": None})
    assert_problem(cleared, 422, "request.validation")
    assert await snapshot(api.db) == before
    ok = await api.patch(
        url, staff, json={"name": "新名", "name_en": None}, headers={"If-Match": '"1"'}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["name"] == "新名" and ok.json()["name_en"] is None
    assert ok.json()["version"] == 2 and ok.headers["etag"] == '"2"'
    same = await api.patch(url, staff, json={"name": "新名"})
    assert same.json()["version"] == 2
    [event] = await events(api.db, action="organisation.updated")
    assert event["data"] == {"name": "新名", "name_en": None}
    assert_problem(
        await api.patch("/api/v1/organisations/999", staff, json={}), 404, "organisation.not_found"
    )


async def test_search_by_name_english_name_and_uscc(api: Api) -> None:
    staff = await api.actor(Role.STAFF)
    a = organisation_body(name="华为技术有限公司", name_en="Huawei Technologies Co., Ltd.")
    b = organisation_body(name="美的集团股份有限公司", name_en="Midea Group 100% Co., Ltd.")
    for body in (a, b):
        assert (await api.post("/api/v1/organisations", staff, json=body)).status_code == 201

    async def names(q: str) -> list[str]:
        response = await api.get("/api/v1/organisations", staff, params={"q": q})
        return [o["name"] for o in response.json()["items"]]

    assert await names("华为") == ["华为技术有限公司"]
    assert await names("huawei tech") == ["华为技术有限公司"]
    assert await names(a["uscc"][3:12].lower()) == ["华为技术有限公司"]
    assert await names("100%") == ["美的集团股份有限公司"]
    assert await names("%") == ["美的集团股份有限公司"]  # a literal percent sign, not a wildcard
    assert await names("_") == []
    assert len(await names("")) == 2


async def test_roles(api: Api) -> None:
    integrator = await api.actor(Role.INTEGRATOR)
    auditor = await api.actor(Role.AUDITOR)
    admin = await api.actor(Role.ADMIN)
    body = organisation_body()
    assert_problem(
        await api.post("/api/v1/organisations", integrator, json=body), 403, "auth.forbidden"
    )
    assert_problem(await api.post("/api/v1/organisations", admin, json=body), 403, "auth.forbidden")
    assert_problem(await api.get("/api/v1/organisations", auditor), 403, "auth.forbidden")
    assert (await api.get("/api/v1/organisations", admin)).status_code == 200
    assert_problem(
        await api.get("/api/v1/organisations/5", integrator), 404, "organisation.not_found"
    )
