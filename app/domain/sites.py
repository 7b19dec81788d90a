"""Sites of an organisation (服务网点) and the sites an application puts in its scope.

An organisation has one headquarters, made with it and never deactivated, and any number of
service outlets, repair centres and warehouses. An application's scope names some of its
active sites; the headquarters is always among them. Sites are listed headquarters first,
then by id.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from app.domain.enums import SiteKind
from app.domain.problems import APPLICATION_UNKNOWN_SITE, SITE_HEADQUARTERS_REQUIRED, FieldError


def site_order(kind: str, site_id: int) -> tuple[int, int]:
    """The sort key of a site in every list: the headquarters first, then by id."""
    return (0 if kind == SiteKind.HEADQUARTERS else 1, site_id)


def check_active(kind: SiteKind, active: bool) -> None:
    """A headquarters stays active: ``site.headquarters_required`` otherwise."""
    if kind is SiteKind.HEADQUARTERS and not active:
        raise SITE_HEADQUARTERS_REQUIRED(
            "the headquarters site cannot be deactivated: every organisation keeps one"
        )


def scope_site_ids(
    requested: Sequence[int],
    active: Collection[int],
    headquarters: int | None,
    *,
    field: str = "site_ids",
) -> list[int]:
    """The ids of an application's sites: those ``requested`` plus the ``headquarters``
    (None only for an organisation that has none), headquarters first, then ascending.

    Each requested id must be among the organisation's ``active`` sites, else
    ``application.unknown_site`` naming every such entry of ``body.<field>``.
    """
    errors = [
        FieldError(
            ("body", field, index), f"site {site_id} is not an active site of the organisation"
        )
        for index, site_id in enumerate(requested)
        if site_id not in active
    ]
    if errors:
        unknown = ", ".join(str(requested[int(e.loc[-1])]) for e in errors)
        raise APPLICATION_UNKNOWN_SITE(
            f"not active sites of the application's organisation: {unknown}", errors=errors
        )
    others = sorted(set(requested) - {headquarters})
    return others if headquarters is None else [headquarters, *others]
