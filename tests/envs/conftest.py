"""Shared helpers of the environment tests: driving seats with mask-respecting random picks."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pytest

from brinkmanship import load_scenario
from brinkmanship.engine.game import Game
from brinkmanship.envs.actions import ActionTable
from brinkmanship.policies.base import Decision
from brinkmanship.scenario.schema import Scenario

Drive = Callable[[Game, dict[str, ActionTable], int, int], None]
Pick = Callable[[np.random.Generator, np.ndarray], int]
Load = Callable[[str], Scenario]


def random_pick(rng: np.random.Generator, mask: np.ndarray) -> int:
    """A uniform choice among the enabled actions, in index order."""
    return int(rng.choice(np.flatnonzero(mask)))


def drive_directly(game: Game, tables: dict[str, ActionTable], seed: int,
                   picks_per_turn: int = 1) -> None:
    """Play ``game`` through the Game API alone, the way the environments promise to:
    the same random pick over wait and the indices of the turn's options, one option per
    decision, woken at the same instant while fewer than ``picks_per_turn`` were taken."""
    rng = np.random.default_rng(seed)
    taken: dict[str, tuple[object, int]] = {}
    while (turn := game.advance()) is not None:
        table = tables[turn.actor]
        legal = sorted({0} | {table.index[o] for o in turn.options})
        i = int(rng.choice(legal))
        if i == 0:
            game.submit(Decision())
            continue
        at, done = taken.get(turn.actor, (None, 0))
        done = done + 1 if at == turn.now else 1
        taken[turn.actor] = (turn.now, done)
        wake = turn.now if done < picks_per_turn else None
        game.submit(Decision([table.options[i]], wake))  # type: ignore[list-item]


@pytest.fixture
def direct() -> Drive:
    """:func:`drive_directly`."""
    return drive_directly


@pytest.fixture
def pick() -> Pick:
    """:func:`random_pick`."""
    return random_pick


@pytest.fixture(scope="session")
def load() -> Load:
    """A built-in scenario by name, loaded once per session (loading is the slow part)."""
    return cache(load_scenario)
