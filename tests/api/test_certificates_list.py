"""GET /api/v1/certificates: filters (status true today, grade, organisation, expiry), pages."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.api import Api, assert_problem
from tests.support.workflow import Cast, Story


async def test_filters_and_pages(api: Api, subtests: pytest.Subtests) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    five = await story.certificate(total="96")
    api.clock.set_today(date(2027, 1, 10))
    three = await story.certificate(total="85")
    suspended = await story.certificate(total="85")
    await story.ok(
        "POST",
        f"/api/v1/certificates/{suspended['number']}/suspend",
        cast.staff,
        json={"reason": "x"},
    )

    async def numbers(**params: object) -> list[str]:
        page = await story.ok("GET", "/api/v1/certificates", cast.committee, params=params)
        return [c["number"] for c in page["items"]]

    assert await numbers() == [five["number"], three["number"], suspended["number"]]
    assert await numbers(grade="three_star") == [three["number"], suspended["number"]]
    assert await numbers(status="suspended") == [suspended["number"]]
    assert await numbers(status="active") == [five["number"], three["number"]]
    assert await numbers(organisation_id=three["organisation"]["id"]) == [three["number"]]
    assert await numbers(expiring_before="2029-12-31") == [five["number"]]
    assert await numbers(status="withdrawn") == []
    api.clock.set_today(date(2029, 11, 23))  # the first has expired (read time)
    assert await numbers(status="expired") == [five["number"]]
    assert await numbers(status="active") == [three["number"]]

    first = await story.ok("GET", "/api/v1/certificates", cast.admin, params={"limit": 2})
    second = await story.ok(
        "GET",
        "/api/v1/certificates",
        cast.admin,
        params={"limit": 2, "cursor": first["next_cursor"]},
    )
    assert [c["number"] for c in first["items"] + second["items"]] == [
        five["number"],
        three["number"],
        suspended["number"],
    ]
    assert second["next_cursor"] is None
    bad = await api.get(
        "/api/v1/certificates", cast.staff, params={"cursor": first["next_cursor"] + "x"}
    )
    assert_problem(bad, 422, "request.validation")
    for params in ({"grade": "gold"}, {"expiring_before": "soon"}, {"status": "valid"}):
        with subtests.test(params=params):
            assert_problem(
                await api.get("/api/v1/certificates", cast.staff, params=params),
                422,
                "request.validation",
            )
    assert_problem(await api.get("/api/v1/certificates", cast.lead), 403, "auth.forbidden")
    assert_problem(
        await api.get("/api/v1/certificates/NOPE", cast.staff), 404, "certificate.not_found"
    )


async def test_the_status_filter_reads_supersession_as_the_status_does(api: Api) -> None:
    """A certificate whose successor's validity has begun is listed as superseded, before
    housekeeping records it; until that day it is listed as what it is."""
    cast = await Cast.hire(api)
    story = Story(api, cast)
    number = (await story.certificate())["number"]  # expires 2029-11-22
    api.clock.set_today(date(2029, 8, 1))
    new = (await story.recertify(number))["certificate"]["number"]  # valid from 2029-11-23

    async def numbers(status: str) -> list[str]:
        page = await story.ok("GET", "/api/v1/certificates", cast.staff, params={"status": status})
        return [c["number"] for c in page["items"]]

    assert await numbers("active") == [number, new]
    assert await numbers("superseded") == []
    api.clock.set_today(date(2029, 11, 23))  # superseded and past expiry: superseded
    assert await numbers("active") == [new]
    assert await numbers("superseded") == [number]
    assert await numbers("expired") == []
    listed = await story.ok("GET", "/api/v1/certificates", cast.staff)
    assert [(c["number"], c["status"]) for c in listed["items"]] == [
        (number, "superseded"),
        (new, "active"),
    ]
