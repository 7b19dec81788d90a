"""Sampling of service outlets for an audit's site visits (docs/domain.md §3.3).

An organisation with many service outlets (服务网点) is not visited everywhere: the audit plan
visits a sample, and the usual rule for multi-site certification asks for at least the square
root of the number of outlets, rounded up. Fewer is a warning of the plan
(``audit.sites_undersampled``), never a refusal. Integer arithmetic only: ``math.isqrt``.
"""

from __future__ import annotations

from math import isqrt


def required_visits(outlets: int) -> int:
    """⌈√n⌉: the fewest of ``outlets`` service outlets an audit should visit (0 for none)."""
    if outlets < 0:
        raise ValueError("the number of outlets cannot be negative")
    root = isqrt(outlets)
    return root if root * root == outlets else root + 1


def undersampled(outlets: int, visited: int) -> bool:
    """True when ``visited`` of the ``outlets`` in scope are fewer than ``required_visits``."""
    if not 0 <= visited <= outlets:
        raise ValueError("visited must be between 0 and the number of outlets in scope")
    return visited < required_visits(outlets)
