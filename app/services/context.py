"""The unit of work a service runs in: session, clock, settings, actor and pending events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import Clock
from app.config import Settings
from app.models import User
from app.services import events


@dataclass
class Context:
    session: AsyncSession
    clock: Clock
    settings: Settings
    actor: User | None = None
    pending: list[events.PendingEvent] = field(default_factory=list)

    @property
    def actor_id(self) -> int | None:
        return self.actor.id if self.actor is not None else None

    def record(
        self,
        entity_type: str,
        entity_id: str | int,
        action: str,
        *,
        reason: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Queue an event; it is written by ``commit`` in the same transaction."""
        self.pending.append(
            events.PendingEvent(
                occurred_at=self.clock.now(),
                actor_user_id=self.actor_id,
                entity_type=entity_type,
                entity_id=str(entity_id),
                action=action,
                reason=reason,
                data=events.jsonable(data or {}),
            )
        )

    async def commit(self) -> None:
        """Append the queued events to the chain, then commit everything at once."""
        pending, self.pending = self.pending, []
        await events.append(self.session, pending)
        await self.session.commit()
