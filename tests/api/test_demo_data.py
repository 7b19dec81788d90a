"""starcert demo-data: a register through the same tables, constraints and hash chain."""

from __future__ import annotations

from collections import Counter
from datetime import date

import anyio
import pytest
from sqlalchemy import text

from app.cli import main as cli_main
from app.config import get_settings
from app.demo import load
from app.domain import uscc
from app.domain.enums import Role
from tests.support.api import Api
from tests.support.workflow import Cast, Story


async def test_a_demo_register_is_real_data(api: Api) -> None:
    settings = api.app.state.settings
    plan = load.Plan(certificates=3000, today=date(2026, 11, 23), prefix="ASC", seed=7)
    await load.load(settings, plan)
    statuses = await load.status_counts(settings)
    assert sum(statuses.values()) == 3000
    assert set(statuses) == {
        "active",
        "suspended",
        "withdrawn",
        "cancelled",
        "expired",
        "superseded",
    }
    assert statuses["superseded"] == len(plan.renewals) > 0

    admin = await api.actor(Role.ADMIN)
    verification = (await api.get("/api/v1/events/verify", admin)).json()
    assert verification["intact"] is True and verification["checked"] == 3002  # + admin, key

    cast = await Cast.hire(api)
    page = (await api.get("/api/v1/certificates", cast.staff, params={"limit": 100})).json()
    grades = Counter(c["grade"] for c in page["items"])
    assert set(grades) <= {"compliant", "three_star", "four_star", "five_star"} and len(grades) > 1
    for certificate in page["items"]:
        assert uscc.failures(certificate["organisation"]["uscc"]) == ()  # the full check
        assert uscc.is_enterprise(certificate["organisation"]["uscc"])
        assert certificate["number"].startswith("ASC-20")
        assert certificate["standard"] == "GB/T 27922-2011"
        # its annex of sites: the headquarters as printed, and revision 1 of those details
        assert certificate["revision"] == 1
        assert certificate["sites"] == [
            {
                "name": certificate["organisation"]["name"],
                "address": certificate["organisation"]["address"],
                "kind": "headquarters",
            }
        ]
    first = page["items"][0]
    sites = await api.get(f"/api/v1/organisations/{first['organisation']['id']}/sites", cast.staff)
    assert [s["kind"] for s in sites.json()["items"]] == ["headquarters"]
    async with api.db.engine.connect() as conn:
        revisions = (
            await conn.execute(
                text("SELECT count(*), min(revision), max(revision) FROM certificate_revisions")
            )
        ).one()
    assert tuple(revisions) == (3000, 1, 1)
    old, new, _ = plan.renewals[0]
    renewed = (await api.get(f"/api/v1/certificates/{old}", cast.staff)).json()
    assert renewed["status"] == "superseded" and renewed["superseded_by"] == new

    # public search finds the generated names, through the indexes the migrations built
    name = page["items"][0]["organisation"]["name"]
    found = (await api.get("/public/v1/certificates", params={"name": name, "limit": 100})).json()
    assert page["items"][0]["number"] in [c["number"] for c in found["items"]]

    # the service issues the next number after the demo ones
    issued = await Story(api, cast).certificate()
    assert plan.last_sequence[2026] > 0
    assert issued["number"] == f"ASC-2026-{plan.last_sequence[2026] + 1:06d}"


async def test_demo_data_refuses_a_register_that_is_not_empty(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = Story(api, await Cast.hire(api))
    await story.certificate()
    assert await load.count_certificates(api.app.state.settings) == 1
    monkeypatch.setenv("STARCERT_DATABASE_URL", api.app.state.settings.database_url)
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as refused:
            await anyio.to_thread.run_sync(cli_main, ["demo-data", "--certificates", "10"])
        assert "already holds 1 certificates" in str(refused.value.code)
    finally:
        get_settings.cache_clear()
