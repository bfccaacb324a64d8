"""Escalation over time across runs: how many runs stand at each rung at each moment.

Read from a results table in batches and accumulated into a (time × level) count matrix,
so the profile of a million runs takes the memory of one matrix. A run stands at the
ladder's first rung until its first ``rung`` event and keeps its last level after it ends
(a settled crisis stays where it settled; a war at the rung it reached).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brinkmanship.analysis.storage import Store

GRID_POINTS = 241


@dataclass(frozen=True)
class Profile:
    """Counts of runs by ladder level over a time grid, and outcomes reached by each time."""

    hours: np.ndarray  # grid, hours from the scenario's start
    levels: np.ndarray  # ladder levels, ascending
    counts: np.ndarray  # (len(hours), len(levels)) runs at that level at that time
    settled: np.ndarray  # runs settled by each time
    at_war: np.ndarray  # runs at war by each time
    runs: int

    def quantile(self, q: float) -> np.ndarray:
        """The ``q`` quantile of the level across runs, at each time of the grid."""
        cum = np.cumsum(self.counts, axis=1)
        idx = np.argmax(cum >= q * self.runs - 1e-9, axis=1)
        return self.levels[idx]

    def at_least(self, level: float) -> np.ndarray:
        """The share of runs at ``level`` or higher, at each time of the grid."""
        return self.counts[:, self.levels >= level].sum(axis=1) / max(self.runs, 1)

    def mean(self) -> np.ndarray:
        return (self.counts @ self.levels) / max(self.runs, 1)


def escalation_profile(store: Store, arm: str, seeds: range | None = None,
                       points: int = GRID_POINTS) -> Profile:
    """The profile of ``arm``'s runs over the scenario's whole time."""
    sc = store.study.scenario
    horizon = (sc.scenario.end - sc.scenario.start).total_seconds() / 3600
    hours = np.linspace(0.0, horizon, points)
    levels = np.array(sorted({r.level for r in sc.ladder}), dtype=float)
    start_level = store.layout.initial_level
    diff = np.zeros((points + 1, len(levels)))
    settled = np.zeros(points + 1)
    at_war = np.zeros(points + 1)
    runs = 0
    for batch in store.batches(["outcome", "hours", "rung_hours", "rung_levels"], arm, seeds):
        cols = batch.to_pydict()
        for outcome, end, rh, rl in zip(cols["outcome"], cols["hours"], cols["rung_hours"],
                                        cols["rung_levels"], strict=True):
            runs += 1
            _add_steps(diff, hours, levels, start_level, rh or [], rl or [])
            if outcome == "settlement":
                settled[_index(hours, end)] += 1
            elif outcome == "war":
                at_war[_index(hours, end)] += 1
    return Profile(hours, levels, np.cumsum(diff, axis=0)[:points],
                   np.cumsum(settled)[:points], np.cumsum(at_war)[:points], runs)


def _add_steps(diff: np.ndarray, hours: np.ndarray, levels: np.ndarray, start: int,
               at: list[float], to: list[int]) -> None:
    """Add one run's step function (level ``start``, then ``to[i]`` from ``at[i]``)."""
    level = start
    since = 0
    for when, new in zip(at, to, strict=True):
        i = _index(hours, when)
        col = int(np.searchsorted(levels, level))
        diff[since, col] += 1
        diff[i, col] -= 1
        level, since = new, i
    col = int(np.searchsorted(levels, level))
    diff[since, col] += 1


def _index(hours: np.ndarray, h: float) -> int:
    """The first grid point at or after ``h``."""
    return int(np.searchsorted(hours, h - 1e-9))
