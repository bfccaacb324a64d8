"""The escalation profile behind the fan chart agrees with the rows it is folded from."""

from __future__ import annotations

import numpy as np

from brinkmanship.analysis import monte_carlo
from brinkmanship.analysis.profiles import escalation_profile
from brinkmanship.scenario.schema import Scenario


def test_profile_counts_every_run_at_every_time(harbour: Scenario) -> None:
    with monte_carlo(harbour, runs=150, seed_start=300) as res:
        profile = escalation_profile(res.store, "baseline", points=61)
        rows = res.to_arrow().to_pylist()
    assert profile.runs == 150
    assert np.all(profile.counts.sum(axis=1) == 150)
    assert profile.hours[0] == 0 and profile.hours[-1] == 72  # the harbour's three days
    # The ladder only rises, so at the horizon a run stands at its highest level.
    for level in profile.levels:
        expect = sum(r["max_level"] >= level for r in rows) / 150
        assert profile.at_least(level)[-1] == expect
    # Half way through: the level each run had reached by then, from its own rises.
    mid = 30
    t = profile.hours[mid]
    reached = [max([lv for h, lv in zip(r["rung_hours"], r["rung_levels"], strict=True)
                    if h <= t] + [0]) for r in rows]
    assert list(profile.counts[mid]) == [reached.count(int(v)) for v in profile.levels]
    # The q-quantile is the lowest level at or below which a share q of the runs stand.
    assert profile.quantile(0.5)[mid] == sorted(reached)[74]
    assert profile.quantile(0.95)[mid] == sorted(reached)[int(np.ceil(0.95 * 150)) - 1]
    ended = [r for r in rows if r["hours"] <= t]
    assert profile.settled[mid] + profile.at_war[mid] == len(ended)
