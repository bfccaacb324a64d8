"""CrisisAEC against PettingZoo's own checkers, for every built-in scenario, and its contract."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the 'envs' extra (PettingZoo) is not installed")

from pettingzoo.test import api_test, seed_test  # noqa: E402

from brinkmanship import builtin_names  # noqa: E402
from brinkmanship.envs import CrisisAEC, env, raw_env  # noqa: E402
from brinkmanship.scenario.schema import Scenario  # noqa: E402

pytestmark = pytest.mark.envs

Load = Callable[[str], Scenario]

# What PettingZoo's checker recommends but this environment does otherwise, on purpose:
# agents are named by actor id, each seat has its own layout and table, and observations
# are dicts carrying the action mask.
EXPECTED = ("We recommend agents to be named", "Agents have different observation space",
            "Observations are different shapes", "Observation is not a NumPy array",
            "Observation space for each agent probably should be")


def _checked(run: Callable[[], object]) -> None:
    """Run a checker; fail on any warning but the expected ones."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    others = {str(w.message) for w in caught if not str(w.message).startswith(EXPECTED)}
    assert not others, others


@pytest.mark.parametrize("name", builtin_names())
def test_pettingzoo_api_test(name: str, load: Load, capsys: pytest.CaptureFixture[str]) -> None:
    _checked(lambda: api_test(env(load(name)), num_cycles=1000))
    assert "Passed API test" in capsys.readouterr().out


@pytest.mark.parametrize("name", builtin_names())
def test_pettingzoo_seed_test(name: str, load: Load) -> None:
    _checked(lambda: seed_test(lambda: env(load(name)), num_cycles=500))


def test_checkers_pass_with_some_seats_and_several_picks(
        load: Load, capsys: pytest.CaptureFixture[str]) -> None:
    october, berlin = load("october-war-1973"), load("berlin-1961")
    seats = ["brezhnev", "kissinger"]
    assert set(seats) < set(raw_env(october).seating.ix.deciders)
    for make in (lambda: env(october, seats=seats, picks_per_turn=3),
                 lambda: env(berlin, seats=["kennedy"], policies={"khrushchev": "random"})):
        _checked(lambda make=make: api_test(make(), num_cycles=200))
        _checked(lambda make=make: seed_test(make, num_cycles=200))
    assert capsys.readouterr().out.count("Passed API test") == 2


@pytest.mark.parametrize("name", builtin_names())
def test_masks_match_the_turns_options_and_rewards_are_the_payoffs(name: str,
                                                                    load: Load) -> None:
    aec = raw_env(load(name))
    rng = np.random.default_rng(1)
    for seed in range(3):
        aec.reset(seed=seed)
        ep = aec.episode
        assert ep is not None and ep.game.seed == seed
        while not all(aec.terminations.values()):
            agent = aec.agent_selection
            turn = ep.turn
            assert turn is not None and turn.actor == agent
            obs, reward, *_, info = aec.last()
            table = aec.seating.tables[agent]
            enabled = {table.options[i] for i in np.flatnonzero(obs["action_mask"]) if i}
            assert enabled == set(turn.options)
            assert np.array_equal(info["action_mask"], obs["action_mask"]) and reward == 0
            aec.step(int(rng.choice(np.flatnonzero(obs["action_mask"]))))
        payoffs = ep.game.result().outcome.payoffs
        assert {a: aec._cumulative_rewards[a] for a in aec.agents} == \
            {a: payoffs.get(a, 0.0) for a in aec.agents}
        assert all(aec.infos[a]["outcome"] == ep.outcome.kind for a in aec.agents)


def test_an_illegal_action_waits_and_is_flagged(load: Load) -> None:
    waited, illegal = raw_env(load("cuba-1962")), raw_env(load("cuba-1962"))
    for aec in (waited, illegal):
        aec.reset(seed=4)
    agent = illegal.agent_selection
    mask = illegal.observe(agent)["action_mask"]
    assert not mask.all()
    waited.step(0)
    illegal.step(int(np.flatnonzero(mask == 0)[0]))
    assert illegal.infos[agent]["illegal_action"] and not waited.infos[agent]["illegal_action"]
    for bad in (None, -1, 10**6, "send"):
        illegal.step(bad)
        waited.step(0)
    assert illegal.episode.game.events == waited.episode.game.events  # type: ignore[union-attr]


def test_reset_without_a_seed_follows_the_last_seed(load: Load) -> None:
    one, two = raw_env(load("panmunjom-1976")), raw_env(load("panmunjom-1976"))
    one.reset(seed=9)
    two.reset(seed=9)
    assert one.episode.game.seed == 9  # type: ignore[union-attr]
    one.reset()
    two.reset()
    assert one.episode.game.seed == two.episode.game.seed  # type: ignore[union-attr]


def test_render_shows_the_turn_with_action_indices(load: Load,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    october = load("october-war-1973")
    aec = CrisisAEC(october, render_mode="ansi")
    aec.reset(seed=0)
    text = aec.render()
    assert text is not None and "wait" in text and aec.agent_selection in text
    human = CrisisAEC(october, render_mode="human")
    human.reset(seed=0)
    human.step(0)
    assert "wait" in capsys.readouterr().out
    with pytest.raises(ValueError, match="render_mode"):
        CrisisAEC(october, render_mode="rgb_array")


def test_seats_must_be_deciders(load: Load) -> None:
    with pytest.raises(ValueError, match="seats must be distinct deciders"):
        raw_env(load("cuba-1962"), seats=["lemay"])
