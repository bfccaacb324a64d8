"""Counterfactual arms: forced decisions, cut channels, set parameters, incidents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from brinkmanship.analysis.counterfactual import Counterfactual, CounterfactualError, ForcedChoice
from brinkmanship.analysis.rows import row_of
from brinkmanship.analysis.study import Arm, Study
from brinkmanship.analysis.worker import simulate_arm
from brinkmanship.scenario.schema import Scenario

SEEDS = range(40)


def study(harbour: Scenario, **change: object) -> Study:
    # These tests are about the counterfactual machinery, on the plain baseline
    # decision-maker whose habits they rely on (it sends Crimson's share offer, Azure holds
    # the reprisal from the start), not about the default decision-maker.
    return Study.make(harbour, arms=[Arm("baseline"),
                                     Arm("cf", Counterfactual.build(**change))],  # type: ignore[arg-type]
                      default="baseline")


def forced_decisions(events: list[dict]) -> list[dict]:
    return [e for e in events if e["kind"] == "decision" and "forced" in (e.get("trace") or {})]


def test_a_forced_answer_is_taken_when_legal(harbour: Scenario) -> None:
    st = study(harbour, force=["azure_pm=reject:share_offer"])
    taken = 0
    for seed in SEEDS:
        events = simulate_arm(st, "cf", seed).events
        forced = forced_decisions(events)
        delivered = any(e["kind"] == "deliver" and e["id"] == "share_offer" and
                        e["actor"] == "azure_pm" for e in events)
        if not forced:
            continue
        taken += 1
        assert delivered
        assert forced[0]["choices"][0] == "reject:share_offer@cable"
        assert any(e["kind"] == "offer" and e["offer"] == "share_offer" and
                   e["status"] == "rejected" for e in events)
        assert len(forced) == 1  # a forced choice is taken once
    assert taken >= len(SEEDS) // 2


def test_the_run_is_the_baselines_until_the_forced_decision(harbour: Scenario) -> None:
    """Common random numbers: the wrapped decision-maker still decides (and draws) first,
    so everything before the forced decision is the baseline's log, event for event."""
    st = study(harbour, force=["azure_pm=reject:share_offer"])
    compared = 0
    for seed in SEEDS:
        cf = simulate_arm(st, "cf", seed).events
        forced = forced_decisions(cf)
        if not forced:
            continue
        base = simulate_arm(st, "baseline", seed).events
        cut = forced[0]["seq"]
        assert cf[:cut] == base[:cut]
        assert cf[cut] != base[cut]
        compared += 1
    assert compared


def test_after_delays_the_forced_choice(harbour: Scenario) -> None:
    after = "2000-03-02T06:00:00Z"
    st = study(harbour, force=[f"azure_pm=release:reprisal,after={after}"])
    seen = 0
    for seed in SEEDS:
        for ev in forced_decisions(simulate_arm(st, "cf", seed).events):
            assert ev["t"] >= after
            assert ev["choices"][0] == "release:reprisal"
            seen += 1
    assert seen


def test_a_change_that_changes_nothing_gives_the_baseline_rows(harbour: Scenario) -> None:
    st = study(harbour, sets=["scenario.war_window_hours=24"])  # the value it has
    for seed in range(15):
        base = row_of(st.layout, "x", seed, simulate_arm(st, "baseline", seed).events)
        same = row_of(st.layout, "x", seed, simulate_arm(st, "cf", seed).events)
        assert base == same


def test_a_cut_channel_carries_nothing(harbour: Scenario) -> None:
    st = study(harbour, close=["cable"])
    for seed in range(15):
        events = simulate_arm(st, "cf", seed).events
        assert not [e for e in events if e["kind"] == "send" and e["channel"] == "cable"]


def test_forbidden_and_forced_incidents(harbour: Scenario) -> None:
    st = study(harbour, forbid=["warning_shots"])
    for seed in range(15):
        assert not [e for e in simulate_arm(st, "cf", seed).events if e["kind"] == "incident"]
    st = study(harbour, incidents=["warning_shots@2000-03-01T03:00:00Z"],
               sets=["incidents[warning_shots].hazard_per_hour=0"])
    for seed in range(5):
        hits = [e for e in simulate_arm(st, "cf", seed).events if e["kind"] == "incident"]
        assert [e["t"] for e in hits] == ["2000-03-01T03:00:00Z"]


@pytest.mark.parametrize(("change", "expect"), [
    ({"force": ["nobody=accept:share_offer"]}, "'nobody' is not an actor who decides"),
    ({"force": ["azure_pm=accept:no_such_offer"]}, "unknown message 'no_such_offer'"),
    ({"force": ["azure_pm=act:no_such_action"]}, "unknown action 'no_such_action'"),
    ({"force": ["azure_pm=accept:share_offer@pigeon"]}, "unknown channel 'pigeon'"),
    ({"force": ["azure_pm=surrender:share_offer"]}, "unknown option kind 'surrender'"),
    ({"close": ["pigeon"]}, "--close: unknown channel 'pigeon'"),
    ({"forbid": ["meteor"]}, "--forbid: unknown incident 'meteor'"),
    ({"incidents": ["warning_shots@1999-01-01T00:00Z"]}, "outside the scenario's time"),
    ({"sets": ["incidents[nope].hazard_per_hour=1"]}, "--set incidents[nope]"),
])
def test_bad_counterfactuals_are_named(harbour: Scenario, change: dict, expect: str) -> None:
    with pytest.raises(CounterfactualError) as err:
        study(harbour, **change)
    assert expect in str(err.value)


@pytest.mark.parametrize("text", ["azure_pm", "=accept:x", "azure_pm=accept",
                                  "azure_pm=accept:x,when=2000-03-01T00:00Z",
                                  "azure_pm=accept:x,after=yesterday"])
def test_malformed_forced_choices(text: str) -> None:
    with pytest.raises(CounterfactualError):
        ForcedChoice.parse(text)


def test_forced_choice_spellings_round_trip() -> None:
    f = ForcedChoice.parse("kennedy=accept_part:second_letter[missiles+pledge]@cable,"
                           "after=1962-10-27T20:00Z")
    assert f.after == datetime(1962, 10, 27, 20, tzinfo=UTC)
    assert ForcedChoice.parse(f.spelling()) == f
    change = Counterfactual.build(force=[f.spelling()], close=["a"], sets=["x.y=1"],
                                  forbid=["i"], incidents=["i@1962-10-27T20:00Z"])
    assert Counterfactual.from_json(change.to_json()) == change
