"""A run that pauses for its seats: the same log as simulate, saved and restored, guarded."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from brinkmanship import (
    Decision,
    Game,
    Option,
    SavedGameError,
    SeatError,
    builtin_names,
    load_scenario,
    new_game,
    restore_game,
    simulate,
)
from brinkmanship.engine.index import Index
from brinkmanship.policies.registry import bind_policies

SEEDS = range(6)


def _drive(game: Game, policies: dict, stop_after: int | None = None) -> None:
    """Answer every seat with ``policies`` drawing from the engine's stream for that seat."""
    while (turn := game.advance()) is not None:
        if stop_after is not None and turn.number >= stop_after:
            return
        game.submit(policies[turn.actor].decide(turn.observation,
                                                game.policy_stream(turn.actor)))


@pytest.mark.parametrize("name", builtin_names())
def test_seats_answered_by_the_default_models_give_simulates_log(name: str) -> None:
    scenario = load_scenario(name)
    deciders = Index(scenario).deciders
    for seed in SEEDS:
        want = simulate(scenario, seed=seed).jsonl()
        everyone = new_game(scenario, deciders, seed=seed)
        _drive(everyone, bind_policies(scenario, {}))
        assert everyone.result().jsonl() == want, (name, seed, "all seated")
        one = new_game(scenario, deciders[:1], seed=seed)
        _drive(one, bind_policies(scenario, {}))
        assert one.result().jsonl() == want, (name, seed, deciders[0])
        assert one.decisions and all(d["actor"] == deciders[0] for d in one.decisions)


@pytest.mark.parametrize("policy", ["random", "baseline"])
def test_other_policies_through_the_seat_give_simulates_log(policy: str) -> None:
    scenario = load_scenario("cuba-1962")
    deciders = Index(scenario).deciders
    chosen = {a: policy for a in deciders}
    for seed in SEEDS:
        game = new_game(scenario, deciders, seed=seed)
        _drive(game, bind_policies(scenario, chosen))
        assert game.result().jsonl() == simulate(scenario, chosen, seed).jsonl()


RESUME = """
import json, sys
from brinkmanship import restore_game
from brinkmanship.policies.registry import bind_policies
game = restore_game(json.load(open(sys.argv[1])))
seats = bind_policies(game.scenario, {a: "random" for a in game.seats})
while (turn := game.advance()) is not None:
    game.submit(seats[turn.actor].decide(turn.observation, game.policy_stream(turn.actor)))
sys.stdout.write(game.result().jsonl())
"""


def test_a_saved_game_continues_identically_in_another_process(tmp_path: Path) -> None:
    scenario = load_scenario("cuba-1962")
    seats = ["khrushchev"]
    seated = bind_policies(scenario, {"khrushchev": "random"})
    for seed in (0, 3):
        whole = new_game(scenario, seats, seed=seed)
        _drive(whole, seated)
        paused = new_game(scenario, seats, seed=seed)
        _drive(paused, bind_policies(scenario, {"khrushchev": "random"}), stop_after=4)
        assert paused.turn is not None and not paused.over
        file = tmp_path / f"game-{seed}.json"
        file.write_text(json.dumps(paused.save()), encoding="utf-8")
        out = subprocess.run([sys.executable, "-c", RESUME, str(file)], capture_output=True,
                             text=True, check=True)
        assert out.stdout == whole.result().jsonl(), seed
        assert len(whole.decisions) > 4


def test_restoring_in_process_meets_the_same_turn() -> None:
    scenario = load_scenario("berlin-1961")
    game = new_game(scenario, Index(scenario).deciders, seed=2)
    _drive(game, bind_policies(scenario, {}), stop_after=3)
    again = restore_game(json.loads(json.dumps(game.save())))
    assert again.turn == game.turn
    assert again.events == game.events
    assert again.save() == game.save()


def _paused() -> Game:
    game = new_game(load_scenario("cuba-1962"), ["kennedy"], seed=1)
    assert game.advance() is not None
    return game


@pytest.mark.parametrize("bad, message", [
    (Decision([Option("act", "no_such_action")]), "is not among"),
    (Decision([Option("hold", "not_a_response")]), "is not among"),
    ("act:strike", "a Decision is needed"),
])
def test_an_illegal_decision_is_refused_and_changes_nothing(bad: object, message: str) -> None:
    game = _paused()
    before, turn = game.save(), game.turn
    with pytest.raises(SeatError, match=message):
        game.submit(bad)  # type: ignore[arg-type]
    assert game.save() == before and game.turn == turn


def test_a_decision_for_the_wrong_seat_or_in_the_past_is_refused() -> None:
    game = _paused()
    turn = game.turn
    assert turn is not None
    before = game.save()
    with pytest.raises(SeatError, match="kennedy's turn, not khrushchev's"):
        game.submit(Decision(), actor="khrushchev")
    with pytest.raises(SeatError, match="before now"):
        game.submit(Decision(wake_at=turn.now - timedelta(hours=1)))
    with pytest.raises(SeatError, match="time zone"):
        game.submit(Decision(wake_at=turn.now.replace(tzinfo=None)))
    assert game.save() == before
    game.submit(Decision(), actor="kennedy")
    assert game.decisions[-1]["actor"] == "kennedy"


def test_nothing_is_submitted_after_the_end() -> None:
    game = new_game(load_scenario("cuba-1962"), ["kennedy"], seed=1)
    while game.advance() is not None:
        game.submit(Decision())
    assert game.over and game.advance() is None
    log = game.result().jsonl()
    with pytest.raises(SeatError, match="game is over"):
        game.submit(Decision())
    assert game.result().jsonl() == log


def test_no_turn_waits_before_advance() -> None:
    game = new_game(load_scenario("cuba-1962"), ["kennedy"], seed=1)
    with pytest.raises(SeatError, match="call advance"):
        game.submit(Decision())
    with pytest.raises(SeatError, match="not over"):
        game.result()


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(format="other"), "not a saved game"),
    (lambda d: d.update(seed=-1), "seed"),
    (lambda d: d["decisions"][0].update(actor="khrushchev"), r"decisions\[0\]"),
    (lambda d: d["decisions"][1]["choices"].append({"kind": "act", "target": "nope"}),
     r"decisions\[1\]"),
    (lambda d: d["policies"].update(khrushchev="no_such_policy"), "policies"),
    (lambda d: d["scenario"]["scenario"].pop("start"), "start"),
    (lambda d: d["interventions"].update(until="noon"), "interventions"),
])
def test_bad_saved_games_are_refused_by_name(change, message: str) -> None:  # type: ignore[no-untyped-def]
    game = _paused()
    game.submit(Decision())
    game.advance()
    game.submit(Decision())
    game.advance()
    data = json.loads(json.dumps(game.save()))
    change(data)
    with pytest.raises(SavedGameError, match=message):
        restore_game(data)


def test_a_seat_and_a_policy_for_one_actor_is_refused() -> None:
    with pytest.raises(ValueError, match="both a seat and a policy"):
        new_game(load_scenario("cuba-1962"), ["kennedy"], {"kennedy": "passive"})
