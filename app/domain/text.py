"""Text folding for matching organisation names, and what counts as blank."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def exact_form(text: str) -> str:
    """The form a batch verify compares names in: "exact name — after trimming and
    full-width/half-width folding" (NFKC, which maps full-width letters, digits and
    brackets to their half-width forms), and nothing more: case and inner spacing count."""
    return unicodedata.normalize("NFKC", text).strip()


def fold(text: str) -> str:
    """The form a search compares text in: NFKC, case-folded, whitespace runs collapsed to
    one space, trimmed, so a search finds what people mean as the same words.

    NFKC runs again after casefold because casefolding can produce text that NFKC would
    still change; ``fold`` is idempotent.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


MAX_SEARCH_KEY = 1000
"""The length of ``certificates.search_key``: earlier names that would not fit are left out."""
SEPARATOR = "\n"
"""What the names of a key are joined by: ``fold`` turns every newline into a space, so no
folded search term holds one, and no term can match across two names."""


def search_key(name: str, name_en: str | None, earlier: Iterable[str | None] = ()) -> str:
    """The text a substring search runs over: both names folded, joined by a newline, then the
    names the certificate printed before a change certificate (``earlier``, newest first),
    folded, each once and only when not already there, while the key stays within
    ``MAX_SEARCH_KEY`` characters.

    ``fold`` leaves no newline inside a name, so no folded query can match across two names.
    """
    parts = [fold(name), fold(name_en or "")]
    length = len(parts[0]) + 1 + len(parts[1])
    for earlier_name in earlier:
        folded = fold(earlier_name or "")
        if not folded or folded in parts:
            continue
        if length + 1 + len(folded) > MAX_SEARCH_KEY:
            break
        parts.append(folded)
        length += 1 + len(folded)
    return SEPARATOR.join(parts)


def is_blank(text: str | None) -> bool:
    """True when ``text`` is absent or holds nothing readable: only white space (any
    Unicode space, e.g. the ideographic U+3000) and invisible format characters (Cf: the
    zero-width space U+200B, the byte-order mark U+FEFF, ...). A reason must say something."""
    return text is None or all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)
