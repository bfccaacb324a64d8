"""What an order or a posture held is worth during a step counts only while no war has come.

A leader who reckons a constant hazard of war, and nothing else that could change, should
find waiting worth exactly what carrying on is worth: the hazard has no memory, so a step of
waiting followed by carrying on is carrying on. The value of the orders in force must then
be weighed by the chance of surviving the step just as it is after it; counting it whole
during the step made slow moves look better than they are under high risk.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mechanics"))
from mechanics_kit import build, play  # noqa: E402

from brinkmanship.policies.values import hours_before_war  # noqa: E402

RATE = 0.2      # incidents an hour: each one is war
VALUE = 3.0     # what keeping the order is worth an hour
HORIZON = 12.0  # hours the leader reckons ahead
REVIEW = 4.0    # hours a wait lasts


def _scenario(review: float = REVIEW) -> object:
    return build(f"""
standing_orders:
  - {{id: patrols, name: Patrols near the coast, holder: red_cmd, issued_by: red_lead,
     assumption: test value}}
incidents:
  - {{id: clash, name: A patrol clash, force: red_guns, under_order: patrols,
     hazard_per_hour: {RATE}, max_occurrences: 5, effects: {{rung: strike}},
     assumption: test value}}
decision_models:
  - {{actor: red_lead, rationality: 1.0, horizon_hours: {HORIZON}, review_hours: {review},
     order_values: {{patrols: {VALUE}}}, assumption: test value}}
""")


def _wait_row(seed: int = 0, review: float = REVIEW) -> dict[str, object]:
    run = play(_scenario(review), seed=seed, red_lead="lenses")
    first = next(e for e in run.events if e["kind"] == "decision" and e["actor"] == "red_lead")
    return next(o for o in first["trace"]["options"] if o["option"] == "wait")


def test_hours_before_war_is_the_integral_of_survival() -> None:
    assert hours_before_war(0.0, 5.0) == 5.0
    assert hours_before_war(0.5, 4.0) == pytest.approx((1 - math.exp(-2.0)) / 0.5)
    # A lump of war halfway: after it only half the runs still hold the order.
    assert hours_before_war(0.0, 4.0, ((2.0, 0.5),)) == pytest.approx(2.0 + 0.5 * 2.0)
    assert hours_before_war(0.0, 4.0, ((6.0, 0.5),)) == 4.0, "a lump past the step is not in it"


@pytest.mark.parametrize("review", [1.0, REVIEW, 8.0])
def test_waiting_under_a_constant_hazard_is_worth_what_carrying_on_is(review: float) -> None:
    row = _wait_row(review=review)
    terms = row["terms"]
    assert isinstance(terms, dict)
    expected = VALUE * (1 - math.exp(-RATE * HORIZON)) / RATE
    # However long the wait, the orders are worth their value over the hours before war.
    assert terms["orders"] == pytest.approx(expected, abs=2e-3)
