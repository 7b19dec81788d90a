"""GET /api/v1/audits/export?format=csv: one row per decided audit, the register's CSV
conventions (BOM, CRLF, no formula-looking cell)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from app.services import audit_register
from tests.support.api import Api, assert_problem
from tests.support.workflow import Cast, Story, application_body, indicators, sheet

ZH_HEADER = [
    "证书编号", "获证组织名称", "统一社会信用代码", "审核类型", "计划开始日期", "计划结束日期",
    "实际开始日期", "实际结束日期", "评定日期", "审核组", "审核人日", "现场人日", "审核场所",
    "评定结论", "认证等级",
]  # fmt: skip
EN_HEADER = [
    "certificate_number", "organisation_name", "uscc", "audit_kind", "planned_start",
    "planned_end", "actual_start", "actual_end", "decided_on", "team", "person_days",
    "on_site_person_days", "sites", "outcome", "grade",
]  # fmt: skip
EVIL = '=HYPERLINK("http://evil")'


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8")[1:]
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text, newline="")))


async def _decided(
    story: Story, application: dict[str, Any], *, total: str, outcome: str, **plan: Any
) -> dict[str, Any]:
    """Plan, stage 1, score, complete (with ``plan``'s actual dates) and decide."""
    audit = await story.audit(application_id=application["id"], **plan.pop("sites", {}))
    await story.stage1(audit["id"])
    rubric = await indicators(story.api, story.cast.staff, audit["enterprise_type"])
    await story.score(audit["id"], sheet(rubric, total=Decimal(total)))
    url = f"/api/v1/audits/{audit['id']}/complete"
    await story.ok("POST", url, story.cast.lead, json=plan)
    return await story.decide(audit["id"], outcome)


async def test_export_of_decided_audits(
    api: Api, story: Story, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_register, "PARTITION", 1)  # a partition per audit
    org = await story.organisation()
    outlet = await story.ok(
        "POST",
        f"/api/v1/organisations/{org['id']}/sites",
        cast.staff,
        201,
        json={"name": "香洲服务网点", "address": "香洲路1号", "kind": "service_outlet"},
    )
    body = application_body(org["id"], site_ids=[outlet["id"]])
    created = await story.ok("POST", "/api/v1/applications", cast.staff, 201, json=body)
    app = await story.ok("POST", f"/api/v1/applications/{created['id']}/accept", cast.staff)
    granted = await _decided(
        story,
        app,
        total="96",
        outcome="grant",
        sites={"site_ids": [outlet["id"]]},
        actual_start="2026-11-18",
        actual_end="2026-11-21",
    )
    refused_app = await story.accepted_application(organisation={"name": EVIL})
    await _decided(story, refused_app, total="50", outcome="refuse")
    await story.audit(application_id=(await story.accepted_application())["id"])  # undecided

    response = await api.get("/api/v1/audits/export", cast.staff, params={"format": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="starcert-audits-2026-11-23.csv"'
    rows = _rows(response.content)
    assert rows[0] == ZH_HEADER
    certificate = granted["certificate"]
    assert len(rows) == 3
    assert rows[1] == [
        certificate["number"],
        org["name"],
        org["uscc"],
        "初次评审",
        "2026-12-01",
        "2026-12-08",
        "2026-11-18",
        "2026-11-21",
        "2026-11-23",
        "Lead Auditor Li；Auditor Zhao",
        "16",  # 1,200 employees: 16 person-days, of which 14 on site
        "14",
        f"{org['name']}；香洲服务网点",
        "批准",
        "五星级",
    ]
    assert certificate["grade"] == "five_star"
    refused = rows[2]
    assert refused[0] == ""  # a refused initial audit has no certificate
    assert refused[1] == "'" + EVIL  # neutralised: a spreadsheet shows it as text
    assert refused[3] == "初次评审"
    assert refused[6:8] == ["2026-12-01", "2026-12-08"]  # completed without dates: planned
    assert refused[12] == "'" + EVIL  # the headquarters is named after the organisation
    assert refused[13:] == ["不批准", ""]

    english = await api.get("/api/v1/audits/export", cast.committee, params={"lang": "en"})
    assert english.status_code == 200, english.text
    rows = _rows(english.content)
    assert rows[0] == EN_HEADER
    assert [rows[1][3], rows[1][13], rows[1][14]] == ["initial", "grant", "five_star"]
    assert [rows[2][13], rows[2][14]] == ["refuse", ""]


async def test_export_readers_and_parameters(api: Api, cast: Cast) -> None:
    admin = await api.get("/api/v1/audits/export", cast.admin)
    assert admin.status_code == 200, admin.text
    assert _rows(admin.content) == [ZH_HEADER]  # nothing decided yet
    for outsider in (cast.integrator, cast.lead):
        assert_problem(await api.get("/api/v1/audits/export", outsider), 403, "auth.forbidden")
    for params in ({"format": "xlsx"}, {"lang": "fr"}):
        response = await api.get("/api/v1/audits/export", cast.staff, params=params)
        assert_problem(response, 422, "request.validation")
