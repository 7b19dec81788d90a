"""Users, roles and API keys (docs/api.md, Authentication and roles), through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.enums import Role
from tests.conftest import NOW
from tests.support.api import Api, assert_problem
from tests.support.inspect import events, snapshot

NEW_USER = {"name": "王芳", "email": "Wang.Fang@Example.com", "roles": ["staff", "auditor"]}


async def test_admin_creates_user(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    response = await api.post("/api/v1/users", admin, json=NEW_USER)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "王芳"
    assert body["email"] == "wang.fang@example.com"
    assert body["roles"] == ["staff", "auditor"]
    assert body["active"] is True
    assert body["version"] == 1
    assert body["created_at"] == "2026-11-23T02:00:00Z"
    assert response.headers["etag"] == '"1"'
    [event] = await events(api.db, action="user.created", entity_id=str(body["id"]))
    assert event["actor_user_id"] == admin.id
    assert event["data"] == {
        "name": "王芳",
        "email": "wang.fang@example.com",
        "roles": ["staff", "auditor"],
    }


async def test_duplicate_email_is_409_case_insensitively(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    assert (await api.post("/api/v1/users", admin, json=NEW_USER)).status_code == 201
    before = await snapshot(api.db)
    again = {**NEW_USER, "email": "WANG.FANG@example.COM"}
    assert_problem(await api.post("/api/v1/users", admin, json=again), 409, "user.duplicate_email")
    assert await snapshot(api.db) == before


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({**NEW_USER, "extra": 1}, ["body", "extra"]),
        ({**NEW_USER, "name": 5}, ["body", "name"]),
        ({**NEW_USER, "name": ""}, ["body", "name"]),
        ({**NEW_USER, "name": "x" * 201}, ["body", "name"]),
        ({**NEW_USER, "name": "a\x00b"}, ["body", "name"]),
        ({**NEW_USER, "email": "not-an-email"}, ["body", "email"]),
        ({**NEW_USER, "roles": "staff"}, ["body", "roles"]),
        ({**NEW_USER, "roles": []}, ["body", "roles"]),
        ({**NEW_USER, "roles": ["staff", "staff"]}, ["body", "roles"]),
        ({**NEW_USER, "roles": ["superuser"]}, ["body", "roles", 0]),
        ({**NEW_USER, "roles": [1]}, ["body", "roles", 0]),
        ({"name": "x", "roles": ["staff"]}, ["body", "email"]),
    ],
)
async def test_invalid_user_bodies_are_422_and_write_nothing(
    api: Api, body: dict[str, object], loc: list[object]
) -> None:
    admin = await api.actor(Role.ADMIN)
    before = await snapshot(api.db)
    problem = assert_problem(
        await api.post("/api/v1/users", admin, json=body), 422, "request.validation"
    )
    assert loc in [e["loc"] for e in problem["errors"]]
    assert await snapshot(api.db) == before


async def test_malformed_json_is_400(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    response = await api.post(
        "/api/v1/users", admin, content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert_problem(response, 400, "request.malformed_json")
    response = await api.post(
        "/api/v1/users",
        admin,
        content=b'{"name": NaN}',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400, "request.malformed_json")


async def test_auth_is_required_and_checked(api: Api) -> None:
    response = await api.get("/api/v1/users")
    assert_problem(response, 401, "auth.unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    bad = await api.get("/api/v1/users", headers={"Authorization": "Bearer nope"})
    assert_problem(bad, 401, "auth.unauthenticated")
    assert bad.headers["www-authenticate"] == "Bearer"
    basic = await api.get("/api/v1/users", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(basic, 401, "auth.unauthenticated")


@pytest.mark.parametrize("role", [Role.STAFF, Role.AUDITOR, Role.COMMITTEE, Role.INTEGRATOR])
async def test_only_an_admin_lists_and_creates_users(api: Api, role: Role) -> None:
    someone = await api.actor(role)
    assert_problem(await api.get("/api/v1/users", someone), 403, "auth.forbidden")
    assert_problem(await api.post("/api/v1/users", someone, json=NEW_USER), 403, "auth.forbidden")


async def test_forbidden_comes_before_validation(api: Api) -> None:
    staff = await api.actor(Role.STAFF)
    assert_problem(await api.post("/api/v1/users", staff, json={"x": 1}), 403, "auth.forbidden")
    assert_problem(await api.post("/api/v1/users", json={"x": 1}), 401, "auth.unauthenticated")


async def test_me_returns_the_caller(api: Api) -> None:
    auditor = await api.actor(Role.AUDITOR, Role.STAFF, name="Zhang San")
    body = (await api.get("/api/v1/me", auditor)).json()
    assert body["id"] == auditor.id
    assert body["name"] == "Zhang San"
    assert body["roles"] == ["staff", "auditor"]


async def test_me_carries_the_etag_of_the_callers_version(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    staff = await api.actor(Role.STAFF)
    me = await api.get("/api/v1/me", staff)
    assert me.headers["etag"] == f'"{me.json()["version"]}"'
    url = f"/api/v1/users/{staff.id}"
    changed = await api.patch(
        url, admin, json={"roles": ["staff", "auditor"]}, headers={"If-Match": me.headers["etag"]}
    )
    assert changed.status_code == 200, changed.text
    again = await api.get("/api/v1/me", staff)
    assert again.headers["etag"] == changed.headers["etag"] != me.headers["etag"]


async def test_list_users_pages_with_cursor(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    for i in range(4):
        body = {"name": f"u{i}", "email": f"u{i}@example.org", "roles": ["staff"]}
        assert (await api.post("/api/v1/users", admin, json=body)).status_code == 201
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await api.get("/api/v1/users", admin, params=params)).json()
        seen += [u["id"] for u in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == 5 and pages == 3


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"limit": "x"}, {"cursor": "garbage!"}],
    ids=["limit-0", "limit-101", "limit-x", "cursor-garbage"],
)
async def test_bad_page_parameters_are_422(api: Api, params: dict[str, object]) -> None:
    admin = await api.actor(Role.ADMIN)
    assert_problem(await api.get("/api/v1/users", admin, params=params), 422, "request.validation")


async def test_get_user_and_bounds(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    ok = await api.get(f"/api/v1/users/{admin.id}", admin)
    assert ok.status_code == 200 and ok.headers["etag"] == '"1"'
    assert_problem(await api.get("/api/v1/users/999", admin), 404, "user.not_found")
    assert_problem(await api.get("/api/v1/users/0", admin), 422, "request.validation")
    assert_problem(await api.get("/api/v1/users/2147483648", admin), 422, "request.validation")
    assert_problem(await api.get("/api/v1/users/abc", admin), 422, "request.validation")


async def test_patch_roles_with_if_match(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    staff = await api.actor(Role.STAFF)
    url = f"/api/v1/users/{staff.id}"
    before = await snapshot(api.db)
    stale = await api.patch(url, admin, json={"roles": ["auditor"]}, headers={"If-Match": '"7"'})
    assert_problem(stale, 412, "request.precondition_failed")
    weak = await api.patch(url, admin, json={"roles": ["auditor"]}, headers={"If-Match": 'W/"1"'})
    assert_problem(weak, 412, "request.precondition_failed")
    assert await snapshot(api.db) == before
    ok = await api.patch(
        url, admin, json={"roles": ["auditor", "staff"]}, headers={"If-Match": '"1"'}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["roles"] == ["staff", "auditor"]
    assert ok.json()["version"] == 2 and ok.headers["etag"] == '"2"'
    again = await api.patch(url, admin, json={"roles": ["committee"]}, headers={"If-Match": '"1"'})
    assert_problem(again, 412, "request.precondition_failed")
    unchanged = await api.patch(url, admin, json={})
    assert unchanged.json()["version"] == 2
    [event] = await events(api.db, action="user.updated", entity_id=str(staff.id))
    assert event["data"] == {"roles": ["staff", "auditor"]}
    assert event["actor_user_id"] == admin.id
    me = (await api.get("/api/v1/me", staff)).json()
    assert me["roles"] == ["staff", "auditor"]


@pytest.mark.parametrize(
    "body",
    [{"active": "false"}, {"active": 0}, {"roles": []}, {"name": "x"}],
    ids=["active-string", "active-number", "roles-empty", "name-not-patchable"],
)
async def test_patch_validation(api: Api, body: dict[str, object]) -> None:
    admin = await api.actor(Role.ADMIN)
    response = await api.patch(f"/api/v1/users/{admin.id}", admin, json=body)
    assert_problem(response, 422, "request.validation")


async def test_patching_an_unknown_user_is_404(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    assert_problem(await api.patch("/api/v1/users/99", admin, json={}), 404, "user.not_found")


async def test_deactivating_a_user_revokes_its_keys_at_once(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    staff = await api.actor(Role.STAFF)
    second = await api.post(f"/api/v1/users/{staff.id}/api-keys", admin, json={"label": "laptop"})
    token2 = second.json()["token"]
    assert (await api.get("/api/v1/me", staff)).status_code == 200
    response = await api.patch(f"/api/v1/users/{staff.id}", admin, json={"active": False})
    assert response.status_code == 200 and response.json()["active"] is False
    assert_problem(await api.get("/api/v1/me", staff), 401, "auth.unauthenticated")
    assert_problem(
        await api.get("/api/v1/me", headers={"Authorization": f"Bearer {token2}"}),
        401,
        "auth.unauthenticated",
    )
    keys = (await api.get(f"/api/v1/users/{staff.id}/api-keys", admin)).json()["items"]
    assert all(k["revoked_at"] == "2026-11-23T02:00:00Z" for k in keys) and len(keys) == 2
    revoked = await events(api.db, action="api_key.revoked")
    assert [e["reason"] for e in revoked] == ["user deactivated", "user deactivated"]
    # reactivation does not bring the keys back
    await api.patch(f"/api/v1/users/{staff.id}", admin, json={"active": True})
    assert_problem(await api.get("/api/v1/me", staff), 401, "auth.unauthenticated")


async def test_admin_cannot_lock_itself_out(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    url = f"/api/v1/users/{admin.id}"
    assert_problem(await api.patch(url, admin, json={"active": False}), 409, "user.self_lockout")
    assert_problem(await api.patch(url, admin, json={"roles": ["staff"]}), 409, "user.self_lockout")
    assert (await api.patch(url, admin, json={"roles": ["admin", "staff"]})).status_code == 200


async def test_api_key_lifecycle(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    staff = await api.actor(Role.STAFF)
    expires = (api.clock.now() + timedelta(days=1)).isoformat()
    created = await api.post(
        f"/api/v1/users/{staff.id}/api-keys", admin, json={"label": "ci", "expires_at": expires}
    )
    assert created.status_code == 201, created.text
    key = created.json()
    assert set(key) == {"id", "label", "prefix", "token", "created_at", "expires_at"}
    assert key["token"].startswith(key["prefix"] + "_")
    assert key["expires_at"] == "2026-11-24T02:00:00Z"
    bearer = {"Authorization": f"Bearer {key['token']}"}
    assert (await api.get("/api/v1/me", headers=bearer)).json()["id"] == staff.id
    listed = (await api.get(f"/api/v1/users/{staff.id}/api-keys", admin)).json()["items"]
    assert sorted(k["label"] for k in listed) == ["ci", "test"]  # the actor's key and this one
    assert all("token" not in k for k in listed)
    assert key["token"] not in str(await snapshot(api.db))  # stored only as a hash
    [event] = await events(api.db, action="api_key.created", entity_id=str(key["id"]))
    assert event["data"]["prefix"] == key["prefix"] and key["token"] not in str(event)

    api.clock.advance(timedelta(days=1))
    assert_problem(await api.get("/api/v1/me", headers=bearer), 401, "auth.unauthenticated")

    other = (
        await api.post(f"/api/v1/users/{staff.id}/api-keys", admin, json={"label": "x"})
    ).json()
    other_bearer = {"Authorization": f"Bearer {other['token']}"}
    assert (await api.get("/api/v1/me", headers=other_bearer)).status_code == 200
    assert (await api.delete(f"/api/v1/api-keys/{other['id']}", admin)).status_code == 204
    assert_problem(await api.get("/api/v1/me", headers=other_bearer), 401, "auth.unauthenticated")
    assert (await api.delete(f"/api/v1/api-keys/{other['id']}", admin)).status_code == 204
    assert len(await events(api.db, action="api_key.revoked")) == 1
    assert_problem(await api.delete("/api/v1/api-keys/9999", admin), 404, "api_key.not_found")


@pytest.mark.parametrize(
    "body",
    [
        {"label": "x", "expires_at": (NOW - timedelta(seconds=1)).isoformat()},
        {"label": "x", "expires_at": "2030-01-01T00:00:00"},  # no offset
        {"label": "x", "expires_at": 1700000000},
        {"label": ""},
        {},
    ],
    ids=["expired", "no-offset", "epoch-number", "label-empty", "label-missing"],
)
async def test_api_key_validation(api: Api, body: dict[str, object]) -> None:
    admin = await api.actor(Role.ADMIN)
    response = await api.post(f"/api/v1/users/{admin.id}/api-keys", admin, json=body)
    assert_problem(response, 422, "request.validation")


async def test_api_keys_of_an_unknown_user_or_by_a_non_admin(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    assert_problem(
        await api.post("/api/v1/users/999/api-keys", admin, json={"label": "x"}),
        404,
        "user.not_found",
    )
    staff = await api.actor(Role.STAFF)
    assert_problem(await api.delete("/api/v1/api-keys/1", staff), 403, "auth.forbidden")
