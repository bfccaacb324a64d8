"""The attack a leader fears when it believes the other side's attack imminent is one the
other side decides on: the least violent war-starting military action of one of its
deciders. A move only a chain or a response carries out is not an attack anyone chooses
(forces acting on their own are incidents, weighed by the belief in control), so a belief
in imminence adds no war risk against a side that has no such action."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mechanics"))

from mechanics_kit import build  # noqa: E402

from brinkmanship import simulate  # noqa: E402
from brinkmanship.engine.index import Index  # noqa: E402
from brinkmanship.policies.risk import Escalation, attack_action  # noqa: E402

STRIKES = """
actions:
  - {id: protest, name: A protest, actor: blue_lead, kind: political, assumption: test value}
  - {id: guns_open_fire, name: Red's guns open fire, actor: red_cmd, kind: military,
     effects: {rung: strike}, assumption: carried out only by the chain below}
  - {id: red_general_war, name: Red's general war, actor: red_cmd, kind: military,
     effects: {rung: general}, assumption: carried out only by the chain below}
chains:
  - id: answer
    name: Red answers a protest
    links:
      - {id: protest_then_fire, after: protest, then: guns_open_fire, probability: 0.0,
         delay: {median_hours: 1, assumption: test value}, assumption: test value}
decision_models:
  - {actor: blue_lead, horizon_hours: 24, assumption: test value}
"""

RED_STRIKE = """  - {id: red_strike, name: Red's leader strikes, actor: red_lead, kind: military,
     effects: {rung: general}, assumption: the leader's own decision}
"""
LEADER_STRIKE = STRIKES.replace("  - {id: red_general_war", RED_STRIKE + "  - {id: red_general_war")


def _wait_war(extra: str) -> float:
    """The war part of Blue's value of waiting at the start."""
    run = simulate(build(extra), {"blue_lead": "lenses", "red_lead": "passive"}, 0)
    first = next(e for e in run.events if e["kind"] == "decision" and e["actor"] == "blue_lead")
    wait = next(o for o in first["trace"]["options"] if o["option"] == "wait")
    return float(wait["terms"].get("war", 0.0))


def test_a_move_no_decider_chooses_is_not_the_attack_feared() -> None:
    assert attack_action(Escalation(Index(build(STRIKES)), {}), "red") is None
    assert _wait_war(STRIKES) == 0.0, "no incident and no chosen attack: no war to fear"


def test_a_leader_s_own_war_starting_move_is_the_attack_feared() -> None:
    assert attack_action(Escalation(Index(build(LEADER_STRIKE)), {}), "red") == "red_strike"
    assert _wait_war(LEADER_STRIKE) < -1.0
