"""Fog of war: what a seat is shown never names another side's secrets.

For every seat of every built-in scenario, at every turn, the secrets are read off the
log so far (the ground truth): private messages the seat is not a party to and their
terms, holds and order changes of other sides, other leaders' decision traces. Then the
seat's JSON view, its terminal screen and its advisers' counsel are searched for them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from brinkmanship import Game, Letter, builtin_names, load_scenario, new_game
from brinkmanship.engine.index import Index
from brinkmanship.engine.world import World
from brinkmanship.play.screen import turn_screen
from brinkmanship.play.terminal import Adviser
from brinkmanship.policies.registry import bind_policies
from brinkmanship.scenario import parse_scenario
from brinkmanship.scenario.schema import Scenario
from brinkmanship.seat import TurnView, turn_view

HARBOUR = Path(__file__).resolve().parent / "scenarios" / "harbour.yaml"

SEEDS = range(3)


@dataclass
class Secrets:
    """What ``seat`` must not be shown: strings, and the ids of things it may not list."""

    texts: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)


def secrets_for(ix: Index, events: list[dict], seat: str) -> Secrets:
    """Another side's secrets, from the log so far.

    A private message answered in public has its title named by the answer (the answer
    says what it answers), but its text and its off-the-record terms stay secret.
    """
    side = ix.side_of[seat]
    out = Secrets()
    answered = {m for e in events if e["kind"] == "send" and e["public"]
                for m in e.get("replies_to", [])}
    delivered = {e["id"] for e in events if e["kind"] == "deliver"}
    for e in events:
        kind, actor = e["kind"], e.get("actor")
        other_side = actor is not None and ix.side_of.get(actor) != side
        if kind == "send" and not e["public"] and seat not in (e["actor"], e["to"]):
            out.ids.add(e["id"])
            draft = ix.messages.get(e.get("draft") or "")
            if draft is not None:
                named = (draft.text,) if e["id"] in answered else (draft.name, draft.text)
                out.texts.update(t for t in named if t)
        if kind == "send" and seat not in (e["actor"], e["to"]):
            out.ids.update(f"{i}={o}" for i, o in e["private_terms"].items())
            # A composed letter's text: secret if private, and until delivery if public.
            if e.get("text") and (not e["public"] or e["id"] not in delivered):
                out.texts.add(e["text"])
        if kind in ("hold", "release") and other_side:
            out.ids.add(e["response"])
            out.texts.add(ix.responses[e["response"]].name)
        if kind == "order_sent" and other_side:
            out.ids.add(e["order"])
            out.texts.add(ix.orders[e["order"]].name)
        if kind == "decision" and actor != seat and e.get("trace"):
            out.texts.add(e["trace"]["why"])
    return out


def _terms_named(view: TurnView) -> set[str]:
    """Every issue=option pair of private terms the view shows."""
    pairs = set()
    for letter in view.inbox:
        pairs.update(f"{t.issue.id}={t.option.id}" for t in letter.private_terms)
    for offer in [*view.pending_offers, *view.own_offers]:
        pairs.update(f"{t.issue.id}={t.option.id}" for t in offer.private_terms)
    return pairs


def _ids_named(data: object) -> set[str]:
    """Every ``id`` value anywhere in a JSON document."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "id" and isinstance(value, str):
                found.add(value)
            found |= _ids_named(value)
    elif isinstance(data, list):
        for item in data:
            found |= _ids_named(item)
    return found


def _screen_text(ix: Index, view: TurnView, counsel: object) -> str:
    console = Console(width=100, file=StringIO(), record=True)
    console.print(turn_screen(ix, view, counsel))  # type: ignore[arg-type]
    return console.export_text()


def check_turn(ix: Index, game: Game, seat: str, view: TurnView, counsel: object) -> None:
    secrets = secrets_for(ix, game.events, seat)
    shown = view.model_dump(mode="json")
    blob = json.dumps(shown, ensure_ascii=False) + json.dumps(counsel, ensure_ascii=False)
    screen = _screen_text(ix, view, counsel)
    leaked_ids = _ids_named(shown) & secrets.ids
    assert not leaked_ids, (seat, view.now.utc, leaked_ids)
    leaked_terms = {p for p in _terms_named(view) if p in secrets.ids}
    assert not leaked_terms, (seat, view.now.utc, leaked_terms)
    for text in secrets.texts:
        assert text not in blob and text not in " ".join(screen.split()), \
            (seat, view.now.utc, text)
    # The seat's own beliefs are the only ones shown, exactly as the log has them now.
    world = World.initial(ix)
    for e in game.events:
        world.apply(e)
    own = {b.about.id: {"resolve": b.resolve, "control": b.control, "imminence": b.imminence}
           for b in view.beliefs}
    assert own == {about: {k: round(v, 4) for k, v in b.items()}
                   for about, b in world.beliefs.get(seat, {}).items()}
    # The engine's flags about another side's messages reach the seat only once the
    # message was delivered, and only if it is public or addressed to the seat's side.
    delivered = {e["id"] for e in game.events if e["kind"] == "deliver"}
    sent = {e["id"]: e for e in game.events if e["kind"] == "send"}
    for flag in turn_flags(game, seat):
        kind, _, mid = flag.partition(":")
        if kind not in ("sent", "delivered") or mid not in sent:
            continue
        msg = sent[mid]
        if ix.side_of[msg["actor"]] != ix.side_of[seat]:
            assert mid in delivered, (seat, view.now.utc, flag, "before delivery")
            assert msg["public"] or ix.side_of[msg["to"]] == ix.side_of[seat], (seat, flag)
    # Only the seat's own side's forces, orders and responses are listed.
    side = ix.side_of[seat]
    assert all(ix.forces[f.force.id].side == side for f in view.forces)
    assert all(ix.side_of[ix.orders[o.order.id].holder] == side for o in view.orders)
    assert all(ix.responses[r.response.id].authorised_by == seat for r in view.responses)


def turn_flags(game: Game, seat: str) -> frozenset[str]:
    """The flags of the observation the waiting turn shows ``seat``."""
    turn = game.turn
    assert turn is not None and turn.actor == seat
    return turn.observation.flags


def play_every_seat(name: str | Scenario, seed: int, screens: bool,
                    policy: str = "lenses") -> int:
    """Drive a game with every decider seated under ``policy``; check each turn."""
    scenario = load_scenario(name) if isinstance(name, str) else name
    ix = Index(scenario)
    game = new_game(scenario, ix.deciders, seed=seed)
    policies = bind_policies(scenario, {a: policy for a in ix.deciders})
    advisers = {a: Adviser(game, a) for a in ix.deciders}
    turns = 0
    while (turn := game.advance()) is not None:
        view = turn_view(ix, turn)
        counsel = advisers[turn.actor].counsel(turn.observation) if screens else None
        check_turn(ix, game, turn.actor, view, counsel)
        game.submit(policies[turn.actor].decide(turn.observation,
                                                game.policy_stream(turn.actor)))
        turns += 1
    return turns


@pytest.mark.parametrize("name", builtin_names())
def test_no_seat_is_shown_another_sides_secrets(name: str) -> None:
    for seed in SEEDS:
        assert play_every_seat(name, seed, screens=seed == 0) > 0


@pytest.mark.slow
@pytest.mark.parametrize("name", builtin_names())
def test_no_seat_is_shown_another_sides_secrets_over_many_seeds(name: str) -> None:
    for seed in range(3, 30):
        play_every_seat(name, seed, screens=True)


def test_off_the_record_terms_of_a_public_message_stay_with_its_two_ends() -> None:
    """An assurance released to the press: all hear it, only its two ends read its terms."""
    doc = yaml.safe_load(HARBOUR.read_text(encoding="utf-8"))
    quiet = next(m for m in doc["messages"] if m["id"] == "quiet_fishing")
    quiet["released"] = True
    scenario = parse_scenario(yaml.safe_dump(doc), "<harbour, released assurance>")
    ix = Index(scenario)
    readers: dict[str, int] = {}
    for seed in range(12):
        play_every_seat(scenario, seed, screens=False, policy="random")
        game = new_game(scenario, ix.deciders, seed=seed)
        policies = bind_policies(scenario, {a: "random" for a in ix.deciders})
        while (turn := game.advance()) is not None:
            for letter in turn_view(ix, turn).inbox:
                if letter.id == "quiet_fishing":
                    readers[turn.actor] = len(letter.private_terms)
            game.submit(policies[turn.actor].decide(turn.observation,
                                                    game.policy_stream(turn.actor)))
    assert readers.get("crimson_pm") == 1  # the recipient reads the assurance's terms
    assert readers.get("azure_pm") == 0 and readers.get("gull_chief") == 0, readers


def test_composed_letters_reach_only_whom_they_may() -> None:
    """Kennedy and Khrushchev write letters of their own (private with assurances off the
    record, and public); every seat's every turn is checked against the log."""
    scenario = load_scenario("cuba-1962")
    ix = Index(scenario)
    letters = {
        "kennedy": Letter("khrushchev", "kh_jfk_cable", {"missiles": "removed"},
                          {"jupiters": "removed_quietly"}, "Between us: the Jupiters go."),
        "khrushchev": Letter("kennedy", "moscow_radio", {"pledge": "no_invasion"}, {},
                             "To the world: pledge not to invade.", True)}
    for seed in range(2):
        game = new_game(scenario, ix.deciders, seed=seed)
        policies = bind_policies(scenario, {})
        todo = dict(letters)
        while (turn := game.advance()) is not None:
            check_turn(ix, game, turn.actor, turn_view(ix, turn), None)
            decision = policies[turn.actor].decide(turn.observation,
                                                   game.policy_stream(turn.actor))
            if turn.actor in todo:
                decision.letters = [todo.pop(turn.actor)]
            game.submit(decision)
        sends = {e["id"]: e for e in game.events if e["kind"] == "send"}
        assert {"letter:1", "letter:2"} <= set(sends), seed


def test_the_check_sees_a_leak() -> None:
    """A view that lists a private cable it never received is caught."""
    scenario = load_scenario("cuba-1962")
    ix = Index(scenario)
    game = new_game(scenario, ix.deciders, seed=0)
    policies = bind_policies(scenario, {})
    while (turn := game.advance()) is not None:
        secrets = secrets_for(ix, game.events, turn.actor)
        private = [e for e in game.events if e["kind"] == "send" and e["id"] in secrets.ids]
        if private:
            break
        game.submit(policies[turn.actor].decide(turn.observation,
                                                game.policy_stream(turn.actor)))
    assert turn is not None and private
    view = turn_view(ix, turn)
    leaked = view.model_copy(update={"own_offers": [], "inbox": [
        *view.inbox, *_forged(ix, turn, private[0])]})
    with pytest.raises(AssertionError):
        check_turn(ix, game, turn.actor, leaked, None)


def _forged(ix: Index, turn, send: dict) -> list:  # type: ignore[no-untyped-def]
    from brinkmanship.seat import Letter, Moment, Ref

    moment = Moment(utc=send["t"], local=send["t"], text=send["t"])
    ref = Ref(id=send["actor"], name=ix.actors[send["actor"]].name)
    return [Letter(id=send["id"], title="forged", kind=send["type"], sender=ref,
                   sender_side=Ref(id=ix.side_of[send["actor"]], name="x"), recipient=ref,
                   channel=Ref(id=send["channel"], name="x"), authority="official",
                   public=False, sent=moment, arrived=moment, terms=[], private_terms=[],
                   text="", replies_to=[], from_me=False)]
