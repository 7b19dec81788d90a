"""Applications (docs/domain.md §2, §7): eligibility, quote, number, state machine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from app.domain import eligibility, fees, lifecycle
from app.domain.enums import ApplicationStatus, CertificateStatus, FindingSeverity
from app.domain.lifecycle import ApplicationAction
from app.domain.numbers import format_application_number
from app.domain.problems import (
    APPLICATION_NOT_ELIGIBLE,
    APPLICATION_NOT_FOUND,
    VALIDATION,
    DomainError,
    FieldError,
)
from app.models import Application, Certificate, Organisation
from app.pagination import decode_cursor, paginate
from app.schemas.applications import ApplicationAmend, ApplicationCreate, ScopeItem
from app.services import organisations, sequences, sites
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
    ApplicationAction.AMEND: "application.amended",
}
# what an amendment may change; of these only declarations and scope_items may be null
AMENDABLE = (
    "employee_count",
    "service_management_staff_count",
    "certified_manager_count",
    "documents",
    "declarations",
    "scope",
    "scope_items",
    "site_ids",
)
NULLABLE = frozenset({"declarations", "scope_items"})


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


def _not_eligible(result: eligibility.Eligibility) -> DomainError:
    blocking = ", ".join(f.code for f in result.findings if f.severity is FindingSeverity.BLOCKING)
    return APPLICATION_NOT_ELIGIBLE(f"blocking eligibility findings remain: {blocking}")


def _scope_items(items: Sequence[ScopeItem] | None) -> list[dict[str, str]] | None:
    """Scope items as stored: ``{zh}`` or ``{zh, en}``."""
    return None if items is None else [item.model_dump(exclude_none=True) for item in items]


def _set_quote(application: Application, quote: fees.Quote) -> None:
    days, money = quote.person_days, quote.fees
    application.initial_person_days = days.initial
    application.initial_on_site_person_days = days.initial_on_site
    application.document_review_person_days = days.document_review
    application.surveillance_person_days = days.surveillance
    application.surveillance_on_site_person_days = days.surveillance_on_site
    application.recertification_person_days = days.recertification
    application.recertification_on_site_person_days = days.recertification_on_site
    application.application_fee_cny = money.application_fee_cny
    application.registration_fee_cny = money.registration_fee_cny
    application.annual_fee_cny = money.annual_fee_cny
    application.audit_fee_cny = money.audit_fee_cny
    application.first_year_total_cny = money.first_year_total_cny
    application.three_year_total_cny = money.three_year_total_cny
    application.recertification_total_cny = money.recertification_total_cny


def stored_quote(application: Application) -> dict[str, Any]:
    """The quote as stored with the application, shaped as the API answers it."""
    return {
        "person_days": {
            "initial": application.initial_person_days,
            "initial_on_site": application.initial_on_site_person_days,
            "document_review": application.document_review_person_days,
            "surveillance": application.surveillance_person_days,
            "surveillance_on_site": application.surveillance_on_site_person_days,
            "recertification": application.recertification_person_days,
            "recertification_on_site": application.recertification_on_site_person_days,
        },
        "fees": {
            "application_fee_cny": application.application_fee_cny,
            "registration_fee_cny": application.registration_fee_cny,
            "annual_fee_cny": application.annual_fee_cny,
            "audit_fee_cny": application.audit_fee_cny,
            "first_year_total_cny": application.first_year_total_cny,
            "three_year_total_cny": application.three_year_total_cny,
            "recertification_total_cny": application.recertification_total_cny,
        },
    }


async def create(ctx: Context, data: ApplicationCreate) -> Application:
    documents = [d.value for d in data.documents]
    eligibility.check_application_input(
        employee_count=data.employee_count,
        service_management_staff_count=data.service_management_staff_count,
        certified_manager_count=data.certified_manager_count,
        documents=documents,
    )
    organisation = await organisations.get_or_raise(ctx, data.organisation_id)
    in_scope = await sites.scope_sites(ctx.session, organisation.id, data.site_ids or [])
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
        scope_items=_scope_items(data.scope_items),
        eligible=assessed.eligible,
        findings=_findings(assessed),
        sites=in_scope,
        created_by=ctx.actor_id,
        created_at=now,
        updated_at=now,
    )
    _set_quote(application, quote)
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
            "scope_items": application.scope_items,
            "site_ids": [s.id for s in in_scope],
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
        raise _not_eligible(assessed)
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


async def amend(
    ctx: Context, application_id: int, patch: ApplicationAmend, *, expected_version: int | None
) -> Application:
    """Change the figures, dossier, declarations or scope of a submitted or accepted
    application (docs/domain.md §2.6): eligibility and the quote are computed again as on
    submission, and the event ``application.amended`` keeps the earlier quote. An accepted
    application must stay eligible (409 ``application.not_eligible``, nothing changed)."""
    application = await get_or_raise(ctx, application_id, for_update=True)
    check_version(expected_version, application.version)
    status = ApplicationStatus(application.status)
    lifecycle.application_transition(status, ApplicationAction.AMEND)
    given = {k: getattr(patch, k) for k in AMENDABLE if k in patch.model_fields_set}
    nulled = sorted(k for k, v in given.items() if v is None and k not in NULLABLE)
    if nulled:
        raise VALIDATION(
            "these fields cannot be cleared",
            errors=[FieldError(("body", k), "cannot be null") for k in nulled],
        )
    wanted: dict[str, Any] = {}
    for key, value in given.items():
        if key == "documents":
            wanted[key] = [d.value for d in value]
        elif key == "declarations":
            wanted[key] = None if value is None else value.model_dump()
        elif key == "scope_items":
            wanted[key] = _scope_items(value)
        elif key != "site_ids":
            wanted[key] = value
    merged = {k: wanted.get(k, getattr(application, k)) for k in AMENDABLE if k != "site_ids"}
    eligibility.check_application_input(
        employee_count=merged["employee_count"],
        service_management_staff_count=merged["service_management_staff_count"],
        certified_manager_count=merged["certified_manager_count"],
        documents=merged["documents"],
    )
    current_sites = [s.id for s in application.sites]
    in_scope = application.sites
    if "site_ids" in given:
        in_scope = await sites.scope_sites(
            ctx.session, application.organisation_id, given["site_ids"]
        )
        wanted["site_ids"] = [s.id for s in in_scope]
    before = {k: current_sites if k == "site_ids" else getattr(application, k) for k in wanted}
    after = {k: v for k, v in wanted.items() if v != before[k]}
    if not after:
        return application
    before = {k: before[k] for k in after}
    organisation = await organisations.get_or_raise(ctx, application.organisation_id)
    assessed = await _assess(
        ctx,
        organisation,
        enterprise_type=application.enterprise_type,
        documents=merged["documents"],
        staff=merged["service_management_staff_count"],
        managers=merged["certified_manager_count"],
        declarations=merged["declarations"],
    )
    if status is ApplicationStatus.ACCEPTED and not assessed.eligible:
        raise _not_eligible(assessed)  # accepting required eligibility: it must remain
    quote_before = stored_quote(application)
    for key, value in after.items():
        if key != "site_ids":
            setattr(application, key, value)
    if "site_ids" in after:
        application.sites = in_scope
    application.eligible = assessed.eligible
    application.findings = _findings(assessed)
    _set_quote(application, fees.quote(application.employee_count))
    application.bump(ctx.clock.now())
    ctx.record(
        "application",
        application.id,
        "application.amended",
        data={
            "before": before,
            "after": after,
            "quote_before": quote_before,
            "quote_after": stored_quote(application),
            "eligible": assessed.eligible,
            "findings": [f.code for f in assessed.findings],
        },
    )
    await ctx.commit()
    return application
