"""Decision-makers by name, and the binding of policies to a scenario's actors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from brinkmanship.policies.base import Policy
from brinkmanship.policies.baseline import BaselinePolicy
from brinkmanship.policies.lenses import LensesPolicy
from brinkmanship.policies.scripted import ScriptedPolicy
from brinkmanship.policies.simple import PassivePolicy, RandomPolicy
from brinkmanship.scenario.schema import Scenario

DEFAULT = "lenses"


def _llm_from_environment() -> Policy:
    """The ``llm`` decision-maker configured by the environment (``BRINK_LLM_MODEL``,
    ``BRINK_LLM_BASE_URL``, ...; see docs/language-models.md)."""
    from brinkmanship.llm.config import settings_from
    from brinkmanship.llm.policy import llm_policy

    return llm_policy("llm", settings_from({}))


REGISTRY: dict[str, Callable[[], Policy]] = {
    "baseline": BaselinePolicy,
    "lenses": LensesPolicy,
    "llm": _llm_from_environment,
    "passive": PassivePolicy,
    "random": RandomPolicy,
    "scripted": ScriptedPolicy,
}


def register(name: str, factory: Callable[[], Policy]) -> None:
    """Make a policy available by name (to ``--policy ACTOR=NAME`` and to ``simulate``)."""
    REGISTRY[name] = factory


def make_policy(name: str) -> Policy:
    """A fresh policy registered as ``name``."""
    try:
        return REGISTRY[name]()
    except KeyError:
        raise KeyError(f"unknown policy {name!r} (known: {', '.join(sorted(REGISTRY))})") \
            from None


def bind_policies(scenario: Scenario, chosen: Mapping[str, Policy | str],
                  default: str = DEFAULT, seated: Iterable[str] = ()) -> dict[str, Policy]:
    """A bound policy for every actor who decides and is not ``seated``; actors not in
    ``chosen`` get ``default``.

    Only policies that declare ``reads_history`` are shown the history section.
    """
    from brinkmanship.engine.index import Index

    ix = Index(scenario)
    unknown = sorted(set(chosen) - set(ix.actors))
    if unknown:
        raise KeyError(f"no actor {unknown[0]!r} in scenario {scenario.scenario.id!r}")
    blind = scenario.model_copy(update={"history": None})
    bound: dict[str, Policy] = {}
    for actor in sorted((set(ix.deciders) | set(chosen)) - set(seated)):
        policy = chosen.get(actor, default)
        if isinstance(policy, str):
            policy = make_policy(policy)
        policy.bind(scenario if getattr(policy, "reads_history", False) else blind, actor)
        bound[actor] = policy
    return bound
