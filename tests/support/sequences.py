"""Generated test data that depends on the test alone, never on the tests run before it.

The helpers of tests/support number what they make (names, e-mails, certificate numbers) and
draw USCCs from a seeded random stream. Each helper module owns a ``Sequence``; every sequence
restarts before each test (``restart_all``, called by an autouse fixture in tests/conftest.py),
so a test gets the same generated values when run alone, in the full run, or in any order.
"""

from __future__ import annotations

import random

_SEQUENCES: list[Sequence] = []


class Sequence:
    """Serials counting from 1 and a random stream from a fixed seed, both restartable."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self._last = 0
        _SEQUENCES.append(self)

    def next(self) -> int:
        """The next serial of this test: 1, 2, 3, …"""
        self._last += 1
        return self._last

    def restart(self) -> None:
        self.rng.seed(self.seed)
        self._last = 0


def restart_all() -> None:
    """Start every sequence afresh, as at the beginning of a test."""
    for sequence in _SEQUENCES:
        sequence.restart()
