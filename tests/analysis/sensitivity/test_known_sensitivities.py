"""Sensitivity indices on a crisis whose sensitivities are known by construction.

In ``tests/scenarios/sensitive.yaml`` war comes only from two incidents that cross straight
into war, over 48 hours, so P(war) = 1 - exp(-48 (h1 + h2)) for their hazards h1, h2; a
third incident changes nothing. With h1 ~ U(0, 0.05) and h2 ~ U(0, 0.01) the Sobol indices
of that function follow from its variance decomposition (Sobol 1993; computed below by
quadrature): h1 drives almost all of it, h2 a little, the third hazard none.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("SALib")
pytest.importorskip("ema_workbench")
pytest.importorskip("duckdb")

from brinkmanship.analysis.sensitivity import load_study, run_sensitivity  # noqa: E402

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "sensitive.yaml"
HOURS = 48.0
RANGES = {"strong": 0.05, "weak": 0.01, "idle": 0.05}


def true_indices() -> dict[str, tuple[float, float]]:
    """(S1, ST) of h1 and h2 for p = 1 - exp(-48 (h1 + h2)), by the trapezoidal rule."""
    n = 2001
    u = np.linspace(0.0, 1.0, n)
    w = np.full(n, 1.0)
    w[[0, -1]] = 0.5
    w /= w.sum()
    x1, x2 = np.meshgrid(HOURS * RANGES["strong"] * u, HOURS * RANGES["weak"] * u,
                         indexing="ij")
    f = 1.0 - np.exp(-(x1 + x2))
    mean = float((np.outer(w, w) * f).sum())
    var = float((np.outer(w, w) * f * f).sum()) - mean**2
    v1 = float((w * (f @ w) ** 2).sum()) - mean**2
    v2 = float((w * (w @ f) ** 2).sum()) - mean**2
    return {"strong": (v1 / var, 1 - v2 / var), "weak": (v2 / var, 1 - v1 / var),
            "idle": (0.0, 0.0)}


def study_file(tmp: Path, replicates: int, sobol: int, morris: int, prim: int) -> Path:
    path = tmp / "known.yaml"
    path.write_text(f"""
title: Known sensitivities
scenario: {SCENARIO}
default_policy: baseline
replicates: {replicates}
parameters:
  - {{path: "incidents[strong_fire].hazard_per_hour", name: strong, range: [0, 0.05]}}
  - {{path: "incidents[weak_fire].hazard_per_hour", name: weak, range: [0, 0.01]}}
  - {{path: "incidents[idle_fire].hazard_per_hour", name: idle, range: [0, 0.05]}}
outputs: [p_war, max_level]
methods:
  morris: {{trajectories: {morris}, levels: 4}}
  sobol: {{samples: {sobol}}}
  prim: {{points: {prim}, output: p_war, above: 0.8, density: 0.8}}
""")
    return path


def analyse(tmp: Path, replicates: int, sobol: int, morris: int, prim: int) -> dict:
    study = load_study(study_file(tmp, replicates, sobol, morris, prim))
    with run_sensitivity(study, tmp / "known.duckdb", jobs=1) as results:
        return results.analysis()


def check(analysis: dict) -> None:
    truth = true_indices()
    assert truth["strong"][0] > 0.9 and 0.02 < truth["weak"][0] < 0.1  # the construction
    sobol = {r["parameter"]: r for r in analysis["sobol"]["p_war"]["parameters"]}
    # Ranking: strong, then weak, then idle; the idle hazard changes no run at all (common
    # seeds), so its indices are exactly zero.
    assert sobol["strong"]["ST"] > sobol["weak"]["ST"] > sobol["idle"]["ST"]
    assert sobol["strong"]["S1"] > sobol["weak"]["S1"]
    assert sobol["idle"]["S1"] == 0.0 and sobol["idle"]["ST"] == 0.0
    assert sobol["strong"]["ST_ci95"][0] > 0.0  # not zero, even with few runs
    for name, (s1, st) in truth.items():
        lo, hi = sobol[name]["S1_ci95"]
        assert lo <= s1 <= hi, (name, "S1", s1, lo, hi)
        lo, hi = sobol[name]["ST_ci95"]
        assert lo <= st <= hi, (name, "ST", st, lo, hi)
    morris = {r["parameter"]: r for r in analysis["morris"]["p_war"]["parameters"]}
    assert morris["strong"]["mu_star"] > morris["weak"]["mu_star"] > 0.0
    assert morris["idle"]["mu_star"] == 0.0
    assert morris["strong"]["mu_star_ci95"][0] > 0.0
    # War is likely where the strong hazard is high: the first box bounds it from below.
    box = analysis["prim"]["boxes"][0]
    limits = {lim["parameter"]: lim for lim in box["limits"]}
    assert "strong" in limits and limits["strong"]["low"] > 0.02
    assert 0 < box["coverage"] <= 1 and box["density"] >= 0.8
    # The highest level is the war rung exactly when there is war: the same indices.
    level = {r["parameter"]: r["ST"] for r in analysis["sobol"]["max_level"]["parameters"]}
    assert all(math.isclose(level[k], sobol[k]["ST"], abs_tol=1e-12) for k in level)


def test_indices_rank_the_drivers_and_their_intervals_cover_the_truth(tmp_path: Path) -> None:
    check(analyse(tmp_path, replicates=10, sobol=32, morris=8, prim=60))
    # A file with only a sensitivity study is reported as one.
    from brinkmanship.analysis.report import write_report

    written = write_report(tmp_path / "known.duckdb", tmp_path / "known.html")
    assert sorted(p.stem for p in written) == ["sensitivity-indices", "sensitivity-prim"]
    page = (tmp_path / "known.html").read_text()
    assert "Known sensitivities" in page and "strong" in page


@pytest.mark.slow
def test_a_larger_design_narrows_the_intervals_and_still_covers(tmp_path: Path) -> None:
    for name in ("small", "large"):
        (tmp_path / name).mkdir()
    small = analyse(tmp_path / "small", replicates=10, sobol=32, morris=8, prim=60)
    large = analyse(tmp_path / "large", replicates=30, sobol=64, morris=12, prim=100)
    check(large)

    def width(a: dict, name: str) -> float:
        row = next(r for r in a["sobol"]["p_war"]["parameters"] if r["parameter"] == name)
        return row["ST_ci95"][1] - row["ST_ci95"][0]

    assert width(large, "strong") < width(small, "strong")
    assert width(large, "weak") < width(small, "weak")
