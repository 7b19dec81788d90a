"""Small rules every service shares."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.problems import PRECONDITION_FAILED, DomainError

T = TypeVar("T")


def check_version(expected: int | None, actual: int) -> None:
    """Optimistic concurrency: a stale ``If-Match`` version is refused with 412."""
    if expected is not None and expected != actual:
        raise PRECONDITION_FAILED(
            f"the resource is at version {actual}, not {expected}; read it again",
        )


async def one_or_raise(
    session: AsyncSession, query: Select[T], missing: DomainError, *, for_update: bool = False
) -> T:
    """The one row ``query`` selects, locked for the transaction when ``for_update``.

    A locked read refreshes what the session already holds (``populate_existing``), so the
    rules that follow see the row as it is now, not as an earlier read saw it. The lock is
    FOR NO KEY UPDATE: starcert never changes a key, and a plain FOR UPDATE would also block
    the key-share locks that foreign-key checks take (an event naming this user as its actor,
    inserted under the chain lock by another transaction: a deadlock).
    """
    if for_update:
        query = query.with_for_update(key_share=True).execution_options(populate_existing=True)
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        raise missing
    return row
