"""Search terms as the public indexes need them (pure; no I/O).

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

from app.domain.text import fold
from app.services.common import like_pattern

MIN_TERM = 2
MAX_TERM = 100

__all__ = [
    "MAX_TERM",
    "MIN_TERM",
    "bigrams",
    "doubled",
    "fts_query",
    "like_pattern",
    "term",
    "uses_trigrams",
]


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
