"""Observation vectors: fixed, bounded, and built from the seat's Observation alone."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from brinkmanship import builtin_names
from brinkmanship.engine.index import Index
from brinkmanship.envs.episode import Episode, Seats
from brinkmanship.envs.features import End, ObservationLayout
from brinkmanship.policies.base import Observation
from brinkmanship.scenario.schema import Scenario

Load = Callable[[str], Scenario]


def _turns(ep: Episode, seed: int) -> Iterator[Observation]:
    """The observations of a game played with random legal actions."""
    rng = np.random.default_rng(seed)
    while (turn := ep.turn) is not None:
        yield turn.observation
        ep.play(rng.choice(np.flatnonzero(ep.mask(turn.actor))))


@pytest.mark.parametrize("name", builtin_names())
def test_vectors_are_fixed_bounded_and_pure(name: str, load: Load) -> None:
    seats = Seats(load(name))
    for seed in range(4):
        ep = seats.episode(seed)
        for obs in _turns(ep, seed):
            layout = seats.layouts[obs.actor]
            vec = ep.observation(obs.actor)
            assert vec.dtype == np.float32 and vec.shape == (layout.size,)
            assert (vec >= 0).all() and (vec <= 1).all()
            assert np.array_equal(vec, layout.encode(obs))
            assert np.array_equal(layout.encode(copy.deepcopy(obs)), vec)
            assert layout.encode(obs) is not layout.encode(obs)
            names = {n for n, _ in layout.values(obs)}
            assert {n for n in names if n not in layout.names} <= \
                {f"flag:{f}" for f in obs.flags}, "only unnamed engine flags are dropped"
            one_hot = [n for n in layout.names if n.startswith(("rung:", "reason:"))]
            assert sum(vec[layout.names.index(n)] for n in one_hot) == 2


def test_the_end_is_marked_for_every_seat(load: Load) -> None:
    seats = Seats(load("panmunjom-1976"))
    ep = seats.episode(3)
    for _ in _turns(ep, 3):
        pass
    for actor, layout in seats.layouts.items():
        vec = ep.observation(actor)
        assert vec[layout.names.index("over")] == 1
        assert vec[layout.names.index(f"outcome:{ep.outcome.kind}")] == 1
    blank = seats.layouts["park"].encode(None)
    assert not blank.any()
    end = seats.layouts["park"].encode(None, End(ep.game.now, "war"))
    assert end[seats.layouts["park"].names.index("outcome:war")] == 1


def _with_other_sides_loving_war(scenario: Scenario, side: str) -> Scenario:
    """The scenario with the payoffs of every other side's actors turned around: a secret."""
    ix = Index(scenario)
    data = scenario.model_dump(mode="json")
    for u in data["utilities"]:
        if ix.side_of[u["actor"]] != side:
            u["war"] = {rung: 10.0 for rung in u["war"]}
            u["settlement"] = -10.0
    return Scenario.model_validate(data)


@pytest.mark.parametrize("name", builtin_names())
def test_the_other_sides_secrets_do_not_reach_the_vector(name: str, load: Load) -> None:
    """Two worlds that differ only in the other sides' payoffs: wherever the seat's
    observations agree, so do its vectors. The seat is the decider asked first, so that
    at its first turn nobody has yet acted on the secret and the observations agree."""
    scenario = load(name)
    ix = Index(scenario)
    seat = ix.deciders[0]
    variant = _with_other_sides_loving_war(scenario, ix.side_of[seat])
    agreed = 0
    for seed in range(3):
        plain, secret = (Seats(sc, [seat]).episode(seed) for sc in (scenario, variant))
        while plain.turn is not None and secret.turn is not None:
            if plain.turn.observation == secret.turn.observation:
                agreed += 1
                assert np.array_equal(plain.observation(seat), secret.observation(seat))
            else:
                break
            plain.play(0)
            secret.play(0)
    assert agreed >= 3


def test_a_layout_refuses_another_actors_observation(load: Load) -> None:
    seats = Seats(load("berlin-1961"))
    turn = seats.episode(0).turn
    assert turn is not None
    other = next(a for a in seats.layouts if a != turn.actor)
    with pytest.raises(ValueError, match="an observation of"):
        seats.layouts[other].encode(turn.observation)
    with pytest.raises(ValueError, match="no actor"):
        ObservationLayout(seats.ix, "nobody")
