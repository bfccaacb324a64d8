"""What a sensitivity study's runs say: Morris screening, Sobol indices, PRIM boxes.

Each design point's outputs are means over its replicates (the same seeds at every point:
common random numbers, so that a parameter that changes nothing changes no run and gets an
index of exactly zero). Morris's elementary effects and Sobol's indices come from SALib,
their 95 % intervals from its bootstrap; PRIM comes from the EMA Workbench and finds boxes
of parameter space where an output exceeds a level, each with its coverage (the share of
all such points that fall in the box), density (the share of the box's points that are
such points) and mass (the share of all points in the box).

Two things make an index uncertain: which design points were drawn, and which seeds were
run at each. SALib's bootstrap resamples the design; a second bootstrap resamples the
replicate seeds (the same draw for every point, keeping the common random numbers) and
recomputes the indices. The interval given is the estimate ± the two bootstrap errors
combined (root of the sum of squares) at 95 %: with few replicates the seeds' share of it
is the larger, and more replicates narrow it. With one replicate only the design's error
can be measured.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from brinkmanship.analysis.sensitivity.design import Point, problem
from brinkmanship.analysis.sensitivity.study import SensitivityStudy

CONFIDENCE = 0.95


def _num(x: Any) -> float | None:
    """A finite float, or None (JSON has no NaN)."""
    v = float(x)
    return v if math.isfinite(v) else None


def _ci(value: Any, half: Any) -> list[float | None]:
    v, h = _num(value), _num(half)
    if v is None or h is None:
        return [None, None]
    return [v - h, v + h]


Runs = dict[str, np.ndarray]
"""Each output of every run: a (design points × replicate seeds) matrix, in design order."""


def rows_of(points: list[Point], method: str) -> np.ndarray:
    return np.array([i for i, p in enumerate(points) if p.method == method], dtype=int)


def units(points: list[Point], method: str) -> np.ndarray:
    return np.array([p.unit for p in points if p.method == method], dtype=float)


def seed_draws(study: SensitivityStudy, replicates: int) -> np.ndarray:
    """The replicate resamples (rows of seed positions), the same for every output."""
    rng = np.random.default_rng([study.spec.sample_seed, 1])
    return rng.integers(0, replicates, size=(SEED_RESAMPLES, replicates))


SEED_RESAMPLES = 200


def _analysis_seed(study: SensitivityStudy) -> int:
    """The seed of SALib's bootstraps: never 0, which SALib reads as "not seeded"."""
    return study.spec.sample_seed + 1


def _combine(estimate: Any, design_half: Any, spread: Any) -> list[float | None]:
    """The interval from the design's bootstrap half-width and the seeds' bootstrap error."""
    z = 1.959963984540054
    v, h, e = _num(estimate), _num(design_half), _num(spread)
    if v is None or h is None:
        return [None, None]
    half = math.hypot(h, z * (e or 0.0))
    return [v - half, v + half]


def morris(study: SensitivityStudy, points: list[Point], runs: Runs) -> dict[str, Any]:
    """Per output: each parameter's mean effect (mu), mean absolute effect (mu_star, with
    its interval) and the spread of effects (sigma), in the output's units per the
    parameter's whole range."""
    from SALib.analyze import morris as analyse

    m = study.spec.methods.morris
    assert m is not None
    rows, x = rows_of(points, "morris"), units(points, "morris")

    def run(y: np.ndarray, resamples: int) -> dict[str, Any]:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return analyse.analyze(problem(study), x, y, num_resamples=resamples,
                                   conf_level=CONFIDENCE, num_levels=m.levels,
                                   seed=_analysis_seed(study))

    result: dict[str, Any] = {}
    for output in study.spec.outputs:
        matrix = runs[output][rows]
        if not np.all(np.isfinite(matrix)):
            result[output] = {"note": "not defined at every point", "parameters": []}
            continue
        if np.ptp(matrix.mean(axis=1)) <= 1e-15:
            result[output] = {"parameters": [], "note": f"the same at every point "
                              f"({float(matrix.mean()):.4g}): no parameter moves it over "
                              "these ranges"}
            continue
        res = run(matrix.mean(axis=1), study.spec.bootstrap)
        draws = seed_draws(study, matrix.shape[1])
        spread = np.std([run(matrix[:, d].mean(axis=1), 10)["mu_star"] for d in draws],
                        axis=0) if matrix.shape[1] > 1 else np.zeros(len(study.names))
        table: list[dict[str, Any]] = [{"parameter": name, "mu": _num(res["mu"][i]),
                  "mu_star": _num(res["mu_star"][i]),
                  "mu_star_ci95": _combine(res["mu_star"][i], res["mu_star_conf"][i],
                                           spread[i]),
                  "sigma": _num(res["sigma"][i])}
                 for i, name in enumerate(study.names)]
        table.sort(key=lambda r: -(r["mu_star"] or 0.0))
        result[output] = {"parameters": table}
    return result


def _saltelli(y: np.ndarray, k: int, second: bool) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total indices (SALib's estimators, Saltelli et al. 2010) of every
    column of ``y`` (design rows × resamples) at once."""
    from SALib.analyze.sobol import first_order, total_order

    step = 2 * k + 2 if second else k + 2
    a, b = y[0::step], y[step - 1::step]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        s1 = np.array([first_order(a, y[1 + j::step], b) for j in range(k)])
        st = np.array([total_order(a, y[1 + j::step], b) for j in range(k)])
    return s1, st


def sobol(study: SensitivityStudy, points: list[Point], runs: Runs) -> dict[str, Any]:
    """Per output: first-order (S1) and total (ST) Sobol indices with their intervals, and
    the output's variance over the design."""
    from SALib.analyze import sobol as analyse

    s = study.spec.methods.sobol
    assert s is not None
    rows, k = rows_of(points, "sobol"), len(study.names)
    result: dict[str, Any] = {}
    for output in study.spec.outputs:
        matrix = runs[output][rows]
        if not np.all(np.isfinite(matrix)):
            result[output] = {"note": "not defined at every point", "parameters": []}
            continue
        y = matrix.mean(axis=1)
        variance = float(np.var(y))
        if variance <= 1e-15:
            result[output] = {"variance": 0.0, "parameters": [],
                              "note": f"the same at every point ({float(y[0]):.4g}): no "
                                      "parameter moves it over these ranges"}
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            res = analyse.analyze(problem(study), y, calc_second_order=s.second_order,
                                  num_resamples=study.spec.bootstrap, conf_level=CONFIDENCE,
                                  seed=_analysis_seed(study))
        draws = seed_draws(study, matrix.shape[1])
        resampled = np.stack([matrix[:, d].mean(axis=1) for d in draws], axis=1)
        s1_b, st_b = _saltelli(resampled, k, s.second_order)
        one = matrix.shape[1] > 1
        s1_e = np.std(s1_b, axis=1) if one else np.zeros(k)
        st_e = np.std(st_b, axis=1) if one else np.zeros(k)
        table: list[dict[str, Any]] = [{"parameter": name, "S1": _num(res["S1"][i]),
                  "S1_ci95": _combine(res["S1"][i], res["S1_conf"][i], s1_e[i]),
                  "ST": _num(res["ST"][i]),
                  "ST_ci95": _combine(res["ST"][i], res["ST_conf"][i], st_e[i])}
                 for i, name in enumerate(study.names)]
        table.sort(key=lambda r: -(r["ST"] or 0.0))
        entry: dict[str, Any] = {"variance": variance, "mean": float(np.mean(y)),
                                 "parameters": table}
        if s.second_order:
            entry["S2"] = [{"parameters": [a, b], "S2": _num(res["S2"][i][j]),
                            "S2_ci95": _ci(res["S2"][i][j], res["S2_conf"][i][j])}
                           for i, a in enumerate(study.names)
                           for j, b in enumerate(study.names) if j > i]
        result[output] = entry
    return result


def prim(study: SensitivityStudy, points: list[Point], runs: Runs) -> dict[str, Any]:
    """Boxes of parameter space where the PRIM output is above its level (see module)."""
    import pandas as pd

    p = study.spec.methods.prim
    assert p is not None
    chosen = [pt for pt in points if pt.method == "prim"]
    y_values = runs[p.output][rows_of(points, "prim")].mean(axis=1)
    head = {"output": p.output, "above": p.above, "density_wanted": p.density,
            "points": len(chosen)}
    if not np.all(np.isfinite(y_values)):
        return {**head, "boxes": [], "note": f"{p.output} is not defined at every point"}
    y = y_values > p.above
    head["points_above"] = int(y.sum())
    if not y.any():
        return {**head, "boxes": [], "trajectory": [],
                "note": f"no design point has {p.output} above {p.above:g}"}
    columns: dict[str, Any] = {}
    for i, param in enumerate(study.spec.parameters):
        col = [pt.values[i] for pt in chosen]
        columns[param.label] = (pd.Categorical([_spell(v) for v in col])
                                if param.values is not None else np.array(col, dtype=float))
    x = pd.DataFrame(columns)
    boxes, trajectory = _boxes(x, y, p.density, p.boxes, study)
    return {**head, "boxes": boxes, "trajectory": trajectory,
            "design": {"values": {k: [_plain(v) for v in col] for k, col in
                                  ((param.label, [pt.values[i] for pt in chosen])
                                   for i, param in enumerate(study.spec.parameters))},
                       "output": [float(v) for v in y_values]}}


def _plain(v: Any) -> Any:
    if isinstance(v, bool | str):
        return v
    return float(v) if isinstance(v, int | float) else _spell(v)


def _boxes(x: Any, y: np.ndarray, density: float, most: int,
           study: SensitivityStudy) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    import logging

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench's notes on optional packages
        from ema_workbench.analysis import prim as ema_prim
    logging.getLogger("EMA").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = ema_prim.Prim(x, y, threshold=density)
        boxes: list[dict[str, Any]] = []
        trajectory: list[dict[str, Any]] = []
        for n in range(1, most + 1):
            box = finder.find_box()
            if box is None or box.density < density:
                break
            if n == 1:
                pt = box.peeling_trajectory
                trajectory = [{"coverage": float(c), "density": float(d), "mass": float(m),
                               "restricted": int(r)} for c, d, m, r in
                              zip(pt["coverage"], pt["density"], pt["mass"], pt["res_dim"],
                                  strict=True)]
            boxes.append(_box(n, box, finder.box_init, study))
    return boxes, trajectory


def _box(n: int, box: Any, init: Any, study: SensitivityStudy) -> dict[str, Any]:
    lims = box.box_lim
    limits: list[dict[str, Any]] = []
    for param in study.spec.parameters:
        col = param.label
        lo, hi = lims[col].iloc[0], lims[col].iloc[1]
        full_lo, full_hi = init[col].iloc[0], init[col].iloc[1]
        if param.values is not None:
            chosen = sorted(_spell(v) for v in lo) if isinstance(lo, set) else []
            if set(chosen) != {_spell(v) for v in full_lo}:
                limits.append({"parameter": col, "values": chosen, "low": None, "high": None})
            continue
        if float(lo) > float(full_lo) or float(hi) < float(full_hi):
            limits.append({"parameter": col, "low": float(lo), "high": float(hi),
                           "range": [float(full_lo), float(full_hi)]})
    row = box.peeling_trajectory.iloc[box._cur_box]
    return {"box": n, "coverage": float(box.coverage), "density": float(box.density),
            "mass": float(box.mass), "runs_in_box": int(row["n"]), "limits": limits}


def _spell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def index_rows(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """The indices as flat rows (method, output, parameter, statistic, value, low, high)."""
    rows = []
    for output, entry in (analysis.get("morris") or {}).items():
        for r in entry["parameters"]:
            rows.append({"method": "morris", "output": output, "parameter": r["parameter"],
                         "statistic": "mu_star", "value": r["mu_star"],
                         "low": r["mu_star_ci95"][0], "high": r["mu_star_ci95"][1]})
            for stat in ("mu", "sigma"):
                rows.append({"method": "morris", "output": output, "parameter": r["parameter"],
                             "statistic": stat, "value": r[stat], "low": None, "high": None})
    for output, entry in (analysis.get("sobol") or {}).items():
        for r in entry["parameters"]:
            for stat in ("S1", "ST"):
                rows.append({"method": "sobol", "output": output, "parameter": r["parameter"],
                             "statistic": stat, "value": r[stat], "low": r[f"{stat}_ci95"][0],
                             "high": r[f"{stat}_ci95"][1]})
    return rows
