"""M10 timetables: a scheduled activity's phases begin at their times, whatever the leaders
decide in the moment, unless it is called off; they are not deadlines that start actions."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from mechanics_kit import Chair, Move, at, build, of_kind, one, play

from brinkmanship import simulate
from brinkmanship.engine import Interventions
from brinkmanship.engine.index import Index
from brinkmanship.engine.world import World
from brinkmanship.narrative import narrate
from brinkmanship.policies.base import Decision, Observation
from brinkmanship.scenario.schema import Scenario


def _exercise(public: bool = True, known: str = "[]") -> str:
    return f"""
actions:
  - {{id: call_off, name: Call the exercise off, actor: red_lead, kind: political,
     effects: {{set_flags: [exercise_called_off]}}, assumption: test value}}
timetables:
  - id: autumn_shield
    name: Exercise Autumn Shield
    actor: red_cmd
    public: {str(public).lower()}
    known_to: {known}
    unless: {{flags: [exercise_called_off]}}
    assumption: test value
    phases:
      - {{id: muster, name: The guns muster, at: 1962-10-27T02:00:00Z,
         effects: {{postures: {{red_guns: ready}}}}}}
      - {{id: live_fire, name: Live firing, at: 1962-10-27T06:00:00Z,
         effects: {{set_flags: [live_fire], rung: shots, signals: {{imminence: 1.0}}}}}}
      - {{id: dispersal, name: The guns go home, at: 1962-10-27T10:00:00Z,
         effects: {{postures: {{red_guns: stood_down}}, lower_rung: calm}}}}
"""


def _world_at(run: object, hours: float) -> World:
    world = World.initial(Index(run.scenario))  # type: ignore[attr-defined]
    for ev in run.events:  # type: ignore[attr-defined]
        if ev["s"] > hours * 3600:
            break
        world.apply(ev)
    return world


def test_the_phases_begin_on_schedule_without_anyone_deciding() -> None:
    sc = build(_exercise())
    run = play(sc)
    phases = of_kind(run, "phase")
    assert [(e["phase"], e["status"], e["s"] // 3600) for e in phases] == [
        ("muster", "begun", 2), ("live_fire", "begun", 6), ("dispersal", "begun", 10)]
    assert all(e["actor"] == "red_cmd" and e["side"] == "red" for e in phases)
    assert of_kind(run, "decision", actor="red_lead") == []
    assert _world_at(run, 3).postures["red_guns"] == "ready"
    assert "phase:autumn_shield:live_fire" in _world_at(run, 7).flags
    assert _world_at(run, 11).postures["red_guns"] == "stood_down"
    rungs = of_kind(run, "rung")
    assert [(e["rung"], e.get("down", False)) for e in rungs] == [("shots", False), ("calm", True)]
    assert rungs[0]["cause"] == phases[1]["seq"]
    story = "\n".join(narrate(sc, run.events))
    assert "Exercise Autumn Shield: Live firing begins, on schedule" in story


def test_a_public_phase_moves_the_other_sides_beliefs_and_makes_it_reconsider() -> None:
    blue = Chair()
    run = play(build(_exercise()), blue_lead=blue)
    live = one(run, "phase", phase="live_fire")
    moved = one(run, "belief", actor="blue_lead", var="imminence")
    assert moved["cause"] == live["seq"] and moved["after"] > moved["before"]
    asked = [obs.now for obs in blue.seen if obs.reason == "action"]
    assert len(asked) == 3, "each public phase makes the other leader reconsider"
    hidden = play(build(_exercise(public=False)), blue_lead=Chair())
    assert of_kind(hidden, "belief", actor="blue_lead") == []


def test_calling_the_activity_off_stops_the_phases_still_to_come() -> None:
    run = play(build(_exercise()), red_lead=Chair(Move(4.0, "act", "call_off")))
    assert [(e["phase"], e["status"]) for e in of_kind(run, "phase")] == [
        ("muster", "begun"), ("live_fire", "called_off"), ("dispersal", "called_off")]
    assert _world_at(run, 47).postures["red_guns"] == "ready", "it stays where it was"
    assert "live_fire" not in _world_at(run, 47).flags


def test_phases_do_not_start_actions_or_lapse_like_deadlines() -> None:
    run = play(build(_exercise()), iv=Interventions(hazards=False))
    assert of_kind(run, "action_start") == [] and of_kind(run, "deadline") == []


def _wait_value(known: str, seed: int = 0) -> float:
    """Blue's value of waiting at the start, with the guns' fire on its patrols three times
    likelier once they muster, and that fire war."""
    sc = build(_exercise(known=known).replace("actions:\n", """actions:
  - {id: protest, name: A protest note, actor: blue_lead, kind: political,
     assumption: test value}
""") + """
incidents:
  - {id: guns_fire, name: The guns fire on a patrol, force: red_guns, hazard_per_hour: 0.02,
     posture_multipliers: {red_guns: {stood_down: 0.0, alert: 1.0, ready: 3.0}},
     effects: {rung: strike}, assumption: test value}
decision_models:
  - {actor: blue_lead, horizon_hours: 12, assumption: test value}
""")
    run = simulate(sc, {"blue_lead": "lenses", "red_lead": "passive"}, seed)
    first = next(e for e in run.events if e["kind"] == "decision" and e["actor"] == "blue_lead")
    return next(o["eu"] for o in first["trace"]["options"] if o["option"] == "wait")


def test_a_leader_who_knows_the_schedule_pictures_its_phases_coming() -> None:
    blind, knowing = _wait_value("[]"), _wait_value("[blue_lead]")
    # Knowing that the guns muster in two hours, Blue reckons three times the risk of war
    # from then on in its twelve-hour horizon (and their dispersal is past it).
    assert knowing < blind - 1.0, (knowing, blind)


class _Watcher(Chair):
    """Does nothing, and looks again every hour for the first twelve."""

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        self.seen.append(obs)
        later = obs.now + timedelta(hours=1)
        return Decision([], wake_at=later if later <= at(self.scenario, 12) else None)

    def bind(self, scenario: Scenario, actor: str) -> None:
        super().bind(scenario, actor)
        self.scenario = scenario


def test_a_seat_is_shown_the_schedules_it_knows_and_no_other() -> None:
    """Its own side's timetables and those it is among the known_to of, with whether each
    phase has begun as far as it knows; a secret schedule stays with its side."""
    from brinkmanship.engine.game import Turn
    from brinkmanship.seat import turn_view

    keys = ["autumn_shield:muster", "autumn_shield:live_fire", "autumn_shield:dispersal"]
    for public, known, blue_sees in ((False, "[]", False), (False, "[blue_lead]", True),
                                     (True, "[]", False)):
        sc = build(_exercise(public=public, known=known))
        red, blue = _Watcher(), _Watcher()
        play(sc, red_lead=red, blue_lead=blue)
        assert list(red.seen[0].schedule) == keys, "its own side's schedule"
        assert list(blue.seen[0].schedule) == (keys if blue_sees else [])
        late = next(o for o in blue.seen if o.now >= at(sc, 7))
        view = turn_view(Index(sc), Turn(0, "blue_lead", late.reason, late))
        seen = [(r.kind, r.name) for r in view.reports]
        if public:
            assert seen == [("phase", "Exercise Autumn Shield: The guns muster"),
                            ("phase", "Exercise Autumn Shield: Live firing")], \
                "a public phase is reported to the other side once it has begun"
        else:
            assert seen == []
        if not blue_sees:
            assert view.schedule == []
            if not public:
                assert "Autumn Shield" not in view.model_dump_json()
            continue
        assert [(p.phase.name, p.begun) for p in view.schedule] == [
            ("The guns muster", False), ("Live firing", False), ("The guns go home", False)], \
            "a secret exercise's phases are known to be due, not seen to begin"
        assert view.schedule[0].timetable.name == "Exercise Autumn Shield"
        assert view.schedule[1].at.utc == "1962-10-27T06:00:00Z"
    own = next(o for o in red.seen if o.now >= at(sc, 7))
    mine = turn_view(Index(sc), Turn(0, "red_lead", own.reason, own))
    assert [p.begun for p in mine.schedule] == [True, True, False]
