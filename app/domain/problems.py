"""The problem catalogue: every problem the service can answer, each defined once.

A problem type is a stable ``code`` (clients switch on it), the HTTP status it answers with
and a sentence saying when. Code raises by reference — ``raise CERTIFICATE_NOT_FOUND(detail)``
— never by a string literal; the routes declare which types they answer, the OpenAPI
document enumerates them per status, and the problem table of ``docs/api.md`` is generated
from this module. ``app.problems`` renders them as ``application/problem+json`` (RFC 9457).
Nothing here imports a web framework.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

# One title per status, everywhere (RFC 9110's reason phrases).
TITLES: Mapping[int, str] = MappingProxyType(
    {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        409: "Conflict",
        412: "Precondition Failed",
        413: "Content Too Large",
        415: "Unsupported Media Type",
        422: "Unprocessable Content",
        429: "Too Many Requests",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }
)


@dataclass(frozen=True, slots=True)
class FieldError:
    """One located error inside a request (rendered into the problem's ``errors``)."""

    loc: tuple[str | int, ...]
    msg: str


@dataclass(frozen=True, slots=True)
class ProblemType:
    """A kind of refusal: ``code``, ``status`` and when it is answered (``meaning``)."""

    code: str
    status: int
    meaning: str

    @property
    def title(self) -> str:
        return TITLES[self.status]

    def __call__(
        self, detail: str, *, errors: Sequence[FieldError] = (), **extensions: object
    ) -> DomainError:
        """The exception to raise: this problem with a ``detail`` for this occurrence."""
        return DomainError(self, detail, errors=errors, extensions=extensions)


class DomainError(Exception):
    """A refusal the service explains to its caller: a problem type and its detail.

    ``extensions`` are further members of the problem body (RFC 9457 §3.2), e.g. a date the
    caller needs to act on.
    """

    def __init__(
        self,
        problem: ProblemType,
        detail: str,
        *,
        errors: Sequence[FieldError] = (),
        extensions: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail
        self.errors = tuple(errors)
        self.extensions = dict(extensions or {})

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def status(self) -> int:
        return self.problem.status


_CATALOGUE: dict[str, ProblemType] = {}


def _define(code: str, status: int, meaning: str) -> ProblemType:
    if code in _CATALOGUE:
        raise ValueError(f"problem {code} is defined twice")
    if status not in TITLES:
        raise ValueError(f"problem {code}: no title for status {status}")
    problem = ProblemType(code, status, meaning)
    _CATALOGUE[code] = problem
    return problem


# --- the request itself -----------------------------------------------------------------
MALFORMED_JSON = _define(
    "request.malformed_json",
    400,
    "The body is not JSON (bad syntax, not UTF-8, NaN or Infinity, nested too deeply).",
)
BAD_REQUEST = _define(
    "request.bad_request", 400, "The body cannot be read (it ended early or does not parse)."
)
ROUTE_NOT_FOUND = _define("request.not_found", 404, "No operation has this path.")
METHOD_NOT_ALLOWED = _define(
    "request.method_not_allowed", 405, "The path exists, but not for this method."
)
CONFLICT = _define(
    "request.conflict",
    409,
    "Another request changed the same data at the same moment; read it again and retry.",
)
PRECONDITION_FAILED = _define(
    "request.precondition_failed",
    412,
    "`If-Match` names a version other than the resource's current one.",
)
TOO_LARGE = _define("request.too_large", 413, "The body is larger than the operation accepts.")
UNSUPPORTED_MEDIA_TYPE = _define(
    "request.unsupported_media_type",
    415,
    "The body's `Content-Type` is not the one the operation takes (`application/json`).",
)
VALIDATION = _define(
    "request.validation",
    422,
    "A parameter or a field of the body is invalid; `errors` locates each one.",
)
INVISIBLE_CHARACTERS = _define(
    "request.invisible_characters",
    422,
    "A name, address or scope holds an invisible or direction-control character (Unicode "
    "category Cf, e.g. U+200B, U+202E); `errors` names the field.",
)
RATE_LIMITED = _define(
    "request.rate_limited",
    429,
    "The client address used up its public requests for this window; see `Retry-After`.",
)
SERVER_ERROR = _define(
    "server.error", 500, "An unexpected failure; it is logged and nothing of it leaks."
)
SERVICE_UNAVAILABLE = _define(
    "service.unavailable",
    503,
    "The database does not answer, or its schema is not at the migrations' head.",
)

# --- authentication and roles -----------------------------------------------------------
UNAUTHENTICATED = _define(
    "auth.unauthenticated", 401, "The bearer token is missing, unknown, revoked or expired."
)
FORBIDDEN = _define("auth.forbidden", 403, "The caller's roles do not allow this operation.")

# --- users and keys ---------------------------------------------------------------------
USER_NOT_FOUND = _define("user.not_found", 404, "No user has this id.")
API_KEY_NOT_FOUND = _define("api_key.not_found", 404, "No API key has this id.")
USER_DUPLICATE_EMAIL = _define(
    "user.duplicate_email", 409, "Another user already has this e-mail address."
)
USER_SELF_LOCKOUT = _define(
    "user.self_lockout", 409, "An admin cannot remove its own admin role or deactivate itself."
)
USER_INACTIVE = _define("user.inactive", 409, "An inactive user cannot receive API keys.")

# --- rubrics ----------------------------------------------------------------------------
RUBRIC_NOT_FOUND = _define(
    "rubric.not_found", 404, "No rubric has this id for this enterprise type."
)

# --- organisations ----------------------------------------------------------------------
ORGANISATION_NOT_FOUND = _define("organisation.not_found", 404, "No organisation has this id.")
ORGANISATION_DUPLICATE_USCC = _define(
    "organisation.duplicate_uscc", 409, "Another organisation already has this USCC."
)
ORGANISATION_INVALID_USCC = _define(
    "organisation.invalid_uscc",
    422,
    "The USCC is not 18 characters of the GB 32100 alphabet with a correct check character.",
)

# --- sites ------------------------------------------------------------------------------
SITE_NOT_FOUND = _define("site.not_found", 404, "The organisation has no site with this id.")
SITE_HEADQUARTERS_EXISTS = _define(
    "site.headquarters_exists", 409, "The organisation already has its one headquarters site."
)
SITE_HEADQUARTERS_REQUIRED = _define(
    "site.headquarters_required",
    409,
    "The headquarters site cannot be deactivated: an organisation always keeps it.",
)

# --- applications -----------------------------------------------------------------------
APPLICATION_NOT_FOUND = _define("application.not_found", 404, "No application has this id.")
APPLICATION_INVALID_TRANSITION = _define(
    "application.invalid_transition", 409, "The application's status does not allow this step."
)
APPLICATION_NOT_ELIGIBLE = _define(
    "application.not_eligible",
    409,
    "Blocking eligibility findings remain, or the organisation already holds a live "
    "certificate of this enterprise type.",
)
APPLICATION_UNKNOWN_SITE = _define(
    "application.unknown_site",
    422,
    "A `site_ids` entry is not an active site of the application's organisation; `errors` "
    "names each one.",
)

# --- audits, score sheets, corrective actions -------------------------------------------
AUDIT_NOT_FOUND = _define("audit.not_found", 404, "No audit has this id.")
AUDIT_NOT_ON_TEAM = _define(
    "audit.not_on_team", 403, "The caller is not on the audit's team (nor staff or committee)."
)
AUDIT_NOT_LEAD_AUDITOR = _define(
    "audit.not_lead_auditor", 403, "Only the audit's lead auditor takes this step."
)
AUDIT_INVALID_TRANSITION = _define(
    "audit.invalid_transition",
    409,
    "A step out of order: the audit's status (or the certificate's cycle) does not allow it.",
)
AUDIT_ALREADY_OPEN = _define(
    "audit.already_open", 409, "The certificate has an audit that is not decided yet."
)
AUDIT_CERTIFICATE_NOT_LIVE = _define(
    "audit.certificate_not_live",
    409,
    "Surveillance needs an active or suspended certificate naming no successor; a grade "
    "upgrade (and its grant) an active one.",
)
AUDIT_CERTIFICATE_NOT_RENEWABLE = _define(
    "audit.certificate_not_renewable",
    409,
    "Recertification needs an active or suspended certificate.",
)
AUDIT_SURVEILLANCE_NOT_DUE = _define(
    "audit.surveillance_not_due",
    409,
    "The surveillance's window has not opened: it can be decided from `window_opens_on`, "
    "at most the configured window before the due date of the surveillance it fulfils.",
)
AUDIT_UPGRADE_NOT_ELIGIBLE = _define(
    "audit.upgrade_not_eligible",
    409,
    "A grade upgrade needs an active certificate that has passed at least one surveillance "
    "and names no successor.",
)
AUDIT_TEAM_MEMBER_NOT_AUDITOR = _define(
    "audit.team_member_not_auditor",
    422,
    "Every team member, the lead included, must be an active user holding the auditor role.",
)
AUDIT_UNKNOWN_SITE = _define(
    "audit.unknown_site",
    422,
    "A site to visit is not an active site of the audit's organisation.",
)
SCORE_SHEET_NOT_FOUND = _define(
    "score_sheet.not_found", 404, "The audit has no score sheet of this revision."
)
SCORE_SHEET_INVALID_ITEMS = _define(
    "score_sheet.invalid_items",
    422,
    "Indicators missing, unknown or repeated, or a score given for an excluded item (or "
    "none for a scored one).",
)
SCORE_SHEET_SCORE_OUT_OF_RANGE = _define(
    "score_sheet.score_out_of_range",
    422,
    "A score is below 0, above its indicator's maximum, or not in steps of 0.1.",
)
SCORE_SHEET_NOT_EXCLUDABLE = _define(
    "score_sheet.not_excludable", 422, "Only indicators marked X in the rubric may be excluded."
)
SCORE_SHEET_NOTE_REQUIRED = _define(
    "score_sheet.note_required",
    422,
    "An exclusion, a special deduction or a special bonus needs a written reason.",
)
CORRECTIVE_ACTION_NOT_FOUND = _define(
    "corrective_action.not_found", 404, "The audit has no corrective action with this id."
)
CORRECTIVE_ACTION_INVALID_TRANSITION = _define(
    "corrective_action.invalid_transition", 409, "The corrective action is already closed."
)

# --- decisions --------------------------------------------------------------------------
DECISION_IMPARTIALITY_CONFLICT = _define(
    "decision.impartiality_conflict",
    403,
    "A committee member who was on the audit team cannot decide it.",
)
DECISION_FAIL_NOT_GRANTABLE = _define(
    "decision.fail_not_grantable", 409, "The audit recommends fail: only a refusal is possible."
)
DECISION_OPEN_CORRECTIVE_ACTIONS = _define(
    "decision.open_corrective_actions",
    409,
    "A grant needs every corrective action of the audit closed.",
)
DECISION_GRADE_ABOVE_RECOMMENDATION = _define(
    "decision.grade_above_recommendation",
    422,
    "The granted grade may equal or be lower than the recommended one, never higher.",
)
DECISION_GRADE_ABOVE_CURRENT = _define(
    "decision.grade_above_current",
    422,
    "A surveillance may keep or lower the certificate's grade, never raise it (raising is an "
    "upgrade audit).",
)
DECISION_SCOPE_EN_REQUIRED = _define(
    "decision.scope_en_required",
    422,
    "A scope item of the application has no English name: the grant must give the English "
    "scope statement (`scope.en`).",
)
DECISION_SCOPE_TOO_LONG = _define(
    "decision.scope_too_long",
    422,
    "The scope statement generated from the application's items is longer than a certificate "
    "prints (1,000 characters; 2,000 in English): the grant must word it (`scope`).",
)

# --- certificates -----------------------------------------------------------------------
CERTIFICATE_NOT_FOUND = _define("certificate.not_found", 404, "No certificate has this number.")
CERTIFICATE_NOT_YET_ISSUED = _define(
    "certificate.not_yet_issued",
    404,
    "The certificate was issued after the day asked for (`on`): it had no record then.",
)
CERTIFICATE_INVALID_TRANSITION = _define(
    "certificate.invalid_transition",
    409,
    "The certificate's status (as true today) does not allow this move.",
)
CERTIFICATE_REINSTATEMENT_NEEDS_AUDIT = _define(
    "certificate.reinstatement_needs_audit",
    409,
    "The certificate is suspended for a refused or overdue surveillance: only a granted "
    "surveillance audit lifts that cause.",
)

# --- change certificates ----------------------------------------------------------------
CERTIFICATE_CHANGE_NOT_FOUND = _define(
    "certificate_change.not_found", 404, "The certificate has no change with this id."
)
CERTIFICATE_CHANGE_NO_CHANGE = _define(
    "certificate_change.no_change",
    422,
    "The change gives nothing that differs from what the certificate prints.",
)
CERTIFICATE_CHANGE_SCOPE_EN_REQUIRED = _define(
    "certificate_change.scope_en_required",
    422,
    "The change gives a new scope statement of a certificate that prints an English one, but "
    "not the English statement to go with it (`scope_en`).",
)
CERTIFICATE_CHANGE_INVALID_SITE = _define(
    "certificate_change.invalid_site",
    422,
    "A site id is not one of the active sites of the certificate's organisation.",
)
CERTIFICATE_CHANGE_NOT_PENDING = _define(
    "certificate_change.not_pending", 409, "The change has already been applied or refused."
)
CERTIFICATE_CHANGE_IMPARTIALITY_CONFLICT = _define(
    "certificate_change.impartiality_conflict",
    403,
    "The one who requested a change cannot decide it.",
)

CATALOGUE: Mapping[str, ProblemType] = MappingProxyType(_CATALOGUE)
"""Every problem type, by code, in the order defined above."""
