"""A decision pictures at most NODE_BUDGET replies, so its cost is bounded however deep
and wide the look-ahead a scenario asks for."""

from __future__ import annotations

import pytest

from brinkmanship import load_scenario, simulate
from brinkmanship.policies import expected_utility as eu


def _replies(run) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for e in run.events if e["kind"] == "decision" and e.get("trace")
               for row in e["trace"].get("options", []) if row.get("reply"))


def test_past_the_budget_no_reply_is_pictured(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario("cuba-1962")
    assert _replies(simulate(scenario, seed=0)) > 0
    monkeypatch.setattr(eu, "NODE_BUDGET", 0)
    # A fresh copy: the decision-makers' models of the first scenario object are kept.
    assert _replies(simulate(scenario.model_copy(deep=True), seed=0)) == 0


def test_built_in_decisions_stay_far_below_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    looks: list[eu.Lookahead] = []
    made = eu.Lookahead.__init__

    def keep(self: eu.Lookahead, *args: object, **kwargs: object) -> None:
        made(self, *args, **kwargs)  # type: ignore[arg-type]
        looks.append(self)

    monkeypatch.setattr(eu.Lookahead, "__init__", keep)
    simulate(load_scenario("cuba-1962"), seed=0)
    assert looks and 0 < max(look.peak for look in looks) < eu.NODE_BUDGET // 100
