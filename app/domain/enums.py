"""The closed vocabularies of the domain, as string enums (their values are the API's)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class EnterpriseType(StrEnum):
    """The two enterprise types of the standard (docs/domain.md §1)."""

    PRODUCTION = "production"
    SALES_SERVICE = "sales_service"


ENTERPRISE_TYPE_NAMES_ZH: Mapping[EnterpriseType, str] = MappingProxyType(
    {EnterpriseType.PRODUCTION: "生产型企业", EnterpriseType.SALES_SERVICE: "销售服务型企业"}
)


class Grade(StrEnum):
    """The grade of a score sheet or certificate, lowest first (docs/domain.md §1.7)."""

    FAIL = "fail"
    COMPLIANT = "compliant"
    THREE_STAR = "three_star"
    FOUR_STAR = "four_star"
    FIVE_STAR = "five_star"

    @property
    def rank(self) -> int:
        """Order of the grades: ``fail`` is 0, ``five_star`` is 4."""
        return _GRADE_RANKS[self]

    @property
    def name_zh(self) -> str:
        """The Chinese name printed on certificates and in the register."""
        return GRADE_NAMES_ZH[self]


# Declaration order is the order of merit; rank follows it.
_GRADE_RANKS: Mapping[Grade, int] = MappingProxyType({g: i for i, g in enumerate(Grade)})

GRADE_NAMES_ZH: Mapping[Grade, str] = MappingProxyType(
    {
        Grade.FAIL: "不合格",
        Grade.COMPLIANT: "达标",
        Grade.THREE_STAR: "三星级",
        Grade.FOUR_STAR: "四星级",
        Grade.FIVE_STAR: "五星级",
    }
)


def grade_rank(grade: Grade) -> int:
    """Rank of a grade for comparisons (``fail`` lowest)."""
    return grade.rank


class Role(StrEnum):
    """Roles a user may hold (docs/api.md, Authentication and roles); several per user."""

    ADMIN = "admin"
    STAFF = "staff"
    AUDITOR = "auditor"
    COMMITTEE = "committee"
    INTEGRATOR = "integrator"


class ApplicationStatus(StrEnum):
    """Status of an application for certification (docs/domain.md §7.1)."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    IN_AUDIT = "in_audit"
    CERTIFIED = "certified"
    REFUSED = "refused"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class AuditKind(StrEnum):
    """Kind of audit: initial, yearly surveillance, recertification, or a grade upgrade
    (docs/domain.md §3, §6)."""

    INITIAL = "initial"
    SURVEILLANCE = "surveillance"
    RECERTIFICATION = "recertification"
    UPGRADE = "upgrade"


# as the audit register names them (初次评审, 监督评审, 复评, 升级评审)
AUDIT_KIND_NAMES_ZH: Mapping[AuditKind, str] = MappingProxyType(
    {
        AuditKind.INITIAL: "初次评审",
        AuditKind.SURVEILLANCE: "监督评审",
        AuditKind.RECERTIFICATION: "复评",
        AuditKind.UPGRADE: "升级评审",
    }
)


class AuditWarning(StrEnum):
    """Warnings of an audit plan: reported, never refused (docs/domain.md §5, §7)."""

    TEAM_DAYS_SHORT = "audit.team_days_short"
    BEFORE_SURVEILLANCE_WINDOW = "audit.before_surveillance_window"
    SITES_UNDERSAMPLED = "audit.sites_undersampled"


class AuditStatus(StrEnum):
    """Status of an audit (docs/domain.md §7.2)."""

    PLANNED = "planned"
    STAGE1_PASSED = "stage1_passed"
    STAGE1_FAILED = "stage1_failed"
    SCORING = "scoring"
    COMPLETED = "completed"
    DECIDED = "decided"
    CANCELLED = "cancelled"


class SiteKind(StrEnum):
    """What a site of an organisation is (its 售后服务网点清单); one headquarters each."""

    HEADQUARTERS = "headquarters"
    SERVICE_OUTLET = "service_outlet"
    REPAIR_CENTRE = "repair_centre"
    WAREHOUSE = "warehouse"


class CertificateChangeStatus(StrEnum):
    """A change certificate (证书变更): applied at once, or pending a committee decision
    when it extends scope or sites, then applied or refused."""

    PENDING = "pending"
    APPLIED = "applied"
    REFUSED = "refused"


class CertificateStatus(StrEnum):
    """Status of a certificate, in CNCA wording (docs/domain.md §7.3)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


CERTIFICATE_STATUS_NAMES_ZH: Mapping[CertificateStatus, str] = MappingProxyType(
    {
        CertificateStatus.ACTIVE: "有效",
        CertificateStatus.SUSPENDED: "暂停",
        CertificateStatus.WITHDRAWN: "撤销",
        CertificateStatus.CANCELLED: "注销",
        CertificateStatus.EXPIRED: "过期",
        CertificateStatus.SUPERSEDED: "已换证",
    }
)


class SuspensionCause(StrEnum):
    """Why a certificate is suspended; a suspension carries a set of them (docs/domain.md §7).

    A granted surveillance lifts the surveillance causes; a staff reinstatement lifts
    ``body_decision`` only.
    """

    SURVEILLANCE_REFUSED = "surveillance_refused"
    SURVEILLANCE_OVERDUE = "surveillance_overdue"
    BODY_DECISION = "body_decision"


SURVEILLANCE_CAUSES: frozenset[SuspensionCause] = frozenset(
    {SuspensionCause.SURVEILLANCE_REFUSED, SuspensionCause.SURVEILLANCE_OVERDUE}
)


class DecisionOutcome(StrEnum):
    """Outcome of a certification decision (docs/domain.md §8)."""

    GRANT = "grant"
    REFUSE = "refuse"


DECISION_OUTCOME_NAMES_ZH: Mapping[DecisionOutcome, str] = MappingProxyType(
    {DecisionOutcome.GRANT: "批准", DecisionOutcome.REFUSE: "不批准"}
)


class CorrectiveActionStatus(StrEnum):
    """A corrective action opened by a special deduction is open until evidence closes it."""

    OPEN = "open"
    CLOSED = "closed"


class SpecialDeductionCategory(StrEnum):
    """The four categories of special deductions (特别扣分项, docs/domain.md §1.5)."""

    LEGAL = "legal"
    SERVICE_RULES = "service_rules"
    INDUSTRY = "industry"
    SYSTEM_OPERATION = "system_operation"


class DocumentCode(StrEnum):
    """Codes of the documents of an applicant's dossier (docs/domain.md §2.1)."""

    BUSINESS_LICENCE = "business_licence"
    PRODUCT_SERVICE_DESCRIPTION = "product_service_description"
    APPLICABLE_REGULATIONS = "applicable_regulations"
    ORGANISATION_PROFILE = "organisation_profile"
    ORGANISATION_CHART = "organisation_chart"
    SERVICE_NETWORK_LIST = "service_network_list"
    SALES_CHANNEL_DESCRIPTION = "sales_channel_description"
    SERVICE_SYSTEM_DESCRIPTION = "service_system_description"
    SERVICE_MANAGEMENT_DOCUMENTS = "service_management_documents"
    PERMITS = "permits"
    OTHER_CERTIFICATES = "other_certificates"


# §4: the first nine are required; permits and other certificates are optional.
REQUIRED_DOCUMENTS: frozenset[DocumentCode] = frozenset(DocumentCode) - {
    DocumentCode.PERMITS,
    DocumentCode.OTHER_CERTIFICATES,
}

DOCUMENT_NAMES_ZH: Mapping[DocumentCode, str] = MappingProxyType(
    {
        DocumentCode.BUSINESS_LICENCE: "营业执照",
        DocumentCode.PRODUCT_SERVICE_DESCRIPTION: "产品/服务介绍",
        DocumentCode.APPLICABLE_REGULATIONS: "适用法律法规/标准清单",
        DocumentCode.ORGANISATION_PROFILE: "组织简介",
        DocumentCode.ORGANISATION_CHART: "组织机构图(含售后服务组织)",
        DocumentCode.SERVICE_NETWORK_LIST: "销售/售后服务网点清单",
        DocumentCode.SALES_CHANNEL_DESCRIPTION: "商品销售方式介绍",
        DocumentCode.SERVICE_SYSTEM_DESCRIPTION: "售后服务体系建设与提供方式、设施投入、经费保证",
        DocumentCode.SERVICE_MANAGEMENT_DOCUMENTS: "售后服务管理体系文件及清单",
        DocumentCode.PERMITS: "生产/服务许可证或资质证书",
        DocumentCode.OTHER_CERTIFICATES: "已获体系/产品认证及荣誉证书",
    }
)


class FindingSeverity(StrEnum):
    """Blocking findings prevent accepting an application; warnings do not (docs/domain.md §2.2)."""

    BLOCKING = "blocking"
    WARNING = "warning"
