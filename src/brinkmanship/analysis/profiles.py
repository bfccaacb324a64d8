"""Escalation over time across runs: how many runs stand at each rung at each moment.

Read from a results table in batches and accumulated into a (time × level) count matrix,
so the profile of a million runs takes the memory of one matrix. A run stands at the
ladder's first rung until its first ``rung`` event, and is counted only while it is in
progress: from its end (settlement, war, or the horizon) it stands nowhere, so the fan
chart of levels is of the runs still going. What ended runs reached is kept apart, in
:attr:`Profile.reached`: the runs that had reached each level (or a higher one) by each time.
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
    counts: np.ndarray  # (len(hours), len(levels)) runs in progress at that level then
    settled: np.ndarray  # runs settled by each time
    at_war: np.ndarray  # runs at war by each time
    runs: int
    reached: np.ndarray  # (len(hours), len(levels)) runs that reached the level or higher

    @property
    def active(self) -> np.ndarray:
        """Runs still in progress at each time of the grid."""
        return self.counts.sum(axis=1)

    def quantile(self, q: float) -> np.ndarray:
        """The ``q`` quantile of the level across the runs in progress, at each time of the
        grid (NaN where none is)."""
        cum = np.cumsum(self.counts, axis=1)
        idx = np.argmax(cum >= q * self.active[:, None] - 1e-9, axis=1)
        return np.where(self.active > 0, self.levels[idx], np.nan)

    def at_least(self, level: float) -> np.ndarray:
        """The share of all runs that had reached ``level`` or a higher one by each time
        (ended runs included: a war stays a war)."""
        col = int(np.searchsorted(self.levels, level))
        if col >= len(self.levels):
            return np.zeros(len(self.hours))
        return self.reached[:, col] / max(self.runs, 1)

    def mean(self) -> np.ndarray:
        """The mean level of the runs in progress (NaN where none is)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.active > 0, (self.counts @ self.levels) /
                            np.maximum(self.active, 1), np.nan)


def escalation_profile(store: Store, arm: str, seeds: range | None = None,
                       points: int = GRID_POINTS) -> Profile:
    """The profile of ``arm``'s runs over the scenario's whole time."""
    sc = store.study.scenario
    horizon = (sc.scenario.end - sc.scenario.start).total_seconds() / 3600
    hours = np.linspace(0.0, horizon, points)
    levels = np.array(sorted({r.level for r in sc.ladder}), dtype=float)
    start_level = store.layout.initial_level
    diff = np.zeros((points + 1, len(levels)))
    reach = np.zeros((points + 1, len(levels)))
    settled = np.zeros(points + 1)
    at_war = np.zeros(points + 1)
    runs = 0
    for batch in store.batches(["outcome", "hours", "rung_hours", "rung_levels"], arm, seeds):
        cols = batch.to_pydict()
        for outcome, end, rh, rl in zip(cols["outcome"], cols["hours"], cols["rung_hours"],
                                        cols["rung_levels"], strict=True):
            runs += 1
            _add_steps(diff, reach, hours, levels, start_level, rh or [], rl or [], end)
            if outcome == "settlement":
                settled[_index(hours, end)] += 1
            elif outcome == "war":
                at_war[_index(hours, end)] += 1
    return Profile(hours, levels, np.cumsum(diff, axis=0)[:points],
                   np.cumsum(settled)[:points], np.cumsum(at_war)[:points], runs,
                   np.cumsum(reach, axis=0)[:points])


def _add_steps(diff: np.ndarray, reach: np.ndarray, hours: np.ndarray, levels: np.ndarray,
               start: int, at: list[float], to: list[int], end: float) -> None:
    """Add one run's step function (level ``start``, then ``to[i]`` from ``at[i]``) while
    it is in progress, up to ``end``; and when it first reached each level."""
    level = start
    since = 0
    top = int(np.searchsorted(levels, start))
    reach[0, : top + 1] += 1
    stop = _after(hours, end)
    for when, new in zip(at, to, strict=True):
        i = min(_index(hours, when), stop)
        col = int(np.searchsorted(levels, level))
        diff[since, col] += 1
        diff[i, col] -= 1
        level, since = new, i
        new_col = int(np.searchsorted(levels, new))
        if new_col > top:
            reach[_index(hours, when), top + 1: new_col + 1] += 1
            top = new_col
    col = int(np.searchsorted(levels, level))
    diff[since, col] += 1
    diff[stop, col] -= 1


def _after(hours: np.ndarray, end: float) -> int:
    """The first grid point at or after ``end``: a run is in progress at the points before
    it (the start always). A run that lasts to the horizon is in progress at every point."""
    if end >= hours[-1] - 1e-9:
        return len(hours)
    return max(1, _index(hours, end))


def _index(hours: np.ndarray, h: float) -> int:
    """The first grid point at or after ``h``."""
    return int(np.searchsorted(hours, h - 1e-9))
