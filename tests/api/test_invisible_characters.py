"""Names, addresses and scopes refuse invisible and direction-control characters (Unicode
category Cf): 422 ``request.invisible_characters`` naming the field, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api, assert_problem
from tests.support.inspect import snapshot
from tests.support.workflow import Cast, Story, application_body, organisation_body

ZERO_WIDTH = "深圳\u200b零宽科技有限公司"  # looks like 深圳零宽科技有限公司
OVERRIDE = "深圳市\u202e司公限有技科\u202c"  # a right-to-left override, popped
HIDDEN = [
    pytest.param(ZERO_WIDTH, id="U+200B"),
    pytest.param(OVERRIDE, id="U+202E"),
    pytest.param("\ufeff深圳零宽科技有限公司", id="U+FEFF"),
    pytest.param("\u2066Shenzhen\u2069 Zero Width Co., Ltd.", id="U+2066"),
    pytest.param("\u200b", id="only-U+200B"),  # invisible, not merely blank
]


async def _refused(
    api: Api, method: str, url: str, actor: Any, body: dict[str, Any], field: str
) -> dict[str, Any]:
    before = await snapshot(api.db)
    response = await api.request(method, url, actor, json=body)
    problem = assert_problem(response, 422, "request.invisible_characters")
    assert ["body", field] in [e["loc"] for e in problem["errors"]]
    [message] = [e["msg"] for e in problem["errors"] if e["loc"] == ["body", field]]
    assert message.startswith("must not contain invisible or direction-control characters (U+")
    assert await snapshot(api.db) == before
    return problem


@pytest.mark.parametrize("text", HIDDEN)
@pytest.mark.parametrize("field", ["name", "name_en", "address", "legal_representative"])
async def test_creating_an_organisation(api: Api, cast: Cast, field: str, text: str) -> None:
    body = organisation_body(**{field: text})
    await _refused(api, "POST", "/api/v1/organisations", cast.staff, body, field)


@pytest.mark.parametrize("text", HIDDEN)
@pytest.mark.parametrize("field", ["name", "name_en", "address", "legal_representative"])
async def test_changing_an_organisation(
    api: Api, story: Story, cast: Cast, field: str, text: str
) -> None:
    organisation = await story.organisation()
    url = f"/api/v1/organisations/{organisation['id']}"
    await _refused(api, "PATCH", url, cast.staff, {field: text}, field)
    assert (await story.ok("GET", url, cast.staff)) == organisation


@pytest.mark.parametrize("text", HIDDEN)
async def test_the_scope_of_an_application(api: Api, story: Story, cast: Cast, text: str) -> None:
    organisation = await story.organisation()
    body = application_body(organisation["id"], scope=f"家用空调的{text}售后服务")
    await _refused(api, "POST", "/api/v1/applications", cast.staff, body, "scope")


@pytest.mark.parametrize("text", HIDDEN)
async def test_the_name_of_a_user(api: Api, cast: Cast, text: str) -> None:
    body = {"name": text, "email": "zero.width@example.cn", "roles": ["staff"]}
    await _refused(api, "POST", "/api/v1/users", cast.admin, body, "name")


async def test_every_error_is_listed_and_the_field_is_named(api: Api, cast: Cast) -> None:
    body = organisation_body(name=ZERO_WIDTH, address=OVERRIDE, employee_count=0)
    problem = await _refused(api, "POST", "/api/v1/organisations", cast.staff, body, "name")
    assert [e["loc"] for e in problem["errors"]] == [
        ["body", "name"],
        ["body", "address"],
        ["body", "employee_count"],
    ]
    assert problem["errors"][0]["msg"] == (
        "must not contain invisible or direction-control characters (U+200B at index 2)"
    )
    assert problem["errors"][1]["msg"].endswith("(U+202E at index 3)")


async def test_other_invalid_text_is_still_a_validation_problem(api: Api, cast: Cast) -> None:
    body = organisation_body(name="深圳\x00零宽科技有限公司")
    response = await api.post("/api/v1/organisations", cast.staff, json=body)
    assert_problem(response, 422, "request.validation")


async def test_visible_text_in_any_script_is_accepted(api: Api, story: Story) -> None:
    organisation = await story.organisation(
        name="深圳零宽科技有限公司",
        name_en="Zero Width Technology (Shenzhen) Co., Ltd. — ünïcödé",
        address="深圳市南山区科技园 ١٢٣ 号",  # Arabic-Indic digits are visible (Nd), not Cf
    )
    assert organisation["name"] == "深圳零宽科技有限公司"
