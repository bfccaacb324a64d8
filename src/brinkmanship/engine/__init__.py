"""The crisis engine: a discrete-event kernel, the mechanics on it, and the game that drives it.

The engine knows decision-makers only as bound :class:`~brinkmanship.policies.base.Policy`
objects; resolving policy names is the business of :mod:`brinkmanship.games`.
"""

from brinkmanship.engine.game import Game, SavedGame, SavedGameError, SeatError, Turn
from brinkmanship.engine.occurrences import Interventions, PolicyError
from brinkmanship.engine.run import Outcome, Run, outcome_of

__all__ = ["Game", "Interventions", "Outcome", "PolicyError", "Run", "SavedGame",
           "SavedGameError", "SeatError", "Turn", "outcome_of"]
