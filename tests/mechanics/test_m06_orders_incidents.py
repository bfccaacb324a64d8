"""M6 standing orders and incidents: local forces act on orders, not on the leader's wish."""

from __future__ import annotations

import math

import pytest
from mechanics_kit import Chair, Move, at, build, of_kind, one, play, wilson

from brinkmanship.engine import Interventions
from brinkmanship.engine.index import Index
from brinkmanship.engine.world import World
from brinkmanship.narrative import narrate


def _orders(compliance: float = 1.0) -> str:
    return f"""
standing_orders:
  - id: fire_at_will
    name: Fire on intruders
    holder: red_cmd
    issued_by: red_lead
    change_delay: {{median_hours: 2, assumption: test value}}
    compliance: {compliance}
    assumption: test value
incidents:
  - id: pot_shots
    name: Guns fire on a patrol
    force: red_guns
    under_order: fire_at_will
    hazard_per_hour: 0.5
    max_occurrences: 100
    authorised: false
    effects: {{rung: shots}}
    assumption: test value
"""


def test_an_incident_under_a_standing_order_happens_without_the_leader() -> None:
    red = Chair()  # decides nothing, only records what it sees
    run = play(build(_orders()), seed=3, red_lead=red)
    shots = of_kind(run, "incident", incident="pot_shots")
    assert shots, "at 0.5 an hour over 48 hours the guns fire"
    first = shots[0]
    assert first["order"] == "fire_at_will" and first["authorised"] is False
    assert first["actor"] == "red_cmd" and first["side"] == "red"
    assert of_kind(run, "decision", actor="red_lead") == [], "the leader never chose it"
    assert one(run, "rung", rung="shots")["cause"] == first["seq"]
    seen = [s for obs in red.seen for s in obs.sightings if s.id == "pot_shots"]
    assert seen and not seen[0].authorised, "the leader learns it was not authorised"


def _after_arrival(compliance: float, seed: int, switch_off: bool = True
                   ) -> tuple[dict | None, list[dict]]:
    moves = [Move(5.0, "order_off", "fire_at_will")] if switch_off else []
    run = play(build(_orders(compliance)), seed, red_lead=Chair(*moves))
    arrived = of_kind(run, "order", order="fire_at_will")
    cut = arrived[0]["s"] if arrived else 7 * 3600
    return (arrived[0] if arrived else None,
            [e for e in of_kind(run, "incident") if e["s"] > cut])


def test_switching_the_order_off_stops_the_hazard_once_it_arrives() -> None:
    for seed in range(10):
        order, later = _after_arrival(1.0, seed)
        assert order is not None and order["s"] == 7 * 3600, "sent at 5h, 2h to reach the units"
        assert order["obeyed"] is True and order["active"] is False
        assert later == []
        _, contrast = _after_arrival(1.0, seed, switch_off=False)
        assert contrast, "left on, the guns keep firing after 7h"


def test_units_that_do_not_comply_keep_firing() -> None:
    order, later = _after_arrival(0.0, seed=0)
    assert order is not None and order["obeyed"] is False
    assert later, "the order stayed on"


def test_compliance_is_the_share_of_order_changes_obeyed() -> None:
    n, obeyed = 150, 0
    for seed in range(n):
        order, later = _after_arrival(0.5, seed)
        assert order is not None
        obeyed += order["obeyed"]
        # A disobeyed order leaves the hazard on for 41 more hours at 0.5/h: P(no shot) ~ 1e-9.
        assert bool(later) is (not order["obeyed"])
    low, high = wilson(obeyed, n)
    assert low <= 0.5 <= high, (obeyed, n)


def _responses(failure: float) -> str:
    return _orders() + f"""
actions:
  - {{id: hit_guns, name: Hit the guns, actor: blue_cmd, duration_hours: 1,
     effects: {{set_flags: [guns_hit]}}, assumption: test value}}
responses:
  - id: reprisal
    name: Pre-agreed reprisal
    holder: blue_cmd
    authorised_by: blue_lead
    trigger: {{incident: pot_shots}}
    action: hit_guns
    delay_hours: 2
    hold_failure_probability: {failure}
    assumption: test value
"""


@pytest.mark.parametrize(("hold", "failure", "fires"),
                         [(False, 0.0, True), (True, 0.0, False), (True, 1.0, True)])
def test_pre_delegated_response_fires_unless_held(hold: bool, failure: float,
                                                  fires: bool) -> None:
    sc = build(_responses(failure))
    iv = Interventions(hazards=False, force_incidents=((at(sc, 3.0), "pot_shots"),))
    blue = Chair(Move(0.0, "hold", "reprisal")) if hold else Chair()
    run = play(sc, seed=11, iv=iv, blue_lead=blue)
    incident = one(run, "incident", incident="pot_shots")
    assert incident["s"] == 3 * 3600
    response = one(run, "response", response="reprisal")
    assert response["s"] == 5 * 3600 and response["cause"] == incident["seq"]
    assert response["held"] is hold and response["fired"] is fires
    assert response["hold_failed"] is (hold and fires)
    started = of_kind(run, "action_start", action="hit_guns")
    if fires:
        assert started[0]["via"] == "response:reprisal" and started[0]["actor"] == "blue_cmd"
        assert one(run, "action", action="hit_guns")["s"] == 6 * 3600
    else:
        assert started == [] and of_kind(run, "action") == []


Z_LEVEL = 3.2905267314919255
"""Phi^-1(1 - 0.001 / 2): the two-sided 99.9% interval a correct failure chance must fall in."""
Z_POWER = 4.753424308822899
"""Phi^-1(1 - 1e-6): a wrong chance must fall outside it in all but one run of a million."""


def runs_needed(p: float, q: float) -> int:
    """How many held responses tell a failure chance ``p`` from ``q``: a two-sided test at
    level 0.001 then rejects ``q`` with power 1 - 1e-6 (normal approximation to the
    binomial: n = ((z_a sqrt(p(1-p)) + z_b sqrt(q(1-q))) / (p - q))^2)."""
    spread = Z_LEVEL * math.sqrt(p * (1 - p)) + Z_POWER * math.sqrt(q * (1 - q))
    return math.ceil((spread / (p - q)) ** 2)


HELD_RUNS = 400


@pytest.mark.parametrize("failure", [0.3, 0.5])
def test_a_hold_fails_with_its_failure_probability(failure: float) -> None:
    """Held, the reprisal fires in a share ``failure`` of runs: not ``failure`` squared (a
    second draw), nor ``1 - failure`` (the comparison turned round). 400 runs are enough
    to tell 0.5 from 0.25 and 0.3 from 0.09 or 0.7 (about 220 and 190 are needed)."""
    wrong = (failure ** 2, 1 - failure) if failure != 0.5 else (failure ** 2,)
    assert max(runs_needed(failure, q) for q in wrong) <= HELD_RUNS
    sc = build(_responses(failure))
    iv = Interventions(hazards=False, force_incidents=((at(sc, 3.0), "pot_shots"),),
                       until=at(sc, 5.5))
    failed = 0
    for seed in range(HELD_RUNS):
        run = play(sc, seed=seed, iv=iv, blue_lead=Chair(Move(0.0, "hold", "reprisal")))
        response = one(run, "response", response="reprisal")
        assert response["held"] is True and response["fired"] is response["hold_failed"]
        failed += response["hold_failed"]
    low, high = wilson(failed, HELD_RUNS, Z_LEVEL)
    assert low <= failure <= high, (failed, HELD_RUNS)
    assert not any(low <= q <= high for q in wrong), (failed, HELD_RUNS)


def _counted(trigger: str, holdable: bool = True) -> str:
    return _orders() + f"""
actions:
  - {{id: hit_guns, name: Hit the guns, actor: blue_cmd, duration_hours: 1, repeatable: true,
     effects: {{set_flags: [guns_hit]}}, assumption: test value}}
responses:
  - id: reprisal
    name: Reprisal on a repeat
    holder: blue_cmd
    authorised_by: blue_lead
    trigger: {trigger}
    action: hit_guns
    delay_hours: 1
    holdable: {str(holdable).lower()}
    assumption: test value
"""


@pytest.mark.parametrize(("trigger", "fired_on"), [
    ("{incident: pot_shots, from_occurrence: 2}", [2, 3]),
    ("{incident: pot_shots, until_occurrence: 1}", [1]),
    ("{incident: pot_shots, from_occurrence: 2, until_occurrence: 2}", [2]),
    ("{incident: pot_shots}", [1, 2, 3]),
])
def test_a_trigger_that_counts_occurrences(trigger: str, fired_on: list[int]) -> None:
    sc = build(_counted(trigger))
    times = (3.0, 8.0, 13.0)
    iv = Interventions(hazards=False,
                       force_incidents=tuple((at(sc, h), "pot_shots") for h in times))
    run = play(sc, seed=2, iv=iv)
    shots = of_kind(run, "incident", incident="pot_shots")
    assert [e["s"] for e in shots] == [int(h * 3600) for h in times]
    responses = of_kind(run, "response", response="reprisal")
    causes = [next(i for i, e in enumerate(shots, 1) if e["seq"] == r["cause"])
              for r in responses]
    assert causes == fired_on
    assert all(r["fired"] for r in responses)
    assert len(of_kind(run, "action", action="hit_guns")) == len(fired_on)


def test_a_response_made_firm_cannot_be_held() -> None:
    sc = build(_counted("{incident: pot_shots}", holdable=False))
    iv = Interventions(hazards=False, force_incidents=((at(sc, 3.0), "pot_shots"),))
    blue = Chair(Move(0.0, "hold", "reprisal"))
    run = play(sc, seed=5, iv=iv, blue_lead=blue)
    assert all(o.target != "reprisal" for obs in blue.seen for o in obs.options
               if o.kind in ("hold", "release")), "no hold is offered"
    assert one(run, "response", response="reprisal")["fired"] is True
    held = build(_counted("{incident: pot_shots}", holdable=True))
    blue = Chair(Move(0.0, "hold", "reprisal"))
    run = play(held, seed=5, iv=iv, blue_lead=blue)
    assert one(run, "response", response="reprisal")["fired"] is False, "contrast: holdable"



def _slow_and_fast(seed: int) -> tuple[list[dict], list[dict], bool]:
    """Red orders its guns to cease fire at hours 1 and 2 and to fire again once they have
    ceased (from hour 6), over a chain of command whose delays vary widely (log-normal
    sigma 1.5): the first cease-fire may still be on its way when the later orders land."""
    sc = build(_orders().replace("median_hours: 2,", "median_hours: 2, spread: 1.5,"))
    run = play(sc, seed, red_lead=Chair(Move(1.0, "order_off", "fire_at_will"),
                                        Move(2.0, "order_off", "fire_at_will"),
                                        Move(6.0, "order_on", "fire_at_will")))
    world = World.initial(Index(run.scenario))
    for ev in run.events:
        world.apply(ev)
    return of_kind(run, "order_sent"), of_kind(run, "order"), world.orders["fire_at_will"]


def test_a_later_order_wins_over_an_earlier_one_that_arrives_after_it() -> None:
    """An earlier, slower change reaching the units after a later, faster one is overtaken:
    the units keep to the later decision (docs/engine-semantics.md, M6)."""
    runs = [_slow_and_fast(seed) for seed in range(30)]
    for seed, (sent, arrived, firing) in enumerate(runs):
        latest = max(e["cause"] for e in arrived)
        assert firing == next(e["active"] for e in sent if e["seq"] == latest), \
            f"seed {seed}: the latest decision that reached the units stands"
    overtaken = 0
    for sent, arrived, _ in runs:
        seqs = [e["seq"] for e in sent]
        reached = {e["cause"]: e for e in arrived}
        for e in arrived:
            later = [q for q in seqs if q > e["cause"] and q in reached
                     and reached[q]["seq"] < e["seq"]]
            if later:
                overtaken += 1
                assert e["superseded_by"] == max(later)
            else:
                assert "superseded_by" not in e
    assert overtaken >= 3, "some early orders do arrive after later ones"


def test_a_response_whose_units_were_never_on_alert_is_told_plainly() -> None:
    """The reprisal needs Blue's fleet at battle stations; it never was: the story says the
    response came due and there was nothing to carry out, and why, not that it failed."""
    text = _responses(0.0).replace(
        "duration_hours: 1,\n",
        "duration_hours: 1,\n     requires: {postures: {blue_fleet: [battle]}},\n")
    sc = build(text)
    iv = Interventions(hazards=False, force_incidents=((at(sc, 3.0), "pot_shots"),))
    run = play(sc, seed=11, iv=iv)
    assert one(run, "response", response="reprisal")["fired"] is False
    story = [line for line in narrate(sc, run.events) if "Pre-agreed reprisal" in line]
    assert len(story) == 1
    assert "comes due" in story[0] and "nothing to carry out" in story[0]
    assert "Blue fleet were never at battle stations" in story[0]
    assert "cannot" not in story[0] and "fail" not in story[0]
