"""Typed domain errors.

Every rule of the standard that refuses something raises one of these. Each carries the
stable problem ``code`` of api.md and the HTTP status it maps to; ``app.problems`` turns them
into ``application/problem+json`` in one place. Nothing here imports a web framework.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class FieldError:
    """One located error inside a request (rendered into the problem's ``errors``)."""

    loc: tuple[str | int, ...]
    msg: str


class DomainError(Exception):
    """Base of every refusal the service can explain to its caller."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"

    def __init__(self, code: str, detail: str, *, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.errors = tuple(errors)


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class Unprocessable(DomainError):
    status = 422
    title = "Unprocessable content"


class PreconditionFailed(DomainError):
    status = 412
    title = "Precondition failed"


class InvalidTransition(Conflict):
    """A state machine refused an action: ``<entity>.invalid_transition``."""

    def __init__(self, entity: str, state: str, action: str) -> None:
        super().__init__(
            f"{entity}.invalid_transition",
            f"cannot {action.replace('_', ' ')} a {entity.replace('_', ' ')} "
            f"that is {state.replace('_', ' ')}",
        )
        self.entity = entity
        self.state = state
        self.action = action
