"""The three-lens decision-maker: its choice rule, its traces, and each lens at work."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

import brinkmanship.policies.crisis_model as crisis_model
from brinkmanship import load_scenario, simulate
from brinkmanship.engine.run import Run
from brinkmanship.policies.base import Decision, Observation
from brinkmanship.policies.expected_utility import quantal
from brinkmanship.policies.registry import DEFAULT, REGISTRY
from brinkmanship.scenario.schema import DecisionModel, Scenario

SCENARIOS = Path(__file__).parent / "scenarios"


def _load(name: str) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.yaml")


def _decisions(run: Run, actor: str) -> list[dict]:  # type: ignore[type-arg]
    return [e for e in run.events if e["kind"] == "decision" and e["actor"] == actor
            and "options" in e.get("trace", {})]


def test_lenses_is_the_default_and_the_baseline_stays_available() -> None:
    assert DEFAULT == "lenses"
    assert {"lenses", "baseline"} <= set(REGISTRY)


def test_quantal_choice_maximises_with_high_precision_and_waits_on_ties() -> None:
    assert quantal(1e6, [1.0, 3.0, 2.0, 0.0], 0.0) == pytest.approx([0, 1, 0, 0])
    assert quantal(1e6, [1.0, 0.5], 0.6) == pytest.approx([0, 1])  # gain below inertia
    assert quantal(1e6, [2.0, 1.0], 0.6) == pytest.approx([1, 0])


def test_quantal_choice_is_uniform_without_precision_and_ignores_crowds() -> None:
    assert quantal(0.0, [5.0, -5.0, 0.0], 0.0) == pytest.approx([0.25, 0.25, 0.5])
    # Many options as good as waiting do not make acting likelier than one such option.
    few, many = quantal(0.1, [0.0, 0.0], 0.0), quantal(0.1, [0.0] * 9 + [0.0], 0.0)
    assert 1 - few[-1] == pytest.approx(1 - many[-1])


def _timed(sc: Scenario) -> Scenario:
    """The strait with its batteries able to fire only from hour 12 on: the risk a leader
    reckons then depends on the pictured clock, which its memos must key on."""
    start = sc.scenario.start
    incidents = [i.model_copy(update={"requires": i.requires.model_copy(update={
        "after": start + timedelta(hours=12)})}) for i in sc.incidents]
    return sc.model_copy(update={"incidents": incidents})


@pytest.mark.parametrize("variant", ["as written", "timed incidents"])
def test_same_seed_same_log_and_independent_of_what_ran_before(variant: str) -> None:
    """The shared look-ahead caches save work only: a run is the same whether its
    scenario's models are cold or warmed by other seeds."""
    sc = _load("strait")
    if variant == "timed incidents":
        sc = _timed(sc)
    crisis_model._MODELS.clear()
    cold = [simulate(sc, {}, seed).jsonl() for seed in (7, 8)]
    for seed in range(6):
        simulate(sc, {}, seed)
    assert [simulate(sc, {}, seed).jsonl() for seed in (8, 7)] == cold[::-1]


def test_the_history_section_is_not_read() -> None:
    sc = load_scenario("cuba-1962")
    assert sc.history is not None
    blind = sc.model_copy(update={"history": None})
    assert simulate(sc, {}, 3).jsonl() == simulate(blind, {}, 3).jsonl()


def test_traces_are_json_and_explain_the_choice() -> None:
    run = simulate(_load("strait"), {}, 1)
    traced = _decisions(run, "north_pm")
    assert traced
    for ev in traced:
        trace = json.loads(json.dumps(ev["trace"]))
        keys = [o["option"] for o in trace["options"]]
        assert trace["chosen"] in keys
        assert ev["choices"] == ([] if trace["chosen"] == "wait" else [trace["chosen"]])
        assert all(o["p"] == 0 for o in trace["options"] if not o["considered"])
        assert {"beliefs", "weights", "rationality", "advisers", "why"} <= set(trace)


def test_holds_are_weighed_only_once_their_response_is_triggered() -> None:
    """Organisational routine: the pre-delegated reprisal stands until its trigger, the
    batteries' fire, has happened; only then is holding it an option."""
    hot = _load("strait")
    hot = hot.model_copy(update={"incidents": [
        i.model_copy(update={"hazard_per_hour": 0.3}) for i in hot.incidents]})
    holds = 0
    for seed in range(10):
        run = simulate(hot, {}, seed)
        first = next((e["seq"] for e in run.events if e["kind"] == "incident"), None)
        for ev in _decisions(run, "north_pm"):
            offered = {o["option"] for o in ev["trace"]["options"]}
            if first is None or ev["seq"] < first:
                assert "hold:reprisal" not in offered
            holds += "hold:reprisal" in ev["choices"]
    assert holds > 0


def test_meetings_weigh_advisers_and_persuade_the_leader() -> None:
    """At a meeting's end the advisers present take positions and the leader chooses with
    their influence-weighted weights; afterwards its own weights have moved their way."""
    sc = _load("council")
    run = simulate(sc, {}, 0)
    traced = _decisions(run, "premier")
    at_meetings = [e for e in traced if e["trace"]["meeting"]]
    assert [a["actor"] for a in at_meetings[0]["trace"]["advisers"]] == ["admiral", "diplomat"]
    positions = {a["actor"]: a["position"] for a in at_meetings[0]["trace"]["advisers"]}
    assert positions == {"admiral": "act:strike_site", "diplomat": "wait"}
    before = traced[0]["trace"]["weights"]
    after = next(e for e in traced if e["seq"] > at_meetings[0]["seq"] and
                 not e["trace"]["meeting"])["trace"]["weights"]
    # The hawk and the dove pull war's weight from both sides; unresolved is pulled up
    # by the hawk (1.5) more than down by the dove (0.8).
    assert after["unresolved"] > before["unresolved"] == 1.0


def test_fatigue_and_stress_blur_the_choice() -> None:
    sc = _load("council")
    tired = sc.model_copy(update={"decision_models": [
        DecisionModel(actor="premier", rationality=0.15, fatigue_per_hour=0.05,
                      stress_weight=1.0, assumption="test value")]})
    precision = [e["trace"]["rationality"] for e in _decisions(simulate(tired, {}, 0),
                                                               "premier")]
    assert precision[0] == pytest.approx(0.15)
    assert precision == sorted(precision, reverse=True) and precision[-1] < 0.1


def test_beliefs_drive_choices_a_feared_attack_hastens_acceptance() -> None:
    """Perception: the more South believes a North attack imminent, the sooner it accepts
    North's offer (paired seeds; South alone changes)."""
    sc = _load("strait")
    sc = sc.model_copy(update={"messages": [m for m in sc.messages if m.id != "south_trade"]})
    afraid = sc.model_copy(update={"beliefs": [
        b.model_copy(update={"imminence": 0.6}) if b.actor == "south_pm" else b
        for b in sc.beliefs]})

    def settled_at(run: Run) -> str:
        return run.outcome.at if run.outcome.kind == "settlement" else "9999"

    calm = [settled_at(simulate(sc, {}, i)) for i in range(30)]
    fear = [settled_at(simulate(afraid, {}, i)) for i in range(30)]
    sooner = sum(f < c for c, f in zip(calm, fear, strict=True))
    later = sum(f > c for c, f in zip(calm, fear, strict=True))
    assert sooner > 3 * later


class _Seer:
    """Decides nothing; keeps what it observed."""

    name = "seer"

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.seen: list[Observation] = []

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        self.seen.append(obs)
        return Decision()


@pytest.mark.parametrize("first", ["early", "late"])
def test_the_risk_a_leader_reckons_follows_the_pictured_clock(first: str) -> None:
    """With the batteries able to fire only from hour 12, the same pictured situation
    carries no incident risk at hour 5 and some at hour 20, whichever is reckoned first."""
    sc = _timed(_load("strait"))
    seer = _Seer()
    simulate(sc, {"north_pm": seer}, 0)
    crisis_model._MODELS.clear()
    model = crisis_model.crisis_model(sc, "north_pm")
    s = model.picture.situation(seer.seen[0])
    at = {"early": s.but(t=5 * 3600), "late": s.but(t=20 * 3600)}
    order = ["early", "late"] if first == "early" else ["late", "early"]
    rate = {k: model.risk.risk("north_pm", at[k]).rate for k in order}
    plain = crisis_model.CrisisModel(_load("strait"), "north_pm").risk
    assert rate["late"] == pytest.approx(plain.risk("north_pm", at["late"]).rate)
    assert rate["late"] > rate["early"]


@pytest.mark.parametrize("name", ["cuba-1962", "berlin-1961", "october-war-1973",
                                  "panmunjom-1976"])
def test_built_in_runs_do_not_depend_on_what_ran_before(name: str) -> None:
    sc = load_scenario(name)
    crisis_model._MODELS.clear()
    cold = [simulate(sc, {}, seed).jsonl() for seed in (11, 12, 13)]
    crisis_model._MODELS.clear()
    warm = [simulate(sc, {}, seed).jsonl() for seed in (13, 12, 11)]
    assert warm[::-1] == cold
