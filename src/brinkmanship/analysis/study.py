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
from typing import TYPE_CHECKING, Any

from brinkmanship.analysis.counterfactual import Counterfactual, Prepared, prepare
from brinkmanship.analysis.rows import Layout
from brinkmanship.engine.budgets import Budgets
from brinkmanship.engine.index import Index
from brinkmanship.scenario.schema import Scenario

if TYPE_CHECKING:
    from brinkmanship.escalation import Scale
    from brinkmanship.llm.config import LLMSettings
    from brinkmanship.policies.base import Policy

BASELINE = "baseline"
MAX_ARMS = 64
"""The most arms a study has (the baseline and each ``--vary`` value count): each is run on
every seed and drawn in the report, whose figures must stay a size that can be drawn."""


class StudyError(ValueError):
    """A study that cannot run: unknown actor or policy, clashing arm names, no arms."""


@dataclass(frozen=True)
class Arm:
    """One way to run the scenario: a name, the counterfactual changes it makes, and the
    decision-makers it puts in place of the study's (actor -> policy name), so that
    decision-makers can be compared as paired arms on the same seeds."""

    name: str
    change: Counterfactual = field(default_factory=Counterfactual)
    policies: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        who = "; ".join(f"{a}={p}" for a, p in self.policies)
        text = self.change.label()
        if not who:
            return text
        return who if text == "as the scenario is" else f"{who}; {text}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "change": self.change.to_json()}
        if self.policies:  # absent otherwise: the fingerprints of earlier studies hold
            data["policies"] = [list(p) for p in self.policies]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Arm:
        return cls(data["name"], Counterfactual.from_json(data["change"]),
                   tuple((str(a), str(p)) for a, p in data.get("policies", [])))


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
    # The language-model agents are part of the fingerprint (which model, which settings);
    # the cache, the offline switch and the model budgets travel in the blob only.
    llm: LLMSettings | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        arms = ", ".join(a.name for a in self.arms[:4]) + (", …" if len(self.arms) > 4 else "")
        return f"<Study {self.scenario.scenario.id}: arms {arms}; {self.fingerprint[:12]}>"

    @classmethod
    def make(cls, scenario: Scenario, policies: Mapping[str, str] | None = None,
             arms: Sequence[Arm] | None = None, imports: Sequence[str] = (),
             default: str | None = None, budgets: Budgets | None = None,
             llm: LLMSettings | None = None) -> Study:
        """A checked study; actors not in ``policies`` get ``default`` (None: the package's
        default decision-maker); ``llm`` holds the language-model agents that the policy
        names ``llm`` and ``llm:NAME`` stand for."""
        import_modules(imports)
        from brinkmanship.policies.registry import DEFAULT

        chosen = dict(policies or {})
        default = default or DEFAULT
        _check_policy(default, llm, f"--default-policy {default}")
        ix = Index(scenario)
        for actor, name in sorted(chosen.items()):
            if actor not in ix.actors:
                raise StudyError(f"--policy {actor}={name}: no actor {actor!r} in scenario "
                                 f"{scenario.scenario.id!r}")
            _check_policy(name, llm, f"--policy {actor}={name}")
        resolved = {a: chosen.get(a, default) for a in sorted(set(ix.deciders) | set(chosen))}
        arms = tuple(arms) if arms else (Arm(BASELINE),)
        for arm in arms:
            for actor, name in arm.policies:
                if actor not in ix.actors:
                    raise StudyError(f"--arm {arm.name}: no actor {actor!r} in scenario "
                                     f"{scenario.scenario.id!r}")
                _check_policy(name, llm, f"--arm {arm.name}: {actor}={name}")
        if len(arms) > MAX_ARMS:
            raise StudyError(f"{len(arms)} arms: at most {MAX_ARMS} (the baseline and one "
                             "per --vary value)")
        names = [a.name for a in arms]
        if len(set(names)) != len(names):
            raise StudyError(f"two arms share a name: {names}")
        study = cls(scenario, resolved, arms, tuple(imports), budgets or Budgets(), llm)
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

    @cached_property
    def scale(self) -> Scale:
        """The scenario's escalation scale, which places every decision of a run."""
        from brinkmanship.escalation import Scale

        return Scale(self.scenario)

    def policy(self, name: str) -> Policy:
        """A fresh decision-maker of the registered ``name``, or of the language-model
        agent ``llm`` / ``llm:NAME`` of this study."""
        from brinkmanship.llm.config import is_llm_policy
        from brinkmanship.policies.registry import make_policy

        if is_llm_policy(name) and self.llm is not None:
            from brinkmanship.llm.policy import llm_policy

            return llm_policy(name, self.llm)
        return make_policy(name)

    def arm_policies(self, arm: str) -> dict[str, str]:
        """Who decides for each actor in ``arm``: the study's, then the arm's own."""
        return {**self.policies, **dict(next(a for a in self.arms if a.name == arm).policies)}

    def to_json(self) -> dict[str, Any]:
        data = {"scenario": self.scenario.model_dump(mode="json"),
                "policies": dict(sorted(self.policies.items())),
                "arms": [a.to_json() for a in self.arms],
                "imports": list(self.imports)}
        if self.llm is not None and self.llm.agents:
            data["llm"] = {"agents": {n: a.identity() for n, a in sorted(self.llm.agents.items())}}
        return data

    @cached_property
    def blob(self) -> bytes:
        """The study as canonical JSON: what workers receive."""
        data = self.to_json()
        if "llm" in data:
            assert self.llm is not None
            data["llm_runtime"] = {"cache": self.llm.cache, "offline": self.llm.offline,
                                   "budget": self.llm.budget.model_dump(),
                                   "sweep": self.llm.sweep, "ledger": self.llm.ledger}
        return _canonical(data)

    @cached_property
    def fingerprint(self) -> str:
        return hashlib.sha256(_canonical(self.to_json())).hexdigest()

    @classmethod
    def from_blob(cls, blob: bytes,
                  read_scenario: Callable[[Any], Scenario] = Scenario.model_validate) -> Study:
        """The study of :attr:`blob`, as plain data: the modules it names are not imported
        (see :func:`import_modules`). ``read_scenario`` builds the scenario from its JSON
        data (a results file's study is checked as a scenario file is). ``ValueError``,
        ``KeyError`` or ``TypeError`` when ``blob`` is not a study's JSON."""
        data = json.loads(blob)
        llm = None
        if "llm" in data:
            from brinkmanship.llm.config import LLMSettings

            llm = LLMSettings.from_data({**data["llm"], **data.get("llm_runtime", {})})
        return cls(read_scenario(data["scenario"]), dict(data["policies"]),
                   tuple(Arm.from_json(a) for a in data["arms"]), tuple(data["imports"]),
                   llm=llm)


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _check_policy(name: Any, llm: LLMSettings | None, where: str) -> None:
    """``StudyError`` unless ``name`` is a registered decision-maker or an agent of ``llm``."""
    from brinkmanship.llm.config import LLMConfigError, is_llm_policy
    from brinkmanship.policies.registry import REGISTRY

    if isinstance(name, str) and is_llm_policy(name) and (name != "llm" or llm is not None):
        if llm is None:
            raise StudyError(f"{where}: no language-model agents are configured "
                             "(--llm-agents FILE)")
        try:
            llm.agent(name)
        except LLMConfigError as exc:
            raise StudyError(f"{where}: {exc}") from None
        return
    if not isinstance(name, str) or name not in REGISTRY:
        raise StudyError(f"{where}: unknown policy {name!r} "
                         f"(known: {', '.join(sorted(REGISTRY))})")


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
