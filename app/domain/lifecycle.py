"""State machines of applications, audits and certificates, as transition tables.

A move is legal exactly when its (state, action) pair is a key of the table; anything else
raises the entity's ``<entity>.invalid_transition`` (409), worded from ``PHRASES``. Tables,
not if-chains, so the legal moves can be read, tested exhaustively and shown in documentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from app.domain.enums import ApplicationStatus, AuditKind, AuditStatus, CertificateStatus
from app.domain.policy import SURVEILLANCES_PER_CYCLE
from app.domain.problems import (
    APPLICATION_INVALID_TRANSITION,
    AUDIT_CERTIFICATE_NOT_LIVE,
    AUDIT_CERTIFICATE_NOT_RENEWABLE,
    AUDIT_INVALID_TRANSITION,
    AUDIT_UPGRADE_NOT_ELIGIBLE,
    CERTIFICATE_INVALID_TRANSITION,
)


class ApplicationAction(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    START_AUDIT = "start_audit"
    RETURN_TO_ACCEPTED = "return_to_accepted"
    CERTIFY = "certify"
    REFUSE = "refuse"
    AMEND = "amend"  # change the figures, dossier or scope; the status stays


class AuditAction(StrEnum):
    PASS_STAGE1 = "pass_stage1"  # noqa: S105 (an audit step, not a password)
    FAIL_STAGE1 = "fail_stage1"
    SCORE = "score"
    COMPLETE = "complete"
    DECIDE = "decide"
    AMEND = "amend"  # the plan (team, dates, sites): a move that keeps it planned
    CANCEL = "cancel"


class CertificateAction(StrEnum):
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"
    EXPIRE = "expire"
    SUPERSEDE = "supersede"


_AS, _AA = ApplicationStatus, ApplicationAction
# docs/domain.md §7.1: submitted → accepted → in_audit → certified | refused; in_audit →
# accepted (stage 1 failed); submitted | accepted → rejected; any non-final → withdrawn;
# submitted | accepted may be amended, and stay where they are.
APPLICATION_TRANSITIONS: Mapping[tuple[ApplicationStatus, ApplicationAction], ApplicationStatus] = (
    MappingProxyType(
        {
            (_AS.SUBMITTED, _AA.ACCEPT): _AS.ACCEPTED,
            (_AS.SUBMITTED, _AA.REJECT): _AS.REJECTED,
            (_AS.SUBMITTED, _AA.WITHDRAW): _AS.WITHDRAWN,
            (_AS.SUBMITTED, _AA.AMEND): _AS.SUBMITTED,
            (_AS.ACCEPTED, _AA.START_AUDIT): _AS.IN_AUDIT,
            (_AS.ACCEPTED, _AA.REJECT): _AS.REJECTED,
            (_AS.ACCEPTED, _AA.WITHDRAW): _AS.WITHDRAWN,
            (_AS.ACCEPTED, _AA.AMEND): _AS.ACCEPTED,
            (_AS.IN_AUDIT, _AA.RETURN_TO_ACCEPTED): _AS.ACCEPTED,
            (_AS.IN_AUDIT, _AA.CERTIFY): _AS.CERTIFIED,
            (_AS.IN_AUDIT, _AA.REFUSE): _AS.REFUSED,
            (_AS.IN_AUDIT, _AA.WITHDRAW): _AS.WITHDRAWN,
        }
    )
)

_ST, _AU = AuditStatus, AuditAction
# After the first score sheet, later sheets are new revisions of the same scoring step.
_SCORING_STEPS = {
    (_ST.SCORING, _AU.SCORE): _ST.SCORING,
    (_ST.SCORING, _AU.COMPLETE): _ST.COMPLETED,
    (_ST.COMPLETED, _AU.DECIDE): _ST.DECIDED,
}
# Initial and recertification audits start with the document review (stage 1). A failed
# stage 1 ends the audit for both kinds: a recertification's certificate stays as it is
# and a new recertification audit may be planned while it is live (the contract says this of
# initial audits only; ending is the one outcome that needs no special case).
_WITH_STAGE1 = MappingProxyType(
    {
        (_ST.PLANNED, _AU.PASS_STAGE1): _ST.STAGE1_PASSED,
        (_ST.PLANNED, _AU.FAIL_STAGE1): _ST.STAGE1_FAILED,
        (_ST.STAGE1_PASSED, _AU.SCORE): _ST.SCORING,
        **_SCORING_STEPS,
    }
)
_WITHOUT_STAGE1 = MappingProxyType({(_ST.PLANNED, _AU.SCORE): _ST.SCORING, **_SCORING_STEPS})
# Every kind: the plan may be amended or cancelled while nothing has been recorded on it.
_PLAN_STEPS = {
    (_ST.PLANNED, _AU.AMEND): _ST.PLANNED,
    (_ST.PLANNED, _AU.CANCEL): _ST.CANCELLED,
}
AUDIT_TRANSITIONS: Mapping[AuditKind, Mapping[tuple[AuditStatus, AuditAction], AuditStatus]] = (
    MappingProxyType(
        {
            AuditKind.INITIAL: MappingProxyType({**_WITH_STAGE1, **_PLAN_STEPS}),
            AuditKind.RECERTIFICATION: MappingProxyType({**_WITH_STAGE1, **_PLAN_STEPS}),
            # Surveillance and upgrade audits have no stage 1: the first score sheet starts
            # scoring.
            AuditKind.SURVEILLANCE: MappingProxyType({**_WITHOUT_STAGE1, **_PLAN_STEPS}),
            AuditKind.UPGRADE: MappingProxyType({**_WITHOUT_STAGE1, **_PLAN_STEPS}),
        }
    )
)

_CS, _CA = CertificateStatus, CertificateAction
# §7's legal moves; withdrawn, cancelled, expired and superseded are final.
CERTIFICATE_TRANSITIONS: Mapping[tuple[CertificateStatus, CertificateAction], CertificateStatus] = (
    MappingProxyType(
        {
            (_CS.ACTIVE, _CA.SUSPEND): _CS.SUSPENDED,
            (_CS.SUSPENDED, _CA.REINSTATE): _CS.ACTIVE,
            **{
                (live, action): target
                for live in (_CS.ACTIVE, _CS.SUSPENDED)
                for action, target in (
                    (_CA.WITHDRAW, _CS.WITHDRAWN),
                    (_CA.CANCEL, _CS.CANCELLED),
                    (_CA.EXPIRE, _CS.EXPIRED),
                    (_CA.SUPERSEDE, _CS.SUPERSEDED),
                )
            },
        }
    )
)
LIVE_STATUSES = frozenset({_CS.ACTIVE, _CS.SUSPENDED})


# How a refused move reads: "cannot <phrase> that is <status>", the subject in place of {}.
PHRASES: Mapping[str, str] = MappingProxyType(
    {
        ApplicationAction.ACCEPT: "accept {}",
        ApplicationAction.REJECT: "reject {}",
        ApplicationAction.WITHDRAW: "withdraw {}",
        ApplicationAction.START_AUDIT: "start the audit of {}",
        ApplicationAction.RETURN_TO_ACCEPTED: "return {} to accepted",
        ApplicationAction.CERTIFY: "certify {}",
        ApplicationAction.REFUSE: "refuse {}",
        ApplicationAction.AMEND: "amend {}",
        AuditAction.PASS_STAGE1: "pass stage 1 of {}",
        AuditAction.FAIL_STAGE1: "fail stage 1 of {}",
        AuditAction.SCORE: "score {}",
        AuditAction.COMPLETE: "complete {}",
        AuditAction.DECIDE: "decide {}",
        # AuditAction.AMEND and AuditAction.CANCEL are "amend" and "cancel": the same keys as
        # ApplicationAction.AMEND and CertificateAction.CANCEL, and the same phrases
        CertificateAction.SUSPEND: "suspend {}",
        CertificateAction.REINSTATE: "reinstate {}",
        CertificateAction.CANCEL: "cancel {}",
        CertificateAction.EXPIRE: "record the expiry of {}",
        CertificateAction.SUPERSEDE: "supersede {}",
    }
)


def refusal(subject: str, status: StrEnum, action: StrEnum) -> str:
    """The detail of a refused move, e.g. "cannot reinstate a certificate that is active"."""
    state = status.value.replace("stage1", "stage 1").replace("_", " ")
    return f"cannot {PHRASES[action.value].format(subject)} that is {state}"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def application_transition(
    status: ApplicationStatus, action: ApplicationAction
) -> ApplicationStatus:
    """The status after ``action``, or ``application.invalid_transition``."""
    target = APPLICATION_TRANSITIONS.get((status, action))
    if target is None:
        raise APPLICATION_INVALID_TRANSITION(refusal("an application", status, action))
    return target


def application_follows_audit(status: ApplicationStatus) -> bool:
    """Whether an initial audit's end (stage 1 failed, refused) still moves its application.

    A withdrawn application is final: its audit can still be ended (a failed stage 1, a
    refusal) without touching it; certifying it stays impossible (the transition refuses).
    """
    return status is not ApplicationStatus.WITHDRAWN


def audit_transition(kind: AuditKind, status: AuditStatus, action: AuditAction) -> AuditStatus:
    """The status of an audit of ``kind`` after ``action``, or ``audit.invalid_transition``."""
    target = AUDIT_TRANSITIONS[kind].get((status, action))
    if target is None:
        raise AUDIT_INVALID_TRANSITION(refusal(f"{_article(kind)} {kind} audit", status, action))
    return target


def certificate_transition(
    status: CertificateStatus, action: CertificateAction
) -> CertificateStatus:
    """The status after ``action``, or ``certificate.invalid_transition``.

    Staff actions pass the status as read today (``standing.effective_status``) so that a
    certificate past expiry cannot be reinstated (§7); housekeeping passes the stored one to
    record the expiry.
    """
    target = CERTIFICATE_TRANSITIONS.get((status, action))
    if target is None:
        raise CERTIFICATE_INVALID_TRANSITION(refusal("a certificate", status, action))
    return target


def require_certificate_renewable(status: CertificateStatus) -> None:
    """Recertification needs an active or suspended certificate (pass the effective status)."""
    if status not in LIVE_STATUSES:
        raise AUDIT_CERTIFICATE_NOT_RENEWABLE(
            f"a {status.value} certificate cannot be recertified; apply for initial certification",
        )


def require_certificate_live(status: CertificateStatus) -> None:
    """Surveillance needs an active or suspended certificate (pass the effective status)."""
    if status not in LIVE_STATUSES:
        raise AUDIT_CERTIFICATE_NOT_LIVE(
            f"a {status.value} certificate is not under surveillance",
        )


def require_upgrade_eligible(
    status: CertificateStatus, surveillances_done: int, superseded_by: str | None
) -> None:
    """A grade upgrade (§6, policy) needs an active certificate (pass the effective status)
    that has passed at least one surveillance of its cycle and names no successor."""
    if status is not CertificateStatus.ACTIVE:
        raise AUDIT_CERTIFICATE_NOT_LIVE(
            f"a {status.value} certificate cannot be upgraded: an upgrade needs an active one",
        )
    if surveillances_done < 1:
        raise AUDIT_UPGRADE_NOT_ELIGIBLE(
            "a grade upgrade needs a certificate that has passed at least one surveillance "
            "of its cycle",
        )
    if superseded_by is not None:
        raise AUDIT_UPGRADE_NOT_ELIGIBLE(
            f"the certificate is being replaced by {superseded_by}: raise the grade of the "
            "new certificate instead",
        )


def is_live(status: CertificateStatus) -> bool:
    """Whether a certificate (its effective status) is active or suspended.

    A decision on a surveillance or recertification audit whose certificate is no longer
    live can still refuse (§6: refuse is always possible); it then leaves the certificate as
    it is, since every non-live status is final.
    """
    return status in LIVE_STATUSES


def require_surveillance_remaining(surveillances_done: int) -> None:
    """A cycle has ``SURVEILLANCES_PER_CYCLE`` surveillance audits; after them the next audit
    is the recertification (§7), so planning another surveillance is refused."""
    if surveillances_done >= SURVEILLANCES_PER_CYCLE:
        raise AUDIT_INVALID_TRANSITION(
            f"the {SURVEILLANCES_PER_CYCLE} surveillance audits of this certificate's cycle are "
            "done: the next audit is the recertification",
        )
