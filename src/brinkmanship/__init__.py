"""brinkmanship: simulate, replay, play and analyse crisis bargaining under the risk of war.

A small public surface for notebooks and scripts::

    from brinkmanship import load_scenario, simulate
    run = simulate(load_scenario("cuba-1962"), seed=7)
    run.outcome.kind, run.events[-1]
"""

from brinkmanship.conformance import ConformanceReport, check_scenario
from brinkmanship.engine import (
    Game,
    Interventions,
    Outcome,
    PolicyError,
    Run,
    SavedGameError,
    SeatError,
    Turn,
)
from brinkmanship.games import new_game, restore_game, simulate
from brinkmanship.history import Divergence, differences, divergences, replay
from brinkmanship.policies.base import Decision, Letter, LetterForm, Observation, Option, Policy
from brinkmanship.policies.registry import make_policy, register
from brinkmanship.scenario import (
    Scenario,
    ScenarioError,
    builtin_names,
    load_scenario,
    parse_scenario,
)

__all__ = [
    "ConformanceReport",
    "Decision",
    "Divergence",
    "Game",
    "Interventions",
    "Letter",
    "LetterForm",
    "Observation",
    "Option",
    "Outcome",
    "Policy",
    "PolicyError",
    "Run",
    "SavedGameError",
    "Scenario",
    "ScenarioError",
    "SeatError",
    "Turn",
    "builtin_names",
    "check_scenario",
    "differences",
    "divergences",
    "load_scenario",
    "make_policy",
    "new_game",
    "parse_scenario",
    "register",
    "replay",
    "restore_game",
    "simulate",
]
