"""Confidence intervals for shares of runs and for paired differences between arms.

Three methods, all at 95 % by default:

* :func:`wilson` — the Wilson score interval for a binomial share (Wilson 1927; Newcombe
  1998, method 3). Unlike the plain normal interval it stays inside [0, 1] and is not
  empty when the count is 0 or n.
* :func:`paired_shares` — the difference of two shares measured on the *same* seeds
  (common random numbers): Newcombe's square-and-add score interval for paired proportions
  (Newcombe, R. G. 1998, "Improved confidence intervals for the difference between
  binomial proportions based on paired data", Statistics in Medicine 17, 2635-2650,
  method 10). It combines the Wilson intervals of the two shares with the correlation of
  the pairs, so pairing still narrows it when the arms agree on most seeds; unlike the
  normal interval from the per-seed differences (Newcombe's method 1) it keeps its coverage
  when few seeds differ, and when none do it is not empty: no discordant pair is no proof
  of no difference. The discordant counts (seeds gained and lost) are reported beside it.
  statsmodels 0.15 offers intervals for independent proportions only, hence our own.
* :func:`paired_difference` — the mean of per-seed differences of any quantity (a
  payoff) and its normal interval ``mean ± z·sd/√n``; for 0/1 indicators it gives the
  difference of shares by :func:`paired_shares`.
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

    For shares (``share``), ``gained`` counts seeds where the arm has the outcome and the
    baseline not, ``lost`` the reverse; they are zero for differences of means.
    """

    diff: float
    low: float
    high: float
    n: int
    sd: float
    gained: int = 0
    lost: int = 0
    share: bool = False

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"diff": _r(self.diff), "ci95": [_r(self.low), _r(self.high)],
                                  "n": self.n}
        if self.share or self.gained or self.lost:
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


def paired_shares(both: int, gained: int, lost: int, n: int, z: float = Z95) -> Difference:
    """The difference ``arm share - baseline share`` over ``n`` paired seeds, with
    Newcombe's (1998) method-10 score interval.

    ``both`` seeds have the outcome in both arms, ``gained`` only in the arm, ``lost`` only
    in the baseline; the other ``n - both - gained - lost`` in neither.
    """
    neither = n - both - gained - lost
    if n <= 0 or min(both, gained, lost, neither) < 0:
        raise ValueError(f"paired counts {both}, {gained}, {lost} do not fit {n} seeds")
    p1, p2 = (both + gained) / n, (both + lost) / n
    a, b = wilson(both + gained, n, z), wilson(both + lost, n, z)
    phi = _phi(both, gained, lost, neither, n)
    diff = p1 - p2
    down = math.sqrt(max(0.0, (p1 - a.low) ** 2 - 2 * phi * (p1 - a.low) * (b.high - p2)
                         + (b.high - p2) ** 2))
    up = math.sqrt(max(0.0, (p2 - b.low) ** 2 - 2 * phi * (p2 - b.low) * (a.high - p1)
                       + (a.high - p1) ** 2))
    sd = math.sqrt(max(0.0, ((gained + lost) / n - diff * diff) * n / (n - 1))) if n > 1 else 0.0
    return Difference(diff, max(-1.0, diff - down), min(1.0, diff + up), n, sd, gained, lost,
                      share=True)


def _phi(both: int, gained: int, lost: int, neither: int, n: int) -> float:
    """Newcombe's correction for the correlation of the pairs: the phi coefficient of the
    2x2 table with its numerator moved towards zero by n/2 when positive (as a continuity
    correction), and 0 when a margin is empty."""
    margins = (both + gained) * (lost + neither) * (both + lost) * (gained + neither)
    if margins == 0:
        return 0.0
    cross = both * neither - gained * lost
    numerator = cross - n / 2 if cross > n / 2 else (cross if cross < 0 else 0.0)
    return numerator / math.sqrt(margins)


def paired_difference(arm: Sequence[float], baseline: Sequence[float],
                      z: float = Z95) -> Difference:
    """Mean of ``arm[i] - baseline[i]`` and its interval.

    Both sequences are per seed, in the same seed order. With 0/1 indicators the result is
    the difference of two shares with its score interval (:func:`paired_shares`) and the
    discordant pairs counted; otherwise the normal interval of the paired differences.
    """
    n = len(arm)
    if n != len(baseline):
        raise ValueError(f"paired samples differ in length ({n} and {len(baseline)})")
    if n == 0:
        raise ValueError("a paired difference needs at least one seed")
    if all(v in (0, 1) for v in arm) and all(v in (0, 1) for v in baseline):
        pairs = list(zip(arm, baseline, strict=True))
        return paired_shares(pairs.count((1, 1)), pairs.count((1, 0)), pairs.count((0, 1)), n,
                             z)
    diffs = [a - b for a, b in zip(arm, baseline, strict=True)]
    mean = sum(diffs) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1)) if n > 1 else 0.0
    half = z * sd / math.sqrt(n)
    return Difference(mean, mean - half, mean + half, n, sd)


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
