"""Organisations: the enterprises that apply, each with a unique USCC (docs/domain.md §4),
each with its headquarters site made with it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from app.domain import uscc as uscc_rules
from app.domain.enums import SiteKind
from app.domain.problems import (
    ORGANISATION_DUPLICATE_USCC,
    ORGANISATION_INVALID_USCC,
    ORGANISATION_NOT_FOUND,
    VALIDATION,
    DomainError,
    FieldError,
)
from app.domain.search import like_pattern
from app.models import Organisation
from app.pagination import decode_cursor, paginate
from app.schemas.organisations import OrganisationCreate, OrganisationUpdate
from app.services import sites
from app.services.common import check_version, one_or_raise
from app.services.context import Context

REQUIRED = frozenset({"name", "uscc", "address", "employee_count"})


def valid_uscc(text: str) -> str:
    """The code read from ``text``, or 422 with one error per rule of §8 it breaks."""
    code = uscc_rules.normalise(text)
    failures = uscc_rules.failures(code)
    if failures:
        raise ORGANISATION_INVALID_USCC(
            f"{text!r} is not a valid unified social credit code (GB 32100): "
            + "; ".join(failures),
            errors=[FieldError(("body", "uscc"), failure) for failure in failures],
        )
    return code


def _duplicate(code: str) -> DomainError:
    return ORGANISATION_DUPLICATE_USCC(f"an organisation with USCC {code} exists")


async def _flush_unique(ctx: Context, code: str) -> None:
    try:
        await ctx.session.flush()
    except IntegrityError as exc:  # a concurrent request took the USCC first
        raise _duplicate(code) from exc


async def create(ctx: Context, data: OrganisationCreate) -> Organisation:
    code = valid_uscc(data.uscc)
    if await ctx.session.scalar(select(Organisation.id).where(Organisation.uscc == code)):
        raise _duplicate(code)
    now = ctx.clock.now()
    values = data.model_dump() | {"uscc": code}
    organisation = Organisation(**values, created_at=now, updated_at=now)
    ctx.session.add(organisation)
    await _flush_unique(ctx, code)
    ctx.record("organisation", organisation.id, "organisation.created", data=values)
    # its headquarters site, named after it, at its address (changed on its own later)
    await sites.add(
        ctx,
        organisation.id,
        name=organisation.name,
        address=organisation.address,
        kind=SiteKind.HEADQUARTERS,
    )
    await ctx.commit()
    return organisation


async def get_or_raise(
    ctx: Context, organisation_id: int, *, for_update: bool = False
) -> Organisation:
    return await one_or_raise(
        ctx.session,
        select(Organisation).where(Organisation.id == organisation_id),
        ORGANISATION_NOT_FOUND(f"no organisation {organisation_id}"),
        for_update=for_update,
    )


async def list_organisations(
    ctx: Context, *, q: str | None, limit: int, cursor: str | None
) -> tuple[Sequence[Organisation], str | None]:
    after = decode_cursor(cursor, int)
    query = select(Organisation).order_by(Organisation.id).limit(limit + 1)
    if q:
        pattern = like_pattern(q.lower())
        query = query.where(
            or_(
                func.lower(Organisation.name).like(pattern, escape="\\"),
                func.lower(Organisation.name_en).like(pattern, escape="\\"),
                Organisation.uscc.like(like_pattern(q.strip().upper()), escape="\\"),
            )
        )
    if after is not None:
        query = query.where(Organisation.id > after[0])
    rows = (await ctx.session.execute(query)).scalars().all()
    return paginate(rows, limit, lambda o: (o.id,))


async def update(
    ctx: Context, organisation_id: int, patch: OrganisationUpdate, *, expected_version: int | None
) -> Organisation:
    organisation = await get_or_raise(ctx, organisation_id, for_update=True)
    check_version(expected_version, organisation.version)
    given = patch.model_dump(exclude_unset=True)
    nulled = sorted(k for k in REQUIRED if k in given and given[k] is None)
    if nulled:
        raise VALIDATION(
            "required fields cannot be cleared",
            errors=[FieldError(("body", k), "cannot be null") for k in nulled],
        )
    if "uscc" in given:
        given["uscc"] = valid_uscc(given["uscc"])
    changes: dict[str, Any] = {k: v for k, v in given.items() if getattr(organisation, k) != v}
    if not changes:
        return organisation
    if "uscc" in changes and await ctx.session.scalar(
        select(Organisation.id).where(Organisation.uscc == changes["uscc"])
    ):
        raise _duplicate(changes["uscc"])
    for key, value in changes.items():
        setattr(organisation, key, value)
    organisation.bump(ctx.clock.now())
    await _flush_unique(ctx, organisation.uscc)
    ctx.record("organisation", organisation.id, "organisation.updated", data=changes)
    await ctx.commit()
    return organisation
