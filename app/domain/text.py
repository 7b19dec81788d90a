"""Text folding for matching organisation names, and what counts as blank."""

from __future__ import annotations

import unicodedata


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


def search_key(name: str, name_en: str | None) -> str:
    """The text a substring search runs over: both names folded, joined by a newline.

    ``fold`` leaves no newline inside a name, so no folded query can match across the two.
    """
    return fold(name) + "\n" + fold(name_en or "")


def is_blank(text: str | None) -> bool:
    """True when ``text`` is absent or holds nothing readable: only white space (any
    Unicode space, e.g. the ideographic U+3000) and invisible format characters (Cf: the
    zero-width space U+200B, the byte-order mark U+FEFF, ...). A reason must say something."""
    return text is None or all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)
