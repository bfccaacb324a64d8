"""Intervals against published values and hand computations."""

from __future__ import annotations

import math

import pytest

from brinkmanship.analysis.stats import mean_interval, paired_difference, wilson


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


def test_paired_difference_by_hand() -> None:
    arm = [1, 1, 0, 1, 0, 1, 1, 0]
    base = [1, 0, 0, 0, 0, 1, 1, 1]
    d = paired_difference(arm, base)
    diffs = [a - b for a, b in zip(arm, base, strict=True)]  # 0,1,0,1,0,0,0,-1
    mean = sum(diffs) / 8
    sd = math.sqrt(sum((x - mean) ** 2 for x in diffs) / 7)
    assert d.diff == pytest.approx(0.125)
    assert d.sd == pytest.approx(sd)
    assert d.high - d.diff == pytest.approx(1.959963984540054 * sd / math.sqrt(8))
    assert (d.gained, d.lost) == (2, 1)


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
    from brinkmanship.analysis.summary import _difference

    # Two seeds, one lost: the normal approximation alone would reach -148 points.
    d = _difference(-0.5, 0.7071, 2, 0, 1, share=True)
    assert d.low == -1.0 and d.high < 1.0
    assert _difference(-0.5, 0.7071, 2, 0, 1).low < -1.0, "payoff means are not clipped"
