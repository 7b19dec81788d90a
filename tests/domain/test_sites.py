"""Sites: the headquarters stays active, and an application's sites are those asked for
that are active, plus the headquarters, headquarters first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.enums import SiteKind
from app.domain.problems import DomainError
from app.domain.sites import check_active, scope_site_ids, site_order


@pytest.mark.parametrize("kind", list(SiteKind))
@pytest.mark.parametrize("active", [True, False])
def test_only_the_headquarters_must_stay_active(kind: SiteKind, active: bool) -> None:
    if kind is SiteKind.HEADQUARTERS and not active:
        with pytest.raises(DomainError) as caught:
            check_active(kind, active)
        assert caught.value.code == "site.headquarters_required"
        assert caught.value.status == 409
    else:
        check_active(kind, active)


def test_the_headquarters_sorts_first_then_ids() -> None:
    sites = [(SiteKind.WAREHOUSE, 2), (SiteKind.SERVICE_OUTLET, 1), (SiteKind.HEADQUARTERS, 9)]
    assert sorted(sites, key=lambda s: site_order(*s)) == [
        (SiteKind.HEADQUARTERS, 9),
        (SiteKind.SERVICE_OUTLET, 1),
        (SiteKind.WAREHOUSE, 2),
    ]


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        ([], [5]),  # none asked for: the headquarters alone
        ([7, 3], [5, 3, 7]),
        ([5], [5]),  # the headquarters named as well: once
        ([7, 5, 3], [5, 3, 7]),
    ],
)
def test_the_headquarters_is_always_added(requested: list[int], expected: list[int]) -> None:
    assert scope_site_ids(requested, {3, 5, 7}, 5) == expected


def test_an_organisation_without_headquarters_gets_what_it_asked() -> None:
    assert scope_site_ids([7, 3], {3, 7}, None) == [3, 7]


def test_every_unknown_or_inactive_site_is_named() -> None:
    with pytest.raises(DomainError) as caught:
        scope_site_ids([3, 8, 7, 9], {3, 5, 7}, 5, field="site_ids")
    error = caught.value
    assert error.code == "application.unknown_site" and error.status == 422
    assert [e.loc for e in error.errors] == [("body", "site_ids", 1), ("body", "site_ids", 3)]
    assert "8, 9" in error.detail


ids = st.integers(min_value=1, max_value=40)


@given(
    requested=st.lists(ids, max_size=12),
    active=st.sets(ids, max_size=20),
    headquarters=ids,
)
def test_scope_sites_properties(requested: list[int], active: set[int], headquarters: int) -> None:
    active = active | {headquarters}  # a headquarters is always active
    unknown = [i for i, s in enumerate(requested) if s not in active]
    if unknown:
        with pytest.raises(DomainError) as caught:
            scope_site_ids(requested, active, headquarters)
        assert [e.loc[-1] for e in caught.value.errors] == unknown
        return
    result = scope_site_ids(requested, active, headquarters)
    assert result[0] == headquarters
    assert set(result) == set(requested) | {headquarters}
    assert len(result) == len(set(result))
    assert result[1:] == sorted(result[1:])
