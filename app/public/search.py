"""Search terms as the public indexes need them (pure; no I/O).

Public name search is a substring match over ``search_key`` (the folded Chinese and English
names). Both dialects index the key with every character doubled: a term ``t`` occurs in a
key exactly when ``doubled(t)[1:]`` occurs in the doubled key (up to runs of one repeated
character, which the plain ``LIKE`` on the key itself rechecks). That turns a 2-character term
into a 3-character pattern, so one trigram index (pg_trgm, FTS5 trigram) serves every length.
"""

from __future__ import annotations

from app.domain.text import fold
from app.services.common import like_pattern

MIN_TERM = 2
MAX_TERM = 100


def doubled(text: str) -> str:
    """Every character twice: the text the trigram indexes are built over."""
    return "".join(c + c for c in text)


def term(text: str) -> str:
    """A user's search text folded like the keys (NFKC, case, spaces)."""
    return fold(text)


def doubled_pattern(value: str) -> str:
    """The pattern the doubled key is matched with (PostgreSQL's trigram index)."""
    return like_pattern(doubled(value)[1:])


def fts_query(value: str) -> str:
    """An FTS5 query for the doubled key (SQLite's trigram table, stored without positions):
    every trigram of the doubled pattern must be present; ``LIKE`` then checks the order."""
    pattern = doubled(value)[1:]
    trigrams = dict.fromkeys(pattern[i : i + 3] for i in range(len(pattern) - 2))
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in trigrams)
