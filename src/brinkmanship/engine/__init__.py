"""The crisis engine: a discrete-event kernel, the mechanics on it, and ``simulate``."""

from brinkmanship.engine.results import Outcome, Run, outcome_of, simulate
from brinkmanship.engine.simulate import Interventions, PolicyError

__all__ = ["Interventions", "Outcome", "PolicyError", "Run", "outcome_of", "simulate"]
