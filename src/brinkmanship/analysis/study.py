"""A study: a scenario, who decides for each actor, and the arms to run it under.

A study is what every worker receives, as canonical JSON (:meth:`Study.blob`); its SHA-256
(:attr:`Study.fingerprint`) identifies it, so a results file can tell whether a command that
resumes it asks for the same thing. Decision-makers are recorded by registered name for
every actor who decides, the default one included, so that a later change of the default
cannot silently mix two decision models in one table.

A study names the modules where custom decision-makers register (``imports``), but only
:meth:`Study.make` (what the user asked for) and :func:`import_modules` import them:
reading a study back from bytes never imports anything, so a results file, which holds a
study, is data and never code.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from brinkmanship.analysis.counterfactual import Counterfactual, Prepared, prepare
from brinkmanship.analysis.rows import Layout
from brinkmanship.engine.budgets import Budgets
from brinkmanship.engine.index import Index
from brinkmanship.scenario.schema import Scenario

BASELINE = "baseline"
MAX_ARMS = 64
"""The most arms a study has (the baseline and each ``--vary`` value count): each is run on
every seed and drawn in the report, whose figures must stay a size that can be drawn."""


class StudyError(ValueError):
    """A study that cannot run: unknown actor or policy, clashing arm names, no arms."""


@dataclass(frozen=True)
class Arm:
    """One way to run the scenario: a name and the counterfactual changes it makes."""

    name: str
    change: Counterfactual = field(default_factory=Counterfactual)

    @property
    def label(self) -> str:
        return self.change.label()


@dataclass(frozen=True)
class Study:
    """Everything that determines the runs of a table, seeds aside."""

    scenario: Scenario
    policies: Mapping[str, str]
    arms: tuple[Arm, ...]
    imports: tuple[str, ...] = ()
    # The run budgets bound the runs but never change one that stays within them, so they
    # are not part of the study's blob or fingerprint: a file resumes under other budgets.
    budgets: Budgets = field(default_factory=Budgets, compare=False)

    def __repr__(self) -> str:
        arms = ", ".join(a.name for a in self.arms[:4]) + (", …" if len(self.arms) > 4 else "")
        return f"<Study {self.scenario.scenario.id}: arms {arms}; {self.fingerprint[:12]}>"

    @classmethod
    def make(cls, scenario: Scenario, policies: Mapping[str, str] | None = None,
             arms: Sequence[Arm] | None = None, imports: Sequence[str] = (),
             default: str | None = None, budgets: Budgets | None = None) -> Study:
        """A checked study; actors not in ``policies`` get ``default`` (None: the package's
        default decision-maker)."""
        import_modules(imports)
        from brinkmanship.policies.registry import DEFAULT, REGISTRY

        chosen = dict(policies or {})
        default = default or DEFAULT
        if default not in REGISTRY:
            raise StudyError(f"--default-policy {default}: unknown policy {default!r} "
                             f"(known: {', '.join(sorted(REGISTRY))})")
        ix = Index(scenario)
        for actor, name in sorted(chosen.items()):
            if actor not in ix.actors:
                raise StudyError(f"--policy {actor}={name}: no actor {actor!r} in scenario "
                                 f"{scenario.scenario.id!r}")
            if not isinstance(name, str) or name not in REGISTRY:
                raise StudyError(f"--policy {actor}={name}: unknown policy {name!r} "
                                 f"(known: {', '.join(sorted(REGISTRY))})")
        resolved = {a: chosen.get(a, default) for a in sorted(set(ix.deciders) | set(chosen))}
        arms = tuple(arms) if arms else (Arm(BASELINE),)
        if len(arms) > MAX_ARMS:
            raise StudyError(f"{len(arms)} arms: at most {MAX_ARMS} (the baseline and one "
                             "per --vary value)")
        names = [a.name for a in arms]
        if len(set(names)) != len(names):
            raise StudyError(f"two arms share a name: {names}")
        study = cls(scenario, resolved, arms, tuple(imports), budgets or Budgets())
        for arm in arms:
            study.prepared(arm.name)
        return study

    @cached_property
    def _prepared(self) -> dict[str, Prepared]:
        return {}

    def prepared(self, arm: str) -> Prepared:
        """The scenario and interventions of ``arm`` (built once)."""
        if arm not in self._prepared:
            change = next(a.change for a in self.arms if a.name == arm)
            self._prepared[arm] = prepare(self.scenario, change)
        return self._prepared[arm]

    @cached_property
    def layout(self) -> Layout:
        return Layout.of(self.scenario)

    def to_json(self) -> dict[str, Any]:
        return {"scenario": self.scenario.model_dump(mode="json"),
                "policies": dict(sorted(self.policies.items())),
                "arms": [{"name": a.name, "change": a.change.to_json()} for a in self.arms],
                "imports": list(self.imports)}

    @cached_property
    def blob(self) -> bytes:
        """The study as canonical JSON: what workers receive."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()

    @cached_property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.blob).hexdigest()

    @classmethod
    def from_blob(cls, blob: bytes,
                  read_scenario: Callable[[Any], Scenario] = Scenario.model_validate) -> Study:
        """The study of :attr:`blob`, as plain data: the modules it names are not imported
        (see :func:`import_modules`). ``read_scenario`` builds the scenario from its JSON
        data (a results file's study is checked as a scenario file is). ``ValueError``,
        ``KeyError`` or ``TypeError`` when ``blob`` is not a study's JSON."""
        data = json.loads(blob)
        return cls(read_scenario(data["scenario"]), dict(data["policies"]),
                   tuple(Arm(a["name"], Counterfactual.from_json(a["change"]))
                         for a in data["arms"]), tuple(data["imports"]))


def import_modules(modules: Sequence[str]) -> None:
    """Import each module (where custom decision-makers register); ``StudyError`` names one
    that cannot be imported. Call it only for modules the user named: a worker, for those of
    the study its command built; a report, for those given by ``--import``."""
    for module in modules:
        _import(module)


def _import(module: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise StudyError(f"cannot import {module!r} (where custom policies register): "
                         f"{exc}") from None
