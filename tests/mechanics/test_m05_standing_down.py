"""M5 and M11 standing down: the ladder comes down as well as up, and a crisis whose sides
stand down and stay down ends in an outcome of its own, apart from unresolved at the horizon.
"""

from __future__ import annotations

from mechanics_kit import Chair, Move, build, of_kind, one, play

from brinkmanship.engine import Interventions
from brinkmanship.engine.index import Index
from brinkmanship.engine.world import World
from brinkmanship.narrative import narrate, outcome_lines

STAND_DOWN = """
actions:
  - {id: to_alert, name: Guns to alert, actor: red_lead, kind: posture, repeatable: true,
     effects: {postures: {red_guns: alert}, rung: shots}, assumption: test value}
  - {id: pull_back, name: Guns stand down, actor: red_lead, kind: posture, repeatable: true,
     duration_hours: 1,
     effects: {postures: {red_guns: stood_down}, lower_rung: calm}, assumption: test value}
  - {id: open_fire, name: Guns open fire, actor: red_lead, repeatable: true,
     effects: {rung: strike}, assumption: test value}
stand_down:
  name: The guns stand down
  when: {postures: {red_guns: [stood_down]}, max_rung: calm}
  hours: 12
  assumption: test value
utilities:
  - {actor: blue_lead, settlement: 10, unresolved: -5, stand_down: 3, war: {strike: -40},
     assumption: test value}
  - {actor: red_lead, settlement: 10, unresolved: -5, stand_down: 2, war: {strike: -30},
     assumption: test value}
"""


def _world(run: object) -> World:
    world = World.initial(Index(run.scenario))  # type: ignore[attr-defined]
    for ev in run.events:  # type: ignore[attr-defined]
        world.apply(ev)
    return world


def test_the_ladder_records_a_stand_down_as_well_as_a_rise() -> None:
    sc = build(STAND_DOWN)
    run = play(sc, red_lead=Chair(Move(1.0, "act", "to_alert"), Move(3.0, "act", "pull_back")))
    rungs = of_kind(run, "rung")
    assert [(e["rung"], e.get("down", False)) for e in rungs] == [("shots", False),
                                                                   ("calm", True)]
    assert rungs[1]["s"] == 4 * 3600, "the stand-down takes effect after its hour"
    assert rungs[1]["level"] == 0 and rungs[1]["war"] is False
    assert rungs[1]["cause"] == one(run, "action", action="pull_back")["seq"]
    story = "\n".join(narrate(sc, run.events))
    assert "ESCALATION to 'Shots fired'" in story and "STANDS DOWN to 'Calm'" in story


def test_a_crisis_that_stands_down_and_stays_down_ends_so_with_its_payoffs() -> None:
    sc = build(STAND_DOWN)
    run = play(sc, red_lead=Chair(Move(1.0, "act", "to_alert"), Move(3.0, "act", "pull_back")))
    down = one(run, "stand_down")
    # The condition first holds when the guns stand down at hour 4; twelve hours later.
    assert down["since"] == "1962-10-27T04:00:00Z" and down["s"] == 16 * 3600
    out = run.outcome
    assert out.kind == "stand_down" and out.at == down["t"]
    assert out.payoffs == {"blue_lead": 3.0, "red_lead": 2.0}
    assert out.public_terms == {} and out.war is None
    assert run.events[-2] is down, "the run ends there"
    assert "STAND-DOWN" in outcome_lines(sc, out)[0]


def test_breaking_the_stand_down_starts_the_count_again() -> None:
    sc = build(STAND_DOWN)
    run = play(sc, red_lead=Chair(Move(1.0, "act", "to_alert"), Move(3.0, "act", "pull_back"),
                                  Move(10.0, "act", "to_alert"), Move(12.0, "act", "pull_back")))
    down = one(run, "stand_down")
    assert down["since"] == "1962-10-27T13:00:00Z" and down["s"] == 25 * 3600


def test_a_calm_that_never_lasts_its_hours_leaves_the_crisis_unresolved() -> None:
    sc = build(STAND_DOWN.replace("hours: 12", "hours: 60"))
    run = play(sc, red_lead=Chair(Move(1.0, "act", "to_alert"), Move(3.0, "act", "pull_back")))
    assert of_kind(run, "stand_down") == [] and run.outcome.kind == "unresolved"
    assert run.outcome.payoffs == {"blue_lead": -5.0, "red_lead": -5.0}


def test_a_war_is_not_stood_down() -> None:
    sc = build(STAND_DOWN)
    run = play(sc, red_lead=Chair(Move(1.0, "act", "open_fire"), Move(2.0, "act", "pull_back")),
               iv=Interventions(hazards=False))
    assert run.outcome.kind == "war"
    assert [e["rung"] for e in of_kind(run, "rung")] == ["strike"]
    assert _world(run).level == 2, "the ladder stays at war"


def test_scenarios_without_a_stand_down_never_end_in_one() -> None:
    sc = build(STAND_DOWN.split("stand_down:\n")[0] + "utilities:" +
               STAND_DOWN.split("utilities:")[1])
    run = play(sc, red_lead=Chair(Move(1.0, "act", "to_alert"), Move(3.0, "act", "pull_back")))
    assert run.outcome.kind == "unresolved" and of_kind(run, "rung")[-1].get("down") is True
