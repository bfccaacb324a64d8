"""Runs and games with decision-makers given by name: ``simulate``, ``new_game``, ``restore_game``.

This is the layer above the engine that resolves policy names (``"lenses"``,
``"passive"``, anything :func:`~brinkmanship.policies.registry.register` added) and binds
them to the scenario; the engine itself only ever sees bound policies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from brinkmanship.engine.game import Game, SavedGame, SavedGameError
from brinkmanship.engine.occurrences import Interventions
from brinkmanship.engine.run import Run
from brinkmanship.policies.base import Policy
from brinkmanship.policies.registry import bind_policies
from brinkmanship.scenario.loader import load_scenario
from brinkmanship.scenario.schema import Scenario

ScenarioLike = Scenario | str | Path
"""A scenario, a built-in scenario's name or a scenario file."""


def as_scenario(scenario: ScenarioLike) -> Scenario:
    """``scenario`` itself, or the scenario a name or file holds (``ScenarioError`` if it
    does not load)."""
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def simulate(scenario: ScenarioLike, policies: Mapping[str, Policy | str] | None = None,
             seed: int = 0, interventions: Interventions | None = None) -> Run:
    """Run ``scenario`` (a :class:`Scenario`, a built-in name such as ``"cuba-1962"`` or a
    file) once, every actor answered by its policy.

    ``policies`` maps actor ids to policies or registered policy names; actors left out
    get the default decision model. The same (scenario, policies, seed) always gives the
    same log.
    """
    return new_game(scenario, (), policies, seed, interventions).play()


def new_game(scenario: ScenarioLike, seats: Iterable[str],
             policies: Mapping[str, Policy | str] | None = None, seed: int = 0,
             interventions: Interventions | None = None) -> Game:
    """A game in which ``seats`` are asked through :meth:`Game.advance` / :meth:`Game.submit`
    and every other actor who decides plays under ``policies`` (default: the default model).
    ``scenario`` is a :class:`Scenario`, a built-in name or a file."""
    scenario = as_scenario(scenario)
    seated = frozenset(seats)
    chosen = dict(policies or {})
    both = sorted(seated & set(chosen))
    if both:
        raise ValueError(f"actor {both[0]!r} has both a seat and a policy")
    bound = bind_policies(scenario, chosen, seated=seated)
    return Game(scenario, bound, seated, seed, interventions)


def restore_game(data: Any) -> Game:
    """The game :meth:`Game.save` wrote, continued to where it stood.

    ``SavedGameError`` names what is wrong with ``data`` (for example an unknown policy).
    """
    saved = SavedGame.from_data(data)
    try:
        bound = bind_policies(saved.scenario, saved.policies, seated=saved.seats)
    except KeyError as exc:
        raise SavedGameError(f"policies: {exc.args[0]}") from None
    if set(bound) != set(saved.policies):
        missing = sorted(set(bound) - set(saved.policies))
        raise SavedGameError(f"policies: no policy is named for actor {missing[0]!r}")
    return Game.restore(saved, bound)
