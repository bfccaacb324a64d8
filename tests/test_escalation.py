"""Escalation scores on the versioned taxonomy: generic rules, the scenario's scale as data,
profiles of whole runs, and the built-in scales' coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from brinkmanship import builtin_names, load_scenario, simulate
from brinkmanship.escalation import WEIGHTS, Scale, decision_score, profile
from brinkmanship.policies.base import Option
from brinkmanship.scenario import ScenarioError
from brinkmanship.scenario.loader import parse_scenario

HARBOUR = Path(__file__).resolve().parent / "scenarios" / "harbour.yaml"


def test_the_weights_are_rivera_et_als() -> None:
    # Rivera et al. (2024), severity weights of the six categories.
    assert WEIGHTS == {"de_escalation": -2, "status_quo": 0, "posturing": 4,
                       "non_violent_escalation": 12, "violent_escalation": 28, "nuclear": 60}


def test_without_a_scale_choices_are_scored_by_kind() -> None:
    sc = load_scenario(str(HARBOUR))
    scale = Scale(sc)
    assert scale.place(Option("accept", "share_offer")).category == "de_escalation"
    assert scale.place(Option("reject", "share_offer")).category == "status_quo"
    assert scale.place(Option("send", "share_offer")).category == "de_escalation"  # an offer
    assert scale.place(Option("send", "gull_protest")).category == "status_quo"  # statement
    # bombard_guns raises the ladder to a war rung.
    assert scale.place(Option("act", "bombard_guns")).category == "violent_escalation"
    assert scale.place(Option("order_on", "fire_on_intruders")).category == "posturing"
    assert scale.place(Option("hold", "reprisal")).category == "de_escalation"
    total, top = decision_score(scale, ["accept:share_offer", "act:bombard_guns"])
    assert total == -2 + 28 and top.category == "violent_escalation"


def _harbour_with(section: str) -> str:
    return HARBOUR.read_text(encoding="utf-8") + section


def test_the_scale_is_data_and_outranks_the_rules() -> None:
    sc = parse_scenario(_harbour_with("""
escalation:
  rungs:
    - {rung: bombardment, category: nuclear, kahn: 21, assumption: test}
  actions:
    - {action: fleet_to_battle, category: posturing, kahn: 5, assumption: test}
  orders:
    - {order: fire_on_intruders, in_force: violent_escalation, rescinded: status_quo,
       assumption: test}
"""), "inline")
    scale = Scale(sc)
    bombard = scale.place(Option("act", "bombard_guns"))
    assert (bombard.category, bombard.kahn) == ("nuclear", 21)
    assert scale.place(Option("act", "fleet_to_battle")).category == "posturing"
    assert scale.place(Option("order_on", "fire_on_intruders")).category == "violent_escalation"
    assert scale.place(Option("order_off", "fire_on_intruders")).category == "status_quo"


@pytest.mark.parametrize(("section", "message"), [
    ("escalation:\n  actions:\n    - {action: nowhere, category: posturing, assumption: t}\n",
     "escalation.actions[0].action"),
    ("escalation:\n  rungs:\n    - {rung: shots, category: loud, assumption: t}\n",
     "category"),
    ("escalation:\n  rungs:\n    - {rung: shots, category: posturing, kahn: 45, assumption: t}\n",
     "kahn"),
])
def test_a_bad_scale_is_refused_with_its_place(section: str, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_harbour_with(section), "inline.yaml")
    assert message in err.value.render()


def test_a_profile_adds_up_a_runs_decisions() -> None:
    sc = load_scenario("cuba-1962")
    run = simulate(sc, seed=1)
    scale = Scale(sc)
    prof = profile(scale, run.events)
    for actor, tally in prof["actors"].items():
        mine = [e for e in run.events if e["kind"] == "decision" and e["actor"] == actor
                and e["choices"]]
        scores = [decision_score(scale, e["choices"])[0] for e in mine]
        assert tally["decisions"] == len(mine)
        assert tally["total"] == sum(scores)
        assert tally["max"] == max(scores)


@pytest.mark.parametrize("name", builtin_names())
def test_every_built_in_scale_places_its_rungs_actions_and_orders(name: str) -> None:
    sc = load_scenario(name)
    assert sc.escalation is not None
    rungs = {e.rung for e in sc.escalation.rungs}
    assert rungs == {r.id for r in sc.ladder}
    placed = {e.action for e in sc.escalation.actions}
    for action in sc.actions:
        assert action.id in placed or action.effects.rung in rungs, action.id
    assert {e.order for e in sc.escalation.orders} == {o.id for o in sc.standing_orders}
