"""One game whose seats are driven by action indices: what both environments step.

An :class:`Episode` owns a :class:`~brinkmanship.engine.game.Game` with some deciders
seated (the rest under their policies), a fixed :class:`ActionTable` and
:class:`ObservationLayout` per seat, and the rule that turns one action into one decision:

* action 0 submits an empty decision (the seat waits until news comes);
* action ``i`` submits the single option ``table.options[i]``; while the seat has taken
  fewer than ``picks_per_turn`` options at this instant, the decision also asks to be woken
  at the same instant, so the seat is asked again before time moves on (reason ``wake``);
* an action that is not legal now (out of range, not an integer, or an option not among
  the turn's) is treated as wait and reported as illegal: it never raises.

Needs only numpy: this module imports without the ``envs`` extra.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from brinkmanship.engine.game import Turn
from brinkmanship.engine.index import Index
from brinkmanship.engine.occurrences import Interventions
from brinkmanship.engine.run import Outcome
from brinkmanship.envs.actions import DEFAULT_MAX_PARTS, WAIT, ActionTable, possible_offers
from brinkmanship.envs.features import End, ObservationLayout, named_flags
from brinkmanship.games import new_game
from brinkmanship.policies.base import Decision, Observation, Option, Policy
from brinkmanship.scenario import load_scenario
from brinkmanship.scenario.schema import Scenario

SEED_LIMIT = 2**31
"""Game seeds the environments draw for a ``reset()`` without a seed lie in [0, SEED_LIMIT)."""


@dataclass(frozen=True)
class Played:
    """What one action did: the option submitted (``None``: waited) and whether the
    action was legal (an illegal one was submitted as wait)."""

    actor: str
    option: Option | None
    legal: bool


class Seats:
    """The fixed parts of the environments for one scenario: seats, tables and layouts.

    ``seats`` default to every decider (:attr:`Index.deciders`); the others play under
    ``policies`` (actor -> policy or registered name; the default decision model otherwise).
    """

    def __init__(self, scenario: Scenario | str, seats: Sequence[str] | None = None,
                 policies: Mapping[str, Policy | str] | None = None, picks_per_turn: int = 1,
                 max_parts: int = DEFAULT_MAX_PARTS, interventions: Interventions | None = None):
        self.scenario = load_scenario(scenario) if isinstance(scenario, str) else scenario
        self.ix = Index(self.scenario)
        chosen = list(self.ix.deciders if seats is None else seats)
        unknown = [a for a in chosen if a not in self.ix.deciders]
        if unknown or not chosen or len(set(chosen)) != len(chosen):
            raise ValueError(f"seats must be distinct deciders of {self.scenario.scenario.id!r} "
                             f"({', '.join(self.ix.deciders)}); got {chosen}")
        if picks_per_turn < 1:
            raise ValueError("picks_per_turn must be at least 1")
        self.seats = tuple(chosen)
        self.policies = dict(policies or {})
        self.picks_per_turn = picks_per_turn
        self.interventions = interventions
        offers, flags = possible_offers(self.ix), named_flags(self.scenario)
        self.tables = {a: ActionTable(self.ix, a, max_parts) for a in self.seats}
        self.layouts = {a: ObservationLayout(self.ix, a, offers, flags) for a in self.seats}

    def episode(self, seed: int) -> Episode:
        """A new game with these seats, at ``seed``, run to the first seat's turn."""
        return Episode(self, seed)


class Episode:
    """One game of :class:`Seats`, stepped one seat action at a time."""

    def __init__(self, seats: Seats, seed: int):
        self.seats = seats
        self.seed = seed
        self.game = new_game(seats.scenario, seats.seats, seats.policies, seed,
                             seats.interventions)
        self.seen: dict[str, Observation] = {}
        self._picks: dict[str, tuple[datetime, int]] = {}
        self._outcome: Outcome | None = None
        self._advance()

    # -- where it stands -------------------------------------------------------------------
    @property
    def turn(self) -> Turn | None:
        """The seat turn waiting for an action; ``None`` once the game is over."""
        return self.game.turn

    @property
    def over(self) -> bool:
        return self.game.over

    @property
    def outcome(self) -> Outcome:
        """The outcome of the finished game (``SeatError`` while it is being played)."""
        if self._outcome is None:
            self._outcome = self.game.outcome
        return self._outcome

    def end(self) -> End | None:
        """When and how the game ended, which every seat knows; ``None`` while it runs."""
        if not self.over:
            return None
        return End(self.game.now, self.outcome.kind)

    def payoff(self, actor: str) -> float:
        """``actor``'s payoff of the finished game (0.0 for an actor without utilities)."""
        return float(self.outcome.payoffs.get(actor, 0.0))

    def mask(self, actor: str) -> np.ndarray:
        """The legal actions of ``actor`` now: its turn's options, or wait alone."""
        table = self.seats.tables[actor]
        turn = self.turn
        return table.mask(turn.options if turn is not None and turn.actor == actor else ())

    def unlisted(self, actor: str) -> int:
        """How many of ``actor``'s legal options now have no index (the cap left them out)."""
        turn = self.turn
        if turn is None or turn.actor != actor:
            return 0
        return len(self.seats.tables[actor].unlisted(turn.options))

    def observation(self, actor: str) -> np.ndarray:
        """``actor``'s vector: its turn's observation now, else the last one it was handed
        (none before its first turn), and the end once the game is over."""
        turn = self.turn
        obs = turn.observation if turn is not None and turn.actor == actor else \
            self.seen.get(actor)
        return self.seats.layouts[actor].encode(obs, self.end())

    # -- playing ---------------------------------------------------------------------------
    def play(self, action: Any) -> Played:
        """Submit the waiting turn's decision for ``action`` and run to the next seat turn.

        Raises ``RuntimeError`` only when no turn waits (the game is over).
        """
        turn = self.turn
        if turn is None:
            raise RuntimeError("the game is over: no seat decides any more")
        option, legal = self._option(turn, action)
        wake = self._wake(turn, option)
        self.game.submit(Decision([option] if option is not None else [], wake), turn.actor)
        self._advance()
        return Played(turn.actor, option, legal)

    def _option(self, turn: Turn, action: Any) -> tuple[Option | None, bool]:
        table = self.seats.tables[turn.actor]
        try:
            i = operator.index(action)
        except TypeError:
            return None, False
        if not 0 <= i < len(table):
            return None, False
        option = table.options[i]
        if i == WAIT or option is None:
            return None, True
        return (option, True) if option in set(turn.options) else (None, False)

    def _wake(self, turn: Turn, option: Option | None) -> datetime | None:
        """Ask to be asked again at the same instant while picks remain (see the module)."""
        if option is None:
            return None
        at, done = self._picks.get(turn.actor, (turn.now, 0))
        done = done + 1 if at == turn.now else 1
        self._picks[turn.actor] = (turn.now, done)
        return turn.now if done < self.seats.picks_per_turn else None

    def _advance(self) -> None:
        turn = self.game.advance()
        if turn is not None:
            self.seen[turn.actor] = turn.observation
