"""Applications (docs/domain.md §2, §7): eligibility, quote, number, state machine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select

from app.domain import eligibility, fees, lifecycle
from app.domain.enums import ApplicationStatus, CertificateStatus, FindingSeverity
from app.domain.lifecycle import ApplicationAction
from app.domain.numbers import format_application_number
from app.domain.problems import APPLICATION_NOT_ELIGIBLE, APPLICATION_NOT_FOUND
from app.models import Application, Certificate, Organisation
from app.pagination import decode_cursor, paginate
from app.schemas.applications import ApplicationCreate
from app.services import organisations, sequences
from app.services.common import check_version, one_or_raise
from app.services.context import Context

EVENT_OF = {
    ApplicationAction.ACCEPT: "application.accepted",
    ApplicationAction.REJECT: "application.rejected",
    ApplicationAction.WITHDRAW: "application.withdrawn",
    ApplicationAction.START_AUDIT: "application.audit_started",
    ApplicationAction.RETURN_TO_ACCEPTED: "application.accepted",
    ApplicationAction.CERTIFY: "application.certified",
    ApplicationAction.REFUSE: "application.refused",
}


async def holds_live_certificate(ctx: Context, organisation_id: int, enterprise_type: str) -> bool:
    """An active or suspended certificate, not past expiry, of this type (§4)."""
    found = await ctx.session.scalar(
        select(Certificate.id)
        .where(
            Certificate.organisation_id == organisation_id,
            Certificate.enterprise_type == enterprise_type,
            Certificate.status.in_([CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED]),
            Certificate.expires_on >= ctx.clock.today(),
        )
        .limit(1)
    )
    return found is not None


async def _assess(
    ctx: Context,
    organisation: Organisation,
    *,
    enterprise_type: str,
    documents: Sequence[str],
    staff: int,
    managers: int,
    declarations: Mapping[str, bool] | None,
) -> eligibility.Eligibility:
    return eligibility.assess(
        documents=documents,
        service_management_staff_count=staff,
        certified_manager_count=managers,
        uscc=organisation.uscc,
        registered_capital_cny=organisation.registered_capital_cny,
        holds_live_certificate=await holds_live_certificate(ctx, organisation.id, enterprise_type),
        declarations=None if declarations is None else eligibility.Declarations(**declarations),
    )


def _findings(result: eligibility.Eligibility) -> list[dict[str, str]]:
    return [
        {"code": f.code, "severity": f.severity.value, "message": f.message}
        for f in result.findings
    ]


async def create(ctx: Context, data: ApplicationCreate) -> Application:
    documents = [d.value for d in data.documents]
    eligibility.check_application_input(
        employee_count=data.employee_count,
        service_management_staff_count=data.service_management_staff_count,
        certified_manager_count=data.certified_manager_count,
        documents=documents,
    )
    organisation = await organisations.get_or_raise(ctx, data.organisation_id)
    declarations = None if data.declarations is None else data.declarations.model_dump()
    assessed = await _assess(
        ctx,
        organisation,
        enterprise_type=data.enterprise_type,
        documents=documents,
        staff=data.service_management_staff_count,
        managers=data.certified_manager_count,
        declarations=declarations,
    )
    quote = fees.quote(data.employee_count)
    year = ctx.clock.today().year
    number = format_application_number(
        year, await sequences.next_value(ctx.session, sequences.APPLICATIONS, year)
    )
    now = ctx.clock.now()
    application = Application(
        number=number,
        organisation_id=organisation.id,
        status=ApplicationStatus.SUBMITTED,
        enterprise_type=data.enterprise_type,
        scope=data.scope,
        employee_count=data.employee_count,
        service_management_staff_count=data.service_management_staff_count,
        certified_manager_count=data.certified_manager_count,
        documents=documents,
        declarations=declarations,
        eligible=assessed.eligible,
        findings=_findings(assessed),
        initial_person_days=quote.person_days.initial,
        initial_on_site_person_days=quote.person_days.initial_on_site,
        document_review_person_days=quote.person_days.document_review,
        surveillance_person_days=quote.person_days.surveillance,
        surveillance_on_site_person_days=quote.person_days.surveillance_on_site,
        recertification_person_days=quote.person_days.recertification,
        recertification_on_site_person_days=quote.person_days.recertification_on_site,
        application_fee_cny=quote.fees.application_fee_cny,
        registration_fee_cny=quote.fees.registration_fee_cny,
        annual_fee_cny=quote.fees.annual_fee_cny,
        audit_fee_cny=quote.fees.audit_fee_cny,
        first_year_total_cny=quote.fees.first_year_total_cny,
        three_year_total_cny=quote.fees.three_year_total_cny,
        recertification_total_cny=quote.fees.recertification_total_cny,
        created_by=ctx.actor_id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(application)
    await ctx.session.flush()
    ctx.record(
        "application",
        application.id,
        "application.submitted",
        data={
            "number": number,
            "organisation_id": organisation.id,
            "enterprise_type": data.enterprise_type,
            "declarations": declarations,
            "eligible": assessed.eligible,
            "findings": [f.code for f in assessed.findings],
        },
    )
    await ctx.commit()
    return application


async def get_or_raise(
    ctx: Context, application_id: int, *, for_update: bool = False
) -> Application:
    return await one_or_raise(
        ctx.session,
        select(Application).where(Application.id == application_id),
        APPLICATION_NOT_FOUND(f"no application {application_id}"),
        for_update=for_update,
    )


async def list_applications(
    ctx: Context,
    *,
    status: ApplicationStatus | None,
    organisation_id: int | None,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Application], str | None]:
    after = decode_cursor(cursor, int)
    query = select(Application).order_by(Application.id).limit(limit + 1)
    if status is not None:
        query = query.where(Application.status == status)
    if organisation_id is not None:
        query = query.where(Application.organisation_id == organisation_id)
    if after is not None:
        query = query.where(Application.id > after[0])
    rows = (await ctx.session.execute(query)).scalars().all()
    return paginate(rows, limit, lambda a: (a.id,))


def follow_audit(
    ctx: Context, application: Application, action: ApplicationAction, *, reason: str
) -> None:
    """Move an application as its initial audit ends, unless it was withdrawn meanwhile."""
    if lifecycle.application_follows_audit(ApplicationStatus(application.status)):
        move(ctx, application, action, reason=reason)


def move(
    ctx: Context, application: Application, action: ApplicationAction, *, reason: str | None = None
) -> None:
    """Apply a legal move of the application state machine and queue its event."""
    before = application.status
    application.status = lifecycle.application_transition(ApplicationStatus(before), action)
    application.status_reason = reason  # the reason of the latest move, or none
    application.bump(ctx.clock.now())
    ctx.record(
        "application",
        application.id,
        EVENT_OF[action],
        reason=reason,
        data={"from": before, "to": application.status},
    )


async def accept(ctx: Context, application_id: int, *, expected_version: int | None) -> Application:
    application = await get_or_raise(ctx, application_id, for_update=True)
    check_version(expected_version, application.version)
    lifecycle.application_transition(
        ApplicationStatus(application.status), ApplicationAction.ACCEPT
    )
    organisation = await organisations.get_or_raise(ctx, application.organisation_id)
    assessed = await _assess(
        ctx,
        organisation,
        enterprise_type=application.enterprise_type,
        documents=application.documents,
        staff=application.service_management_staff_count,
        managers=application.certified_manager_count,
        declarations=application.declarations,
    )
    if not assessed.eligible:
        blocking = ", ".join(
            f.code for f in assessed.findings if f.severity is FindingSeverity.BLOCKING
        )
        raise APPLICATION_NOT_ELIGIBLE(f"blocking eligibility findings remain: {blocking}")
    application.eligible = True
    application.findings = _findings(assessed)
    move(ctx, application, ApplicationAction.ACCEPT)
    await ctx.commit()
    return application


async def reject_or_withdraw(
    ctx: Context,
    application_id: int,
    action: ApplicationAction,
    *,
    reason: str | None,
    expected_version: int | None,
) -> Application:
    application = await get_or_raise(ctx, application_id, for_update=True)
    check_version(expected_version, application.version)
    move(ctx, application, action, reason=reason)
    await ctx.commit()
    return application
