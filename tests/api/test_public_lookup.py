"""GET /public/v1/certificates/{number}: the public record, true at the moment of the request."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.api import Api, assert_problem
from tests.support.workflow import Cast, Story

PUBLIC_FIELDS = {
    "number", "status", "grade", "organisation_name", "organisation_name_en",
    "organisation_address", "uscc", "scope", "standard", "issued_on", "valid_from",
    "expires_on", "last_surveillance_on", "superseded_by", "status_changed_on", "issuer",
    "scope_en", "sites",
}  # fmt: skip


async def test_lookup_forgiving_cacheable_and_true_now(api: Api, subtests: pytest.Subtests) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    issued = await story.certificate(total="96")
    number = issued["number"]
    response = await api.get(f"/public/v1/certificates/{number}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PUBLIC_FIELDS
    staff = await story.ok("GET", f"/api/v1/certificates/{number}", cast.staff)
    assert body == {
        "number": number,
        "status": "active",
        "grade": "five_star",
        "organisation_name": issued["organisation"]["name"],
        "organisation_name_en": issued["organisation"]["name_en"],
        "organisation_address": issued["organisation"]["address"],
        "uscc": issued["organisation"]["uscc"],
        "scope": issued["scope"],
        "standard": "GB/T 27922-2011",
        "issued_on": "2026-11-23",
        "valid_from": "2026-11-23",
        "expires_on": "2029-11-22",
        "last_surveillance_on": None,
        "superseded_by": None,
        "status_changed_on": "2026-11-23",
        "issuer": api.app.state.settings.issuer_name,
        "scope_en": staff["scope_en"],
        "sites": staff["sites"],
    }
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["content-type"] == "application/json"
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')

    for spelling in (
        number.lower(),
        f"  {number} ",
        "ＡＳＣ－２０２６－０００００１",
        "asc–2026–000001",
    ):
        with subtests.test(spelling=spelling):
            again = await api.get(f"/public/v1/certificates/{spelling}")
            assert again.status_code == 200, spelling
            assert again.json() == body

    cached = await api.get(f"/public/v1/certificates/{number}", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    assert cached.headers["etag"] == etag
    weak = await api.get(
        f"/public/v1/certificates/{number}", headers={"If-None-Match": f"W/{etag}"}
    )
    assert weak.status_code == 304

    # a status change shows in the very next read, with a new entity tag and its date; the
    # causes of a suspension stay internal
    api.clock.set_today(date(2027, 3, 8))
    await story.ok(
        "POST", f"/api/v1/certificates/{number}/suspend", cast.staff, json={"reason": "欠费"}
    )
    changed = await api.get(f"/public/v1/certificates/{number}", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["status_changed_on"]) == (
        "suspended",
        "2027-03-08",
    )
    assert "suspension_causes" not in changed.json() and "欠费" not in changed.text
    assert changed.headers["etag"] != etag

    # past expires_on it reads expired before any job has run, since the day after expiry
    api.clock.set_today(date(2029, 11, 25))
    expired = (await api.get(f"/public/v1/certificates/{number}")).json()
    assert (expired["status"], expired["status_changed_on"]) == ("expired", "2029-11-23")


@pytest.mark.parametrize(
    "number",
    ["ASC-2026-000404", "nonsense", "ASC-2026-0000001", "%", "ASC 2026 000001"],
    ids=["not-issued", "nonsense", "seven-digits", "percent", "spaces"],
)
async def test_unknown_numbers_are_404(api: Api, number: str) -> None:
    response = await api.get(f"/public/v1/certificates/{number}")
    assert_problem(response, 404, "certificate.not_found")
    assert "cache-control" not in response.headers


async def test_a_number_too_long_is_422(api: Api) -> None:
    assert_problem(await api.get("/public/v1/certificates/" + "A" * 65), 422, "request.validation")


async def test_the_fast_path_and_the_route_answer_alike(api: Api) -> None:
    """GET goes through ``LookupFastPath``; HEAD and a long number through the route."""
    cast = await Cast.hire(api)
    number = (await Story(api, cast).certificate(total="96"))["number"]
    path = f"/public/v1/certificates/{number}"
    got = await api.get(path)
    head = await api.request("HEAD", path)
    assert head.status_code == 200 and head.content == b""
    for name in ("etag", "cache-control", "content-type", "content-length", "ratelimit-limit"):
        assert head.headers[name] == got.headers[name], name
    assert int(got.headers["content-length"]) == len(got.content)
    missing = await api.request("HEAD", "/public/v1/certificates/ASC-2026-000404")
    assert missing.status_code == 404
    # a trailing segment is no lookup: the router answers
    assert_problem(await api.get(f"{path}/events"), 404, "request.not_found")
    assert (await api.get("/public/v1/certificates/")).status_code == 307  # to the search
    metrics = (await api.get("/metrics")).text
    assert 'route="/public/v1/certificates/{number}"' in metrics
