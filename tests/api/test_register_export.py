"""GET /api/v1/certificates/export?format=csv: the national-database reporting layout (§9)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import update

from app.domain.enums import Role
from app.models import Certificate
from app.services import register
from tests.support.api import Api, assert_problem
from tests.support.factories import make_certificate
from tests.support.workflow import Cast, Story

ZH_HEADER = [
    "证书编号", "获证组织名称", "统一社会信用代码", "组织地址", "认证类别", "认证项目", "认证依据",
    "认证范围", "认证等级", "颁证日期", "证书到期日期", "证书状态", "状态变更日期", "状态变更原因",
    "最近监督日期", "服务网点",
]  # fmt: skip


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8")[1:]
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text, newline="")))


async def test_export_in_chinese_and_english(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(register, "PARTITION", 2)  # several partitions even for a few rows
    cast = await Cast.hire(api)
    story = Story(api, cast)
    first = await story.certificate(total="96")
    second = await story.certificate(total="75")
    third = await story.certificate(total="85")
    await story.ok(
        "PATCH",
        f"/api/v1/organisations/{third['organisation']['id']}",
        cast.staff,
        json={"name": '=HYPERLINK("http://evil")'},
    )
    await story.ok(
        "POST",
        f"/api/v1/certificates/{second['number']}/suspend",
        cast.staff,
        json={"reason": "投诉调查中"},
    )
    response = await api.get(
        "/api/v1/certificates/export", cast.integrator, params={"format": "csv"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="starcert-register-2026-11-23.csv"'
    rows = _rows(response.content)
    assert rows[0] == ZH_HEADER
    assert [r[0] for r in rows[1:]] == [first["number"], second["number"], third["number"]]
    assert rows[1] == [
        first["number"],
        first["organisation"]["name"],
        first["organisation"]["uscc"],
        first["organisation"]["address"],
        "服务认证",
        "商品售后服务",
        "GB/T 27922-2011",
        first["scope"],
        "五星级",
        "2026-11-23",
        "2029-11-22",
        "有效",
        "2026-11-23",
        "",
        "",
        "；".join(site["name"] for site in first["sites"]),
    ]
    assert rows[2][8:14] == ["达标", "2026-11-23", "2029-11-22", "暂停", "2026-11-23", "投诉调查中"]
    assert rows[3][8] == "三星级"
    assert rows[3][1] == third["organisation"]["name"]  # the snapshot, not the renamed record

    english = await api.get("/api/v1/certificates/export", cast.staff, params={"lang": "en"})
    en_rows = _rows(english.content)
    assert en_rows[0][:4] == ["number", "organisation_name", "uscc", "address"]
    assert en_rows[0][-2:] == ["last_surveillance_on", "sites"]
    assert en_rows[1][4:7] == [
        "Service certification",
        "After-sales service of goods",
        "GB/T 27922-2011",
    ]
    assert en_rows[1][8] == "five_star" and en_rows[2][11] == "suspended"

    filtered = await api.get(
        "/api/v1/certificates/export", cast.staff, params={"status": "suspended"}
    )
    assert [r[0] for r in _rows(filtered.content)[1:]] == [second["number"]]

    # expiry computed at read time shows in the register before housekeeping records it
    api.clock.set_today(date(2029, 11, 23))
    later = _rows((await api.get("/api/v1/certificates/export", cast.staff)).content)
    assert later[1][11:14] == ["过期", "2029-11-23", "validity ended on 2029-11-22"]
    assert later[2][11] == "过期"


def test_a_formula_is_not_a_formula() -> None:
    assert register._cell("=SUM(A1:A9)") == "'=SUM(A1:A9)"
    assert register._cell("+86 755") == "'+86 755"
    assert register._cell("@cmd") == "'@cmd"
    assert register._cell("ASC-2026-000001") == "ASC-2026-000001"
    assert register._cell("华为") == "华为"
    assert register._cell(None) == ""


@pytest.mark.parametrize(
    "params",
    [{"format": "xlsx"}, {"lang": "fr"}, {"status": "valid"}],
    ids=["format-xlsx", "lang-fr", "status-valid"],
)
async def test_export_refuses_unknown_parameters(api: Api, params: dict[str, str]) -> None:
    staff = await api.actor(Role.STAFF)
    response = await api.get("/api/v1/certificates/export", staff, params=params)
    assert_problem(response, 422, "request.validation")


async def test_export_refusals(api: Api) -> None:
    cast = await Cast.hire(api)
    assert_problem(await api.get("/api/v1/certificates/export", cast.lead), 403, "auth.forbidden")
    assert_problem(await api.get("/api/v1/certificates/export"), 401, "auth.unauthenticated")
    empty = await api.get("/api/v1/certificates/export", cast.admin)
    assert _rows(empty.content) == [ZH_HEADER]


async def test_a_superseded_certificate_is_reported_cancelled_for_renewal(api: Api) -> None:
    """The national database knows no "superseded": 注销 with the reason 换证 and the
    successor's number, dated the day the successor's validity began — also while only read
    time knows it."""
    for number, superseded_on, status in (
        ("ASC-2023-000001", date(2026, 6, 1), "superseded"),  # recorded by housekeeping
        ("ASC-2023-000002", date(2026, 11, 23), "active"),  # today: not recorded yet
        ("ASC-2023-000003", date(2026, 12, 1), "active"),  # still in force
    ):
        await make_certificate(
            api.db,
            name="格力电器",
            number=number,
            status=status,
            issued_on=date(2023, 12, 1),
            superseded_by=f"ASC-2026-{number[-6:]}",
            superseded_on=superseded_on,
        )
    staff = await api.actor(Role.STAFF)
    rows = _rows((await api.get("/api/v1/certificates/export", staff)).content)
    assert [r[11:14] for r in rows[1:]] == [
        ["注销", "2026-06-01", "换证 ASC-2026-000001"],
        ["注销", "2026-11-23", "换证 ASC-2026-000002"],
        ["有效", "2023-12-01", ""],
    ]
    english = _rows(
        (await api.get("/api/v1/certificates/export", staff, params={"lang": "en"})).content
    )
    assert [r[11] for r in english[1:]] == ["cancelled", "cancelled", "active"]
    superseded = await api.get(
        "/api/v1/certificates/export", staff, params={"status": "superseded"}
    )
    assert [r[0] for r in _rows(superseded.content)[1:]] == ["ASC-2023-000001", "ASC-2023-000002"]


async def test_the_last_column_lists_the_sites_printed_on_the_certificate(api: Api) -> None:
    cast = await Cast.hire(api)
    number = (await make_certificate(api.db, name="海尔智家股份有限公司"))["number"]
    annex = [
        {"name": "=青岛服务网点, 崂山", "address": "青岛市崂山区", "kind": "service_outlet"},
        {"name": "海尔总部", "address": "青岛市崂山区海尔路1号", "kind": "headquarters"},
    ]
    async with api.db.write_sessions() as session:
        await session.execute(
            update(Certificate).where(Certificate.number == number).values(sites=annex)
        )
        await session.commit()
    rows = _rows((await api.get("/api/v1/certificates/export", cast.staff)).content)
    assert rows[0][-1] == "服务网点"
    assert rows[1][-1] == "'=青岛服务网点, 崂山；海尔总部"  # never read as a formula
    assert len(rows[1]) == len(rows[0])
