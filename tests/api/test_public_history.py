"""The public record on a past day (``?on=``), the public history, and batch verification on
a day: status and grade from the event log, printed details from the revisions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.services import housekeeping
from tests.support.api import Api, assert_problem
from tests.support.workflow import Cast, Story

URL = "/public/v1/certificates"
ISSUED = "2026-11-23"  # the suite's clock stands on this day


async def _on(api: Api, number: str, day: str) -> dict[str, Any]:
    response = await api.get(f"{URL}/{number}", params={"on": day})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _history(api: Api, number: str) -> list[dict[str, Any]]:
    response = await api.get(f"{URL}/{number}/history")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _move(story: Story, number: str, action: str, reason: str) -> None:
    url = f"/api/v1/certificates/{number}/{action}"
    await story.ok("POST", url, story.cast.staff, json={"reason": reason})


async def test_status_on_the_day_before_and_the_day_of_each_move(
    api: Api, story: Story, subtests: pytest.Subtests
) -> None:
    number = (await story.certificate(total="96"))["number"]  # 2026-11-23 … 2029-11-22
    api.clock.set_today(date(2027, 3, 8))
    await _move(story, number, "suspend", "欠费未缴纳")
    api.clock.set_today(date(2027, 4, 1))
    await _move(story, number, "reinstate", "已缴清费用")
    api.clock.set_today(date(2029, 11, 25))  # past the expiry, before any housekeeping

    for day, status, since in (
        (ISSUED, "active", ISSUED),
        ("2027-03-07", "active", ISSUED),  # the day before the suspension
        ("2027-03-08", "suspended", "2027-03-08"),  # its day, at its end
        ("2027-03-31", "suspended", "2027-03-08"),  # the day before the reinstatement
        ("2027-04-01", "active", "2027-04-01"),  # its day
        ("2029-11-22", "active", "2027-04-01"),  # the last valid day
        ("2029-11-23", "expired", "2029-11-23"),  # the day of the expiry
        ("2029-11-25", "expired", "2029-11-23"),  # today
    ):
        with subtests.test(day=day):
            record = await _on(api, number, day)
            assert (record["status"], record["status_changed_on"]) == (status, since)
            assert record["grade"] == "five_star"
            assert record["number"] == number

    items = await _history(api, number)
    assert items == [
        {"date": ISSUED, "action": "issued", "status": "active", "grade": "five_star",
         "superseded_by": None},
        {"date": "2027-03-08", "action": "suspended", "status": "suspended",
         "grade": "five_star", "superseded_by": None},
        {"date": "2027-04-01", "action": "reinstated", "status": "active", "grade": "five_star",
         "superseded_by": None},
        {"date": "2029-11-23", "action": "expired", "status": "expired", "grade": "five_star",
         "superseded_by": None},
    ]  # fmt: skip
    text = (await api.get(f"{URL}/{number}/history")).text
    assert "欠费" not in text and "缴清" not in text and "Staff" not in text
    # housekeeping records the expiry later: the history does not change
    await housekeeping.run(api.db, api.app.state.settings, api.clock)
    assert await _history(api, number) == items
    assert (await _on(api, number, "2029-11-22"))["status"] == "active"


async def test_the_record_of_a_day_is_the_revision_then_in_effect(
    api: Api, story: Story, cast: Cast
) -> None:
    issued = await story.certificate()
    number = issued["number"]
    api.clock.set_today(date(2027, 6, 1))
    await story.ok(
        "POST",
        f"/api/v1/certificates/{number}/changes",
        cast.staff,
        json={"organisation_name": "珠海星达电器集团有限公司", "reason": "更名"},
    )
    before = await _on(api, number, "2027-05-31")
    after = await _on(api, number, "2027-06-01")
    assert before["organisation_name"] == issued["organisation"]["name"]
    assert after["organisation_name"] == "珠海星达电器集团有限公司"
    assert before["sites"] == after["sites"] == issued["sites"]
    assert after["scope_en"] == issued["scope_en"]
    now = (await api.get(f"{URL}/{number}")).json()
    assert now["organisation_name"] == "珠海星达电器集团有限公司"
    actions = [i["action"] for i in await _history(api, number)]
    assert actions == ["issued", "changed"]


async def test_before_issue_in_the_future_and_malformed(
    api: Api, story: Story, subtests: pytest.Subtests
) -> None:
    number = (await story.certificate())["number"]
    assert_problem(
        await api.get(f"{URL}/{number}", params={"on": "2026-11-22"}),
        404,
        "certificate.not_yet_issued",
    )
    assert_problem(
        await api.get(f"{URL}/ASC-2026-000404", params={"on": "2026-11-22"}),
        404,
        "certificate.not_found",
    )
    assert_problem(await api.get(f"{URL}/ASC-2026-000404/history"), 404, "certificate.not_found")
    for day in ("2026-11-24", "2027-01-01"):
        with subtests.test(future=day):
            problem = assert_problem(
                await api.get(f"{URL}/{number}", params={"on": day}), 422, "request.validation"
            )
            assert problem["errors"][0]["loc"] == ["query", "on"]
    for day in ("2026-13-01", "yesterday", "2026-11-1", "1764000000", ""):
        with subtests.test(malformed=day):
            assert_problem(
                await api.get(f"{URL}/{number}", params={"on": day}), 422, "request.validation"
            )


async def test_own_etags_and_the_fast_path_never_answers_a_query(api: Api, story: Story) -> None:
    number = (await story.certificate())["number"]
    api.clock.set_today(date(2027, 3, 8))
    await _move(story, number, "suspend", "投诉调查")
    api.clock.set_today(date(2027, 4, 1))
    await _move(story, number, "reinstate", "调查结束")

    plain = await api.get(f"{URL}/{number}")
    dated = await api.get(f"{URL}/{number}", params={"on": "2027-03-10"})
    today = await api.get(f"{URL}/{number}", params={"on": "2027-04-01"})
    assert (plain.json()["status"], dated.json()["status"]) == ("active", "suspended")
    # the same body on the day, yet its own entity tag
    assert today.json() == plain.json()
    tags = {plain.headers["etag"], dated.headers["etag"], today.headers["etag"]}
    assert len(tags) == 3
    for day, response in (("2027-03-10", dated), ("2027-04-01", today)):
        assert response.headers["cache-control"] == "public, max-age=60"
        again = await api.get(
            f"{URL}/{number}",
            params={"on": day},
            headers={"If-None-Match": response.headers["etag"]},
        )
        assert again.status_code == 304 and again.content == b""
    # the dated tag does not match the present record
    fresh = await api.get(f"{URL}/{number}", headers={"If-None-Match": today.headers["etag"]})
    assert fresh.status_code == 200

    history = await api.get(f"{URL}/{number}/history")
    assert history.headers["cache-control"] == "public, max-age=60"
    assert history.headers["etag"] not in tags
    cached = await api.get(
        f"{URL}/{number}/history", headers={"If-None-Match": history.headers["etag"]}
    )
    assert cached.status_code == 304

    # a query the route does not know is refused as for any other query string
    assert_problem(await api.get(f"{URL}/{number}", params={"foo": "1"}), 422, "request.validation")
    assert_problem(
        await api.get(f"{URL}/{number}/history", params={"on": "2027-03-10"}),
        422,
        "request.validation",
    )


async def test_the_history_of_a_recertified_certificate_names_its_successor(
    api: Api, story: Story
) -> None:
    number = (await story.certificate())["number"]  # 2026-11-23 … 2029-11-22
    for year, grade in ((2027, "three_star"), (2028, None)):
        api.clock.set_today(date(year, 10, 1))
        await story.surveillance(number, total="90", grade=grade)  # lowered, then kept
    api.clock.set_today(date(2029, 7, 1))
    new = (await story.recertify(number))["certificate"]
    assert new["valid_from"] == "2029-11-23"

    named = await _on(api, number, "2029-07-01")
    assert (named["status"], named["superseded_by"]) == ("active", new["number"])
    assert (await _on(api, number, "2029-06-30"))["superseded_by"] is None
    assert (await _on(api, number, "2028-01-01"))["last_surveillance_on"] == "2027-10-01"

    api.clock.set_today(date(2029, 12, 1))  # housekeeping has not run
    items = await _history(api, number)
    assert [(i["date"], i["action"]) for i in items] == [
        (ISSUED, "issued"),
        ("2027-10-01", "grade_changed"),
        ("2027-10-01", "surveillance_recorded"),
        ("2028-10-01", "surveillance_recorded"),
        ("2029-11-23", "superseded"),
    ]
    assert [i["grade"] for i in items] == ["four_star", *["three_star"] * 4]
    assert items[-1]["superseded_by"] == new["number"]
    assert all(i["superseded_by"] is None for i in items[:-1])
    await housekeeping.run(api.db, api.app.state.settings, api.clock)
    assert await _history(api, number) == items
    old = await _on(api, number, "2029-11-23")
    assert (old["status"], old["status_changed_on"]) == ("superseded", "2029-11-23")
    assert [i["action"] for i in await _history(api, new["number"])] == ["issued"]


async def test_verify_items_judged_on_a_day(api: Api, story: Story) -> None:
    certificate = await story.certificate()
    number, name = certificate["number"], certificate["organisation"]["name"]
    api.clock.set_today(date(2027, 3, 8))
    await _move(story, number, "suspend", "欠费")
    api.clock.set_today(date(2027, 4, 1))

    def item(on: str | None, **extra: Any) -> dict[str, Any]:
        return {"number": number, **({"on": on} if on else {}), **extra}

    body = {
        "items": [
            item(None),
            item("2026-11-22"),
            item("2027-03-07", organisation_name=name),
            item("2027-03-08"),
            {"number": "ASC-2026-000404", "on": "2027-01-01"},
        ]
    }
    response = await api.post(f"{URL}/verify", json=body)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["found"], r["status"], r["grade"], r["valid"]) for r in results] == [
        (True, "suspended", "four_star", False),
        (True, None, None, False),  # before issue
        (True, "active", "four_star", True),
        (True, "suspended", "four_star", False),
        (False, None, None, False),
    ]
    assert results[2]["organisation_matches"] is True
    assert results[1]["organisation_name"] == name

    future = {"items": [item(None), item("2027-04-02")]}
    problem = assert_problem(
        await api.post(f"{URL}/verify", json=future), 422, "request.validation"
    )
    assert problem["errors"][0]["loc"] == ["body", "items", 1, "on"]
    malformed = {"items": [item("2027-4-1")]}
    assert_problem(await api.post(f"{URL}/verify", json=malformed), 422, "request.validation")


async def test_items_on_a_day_take_one_more_statement_for_the_whole_batch(
    api: Api, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = [(await story.certificate())["number"] for _ in range(2)]
    api.clock.set_today(date(2027, 1, 1))
    reader = api.app.state.public.reader
    calls: list[tuple[str, int]] = []
    by_numbers, logs = reader.by_numbers, reader.logs

    async def counted_rows(wanted: list[str]) -> Any:
        calls.append(("rows", len(wanted)))
        return await by_numbers(wanted)

    async def counted_logs(wanted: list[str]) -> Any:
        calls.append(("logs", len(wanted)))
        return await logs(wanted)

    monkeypatch.setattr(reader, "by_numbers", counted_rows)
    monkeypatch.setattr(reader, "logs", counted_logs)
    plain = {"items": [{"number": n} for n in numbers]}
    assert (await api.post(f"{URL}/verify", json=plain)).status_code == 200
    assert calls == [("rows", 2)]
    calls.clear()
    days = ["2026-11-22", "2026-12-01", "2026-12-02"]
    dated = {"items": [{"number": n, "on": d} for n in numbers for d in days]}
    response = await api.post(f"{URL}/verify", json=dated)
    assert response.status_code == 200
    assert calls == [("rows", 2), ("logs", 2)]
    assert [r["valid"] for r in response.json()["results"]] == [False, True, True] * 2


async def test_search_items_carry_the_english_scope_and_the_sites(api: Api, story: Story) -> None:
    issued = await story.certificate()
    uscc = issued["organisation"]["uscc"]
    response = await api.get(URL, params={"uscc": uscc})
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert (item["scope_en"], item["sites"]) == (issued["scope_en"], issued["sites"])
    assert item["sites"] and set(item["sites"][0]) == {"name", "address", "kind"}
