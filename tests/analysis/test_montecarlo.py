"""Monte Carlo into DuckDB: determinism across backends, resuming, summaries, refusals."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from brinkmanship.analysis import Counterfactual, compare, monte_carlo, open_results, sweep
from brinkmanship.analysis.montecarlo import run_study
from brinkmanship.analysis.stats import paired_difference
from brinkmanship.analysis.storage import StoreError
from brinkmanship.analysis.study import Study, StudyError
from brinkmanship.engine import simulate
from brinkmanship.scenario.schema import Scenario


def test_rows_are_the_runs(harbour: Scenario) -> None:
    res = monte_carlo(harbour, runs=30, seed_start=5)
    table = res.to_arrow()
    assert table.column("seed").to_pylist() == list(range(5, 35))
    for row in table.to_pylist()[:10]:
        out = simulate(harbour, seed=row["seed"]).outcome
        assert row["outcome"] == out.kind
        assert row["at"] == out.at
        assert row["payoff_azure_pm"] == out.payoffs["azure_pm"]
        assert row["war_rung"] == (out.war or {}).get("rung")


def test_two_workers_give_the_rows_of_one(harbour: Scenario, tmp_path: Path) -> None:
    one = monte_carlo(harbour, runs=120).to_arrow()
    two = monte_carlo(harbour, runs=120, jobs=2, out=tmp_path / "two.duckdb").to_arrow()
    assert one.equals(two)


def test_resume_runs_only_what_is_missing(harbour: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "mc.duckdb"
    study = Study.make(harbour)
    seen: list[tuple[int, int, int]] = []
    run_study(study, range(0, 40), out).close()
    res = run_study(study, range(0, 100), out, progress=lambda *p: seen.append(p))
    assert seen[0] == (40, 40, 100)  # the 40 saved runs are counted, not run again
    assert seen[-1][1:] == (100, 100)
    assert res.to_arrow().equals(monte_carlo(harbour, runs=100).to_arrow())
    assert res.store.count() == 100
    res.close()


def test_a_file_of_another_study_is_refused(harbour: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "mc.duckdb"
    monte_carlo(harbour, runs=10, out=out).close()
    with pytest.raises(StoreError, match="policies differ"):
        monte_carlo(harbour, runs=10, out=out, policies={"azure_pm": "passive"})
    res = monte_carlo(harbour, runs=10, out=out, policies={"azure_pm": "passive"},
                      overwrite=True)
    assert res.study.policies["azure_pm"] == "passive"
    res.close()


def test_not_a_results_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_text("hello")
    with pytest.raises(StoreError):
        open_results(junk)
    with pytest.raises(StoreError, match="no such results file"):
        open_results(tmp_path / "missing.duckdb")


def test_unknown_policy_and_actor(harbour: Scenario) -> None:
    with pytest.raises(StudyError, match="unknown policy 'clever'"):
        monte_carlo(harbour, runs=1, policies={"azure_pm": "clever"})
    with pytest.raises(StudyError, match="no actor 'nobody'"):
        monte_carlo(harbour, runs=1, policies={"nobody": "passive"})


def test_summary_counts_and_intervals(harbour: Scenario) -> None:
    res = monte_carlo(harbour, runs=200)
    summary = res.summary()
    outcomes = summary["outcomes"]
    assert sum(o["count"] for o in outcomes.values()) == 200
    kinds = res.to_arrow(columns=["outcome"]).column("outcome").to_pylist()
    for kind, o in outcomes.items():
        assert o["count"] == kinds.count(kind)
        assert o["ci95"][0] <= o["share"] <= o["ci95"][1]
    wars = outcomes["war"]["count"]
    assert sum(summary["war"]["by_rung"].values()) == wars
    assert sum(t["runs"] for t in summary["settlement"]["by_terms"]) <= \
        outcomes["settlement"]["count"]


def test_comparison_is_paired_on_seeds(harbour: Scenario) -> None:
    res = compare(harbour, Counterfactual.build(
        sets=["responses.reprisal.hold_failure_probability=1"]), runs=150)
    cmp = res.comparison()
    arm = cmp["arms"][1]
    table = res.to_arrow(columns=["arm", "seed", "outcome", "payoff_azure_pm"]).to_pylist()
    base = [r for r in table if r["arm"] == "baseline"]
    cf = [r for r in table if r["arm"] == "counterfactual"]
    assert [r["seed"] for r in base] == [r["seed"] for r in cf]
    for kind in ("settlement", "war"):
        d = paired_difference([int(r["outcome"] == kind) for r in cf],
                              [int(r["outcome"] == kind) for r in base])
        got = arm["difference"]["outcomes"][kind]
        assert got["diff"] == pytest.approx(d.diff, abs=1e-6)
        assert got["ci95"] == pytest.approx([d.low, d.high], abs=1e-6)
    d = paired_difference([r["payoff_azure_pm"] for r in cf],
                          [r["payoff_azure_pm"] for r in base])
    assert arm["difference"]["payoffs"]["azure_pm"]["diff"] == pytest.approx(d.diff, abs=1e-6)
    # Holds that always fail let the reprisal fire: more wars, never fewer on a seed.
    war = arm["difference"]["outcomes"]["war"]
    assert war["diff"] > 0 and war["ci95"][0] > 0
    assert war["discordant"]["lost"] == 0


def test_sweep_makes_one_arm_per_value(harbour: Scenario) -> None:
    res = sweep(harbour, "incidents[warning_shots].hazard_per_hour", [0.0, 0.2], runs=60)
    assert res.arms == ["baseline", "incidents[warning_shots].hazard_per_hour=0.0",
                        "incidents[warning_shots].hazard_per_hour=0.2"]
    quiet = res.to_arrow("incidents[warning_shots].hazard_per_hour=0.0").to_pylist()
    assert all(not r["incidents"] for r in quiet)


def test_tables_for_notebooks(harbour: Scenario) -> None:
    res = monte_carlo(harbour, runs=20)
    table = pa.table(res)  # through the Arrow PyCapsule stream, as polars and pandas read it
    assert table.equals(res.to_arrow())
    assert table.schema.field("rung_levels").type == pa.list_(pa.int64())
