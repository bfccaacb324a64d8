"""Budgets reach every run of a Monte Carlo study, on every backend, and leave its results
file resumable under other budgets."""

from __future__ import annotations

from pathlib import Path

import pytest

from brinkmanship.analysis import monte_carlo
from brinkmanship.analysis.backends import RunFailed
from brinkmanship.engine.budgets import Budgets

HARBOUR = Path(__file__).resolve().parents[1] / "scenarios" / "harbour.yaml"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_budget_too_small_stops_the_study_with_its_name(jobs: int) -> None:
    with pytest.raises(RunFailed, match="the budget events"):
        monte_carlo(HARBOUR, runs=3, jobs=jobs, budgets=Budgets(events=5))


def test_other_budgets_resume_the_same_file_with_the_same_rows(tmp_path: Path) -> None:
    out = tmp_path / "runs.duckdb"
    with monte_carlo(HARBOUR, runs=4, out=out) as first:
        rows = first.to_arrow().to_pylist()
    with monte_carlo(HARBOUR, runs=6, out=out, budgets=Budgets(events=50_000)) as more:
        again = more.to_arrow().to_pylist()
    assert again[:4] == rows and len(again) == 6
