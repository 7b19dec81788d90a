"""Small rules every service shares."""

from __future__ import annotations

from app.domain.errors import PreconditionFailed


def check_version(expected: int | None, actual: int) -> None:
    """Optimistic concurrency: a stale ``If-Match`` version is refused with 412."""
    if expected is not None and expected != actual:
        raise PreconditionFailed(
            "request.precondition_failed",
            f"the resource is at version {actual}, not {expected}; read it again",
        )
