"""Intervals against published values and hand computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from brinkmanship.analysis.stats import mean_interval, paired_difference, paired_shares, wilson


@pytest.mark.parametrize(("count", "n", "low", "high"), [
    # Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
    # comparison of seven methods. Statistics in Medicine 17, 857-872: its worked examples,
    # method 3 (score interval without continuity correction).
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombe_1998(count: int, n: int, low: float, high: float) -> None:
    share = wilson(count, n)
    assert share.low == pytest.approx(low, abs=5e-5)
    assert share.high == pytest.approx(high, abs=5e-5)
    assert share.share == count / n


def test_wilson_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError):
        wilson(3, 0)
    with pytest.raises(ValueError):
        wilson(5, 4)


def test_paired_difference_of_means_by_hand() -> None:
    arm = [1.5, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0]
    base = [1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    d = paired_difference(arm, base)
    diffs = [a - b for a, b in zip(arm, base, strict=True)]
    mean = sum(diffs) / 8
    sd = math.sqrt(sum((x - mean) ** 2 for x in diffs) / 7)
    assert d.diff == pytest.approx(mean)
    assert d.sd == pytest.approx(sd)
    assert d.high - d.diff == pytest.approx(1.959963984540054 * sd / math.sqrt(8))
    assert not d.share and "discordant" not in d.to_dict()


def test_paired_shares_match_the_published_newcombe_interval() -> None:
    # Fagerland, Lydersen & Laake (2017), Statistical Analysis of Contingency Tables,
    # ch. 8, complete response before and after consolidation therapy (Cavo et al. 2012):
    # n11=59, n12=6, n21=16, n22=80; Newcombe square-and-add interval -0.0621
    # (95% CI -0.1186 to -0.0046).
    d = paired_shares(59, 6, 16, 161)
    assert d.diff == pytest.approx(-0.0621, abs=5e-5)
    assert d.low == pytest.approx(-0.1186, abs=5e-5)
    assert d.high == pytest.approx(-0.0046, abs=5e-5)
    assert (d.gained, d.lost) == (6, 16)


def test_paired_difference_of_indicators_is_the_score_interval() -> None:
    arm = [1, 1, 0, 1, 0, 1, 1, 0]
    base = [1, 0, 0, 0, 0, 1, 1, 1]
    d = paired_difference(arm, base)
    assert d == paired_shares(3, 2, 1, 8)
    assert d.diff == pytest.approx(0.125)
    assert d.to_dict()["discordant"] == {"gained": 2, "lost": 1}


def test_no_discordant_seed_is_no_proof_of_no_difference() -> None:
    # Every seed agrees: the normal interval of the differences would have width zero.
    for both in (0, 7, 20):
        d = paired_shares(both, 0, 0, 20)
        assert d.diff == 0.0 and d.low < -0.05 and d.high > 0.05
        assert d.to_dict()["discordant"] == {"gained": 0, "lost": 0}


def test_pairing_removes_shared_variance() -> None:
    """Arms that agree on most seeds: the paired interval is far narrower than the one
    for two independent samples of the same shares."""
    base = [1] * 40 + [0] * 60
    arm = [1] * 45 + [0] * 55  # the same runs, five more with the outcome
    paired = paired_difference(arm, base)
    pa, pb, n = 0.45, 0.40, 100
    unpaired_half = 1.959963984540054 * math.sqrt(pa * (1 - pa) / n + pb * (1 - pb) / n)
    assert paired.diff == pytest.approx(0.05)
    assert paired.high - paired.diff < unpaired_half / 2


def test_paired_difference_needs_equal_lengths() -> None:
    with pytest.raises(ValueError):
        paired_difference([1, 0], [1])
    with pytest.raises(ValueError):
        paired_difference([], [])


def test_mean_interval() -> None:
    mean, lo, hi = mean_interval([1.0, 2.0, 3.0, 4.0])
    assert mean == 2.5
    assert hi - mean == pytest.approx(1.959963984540054 * math.sqrt(5 / 3) / 2)
    assert mean - lo == pytest.approx(hi - mean)


def test_a_paired_difference_of_shares_stays_within_what_shares_allow() -> None:
    # Two seeds, one lost: the normal approximation would reach -148 points.
    d = paired_shares(0, 0, 1, 2)
    assert -1.0 <= d.low < d.diff == -0.5 < d.high <= 1.0


def _coverage(n: int, cells: tuple[float, float, float, float], draws: int,
              rng: np.random.Generator) -> tuple[float, float]:
    """The share of simulated paired tables whose interval covers the true difference:
    Newcombe's score interval, and the normal interval of the per-seed differences."""
    truth = cells[1] - cells[2]
    tables = rng.multinomial(n, cells, size=draws)
    score = normal = 0
    seen: dict[tuple[int, ...], tuple[bool, bool]] = {}
    for row in map(tuple, tables):
        if row not in seen:
            both, gained, lost, _ = (int(x) for x in row)
            d = paired_shares(both, gained, lost, n)
            arm = [1] * (both + gained) + [0] * (n - both - gained)
            base = [1] * both + [0] * gained + [1] * lost + [0] * (n - both - gained - lost)
            diffs = [a - b for a, b in zip(arm, base, strict=True)]
            mean = sum(diffs) / n
            half = 1.959963984540054 * math.sqrt(sum((x - mean) ** 2 for x in diffs)
                                                 / (n - 1) / n)
            seen[row] = (d.low <= truth <= d.high, mean - half <= truth <= mean + half)
        s, w = seen[row]
        score += s
        normal += w
    return score / draws, normal / draws


@pytest.mark.parametrize(("n", "cells"), [
    # (both, only the arm, only the baseline, neither): rare discordance, as when a
    # counterfactual changes a few runs, and a common one; small numbers of seeds.
    (15, (0.5, 0.04, 0.02, 0.44)),
    (20, (0.05, 0.03, 0.01, 0.91)),
    (30, (0.3, 0.15, 0.05, 0.5)),
    (40, (0.6, 0.01, 0.01, 0.38)),
    (10, (0.2, 0.1, 0.0, 0.7)),
])
def test_the_paired_score_interval_keeps_its_coverage_at_small_n(
        n: int, cells: tuple[float, float, float, float]) -> None:
    rng = np.random.default_rng(20261201)
    score, normal = _coverage(n, cells, 4000, rng)
    # 4000 draws: a standard error of about 0.35 points around 95%.
    assert score >= 0.93, f"score interval covers {score:.3f} at n={n}, cells={cells}"
    if cells[1] != cells[2] and cells[1] + cells[2] <= 0.1:
        # Where the arms truly differ but few seeds show it, the normal interval of the
        # per-seed differences (zero-width when no seed differs) misses far too often.
        assert normal < 0.85, f"the normal interval covers {normal:.3f} here"
