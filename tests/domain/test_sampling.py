"""Sampling of service outlets: ⌈√n⌉ visits, by integer arithmetic, for every n up to 10,000."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.sampling import required_visits, undersampled


def _by_definition(n: int) -> int:
    """The least k ≥ 0 with k² ≥ n, searched for: ⌈√n⌉ without a square root."""
    k = 0
    while k * k < n:
        k += 1
    return k


def test_every_n_up_to_ten_thousand_meets_the_definition() -> None:
    k = 0
    for n in range(10_001):
        while k * k < n:  # the same search as _by_definition, carried along n
            k += 1
        assert required_visits(n) == k, n


@pytest.mark.parametrize(
    ("n", "visits"),
    [(0, 0), (1, 1), (2, 2), (3, 2), (4, 2), (5, 3), (9, 3), (10, 4), (16, 4), (17, 5),
     (100, 10), (101, 11), (10_000, 100)],
)  # fmt: skip
def test_worked_examples(n: int, visits: int) -> None:
    assert required_visits(n) == visits == _by_definition(n)


@given(st.integers(min_value=0, max_value=10**30))
def test_the_least_k_whose_square_covers_n(n: int) -> None:
    k = required_visits(n)
    assert k * k >= n
    assert k == 0 or (k - 1) * (k - 1) < n


@given(st.integers(min_value=0, max_value=10**6), st.data())
def test_undersampled_exactly_below_the_requirement(n: int, data: st.DataObject) -> None:
    visited = data.draw(st.integers(min_value=0, max_value=n))
    assert undersampled(n, visited) is (visited < required_visits(n))


def test_nine_outlets_need_three_visits() -> None:
    assert undersampled(9, 2)
    assert not undersampled(9, 3)
    assert not undersampled(0, 0)


@pytest.mark.parametrize(("n", "visited"), [(-1, 0), (3, -1), (3, 4)])
def test_impossible_counts_are_programming_errors(n: int, visited: int) -> None:
    with pytest.raises(ValueError, match=r"outlets|visited"):
        undersampled(n, visited)


def test_a_negative_count_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        required_visits(-1)
