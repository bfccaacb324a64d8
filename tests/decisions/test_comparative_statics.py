"""Comparative statics of the default decision-makers, with paired seeds.

Each test runs two arms of a scenario on the same seeds; the engine's independent random
streams per mechanic and actor make the arms share their draws (common random numbers), so
only the change between arms separates them. Each asserts the predicted direction with an
exact one-sided sign test on the discordant pairs (p < 0.01), using the fewest seeds that
give the test its power. The scenarios are small invented crises built to have each
mechanism live (tests/decisions/scenarios).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from paired import discordant, sign_test

from brinkmanship import load_scenario, simulate
from brinkmanship.engine import Interventions
from brinkmanship.engine.run import Run
from brinkmanship.scenario.schema import Scenario

SCENARIOS = Path(__file__).parent / "scenarios"
ALPHA = 0.01


def _strait_without_trade() -> Scenario:
    """The strait crisis with South's public trade withdrawn: no quick deal on the table."""
    sc = load_scenario(SCENARIOS / "strait.yaml")
    return sc.model_copy(update={"messages": [m for m in sc.messages if m.id != "south_trade"]})


def _hours_to_settle(run: Run, sc: Scenario) -> float:
    """Hours from the start to the settlement; the horizon for a run that does not settle."""
    out = run.outcome
    end = (datetime.fromisoformat(out.at.replace("Z", "+00:00")) if out.kind == "settlement"
           else sc.scenario.end)
    return (end - sc.scenario.start).total_seconds() / 3600


def test_more_influence_for_hawks_gives_more_strikes() -> None:
    """A leader who alone would not strike hears a hawk and a dove at three meetings;
    raising the hawk's influence (0.5 -> 3) must make strikes more frequent."""
    sc = load_scenario(SCENARIOS / "council.yaml")
    hawkish = sc.model_copy(update={"actors": [
        a.model_copy(update={"influence": 3.0}) if a.id == "admiral" else a for a in sc.actors]})
    seeds = range(40)

    def struck(s: Scenario, seed: int) -> float:
        return float(any(e["kind"] == "action_start" and e["action"] == "strike_site"
                         for e in simulate(s, {}, seed).events))

    more, less = discordant([struck(sc, i) for i in seeds], [struck(hawkish, i) for i in seeds])
    assert sign_test(more, less) < ALPHA, (more, less)


def test_no_back_channel_gives_fewer_private_deals_and_later_settlements() -> None:
    """Closing the envoy's back channel (where North can promise, off the record, to remove
    its base) must make settlements with private terms rarer and settlements later."""
    sc = _strait_without_trade()
    closed = Interventions(closed_channels=frozenset({"back_channel"}))
    # About a fifth of the pairs differ in when they settle, four in five of them later
    # without the channel: 200 seeds give the timing its power at p < 0.01 (100 do not).
    seeds = range(200)
    open_runs = [simulate(sc, {}, i) for i in seeds]
    shut_runs = [simulate(sc, {}, i, closed) for i in seeds]
    private_open = [float(bool(r.outcome.private_terms)) for r in open_runs]
    private_shut = [float(bool(r.outcome.private_terms)) for r in shut_runs]
    fewer, more = discordant(private_shut, private_open)
    assert sign_test(fewer, more) < ALPHA, (fewer, more)
    later, sooner = discordant([_hours_to_settle(r, sc) for r in open_runs],
                               [_hours_to_settle(r, sc) for r in shut_runs])
    assert sign_test(later, sooner) < ALPHA, (later, sooner)


def test_a_trade_offered_privately_draws_no_public_rejection_from_the_ally() -> None:
    """South's offer touches Isle's interests (North's base on Isle). Broadcast, it sets off
    Isle's public rejection; sent over the private hotline instead, it never does, though
    South still makes it about as often."""
    public = load_scenario(SCENARIOS / "strait.yaml")
    private = public.model_copy(update={"messages": [
        m.model_copy(update={"channel": "hotline"}) if m.id == "south_trade" else m
        for m in public.messages]})
    seeds = range(40)

    def rejected_by_the_offer(run: Run) -> float:
        delivered = {e["seq"] for e in run.events
                     if e["kind"] == "deliver" and e.get("draft") == "south_trade"}
        return float(any(e["kind"] == "reaction" and e.get("cause") in delivered
                         for e in run.events))

    def offered(run: Run) -> bool:
        return any(e["kind"] == "send" and e.get("draft") == "south_trade" for e in run.events)

    pub = [simulate(public, {}, i) for i in seeds]
    priv = [simulate(private, {}, i) for i in seeds]
    assert sum(map(offered, priv)) >= 0.75 * sum(map(offered, pub)) > 0
    assert sum(rejected_by_the_offer(r) for r in priv) == 0
    more, less = discordant([rejected_by_the_offer(r) for r in priv],
                            [rejected_by_the_offer(r) for r in pub])
    assert sign_test(more, less) < ALPHA, (more, less)


def test_a_higher_hazard_of_fire_on_patrols_raises_the_probability_of_war() -> None:
    """The shore batteries' fire on patrols sets off a pre-delegated reprisal (a war rung)
    that North may hold, though a hold fails three times in ten. With no quick deal on the
    table, raising the hazard of that fire (0.02 -> 0.3 an hour) must make war likelier."""
    sc = _strait_without_trade()
    hot = sc.model_copy(update={"incidents": [
        i.model_copy(update={"hazard_per_hour": 0.3}) for i in sc.incidents]})
    seeds = range(60)
    war = [float(simulate(sc, {}, i).outcome.kind == "war") for i in seeds]
    war_hot = [float(simulate(hot, {}, i).outcome.kind == "war") for i in seeds]
    more, less = discordant(war, war_hot)
    assert sign_test(more, less) < ALPHA, (more, less)
