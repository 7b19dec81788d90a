"""Read the database directly, to assert what a request wrote (or did not write)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from app.db import Database


async def snapshot(db: Database, *tables: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tables`` (all tables when none given), to compare before and after."""
    from app.models import Base

    names = tables or tuple(t.name for t in Base.metadata.sorted_tables)
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with db.engine.connect() as conn:
        for name in names:
            rows = (await conn.execute(text(f'SELECT * FROM "{name}" ORDER BY 1'))).all()
            out[name] = [tuple(r) for r in rows]
    return out


async def events(db: Database, **where: Any) -> list[dict[str, Any]]:
    clauses = " AND ".join(f"{k} = :{k}" for k in where) or "1 = 1"
    async with db.engine.connect() as conn:
        rows = (
            (
                await conn.execute(
                    text(f"SELECT * FROM events WHERE {clauses} ORDER BY id"),
                    where,
                )
            )
            .mappings()
            .all()
        )
    out = [dict(r) for r in rows]
    for row in out:
        if isinstance(row["data"], str):  # SQLite hands JSON back as text
            row["data"] = json.loads(row["data"])
    return out
