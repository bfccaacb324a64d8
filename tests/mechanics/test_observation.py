"""What an actor is shown: its own moves under way, effects of lapses, and no other side's
private facts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import yaml

from brinkmanship.games import simulate
from brinkmanship.policies.base import Decision, Observation, Option
from brinkmanship.scenario import parse_scenario
from brinkmanship.scenario.schema import Scenario

HARBOUR = Path(__file__).resolve().parents[1] / "scenarios" / "harbour.yaml"


def harbour(**changes: dict) -> Scenario:
    """The harbour scenario with some entries of its lists changed by id."""
    doc = yaml.safe_load(HARBOUR.read_text(encoding="utf-8"))
    for section, by_id in changes.items():
        for entry in doc[section]:
            entry.update(by_id.get(entry["id"], {}))
    return parse_scenario(yaml.safe_dump(doc), "<harbour variant>")


class Recorder:
    """Takes ``first`` at the start, then wakes every hour and records what it sees."""

    name = "recorder"

    def __init__(self, first: Option | None = None):
        self.first = first
        self.seen: list[Observation] = []

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.actor = actor

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        self.seen.append(obs)
        pick = [self.first] if self.first in obs.options and len(self.seen) == 1 else []
        return Decision(pick, wake_at=obs.now + timedelta(hours=1))


def test_an_action_under_way_is_not_offered_again() -> None:
    sc = harbour()
    azure = Recorder(Option("act", "fleet_to_battle"))
    run = simulate(sc, {"azure_pm": azure, "crimson_pm": "passive", "azure_envoy": "passive"},
                   seed=1)
    start = next(e for e in run.events if e["kind"] == "action_start")
    effect = next(e for e in run.events if e["kind"] == "action")
    during = [o for o in azure.seen if start["t"] < o.now.strftime("%Y-%m-%dT%H:%M:%SZ")
              < effect["t"]]
    assert during, "the recorder looked while the fleet was getting ready"
    assert all(Option("act", "fleet_to_battle") not in o.options for o in during)


def test_a_lapsing_offer_raises_the_ladder_its_expiry_names() -> None:
    sc = harbour(messages={"share_offer": {"deadline_hours": 2, "on_expiry": {"rung": "shots"}}})
    crimson = Recorder(Option("send", "share_offer"))
    run = simulate(sc, {"crimson_pm": crimson, "azure_pm": "passive", "azure_envoy": "passive"},
                   seed=1, interventions=None)
    lapse = next(e for e in run.events if e["kind"] == "offer" and e["status"] == "lapsed")
    rung = next(e for e in run.events if e["kind"] == "rung")
    assert rung["cause"] == lapse["seq"] and rung["rung"] == "shots"
    assert rung["actor"] == "crimson_pm"


def test_another_sides_private_deeds_stay_out_of_its_flags() -> None:
    sc = harbour(actions={"fleet_to_battle": {"public": False}})
    azure = Recorder(Option("act", "fleet_to_battle"))
    crimson = Recorder()
    simulate(sc, {"azure_pm": azure, "crimson_pm": crimson, "azure_envoy": "passive"}, seed=1)
    assert any("done:fleet_to_battle" in o.flags for o in azure.seen)
    assert not any(f.endswith(":fleet_to_battle") for o in crimson.seen for f in o.flags)
