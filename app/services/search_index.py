"""SQLite's search tables, kept by the write side (PostgreSQL indexes ``search_key`` itself).

Every certificate gets a row in each of the two FTS5 trigram tables of migration 0003: its
key with every character doubled (for 2-character and punctuated terms) and the key as it is
(for terms of words), both under the certificate's id (``app.domain.search``).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.search import doubled

# the rows a certificate gets, in the order of ``rows``
STATEMENTS = (
    "INSERT INTO certificate_search(rowid, doubled) VALUES (:id, :value)",
    "INSERT INTO certificate_search_words(rowid, key) VALUES (:id, :value)",
)


def rows(certificate_id: int, search_key: str) -> tuple[dict[str, int | str], ...]:
    """The parameters of each statement of ``STATEMENTS`` for one certificate."""
    return (
        {"id": certificate_id, "value": doubled(search_key)},
        {"id": certificate_id, "value": search_key},
    )


async def index_certificate(session: AsyncSession, certificate_id: int, search_key: str) -> None:
    """Add a new certificate to SQLite's search tables (nothing to do on PostgreSQL)."""
    if session.get_bind().dialect.name == "sqlite":
        for statement, values in zip(STATEMENTS, rows(certificate_id, search_key), strict=True):
            await session.execute(text(statement), values)
