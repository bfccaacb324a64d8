"""The escalation profile behind the fan chart agrees with the rows it is folded from."""

from __future__ import annotations

import numpy as np

from brinkmanship.analysis import monte_carlo
from brinkmanship.analysis.profiles import escalation_profile
from brinkmanship.scenario.schema import Scenario


def _level_by(row: dict, t: float) -> int:
    return max([lv for h, lv in zip(row["rung_hours"], row["rung_levels"], strict=True)
                if h <= t] + [0])


def test_profile_counts_each_run_while_it_is_in_progress(harbour: Scenario) -> None:
    with monte_carlo(harbour, runs=150, seed_start=300) as res:
        profile = escalation_profile(res.store, "baseline", points=61)
        rows = res.to_arrow().to_pylist()
    assert profile.runs == 150
    assert profile.hours[0] == 0 and profile.hours[-1] == 72  # the harbour's three days
    horizon = profile.hours[-1]
    ended_early = [r for r in rows if r["hours"] < horizon]
    assert ended_early, "the test needs runs that end before the horizon"
    for i, t in enumerate(profile.hours):
        going = [r for r in rows if r["hours"] > t or r["hours"] >= horizon or i == 0]
        # A run stands on the ladder only while it is in progress: a settled crisis is not
        # drawn at its last rung until the horizon.
        assert profile.active[i] == len(going)
        assert list(profile.counts[i]) == [sum(_level_by(r, t) == v for r in going)
                                           for v in profile.levels]
        # What runs had reached by then counts every run, ended or not.
        for level in profile.levels:
            expect = sum(_level_by(r, t) >= level for r in rows) / 150
            assert profile.at_least(level)[i] == expect
    # At the horizon a run has reached its highest level (the ladder only rises).
    for level in profile.levels:
        assert profile.at_least(level)[-1] == sum(r["max_level"] >= level for r in rows) / 150
    mid = max(i for i, n in enumerate(profile.active) if n >= 30)  # some runs have ended
    t = profile.hours[mid]
    assert profile.active[mid] < 150
    going = sorted(_level_by(r, t) for r in rows if r["hours"] > t)
    # The q-quantile: the lowest level at or below which a share q of the runs in progress
    # stand.
    assert profile.quantile(0.5)[mid] == going[int(np.ceil(0.5 * len(going))) - 1]
    assert profile.quantile(0.95)[mid] == going[int(np.ceil(0.95 * len(going))) - 1]
    ended = [r for r in rows if r["hours"] <= t]
    assert profile.settled[mid] + profile.at_war[mid] == len(ended)
