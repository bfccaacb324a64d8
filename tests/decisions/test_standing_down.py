"""The default decision-makers reason over the stand-down: standing down is worth what the
crisis ending so is worth, once the other side is pictured standing down too.

The ceasefire scenario (tests/scenarios/ceasefire.yaml) with the clashes taken away, so that
no risk of war pushes either side: only the value of the stand-down against the standoff
going on can make a leader stand its guns down.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from brinkmanship import simulate
from brinkmanship.scenario import parse_scenario
from brinkmanship.scenario.schema import Scenario

CEASEFIRE = Path(__file__).resolve().parents[1] / "scenarios" / "ceasefire.yaml"


def _ceasefire(stand_down: float, hazard: float = 0.0) -> Scenario:
    text = CEASEFIRE.read_text(encoding="utf-8")
    text = text.replace("stand_down: 4,", f"stand_down: {stand_down},")
    text = text.replace("hazard_per_hour: 0.03", f"hazard_per_hour: {hazard}")
    # A little status-quo bias: a move worth no more than waiting is not taken on a coin.
    text = text.replace("{actor: south_lead, rationality: 5,",
                        "{actor: south_lead, rationality: 5, inertia: 0.1,")
    return parse_scenario(text, "<ceasefire>")


def _first_choice(sc: Scenario, seed: int, actor: str) -> tuple[list[str], dict[str, float]]:
    run = simulate(sc, None, seed)
    first = next(e for e in run.events if e["kind"] == "decision" and e["actor"] == actor)
    return first["choices"], {o["option"]: o["eu"] for o in first["trace"]["options"]}


def test_a_stand_down_worth_more_than_the_standoff_is_sought() -> None:
    sc = _ceasefire(stand_down=4)
    outcomes = [simulate(sc, None, seed).outcome.kind for seed in range(6)]
    assert outcomes.count("stand_down") >= 5, outcomes
    choices, eu = _first_choice(sc, 0, "south_lead")
    assert choices == ["act:south_stand_down"]
    # Pictured: North stands down too, and twelve hours later the crisis ends so.
    assert eu["act:south_stand_down"] == pytest.approx(4.0, abs=0.05)
    assert eu["wait"] == pytest.approx(-3.0, abs=0.05)


@pytest.mark.parametrize("worth", [-4.0, -10.0])
def test_a_stand_down_worth_less_than_the_standoff_is_not(worth: float) -> None:
    """South, which fears no attack here, has no other reason to stand down: it does not."""
    sc = _ceasefire(stand_down=worth)
    choices, eu = _first_choice(sc, 0, "south_lead")
    assert choices == [] and eu["act:south_stand_down"] <= eu["wait"]
    outcomes = [simulate(sc, None, seed).outcome.kind for seed in range(6)]
    assert "stand_down" not in outcomes, outcomes


def test_the_highest_rung_of_a_run_that_only_came_down_is_where_it_started() -> None:
    """A crisis that opens part-way up the ladder and only comes down reached its opening
    rung, not the ladder's first (the end page's and the debrief's 'highest rung')."""
    from brinkmanship.hindsight import summary

    sc = _ceasefire(stand_down=4)
    run = simulate(sc, None, 0)
    assert run.outcome.kind == "stand_down"
    assert any(e["kind"] == "rung" and e.get("down") for e in run.events)
    row = summary(sc, run)
    assert (row["rung"], row["level"]) == ("firing", 2)
