"""An environment episode is the engine driven the same way: the same log, event for event."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the 'envs' extra (PettingZoo) is not installed")

from brinkmanship import builtin_names, new_game  # noqa: E402
from brinkmanship.engine.game import Game  # noqa: E402
from brinkmanship.envs import CrisisAEC, CrisisEnv  # noqa: E402
from brinkmanship.envs.actions import ActionTable  # noqa: E402
from brinkmanship.scenario.schema import Scenario  # noqa: E402

pytestmark = pytest.mark.envs

Load = Callable[[str], Scenario]
Drive = Callable[[Game, dict[str, ActionTable], int, int], None]
Pick = Callable[[np.random.Generator, np.ndarray], int]

SEEDS = range(3)


def _aec_log(aec: CrisisAEC, seed: int, pick: Pick) -> str:
    """The log of an AEC episode in which every seat picks at random among its mask."""
    rng = np.random.default_rng(seed)
    aec.reset(seed=seed)
    while not all(aec.terminations.values()):
        obs = aec.observe(aec.agent_selection)
        aec.step(pick(rng, obs["action_mask"]))
    assert aec.episode is not None
    return aec.episode.game.result().jsonl()


@pytest.mark.parametrize("picks", [1, 3])
@pytest.mark.parametrize("name", builtin_names())
def test_an_aec_episode_logs_what_the_engine_logs(name: str, picks: int, load: Load,
                                                   direct: Drive, pick: Pick) -> None:
    aec = CrisisAEC(load(name), picks_per_turn=picks)
    seating = aec.seating
    for seed in SEEDS:
        game = new_game(seating.scenario, seating.seats, seed=seed)
        direct(game, seating.tables, seed, picks)
        assert _aec_log(aec, seed, pick) == game.result().jsonl(), (name, seed)
    again = CrisisAEC(load(name), picks_per_turn=picks)
    assert _aec_log(aec, 2, pick) == _aec_log(again, 2, pick)


@pytest.mark.parametrize("name", builtin_names())
def test_a_single_seat_episode_logs_what_the_engine_logs(name: str, load: Load, direct: Drive,
                                                         pick: Pick) -> None:
    env = CrisisEnv(load(name))
    for seed in SEEDS[:2]:
        rng = np.random.default_rng(seed)
        _, info = env.reset(seed=seed)
        done = False
        while not done:
            _, _, done, _, info = env.step(pick(rng, info["action_mask"]))
        game = new_game(env.seating.scenario, [env.seat], seed=seed)
        direct(game, env.seating.tables, seed, 1)
        assert env.game.result().jsonl() == game.result().jsonl(), (name, seed)
