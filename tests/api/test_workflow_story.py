"""The whole story through HTTP: organisation → application → audit → sheet → decision →
certificate, asserting every status, grade, score, date and number (docs/api.md, docs/domain.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.support.api import Api, assert_problem
from tests.support.inspect import events
from tests.support.workflow import Cast, Story, indicators, sheet


async def test_from_application_to_certificate(api: Api) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)

    organisation = await story.organisation(
        name="珠海格力电器股份有限公司", name_en="Gree Electric Appliances, Inc. of Zhuhai"
    )
    assert organisation["version"] == 1

    body = {
        "organisation_id": organisation["id"],
        "enterprise_type": "production",
        "scope": "家用空调的安装、维修与售后服务",
        "employee_count": 1200,
        "service_management_staff_count": 25,
        "certified_manager_count": 3,
        "documents": [
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
        ],
        "declarations": {"no_major_service_failures": True, "no_major_quality_incidents": True},
    }
    application = await story.ok("POST", "/api/v1/applications", cast.staff, 201, json=body)
    assert application["number"] == "SQ-2026-000001"
    assert application["status"] == "submitted"
    assert application["eligibility"] == {"eligible": True, "findings": []}
    assert application["declarations"] == body["declarations"]
    assert application["quote"] == {
        "person_days": {
            "initial": 16,
            "initial_on_site": 14,
            "document_review": 2,
            "surveillance": 5.5,
            "surveillance_on_site": 4.5,
            "recertification": 10,
            "recertification_on_site": 9,
        },
        "fees": {
            "application_fee_cny": 1000,
            "registration_fee_cny": 2000,
            "annual_fee_cny": 2000,
            "audit_fee_cny": 48000,
            "first_year_total_cny": 53000,
            "three_year_total_cny": 90000,
            "recertification_total_cny": 34000,
        },
    }
    app_url = f"/api/v1/applications/{application['id']}"
    accepted = await story.ok("POST", f"{app_url}/accept", cast.staff)
    assert accepted["status"] == "accepted" and accepted["version"] == 2

    audit = await story.ok(
        "POST",
        "/api/v1/audits",
        cast.staff,
        201,
        json={
            "kind": "initial",
            "application_id": application["id"],
            "lead_auditor_id": cast.lead.id,
            "team_member_ids": [cast.auditor.id],
            "planned_start": "2026-12-01",
            "planned_end": "2026-12-04",
        },
    )
    assert audit["status"] == "planned"
    assert audit["person_days"] == 16 and audit["employee_count"] == 1200
    assert audit["warnings"] == [
        {
            "code": "audit.team_days_short",
            "message": "2 auditor(s) × 4 day(s) is less than the 14 on-site person-days "
            "required (of 16 in all)",
        }
    ]
    assert [(m["user_id"], m["lead"]) for m in audit["team"]] == [
        (cast.lead.id, True),
        (cast.auditor.id, False),
    ]
    assert (await story.ok("GET", app_url, cast.staff))["status"] == "in_audit"

    audit_url = f"/api/v1/audits/{audit['id']}"
    stage1 = await story.ok(
        "POST", f"{audit_url}/stage1", cast.lead, json={"outcome": "passed", "notes": "资料齐全"}
    )
    assert stage1["status"] == "stage1_passed" and stage1["stage1_notes"] == "资料齐全"

    rubric = await indicators(api, cast.staff, "production")
    first = sheet(
        rubric,
        scores={"culture.philosophy": Decimal("1.5"), "repair.assurance": Decimal(7)},
        excluded=("delivery.installation",),
        deductions=1,
    )
    first["items"][15]["note"] = "企业不提供安装服务"  # delivery.installation
    rev1 = await story.score(audit["id"], first)
    assert rev1["revision"] == 1
    assert rev1["rubric_id"] == "gbt27922-2011"
    assert rev1["applicable_points"] == 94
    assert rev1["base_score"] == 98.4  # 92.5 / 94 × 100 = 98.404… half-up
    assert rev1["bonus"] == 0
    assert rev1["special_deduction_count"] == 1
    assert rev1["final_score"] == 97.4
    assert rev1["grade"] == "five_star"
    assert rev1["submitted_by"] == cast.auditor.id

    second = sheet(
        rubric,
        scores={"repair.assurance": Decimal(7)},
        excluded=("delivery.installation",),
        deductions=1,
    )
    rev2 = await story.score(audit["id"], second)
    assert (rev2["revision"], rev2["base_score"], rev2["final_score"]) == (2, 98.9, 97.9)
    sections = {s["code"]: (s["score"], s["max_points"]) for s in rev2["section_scores"]}
    assert sections["delivery"] == (9, 9)
    assert sections["repair"] == (19, 20)
    categories = {c["code"]: (c["score"], c["max_points"]) for c in rev2["category_scores"]}
    assert categories == {
        "service_system": (40, 40),
        "product_service": (28, 29),
        "customer_service": (25, 25),
    }
    excluded_item = next(i for i in rev2["items"] if i["indicator_code"] == "delivery.installation")
    assert excluded_item == {
        "indicator_code": "delivery.installation",
        "score": None,
        "not_applicable": True,
        "note": "不涉及",
        "max_points": 6,
    }
    # earlier revisions stay readable and unchanged
    assert await story.ok("GET", f"{audit_url}/score-sheets/1", cast.staff) == rev1
    listed = await story.ok("GET", f"{audit_url}/score-sheets", cast.committee)
    assert [s["revision"] for s in listed["items"]] == [1, 2]
    assert listed["next_cursor"] is None
    first = await story.ok("GET", f"{audit_url}/score-sheets", cast.staff, params={"limit": 1})
    assert [s["revision"] for s in first["items"]] == [1]
    rest = await story.ok(
        "GET", f"{audit_url}/score-sheets", cast.staff, params={"cursor": first["next_cursor"]}
    )
    assert [s["revision"] for s in rest["items"]] == [2]

    completed = await story.complete(audit["id"])
    assert completed["status"] == "completed" and completed["recommended_revision"] == 2
    [action] = (await story.ok("GET", f"{audit_url}/corrective-actions", cast.staff))["items"]
    assert action["status"] == "open" and action["category"] == "legal"

    api.clock.set_today(date(2026, 12, 15))
    blocked = await api.post(
        f"{audit_url}/decision",
        cast.committee,
        json={"outcome": "grant", "reason": "符合要求"},
    )
    assert_problem(blocked, 409, "decision.open_corrective_actions")

    closed = await story.ok(
        "POST",
        f"{audit_url}/corrective-actions/{action['id']}/close",
        cast.lead,
        json={"evidence": "已取得排污许可证"},
    )
    assert closed["status"] == "closed" and closed["evidence"] == "已取得排污许可证"
    assert closed["closed_at"] == "2026-12-15T02:00:00Z" and closed["closed_by"] == cast.lead.id

    decision = await story.ok(
        "POST",
        f"{audit_url}/decision",
        cast.committee,
        201,
        json={"outcome": "grant", "grade": "four_star", "reason": "委员会一致同意"},
    )
    assert decision["outcome"] == "grant" and decision["grade"] == "four_star"
    assert decision["decided_by"] == cast.committee.id
    certificate = decision["certificate"]
    assert certificate == {
        "number": "ASC-2026-000001",
        "status": "active",
        "grade": "four_star",
        "final_score": 97.9,
        "organisation": {
            "id": organisation["id"],
            "name": "珠海格力电器股份有限公司",
            "name_en": "Gree Electric Appliances, Inc. of Zhuhai",
            "uscc": organisation["uscc"],
            "address": organisation["address"],
        },
        "scope": "家用空调的安装、维修与售后服务",
        "scope_en": None,
        "sites": [
            {
                "name": "珠海格力电器股份有限公司",
                "address": organisation["address"],
                "kind": "headquarters",
            }
        ],
        "revision": 1,
        "enterprise_type": "production",
        "standard": "GB/T 27922-2011",
        "issued_on": "2026-12-15",
        "valid_from": "2026-12-15",
        "expires_on": "2029-12-14",
        "last_surveillance_on": None,
        "next_surveillance_due": "2027-12-14",
        "recertification_due": "2029-12-14",
        "superseded_by": None,
        "status_reason": None,
        "status_changed_on": "2026-12-15",
        "suspension_causes": [],
        "version": 1,
    }
    assert (await story.ok("GET", app_url, cast.staff))["status"] == "certified"
    assert (await story.ok("GET", audit_url, cast.staff))["status"] == "decided"
    read = await story.ok("GET", "/api/v1/certificates/asc-2026-000001", cast.integrator)
    assert read == certificate
    listed_certs = await story.ok("GET", "/api/v1/certificates", cast.integrator)
    assert [c["number"] for c in listed_certs["items"]] == ["ASC-2026-000001"]

    # the organisation changes its name: the certificate keeps the name printed on it
    await story.ok(
        "PATCH", f"/api/v1/organisations/{organisation['id']}", cast.staff, json={"name": "格力"}
    )
    again = await story.ok("GET", "/api/v1/certificates/ASC-2026-000001", cast.staff)
    assert again["organisation"]["name"] == "珠海格力电器股份有限公司"

    log = await events(api.db)
    by_entity: dict[str, list[str]] = {}
    for event in log:
        by_entity.setdefault(event["entity_type"], []).append(event["action"])
    assert by_entity["application"] == [
        "application.submitted",
        "application.accepted",
        "application.audit_started",
        "application.certified",
    ]
    assert by_entity["audit"] == [
        "audit.planned",
        "audit.stage1_passed",
        "audit.scored",
        "audit.scored",
        "audit.completed",
        "audit.decided",
    ]
    assert by_entity["corrective_action"] == [
        "corrective_action.opened",
        "corrective_action.closed",
    ]
    assert by_entity["certificate"] == ["certificate.issued"]
    assert by_entity["organisation"] == ["organisation.created", "organisation.updated"]
    decided = next(e for e in log if e["action"] == "audit.decided")
    assert decided["actor_user_id"] == cast.committee.id and decided["reason"] == "委员会一致同意"
    assert [e["id"] for e in log] == list(range(1, len(log) + 1))
