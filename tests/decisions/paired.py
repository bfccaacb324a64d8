"""Paired comparisons of two arms run on the same seeds (common random numbers).

Each seed gives one pair of outcomes. Only discordant pairs carry information about a
difference; under no effect each is as likely to favour either arm, so the count favouring
one arm is Binomial(discordant, 1/2): the exact one-sided sign test (McNemar's test for
paired proportions, in its exact form).
"""

from __future__ import annotations

from collections.abc import Sequence
from math import comb


def sign_test(more: int, less: int) -> float:
    """One-sided p-value that ``more`` or more of ``more + less`` discordant pairs favour
    the arm predicted to be higher, if each pair favoured either arm with probability 1/2."""
    n = more + less
    return sum(comb(n, k) for k in range(more, n + 1)) / 2 ** n if n else 1.0


def discordant(low: Sequence[float], high: Sequence[float]) -> tuple[int, int]:
    """(pairs where ``high`` exceeds ``low``, pairs where ``low`` exceeds ``high``)."""
    up = sum(1 for a, b in zip(low, high, strict=True) if b > a)
    down = sum(1 for a, b in zip(low, high, strict=True) if a > b)
    return up, down
