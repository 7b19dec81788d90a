"""The human verification pages: server-rendered HTML, Chinese with English, no JavaScript."""

from __future__ import annotations

from datetime import date
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from app.domain import uscc as uscc_rules
from app.domain.enums import CERTIFICATE_STATUS_NAMES_ZH, CertificateStatus, Grade, SiteKind
from app.domain.history import HistoryAction
from app.domain.numbers import MAX_NUMBER_INPUT, normalise_certificate_number
from app.domain.problems import CERTIFICATE_NOT_FOUND, CERTIFICATE_NOT_YET_ISSUED, DomainError
from app.params import IsoDate
from app.paths import PAGES_PREFIX
from app.public.records import certificate_record, history_items
from app.public.service import PublicService

templates = Jinja2Templates(directory=str(FsPath(__file__).resolve().parent.parent / "templates"))

router = APIRouter(tags=["public pages"])

STATUS_EN = {
    CertificateStatus.ACTIVE: "Valid",
    CertificateStatus.SUSPENDED: "Suspended",
    CertificateStatus.WITHDRAWN: "Withdrawn",
    CertificateStatus.CANCELLED: "Cancelled",
    CertificateStatus.EXPIRED: "Expired",
    CertificateStatus.SUPERSEDED: "Superseded",
}
GRADE_EN = {
    Grade.COMPLIANT: "Compliant",
    Grade.THREE_STAR: "Three stars",
    Grade.FOUR_STAR: "Four stars",
    Grade.FIVE_STAR: "Five stars",
}
STARS = {
    Grade.COMPLIANT: "",
    Grade.THREE_STAR: "★★★",
    Grade.FOUR_STAR: "★★★★",
    Grade.FIVE_STAR: "★★★★★",
}
SITE_KINDS = {
    SiteKind.HEADQUARTERS: ("总部", "Headquarters"),
    SiteKind.SERVICE_OUTLET: ("服务网点", "Service outlet"),
    SiteKind.REPAIR_CENTRE: ("维修中心", "Repair centre"),
    SiteKind.WAREHOUSE: ("仓库", "Warehouse"),
}
ACTIONS = {
    HistoryAction.ISSUED: ("颁证", "Issued"),
    HistoryAction.SUSPENDED: ("暂停", "Suspended"),
    HistoryAction.REINSTATED: ("恢复", "Reinstated"),
    HistoryAction.WITHDRAWN: ("撤销", "Withdrawn"),
    HistoryAction.CANCELLED: ("注销", "Cancelled"),
    HistoryAction.EXPIRED: ("过期", "Expired"),
    HistoryAction.SUPERSEDED: ("换证", "Replaced"),
    HistoryAction.GRADE_CHANGED: ("等级变更", "Grade changed"),
    HistoryAction.CHANGED: ("证书变更", "Details changed"),
    HistoryAction.SURVEILLANCE_RECORDED: ("监督审核", "Surveillance audit"),
}
ERROR_TITLES = {
    404: ("未找到证书", "Certificate not found"),
    422: ("查询内容无效", "The query is not valid"),
    429: ("查询过于频繁", "Too many requests: please wait a moment"),
    500: ("系统错误", "Server error"),
    503: ("服务暂不可用", "Service unavailable"),
}
SEARCH_LIMIT = 20
SHORT_QUERY = (
    "请输入至少两个字符，或完整的证书编号、统一社会信用代码。"
    "Enter at least two characters, a certificate number or a USCC."
)


def _service(request: Request) -> PublicService:
    service: PublicService = request.app.state.public
    return service


def _labels(record: dict[str, Any]) -> dict[str, str]:
    status, grade = CertificateStatus(record["status"]), Grade(record["grade"])
    return {
        "status_zh": CERTIFICATE_STATUS_NAMES_ZH[status],
        "status_en": STATUS_EN[status],
        "grade_zh": grade.name_zh,
        "grade_en": GRADE_EN[grade],
        "stars": STARS[grade],
    }


def _pair(name: str, words: tuple[str, str]) -> dict[str, str]:
    """A label in Chinese and English, as ``<name>_zh`` and ``<name>_en``."""
    return {f"{name}_zh": words[0], f"{name}_en": words[1]}


def render_error(request: Request, status: int, detail: str) -> Response:
    title_zh, title_en = ERROR_TITLES.get(status, ("请求无法处理", "The request cannot be served"))
    context = {
        "issuer": request.app.state.settings.issuer_name,
        "status": status,
        "title_zh": title_zh,
        "title_en": title_en,
        "detail": detail,
        "q": None,
    }
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


@router.get(
    PAGES_PREFIX + "/{number}",
    operation_id="verify_page",
    summary="The public record of a certificate, for people (HTML; the QR code's target)",
    response_class=HTMLResponse,
    responses={
        404: {"description": "HTML page: no such certificate.", "content": {"text/html": {}}}
    },
)
async def verify_page(
    number: Annotated[str, Path(max_length=MAX_NUMBER_INPUT)],
    request: Request,
    on: Annotated[
        date | None,
        Query(description="The record as it stood at the end of this day (`YYYY-MM-DD`)."),
        IsoDate,
    ] = None,
) -> Response:
    """The record now, or at the end of ``on``, with its annex of sites and its history; the
    instant of the answer is printed, so the footer's "at the time shown" holds."""
    service = _service(request)
    clock = service.clock
    try:
        found = await service.dated(number, on)
        record = (
            service.record_on(found, on)
            if on is not None
            else certificate_record(found.row, clock.today(), service.issuer)
        )
    except DomainError as error:
        if error.problem is CERTIFICATE_NOT_FOUND:
            detail = f"没有编号为 {number.strip()} 的证书。No certificate has this number."
            return render_error(request, 404, detail)
        if error.problem is CERTIFICATE_NOT_YET_ISSUED:
            detail = f"该证书于 {on} 尚未颁发。The certificate had not been issued on {on}."
            return render_error(request, 404, detail)
        raise
    day = on or clock.today()
    answered = clock.now().astimezone(clock.zone)
    history = [
        {**item, **_labels(item), **_pair("action", ACTIONS[item["action"]])}
        for item in history_items(service.history_of(found.row, found.log))
    ]
    context = {
        "issuer": record["issuer"],
        "c": record,
        "q": None,
        "on": on,
        "today": clock.today(),
        "answered_at": f"{answered:%Y-%m-%d %H:%M:%S} ({clock.zone.key})",
        # active, but its validity has not begun (a recertified certificate decided early)
        "not_yet_valid": record["valid_from"] > day,
        "sites": [{**s, **_pair("kind", SITE_KINDS[s["kind"]])} for s in record["sites"]],
        "history": history,
        **_labels(record),
    }
    return templates.TemplateResponse(request, "certificate.html", context)


@router.get(
    PAGES_PREFIX,
    operation_id="verify_search_page",
    summary="Search form and results, for people (HTML)",
    response_class=HTMLResponse,
    responses={
        303: {
            "description": "The query is the number of a certificate: see its page.",
            "headers": {"Location": {"schema": {"type": "string"}}},
        }
    },
)
async def verify_search_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=200, description="Number, name or USCC.")] = None,
) -> Response:
    service = _service(request)
    query = (q or "").strip()
    context: dict[str, Any] = {
        "issuer": request.app.state.settings.issuer_name,
        "q": query,
        "results": [],
        "more": False,
        "message": None,
    }
    if not query:
        return templates.TemplateResponse(request, "search.html", context)
    number = normalise_certificate_number(query)
    if number is not None and await service.certificate(number) is not None:
        return RedirectResponse(f"{PAGES_PREFIX}/{number}", status_code=303)
    is_uscc = uscc_rules.looks_like(query)
    try:
        items, next_cursor = await service.search(
            name=None if is_uscc else query,
            uscc=query if is_uscc else None,
            limit=SEARCH_LIMIT,
            cursor=None,
        )
    except DomainError:
        context["message"] = SHORT_QUERY
        return templates.TemplateResponse(request, "search.html", context, status_code=422)
    context["results"] = [{**item, **_labels(item)} for item in items]
    context["more"] = next_cursor is not None
    return templates.TemplateResponse(request, "search.html", context)


def too_many_requests_page(issuer: str, retry_after: int) -> bytes:
    """The 429 page of the human pages (rendered without a request: the limiter answers)."""
    title_zh, title_en = ERROR_TITLES[429]
    return (
        templates.get_template("error.html")
        .render(
            issuer=issuer,
            status=429,
            title_zh=title_zh,
            title_en=title_en,
            detail=f"请 {retry_after} 秒后再试。Try again in {retry_after} seconds.",
            q=None,
        )
        .encode("utf-8")
    )
