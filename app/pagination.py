"""Cursor pagination: opaque cursors over a stable sort key (keyset, never OFFSET)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from app.domain.problems import VALIDATION, FieldError
from app.schemas.common import MAX_INT

T = TypeVar("T")


def encode_cursor(*key: str | int) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *types: type) -> tuple[Any, ...] | None:
    """The sort key a cursor holds, checked against the expected types; None for no cursor."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError):
        key = None
    if (
        not isinstance(key, list)
        or len(key) != len(types)
        or not all(type(v) is t and _in_bounds(v) for v, t in zip(key, types, strict=True))
    ):
        raise VALIDATION(
            "the cursor is not one this list gave out",
            errors=[FieldError(("query", "cursor"), "invalid cursor")],
        )
    return tuple(key)


def _in_bounds(value: object) -> bool:
    """What a cursor may hold: the keys this service gives out, never a value that the
    database would refuse (an id beyond int4, a control character in text)."""
    if isinstance(value, int):
        return 0 <= value <= MAX_INT
    return isinstance(value, str) and len(value) <= 64 and value.isprintable()


def paginate(
    rows: Sequence[T], limit: int, key: Callable[[T], tuple[str | int, ...]]
) -> tuple[list[T], str | None]:
    """Cut ``limit + 1`` fetched rows to a page and the cursor of the next one."""
    items = list(rows[:limit])
    next_cursor = encode_cursor(*key(items[-1])) if len(rows) > limit else None
    return items, next_cursor
