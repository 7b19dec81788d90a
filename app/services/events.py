"""The tamper-evident event log: append under the chain lock, hash over RFC 8785 JSON.

``hash = SHA-256(prev_hash + JCS(event))`` where ``event`` is the object
``{id, occurred_at, actor_user_id, entity_type, entity_id, action, reason, data}``,
``occurred_at`` an RFC 3339 UTC string and decimals numbers. The genesis ``prev_hash`` is
64 zeros. Appending locks the single ``event_chain`` row, so concurrent transactions append
one after the other and ids follow the chain without gaps.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import rfc8785
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Event, EventChain
from app.schemas.common import json_number

GENESIS_HASH = "0" * 64
CHAIN_ID = 1


@dataclass(frozen=True, slots=True)
class PendingEvent:
    occurred_at: datetime
    actor_user_id: int | None
    entity_type: str
    entity_id: str
    action: str
    reason: str | None
    data: dict[str, Any]


def rfc3339(moment: datetime) -> str:
    text = moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def jsonable(value: Any) -> Any:
    """Event data as plain JSON values (dates as strings, decimals as numbers)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def event_document(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "occurred_at": rfc3339(event.occurred_at),
        "actor_user_id": event.actor_user_id,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "action": event.action,
        "reason": event.reason,
        "data": event.data,
    }


def chain_hash(prev_hash: str, event: Event) -> str:
    canonical = rfc8785.dumps(event_document(event))
    return hashlib.sha256(prev_hash.encode("ascii") + canonical).hexdigest()


async def append(session: AsyncSession, pending: Sequence[PendingEvent]) -> None:
    if not pending:
        return
    head = (
        await session.execute(
            select(EventChain)
            .where(EventChain.id == CHAIN_ID)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    for item in pending:
        event = Event(
            id=head.last_event_id + 1,
            occurred_at=item.occurred_at,
            actor_user_id=item.actor_user_id,
            entity_type=item.entity_type,
            entity_id=item.entity_id,
            action=item.action,
            reason=item.reason,
            data=item.data,
            prev_hash=head.last_hash,
        )
        event.hash = chain_hash(head.last_hash, event)
        session.add(event)
        head.last_event_id = event.id
        head.last_hash = event.hash
    await session.flush()


@dataclass(frozen=True, slots=True)
class Verification:
    intact: bool
    checked: int
    first_broken_id: int | None


VERIFY_BATCH = 2000


async def verify(session: AsyncSession) -> Verification:
    """Walk the chain in id order up to its head, recomputing every hash.

    An edited row breaks its own hash; a deleted row leaves a gap in the ids (ids follow the
    chain without gaps) and breaks the next row's ``prev_hash``; a reordered pair breaks both;
    rows missing from the end disagree with the head. The head is read first, so events
    appended while the walk runs are simply not part of this check.

    A row outside 1..head (written in SQL past the head, or with an id of 0 or below) is
    never walked, so it is looked for apart: in one statement against the head as that
    statement sees it, so an event appended meanwhile (its row and the head committed
    together) is never mistaken for one. The first broken id is the lower of the two.
    """
    head = (await session.execute(select(EventChain).where(EventChain.id == CHAIN_ID))).scalar_one()
    last_id, last_hash = head.last_event_id, head.last_hash
    current_head = (
        select(EventChain.last_event_id).where(EventChain.id == CHAIN_ID).scalar_subquery()
    )
    stray: int | None = await session.scalar(
        select(func.min(Event.id)).where((Event.id < 1) | (Event.id > current_head))
    )
    walked = await _walk(session, last_id, last_hash)
    if stray is None:
        return walked
    broken = stray if walked.first_broken_id is None else min(stray, walked.first_broken_id)
    return Verification(False, walked.checked, broken)


async def _walk(session: AsyncSession, last_id: int, last_hash: str) -> Verification:
    expected_id, prev_hash, checked = 1, GENESIS_HASH, 0
    while expected_id <= last_id:
        batch = (
            (
                await session.execute(
                    select(Event)
                    .where(Event.id >= expected_id, Event.id <= last_id)
                    .order_by(Event.id)
                    .limit(VERIFY_BATCH)
                )
            )
            .scalars()
            .all()
        )
        if not batch:
            break
        for event in batch:
            checked += 1
            if (
                event.id != expected_id
                or event.prev_hash != prev_hash
                or chain_hash(prev_hash, event) != event.hash
            ):
                return Verification(False, checked, min(event.id, expected_id))
            expected_id, prev_hash = event.id + 1, event.hash
        session.expunge_all()
    if expected_id - 1 != last_id or prev_hash != last_hash:
        return Verification(False, checked, expected_id)
    return Verification(True, checked, None)


async def list_events(
    session: AsyncSession,
    *,
    entity_type: str | None,
    entity_id: str | None,
    after: int | None,
    limit: int,
) -> Sequence[Event]:
    query = select(Event).order_by(Event.id).limit(limit + 1)
    if entity_type is not None:
        query = query.where(Event.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(Event.entity_id == entity_id)
    if after is not None:
        query = query.where(Event.id > after)
    return (await session.execute(query)).scalars().all()
