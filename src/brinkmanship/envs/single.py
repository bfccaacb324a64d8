"""A Gymnasium environment in which one seat learns and every other decider plays its policy.

The action space is ``Discrete(len(table))`` over the seat's fixed
:class:`~brinkmanship.envs.actions.ActionTable`; the observation is the seat's float32
vector (:class:`~brinkmanship.envs.features.ObservationLayout`), a ``Box`` in [0, 1].
``info["action_mask"]`` (int8) marks the legal actions, and :meth:`CrisisEnv.action_masks`
returns the same for libraries that ask for it. An illegal action is submitted as wait and
flagged with ``info["illegal_action"] = True``; it never raises.

The reward is 0 until the game ends, then the seat's payoff; ``terminated`` is true at the
end and ``truncated`` never is (the scenario's horizon ends the game itself).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, SupportsFloat

import gymnasium
import numpy as np
from gymnasium import spaces

from brinkmanship.engine.game import Game
from brinkmanship.engine.occurrences import Interventions
from brinkmanship.envs.actions import DEFAULT_MAX_PARTS
from brinkmanship.envs.episode import SEED_LIMIT, Episode, Seats
from brinkmanship.envs.render import RENDER_MODES, render_turn
from brinkmanship.policies.base import Policy
from brinkmanship.scenario import load_scenario
from brinkmanship.scenario.schema import Scenario

ENV_ID = "brinkmanship/Crisis-v0"
"""The id :func:`gymnasium.make` knows :class:`CrisisEnv` by once this module is imported."""


class CrisisEnv(gymnasium.Env[np.ndarray, np.int64]):
    """One seat of a scenario as a single-agent environment (see the module docstring).

    ``seat`` defaults to the leader of the scenario's first side. ``reset(seed=s)`` plays
    the game of engine seed ``s``; ``reset()`` without a seed draws the game seed from
    ``self.np_random`` (Gymnasium's convention: seeded by the last explicit seed).
    """

    metadata = {"render_modes": list(RENDER_MODES), "render_fps": 1}

    def __init__(self, scenario: Scenario | str = "cuba-1962", seat: str | None = None,
                 policies: Mapping[str, Policy | str] | None = None, picks_per_turn: int = 1,
                 max_parts: int = DEFAULT_MAX_PARTS, interventions: Interventions | None = None,
                 render_mode: str | None = None):
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ValueError(f"render_mode must be one of {', '.join(RENDER_MODES)}")
        sc = load_scenario(scenario) if isinstance(scenario, str) else scenario
        self.seat = seat if seat is not None else sc.sides[0].leader
        self.seating = Seats(sc, [self.seat], policies, picks_per_turn, max_parts, interventions)
        self.render_mode = render_mode
        self.table = self.seating.tables[self.seat]
        self.layout = self.seating.layouts[self.seat]
        self.action_space = spaces.Discrete(len(self.table))
        self.observation_space = spaces.Box(self.layout.low, self.layout.high, dtype=np.float32)
        self.episode: Episode | None = None

    @property
    def game(self) -> Game:
        """The game being played (its events, decisions and, at the end, its result)."""
        return self._playing().game

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start a new game and run to the seat's first turn (``options`` are ignored).

        In a game that ends before the seat is ever asked, the observation is already the
        final one and the first step ends the episode whatever the action.
        """
        super().reset(seed=seed)
        game_seed = int(seed) if seed is not None else int(self.np_random.integers(SEED_LIMIT))
        self.episode = self.seating.episode(game_seed)
        return self._observation(), self._info(None)

    def step(self, action: Any) -> tuple[np.ndarray, SupportsFloat, bool, bool, dict[str, Any]]:
        """Carry out ``action`` at the seat's turn and run to its next turn or the end.

        A step after the end changes nothing: the final observation again, reward 0.
        """
        ep = self._playing()
        if ep.over:
            info = self._info(None)
            info["after_end"] = True
            return self._observation(), 0.0, True, False, info
        played = ep.play(action)
        if self.render_mode == "human":
            self.render()
        reward = ep.payoff(self.seat) if ep.over else 0.0
        return self._observation(), reward, ep.over, False, self._info(played.legal)

    def action_masks(self) -> np.ndarray:
        """The legal actions now (the same as ``info["action_mask"]``)."""
        return self._playing().mask(self.seat)

    def render(self) -> str | None:
        """The seat's waiting turn as text: printed for ``human``, returned for ``ansi``."""
        return render_turn(self.render_mode, self._playing())

    def _playing(self) -> Episode:
        if self.episode is None:
            raise RuntimeError("reset() the environment before using it")
        return self.episode

    def _observation(self) -> np.ndarray:
        return self._playing().observation(self.seat)

    def _info(self, legal: bool | None) -> dict[str, Any]:
        ep = self._playing()
        info: dict[str, Any] = {"action_mask": ep.mask(self.seat),
                                "illegal_action": legal is False,
                                "unlisted": ep.unlisted(self.seat)}
        if ep.over:
            info["outcome"] = ep.outcome.kind
            info["payoff"] = ep.payoff(self.seat)
        return info


if ENV_ID not in gymnasium.registry:
    gymnasium.register(id=ENV_ID, entry_point=f"{__name__}:CrisisEnv")
