"""GET /public/v1/certificates?name=|uscc=: substring search over the names printed on
certificates, active first, stable pages — compared with a plain-Python oracle."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.domain.text import fold
from app.public import service as public_service
from app.public.queries import PostgresReader, Statistics
from tests.support.api import Api, assert_problem
from tests.support.factories import make_certificate

CORPUS: list[tuple[str, str | None, str]] = [
    ("华为技术有限公司", "Huawei Technologies Co., Ltd.", "active"),
    ("深圳市华为终端有限公司", "Shenzhen Huawei Device Co., Ltd.", "suspended"),
    ("珠海格力电器股份有限公司", "Gree Electric Appliances, Inc. of Zhuhai", "active"),
    ("格力电器（武汉）有限公司", None, "expired"),
    ("美的集团股份有限公司", "Midea Group Co., Ltd.", "active"),
    ("广东美的制冷设备有限公司", "Guangdong Midea Refrigeration Equipment Co., Ltd.", "withdrawn"),
    ("海尔智家股份有限公司", "Haier Smart Home Co., Ltd.", "active"),
    ("青岛海尔空调器有限总公司", "Qingdao Haier Air Conditioner Co.", "superseded"),
    ("杭州老板电器股份有限公司", "Hangzhou Robam Appliances Co., Ltd.", "active"),
    ("宁波方太厨具有限公司", "Ningbo Fotile Kitchen Ware Co., Ltd.", "cancelled"),
    ("深圳市科技电子有限公司", "Shenzhen Keji Electronics Co., Ltd.", "active"),
    ("北京科技服务有限公司", "Beijing Technology Services Co., Ltd.", "active"),
    ("上海科技发展有限公司", "Shanghai Technology Development Co., Ltd.", "suspended"),
    ("广州科技贸易有限公司", "Guangzhou Technology Trading 100% Co., Ltd.", "active"),
    ("丽丽丽家电维修有限公司", "Lili_Li Appliance Repair Co., Ltd.", "active"),
    ("苏州科技科技有限公司", "Suzhou Keji Keji Co., Ltd.", "expired"),
    ("TCL科技集团股份有限公司", "TCL Technology Group Corporation", "active"),
    ("小米通讯技术有限公司", "Xiaomi Communications Co., Ltd.", "active"),
    ("创维集团有限公司", "Skyworth Group Co., Ltd.", "active"),
    ("海信视像科技股份有限公司", "Hisense Visual Technology Co., Ltd.", "active"),
]


@pytest.fixture
async def corpus(api: Api) -> list[dict[str, Any]]:
    made = []
    for index, (name, name_en, status) in enumerate(CORPUS):
        made.append(
            await make_certificate(
                api.db,
                name=name,
                name_en=name_en,
                status=status,
                number=f"ASC-2026-{index + 1:06d}",
            )
            | {"name_en": name_en, "status": status}
        )
    return made


def oracle(corpus: list[dict[str, Any]], term: str) -> list[str]:
    wanted = fold(term)
    hits = [c for c in corpus if wanted in fold(c["name"]) + "\n" + fold(c["name_en"] or "")]
    return [c["number"] for c in sorted(hits, key=lambda c: (c["status"] != "active", c["number"]))]


async def search_all(api: Api, limit: int = 3, **params: str) -> list[str]:
    numbers: list[str] = []
    cursor = None
    for _ in range(50):
        query = {**params, "limit": str(limit)} | ({"cursor": cursor} if cursor else {})
        response = await api.get("/public/v1/certificates", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        numbers += [item["number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return numbers
    raise AssertionError("paging did not end")


@pytest.mark.parametrize(
    "term",
    ["华为", "华为技术", "格力", "科技", "有限公司", "huawei", "HUAWEI", "Co., Ltd.",
     "technology", "丽丽", "丽丽丽", "100%", "_l", "li_li", "（武汉）", "(武汉)", "ｔｃｌ",
     "不存在", "zz", "科技科技"],
)  # fmt: skip
async def test_search_matches_the_oracle(api: Api, corpus: list[dict[str, Any]], term: str) -> None:
    assert await search_all(api, name=term) == oracle(corpus, term)


@pytest.mark.parametrize(
    ("walk_ns", "walks_again"),
    [(0, True), (None, False)],
    ids=["walking-further-always-cheaper", "walking-further-never-weighed"],
)
async def test_both_strategies_give_the_same_answers(
    api: Api,
    corpus: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    subtests: pytest.Subtests,
    walk_ns: int | None,
    walks_again: bool,
) -> None:
    """Walking further always cheaper is PostgreSQL's path; never weighed, SQLite's."""
    reader = api.app.state.public.reader
    walks: list[tuple[int, int]] = []  # (the first walk's depth at the time, this walk's depth)
    walk = reader.walk

    async def counted_walk(*args: Any) -> Any:
        walks.append((public_service.FIRST_WALK, args[2]))
        return await walk(*args)

    async def a_large_register() -> int:
        return 1_000_000

    monkeypatch.setattr(reader, "walk", counted_walk)
    monkeypatch.setattr(reader, "estimated_rows", a_large_register)
    monkeypatch.setattr(reader, "walk_ns", walk_ns)
    if isinstance(reader, PostgresReader):
        # statistics that call the suffixes and some Latin pairs common: the index is then
        # asked only for the rest (技有 of 科技有限公司, the window of "technology"), and
        # the LIKE recheck must keep the answers exact
        common = {
            "有限": 990_000,
            "限公": 990_000,
            "公司": 990_000,
            "科技": 400_000,
            "te": 500_000,
            "ch": 500_000,
        }

        async def statistics() -> Statistics:
            return Statistics(1_000_000, common, time.monotonic())

        monkeypatch.setattr(reader, "_statistics", statistics)
    for depth in (1, 2, 4, 1000):  # walk too short (index answers), walked again, or enough
        monkeypatch.setattr(public_service, "FIRST_WALK", depth)
        for term in ("科技", "有限公司", "co", "华为", "海尔", "科技有限公司", "technology"):
            with subtests.test(first_walk=depth, term=term):
                assert await search_all(api, limit=2, name=term) == oracle(corpus, term)
    second_walks = [(first, depth) for first, depth in walks if depth != first]
    assert bool(second_walks) is walks_again, second_walks


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
async def test_any_substring_is_found_like_the_oracle(
    api: Api, corpus: list[dict[str, Any]], data: st.DataObject
) -> None:
    source = data.draw(
        st.sampled_from([c["name"] for c in corpus] + [c["name_en"] or "" for c in corpus])
    )
    start = data.draw(st.integers(0, max(0, len(source) - 2)))
    length = data.draw(st.integers(2, 8))
    term = source[start : start + length]
    assume(len(fold(term)) >= 2)  # shorter terms are refused (422)
    assert await search_all(api, limit=4, name=term) == oracle(corpus, term)


async def test_active_first_then_by_number(api: Api, corpus: list[dict[str, Any]]) -> None:
    items = (
        await api.get("/public/v1/certificates", params={"name": "有限公司", "limit": 100})
    ).json()
    rows = [(i["status"] != "active", i["number"]) for i in items["items"]]
    assert {inactive for inactive, _ in rows} == {False, True}  # both kinds are answered
    assert rows == sorted(rows)  # the active ones first, each kind by number
    assert [number for _, number in rows] == oracle(corpus, "有限公司")
    assert items["next_cursor"] is None


async def test_search_by_uscc_and_refusals(api: Api, corpus: list[dict[str, Any]]) -> None:
    target = corpus[2]
    page = (
        await api.get("/public/v1/certificates", params={"uscc": target["uscc"].lower()})
    ).json()
    assert [i["number"] for i in page["items"]] == [target["number"]]
    both = await api.get("/public/v1/certificates", params={"uscc": target["uscc"], "name": "美的"})
    assert both.json()["items"] == []
    assert_problem(await api.get("/public/v1/certificates"), 422, "request.validation")
    assert_problem(
        await api.get("/public/v1/certificates", params={"name": "科技", "cursor": "bad"}),
        422,
        "request.validation",
    )
    assert_problem(
        await api.get("/public/v1/certificates", params={"name": "科技", "limit": 101}),
        422,
        "request.validation",
    )
    item = page["items"][0]
    assert "id" not in item and "organisation_id" not in item and "final_score" not in item


@pytest.mark.parametrize("name", ["华", " a ", "x" * 101], ids=["one-han", "one-letter", "101"])
async def test_a_name_too_short_or_too_long_is_422(api: Api, name: str) -> None:
    response = await api.get("/public/v1/certificates", params={"name": name})
    assert_problem(response, 422, "request.validation")


async def test_search_matches_the_snapshot_not_the_renamed_organisation(api: Api) -> None:
    from tests.support.workflow import Cast, Story

    cast = await Cast.hire(api)
    story = Story(api, cast)
    cert = await story.certificate()
    old_name = cert["organisation"]["name"]
    await story.ok(
        "PATCH",
        f"/api/v1/organisations/{cert['organisation']['id']}",
        cast.staff,
        json={"name": "全新名称电器有限公司"},
    )
    assert await search_all(api, name=old_name[:6]) == [cert["number"]]
    assert await search_all(api, name="全新名称") == []


async def test_uscc_and_name_narrow_together_with_paging(api: Api) -> None:
    from datetime import date

    from tests.support.workflow import Cast, Story

    cast = await Cast.hire(api)
    story = Story(api, cast)
    first = await story.certificate()
    api.clock.set_today(date(2029, 6, 1))
    second = (await story.recertify(first["number"]))["certificate"]
    uscc = first["organisation"]["uscc"]
    name = first["organisation"]["name"][:4]
    # both in force until the new validity begins (2029-11-23): by number
    both = await search_all(api, limit=1, uscc=uscc, name=name)
    assert both == [first["number"], second["number"]]
    api.clock.set_today(date(2029, 11, 23))
    from app.services import housekeeping

    await housekeeping.run(api.db, api.app.state.settings, api.clock)
    both = await search_all(api, limit=1, uscc=uscc, name=name)
    assert both == [second["number"], first["number"]]  # active first, then the superseded
    assert await search_all(api, limit=1, uscc=uscc, name="不存在") == []


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("huawei", 2),  # in two names, as a word
        ("awe", 2),  # inside a word
        ("tcl", 1),  # a word of the Chinese name
        ("robam", 1),
        ("microsoft", 0),  # in no name
        ("keji", 2),
    ],
)
async def test_the_index_alone_finds_every_latin_word(
    api: Api, corpus: list[dict[str, Any]], term: str, expected: int
) -> None:
    """What the walk would find in so small a register, the index must find by itself: on
    PostgreSQL through the vocabulary of words the write side keeps, on SQLite through its
    trigram tables."""
    rows = await api.app.state.public.reader.indexed(term, None, 21)
    assert [r.number for r in rows] == oracle(corpus, term)
    assert len(rows) == expected


async def test_a_new_certificate_brings_its_words_to_the_index(api: Api) -> None:
    from tests.support.workflow import Cast, Story

    story = Story(api, await Cast.hire(api))
    organisation = {"name_en": "Zhuhai Qiaoyuefeng Appliances Co., Ltd."}
    certificate = await story.certificate(organisation=organisation)
    rows = await api.app.state.public.reader.indexed("qiaoyue", None, 21)
    assert [r.number for r in rows] == [certificate["number"]]
