"""Confidence intervals for shares of runs and for paired differences between arms.

Two methods, both at 95 % by default:

* :func:`wilson` — the Wilson score interval for a binomial share (Wilson 1927; Newcombe
  1998, method 3). Unlike the plain normal interval it stays inside [0, 1] and is not
  empty when the count is 0 or n.
* :func:`paired_difference` — the difference of two arms run on the *same* seeds (common
  random numbers). Each seed gives one difference ``d_i = a_i - b_i`` (for a share, of two
  0/1 indicators); the estimate is their mean and the interval ``mean ± z·sd/√n``, with
  ``sd`` the sample standard deviation of the ``d_i``. Pairing removes the variance the two
  arms share, so the interval is narrower than one from independent samples whenever the
  arms agree on most seeds. When every pair agrees (``sd = 0``) the interval has width zero:
  the data show no difference at all, but that is no proof of none, so the discordant
  counts are reported beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Share:
    """``count`` of ``n`` runs, with the Wilson interval of the share."""

    count: int
    n: int
    share: float
    low: float
    high: float

    def to_dict(self) -> dict[str, object]:
        return {"count": self.count, "share": _r(self.share),
                "ci95": [_r(self.low), _r(self.high)]}


@dataclass(frozen=True)
class Difference:
    """A paired difference ``arm - baseline`` over ``n`` seeds and its interval.

    For shares, ``gained`` counts seeds where the arm has the outcome and the baseline not,
    ``lost`` the reverse; they are zero for differences of means.
    """

    diff: float
    low: float
    high: float
    n: int
    sd: float
    gained: int = 0
    lost: int = 0

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"diff": _r(self.diff), "ci95": [_r(self.low), _r(self.high)],
                                  "n": self.n}
        if self.gained or self.lost:
            out["discordant"] = {"gained": self.gained, "lost": self.lost}
        return out


def wilson(count: int, n: int, z: float = Z95) -> Share:
    """The share ``count / n`` and its Wilson score interval; ``n`` must be positive."""
    if n <= 0:
        raise ValueError("a share needs at least one run")
    if not 0 <= count <= n:
        raise ValueError(f"count {count} is not between 0 and {n}")
    p = count / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # Clamp the rounding noise at the ends: the exact bounds for 0/n and n/n are 0 and 1.
    return Share(count, n, p, max(0.0, centre - half), min(1.0, centre + half))


def paired_difference(arm: Sequence[float], baseline: Sequence[float],
                      z: float = Z95) -> Difference:
    """Mean of ``arm[i] - baseline[i]`` and its normal interval from the paired differences.

    Both sequences are per seed, in the same seed order. With 0/1 indicators the result is
    the difference of two shares, and the discordant pairs are counted.
    """
    n = len(arm)
    if n != len(baseline):
        raise ValueError(f"paired samples differ in length ({n} and {len(baseline)})")
    if n == 0:
        raise ValueError("a paired difference needs at least one seed")
    diffs = [a - b for a, b in zip(arm, baseline, strict=True)]
    mean = sum(diffs) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1)) if n > 1 else 0.0
    half = z * sd / math.sqrt(n)
    gained = sum(1 for d in diffs if d > 0)
    lost = sum(1 for d in diffs if d < 0)
    binary = all(v in (0, 1) for v in arm) and all(v in (0, 1) for v in baseline)
    return Difference(mean, mean - half, mean + half, n, sd,
                      gained if binary else 0, lost if binary else 0)


def mean_interval(values: Sequence[float], z: float = Z95) -> tuple[float, float, float]:
    """The mean of ``values`` and its normal interval ``mean ± z·sd/√n``."""
    n = len(values)
    if n == 0:
        raise ValueError("a mean needs at least one value")
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    half = z * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def _r(x: float) -> float:
    return round(x, 6)
