"""Text folding for matching organisation names, and a guard against control characters."""

from __future__ import annotations

import unicodedata

# Tab, line feed and carriage return are ordinary in free text (notes, addresses pasted
# from documents); every other control character is refused (api.md: NUL → 422).
_ALLOWED_CONTROLS = frozenset("\t\n\r")


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


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a control character (Unicode Cc: C0, DEL, C1) other than
    tab, line feed or carriage return."""
    return any(unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS for c in text)
