"""The design points of a sensitivity study: where in parameter space the runs are made.

Each method draws its points on the unit cube with SALib (Morris trajectories, Saltelli's
Sobol design, a Latin hypercube for PRIM), seeded by the study's ``sample_seed``; each
coordinate is then read through its parameter's quantile function, so a triangular or
normal parameter, or a list of values, is sampled as declared while the indices keep the
meaning they have for independent inputs. A point is the counterfactual that sets every
parameter to its value there.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from brinkmanship.analysis.sensitivity.study import SensitivityStudy

METHODS = ("morris", "sobol", "prim")


@dataclass(frozen=True)
class Point:
    """One design point: its name (``sobol-0007``), method, unit coordinates and values."""

    name: str
    method: str
    unit: tuple[float, ...]
    values: tuple[Any, ...]


def problem(study: SensitivityStudy) -> dict[str, Any]:
    """SALib's problem on the unit cube, one variable per parameter."""
    k = len(study.spec.parameters)
    return {"num_vars": k, "names": study.names, "bounds": [[0.0, 1.0]] * k}


def unit_sample(study: SensitivityStudy, method: str) -> np.ndarray:
    """The method's points on the unit cube (rows), in the order its analysis expects."""
    from SALib.sample import latin, morris, sobol

    spec, prob, seed = study.spec, problem(study), study.spec.sample_seed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's notes on sample sizes; sizes are checked
        if method == "morris":
            assert spec.methods.morris is not None
            m = spec.methods.morris
            x = morris.sample(prob, m.trajectories, num_levels=m.levels, seed=seed)
        elif method == "sobol":
            assert spec.methods.sobol is not None
            s = spec.methods.sobol
            x = sobol.sample(prob, s.samples, calc_second_order=s.second_order, seed=seed)
        else:
            assert spec.methods.prim is not None
            x = latin.sample(prob, spec.methods.prim.points, seed=seed)
    # A unit coordinate of 1 (Morris's top level) reads as the top of the range.
    return np.clip(np.asarray(x, dtype=float), 0.0, 1.0 - 1e-12)


def design(study: SensitivityStudy) -> list[Point]:
    """Every point of every method the study names, in a fixed order."""
    points = []
    for method in METHODS:
        if getattr(study.spec.methods, method) is None:
            continue
        for i, row in enumerate(unit_sample(study, method)):
            unit = tuple(float(u) for u in row)
            values = tuple(p.value(u) for p, u in zip(study.spec.parameters, unit, strict=True))
            points.append(Point(f"{method}-{i:05d}", method, unit, values))
    return points
