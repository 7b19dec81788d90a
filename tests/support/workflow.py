"""Building blocks for workflow tests: bodies, score sheets and whole stories through HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domain import uscc
from app.domain.enums import Role
from tests.support.api import Actor, Api
from tests.support.sequences import Sequence

ALL_DOCUMENTS = [
    "business_licence",
    "product_service_description",
    "applicable_regulations",
    "organisation_profile",
    "organisation_chart",
    "service_network_list",
    "sales_channel_description",
    "service_system_description",
    "service_management_documents",
    "permits",
]
# The applicant's two declarations, both made (absent or false: ``declarations.missing``).
DECLARED = {"no_major_service_failures": True, "no_major_quality_incidents": True}
_generated = Sequence(seed=27922)  # restarts for every test: see tests/support/sequences.py


def new_uscc() -> str:
    return uscc.generate(_generated.rng)


def organisation_body(**override: Any) -> dict[str, Any]:
    n = _generated.next()
    return {
        "name": f"深圳市格力电器{n}有限公司",
        "name_en": f"Shenzhen Gree Electric {n} Co., Ltd.",
        "uscc": new_uscc(),
        "address": "深圳市南山区科技园南路1号",
        "legal_representative": "董明珠",
        "registered_capital_cny": 5_000_000,
        "employee_count": 1200,
        "contact_email": "service@example.cn",
        "contact_phone": "+86 755 1234 5678",
    } | override


def application_body(organisation_id: int, **override: Any) -> dict[str, Any]:
    return {
        "organisation_id": organisation_id,
        "enterprise_type": "production",
        "scope": "家用空调的安装、维修与售后服务",
        "employee_count": 1200,
        "service_management_staff_count": 25,
        "certified_manager_count": 3,
        "documents": ALL_DOCUMENTS,
        "declarations": DECLARED,
    } | override


@dataclass(frozen=True)
class Indicator:
    code: str
    max_points: Decimal
    excludable: bool


async def indicators(api: Api, actor: Actor, enterprise_type: str) -> list[Indicator]:
    body = (await api.get(f"/api/v1/rubrics/gbt27922-2011/{enterprise_type}", actor)).json()
    return [
        Indicator(i["code"], Decimal(str(i["max_points"])), i["excludable"])
        for s in body["sections"]
        for i in s["indicators"]
    ]


def sheet(
    rubric: list[Indicator],
    *,
    total: Decimal | None = None,
    scores: dict[str, Decimal] | None = None,
    excluded: tuple[str, ...] = (),
    deductions: int = 0,
    bonus: bool = False,
) -> dict[str, Any]:
    """A score sheet body: every indicator at its maximum, then ``scores`` applied, then points
    taken away in rubric order until the applicable indicators sum to ``total``."""
    values = {i.code: i.max_points for i in rubric if i.code not in excluded}
    values.update(scores or {})
    if total is not None:
        deficit = sum(values.values()) - total
        for code in list(values):
            take = min(deficit, values[code])
            values[code] -= take
            deficit -= take
        assert deficit == 0, "total is not reachable"
    items: list[dict[str, Any]] = []
    for indicator in rubric:
        if indicator.code in excluded:
            items.append(
                {"indicator_code": indicator.code, "not_applicable": True, "note": "不涉及"}
            )
        else:
            items.append(
                {"indicator_code": indicator.code, "score": _number(values[indicator.code])}
            )
    body: dict[str, Any] = {
        "items": items,
        "special_deductions": [
            {"category": "legal", "description": f"finding {n}"} for n in range(deductions)
        ],
    }
    if bonus:
        body["special_bonus"] = {"description": "全国首创的24小时上门服务"}
    return body


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class Cast:
    """The people of a story: staff, two auditors, the committee, an integrator."""

    staff: Actor
    lead: Actor
    auditor: Actor
    committee: Actor
    integrator: Actor
    admin: Actor

    @classmethod
    async def hire(cls, api: Api) -> Cast:
        return cls(
            staff=await api.actor(Role.STAFF, name="Staff Wang"),
            lead=await api.actor(Role.AUDITOR, name="Lead Auditor Li"),
            auditor=await api.actor(Role.AUDITOR, name="Auditor Zhao"),
            committee=await api.actor(Role.COMMITTEE, name="Committee Chen"),
            integrator=await api.actor(Role.INTEGRATOR, name="Tender System"),
            admin=await api.actor(Role.ADMIN, name="Admin"),
        )


class Story:
    """Drive the workflow through HTTP, asserting each step succeeds."""

    def __init__(self, api: Api, cast: Cast) -> None:
        self.api = api
        self.cast = cast

    async def ok(self, method: str, url: str, actor: Actor, status: int = 200, **kw: Any) -> Any:
        response = await self.api.request(method, url, actor, **kw)
        assert response.status_code == status, f"{method} {url}: {response.text}"
        return response.json() if response.content else None

    async def organisation(self, **override: Any) -> dict[str, Any]:
        body = organisation_body(**override)
        return await self.ok("POST", "/api/v1/organisations", self.cast.staff, 201, json=body)

    async def accepted_application(
        self, *, organisation: dict[str, Any] | None = None, **override: Any
    ) -> dict[str, Any]:
        """An accepted application of a new organisation (``organisation``: its overrides)."""
        organisation = await self.organisation(**(organisation or {}))
        body = application_body(organisation["id"], **override)
        created = await self.ok("POST", "/api/v1/applications", self.cast.staff, 201, json=body)
        url = f"/api/v1/applications/{created['id']}/accept"
        return await self.ok("POST", url, self.cast.staff)

    async def audit(self, *, kind: str = "initial", **target: Any) -> dict[str, Any]:
        body = {
            "kind": kind,
            "lead_auditor_id": self.cast.lead.id,
            "team_member_ids": [self.cast.auditor.id],
            "planned_start": "2026-12-01",
            "planned_end": "2026-12-08",
        } | target
        return await self.ok("POST", "/api/v1/audits", self.cast.staff, 201, json=body)

    async def scoring_audit(self, **application: Any) -> dict[str, Any]:
        """An initial audit past stage 1, ready for score sheets."""
        app = await self.accepted_application(**application)
        audit = await self.audit(application_id=app["id"])
        await self.stage1(audit["id"])
        return audit

    async def stage1(self, audit_id: int, outcome: str = "passed") -> dict[str, Any]:
        url = f"/api/v1/audits/{audit_id}/stage1"
        body = {"outcome": outcome, "notes": "文件审核"}
        return await self.ok("POST", url, self.cast.lead, json=body)

    async def score(self, audit_id: int, body: dict[str, Any]) -> dict[str, Any]:
        url = f"/api/v1/audits/{audit_id}/score-sheets"
        return await self.ok("POST", url, self.cast.auditor, 201, json=body)

    async def complete(self, audit_id: int) -> dict[str, Any]:
        return await self.ok("POST", f"/api/v1/audits/{audit_id}/complete", self.cast.lead)

    async def close_all(self, audit_id: int) -> None:
        url = f"/api/v1/audits/{audit_id}/corrective-actions"
        for action in (await self.ok("GET", url, self.cast.staff, params={"limit": 100}))["items"]:
            if action["status"] == "open":
                await self.ok(
                    "POST",
                    f"{url}/{action['id']}/close",
                    self.cast.lead,
                    json={"evidence": "已整改"},
                )

    async def decide(self, audit_id: int, outcome: str = "grant", **extra: Any) -> dict[str, Any]:
        body = {"outcome": outcome, "reason": "委员会决定"} | extra
        url = f"/api/v1/audits/{audit_id}/decision"
        return await self.ok("POST", url, self.cast.committee, 201, json=body)

    async def certificate(self, *, total: str = "92", **application: Any) -> dict[str, Any]:
        """A freshly issued certificate (initial audit, one sheet, granted as recommended)."""
        audit = await self.scoring_audit(**application)
        rubric = await indicators(self.api, self.cast.staff, audit["enterprise_type"])
        await self.score(audit["id"], sheet(rubric, total=Decimal(total)))
        await self.complete(audit["id"])
        decision = await self.decide(audit["id"])
        certificate: dict[str, Any] = decision["certificate"]
        return certificate

    async def surveillance(
        self, number: str, *, total: str, outcome: str = "grant", grade: str | None = None
    ) -> dict[str, Any]:
        """Plan, score, complete and decide a surveillance audit; returns the decision."""
        audit = await self.audit(kind="surveillance", certificate_number=number)
        rubric = await indicators(self.api, self.cast.staff, audit["enterprise_type"])
        await self.score(audit["id"], sheet(rubric, total=Decimal(total)))
        await self.complete(audit["id"])
        extra = {"grade": grade} if grade else {}
        return await self.decide(audit["id"], outcome, **extra)

    async def recertify(self, number: str, *, total: str = "96") -> dict[str, Any]:
        """A recertification audit granted as recommended; returns the decision."""
        audit = await self.audit(kind="recertification", certificate_number=number)
        await self.stage1(audit["id"])
        rubric = await indicators(self.api, self.cast.staff, audit["enterprise_type"])
        await self.score(audit["id"], sheet(rubric, total=Decimal(total)))
        await self.complete(audit["id"])
        return await self.decide(audit["id"])

    async def upgrade(
        self, number: str, *, total: str, outcome: str = "grant", grade: str | None = None
    ) -> dict[str, Any]:
        """An upgrade audit (no stage 1, the full rubric) scored and decided; the decision."""
        audit = await self.audit(kind="upgrade", certificate_number=number)
        rubric = await indicators(self.api, self.cast.staff, audit["enterprise_type"])
        await self.score(audit["id"], sheet(rubric, total=Decimal(total)))
        await self.complete(audit["id"])
        extra = {"grade": grade} if grade else {}
        return await self.decide(audit["id"], outcome, **extra)
