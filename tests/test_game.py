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
    Letter,
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
from brinkmanship.seat import read_decision, turn_view

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


# -- letters a seat composes ----------------------------------------------------------------
LETTER = Letter("khrushchev", "kh_jfk_cable", {"missiles": "removed", "pledge": "no_invasion"},
                {"jupiters": "removed_quietly"}, "Let us end this quietly.")


def _write_then_wait(game: Game, letter: Letter, stop_after: int | None = None) -> None:
    while (turn := game.advance()) is not None:
        if stop_after is not None and turn.number >= stop_after:
            return
        game.submit(Decision(letters=[letter] if turn.number == 0 else []))


def test_a_saved_game_carries_the_letters_a_seat_wrote() -> None:
    scenario = load_scenario("cuba-1962")
    whole = new_game(scenario, ["kennedy"], seed=4)
    _write_then_wait(whole, LETTER)
    paused = new_game(scenario, ["kennedy"], seed=4)
    _write_then_wait(paused, LETTER, stop_after=2)
    saved = json.loads(json.dumps(paused.save()))
    assert saved["decisions"][0]["letters"] == [{
        "to": "khrushchev", "channel": "kh_jfk_cable", "public": False,
        "terms": {"missiles": "removed", "pledge": "no_invasion"},
        "private_terms": {"jupiters": "removed_quietly"}, "text": "Let us end this quietly."}]
    again = restore_game(saved)
    assert again.events == paused.events and again.turn == paused.turn
    _write_then_wait(again, LETTER)
    assert again.result().jsonl() == whole.result().jsonl()
    sent = next(e for e in whole.events if e["kind"] == "send" and e["id"] == "letter:1")
    assert sent["text"] == "Let us end this quietly." and sent["actor"] == "kennedy"


@pytest.mark.parametrize("change, message", [
    (lambda d: d["decisions"][0]["letters"][0].update(channel="moscow_radio"),
     "decisions[0]: letters[0].channel: 'moscow_radio' is not a channel open now"),
    (lambda d: d["decisions"][0]["letters"][0].update(seal="red wax"),
     "decisions[0]: unknown letter field 'seal'"),
    (lambda d: d["decisions"][0]["letters"][0].pop("to"), "decisions[0]: 'to'"),
    (lambda d: d["decisions"][0].update(letters=["hello"]),
     "decisions[0]: a letter is an object"),
])
def test_a_saved_letter_that_does_not_meet_its_turn_is_refused(change, message: str) -> None:  # type: ignore[no-untyped-def]
    game = new_game(load_scenario("cuba-1962"), ["kennedy"], seed=4)
    _write_then_wait(game, LETTER, stop_after=1)
    data = json.loads(json.dumps(game.save()))
    change(data)
    with pytest.raises(SavedGameError) as info:
        restore_game(data)
    assert message in str(info.value)


def test_the_turn_view_shows_the_letter_form_and_the_decision_form_writes_a_letter() -> None:
    scenario = load_scenario("cuba-1962")
    ix = Index(scenario)
    game = new_game(scenario, ["kennedy"], seed=4)
    turn = game.advance()
    assert turn is not None
    form = turn_view(ix, turn).letter_form
    assert form is not None
    assert {(r.recipient.id, r.channel.id, r.always_public) for r in form.routes} == {
        ("khrushchev", "kh_jfk_cable", False), ("khrushchev", "white_house_press", True),
        ("khrushchev", "un_route", True)}
    assert [i.issue.id for i in form.issues] == [i.id for i in scenario.issues]
    pledge = next(i for i in form.issues if i.issue.id == "pledge")
    assert pledge.status_quo == "none" and "no_invasion" in [o.id for o in pledge.options]
    assert form.private_terms and form.max_text == 2000 and form.per_decision == 1
    decision = read_decision({"letters": [{
        "to": "khrushchev", "channel": "kh_jfk_cable", "terms": {"pledge": "no_invasion"},
        "private_terms": {"jupiters": "removed_quietly"}, "text": "Dear Mr Chairman"}]}, turn)
    assert decision.letters == [Letter("khrushchev", "kh_jfk_cable", {"pledge": "no_invasion"},
                                       {"jupiters": "removed_quietly"}, "Dear Mr Chairman")]
    game.submit(decision)
    after = game.advance()
    assert after is not None
    [sent] = [x for x in turn_view(ix, after).sent if x.message.id == "letter:1"]
    assert sent.written is not None and sent.written.text == "Dear Mr Chairman"
    assert sent.message.name == "Letter 1" and sent.recipient.id == "khrushchev"
    while (later := game.advance()) is not None and not any(
            m.id == "letter:1" for m in later.observation.inbox):
        game.submit(Decision())
    assert later is not None, "the letter arrived before the end"
    [shown] = [m for m in turn_view(ix, later).inbox if m.id == "letter:1"]
    assert (shown.title, shown.text, shown.from_me) == ("Letter 1", "Dear Mr Chairman", True)
    assert [t.issue.id for t in shown.private_terms] == ["jupiters"]


@pytest.mark.parametrize("form, message", [
    ({"letters": [{"to": "castro", "channel": "kh_jfk_cable", "text": "hi"}]},
     "letters[0].to: 'castro' is not among those a letter may be addressed to now"),
    ({"letters": [{"to": "khrushchev", "channel": "white_house_press", "text": "hi"}]},
     "letters[0].public: channel 'white_house_press' is public"),
    ({"letters": [{"to": "khrushchev", "channel": "kh_jfk_cable", "terms": {"cuba": "free"}}]},
     "letters[0].terms.cuba: not an issue"),
    ({"letters": [{"to": "khrushchev", "channel": "kh_jfk_cable", "text": "a\x07b"}]},
     "letters[0].text: control character U+0007"),
    ({"letters": [{"to": "khrushchev", "channel": "kh_jfk_cable", "text": "x" * 2001}]},
     "letters[0].text: 2001 characters, at most 2000"),
    ({"letters": [{"to": "khrushchev", "channel": "kh_jfk_cable", "ink": "blue"}]},
     "letters.0.ink: Extra inputs are not permitted"),
    ({"letters": [{"channel": "kh_jfk_cable"}]}, "letters.0.to: Field required"),
])
def test_a_decision_form_with_a_bad_letter_is_refused_naming_the_field(form, message: str) -> None:  # type: ignore[no-untyped-def]
    game = _paused()
    turn = game.turn
    assert turn is not None
    with pytest.raises(SeatError) as info:
        read_decision(form, turn)
    assert message in str(info.value)
