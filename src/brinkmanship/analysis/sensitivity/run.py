"""Running a sensitivity study: every design point on the same seeds, resumable.

A design point is run as an arm of a Monte Carlo study (its counterfactual sets each
parameter), by the same backends and the same commit loop as ``brink mc``
(:func:`brinkmanship.analysis.montecarlo._execute`): rows are committed in batches, an
interrupt keeps what was finished, and the same command again runs only what is missing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from brinkmanship.analysis.counterfactual import Counterfactual, CounterfactualError, prepare
from brinkmanship.analysis.montecarlo import Progress, _execute, check_seeds
from brinkmanship.analysis.sensitivity import indices
from brinkmanship.analysis.sensitivity.design import Point, design
from brinkmanship.analysis.sensitivity.store import SensitivityStore
from brinkmanship.analysis.sensitivity.study import SensitivityStudy, StudyFileError
from brinkmanship.analysis.study import Arm, Study, StudyError
from brinkmanship.engine.budgets import Budgets
from brinkmanship.scenario.errors import Problem


def runs_study(study: SensitivityStudy, points: list[Point], imports: tuple[str, ...] = (),
               budgets: Budgets | None = None) -> Study:
    """The Monte Carlo study whose arms are the design points; every point is checked to
    make a valid scenario (``StudyFileError`` names the first that does not)."""
    spec = study.spec
    try:
        base = Study.make(study.scenario, spec.policies, None, imports, spec.default_policy,
                          budgets)
    except StudyError as exc:
        where = "policies" if "--policy" in str(exc) else "default_policy"
        raise StudyFileError(study.file, [Problem(str(exc).split(": ", 1)[-1],
                                                  f"$.{where}")]) from None
    paths = [p.path for p in spec.parameters]
    arms = tuple(Arm(p.name, Counterfactual(sets=tuple(zip(paths, p.values, strict=True))))
                 for p in points)
    runs = dataclasses.replace(base, arms=arms)
    for arm, point in zip(arms, points, strict=True):
        try:
            prepare(study.scenario, arm.change)
        except CounterfactualError as exc:
            raise StudyFileError(study.file, [Problem(
                f"design point {point.name} ({_spell(study, point)}) makes no valid scenario: "
                f"{str(exc).removeprefix('--set ')}", "$.parameters")]) from None
    return runs


def _spell(study: SensitivityStudy, point: Point) -> str:
    return ", ".join(f"{n}={v}" for n, v in zip(study.names, point.values, strict=True))


def seeds_of(study: SensitivityStudy) -> range:
    start = study.spec.seed_start
    return range(start, start + study.spec.replicates)


def run_sensitivity(study: SensitivityStudy, out: str | Path | None = None, *,
                    backend: str = "local", jobs: int = 1, address: str | None = None,
                    progress: Progress | None = None, overwrite: bool = False,
                    imports: tuple[str, ...] = (), budgets: Budgets | None = None,
                    command: str = "") -> SensitivityResults:
    """Run every design point of ``study`` on its replicates into ``out`` (a DuckDB file;
    None: in memory), analyse, store the analysis, and return the results."""
    seeds = seeds_of(study)
    check_seeds(seeds)
    store, points = SensitivityStore.create(out, study, design(study), _layout(study),
                                            command, overwrite)
    try:
        runs = runs_study(study, points, imports, budgets)
        store.bind(runs.layout)
        total = len(points) * len(seeds)
        saved = store.count()
        if progress:
            progress(saved, saved, total)
        if saved < total:
            _execute(store, runs, seeds, total - saved, saved, total,  # type: ignore[arg-type]
                     backend, jobs, address, progress, None)
        results = SensitivityResults(store, study, points)
        analysis = results.analysis()
        store.save_analysis(indices.index_rows(analysis), _box_rows(analysis))
    except BaseException:
        store.close()
        raise
    return results


def _layout(study: SensitivityStudy) -> Any:
    from brinkmanship.analysis.rows import Layout

    return Layout.of(study.scenario)


def _box_rows(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    found = analysis.get("prim") or {}
    rows = []
    for box in found.get("boxes", []):
        limits = [{"parameter": lim["parameter"],
                   "low": lim.get("values") if lim.get("values") is not None else lim["low"],
                   "high": lim.get("values") if lim.get("values") is not None else lim["high"]}
                  for lim in box["limits"]]
        rows.append({**box, "output": found["output"], "limits": limits})
    return rows


class SensitivityResults:
    """A sensitivity study's runs and what they say. Close it to release the file."""

    def __init__(self, store: SensitivityStore, study: SensitivityStudy,
                 points: list[Point]):
        self.store = store
        self.study = study
        self.points = points

    def __enter__(self) -> SensitivityResults:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def __repr__(self) -> str:
        return (f"<SensitivityResults {self.study.scenario.scenario.id}: "
                f"{len(self.points)} points × {self.study.spec.replicates} runs>")

    def runs(self) -> dict[str, Any]:
        """Each output of every run, a (design points × seeds) matrix in design order."""
        sc = self.study.scenario.scenario
        return self.store.per_run([p.name for p in self.points], seeds_of(self.study),
                                  (sc.end - sc.start).total_seconds() / 3600)

    def outputs(self) -> dict[str, dict[str, float]]:
        """Each design point's outputs: means over its replicates."""
        runs = self.runs()
        return {p.name: {k: float(m[i].mean()) for k, m in runs.items()}
                for i, p in enumerate(self.points)}

    def analysis(self) -> dict[str, Any]:
        """Morris, Sobol and PRIM as the study asks, with the study's facts (JSON-safe)."""
        spec = self.study.spec
        runs = self.runs()
        result: dict[str, Any] = {"study": self.facts()}
        if spec.methods.morris:
            result["morris"] = indices.morris(self.study, self.points, runs)
        if spec.methods.sobol:
            result["sobol"] = indices.sobol(self.study, self.points, runs)
        if spec.methods.prim:
            result["prim"] = indices.prim(self.study, self.points, runs)
        return result

    def facts(self) -> dict[str, Any]:
        spec = self.study.spec
        meta = self.store.meta()
        methods: dict[str, int] = {}
        for p in self.points:
            methods[p.method] = methods.get(p.method, 0) + 1
        seeds = seeds_of(self.study)
        return {"scenario": self.study.scenario.scenario.id, "title": spec.title,
                "file": self.study.file, "fingerprint": self.study.fingerprint,
                "parameters": [{"name": p.label, "path": p.path} for p in spec.parameters],
                "outputs": list(spec.outputs), "replicates": spec.replicates,
                "seeds": [seeds.start, seeds.stop - 1], "points": methods,
                "runs": self.store.count(), "version": meta.get("version"),
                "command": meta.get("command"), "out": str(self.store.path)
                if self.store.path else None}


def open_sensitivity(path: str | Path) -> SensitivityResults:
    """The sensitivity study stored in ``path``, to read (``StoreError`` if there is none
    or it is damaged)."""
    import json

    from brinkmanship.analysis.sensitivity.study import StudySpec
    from brinkmanship.analysis.storage import StoreError
    from brinkmanship.scenario.loader import parse_scenario

    store = SensitivityStore.open(path)
    try:
        meta = store.meta()
        data = json.loads(meta["study"])
        place = f"{path}: table sensitivity_meta, key 'study'"
        scenario = parse_scenario(json.dumps(data["scenario"]), f"{place}, scenario")
        spec = StudySpec.model_validate({**data["spec"], "scenario": scenario.scenario.id,
                                         "title": meta.get("title") or None})
        study = SensitivityStudy(spec, scenario, meta.get("file", str(path)),
                                 stored=meta["study"].encode())
        if study.fingerprint != meta["fingerprint"]:
            raise StoreError(f"{place}: does not match its fingerprint (the file was changed "
                             "after it was written)")
        return SensitivityResults(store, study, store.points())
    except StoreError:
        store.close()
        raise
    except Exception as exc:
        store.close()
        raise StoreError(f"{path}: table sensitivity_meta: not a sensitivity study "
                         f"({type(exc).__name__}: {str(exc).splitlines()[0]})") from None
