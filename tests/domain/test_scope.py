"""The scope statement a certificate prints, and when a change narrows scope or sites."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.enums import EnterpriseType
from app.domain.scope import (
    Parsed,
    ScopeItem,
    english_list,
    excluded_indicators,
    extends_sites,
    narrows,
    parse,
    statement,
)

P, S = EnterpriseType.PRODUCTION, EnterpriseType.SALES_SERVICE
AC = ScopeItem("家用空调器", "household air conditioners")
FRIDGE = ScopeItem("冰箱", "refrigerators")
WASHER = ScopeItem("洗衣机", "washing machines")


@pytest.mark.parametrize(
    ("items", "kind", "excluded", "zh", "en"),
    [
        ([AC], P, (), "家用空调器的售后服务", "After-sales service of household air conditioners"),
        (
            [AC],
            P,
            ("delivery.installation",),
            "家用空调器的售后服务（不含安装调试）",
            "After-sales service of household air conditioners (excluding installation and "
            "commissioning)",
        ),
        (
            [AC, FRIDGE],
            P,
            (),
            "家用空调器、冰箱的售后服务",
            "After-sales service of household air conditioners and refrigerators",
        ),
        (
            [AC, FRIDGE, WASHER],
            S,
            ("delivery.installation", "delivery.distribution"),  # named in rubric order
            "家用空调器、冰箱、洗衣机的售后服务（不含配送服务、安装调试）",
            "After-sales service of household air conditioners, refrigerators and washing "
            "machines (excluding delivery service and installation and commissioning)",
        ),
        (
            [AC, ScopeItem("冰箱")],  # an item without English: no English statement
            P,
            ("repair.facilities",),
            "家用空调器、冰箱的售后服务（不含维修设施）",
            None,
        ),
        (
            [AC],
            S,
            ("repair.facilities", "warranty.repair_network", "warranty.repair_network"),
            "家用空调器的售后服务（不含维修网点设置）",  # a code the type lacks is ignored
            "After-sales service of household air conditioners (excluding repair network)",
        ),
    ],
)
def test_statement(
    items: list[ScopeItem],
    kind: EnterpriseType,
    excluded: tuple[str, ...],
    zh: str,
    en: str | None,
) -> None:
    generated = statement(items, kind, excluded)
    assert (generated.zh, generated.en) == (zh, en)


def test_statement_needs_an_item() -> None:
    with pytest.raises(ValueError, match="at least one item"):
        statement([], P)


def test_excluded_indicators_follow_the_rubric() -> None:
    codes = [i.code for i in excluded_indicators(P, ["repair.facilities", "delivery.packaging"])]
    assert codes == ["delivery.packaging", "repair.facilities"]


@pytest.mark.parametrize(
    ("names", "joined"),
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_english_list(names: list[str], joined: str) -> None:
    assert english_list(names) == joined


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("家用空调器的售后服务", Parsed(frozenset({"家用空调器"}), frozenset())),
        (
            " 家用空调器、冰箱的售后服务（不含安装调试、维修设施） ",
            Parsed(frozenset({"家用空调器", "冰箱"}), frozenset({"安装调试", "维修设施"})),
        ),
        ("家用空调的安装、维修与售后服务", None),  # free text of an application
        ("的售后服务", None),
        ("空调、的售后服务", None),
        ("空调的售后服务（不含）", None),
        ("空调的售后服务（不含安装、）", None),
        ("空调的售后服务，含安装", None),
        ("空调的售后服务（不含安装", None),
    ],
)
def test_parse(text: str, parsed: Parsed | None) -> None:
    assert parse(text) == parsed


@pytest.mark.parametrize(
    ("current", "new", "narrower"),
    [
        ("空调、冰箱的售后服务", "空调的售后服务", True),
        ("空调、冰箱的售后服务", "冰箱、空调的售后服务", True),
        ("空调的售后服务", "空调的售后服务（不含安装调试）", True),
        ("空调的售后服务", "空调、冰箱的售后服务", False),
        ("空调的售后服务（不含安装调试）", "空调的售后服务", False),  # an exclusion lifted
        ("家用空调的安装、维修与售后服务", "家用空调的安装、维修与售后服务 ", True),  # same text
        ("家用空调的安装、维修与售后服务", "空调的售后服务", False),  # not recognisable
        ("空调的售后服务", "空调的维修", False),
    ],
)
def test_narrows(current: str, new: str, narrower: bool) -> None:
    assert narrows(current, new) is narrower


# items as an application gives them: trimmed text, here of letters and digits (none holds
# the separator 、 or the 的 of 的售后服务)
items = st.lists(
    st.text(
        st.characters(categories=["L", "N"], exclude_characters="、的"), min_size=1, max_size=5
    ),
    min_size=1,
    max_size=5,
    unique=True,
)


@given(items, st.data())
def test_a_generated_statement_reads_back_and_any_subset_narrows(
    names: list[str], data: st.DataObject
) -> None:
    full = statement([ScopeItem(n) for n in names], P, ["delivery.installation"]).zh
    assert parse(full) == Parsed(frozenset(names), frozenset({"安装调试"}))
    subset = data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
    smaller = statement([ScopeItem(n) for n in subset], P, ["delivery.installation"]).zh
    assert narrows(full, smaller)
    assert narrows(smaller, full) is (set(subset) == set(names))


HQ = {"name": "总部", "address": "珠海市香洲区1号", "kind": "headquarters"}
OUTLET = {"name": "广州网点", "address": "广州市天河区2号", "kind": "service_outlet"}
DEPOT = {"name": "仓库", "address": "佛山市3号", "kind": "warehouse"}


@pytest.mark.parametrize(
    ("current", "new", "extends"),
    [
        ([HQ, OUTLET], [HQ], False),
        ([HQ, OUTLET], [HQ, OUTLET], False),
        ([HQ], [HQ, OUTLET], True),
        ([HQ, OUTLET], [HQ, DEPOT], True),
        ([HQ, OUTLET], [HQ, OUTLET | {"address": "广州市越秀区9号"}], True),  # moved: new
        ([HQ], [HQ | {"address": "珠海市金湾区5号"}], False),  # the headquarters is always covered
        ([], [HQ], False),
    ],
)
def test_extends_sites(
    current: list[dict[str, str]], new: list[dict[str, str]], extends: bool
) -> None:
    assert extends_sites(current, new) is extends
