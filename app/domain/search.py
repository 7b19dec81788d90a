"""Search terms as the public indexes need them, and the choices of the search planner
(pure; no I/O). Shares of the register are integers in parts per million (``PPM``) and costs
integers in nanoseconds, so the planner's arithmetic is exact.

Public name search is a substring match over ``search_key`` (the folded Chinese and English
names). Which index answers depends on the term (migration 0003):

- PostgreSQL: pg_trgm serves a term of words (letters, digits, CJK characters, spaces) with
  one of three or more characters; any other term — a 2-character Chinese brand like 华为, or
  one with punctuation like "(哈尔滨" — goes to the GIN over the key's character bigrams, as
  the array of the term's bigrams.
- SQLite: the same choice between two FTS5 trigram tables. One holds the key as it is (for
  the pg_trgm terms); the other holds it with every character doubled: a term ``t`` occurs in
  a key exactly when ``doubled(t)[1:]`` occurs in the doubled key (up to runs of one repeated
  character, which the ``LIKE`` on the key itself rechecks), so a 2-character term becomes a
  3-character pattern, as selective as a bigram.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.domain.text import fold

MIN_TERM = 2
MAX_TERM = 100
# The first walk of the public order (an index-only scan on PostgreSQL) answers the common
# terms and measures the others.
FIRST_WALK = 3000
# Beyond this, walking costs more than the index at any share (the crossover of
# ``next_walk``'s two costs lies near 0.1 % of a million names, about 17,000 rows)
MAX_WALK = 20_000
PPM = 1_000_000
# A gram in more than this share of the names costs an index more than it narrows
COMMON_GRAM_SHARE = PPM // 10
# A word found in more words of the vocabulary than this is common: the walk answers it, and
# asking the names for each of those words would cost more than pg_trgm
MAX_VOCABULARY_WORDS = 64


def like_pattern(term: str) -> str:
    """``%term%`` for LIKE with ``\\`` as the escape: user input never acts as a wildcard."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def term(text: str) -> str:
    """A user's search text folded like the keys (NFKC, case, spaces)."""
    return fold(text)


def uses_trigrams(value: str) -> bool:
    """Whether pg_trgm serves the term best: words only (letters, digits, CJK, spaces), one of
    three or more characters. pg_trgm drops punctuation, so for "(哈尔滨" it would fetch every
    哈尔滨 and recheck; the bigram "(哈" keeps the parenthesis and is far more selective."""
    run = longest = 0
    for char in value:
        if char.isalnum():
            run += 1
            longest = max(longest, run)
        elif char == " ":
            run = 0
        else:
            return False
    return longest >= 3


def is_word(value: str) -> bool:
    """Whether the term is one Latin word: ASCII letters and digits only. Such a term occurs
    in a key exactly when it occurs in one of the key's words (``starcert_words`` splits the
    key at everything else), so the vocabulary of words answers it."""
    return value.isascii() and value.isalnum()


def bigrams(value: str) -> list[str]:
    """The term's distinct character bigrams, as ``starcert_bigrams`` makes them."""
    return sorted({value[i : i + 2] for i in range(len(value) - 1)})


def doubled(text: str) -> str:
    """Every character twice: the text SQLite's trigram table is built over."""
    return "".join(c + c for c in text)


def fts_query(value: str, *, double: bool) -> str:
    """An FTS5 query over a trigram table stored without positions: every trigram of the
    pattern must be present, and ``LIKE`` then checks their order. ``double`` for the table
    of doubled keys (the pattern is then ``doubled(value)[1:]``)."""
    pattern = doubled(value)[1:] if double else value
    trigrams = dict.fromkeys(pattern[i : i + 3] for i in range(len(pattern) - 2))
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in trigrams)


@dataclass(frozen=True, slots=True)
class Prior:
    """What the database's statistics say of a term's share of the names, in ppm: exactly
    (a 2-character term whose bigram they list), or at most."""

    share: int
    exact: bool


def next_walk(
    *,
    found: int,
    walked: int,
    want: int,
    total: int,
    walk_ns: int,
    match_ns: int,
    prior: Prior | None = None,
) -> int | None:
    """How far to walk the public order next, after a walk of ``walked`` rows found ``found``
    (< ``want``) matches; None when the index is cheaper, or walking further cannot help.

    The term's share of the register is what the statistics say when they know it exactly
    (``prior``, see ``share_prior``); else what the walks saw, ``found / walked``, capped by
    the statistics' bound. A walk needs about ``want / share`` rows: twice that
    is walked, so that an unlucky estimate rarely needs another walk, and a term for which
    even the longest walk would not do goes to the index at once. The index fetches and
    sorts every match (``share × total``). Costs are in nanoseconds per row walked and per
    match fetched. A walk reads from the start again (an index-only scan that stops at the
    page), so each walk is at least twice the last, and the total stays within a small
    multiple of it; a walk that cannot be (the longest is near) is not taken.

    A share guessed from a few matches is a guess: a walk that then finds too few has cost
    its rows and the index on top. So the walk is weighed at its expected cost, its rows
    plus what the index costs when the walk misses, and taken only when that is below the
    index's expected cost. A miss says the term is rarer than guessed, and its index cheaper:
    the expected cost of the index on a miss is ``E[share × miss]``, which for the gamma
    distribution of ``walk_misses`` is the share's mean times the chance of a miss computed
    with ``r = found + 1`` (``shape``). Both sides are then multiples of the index's mean
    cost: walk when ``rows × walk_ns < index × (1 - that chance)``.
    """
    if total <= walked or walked >= MAX_WALK:
        return None
    exact = prior is not None and prior.exact
    if prior is not None and prior.exact:
        part, whole = prior.share, PPM
    else:
        part, whole = found, walked
        if prior is not None and prior.share * whole < part * PPM:
            part, whole = prior.share, PPM
    if part == 0 or want * whole > MAX_WALK * part:  # not even the longest walk would do
        return None
    depth = min(MAX_WALK, max(2 * walked, -(-2 * want * whole // part)))  # ⌈2 × want / share⌉
    if depth < 2 * walked:  # the longest walk is not twice the last: it would find too few
        return None
    walk_cost = depth * walk_ns * whole  # both costs in ns × whole
    index_cost = part * total * match_ns
    if exact:
        return depth if walk_cost < index_cost else None
    misses, out_of = walk_misses(
        found=found, walked=walked, depth=depth, want=want, shape=found + 1
    )
    # walk_cost + index_cost × misses / out_of < index_cost, in integers
    return depth if walk_cost * out_of < index_cost * (out_of - misses) else None


def walk_misses(
    *, found: int, walked: int, depth: int, want: int, shape: int | None = None
) -> tuple[int, int]:
    """The chance, as ``(numerator, denominator)``, that a walk of ``depth`` rows finds fewer
    than ``want`` matches when the first ``walked`` of them held ``found``.

    What the term's share may be, given what was seen, is the gamma distribution of
    ``found`` and ``walked``: the prior is uniform over the share's logarithm, as terms are
    spread over orders of magnitude of frequency (most are rare, a few very common). The
    matches among the ``depth - walked`` rows not yet seen are then negative-binomial, with
    ``r = found`` and ``p = walked / depth``: P(k) = C(k + r - 1, k) · p^r · (1 - p)^k. The
    walk misses when fewer than ``want - found`` are among them. Exact integers over
    ``depth^(r + need - 1)``. ``shape``, when given, is ``r`` instead of ``found``.
    """
    need = want - found
    if need <= 0:
        return 0, 1
    if found == 0:  # nothing seen: nothing says that more is to be found
        return 1, 1
    r = found if shape is None else shape
    rest = depth - walked
    numerator = 0
    choose = 1  # C(k + r - 1, k)
    for k in range(need):
        if k:
            choose = choose * (k + r - 1) // k
        numerator += choose * rest**k * depth ** (need - 1 - k)
    return numerator * walked**r, depth ** (r + need - 1)


def share_prior(term: str, shares: Mapping[str, int], floor: int) -> Prior | None:
    """What the statistics say of a term's share (``shares``: the common bigrams' shares in
    ppm; ``floor``: the least of them, which every bigram they do not list is below). A
    term's share is at most its rarest bigram's — exactly it for a 2-character term. None
    for a Latin word, whose letters' bigrams are in nearly every English name and say
    nothing, and when there are no statistics."""
    grams = bigrams(term)
    if not grams or not shares or is_word(term):
        return None
    share = min(shares.get(g, floor) for g in grams)
    return Prior(share, exact=len(grams) == 1 and grams[0] in shares and len(term) == 2)


def selective_grams(
    grams: Iterable[str], shares: Mapping[str, int], *, common: int = COMMON_GRAM_SHARE
) -> list[str]:
    """The grams worth asking a GIN index for: those in at most ``common`` of the names
    (``shares``: the database's statistics, in ppm; a gram it does not list is rarer than
    any it does). When every gram is common, the rarest alone. Dropping 有限 from 万家乐有限公
    leaves the index a few hundred candidates instead of every name; the ``LIKE`` recheck
    keeps the answer exact."""
    ranked = sorted(set(grams), key=lambda g: (shares.get(g, 0), g))
    keep = [g for g in ranked if shares.get(g, 0) <= common]
    return sorted(keep or ranked[:1])
