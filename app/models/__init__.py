"""Mapped classes; importing this package registers them all on ``Base``."""

from app.models.api_key import ApiKey
from app.models.application import Application
from app.models.audit import (
    Audit,
    AuditTeamMember,
    CorrectiveAction,
    Decision,
    ScoreSheet,
    ScoreSheetItem,
)
from app.models.base import Base
from app.models.certificate import Certificate, CertificateChange, CertificateRevision
from app.models.event import Event, EventChain
from app.models.organisation import Organisation
from app.models.rubric import RubricEdition
from app.models.sequence import NumberSequence
from app.models.site import Site, application_sites, audit_sites
from app.models.user import User, UserRole

__all__ = [
    "ApiKey",
    "Application",
    "Audit",
    "AuditTeamMember",
    "Base",
    "Certificate",
    "CertificateChange",
    "CertificateRevision",
    "CorrectiveAction",
    "Decision",
    "Event",
    "EventChain",
    "NumberSequence",
    "Organisation",
    "RubricEdition",
    "ScoreSheet",
    "ScoreSheetItem",
    "Site",
    "User",
    "UserRole",
    "application_sites",
    "audit_sites",
]
