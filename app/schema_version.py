"""Where the database schema stands against the migrations (for /readyz and the CLI)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from app.db import Database

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if database_url is not None:
        config.attributes["database_url"] = database_url
    return config


@lru_cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations have no head"
    return head


async def current_revision(db: Database) -> str | None:
    """The schema's revision; None when it was never migrated."""
    async with db.engine.connect() as conn:
        if not await conn.run_sync(lambda sync: inspect(sync).has_table("alembic_version")):
            return None
        return (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()


async def at_head(db: Database) -> bool:
    """Whether the schema is migrated to the head (False too when it was never migrated)."""
    return await current_revision(db) == head_revision()


# Dialect-specific search structures live only in the migrations (0003), not in the models,
# so the models-versus-migrations comparison leaves them out.
SEARCH_OBJECTS = ("certificate_search", "ix_certificates_search_")


def include_name(name: str | None, _type: str, _parent_names: object) -> bool:
    return not (name or "").startswith(SEARCH_OBJECTS)
