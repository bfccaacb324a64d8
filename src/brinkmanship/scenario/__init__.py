"""Scenarios: the schema of the scenario language, loading and checking files."""

from brinkmanship.scenario.errors import Problem, ScenarioError
from brinkmanship.scenario.loader import builtin_names, load_scenario, parse_scenario
from brinkmanship.scenario.schema import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "builtin_names", "load_scenario",
           "parse_scenario"]
