"""A PettingZoo agent-by-agent (AEC) environment over a scenario's seats.

Agents are the seated deciders; ``agent_selection`` is always the seat whose turn the
game is waiting on (the same agent may act several times in a row). Each agent's action
space is ``Discrete(len(table))`` over its fixed :class:`~brinkmanship.envs.actions.ActionTable`;
its observation is a dict of ``observation`` (the float32 vector of
:class:`~brinkmanship.envs.features.ObservationLayout`) and ``action_mask`` (int8, the
legal actions now; wait alone for an agent whose turn it is not). The mask is also in
``infos[agent]["action_mask"]``. Rewards are 0 until the game ends, then every agent's
payoff; all agents terminate together at the end (no truncation: the scenario's horizon
ends the game with an ``unresolved`` outcome, which has payoffs too).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import AECEnv
from pettingzoo.utils import wrappers

from brinkmanship.engine.occurrences import Interventions
from brinkmanship.envs.actions import DEFAULT_MAX_PARTS
from brinkmanship.envs.episode import SEED_LIMIT, Episode, Seats
from brinkmanship.envs.render import RENDER_MODES, render_turn
from brinkmanship.policies.base import Policy
from brinkmanship.scenario.schema import Scenario


class CrisisAEC(AECEnv[str, dict[str, np.ndarray], int]):
    """A scenario as a turn-based multi-agent environment (see the module docstring).

    ``seats`` (default: every decider) are the agents; other deciders play under
    ``policies`` (default: the default decision model). ``reset(seed=s)`` plays the game
    of engine seed ``s``; ``reset()`` without a seed draws the next game seed from a
    generator seeded by the last explicit seed (from fresh entropy if there was none).
    """

    metadata = {"name": "brinkmanship_crisis_v0", "render_modes": list(RENDER_MODES),
                "render_fps": 1, "is_parallelizable": False}

    def __init__(self, scenario: Scenario | str = "cuba-1962",
                 seats: Sequence[str] | None = None,
                 policies: Mapping[str, Policy | str] | None = None, picks_per_turn: int = 1,
                 max_parts: int = DEFAULT_MAX_PARTS, interventions: Interventions | None = None,
                 render_mode: str | None = None):
        super().__init__()
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ValueError(f"render_mode must be one of {', '.join(RENDER_MODES)}")
        self.seating = Seats(scenario, seats, policies, picks_per_turn, max_parts, interventions)
        self.render_mode = render_mode
        self.possible_agents = list(self.seating.seats)
        self.action_spaces = {a: spaces.Discrete(len(t)) for a, t in self.seating.tables.items()}
        self.observation_spaces = {a: _observation_space(self.seating, a)
                                   for a in self.possible_agents}
        self.episode: Episode | None = None
        self._seeds: np.random.Generator | None = None
        self._illegal: dict[str, bool] = {}

    # -- the PettingZoo interface --------------------------------------------------------------
    def observation_space(self, agent: str) -> spaces.Space[Any]:
        return self.observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space[Any]:
        return self.action_spaces[agent]

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None) -> None:
        """Start a new game (``options`` are accepted and ignored)."""
        if seed is not None:
            self._seeds = np.random.default_rng(seed)
            game_seed = int(seed)
        else:
            if self._seeds is None:
                self._seeds = np.random.default_rng()
            game_seed = int(self._seeds.integers(SEED_LIMIT))
        self.episode = self.seating.episode(game_seed)
        self.agents = list(self.possible_agents)
        self.rewards = {a: 0.0 for a in self.agents}
        self._cumulative_rewards = {a: 0.0 for a in self.agents}
        self.terminations = {a: False for a in self.agents}
        self.truncations = {a: False for a in self.agents}
        self._illegal = {a: False for a in self.agents}
        self.agent_selection = self.agents[0]
        self._after_move()

    def observe(self, agent: str) -> dict[str, np.ndarray]:
        ep = self._playing()
        return {"observation": ep.observation(agent), "action_mask": ep.mask(agent)}

    def step(self, action: Any) -> None:
        """Carry out ``agent_selection``'s action (``None`` for an agent already terminated).

        An illegal action is submitted as wait and flagged in its agent's
        ``infos[agent]["illegal_action"]``.
        """
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        self._cumulative_rewards[agent] = 0.0
        self._clear_rewards()
        played = self._playing().play(action)
        self._illegal[agent] = not played.legal
        self._after_move()
        if self.render_mode == "human":
            self.render()

    def render(self) -> str | None:
        """The waiting turn as text: printed for ``human``, returned for ``ansi``."""
        return render_turn(self.render_mode, self._playing())

    def close(self) -> None:
        """Nothing to release: the game lives in this process."""

    # -- the game behind it --------------------------------------------------------------------
    def _playing(self) -> Episode:
        if self.episode is None:
            raise RuntimeError("reset() the environment before using it")
        return self.episode

    def _after_move(self) -> None:
        """Point at the next seat to decide, or end the game for every agent."""
        ep = self._playing()
        turn = ep.turn
        if turn is not None:
            self.agent_selection = turn.actor
        else:
            for a in self.agents:
                self.terminations[a] = True
                self.rewards[a] = ep.payoff(a)
        self.infos = {a: self._info(a) for a in self.agents}
        self._accumulate_rewards()

    def _info(self, agent: str) -> dict[str, Any]:
        ep = self._playing()
        info: dict[str, Any] = {"action_mask": ep.mask(agent),
                                "illegal_action": self._illegal[agent],
                                "unlisted": ep.unlisted(agent)}
        if ep.over:
            info["outcome"] = ep.outcome.kind
        return info


def raw_env(scenario: Scenario | str = "cuba-1962", **kwargs: Any) -> CrisisAEC:
    """The environment itself, without PettingZoo's wrappers (see :class:`CrisisAEC`)."""
    return CrisisAEC(scenario, **kwargs)


def env(scenario: Scenario | str = "cuba-1962", **kwargs: Any) -> AECEnv[str, Any, int]:
    """:func:`raw_env` behind PettingZoo's order-enforcing wrapper, as its own envs come.

    No out-of-bounds assertion is added: an illegal action waits instead (see ``step``).
    """
    return wrappers.OrderEnforcingWrapper(raw_env(scenario, **kwargs))


def _observation_space(seating: Seats, agent: str) -> spaces.Dict:
    layout, table = seating.layouts[agent], seating.tables[agent]
    return spaces.Dict({
        "observation": spaces.Box(layout.low, layout.high, dtype=np.float32),
        "action_mask": spaces.Box(0, 1, shape=(len(table),), dtype=np.int8),
    })
