"""POST /public/v1/certificates/verify: up to 100 at once, one database round trip."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.support.api import Api, assert_problem
from tests.support.factories import make_certificate


@pytest.fixture
async def register(api: Api) -> dict[str, dict[str, Any]]:
    return {
        "active": await make_certificate(
            api.db,
            name="格力电器（武汉）有限公司",
            name_en="Gree Electric (Wuhan) Co., Ltd.",
            number="ASC-2026-000001",
        ),
        "suspended": await make_certificate(
            api.db, name="美的集团", status="suspended", number="ASC-2026-000002"
        ),
        "superseded": await make_certificate(
            api.db,
            name="海尔智家",
            status="superseded",
            number="ASC-2023-000009",
            superseded_by="ASC-2026-000003",
            issued_on=date(2023, 5, 1),
        ),
    }


async def test_results_in_input_order(api: Api, register: dict[str, dict[str, Any]]) -> None:
    active, suspended = register["active"], register["suspended"]
    items = [
        {"number": " asc-2026-000002 "},
        {"number": "ASC-2026-000001", "organisation_name": "  格力电器(武汉)有限公司 "},
        {"number": "ASC-2026-000001", "organisation_name": "Gree Electric (Wuhan) Co., Ltd.  "},
        {"number": "ASC-2026-000001", "organisation_name": "格力电器有限公司"},
        {"number": "ASC-2026-000001", "uscc": active["uscc"].lower()},
        {"number": "ASC-2026-000001", "uscc": suspended["uscc"]},
        {
            "number": "ASC-2026-000001",
            "organisation_name": "格力电器（武汉）有限公司",
            "uscc": suspended["uscc"],
        },
        {"number": "ASC-2023-000009"},
        {"number": "ASC-2026-999999", "uscc": active["uscc"]},
        {"number": "not a number"},
        {"number": "ASC-2026-000002"},
        # an English name does not match a holder that has none
        {"number": "ASC-2026-000002", "organisation_name": "Midea Group"},
    ]
    response = await api.post("/public/v1/certificates/verify", json={"items": items})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["number"] for r in results] == [
        "ASC-2026-000002",
        "ASC-2026-000001",
        "ASC-2026-000001",
        "ASC-2026-000001",
        "ASC-2026-000001",
        "ASC-2026-000001",
        "ASC-2026-000001",
        "ASC-2023-000009",
        "ASC-2026-999999",
        "not a number",
        "ASC-2026-000002",
        "ASC-2026-000002",
    ]
    assert results[0] == {
        "number": "ASC-2026-000002",
        "found": True,
        "status": "suspended",
        "grade": "four_star",
        "valid": False,
        "organisation_matches": None,
        "organisation_name": "美的集团",
        "superseded_by": None,
    }
    assert [r["organisation_matches"] for r in results[1:7]] == [
        True,
        True,
        False,
        True,
        False,
        False,
    ]
    assert all(r["valid"] is True and r["status"] == "active" for r in results[1:7])
    assert results[7] == {
        "number": "ASC-2023-000009",
        "found": True,
        "status": "superseded",
        "grade": "four_star",
        "valid": False,
        "organisation_matches": None,
        "organisation_name": "海尔智家",
        "superseded_by": "ASC-2026-000003",
    }
    assert results[8] == {
        "number": "ASC-2026-999999",
        "found": False,
        "status": None,
        "grade": None,
        "valid": False,
        "organisation_matches": False,
        "organisation_name": None,
        "superseded_by": None,
    }
    assert results[9]["found"] is False and results[9]["organisation_matches"] is None
    assert results[10] == results[0]  # the same number asked twice: the same answer
    assert results[11]["organisation_matches"] is False


async def test_one_round_trip_for_the_whole_batch(
    api: Api, register: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = api.app.state.public.reader
    calls: list[int] = []
    original = reader.by_numbers

    async def counting(numbers: list[str]) -> Any:
        calls.append(len(numbers))
        return await original(numbers)

    monkeypatch.setattr(reader, "by_numbers", counting)
    items = [{"number": f"ASC-2026-{n:06d}"} for n in range(1, 101)]
    response = await api.post("/public/v1/certificates/verify", json={"items": items})
    assert response.status_code == 200
    assert calls == [100]
    found = [r["number"] for r in response.json()["results"] if r["found"]]
    assert found == ["ASC-2026-000001", "ASC-2026-000002"]


@pytest.mark.parametrize(
    "body",
    [
        {"items": []},
        {"items": [{"number": "ASC-2026-000001"}] * 101},
        {"items": [{"number": 1}]},
        {"items": [{"number": "ASC-2026-000001", "extra": True}]},
        {"items": [{"number": "ASC-2026-000001", "uscc": None, "organisation_name": 5}]},
        {"items": [{}]},
        {"numbers": ["ASC-2026-000001"]},
        {"items": [{"number": "x" * 65}]},
        # text follows the rules of /api/v1: blank or control characters are refused
        {"items": [{"number": "ASC-2026-000001", "organisation_name": "   "}]},
        {"items": [{"number": "ASC-2026-000001", "organisation_name": "\u200b"}]},
        {"items": [{"number": "ASC-2026-\n000001"}]},
        {"items": [{"number": "ASC-\x072026-000001"}]},
    ],
)
async def test_invalid_batches_are_422(api: Api, body: dict[str, Any]) -> None:
    assert_problem(
        await api.post("/public/v1/certificates/verify", json=body), 422, "request.validation"
    )


async def test_surrounding_white_space_is_trimmed_as_in_a_lookup(
    api: Api, register: dict[str, dict[str, Any]]
) -> None:
    items = [{"number": "ASC-2026-000001\t", "uscc": f" {register['active']['uscc']}\t"}]
    response = await api.post("/public/v1/certificates/verify", json={"items": items})
    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    assert result["found"] is True and result["organisation_matches"] is True
    lookup = await api.get("/public/v1/certificates/ASC-2026-000001%09")
    assert lookup.status_code == 200 and lookup.json()["number"] == "ASC-2026-000001"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"items": [', 400, "request.malformed_json"),
        (b'{"items": [{"number": NaN}]}', 400, "request.malformed_json"),
        (b'{"items": [{"number": "ASC-2026-000001"}]}\xff', 400, "request.malformed_json"),
    ],
    ids=["truncated", "nan", "not-utf8"],
)
async def test_a_body_that_is_not_json_is_400_as_on_the_api(
    api: Api, body: bytes, status: int, code: str
) -> None:
    response = await api.post(
        "/public/v1/certificates/verify", content=body, headers={"content-type": "application/json"}
    )
    assert_problem(response, status, code)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_body_that_is_not_sent_as_json_is_415(api: Api, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = await api.post(
        "/public/v1/certificates/verify",
        content=b'{"items": [{"number": "ASC-2026-000001"}]}',
        headers=headers,
    )
    assert_problem(response, 415, "request.unsupported_media_type")


async def test_malformed_json_is_400(api: Api) -> None:
    response = await api.post(
        "/public/v1/certificates/verify",
        content=b'{"items": [',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400, "request.malformed_json")


async def test_names_match_exactly_after_trimming_and_width_folding(
    api: Api, register: dict[str, dict[str, Any]]
) -> None:
    names = {
        "\u3000格力电器（武汉）有限公司 ": True,  # full-width brackets and space fold
        "Ｇｒｅｅ Electric (Wuhan) Co., Ltd.": True,  # full-width letters fold
        "GREE ELECTRIC (WUHAN) CO., LTD.": False,  # but case is part of the name
        "Gree  Electric (Wuhan) Co., Ltd.": False,  # and so is its spacing
        "格力电器(武汉)有限": False,  # a part is not the name
    }
    items = [{"number": "ASC-2026-000001", "organisation_name": n} for n in names]
    response = await api.post("/public/v1/certificates/verify", json={"items": items})
    assert response.status_code == 200, response.text
    got = [r["organisation_matches"] for r in response.json()["results"]]
    assert got == list(names.values())


async def test_valid_means_active_and_within_validity_on_the_day(api: Api) -> None:
    """A successor decided before its validity begins is active but not yet valid; its
    predecessor stays valid until that day, then reads superseded (docs/domain.md §7)."""
    await make_certificate(
        api.db,
        name="格兰仕集团",
        number="ASC-2024-000010",
        issued_on=date(2024, 3, 1),  # valid to 2027-02-28
        superseded_by="ASC-2026-000020",
        superseded_on=date(2027, 3, 1),
    )
    await make_certificate(
        api.db,
        name="格兰仕集团",
        number="ASC-2026-000020",
        issued_on=date(2026, 11, 1),
        valid_from=date(2027, 3, 1),
    )
    batch = {"items": [{"number": "ASC-2024-000010"}, {"number": "ASC-2026-000020"}]}

    async def verdicts() -> list[tuple[str, bool]]:
        results = (await api.post("/public/v1/certificates/verify", json=batch)).json()["results"]
        return [(r["status"], r["valid"]) for r in results]

    assert await verdicts() == [("active", True), ("active", False)]
    new = (await api.get("/public/v1/certificates/ASC-2026-000020")).json()
    assert (new["issued_on"], new["valid_from"], new["expires_on"]) == (
        "2026-11-01",
        "2027-03-01",
        "2030-02-28",
    )
    api.clock.set_today(date(2027, 2, 28))
    assert await verdicts() == [("active", True), ("active", False)]
    api.clock.set_today(date(2027, 3, 1))
    assert await verdicts() == [("superseded", False), ("active", True)]
    old = (await api.get("/public/v1/certificates/ASC-2024-000010")).json()
    assert (old["status"], old["status_changed_on"], old["superseded_by"]) == (
        "superseded",
        "2027-03-01",
        "ASC-2026-000020",
    )
