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

from app.domain.text import fold

MIN_TERM = 2
MAX_TERM = 100
# The first walk of the public order (an index-only scan on PostgreSQL) answers the common
# terms and measures the others.
FIRST_WALK = 1000
MAX_WALK = 60_000
PPM = 1_000_000
# A gram in more than this share of the names costs an index more than it narrows
COMMON_GRAM_SHARE = PPM // 10


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


def second_walk(
    *, found: int, walked: int, want: int, total: int, walk_ns: int, match_ns: int
) -> int | None:
    """How far to walk the public order again after a first walk of ``walked`` rows found
    ``found`` (< ``want``) matches, or None when the index is cheaper.

    The first walk estimates the term's share of the register (``found / walked``): a walk
    needs about ``want / share`` rows (half again for unevenly spread matches), the index
    fetches and sorts every match (``share × total``). Costs are in nanoseconds per row
    walked and per match fetched.
    """
    if found == 0 or total <= walked:
        return None
    depth = min(MAX_WALK, -(-3 * want * walked // (2 * found)))  # ⌈1.5 × want / share⌉
    if depth * walk_ns * walked < found * total * match_ns:
        return depth
    return None


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


def trigram_window(term: str, shares: Mapping[str, int], *, width: int = 4) -> str:
    """The part of a Latin term pg_trgm is asked for: the ``width`` letters and digits in a
    row whose trigrams are rarest. pg_trgm reads the posting list of every trigram of its
    pattern, and in a register of pinyin names "eng", "hen" or "ang" are in a large share of
    them: for "yucheng" the window "yuch" alone narrows to the few names that hold it, and
    the ``LIKE`` recheck of the whole term keeps the answer exact. A trigram's share is
    estimated by the rarer of its two bigrams (``shares``: the bigram statistics; unlisted:
    rare). The whole term when it is no longer than ``width``."""
    if len(term) <= width:
        return term
    runs = [w for w in _runs(term) if len(w) >= 3]
    if not runs:
        return term
    size = min(width, max(len(r) for r in runs))

    def cost(window: str) -> int:
        return sum(
            min(shares.get(window[i : i + 2], 0), shares.get(window[i + 1 : i + 3], 0))
            for i in range(len(window) - 2)
        )

    windows = [r[i : i + size] for r in runs if len(r) >= size for i in range(len(r) - size + 1)]
    return min(windows, key=cost)


def _runs(term: str) -> list[str]:
    """The term's runs of letters and digits (pg_trgm's words)."""
    out, run = [], ""
    for char in term:
        if char.isalnum():
            run += char
        else:
            if run:
                out.append(run)
            run = ""
    return [*out, run] if run else out
