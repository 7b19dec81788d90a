"""Housekeeping (docs/domain.md §9): record supersessions and expiries, suspend overdue
surveillance, withdraw long suspensions. Idempotent, and safe when several hosts run it at the
same minute.

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
from app.domain import standing
from app.domain.enums import CertificateStatus
from app.domain.lifecycle import CertificateAction
from app.models import Certificate
from app.services import certificates
from app.services.context import Context

BATCH = 500
LIVE = (CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED)
ACTIONS = ("expire", "suspend", "withdraw", "supersede")


@dataclass
class Report:
    today: date
    done: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        counts = ", ".join(f"{k} {self.done[k]}" for k in ACTIONS)
        return f"housekeeping {self.today}: {counts}"


def _due(today: date, settings: Settings) -> ColumnElement[bool]:
    """The SQL mirror of ``standing.housekeeping_action`` (the domain decides each row)."""
    return or_(
        # the successor's validity has begun
        and_(Certificate.status.in_(LIVE), Certificate.superseded_on <= today),
        # dates.is_past_expiry: expired from the day after expires_on
        and_(Certificate.status.in_(LIVE), Certificate.expires_on < today),
        and_(
            Certificate.status == CertificateStatus.SUSPENDED,
            Certificate.status_changed_on < today - timedelta(days=settings.max_suspension_days),
        ),
        and_(
            Certificate.status == CertificateStatus.ACTIVE,
            Certificate.superseded_by.is_(None),
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
    facts = standing.HousekeepingFacts(
        status=status,
        expires_on=certificate.expires_on,
        next_surveillance_due=certificate.next_surveillance_due,
        status_changed_on=certificate.status_changed_on,
        superseded_by=certificate.superseded_by,
        superseded_on=certificate.superseded_on,
        today=today,
        grace_days=settings.surveillance_grace_days,
        max_suspension_days=settings.max_suspension_days,
    )
    action = standing.housekeeping_action(**facts)
    if action is None:  # handled meanwhile by another run, or a row of the SQL margin
        return
    # dated the day it happened, however late this run records it
    changed_on = standing.housekeeping_date(
        action,
        expires_on=certificate.expires_on,
        superseded_on=certificate.superseded_on,
        today=today,
    )
    dated: dict[str, object] = {}
    if action is CertificateAction.EXPIRE:
        dated = {"expired_on": changed_on}
    elif action is CertificateAction.SUPERSEDE:
        dated = {"superseded_by": certificate.superseded_by, "superseded_on": changed_on}
    certificates.move(
        ctx,
        certificate,
        action,
        reason=standing.housekeeping_reason(action, **facts),
        from_status=status,
        changed_on=changed_on,
        causes=standing.HOUSEKEEPING_CAUSES[action],
        by="housekeeping",
        **dated,
    )
    report.done[action.value] += 1
