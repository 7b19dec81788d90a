"""The pure choices of the public search (app.domain.search): which grams an index is
asked for, and when walking the public order again beats the index. Shares in ppm."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.search import (
    MAX_WALK,
    Prior,
    bigrams,
    doubled,
    fts_query,
    is_word,
    like_pattern,
    next_walk,
    selective_grams,
    share_prior,
    term,
    uses_trigrams,
    walk_misses,
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


COSTS = {"walk_ns": 300, "match_ns": 4000, "want": 21, "total": 1_000_000}
BOUND, EXACT = False, True


@pytest.mark.parametrize(
    ("found", "walked", "prior", "depth"),
    [
        # 15 in the first 3,000 (about 0.5 %): a walk of 8,400 rows beats 5,000 fetches
        (15, 3000, None, 8400),
        # 5 (0.17 %): the longest walk beats the index, even counting that it may miss
        (5, 3000, None, MAX_WALK),
        # 4 (0.13 %): it would beat the index if it found enough, but it misses one time in
        # six (a rarer term met by chance, whose index is cheap), and then costs both
        (4, 3000, None, None),
        # 3 or fewer (~0.1 %): the index fetches them faster than the longest walk
        (3, 3000, None, None),
        (0, 3000, None, None),
        # a walk that still found too few walks further, or gives up
        (15, 8400, None, MAX_WALK),
        (8, 14_000, None, None),
        (12, 11_000, None, None),  # the longest walk would not be twice this one
        # the statistics know the share exactly (业股, 0.36 % of the names): walk for it,
        # however few the first walk met; or go to the index when it is cheaper
        (1, 3000, (3_600, EXACT), 11_667),
        (9, 3000, (650, EXACT), None),
        # they bound it: a bound below the walks' estimate wins (圳市民: 0.06 %) ...
        (3, 3000, (600, BOUND), None),
        (6, 3000, (600, BOUND), None),
        # ... one above it changes nothing
        (6, 3000, (50_000, BOUND), MAX_WALK),
    ],
)
def test_the_next_walk_weighs_walking_against_the_index(
    found: int, walked: int, prior: tuple[int, bool] | None, depth: int | None
) -> None:
    known = Prior(*prior) if prior else None
    assert next_walk(found=found, walked=walked, prior=known, **COSTS) == depth


def _misses(found: int, walked: int, depth: int, want: int) -> float:
    """The same chance from the definition, in floating point (for comparison only)."""
    r, p = found, walked / depth
    return sum(math.comb(k + r - 1, k) * p**r * (1 - p) ** k for k in range(want - found))


@given(
    st.integers(1, 60),
    st.integers(1, 120),
    st.integers(100, 5000),
    st.integers(2, 8),
)
def test_the_chance_of_a_miss_is_the_negative_binomial(
    found: int, want: int, walked: int, times: int
) -> None:
    depth = walked * times
    numerator, denominator = walk_misses(found=found, walked=walked, depth=depth, want=want)
    assert 0 <= numerator <= denominator
    if found >= want:
        assert numerator == 0
        return
    assert math.isclose(numerator / denominator, _misses(found, walked, depth, want), abs_tol=1e-9)
    # a longer walk misses less often
    longer = walk_misses(found=found, walked=walked, depth=depth * 2, want=want)
    assert longer[0] * denominator <= numerator * longer[1]


def test_a_walk_that_saw_nothing_misses_surely() -> None:
    assert walk_misses(found=0, walked=3000, depth=6000, want=21) == (1, 1)
    # 5 of 21 in 3,000 rows: a walk of 20,000 misses about one time in six
    numerator, denominator = walk_misses(found=5, walked=3000, depth=20_000, want=21)
    assert 0.16 < numerator / denominator < 0.18


def test_walks_stop_at_the_register_and_at_the_longest_walk() -> None:
    assert next_walk(found=5, walked=3000, **{**COSTS, "total": 2900}) is None
    assert next_walk(found=1, walked=MAX_WALK, **{**COSTS, "total": 10**9}) is None


def test_what_the_statistics_say_of_a_term() -> None:
    shares = {"家具": 6_000, "具有": 6_100, "有限": 990_000}
    assert share_prior("家具", shares, 270) == Prior(6_000, exact=True)
    assert share_prior("家具有限", shares, 270) == Prior(6_000, exact=False)  # at most
    assert share_prior("家电", shares, 270) == Prior(270, exact=False)  # below the list
    assert share_prior("家", shares, 270) is None  # no bigram at all
    assert share_prior("家具", {}, 0) is None  # no statistics yet
    # a Latin word's letter bigrams say nothing
    latin = dict.fromkeys(["fe", "en", "ng", "ga", "ai", "iy"], 500_000)
    assert share_prior("fengaiyi", latin, 270) is None


def test_terms_for_pg_trgm() -> None:
    assert uses_trigrams("huawei") and uses_trigrams("万家乐")
    assert not uses_trigrams("华为") and not uses_trigrams("(武汉")
    # a run of three letters or digits is needed; a space ends a run
    assert uses_trigrams("tc lcd") and not uses_trigrams("ab cd")


def test_a_latin_word_is_letters_and_digits_only() -> None:
    assert is_word("fengaiyi") and is_word("tcl2008")
    assert not is_word("gree electric") and not is_word("co.") and not is_word("华为")
    assert not is_word("café")  # not ASCII: a separator for the words of a key


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
