"""The event log: listing, the hash chain over RFC 8785 JSON, and tampering detected."""

from __future__ import annotations

import hashlib
import json

import pytest
import rfc8785
from sqlalchemy import text

from app.domain.enums import Role
from tests.support.api import Api, assert_problem
from tests.support.workflow import Cast, Story


async def _execute(api: Api, sql: str, **params: object) -> None:
    async with api.db.write_engine.begin() as conn:
        await conn.execute(text(sql), params)


async def _verify(api: Api, actor: object) -> dict[str, object]:
    response = await api.get("/api/v1/events/verify", actor)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_events_are_listed_and_chained(api: Api, subtests: pytest.Subtests) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    certificate = await story.certificate()
    page = (await api.get("/api/v1/events", cast.admin, params={"limit": 100})).json()
    items = page["items"]
    assert page["next_cursor"] is None
    assert [e["id"] for e in items] == list(range(1, len(items) + 1))
    previous = "0" * 64
    for event in items:
        document = {
            k: event[k]
            for k in (
                "id",
                "occurred_at",
                "actor_user_id",
                "entity_type",
                "entity_id",
                "action",
                "reason",
                "data",
            )
        }
        digest = hashlib.sha256(previous.encode() + rfc8785.dumps(document)).hexdigest()
        assert event["prev_hash"] == previous and event["hash"] == digest
        previous = event["hash"]
    issued = next(e for e in items if e["action"] == "certificate.issued")
    assert issued["entity_id"] == certificate["number"]
    assert issued["data"]["final_score"] == 92 and issued["data"]["grade"] == "four_star"

    filtered = (
        await api.get(
            "/api/v1/events",
            cast.committee,
            params={"entity_type": "certificate", "entity_id": certificate["number"]},
        )
    ).json()
    assert [e["action"] for e in filtered["items"]] == ["certificate.issued"]
    first = (await api.get("/api/v1/events", cast.admin, params={"limit": 3})).json()
    rest = (
        await api.get("/api/v1/events", cast.admin, params={"cursor": first["next_cursor"]})
    ).json()
    assert rest["items"][0]["id"] == 4
    for role, actor in (
        ("staff", cast.staff),
        ("integrator", cast.integrator),
        ("auditor", cast.lead),
    ):
        with subtests.test(role=role):
            assert_problem(await api.get("/api/v1/events", actor), 403, "auth.forbidden")
            assert_problem(await api.get("/api/v1/events/verify", actor), 403, "auth.forbidden")
    assert await _verify(api, cast.committee) == {
        "intact": True,
        "checked": len(items),
        "first_broken_id": None,
    }


@pytest.mark.parametrize(
    ("tamper", "broken"),
    [
        # an edited reason
        ("UPDATE events SET reason = 'nothing to see' WHERE id = 5", 5),
        # an edited data document (hash and prev_hash left alone)
        ("UPDATE events SET data = :data WHERE id = 7", 7),
        # a deleted row in the middle
        ("DELETE FROM events WHERE id = 6", 6),
        # the last row deleted
        ("DELETE FROM events WHERE id = (SELECT max(id) FROM events)", "last"),
        # two rows swapped (reordered)
        ("UPDATE events SET id = CASE id WHEN 3 THEN 4 WHEN 4 THEN 3 END WHERE id IN (3, 4)", 3),
    ],
)
async def test_tampering_is_detected(api: Api, tamper: str, broken: int | str) -> None:
    admin = await api.actor(Role.ADMIN)
    for n in range(6):  # with the admin and its key: 8 events
        await api.post(
            "/api/v1/users",
            admin,
            json={"name": f"u{n}", "email": f"t{n}@example.org", "roles": ["staff"]},
        )
    before = await _verify(api, admin)
    assert before["intact"] is True
    total = before["checked"]
    params = {"data": json.dumps({"name": "forged"})} if ":data" in tamper else {}
    if "CASE id" in tamper:  # through negative ids: the key is unique at every row
        await _execute(api, "UPDATE events SET id = -id WHERE id IN (3, 4)")
        tamper = (
            "UPDATE events SET id = CASE id WHEN -3 THEN 4 WHEN -4 THEN 3 END WHERE id IN (-3, -4)"
        )
    await _execute(api, tamper, **params)
    result = await _verify(api, admin)
    assert result["intact"] is False
    assert result["first_broken_id"] == (total if broken == "last" else broken)
