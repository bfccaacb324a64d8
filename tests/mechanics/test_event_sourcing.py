"""The event log is the single source of truth: folding it rebuilds the simulation's world."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from brinkmanship.engine import Game, Interventions
from brinkmanship.engine.index import Index
from brinkmanship.engine.occurrences import Simulation
from brinkmanship.engine.world import World
from brinkmanship.policies.registry import bind_policies
from brinkmanship.scenario import parse_scenario
from brinkmanship.scenario.schema import Scenario

HARBOUR = Path(__file__).resolve().parents[1] / "scenarios" / "harbour.yaml"


def _harbour_with_a_lapsing_offer() -> Scenario:
    """The harbour scenario, its private offer lapsing after 3 hours with effects."""
    doc = yaml.safe_load(HARBOUR.read_text(encoding="utf-8"))
    share = next(m for m in doc["messages"] if m["id"] == "share_offer")
    share["deadline_hours"] = 3
    share["on_expiry"] = {"set_flags": ["share_withdrawn"], "postures": {"azure_fleet": "battle"}}
    return parse_scenario(yaml.safe_dump(doc), "<harbour, lapsing>")


SCENARIO = _harbour_with_a_lapsing_offer()


def _simulate(policy: str, seed: int) -> tuple[Simulation, World]:
    ix = Index(SCENARIO)
    bound = bind_policies(SCENARIO, {a: policy for a in ix.deciders})
    game = Game(SCENARIO, bound, (), seed, Interventions())
    game.play()
    folded = World.initial(ix)
    for ev in game.events:
        folded.apply(ev)
    return game._sim, folded


def test_folding_the_log_rebuilds_the_final_world() -> None:
    kinds: set[str] = set()
    for policy, seed in [(p, s) for p in ("baseline", "random") for s in range(25)]:
        sim, folded = _simulate(policy, seed)
        kinds.update(e["kind"] for e in sim.events)
        kinds.update(f"offer:{e['status']}" for e in sim.events if e["kind"] == "offer")
        for f in dataclasses.fields(World):
            if not f.compare:  # caches, not state
                continue
            assert getattr(folded, f.name) == getattr(sim.world, f.name), (policy, seed, f.name)
    # The runs exercised the state-changing events, so the comparison above meant something.
    wanted = {"send", "deliver", "offer", "action", "incident", "rung", "belief", "order",
              "reaction", "hold", "release", "deadline", "settlement", "war", "end",
              "offer:accepted", "offer:accepted_part", "offer:rejected", "offer:lapsed"}
    assert wanted <= kinds, sorted(wanted - kinds)


def test_the_fold_sees_lapses_orders_and_holds() -> None:
    seen = {"lapsed": False, "order_off": False, "held": False}
    for seed in range(25):
        sim, folded = _simulate("random", seed)
        statuses = {o.status for o in folded.offers.values()}
        if "lapsed" in statuses:
            seen["lapsed"] = True
            assert "share_withdrawn" in folded.flags and folded.postures["azure_fleet"] == "battle"
        if not folded.orders["fire_on_intruders"]:
            seen["order_off"] = True
        if folded.held["reprisal"]:
            seen["held"] = True
    assert all(seen.values()), seen
