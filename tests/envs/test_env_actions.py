"""The fixed action tables: every option a run offers has an index, and masks are exact."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest

from brinkmanship import builtin_names
from brinkmanship.engine.index import Index
from brinkmanship.envs.actions import WAIT, ActionTable, possible_offers
from brinkmanship.envs.episode import Seats
from brinkmanship.scenario.schema import Scenario

Load = Callable[[str], Scenario]

SEEDS = range(25)


@pytest.mark.parametrize("name", builtin_names())
def test_masks_enable_exactly_the_turns_options(name: str, load: Load) -> None:
    """Every option the engine offers has an index, and the mask enables exactly those
    (and wait), over many randomly played games of every seat."""
    seats = Seats(load(name))
    kinds: set[str] = set()
    for seed in SEEDS:
        ep = seats.episode(seed)
        rng = np.random.default_rng(seed)
        while (turn := ep.turn) is not None:
            table = seats.tables[turn.actor]
            assert table.unlisted(turn.options) == []
            mask = ep.mask(turn.actor)
            assert mask.dtype == np.int8 and mask.shape == (len(table),)
            enabled = {table.options[i] for i in np.flatnonzero(mask) if i != WAIT}
            assert mask[WAIT] == 1 and enabled == set(turn.options)
            kinds |= {o.kind for o in turn.options}
            # Answers more often than chance, so that partial acceptances of partial
            # acceptances come up too.
            answers = [table.index[o] for o in turn.options
                       if o.kind in ("accept_part", "reject")]
            legal = np.flatnonzero(mask)
            ep.play(rng.choice(answers) if answers and rng.random() < 0.6 else
                    rng.choice(legal))
    assert {"send", "act", "accept_part", "reject"} <= kinds


def test_partial_acceptances_of_partial_acceptances_are_enumerated(load: Load) -> None:
    ix = Index(load("cuba-1962"))
    slots = {s.id: s for s in possible_offers(ix)}
    five = next(s for s in slots.values() if s.max_issues == 5)
    chain = [five.id]
    while f"part:{chain[-1]}" in slots:
        chain.append(f"part:{chain[-1]}")
    assert [slots[c].max_issues for c in chain] == [5, 4, 3, 2, 1]
    assert slots[chain[1]].sender == five.recipient and slots[chain[1]].recipient == five.sender
    table = ActionTable(ix, five.recipient)
    parts = [o for o in table.options if o and o.kind == "accept_part" and o.target == five.id]
    channels = ix.answer_channels(five.recipient, five.sender)
    assert len(parts) == len(channels) * (2**5 - 2)


def test_the_table_is_fixed_by_the_scenario_and_starts_with_wait(load: Load) -> None:
    scenario = load("october-war-1973")
    for actor in Index(scenario).deciders:
        one, two = ActionTable(Index(scenario), actor), ActionTable(Index(scenario), actor)
        assert one.options == two.options and one.options[WAIT] is None
        assert len(set(one.options)) == len(one.options)
        assert one.label(WAIT) == "wait" and one.label(1) == one.options[1].key  # type: ignore[union-attr]


def test_the_cap_on_partial_acceptances_leaves_options_unlisted_not_enabled(load: Load) -> None:
    seats = Seats(load("cuba-1962"), max_parts=1)
    capped = [t for t in seats.tables.values() if t.left_out]
    assert capped, "some offer has more than one partial acceptance"
    for seed in range(10):
        ep = seats.episode(seed)
        rng = np.random.default_rng(seed)
        while (turn := ep.turn) is not None:
            table = seats.tables[turn.actor]
            listed = [o for o in turn.options if o in table.index]
            enabled = {table.options[i] for i in np.flatnonzero(ep.mask(turn.actor)) if i}
            assert enabled == set(listed)
            assert ep.unlisted(turn.actor) == len(turn.options) - len(listed)
            ep.play(rng.choice(np.flatnonzero(ep.mask(turn.actor))))


def test_the_core_package_imports_without_the_extra() -> None:
    code = ("import sys; sys.modules['pettingzoo'] = sys.modules['gymnasium'] = None\n"
            "import brinkmanship, brinkmanship.envs\n"
            "from brinkmanship.envs import actions, episode, features\n"
            "episode.Seats('berlin-1961').episode(0)\n"
            "try:\n    brinkmanship.envs.CrisisAEC\nexcept ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert "needs the 'envs' extra" in out.stdout and "pip install" in out.stdout
