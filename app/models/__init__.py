"""Mapped classes, one per file; importing this package registers them all on ``Base``."""

from app.models.api_key import ApiKey
from app.models.base import Base
from app.models.event import Event, EventChain
from app.models.user import User, UserRole

__all__ = ["ApiKey", "Base", "Event", "EventChain", "User", "UserRole"]
