"""CrisisEnv against Gymnasium's own checker, for every built-in scenario, and its contract."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest

gymnasium = pytest.importorskip("gymnasium",
                                reason="the 'envs' extra (Gymnasium) is not installed")

from gymnasium.utils.env_checker import check_env  # noqa: E402

from brinkmanship import builtin_names, simulate  # noqa: E402
from brinkmanship.envs import CrisisEnv  # noqa: E402
from brinkmanship.envs.single import ENV_ID  # noqa: E402
from brinkmanship.scenario.schema import Scenario  # noqa: E402

pytestmark = pytest.mark.envs

Load = Callable[[str], Scenario]


@pytest.mark.parametrize("name", builtin_names())
def test_gymnasium_check_env(name: str, load: Load) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(gymnasium.make(ENV_ID, scenario=load(name)).unwrapped)
    assert not [str(w.message) for w in caught]


def test_gymnasium_check_env_with_several_picks_and_another_seat(load: Load) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(CrisisEnv(load("october-war-1973"), seat="sadat", picks_per_turn=3),
                  skip_render_check=True)
    assert not [str(w.message) for w in caught]


def test_the_default_seat_leads_the_first_side(load: Load) -> None:
    env = CrisisEnv(load("cuba-1962"))
    assert env.seat == "kennedy"
    assert env.action_space.n == len(env.table) and env.observation_space.shape == \
        (env.layout.size,)


def test_an_illegal_action_waits_and_is_flagged(load: Load) -> None:
    waited, illegal = (CrisisEnv(load("berlin-1961"), seat="khrushchev") for _ in range(2))
    _, info = illegal.reset(seed=2)
    waited.reset(seed=2)
    assert np.array_equal(info["action_mask"], illegal.action_masks())
    bad = int(np.flatnonzero(info["action_mask"] == 0)[0])
    _, _, _, _, flagged = illegal.step(bad)
    _, _, _, _, fine = waited.step(0)
    assert flagged["illegal_action"] and not fine["illegal_action"]
    for action in (None, 1.5, -3, np.int64(10**6)):
        illegal.step(action)
        waited.step(0)
    assert illegal.game.events == waited.game.events


def test_an_episode_pays_the_seat_at_the_end_and_a_later_step_changes_nothing(
        load: Load) -> None:
    env = CrisisEnv(load("panmunjom-1976"), seat="kim")
    rng = np.random.default_rng(0)
    _, info = env.reset(seed=5)
    rewards, done = [], False
    while not done:
        obs, reward, done, truncated, info = env.step(rng.choice(np.flatnonzero(
            info["action_mask"])))
        rewards.append(reward)
        assert not truncated and obs in env.observation_space
    payoff = env.game.result().outcome.payoffs["kim"]
    assert rewards[-1] == payoff == info["payoff"] and not any(rewards[:-1])
    events = list(env.game.events)
    obs, reward, done, _, after = env.step(0)
    assert done and reward == 0.0 and after["after_end"] and env.game.events == events


def test_a_seat_that_always_waits_plays_like_the_passive_policy(load: Load) -> None:
    """A seat that always waits decides nothing; the others play as in ``simulate``."""
    env = CrisisEnv(load("october-war-1973"), seat="meir", policies={"kissinger": "passive"})
    env.reset(seed=1)
    done = False
    while not done:
        _, _, done, _, _ = env.step(0)
    plain = simulate(env.seating.scenario, {"meir": "passive", "kissinger": "passive"}, 1)
    assert env.game.result().jsonl() == plain.jsonl()
