"""GET /api/v1/rubrics…: exactly the data of docs/domain.md §1, for any authenticated role."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import anyio
import httpx
import pytest
from sqlalchemy import inspect, text

from app import dburl, docs
from app.clock import FixedClock
from app.config import RateLimit, Settings
from app.db import Database
from app.domain.enums import EnterpriseType, Role
from app.domain.rubric import Weight
from app.domain.rubric_editions import BUILT_IN, RubricEdition, to_toml
from app.main import close_public, create_app
from app.services import rubrics as rubric_service
from app.services.context import Context
from app.services.rubrics import RubricEditionConflict, RubricFileError
from tests.support.api import Actor, Api, assert_problem
from tests.support.contract import Recorder
from tests.support.databases import (
    create_postgres_database,
    downgrade,
    drop_postgres_database,
    migrate,
    postgres_server_url,
)
from tests.support.inspect import events
from tests.support.workflow import Cast, Indicator, Story, sheet

# docs/domain.md §1, transcribed independently of app.domain: (section, name, category, points,
# [(indicator, name, points, excludable)]).
COMMON_HEAD = [
    (
        "culture",
        "服务文化",
        "service_system",
        10,
        [
            ("culture.philosophy", "服务理念", 2, False),
            ("culture.commitment", "服务承诺", 3, False),
            ("culture.strategy", "服务策略", 2, False),
            ("culture.objectives", "服务目标", 3, False),
        ],
    ),
    (
        "rules",
        "服务制度",
        "service_system",
        12,
        [
            ("rules.norms", "服务规范", 3, False),
            ("rules.process", "服务流程", 3, False),
            ("rules.supervision", "服务监督与奖惩", 3, False),
            ("rules.management", "服务制度管理", 3, False),
        ],
    ),
]
COMMON_TAIL = [
    (
        "complaints",
        "客户投诉",
        "customer_service",
        10,
        [
            ("complaints.channels", "投诉渠道", 3, False),
            ("complaints.records", "投诉记录", 3, False),
            ("complaints.handling", "投诉处理", 4, False),
        ],
    ),
    (
        "relations",
        "客户管理",
        "customer_service",
        7,
        [
            ("relations.communication", "沟通渠道", 3, False),
            ("relations.management", "客户关系", 4, False),
        ],
    ),
]
PRODUCTION = [
    *COMMON_HEAD,
    (
        "system",
        "服务体系",
        "service_system",
        18,
        [
            ("system.organisation", "组织管理", 4, False),
            ("system.network", "服务网点", 4, False),
            ("system.staffing", "人员配置", 4, False),
            ("system.training", "业务培训", 3, False),
            ("system.investment", "服务投入", 3, False),
        ],
    ),
    (
        "delivery",
        "配送安装",
        "product_service",
        15,
        [
            ("delivery.packaging", "商品包装", 4, True),
            ("delivery.distribution", "配送服务", 5, True),
            ("delivery.installation", "安装调试", 6, True),
        ],
    ),
    (
        "repair",
        "维修服务",
        "product_service",
        20,
        [
            ("repair.assurance", "维修保障", 8, False),
            ("repair.facilities", "维修设施", 6, True),
            ("repair.support", "技术支持", 6, False),
        ],
    ),
    *COMMON_TAIL,
    (
        "improvement",
        "服务改进",
        "customer_service",
        8,
        [
            ("improvement.product", "产品改进", 3, False),
            ("improvement.service", "服务改进", 3, False),
            ("improvement.management", "管理改进", 2, False),
        ],
    ),
]
SALES_SERVICE = [
    *COMMON_HEAD,
    (
        "system",
        "服务体系",
        "service_system",
        18,
        [
            ("system.organisation", "组织管理", 6, False),
            ("system.staffing", "人员配置", 6, False),
            ("system.training", "业务培训", 6, False),
        ],
    ),
    (
        "warranty",
        "产品保证",
        "product_service",
        21,
        [
            ("warranty.quality", "质量保证", 8, False),
            ("warranty.returns", "产品退换货", 7, False),
            ("warranty.repair_network", "维修网点设置", 6, True),
        ],
    ),
    (
        "delivery",
        "配送安装",
        "product_service",
        14,
        [
            ("delivery.distribution", "配送服务", 7, True),
            ("delivery.installation", "安装调试", 7, True),
        ],
    ),
    *COMMON_TAIL,
    (
        "improvement",
        "服务改进",
        "customer_service",
        8,
        [
            ("improvement.service", "服务改进", 4, False),
            ("improvement.management", "管理改进", 4, False),
        ],
    ),
]


@pytest.mark.parametrize("role", list(Role))
async def test_list_rubrics(api: Api, role: Role) -> None:
    actor = await api.actor(role)
    response = await api.get("/api/v1/rubrics", actor)
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["id"] == "gbt27922-2011"
    assert item["enterprise_types"] == ["production", "sales_service"]
    assert "27922" in item["title"]
    assert item["current"] is True


async def test_rubrics_need_a_caller(api: Api) -> None:
    assert_problem(await api.get("/api/v1/rubrics"), 401, "auth.unauthenticated")


@pytest.mark.parametrize(
    ("enterprise_type", "expected", "indicator_count"),
    [("production", PRODUCTION, 27), ("sales_service", SALES_SERVICE, 23)],
)
async def test_rubric_is_exactly_domain_md(
    api: Api, enterprise_type: str, expected: list[tuple], indicator_count: int
) -> None:
    actor = await api.actor(Role.INTEGRATOR)
    body = (await api.get(f"/api/v1/rubrics/gbt27922-2011/{enterprise_type}", actor)).json()
    assert body["id"] == "gbt27922-2011"
    assert body["enterprise_type"] == enterprise_type
    assert body["total_points"] == 100
    assert [(c["code"], c["name"], c["max_points"]) for c in body["categories"]] == [
        ("service_system", "售后服务体系", 40),
        ("product_service", "商品服务", 35),
        ("customer_service", "顾客服务", 25),
    ]
    got = [
        (
            s["code"],
            s["name"],
            s["category"],
            s["max_points"],
            [(i["code"], i["name"], i["max_points"], i["excludable"]) for i in s["indicators"]],
        )
        for s in body["sections"]
    ]
    assert sorted(got) == sorted(expected)
    assert sum(len(s["indicators"]) for s in body["sections"]) == indicator_count
    for section in body["sections"]:
        assert section["name_en"]
        assert all(i["name_en"] for i in section["indicators"])
        assert isinstance(section["max_points"], int)
    assert [(d["code"], d["name"]) for d in body["special_deduction_categories"]] == [
        ("legal", "不符合国家法律、法规的要求"),
        ("service_rules", "不符合企业有关服务制度/准则的要求"),
        ("industry", "不符合行业专业性的特殊要求"),
        ("system_operation", "对服务体系运行有影响的状况"),
    ]
    assert body["grade_thresholds"] == [
        {"grade": "five_star", "min_score": 95},
        {"grade": "four_star", "min_score": 90},
        {"grade": "three_star", "min_score": 80},
        {"grade": "compliant", "min_score": 70},
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/rubrics/gbt27922-2030/production",
        "/api/v1/rubrics/gbt27922-2011/retail",
        "/api/v1/rubrics/gbt27922-2011/PRODUCTION",
        "/api/v1/rubrics/gbt27922-2011.unknown/production",
    ],
)
async def test_unknown_rubric_is_404(api: Api, path: str) -> None:
    actor = await api.actor(Role.STAFF)
    assert_problem(await api.get(path, actor), 404, "rubric.not_found")


# -- rubric editions (docs/domain.md §1): loaded, stored, fixed by each audit -----------------

ROOT = Path(__file__).resolve().parents[2]
BUILT_IN_ID = "gbt27922-2011"
BODY_ID = "gbt27922-2011.body-2026"


def edition_file(
    tmp_path: Path, rubric_id: str = BODY_ID, *, shifted: bool = True, name: str = "e.toml"
) -> Path:
    """An edition file: the built-in points, or (``shifted``) one point of the production
    ``culture.philosophy`` (2 → 1) moved to ``culture.commitment`` (3 → 4)."""
    weights = {t: dict(w) for t, w in BUILT_IN.weights.items()}
    if shifted:
        production = weights[EnterpriseType.PRODUCTION]
        production["culture.philosophy"] = Weight(Decimal(1))
        production["culture.commitment"] = Weight(Decimal(4))
    edition = RubricEdition(rubric_id, "某认证机构评分表 2026", weights)
    path = tmp_path / name
    text = edition.canonical if name.endswith(".json") else to_toml(edition)
    path.write_text(text, encoding="utf-8")
    return path


@asynccontextmanager
async def configured(api: Api, rubric_file: Path | None) -> AsyncIterator[Api]:
    """Another process over the same database, configured with ``rubric_file``, started
    (its configured edition stored) and answering through the contract recorder."""
    settings = api.app.state.settings.model_copy(update={"rubric_file": rubric_file})
    app = create_app(settings, clock=api.clock, db=api.db)
    await rubric_service.register_configured(api.db, settings, api.clock)
    recorder = Recorder(app)
    transport = httpx.ASGITransport(app=recorder, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield Api(app=app, client=c, clock=api.clock, db=api.db)
    finally:
        await close_public(app)
    assert not recorder.violations, "\n".join(recorder.violations)


async def rubric_of(api: Api, actor: Actor, rubric_id: str) -> list[Indicator]:
    body = (await api.get(f"/api/v1/rubrics/{rubric_id}/production", actor)).json()
    return [
        Indicator(i["code"], Decimal(str(i["max_points"])), i["excludable"])
        for s in body["sections"]
        for i in s["indicators"]
    ]


async def listed(api: Api, actor: Actor) -> list[tuple[str, bool]]:
    body = (await api.get("/api/v1/rubrics", actor)).json()
    return [(item["id"], item["current"]) for item in body["items"]]


async def test_a_sheet_keeps_its_edition_when_the_configuration_moves(
    api: Api, story: Story, cast: Cast, tmp_path: Path
) -> None:
    audit = await story.scoring_audit()
    assert audit["rubric_id"] == BUILT_IN_ID
    built_in = await rubric_of(api, cast.staff, BUILT_IN_ID)
    # culture.philosophy at 2: the built-in maximum, above the maximum of the next edition
    body = sheet(built_in, scores={"repair.assurance": Decimal("5.5")})
    first = await story.score(audit["id"], body)
    assert (first["rubric_id"], first["final_score"], first["grade"]) == (
        BUILT_IN_ID,
        97.5,
        "five_star",
    )
    sheets_url = f"/api/v1/audits/{audit['id']}/score-sheets"
    before = [
        (await api.get(sheets_url, cast.staff)).json(),
        (await api.get(f"{sheets_url}/1", cast.staff)).json(),
    ]

    async with configured(api, edition_file(tmp_path)) as moved:
        # the sheet reads exactly as before: revision, scores, sub-totals, final score
        after = [
            (await moved.get(sheets_url, cast.staff)).json(),
            (await moved.get(f"{sheets_url}/1", cast.staff)).json(),
        ]
        assert after == before
        assert await listed(moved, cast.integrator) == [(BUILT_IN_ID, False), (BODY_ID, True)]
        body_rubric = await rubric_of(moved, cast.staff, BODY_ID)
        assert body_rubric[:2] == [
            Indicator("culture.philosophy", Decimal(1), False),
            Indicator("culture.commitment", Decimal(4), False),
        ]
        assert await rubric_of(moved, cast.staff, BUILT_IN_ID) == built_in
        # a new revision of the old audit is scored on the audit's edition
        moved_story = Story(moved, cast)
        second = await moved_story.score(audit["id"], body)
        assert (second["revision"], second["rubric_id"], second["final_score"]) == (
            2,
            BUILT_IN_ID,
            97.5,
        )
        # a new audit fixes the configured edition, and its sheets follow it
        new_audit = await moved_story.scoring_audit()
        assert new_audit["rubric_id"] == BODY_ID
        refused = await moved.post(
            f"/api/v1/audits/{new_audit['id']}/score-sheets", cast.auditor, json=body
        )
        assert_problem(refused, 422, "score_sheet.score_out_of_range")
        assert "culture.philosophy: 2.0 is not 0..1" in refused.json()["detail"]
        new_sheet = await moved_story.score(new_audit["id"], sheet(body_rubric, total=Decimal(90)))
        assert (new_sheet["rubric_id"], new_sheet["final_score"]) == (BODY_ID, 90)
        read = await moved.get(f"/api/v1/audits/{audit['id']}", cast.staff)
        assert read.json()["rubric_id"] == BUILT_IN_ID

    # back on the built-in: the other edition stays listed while an audit uses it
    assert await listed(api, cast.integrator) == [(BUILT_IN_ID, True), (BODY_ID, False)]
    again = await api.get(f"/api/v1/audits/{new_audit['id']}/score-sheets/1", cast.staff)
    assert again.json() == new_sheet
    stored = await events(api.db, action="rubric_edition.stored")
    assert [(e["entity_id"], e["data"]["sha256"]) for e in stored] == [
        (BUILT_IN_ID, BUILT_IN.sha256),
        (BODY_ID, rubric_service.read_file(edition_file(tmp_path)).sha256),
    ]


async def test_an_edition_stored_but_unused_is_served_not_listed(
    api: Api, cast: Cast, tmp_path: Path
) -> None:
    async with configured(api, edition_file(tmp_path)) as moved:
        assert await listed(moved, cast.staff) == [(BODY_ID, True)]
    assert await listed(api, cast.staff) == [(BUILT_IN_ID, True)]
    served = await api.get(f"/api/v1/rubrics/{BODY_ID}/sales_service", cast.staff)
    assert served.status_code == 200
    assert served.json()["id"] == BODY_ID
    assert_problem(
        await api.get(f"/api/v1/rubrics/{BODY_ID}/retail", cast.staff), 404, "rubric.not_found"
    )


async def test_a_start_with_other_content_under_a_stored_id_is_refused(
    api: Api, cast: Cast, tmp_path: Path
) -> None:
    async with configured(api, edition_file(tmp_path, "gbt27922-2011.x")):
        pass
    changed = edition_file(tmp_path, "gbt27922-2011.x", shifted=False, name="changed.toml")
    settings = api.app.state.settings.model_copy(update={"rubric_file": changed})
    app = create_app(settings, clock=api.clock, db=api.db)
    try:
        with pytest.raises(RubricEditionConflict) as refused:
            async with app.router.lifespan_context(app):
                pass  # pragma: no cover (the start is refused)
    finally:
        await close_public(app)
    assert str(refused.value).startswith(
        "rubric edition gbt27922-2011.x is stored with other content (sha256 "
    )
    assert "an edition never changes once used" in str(refused.value)
    # a process that could not check at start-up plans no audit on it either
    async with api.db.write_sessions() as session:
        ctx = Context(session, api.clock, settings, actor=None)
        with pytest.raises(RubricEditionConflict):
            await rubric_service.for_new_audit(ctx)
    stored = await events(api.db, action="rubric_edition.stored")
    assert [e["entity_id"] for e in stored] == ["gbt27922-2011.x"]


async def test_processes_starting_at_once_store_an_edition_once(api: Api, tmp_path: Path) -> None:
    path = edition_file(tmp_path)
    settings = api.app.state.settings.model_copy(update={"rubric_file": path})
    rubric_service.load_configured(settings)
    await asyncio.gather(
        *(rubric_service.register_configured(api.db, settings, api.clock) for _ in range(3))
    )
    stored = await events(api.db, action="rubric_edition.stored")
    assert [e["entity_id"] for e in stored] == [BODY_ID]


async def test_a_database_out_of_reach_does_not_stop_the_start(
    api: Api, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    settings = api.app.state.settings.model_copy(update={"rubric_file": edition_file(tmp_path)})
    rubric_service.load_configured(settings)
    unmigrated = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}", pool_size=1)
    try:
        with caplog.at_level("WARNING", logger="starcert.rubrics"):
            await rubric_service.register_configured(unmigrated, settings, api.clock)
    finally:
        await unmigrated.dispose()
    [line] = [r.getMessage() for r in caplog.records if r.name == "starcert.rubrics"]
    assert line.startswith(f"rubric edition {BODY_ID} not checked against the database")


BAD_TOML = """\
id = "gbt27922-2011.Body"
title = "评分表"

[production]
"culture.philosophy" = { points = 2.3 }
"warranty.quality" = { points = 8 }
"""


def test_a_rubric_file_that_cannot_be_used_stops_the_application(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD_TOML, encoding="utf-8")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", rubric_file=path)
    with pytest.raises(RubricFileError) as refused:
        create_app(settings)
    lines = refused.value.lines
    prefix = f"STARCERT_RUBRIC_FILE {path}: "
    assert all(line.startswith(prefix) for line in lines)
    assert [line.removeprefix(prefix) for line in lines][:4] == [
        "id 'gbt27922-2011.Body' is not gbt27922-2011.<edition> (lower-case letters, digits "
        "and dashes, beginning and ending with a letter or digit; 40 characters in all at most)",
        "production culture.philosophy: points 2.3 are not in steps of 0.5",
        "production warranty.quality: not an indicator of the production rubric",
        "production culture.commitment: missing",
    ]
    assert lines[-1].endswith(
        "sales_service: missing: the points of every indicator of this enterprise type are needed"
    )
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("edition.yaml", "id: x", "the file name must end in .toml or .json"),
        ("absent.toml", None, "cannot be read: No such file or directory"),
        ("latin1.toml", b'title = "\xe9"', "the file is not UTF-8 text"),
        ("broken.json", b"{", "not valid JSON: Expecting property name enclosed in double quotes"),
    ],
)
def test_a_rubric_file_that_cannot_be_read(
    tmp_path: Path, name: str, content: bytes | str | None, says: str
) -> None:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(RubricFileError) as refused:
        rubric_service.read_file(path)
    assert refused.value.lines[0].startswith(f"STARCERT_RUBRIC_FILE {path}: {says}")


def test_serve_refuses_a_bad_rubric_file_one_line_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD_TOML, encoding="utf-8")
    env = {**os.environ, "STARCERT_RUBRIC_FILE": str(path)}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr
    assert lines[1] == (
        f"starcert: STARCERT_RUBRIC_FILE {path}: production culture.philosophy: points 2.3 are "
        "not in steps of 0.5"
    )
    assert len(lines) > 20 and all(line.startswith("starcert: ") for line in lines)


def test_the_example_edition_of_the_repository_loads(tmp_path: Path) -> None:
    example = rubric_service.read_file(ROOT / "docs" / "rubric-edition.example.toml")
    assert example == docs.EXAMPLE_EDITION
    assert example.id == "gbt27922-2011.example"
    assert example.weights == BUILT_IN.weights
    assert example.sha256 != BUILT_IN.sha256  # another id, another edition
    as_json = edition_file(tmp_path, "gbt27922-2011.example", shifted=False, name="e.json")
    assert rubric_service.read_file(as_json).weights == example.weights


def test_the_migration_stores_the_built_in_edition_as_frozen() -> None:
    path = ROOT / "migrations" / "versions" / "20261202_0007_rubric_editions.py"
    spec = importlib.util.spec_from_file_location("revision_0007", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frozen = (module.BUILT_IN_CONTENT, module.BUILT_IN_SHA256, module.BUILT_IN_TITLE)
    assert frozen == (BUILT_IN.canonical, BUILT_IN.sha256, BUILT_IN.title)


@asynccontextmanager
async def service_over(url: str, clock: FixedClock) -> AsyncIterator[tuple[Api, Database]]:
    db = Database(dburl.sqlalchemy_url(url), pool_size=2)
    settings = Settings(
        database_url=url,
        public_base_url="http://testserver",
        public_rate_limit=RateLimit(100_000, 60),
    )
    app = create_app(settings, clock=clock, db=db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield Api(app=app, client=c, clock=clock, db=db), db
    finally:
        await close_public(app)
        await db.dispose()


async def test_the_migration_gives_existing_audits_the_built_in_edition(
    backend_name: str, tmp_path: Path, clock: FixedClock
) -> None:
    """Revision 0007 over a register with audits, sheets and a certificate: down to 0006
    and up again, every row kept, every audit and sheet on the built-in edition."""
    server = postgres_server_url()
    name = f"starcert_rubric_{uuid.uuid4().hex[:8]}"
    if backend_name == "sqlite":
        url = f"sqlite:///{tmp_path / 'register.db'}"
    else:
        url = await anyio.to_thread.run_sync(create_postgres_database, server, name)
    try:
        await anyio.to_thread.run_sync(migrate, url)
        async with service_over(url, clock) as (api, _):
            cast = await Cast.hire(api)
            story = Story(api, cast)
            certificate = await story.certificate()
            audit = await story.scoring_audit()
            built_in = await rubric_of(api, cast.staff, BUILT_IN_ID)
            await story.score(audit["id"], sheet(built_in, total=Decimal("88.5")))
            urls = [f"/api/v1/audits/{i}/score-sheets" for i in (audit["id"] - 1, audit["id"])]
            before = [(await api.get(u, cast.staff)).json() for u in urls]
        await anyio.to_thread.run_sync(downgrade, url, "0006")
        db = Database(dburl.sqlalchemy_url(url), pool_size=1)
        try:
            async with db.engine.connect() as conn:
                counts = [
                    (await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar()
                    for t in ("audits", "score_sheets", "score_sheet_items", "certificates")
                ]
                tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        finally:
            await db.dispose()
        assert counts == [2, 2, 54, 1]
        assert "rubric_editions" not in tables
        await anyio.to_thread.run_sync(migrate, url)
        async with service_over(url, clock) as (api, db):
            after = [(await api.get(u, cast.staff)).json() for u in urls]
            assert after == before
            for audit_id in (audit["id"] - 1, audit["id"]):
                read = (await api.get(f"/api/v1/audits/{audit_id}", cast.staff)).json()
                assert read["rubric_id"] == BUILT_IN_ID
            assert await listed(api, cast.staff) == [(BUILT_IN_ID, True)]
            number = certificate["number"]
            assert (await api.get(f"/api/v1/certificates/{number}", cast.staff)).status_code == 200
            async with db.engine.connect() as conn:
                row = (await conn.execute(text("SELECT id, sha256 FROM rubric_editions"))).all()
                if backend_name == "sqlite":
                    checked = (await conn.execute(text("PRAGMA foreign_key_check"))).all()
                    keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
                    assert (checked, keys) == ([], 1)
            assert [tuple(r) for r in row] == [(BUILT_IN_ID, BUILT_IN.sha256)]
    finally:
        if backend_name != "sqlite":
            await anyio.to_thread.run_sync(drop_postgres_database, server, name)
