"""M3 with more than two sides: agreements between different pairs coexist, and the scenario
says which of them end the crisis (tests/scenarios/four-rivers.yaml: the crisis ends once
North-South and East-West have both agreed; a North-East corridor deal stands beside them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mechanics_kit import Chair, Move, of_kind, play

from brinkmanship import simulate
from brinkmanship.engine.index import Index
from brinkmanship.engine.observe import known_flags
from brinkmanship.engine.world import World
from brinkmanship.narrative import narrate
from brinkmanship.scenario import load_scenario, parse_scenario
from brinkmanship.scenario.schema import Scenario

FOUR = Path(__file__).resolve().parents[1] / "scenarios" / "four-rivers.yaml"


def _four(ends: str | None = None) -> Scenario:
    if ends is None:
        return load_scenario(FOUR)
    text = FOUR.read_text(encoding="utf-8").replace(
        "    - pairs: [[north, south], [east, west]]\n", ends)
    return parse_scenario(text, "<four rivers>")


def _accept(msg: str, hour: float = 0.0, channel: str | None = None) -> Chair:
    return Chair(Move(hour, "accept", msg, channel))


def _senders(*drafts: str) -> dict[str, Chair]:
    """The offerers, each sending its draft at the start."""
    by = {"border_offer": "south_lead", "river_offer": "west_lead",
          "corridor_offer": "east_lead"}
    return {by[d]: Chair(Move(0.0, "send", d)) for d in drafts}


def test_an_agreement_that_does_not_end_the_crisis_stands_and_the_run_goes_on() -> None:
    sc = _four()
    run = play(sc, north_lead=_accept("border_offer", channel="ns_line"),
               east_lead=_accept("river_offer", 10.0, "ew_line"),
               **_senders("border_offer", "river_offer"))
    deals = of_kind(run, "settlement")
    assert [(e["sides"], e["ends_crisis"]) for e in deals] == [
        (["north", "south"], False), (["east", "west"], True)]
    # Sent at the start, accepted on arrival an hour later, the acceptance an hour back.
    assert deals[0]["s"] == 2 * 3600 and deals[1]["s"] > 10 * 3600, "the run went on"
    out = run.outcome
    assert out.kind == "settlement" and out.at == deals[1]["t"]
    assert out.private_terms == {"border": "split", "river": "shared"}
    # Each side's settlement value once, and the terms of both agreements.
    assert out.payoffs == {"north_lead": 7.0, "south_lead": 6.0, "east_lead": 6.0,
                           "west_lead": 7.0}
    story = "\n".join(narrate(sc, run.events))
    assert "AGREEMENT between North and South: it stands, and the crisis goes on" in story
    assert "with this agreement between East and West the crisis ends" in story


def test_agreements_outside_the_ending_leave_the_crisis_open_with_their_terms_held() -> None:
    sc = _four()
    run = play(sc, north_lead=Chair(Move(0.0, "accept", "border_offer", "ns_line"),
                                    Move(0.0, "accept", "corridor_offer", "ne_line")),
               **_senders("border_offer", "corridor_offer"))
    assert sorted((e["sides"], e["ends_crisis"]) for e in of_kind(run, "settlement")) == [
        (["east", "north"], False), (["north", "south"], False)]
    out = run.outcome
    assert out.kind == "unresolved"
    assert out.private_terms == {"border": "split", "corridor": "open"}
    # Unresolved, with what the standing agreements give against the status quo.
    assert out.payoffs == {"north_lead": -2 + 2 + 3, "south_lead": -2 + 1,
                           "east_lead": -2 - 1, "west_lead": -2.0}


def test_the_default_is_that_the_first_agreement_ends_the_crisis() -> None:
    text = FOUR.read_text(encoding="utf-8")
    text = text[:text.index("agreements:")] + text[text.index("beliefs:"):]
    sc = parse_scenario(text, "<four rivers, no agreements section>")
    run = play(sc, north_lead=_accept("border_offer", channel="ns_line"),
               **_senders("border_offer"))
    (deal,) = of_kind(run, "settlement")
    assert "sides" not in deal and "ends_crisis" not in deal
    assert run.outcome.kind == "settlement" and run.outcome.private_terms == {"border": "split"}


def test_either_of_two_endings_ends_it() -> None:
    sc = _four("    - pairs: [[north, south], [east, west]]\n    - pairs: [[east, north]]\n")
    run = play(sc, north_lead=_accept("corridor_offer", channel="ne_line"),
               **_senders("corridor_offer"))
    (deal,) = of_kind(run, "settlement")
    assert deal["sides"] == ["east", "north"] and deal["ends_crisis"] is True
    assert run.outcome.kind == "settlement"


def test_a_private_agreement_is_known_only_to_its_two_sides() -> None:
    sc = _four()
    run = play(sc, north_lead=_accept("border_offer", channel="ns_line"),
               **_senders("border_offer"))
    world = World.initial(Index(sc))
    for ev in run.events:
        world.apply(ev)
    assert "agreed:north:south" in world.flags  # the log's ground truth
    assert "agreed:north:south" in known_flags(world, "north")
    assert "agreed:north:south" in known_flags(world, "south")
    for other in ("east", "west"):
        assert "agreed:north:south" not in known_flags(world, other)
    public = play(sc, north_lead=_accept("border_offer", channel="assembly"),
                  **_senders("border_offer"))
    world = World.initial(Index(sc))
    for ev in public.events:
        world.apply(ev)
    assert "agreed:north:south" in known_flags(world, "west"), "a public one is everyone's"


@pytest.mark.parametrize(("ends", "expect"), [
    ("    - pairs: [[north, south]]\n", 5 + 2),
    (None, -2 + 2),
])
def test_the_decision_maker_values_an_agreement_by_whether_it_ends_the_crisis(
        ends: str | None, expect: float) -> None:
    """North weighs accepting South's border split: settling the crisis (worth 5 + 2), or,
    where the crisis goes on until the river is settled too, the split held while it goes
    on unresolved (-2 + 2). Either way it beats waiting (-2), and North accepts."""
    sc = _four(ends)
    run = simulate(sc, None, 0)
    first = next(e for e in run.events if e["kind"] == "decision" and e["actor"] == "north_lead"
                 and any(o["option"].startswith("accept:border_offer")
                         for o in e["trace"]["options"]))
    eu = {o["option"]: o["eu"] for o in first["trace"]["options"]}
    accept = max(v for k, v in eu.items() if k.startswith("accept:border_offer"))
    assert accept == pytest.approx(expect, abs=0.3)
    assert accept > eu["wait"] + 1.5
    assert any(c.startswith("accept:border_offer") for c in first["choices"])
