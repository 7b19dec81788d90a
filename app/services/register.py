"""The certificate register in the national-database reporting layout (docs/domain.md §10).

The national database knows no status "superseded": a certificate replaced at recertification
is reported as cancelled (注销) with the reason 换证 and its successor's number, dated the day
the successor's validity began.

Streamed: rows are read through a server-side cursor in partitions and written out as they
come, so a million rows take no more memory than a thousand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from sqlalchemy import Select

from app.clock import Clock
from app.db import Database
from app.domain import standing
from app.domain.enums import CERTIFICATE_STATUS_NAMES_ZH, CertificateStatus, Grade
from app.models import Certificate
from app.services.csv_export import cell as _cell
from app.services.csv_export import encode as _encode
from app.services.csv_export import head

PARTITION = 1000
SITE_SEPARATOR = "；"  # full-width: site names may hold commas
Lang = Literal["zh", "en"]

HEADER = {
    "zh": ["证书编号", "获证组织名称", "统一社会信用代码", "组织地址", "认证类别", "认证项目",
           "认证依据", "认证范围", "认证等级", "颁证日期", "证书到期日期", "证书状态",
           "状态变更日期", "状态变更原因", "最近监督日期", "服务网点"],
    "en": ["number", "organisation_name", "uscc", "address", "certification_type",
           "certification_item", "standard", "scope", "grade", "issued_on", "expires_on",
           "status", "status_changed_on", "status_reason", "last_surveillance_on", "sites"],
}  # fmt: skip
FIXED = {
    "zh": ("服务认证", "商品售后服务", "GB/T 27922-2011"),
    "en": ("Service certification", "After-sales service of goods", "GB/T 27922-2011"),
}


@dataclass(frozen=True)
class Row:
    """What the register shows of one certificate, status as true today."""

    certificate: Record
    status: CertificateStatus
    status_changed_on: date
    status_reason: str | None


class Record(Protocol):
    """A certificate row as the register reads it (a Core row: no ORM identity map)."""

    number: str
    organisation_name: str
    organisation_uscc: str
    organisation_address: str
    scope: str
    grade: str
    status: str
    issued_on: date
    expires_on: date
    status_changed_on: date
    status_reason: str | None
    last_surveillance_on: date | None
    sites: list[dict[str, str]]  # the printed annex: the last column lists the sites' names
    superseded_by: str | None
    superseded_on: date | None


def row_for(certificate: Record, today: date) -> Row:
    """The register's row, as true ``today``: a move housekeeping has not recorded yet (an
    expiry, a supersession) is reported as it will be recorded."""
    recorded = CertificateStatus(certificate.status)
    status = standing.effective_status(
        recorded, certificate.expires_on, today, certificate.superseded_on
    )
    since = standing.status_since(
        recorded, certificate.status_changed_on, certificate.expires_on, today,
        certificate.superseded_on,
    )  # fmt: skip
    if status is CertificateStatus.SUPERSEDED:
        return Row(certificate, status, since, f"换证 {certificate.superseded_by or ''}".strip())
    if status is recorded:
        return Row(certificate, status, since, certificate.status_reason)
    # expired at read time, before housekeeping recorded it
    return Row(certificate, status, since, f"validity ended on {certificate.expires_on}")


def _status_name(status: CertificateStatus, lang: Lang) -> str:
    """The status in the national database's vocabulary: superseded is cancelled (注销)."""
    reported = CertificateStatus.CANCELLED if status is CertificateStatus.SUPERSEDED else status
    return CERTIFICATE_STATUS_NAMES_ZH[reported] if lang == "zh" else reported.value


def _cells(row: Row, lang: Lang) -> list[str]:
    c = row.certificate
    grade = Grade(c.grade)
    kind, item, standard = FIXED[lang]
    values: Sequence[object] = (
        c.number,
        c.organisation_name,
        c.organisation_uscc,
        c.organisation_address,
        kind,
        item,
        standard,
        c.scope,
        grade.name_zh if lang == "zh" else grade.value,
        c.issued_on,
        c.expires_on,
        _status_name(row.status, lang),
        row.status_changed_on,
        row.status_reason,
        c.last_surveillance_on,
        SITE_SEPARATOR.join(site["name"] for site in c.sites),
    )
    return [_cell(v) for v in values]


async def stream_csv(
    db: Database, clock: Clock, query: Select[Certificate], lang: Lang
) -> AsyncIterator[bytes]:
    """The CSV, chunk by chunk: BOM and header first, then one partition of rows at a time."""
    today = clock.today()
    yield head(HEADER[lang])
    async with db.engine.connect() as conn:
        # Core rows through a server-side cursor: nothing accumulates between partitions.
        result = await conn.stream(query.execution_options(yield_per=PARTITION))
        async for partition in result.partitions(PARTITION):
            yield _encode([_cells(row_for(c, today), lang) for c in partition])
