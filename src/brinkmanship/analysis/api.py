"""Monte Carlo and counterfactual comparisons from Python, as tables.

    from brinkmanship.analysis import monte_carlo, compare, Counterfactual
    res = monte_carlo("cuba-1962", runs=2000, jobs=2)
    res.summary()["outcomes"]          # counts, shares, 95 % intervals
    res.to_arrow()                     # one row per run (pandas: res.to_pandas())

Every function takes the scenario as a :class:`Scenario` or a built-in name or file, and
``out`` (a DuckDB file that makes the work resumable and keeps it; None keeps it in memory).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brinkmanship.analysis.counterfactual import Counterfactual, CounterfactualError
from brinkmanship.analysis.montecarlo import Progress, Results, run_study
from brinkmanship.analysis.parameters import ParameterError, parse_sweep
from brinkmanship.analysis.progress import ProgressDisplay
from brinkmanship.analysis.study import BASELINE, Arm, Study
from brinkmanship.engine.budgets import Budgets
from brinkmanship.scenario import load_scenario
from brinkmanship.scenario.schema import Scenario

if TYPE_CHECKING:
    from brinkmanship.llm.config import LLMSettings


def monte_carlo(scenario: Scenario | str | Path, runs: int = 1000, *, seed_start: int = 0,
                policies: Mapping[str, str] | None = None, default_policy: str | None = None,
                out: str | Path | None = None, jobs: int = 1, backend: str = "local",
                address: str | None = None, progress: bool | Progress = False,
                overwrite: bool = False, imports: Sequence[str] = (),
                budgets: Budgets | None = None) -> Results:
    """Run seeds ``seed_start .. seed_start + runs - 1`` of the scenario as it is.

    ``policies`` maps actors to registered decision-maker names; the others get
    ``default_policy`` (None: the package's default decision-maker);
    ``imports`` names modules the workers import first, where custom policies register;
    ``budgets`` bound every run (the engine's defaults if not given).
    """
    study = Study.make(_scenario(scenario), policies, None, imports, default_policy, budgets)
    return _run(study, runs, seed_start, out, jobs, backend, address, progress, overwrite)


def compare(scenario: Scenario | str | Path,
            counterfactuals: Counterfactual | Mapping[str, Counterfactual], runs: int = 1000,
            *, seed_start: int = 0, policies: Mapping[str, str] | None = None,
            default_policy: str | None = None, out: str | Path | None = None, jobs: int = 1,
            backend: str = "local", address: str | None = None, progress: bool | Progress = False,
            overwrite: bool = False, imports: Sequence[str] = (),
            budgets: Budgets | None = None) -> Results:
    """Run the baseline and each counterfactual arm on the same seeds.

    ``results.comparison()`` then gives each arm's outcome shares and its paired
    differences from the baseline.
    """
    named = ({"counterfactual": counterfactuals} if isinstance(counterfactuals, Counterfactual)
             else dict(counterfactuals))
    if BASELINE in named:
        raise ValueError(f"{BASELINE!r} names the unchanged scenario; call the arm otherwise")
    arms = [Arm(BASELINE), *(Arm(name, change) for name, change in named.items())]
    study = Study.make(_scenario(scenario), policies, arms, imports, default_policy, budgets)
    return _run(study, runs, seed_start, out, jobs, backend, address, progress, overwrite)


def sweep(scenario: Scenario | str | Path, path: str, values: Sequence[Any], runs: int = 1000,
          *, change: Counterfactual | None = None, **options: Any) -> Results:
    """One arm per value of the parameter at ``path`` (see :mod:`.parameters`), each with
    ``change`` applied too, against the unchanged baseline."""
    base = change or Counterfactual()
    arms = {f"{path}={_spell(v)}": _adding(base, path, v) for v in values}
    return compare(scenario, arms, runs, **options)


def run_arms(scenario: Scenario | str | Path, arms: Sequence[Arm] | None, runs: int = 1000,
             *, seed_start: int = 0, policies: Mapping[str, str] | None = None,
             default_policy: str | None = None, imports: Sequence[str] = (),
             out: str | Path | None = None, jobs: int = 1, backend: str = "local",
             address: str | None = None, progress: bool | Progress = False,
             overwrite: bool = False, budgets: Budgets | None = None,
             llm: LLMSettings | None = None) -> Results:
    """Run the given arms (None: the scenario as it is) on the same seeds; ``llm`` holds
    the language-model agents that policies ``llm`` and ``llm:NAME`` stand for."""
    study = Study.make(_scenario(scenario), policies, arms, imports, default_policy, budgets,
                       llm)
    return _run(study, runs, seed_start, out, jobs, backend, address, progress, overwrite)


def policy_arms(specs: Sequence[str]) -> list[Arm]:
    """Arms that differ by decision-maker, from ``NAME:ACTOR=POLICY[,ACTOR=POLICY...]``
    spellings (``brink mc --arm``), after the baseline."""
    arms = [Arm(BASELINE)]
    for spec in specs:
        name, sep, rest = spec.partition(":")
        pairs = [p.partition("=") for p in rest.split(",")] if sep else []
        if not name.strip() or not pairs or any(not a or not s or not p for a, s, p in pairs):
            raise CounterfactualError(f"--arm {spec!r}: write NAME:ACTOR=POLICY[,ACTOR=POLICY], "
                                      "e.g. model:khrushchev=llm")
        arms.append(Arm(name.strip(), policies=tuple((a.strip(), p.strip())
                                                     for a, _, p in pairs)))
    return arms


def counterfactual_arms(force: Sequence[str] = (), close: Sequence[str] = (),
                        sets: Sequence[str] = (), forbid: Sequence[str] = (),
                        incidents: Sequence[str] = (), vary: str | None = None) -> list[Arm]:
    """The arms of ``brink compare`` from its options' spellings: the baseline, and one arm
    with every change, or one per value of ``vary`` (each with every change too)."""
    change = Counterfactual.build(force, close, sets, forbid, incidents)
    if vary is None:
        if change == Counterfactual():
            raise CounterfactualError("nothing to compare: give --force, --close, --set, "
                                      "--forbid, --incident or --vary")
        return [Arm(BASELINE), Arm("counterfactual", change)]
    try:
        path, values = parse_sweep(vary)
    except ParameterError as exc:
        raise CounterfactualError(f"--vary {exc}") from None
    return [Arm(BASELINE), *(Arm(f"{path}={_spell(v)}", _adding(change, path, v))
                             for v in values)]


def _adding(change: Counterfactual, path: str, value: Any) -> Counterfactual:
    return Counterfactual(change.force, change.close, (*change.sets, (path, value)),
                          change.forbid, change.incidents, change.hazards, change.distortion)


def _run(study: Study, runs: int, seed_start: int, out: str | Path | None, jobs: int,
         backend: str, address: str | None, progress: bool | Progress,
         overwrite: bool) -> Results:
    if runs < 1:
        raise ValueError("runs must be at least 1")
    seeds = range(seed_start, seed_start + runs)
    if progress is True:
        with ProgressDisplay() as display:
            return run_study(study, seeds, out, backend=backend, jobs=jobs, address=address,
                             progress=display, overwrite=overwrite)
    return run_study(study, seeds, out, backend=backend, jobs=jobs, address=address,
                     progress=progress or None, overwrite=overwrite)


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def _spell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
