"""The pure choices of the public search (app.domain.search): which grams an index is
asked for, and when walking the public order again beats the index. Shares in ppm."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.search import (
    MAX_WALK,
    bigrams,
    doubled,
    fts_query,
    like_pattern,
    second_walk,
    selective_grams,
    term,
    trigram_window,
    uses_trigrams,
)

SHARES = {"有限": 980_000, "限公": 980_000, "公司": 990_000, "科技": 250_000, "万家": 3_000}


def test_common_grams_are_dropped() -> None:
    assert selective_grams(bigrams("万家乐有限公"), SHARES) == ["万家", "乐有", "家乐"]
    assert selective_grams(bigrams("科技有限公司"), SHARES) == ["技有"]  # unlisted: rare
    # every gram common: the rarest alone
    assert selective_grams(bigrams("有限公司"), SHARES) == ["有限"]
    assert selective_grams(["科技"], SHARES) == ["科技"]
    assert selective_grams(bigrams("华为"), {}) == ["华为"]  # no statistics yet: all


@given(st.lists(st.text(min_size=2, max_size=2), min_size=1, max_size=12))
def test_selection_is_a_nonempty_subset(grams: list[str]) -> None:
    chosen = selective_grams(grams, SHARES)
    assert chosen and set(chosen) <= set(grams)


def test_second_walk_weighs_the_walk_against_the_index() -> None:
    costs = {"walk_ns": 300, "match_ns": 4000}
    # 16 in 1,000 (1.6 %, ~16,000 matches): walking ~2,000 rows beats fetching 16,000
    assert second_walk(found=16, walked=1000, want=21, total=1_000_000, **costs) == 1969
    # 1 in 1,000 (~1,000 matches): the index fetches them faster than a 31,500-row walk
    assert second_walk(found=1, walked=1000, want=21, total=1_000_000, **costs) is None
    # nothing found, or the first walk already saw the whole register
    assert second_walk(found=0, walked=1000, want=21, total=1_000_000, **costs) is None
    assert second_walk(found=5, walked=1000, want=21, total=900, **costs) is None
    # never deeper than MAX_WALK
    depth = second_walk(found=1, walked=100_000, want=21, total=10**9, **costs)
    assert depth == MAX_WALK


def test_terms_for_pg_trgm() -> None:
    assert uses_trigrams("huawei") and uses_trigrams("万家乐")
    assert not uses_trigrams("华为") and not uses_trigrams("(武汉")
    # a run of three letters or digits is needed; a space ends a run
    assert uses_trigrams("tc lcd") and not uses_trigrams("ab cd")


def test_the_trigram_window_avoids_common_trigrams() -> None:
    shares = {
        "en": 500_000,
        "ng": 600_000,
        "he": 300_000,
        "ch": 200_000,
        "yu": 50_000,
        "uc": 10_000,
    }
    assert trigram_window("yucheng", shares) == "yuch"
    assert trigram_window("tcl", shares) == "tcl"  # no longer than the window
    # only letters and digits in a row: pg_trgm's words, never across a space or a stop
    assert trigram_window("co., ltd", shares) == "ltd"
    assert trigram_window("ab xyzw", {"xy": 900_000}) == "xyzw"
    assert trigram_window("ab, cd", {}) == "ab, cd"  # no run of three: the whole term
    assert trigram_window("abcde", {"ab": 900_000, "bc": 900_000}) == "bcde"


@given(st.text(alphabet="abcdefgh .,", min_size=1, max_size=20))
def test_the_window_is_part_of_the_term(term: str) -> None:
    assert trigram_window(term, {"ab": 500_000}) in term


@pytest.mark.parametrize(
    ("text", "pattern"),
    [("格力", "%格力%"), ("100%", "%100\\%%"), ("a_b", "%a\\_b%"), ("c:\\x", "%c:\\\\x%")],
)
def test_like_patterns_escape_the_wildcards(text: str, pattern: str) -> None:
    assert like_pattern(text) == pattern


def test_terms_fold_like_the_keys() -> None:
    assert term("  ＧＲＥＥ   Electric ") == "gree electric"


def test_the_doubled_key_turns_two_characters_into_a_trigram() -> None:
    assert doubled("华为") == "华华为为"
    assert fts_query("华为", double=True) == '"华为为"'
    assert fts_query("huawei", double=False) == '"hua" AND "uaw" AND "awe" AND "wei"'
    # an FTS5 string literal doubles its quotes
    assert fts_query('a"bc', double=False) == '"a""b" AND """bc"'
