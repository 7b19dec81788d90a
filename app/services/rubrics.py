"""Rubric editions in use (docs/domain.md §1): the configured one, the stored ones.

The configured edition (``STARCERT_RUBRIC_FILE``, or the built-in ``gbt27922-2011``) is read
and checked when the application is made, and stored at start-up: a file that reuses a
stored id with other content stops the start. An audit fixes the configured edition when it
is planned (storing it if the start-up could not); its score sheets are scored, and read
again, on that edition whatever the configuration has become since.

Editions never change once stored, so each is parsed once per process: the cache is keyed
by id and content hash, and a lookup costs one primary-key read of the hash.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Insert, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import Clock
from app.config import Settings
from app.db import Database
from app.domain import rubric_editions
from app.domain.problems import RUBRIC_NOT_FOUND
from app.domain.rubric import Rubric
from app.domain.rubric_editions import BUILT_IN, EditionError, RubricEdition
from app.models import Audit, ScoreSheet
from app.models import RubricEdition as StoredEdition
from app.services.context import Context

log = logging.getLogger("starcert.rubrics")

SETTING = "STARCERT_RUBRIC_FILE"
FORMATS: dict[str, rubric_editions.Format] = {".toml": "toml", ".json": "json"}

# the configured edition of each file this process was started with (None: the built-in)
_configured: dict[Path | None, RubricEdition] = {}
# every edition met, by (id, SHA-256 of its content)
_editions: dict[tuple[str, str], RubricEdition] = {(BUILT_IN.id, BUILT_IN.sha256): BUILT_IN}


class RubricFileError(ValueError):
    """``STARCERT_RUBRIC_FILE`` cannot be used; ``lines`` says why, one problem a line."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.lines = tuple(f"{SETTING} {path}: {problem}" for problem in problems)
        super().__init__("\n".join(self.lines))


class RubricEditionConflict(RuntimeError):
    """The configured edition's id is stored with other content: it may not change."""


@dataclass(frozen=True, slots=True)
class EditionInUse:
    edition: RubricEdition
    current: bool


def read_file(path: Path | None) -> RubricEdition:
    """The edition of a rubric file (the built-in one without a file), checked."""
    if path is None:
        return BUILT_IN
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RubricFileError(path, ["the file name must end in .toml or .json"])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RubricFileError(path, ["the file is not UTF-8 text"]) from None
    except OSError as exc:
        raise RubricFileError(path, [f"cannot be read: {exc.strerror or exc}"]) from None
    try:
        return rubric_editions.parse(text, fmt)
    except EditionError as exc:
        raise RubricFileError(path, exc.problems) from None


def load_configured(settings: Settings) -> RubricEdition:
    """Read and check the configured edition now (application start) and keep it for this
    process; ``RubricFileError`` when the file cannot be used."""
    edition = read_file(settings.rubric_file)
    _configured[settings.rubric_file] = edition
    _editions.setdefault((edition.id, edition.sha256), edition)
    return edition


def configured(settings: Settings) -> RubricEdition:
    """The edition new audits are planned on, as read when the application was made."""
    edition = _configured.get(settings.rubric_file)
    return edition if edition is not None else load_configured(settings)


async def ensure_stored(ctx: Context, edition: RubricEdition) -> None:
    """Store ``edition`` unless it is; ``RubricEditionConflict`` if its id is stored with
    other content. Safe when several processes do it at once: the first insert wins and the
    others insert nothing, then all compare hashes."""
    stored = await _stored_hash(ctx.session, edition.id)
    if stored is None:
        row = {
            "id": edition.id,
            "title": edition.title,
            "content": edition.canonical,
            "sha256": edition.sha256,
            "created_at": ctx.clock.now(),
        }
        insert: Insert
        if ctx.session.get_bind().dialect.name == "postgresql":
            insert = postgresql.insert(StoredEdition).values(row).on_conflict_do_nothing()
        else:
            insert = sqlite.insert(StoredEdition).values(row).on_conflict_do_nothing()
        inserted = await ctx.session.execute(insert)
        if inserted.rowcount == 1:  # type: ignore[attr-defined]
            ctx.record(
                "rubric_edition",
                edition.id,
                "rubric_edition.stored",
                data={"title": edition.title, "sha256": edition.sha256},
            )
        stored = await _stored_hash(ctx.session, edition.id)
    if stored != edition.sha256:
        raise RubricEditionConflict(
            f"rubric edition {edition.id} is stored with other content (sha256 {stored}; "
            f"this one {edition.sha256}): an edition never changes once used, so give "
            "changed points a new edition id"
        )


async def register_configured(db: Database, settings: Settings, clock: Clock) -> None:
    """At start-up: store the configured edition, or stop the start if its id is stored
    with other content. A database that cannot be reached (or is not migrated yet) does
    not stop it: the edition is then stored, and checked, with the first audit planned."""
    edition = configured(settings)
    try:
        async with db.write_sessions() as session:
            ctx = Context(session, clock, settings, actor=None)
            await ensure_stored(ctx, edition)
            await ctx.commit()
    except RubricEditionConflict as exc:
        log.error("%s", exc)
        raise
    except (OSError, DBAPIError) as exc:
        log.warning(
            "rubric edition %s not checked against the database at start-up (%s); it will be "
            "with the first audit planned",
            edition.id,
            type(exc).__name__,
        )
        return
    log.info("rubric edition %s (sha256 %s) is current", edition.id, edition.sha256)


async def for_new_audit(ctx: Context) -> str:
    """The id of the edition a new audit fixes: the configured one, stored if need be."""
    edition = configured(ctx.settings)
    await ensure_stored(ctx, edition)
    return edition.id


async def stored(session: AsyncSession, rubric_id: str) -> RubricEdition | None:
    """A stored edition (parsed once per process), or None."""
    sha256 = await _stored_hash(session, rubric_id)
    if sha256 is None:
        return None
    edition = _editions.get((rubric_id, sha256))
    if edition is None:
        content = await session.scalar(
            select(StoredEdition.content).where(StoredEdition.id == rubric_id)
        )
        assert content is not None
        edition = rubric_editions.from_stored(content)
        if (edition.id, edition.sha256) != (rubric_id, sha256):
            raise RuntimeError(f"stored rubric edition {rubric_id} does not match its hash")
        _editions[(rubric_id, sha256)] = edition
    return edition


async def rubric(ctx: Context, rubric_id: str, enterprise_type: str) -> Rubric:
    """The rubric of a stored edition (an audit's, a sheet's) for an enterprise type."""
    edition = await stored(ctx.session, rubric_id)
    if edition is None:
        raise RUBRIC_NOT_FOUND(f"no rubric edition {rubric_id!r} is stored")
    return edition.rubric(enterprise_type)


async def find(ctx: Context, rubric_id: str) -> RubricEdition:
    """The configured edition or a stored one; ``rubric.not_found`` otherwise."""
    current = configured(ctx.settings)
    edition = current if rubric_id == current.id else await stored(ctx.session, rubric_id)
    if edition is None:
        raise RUBRIC_NOT_FOUND(f"no rubric edition {rubric_id!r}")
    return edition


async def in_use(ctx: Context) -> list[EditionInUse]:
    """Every edition an audit or a score sheet uses, and the configured one, oldest first."""
    current = configured(ctx.settings)
    used = (
        select(StoredEdition.id)
        .where(
            or_(
                exists().where(Audit.rubric_id == StoredEdition.id),
                exists().where(ScoreSheet.rubric_id == StoredEdition.id),
                StoredEdition.id == current.id,
            )
        )
        .order_by(StoredEdition.created_at, StoredEdition.id)
    )
    ids = list((await ctx.session.execute(used)).scalars())
    if current.id not in ids:
        ids.append(current.id)
    out = []
    for rubric_id in ids:
        edition = await find(ctx, rubric_id)
        out.append(EditionInUse(edition, current=rubric_id == current.id))
    return out


async def _stored_hash(session: AsyncSession, rubric_id: str) -> str | None:
    return await session.scalar(select(StoredEdition.sha256).where(StoredEdition.id == rubric_id))


def startup_problem(error: RubricFileError | RubricEditionConflict) -> str:
    """The lines a refused start prints, each prefixed ``starcert:``."""
    lines = error.lines if isinstance(error, RubricFileError) else (str(error),)
    return "\n".join(f"starcert: {line}" for line in lines)
