"""GET /api/v1/rubrics…: exactly the data of docs/domain.md §1, for any authenticated role."""

from __future__ import annotations

import pytest

from app.domain.enums import Role
from tests.support.api import Api, assert_problem

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
    ],
)
async def test_unknown_rubric_is_404(api: Api, path: str) -> None:
    actor = await api.actor(Role.STAFF)
    assert_problem(await api.get(path, actor), 404, "rubric.not_found")
