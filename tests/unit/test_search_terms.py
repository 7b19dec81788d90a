"""The pure choices of the public search (app.public.search): which grams an index is
asked for, and when walking the public order again beats the index."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.public.search import (
    MAX_WALK,
    bigrams,
    second_walk,
    selective_grams,
    trigram_window,
    uses_trigrams,
)

SHARES = {"有限": 0.98, "限公": 0.98, "公司": 0.99, "科技": 0.25, "万家": 0.003}


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
    costs = {"walk_cost": 0.3, "match_cost": 4.0}
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


def test_the_trigram_window_avoids_common_trigrams() -> None:
    shares = {"en": 0.5, "ng": 0.6, "he": 0.3, "ch": 0.2, "yu": 0.05, "uc": 0.01}
    assert trigram_window("yucheng", shares) == "yuch"
    assert trigram_window("tcl", shares) == "tcl"  # no longer than the window
    # only letters and digits in a row: pg_trgm's words, never across a space or a stop
    assert trigram_window("co., ltd", shares) == "ltd"
    assert trigram_window("ab xyzw", {"xy": 0.9}) == "xyzw"
    assert trigram_window("ab, cd", {}) == "ab, cd"  # no run of three: the whole term
    assert trigram_window("abcde", {"ab": 0.9, "bc": 0.9}) == "bcde"


@given(st.text(alphabet="abcdefgh .,", min_size=1, max_size=20))
def test_the_window_is_part_of_the_term(term: str) -> None:
    assert trigram_window(term, {"ab": 0.5}) in term
