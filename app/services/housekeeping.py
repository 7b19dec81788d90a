"""Housekeeping (docs/domain.md §9): record expiries, suspend overdue surveillance, withdraw
long suspensions. Idempotent, and safe when several hosts run it at the same minute.

Candidates are read in batches by id, each batch locked with ``FOR UPDATE SKIP LOCKED`` (on
PostgreSQL; SQLite has one writer at a time anyway) and decided again by the domain on the
locked, current row, so a certificate another run has just handled is left alone and no event
is written twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, or_, select

from app.clock import Clock
from app.config import Settings
from app.db import Database
from app.domain import dates, lifecycle
from app.domain.enums import CertificateStatus
from app.models import Certificate
from app.services import certificates
from app.services.context import Context

BATCH = 500
LIVE = (CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED)


@dataclass
class Report:
    today: date
    done: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        counts = ", ".join(f"{k} {self.done[k]}" for k in ("expire", "suspend", "withdraw"))
        return f"housekeeping {self.today}: {counts}"


def _due(today: date, settings: Settings) -> ColumnElement[bool]:
    """The SQL mirror of ``lifecycle.housekeeping_action`` (the domain decides each row)."""
    return or_(
        # dates.is_past_expiry: expired from the day after expires_on
        and_(Certificate.status.in_(LIVE), Certificate.expires_on < today),
        and_(
            Certificate.status == CertificateStatus.SUSPENDED,
            Certificate.status_changed_on < today - timedelta(days=settings.max_suspension_days),
        ),
        and_(
            Certificate.status == CertificateStatus.ACTIVE,
            Certificate.next_surveillance_due
            < today - timedelta(days=settings.surveillance_grace_days),
        ),
    )


async def run(db: Database, settings: Settings, clock: Clock) -> Report:
    today = clock.today()
    report = Report(today)
    last_id = 0
    while True:
        async with db.write_sessions() as session:
            ctx = Context(session, clock, settings, actor=None)
            batch = (
                (
                    await session.execute(
                        select(Certificate)
                        .where(_due(today, settings), Certificate.id > last_id)
                        .order_by(Certificate.id)
                        .limit(BATCH)
                        .with_for_update(skip_locked=True, key_share=True)
                    )
                )
                .scalars()
                .all()
            )
            if not batch:
                return report
            for certificate in batch:
                _apply(ctx, certificate, today, settings, report)
            last_id = batch[-1].id
            await ctx.commit()


def _apply(
    ctx: Context, certificate: Certificate, today: date, settings: Settings, report: Report
) -> None:
    status = CertificateStatus(certificate.status)
    facts = lifecycle.HousekeepingFacts(
        status=status,
        expires_on=certificate.expires_on,
        next_surveillance_due=certificate.next_surveillance_due,
        status_changed_on=certificate.status_changed_on,
        today=today,
        grace_days=settings.surveillance_grace_days,
        max_suspension_days=settings.max_suspension_days,
    )
    action = lifecycle.housekeeping_action(**facts)
    if action is None:  # handled meanwhile by another run, or a row of the SQL margin
        return
    dated: dict[str, date] = {}
    if action is lifecycle.CertificateAction.EXPIRE:
        # dated the day it happened, however late this run records it
        expired_on = dates.expired_on(certificate.expires_on)
        dated = {"changed_on": expired_on, "expired_on": expired_on}
    certificates.move(
        ctx,
        certificate,
        action,
        reason=lifecycle.housekeeping_reason(action, **facts),
        from_status=status,
        by="housekeeping",
        **dated,
    )
    report.done[action.value] += 1
