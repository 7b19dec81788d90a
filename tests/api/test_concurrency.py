"""Races between clerks and workers: two app instances, each with its own connection pool,
fire requests at once. No duplicate or skipped number, one certificate per decision, score
sheet revisions 1..n without gaps (on PostgreSQL the point of the test; SQLite serialises
writers and must give the same answers)."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from sqlalchemy import text

from app.config import Settings
from app.db import Database
from app.services import housekeeping
from tests.support.api import Api
from tests.support.workflow import Cast, Story, application_body, indicators, sheet


async def _scalar(db: Database, sql: str) -> object:
    async with db.engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar()


async def test_parallel_decisions_issue_gapless_unique_numbers(api: Api, other: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    rubric = await indicators(api, cast.staff, "production")
    audit_ids = []
    for _ in range(8):
        audit = await story.scoring_audit()
        await story.score(audit["id"], sheet(rubric, total=Decimal(92)))
        await story.complete(audit["id"])
        audit_ids.append(audit["id"])
    body = {"outcome": "grant", "reason": "并发决定"}
    responses = await asyncio.gather(
        *(
            (api if i % 2 else other).post(
                f"/api/v1/audits/{a}/decision", cast.committee, json=body
            )
            for i, a in enumerate(audit_ids)
        )
    )
    assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses]
    numbers = sorted(r.json()["certificate"]["number"] for r in responses)
    assert numbers == [f"ASC-2026-{n:06d}" for n in range(1, 9)]
    assert await _scalar(api.db, "SELECT count(*) FROM certificates") == 8
    assert await _scalar(api.db, "SELECT count(DISTINCT issuing_audit_id) FROM certificates") == 8


async def test_one_audit_decided_at_once_by_four_requests(api: Api, other: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    rubric = await indicators(api, cast.staff, "production")
    audit = await story.scoring_audit()
    await story.score(audit["id"], sheet(rubric, total=Decimal(92)))
    await story.complete(audit["id"])
    url = f"/api/v1/audits/{audit['id']}/decision"
    body = {"outcome": "grant", "reason": "同时决定"}
    responses = await asyncio.gather(
        *((api if i % 2 else other).post(url, cast.committee, json=body) for i in range(4))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409], [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {
        "audit.invalid_transition"
    }
    assert await _scalar(api.db, "SELECT count(*) FROM certificates") == 1
    assert await _scalar(api.db, "SELECT count(*) FROM decisions") == 1
    assert (
        await _scalar(
            api.db, "SELECT last_value FROM number_sequences WHERE series = 'certificate:ASC'"
        )
        == 1
    )


async def test_parallel_score_sheets_number_revisions_without_gaps(api: Api, other: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    rubric = await indicators(api, cast.staff, "production")
    audit = await story.scoring_audit()
    url = f"/api/v1/audits/{audit['id']}/score-sheets"
    responses = await asyncio.gather(
        *(
            (api if i % 2 else other).post(
                url, cast.auditor, json=sheet(rubric, total=Decimal(80 + i))
            )
            for i in range(10)
        )
    )
    assert [r.status_code for r in responses] == [201] * 10, [r.text for r in responses]
    assert sorted(r.json()["revision"] for r in responses) == list(range(1, 11))
    stored = (
        await api.get(
            f"/api/v1/audits/{audit['id']}/score-sheets", cast.staff, params={"limit": 100}
        )
    ).json()["items"]
    assert [s["revision"] for s in stored] == list(range(1, 11))
    # each revision holds the sheet that was submitted as it
    by_revision = {r.json()["revision"]: r.json()["final_score"] for r in responses}
    assert {s["revision"]: s["final_score"] for s in stored} == by_revision


async def test_parallel_applications_number_without_gaps(api: Api, other: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    org = await story.organisation()
    responses = await asyncio.gather(
        *(
            (api if i % 2 else other).post(
                "/api/v1/applications", cast.staff, json=application_body(org["id"])
            )
            for i in range(12)
        )
    )
    assert [r.status_code for r in responses] == [201] * 12
    assert sorted(r.json()["number"] for r in responses) == [
        f"SQ-2026-{n:06d}" for n in range(1, 13)
    ]
    chain = await _scalar(api.db, "SELECT last_event_id FROM event_chain")
    assert chain == await _scalar(api.db, "SELECT count(*) FROM events")


async def test_parallel_suspend_and_reinstate_lose_no_update(api: Api, other: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    number = (await story.certificate())["number"]
    url = f"/api/v1/certificates/{number}"
    responses = await asyncio.gather(
        *(
            (api if i % 2 else other).post(
                f"{url}/{'suspend' if i % 2 == 0 else 'reinstate'}",
                cast.staff,
                json={"reason": f"request {i}"},
            )
            for i in range(16)
        )
    )
    assert {r.status_code for r in responses} <= {200, 409}
    moved = [r for r in responses if r.status_code == 200]
    assert {r.json()["code"] for r in responses if r.status_code == 409} <= {
        "certificate.invalid_transition"
    }
    log = (await api.get(f"{url}/events", cast.staff, params={"limit": 100})).json()["items"]
    changes = [e["action"] for e in log if e["action"] != "certificate.issued"]
    assert len(changes) == len(moved) >= 1
    # the moves alternate: no suspend was applied over a suspend that another request made
    expected = ["certificate.suspended", "certificate.reinstated"] * len(changes)
    assert changes == expected[: len(changes)]
    final = (await api.get(url, cast.staff)).json()
    assert final["version"] == 1 + len(moved)
    assert final["status"] == ("suspended" if changes[-1] == "certificate.suspended" else "active")
    assert (await api.get("/api/v1/events/verify", cast.admin)).json()["intact"] is True


async def test_parallel_housekeeping_runs_act_once(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    numbers = [(await story.certificate())["number"] for _ in range(6)]
    api.clock.set_today(date(2027, 12, 23))  # every surveillance overdue by 31 days
    settings: Settings = api.app.state.settings
    hosts = [Database.from_settings(settings) for _ in range(4)]
    try:
        reports = await asyncio.gather(*(housekeeping.run(db, settings, api.clock) for db in hosts))
    finally:
        for db in hosts:
            await db.dispose()
    assert sum(r.done["suspend"] for r in reports) == 6
    suspended = await _scalar(
        api.db, "SELECT count(*) FROM events WHERE action = 'certificate.suspended'"
    )
    assert suspended == 6
    for number in numbers:
        assert (await api.get(f"/api/v1/certificates/{number}", cast.staff)).json()[
            "status"
        ] == "suspended"
    assert (await api.get("/api/v1/events/verify", cast.admin)).json()["intact"] is True
    again = await housekeeping.run(api.db, settings, api.clock)
    assert sum(again.done.values()) == 0


async def test_parallel_housekeeping_runs_record_a_supersession_once(api: Api) -> None:
    """On the day a successor's validity begins, several hosts record the supersession of
    its predecessor once, dated that day."""
    from tests.support.factories import make_certificate

    for n in range(6):
        await make_certificate(
            api.db,
            name=f"格力电器{n}",
            number=f"ASC-2024-{n + 1:06d}",
            issued_on=date(2024, 1, 1),
            superseded_by=f"ASC-2026-{n + 1:06d}",
            superseded_on=date(2026, 11, 20),
        )
    settings: Settings = api.app.state.settings
    hosts = [Database.from_settings(settings) for _ in range(4)]
    try:
        reports = await asyncio.gather(*(housekeeping.run(db, settings, api.clock) for db in hosts))
    finally:
        for db in hosts:
            await db.dispose()
    assert sum(r.done["supersede"] for r in reports) == 6
    assert sum(r.done["expire"] + r.done["suspend"] for r in reports) == 0
    recorded = await _scalar(
        api.db, "SELECT count(*) FROM events WHERE action = 'certificate.superseded'"
    )
    assert recorded == 6
    dated = await _scalar(
        api.db,
        "SELECT count(*) FROM certificates WHERE status = 'superseded'"
        " AND status_changed_on = '2026-11-20'",
    )
    assert dated == 6
    cast = await Cast.hire(api)
    assert (await api.get("/api/v1/events/verify", cast.admin)).json()["intact"] is True


async def test_an_admin_changing_a_user_while_the_user_works_does_not_deadlock(
    api: Api, other: Api
) -> None:
    """The user row is locked FOR NO KEY UPDATE: an event naming the user as its actor can
    still be inserted (its foreign key takes a key-share lock on that row)."""
    cast = await Cast.hire(api)
    story = Story(api, cast)
    number = (await story.certificate())["number"]
    url = f"/api/v1/certificates/{number}"

    async def admin_edits() -> list[int]:
        codes = []
        for n in range(12):
            roles = ["staff"] if n % 2 else ["staff", "auditor"]
            response = await other.patch(
                f"/api/v1/users/{cast.staff.id}", cast.admin, json={"roles": roles}
            )
            codes.append(response.status_code)
        return codes

    async def staff_works() -> list[int]:
        codes = []
        for n in range(12):
            action = "suspend" if n % 2 == 0 else "reinstate"
            response = await api.post(f"{url}/{action}", cast.staff, json={"reason": "x"})
            codes.append(response.status_code)
        return codes

    edits, work = await asyncio.gather(admin_edits(), staff_works())
    assert set(edits) == {200} and set(work) == {200}, (edits, work)
    assert (await api.get("/api/v1/events/verify", cast.admin)).json()["intact"] is True
