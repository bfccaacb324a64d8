"""The conformance check every scenario should pass before anyone relies on it.

:func:`check_scenario` loads a scenario and puts it through what the engine promises: it
validates; its historical record replays to its recorded outcome; it runs under the default
decision-makers for many seeds without error and with a well-formed log; the same seed
gives a byte-identical log; the decision-makers' choices do not depend on the history
section they must never read; and a game with every decider in a seat, answered by the
same decision-makers, gives the same log, even when saved and restored halfway. It reports
every check rather than stopping at the first failure, so an author sees everything that
is wrong at once.
"""

from __future__ import annotations

import json
import traceback
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from brinkmanship.engine import Interventions, Run
from brinkmanship.engine.budgets import Budgets
from brinkmanship.engine.index import Index
from brinkmanship.games import new_game, restore_game, simulate
from brinkmanship.history import divergences, replay
from brinkmanship.policies.registry import bind_policies
from brinkmanship.scenario import Scenario, ScenarioError, load_scenario

Status = Literal["passed", "failed", "skipped"]
OUTCOME_KINDS = ("settlement", "war", "unresolved")


@dataclass(frozen=True)
class Check:
    """One conformance check: its name, whether it passed, and what was seen."""

    name: str
    status: Status
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass(frozen=True)
class ConformanceReport:
    """What :func:`check_scenario` found; ``ok`` when no check failed."""

    scenario: str
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(c.status != "failed" for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == "failed"]

    def check(self, name: str) -> Check:
        """The check called ``name`` (``KeyError`` if it was not run)."""
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def render(self) -> str:
        """One line per check, ``ok``/``FAIL``/``skip`` first."""
        mark = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}
        lines = [f"{self.scenario}: {'conforms' if self.ok else 'does NOT conform'}"]
        lines += [f"  {mark[c.status]} {c.name}" + (f": {c.detail}" if c.detail else "")
                  for c in self.checks]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def check_scenario(scenario: str | Path | Scenario, seeds: Iterable[int] = range(20),
                   replay_seeds: Iterable[int] = (0, 1, 2),
                   budgets: Budgets | None = None) -> ConformanceReport:
    """Check a scenario (built-in name, file path or loaded :class:`Scenario`).

    ``seeds`` are the runs under the default decision-makers; ``replay_seeds`` the seeds
    the historical record is replayed with (a record must reach its outcome whatever the
    seed: the record, not chance, decides it). ``budgets`` bound every run (the engine's
    defaults if not given). Never raises for a bad scenario: every problem becomes a failed
    check of the report.
    """
    iv = Interventions(budgets=budgets or Budgets())
    name = scenario.scenario.id if isinstance(scenario, Scenario) else str(scenario)
    seeds = list(seeds)
    if isinstance(scenario, Scenario):
        sc = scenario
        checks = [Check("loads and validates", "passed", "given as a loaded scenario")]
    else:
        try:
            sc = load_scenario(scenario)
        except ScenarioError as exc:
            return ConformanceReport(name, (Check("loads and validates", "failed",
                                                  exc.render(limit=5)),))
        checks = [Check("loads and validates", "passed",
                        ", ".join(_count(len(getattr(sc, part)), part) for part in
                                  ("sides", "actors", "messages", "actions", "incidents")))]
    replayed = _replays_history(sc, list(replay_seeds), iv)
    runs, ran = _runs_cleanly(sc, seeds, iv)
    checks += [replayed, ran, _deterministic(sc, seeds[:2], runs, replayed.passed, iv)]
    checks.append(_blind_to_history(sc, seeds[:2], runs, iv))
    checks.append(_seats_match(sc, seeds[:2], runs, iv))
    return ConformanceReport(name, tuple(checks))


def _replays_history(sc: Scenario, seeds: list[int], iv: Interventions) -> Check:
    name = "replays its history as recorded"
    if sc.history is None:
        return Check(name, "skipped", "the scenario has no history section")
    for seed in seeds:
        try:
            run = replay(sc, seed, iv.budgets)
        except Exception as exc:  # a conformance report names any failure, whatever it is
            return Check(name, "failed", f"seed {seed}: {_error(exc)}")
        found = divergences(sc, run)
        if found:
            shown = "; ".join(f"{d.deed} ({d.at}): {d.instead}" for d in found[:3])
            more = f"; and {len(found) - 3} more" if len(found) > 3 else ""
            return Check(name, "failed", f"seed {seed}: {len(found)} divergence(s) from the "
                         f"record: {shown}{more}")
    want = sc.history.outcome
    return Check(name, "passed", f"every recorded deed at its time, {want.kind} under "
                 f"{len(seeds)} seed(s)")


def _runs_cleanly(sc: Scenario, seeds: list[int], iv: Interventions
                  ) -> tuple[dict[int, Run], Check]:
    name = "runs under the default decision-makers"
    runs: dict[int, Run] = {}
    kinds: Counter[str] = Counter()
    for seed in seeds:
        try:
            run = simulate(sc, seed=seed, interventions=iv)
            problem = _log_problem(sc, run)
        except Exception as exc:  # a conformance report names any failure, whatever it is
            return runs, Check(name, "failed", f"seed {seed}: {_error(exc)}")
        if problem:
            return runs, Check(name, "failed", f"seed {seed}: {problem}")
        runs[seed] = run
        kinds[run.outcome.kind] += 1
    spread = ", ".join(f"{k} {kinds[k]}" for k in OUTCOME_KINDS if kinds[k])
    return runs, Check(name, "passed", f"{len(seeds)} seeds: {spread}")


def _log_problem(sc: Scenario, run: Run) -> str | None:
    """What is wrong with a run's log, if anything: order, closing event, outcome, payoffs."""
    events = run.events
    if not events or events[0]["kind"] != "start" or events[-1]["kind"] != "end":
        return "the log must open with 'start' and close with 'end'"
    for i, ev in enumerate(events):
        if ev["seq"] != i:
            return f"event {i} carries seq {ev['seq']}"
        if i and ev["s"] < events[i - 1]["s"]:
            return f"event {i} ({ev['kind']}) goes back in time"
        cause = ev.get("cause")
        if cause is not None and not 0 <= cause < i:
            return f"event {i} ({ev['kind']}) names a cause that does not precede it"
    outcome = run.outcome
    if outcome.kind not in OUTCOME_KINDS:
        return f"unknown outcome kind {outcome.kind!r}"
    if (outcome.kind == "war") != (outcome.war is not None):
        return "a war outcome must describe its war, and only a war outcome"
    missing = {u.actor for u in sc.utilities} - set(outcome.payoffs)
    if missing:
        return f"no payoff for {', '.join(sorted(missing))}"
    return None


def _deterministic(sc: Scenario, seeds: list[int], runs: dict[int, Run],
                   replayed: bool, iv: Interventions) -> Check:
    name = "same seed, byte-identical log"
    if not seeds or any(s not in runs for s in seeds):
        return Check(name, "skipped", "no clean run to repeat")
    # A deep copy is a new object: nothing cached for the first object can leak into the run.
    fresh = sc.model_copy(deep=True)
    for seed in seeds:
        again = simulate(fresh, seed=seed, interventions=iv).jsonl()
        if again != runs[seed].jsonl():
            return Check(name, "failed", f"seed {seed}: {_first_difference(runs[seed], again)}")
    if replayed and replay(sc, seeds[0], iv.budgets).jsonl() != \
            replay(fresh, seeds[0], iv.budgets).jsonl():
        return Check(name, "failed", f"the replay of seed {seeds[0]} differs between runs")
    return Check(name, "passed", f"seeds {', '.join(map(str, seeds))}")


def _blind_to_history(sc: Scenario, seeds: list[int], runs: dict[int, Run],
                      iv: Interventions) -> Check:
    name = "default decision-makers ignore the history section"
    if sc.history is None:
        return Check(name, "skipped", "the scenario has no history section")
    if not seeds or any(s not in runs for s in seeds):
        return Check(name, "skipped", "no clean run to compare")
    blind = sc.model_copy(update={"history": None})
    for seed in seeds:
        if simulate(blind, seed=seed, interventions=iv).jsonl() != runs[seed].jsonl():
            return Check(name, "failed", f"seed {seed}: removing the history changes the run")
    return Check(name, "passed", f"seeds {', '.join(map(str, seeds))}")


def _seats_match(sc: Scenario, seeds: list[int], runs: dict[int, Run],
                 iv: Interventions) -> Check:
    """Every decider seated and answered by its default model: the same log as simulate,
    and a game saved halfway and restored from its JSON goes on to the same log."""
    name = "seats answered by the default decision-makers give the same log"
    if not seeds or any(s not in runs for s in seeds):
        return Check(name, "skipped", "no clean run to compare")
    deciders = Index(sc).deciders
    for seed in seeds:
        try:
            whole = _seated_log(sc, deciders, seed, iv, halfway=False)
            resumed = _seated_log(sc, deciders, seed, iv, halfway=True)
        except Exception as exc:  # a conformance report names any failure, whatever it is
            return Check(name, "failed", f"seed {seed}: {_error(exc)}")
        for label, log in (("seated", whole), ("saved and restored", resumed)):
            if log != runs[seed].jsonl():
                return Check(name, "failed", f"seed {seed}, {label}: "
                             f"{_first_difference(runs[seed], log)}")
    return Check(name, "passed", f"{len(deciders)} seats, seeds "
                 f"{', '.join(map(str, seeds))}, saved and restored halfway")


def _seated_log(sc: Scenario, deciders: list[str], seed: int, iv: Interventions,
                halfway: bool) -> str:
    game = new_game(sc, deciders, seed=seed, interventions=iv)
    policies = bind_policies(sc, {})
    turns = 0
    while (turn := game.advance()) is not None:
        if halfway and turns == 3:
            game = restore_game(json.loads(json.dumps(game.save())))
            halfway = False
            continue
        game.submit(policies[turn.actor].decide(turn.observation,
                                                game.policy_stream(turn.actor)))
        turns += 1
    return game.result().jsonl()


def _first_difference(run: Run, other_jsonl: str) -> str:
    for i, (a, b) in enumerate(zip(run.jsonl().splitlines(), other_jsonl.splitlines(),
                                   strict=False)):
        if a != b:
            return f"the logs part at event {i}"
    return "the logs differ in length"


def _count(n: int, plural: str) -> str:
    return f"{n} {plural if n != 1 else plural[:-1]}"


def _error(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {Path(where.filename).name}:{where.lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{at}"
