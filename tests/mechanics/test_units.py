"""The mechanics' functions one at a time, at their edges: each kind of distortion and the
draws behind it, each clause of a condition, each factor of a hazard, each part of a
payoff, the path of causes, and the rounding the log relies on."""

from __future__ import annotations

import math

import numpy as np
import pytest
from mechanics_kit import build, wilson

from brinkmanship.engine.index import Index
from brinkmanship.engine.world import World
from brinkmanship.mechanics.channels import Reading, distort
from brinkmanship.mechanics.conditions import holds
from brinkmanship.mechanics.incidents import hazard_per_hour
from brinkmanship.mechanics.outcome import causal_path, payoffs
from brinkmanship.mechanics.perception import shifted
from brinkmanship.scenario.schema import Channel, Condition

Z = 3.2905267314919255  # two-sided 99.9%

# -- channels (M2) ---------------------------------------------------------------------

THREATS = {"resolve": 1.0, "control": -0.5, "imminence": 0.8}
"""Signals that threaten: resolve and imminence up, control down."""
CALM = {"resolve": -1.0, "control": 0.5, "imminence": -0.8}
TERMS = {"port": "shared", "fish": "open", "flag": "raised"}


def _channel(kinds: list[str], probability: float = 1.0, strength: float = 1.0) -> Channel:
    return Channel.model_validate({
        "id": "line", "name": "Line", "members": ["blue_lead", "red_lead"],
        "visibility": "private", "authority": "official",
        "latency": {"median_hours": 1, "assumption": "test value"},
        "fidelity": {"distortion_probability": probability, "kinds": kinds,
                     "strength": strength, "extra_delay_hours": 2.5,
                     "assumption": "test value"}})


@pytest.mark.parametrize(("kind", "factor"), [("harden", 3.0), ("soften", 1 / 3)])
def test_harden_and_soften_scale_threats_one_way_and_reassurance_the_other(
        kind: str, factor: float) -> None:
    """``strength`` 2: harden multiplies threatening signals by 3 and divides reassuring
    ones by 3; soften the reverse. Terms pass untouched."""
    ch = _channel([kind], strength=2.0)
    for signals in (THREATS, CALM):
        got = distort(ch, TERMS, signals, np.random.default_rng(0))
        scale = factor if signals is THREATS else 1 / factor
        assert got == Reading(TERMS, {v: s * scale for v, s in signals.items()}, kind)


def test_a_delay_adds_its_hours_and_changes_nothing_else() -> None:
    got = distort(_channel(["delay"]), TERMS, THREATS, np.random.default_rng(0))
    assert got == Reading(TERMS, THREATS, "delay", int(2.5 * 3600))


def test_a_dropped_term_is_one_of_the_terms_each_as_often() -> None:
    ch = _channel(["drop_term"])
    rng = np.random.default_rng(1)
    lost = []
    for _ in range(900):
        got = distort(ch, TERMS, THREATS, rng)
        assert got.distortion == "drop_term" and got.signals == THREATS
        assert len(got.terms) == 2 and got.terms.items() < TERMS.items()
        lost.append(next(iter(set(TERMS) - set(got.terms))))
    for term in TERMS:
        low, high = wilson(lost.count(term), len(lost), Z)
        assert low <= 1 / 3 <= high, (term, lost.count(term))


def test_nothing_to_drop_leaves_the_message_whole() -> None:
    got = distort(_channel(["drop_term"]), {}, THREATS, np.random.default_rng(0))
    assert got == Reading({}, THREATS)


def test_each_kind_listed_is_drawn_as_often() -> None:
    ch = _channel(["harden", "soften", "delay"])
    rng = np.random.default_rng(2)
    kinds = [distort(ch, TERMS, THREATS, rng).distortion for _ in range(900)]
    for kind in ("harden", "soften", "delay"):
        low, high = wilson(kinds.count(kind), len(kinds), Z)
        assert low <= 1 / 3 <= high, (kind, kinds.count(kind))


@pytest.mark.parametrize("probability", [0.0, 0.3])
def test_a_message_is_distorted_with_the_channels_probability(probability: float) -> None:
    ch = _channel(["harden"], probability)
    rng = np.random.default_rng(3)
    hits = sum(distort(ch, TERMS, THREATS, rng).distortion is not None for _ in range(1000))
    low, high = wilson(hits, 1000, Z)
    assert low <= probability <= high and (probability or hits == 0)


@pytest.mark.parametrize("kinds", [["harden"], ["drop_term"], ["delay"]])
def test_a_distortion_always_takes_three_draws(kinds: list[str]) -> None:
    """Whatever happens, three uniforms are drawn: the stream stays aligned."""
    for probability in (0.0, 1.0):
        rng, twin = np.random.default_rng(4), np.random.default_rng(4)
        distort(_channel(kinds, probability), TERMS, THREATS, rng)
        twin.random(3)
        assert rng.random() == twin.random()


# -- conditions (M6, M10) --------------------------------------------------------------

def _world(**changes: object) -> World:
    world = World.initial(Index(build()))
    for name, value in changes.items():
        setattr(world, name, value)
    return world


def _cond(**parts: object) -> Condition:
    return Condition.model_validate(parts)


@pytest.mark.parametrize(("cond", "world", "ok"), [
    ({}, {}, True),
    ({"flags": ["a"]}, {"flags": {"a", "b"}}, True),
    ({"flags": ["a"]}, {"flags": {"b"}}, False),
    ({"not_flags": ["a"]}, {"flags": {"b"}}, True),
    ({"not_flags": ["a"]}, {"flags": {"a"}}, False),
    ({"postures": {"red_guns": ["alert", "ready"]}}, {}, True),  # initially on alert
    ({"postures": {"red_guns": ["ready"]}}, {}, False),
    ({"min_rung": "shots"}, {"level": 1}, True),
    ({"min_rung": "shots"}, {"level": 0}, False),
    ({"max_rung": "shots"}, {"level": 1}, True),
    ({"max_rung": "shots"}, {"level": 2}, False),
    ({"after": "1962-10-27T05:00:00Z"}, {"t": 5 * 3600}, True),
    ({"after": "1962-10-27T05:00:00Z"}, {"t": 5 * 3600 - 1}, False),
    ({"before": "1962-10-27T05:00:00Z"}, {"t": 5 * 3600}, True),
    ({"before": "1962-10-27T05:00:00Z"}, {"t": 5 * 3600 + 1}, False),
])
def test_each_clause_of_a_condition_at_its_edge(cond: dict, world: dict,  # type: ignore[type-arg]
                                                ok: bool) -> None:
    assert holds(_cond(**cond), _world(**world)) is ok


# -- incidents (M6) --------------------------------------------------------------------

HAZARD = """
standing_orders:
  - {id: fire_at_will, name: Fire, holder: red_cmd, issued_by: red_lead,
     change_delay: {median_hours: 2, assumption: test value}, assumption: test value}
incidents:
  - {id: shots, name: Shots, force: red_guns, under_order: fire_at_will, hazard_per_hour: 0.5,
     max_occurrences: 2, posture_multipliers: {red_guns: {ready: 3.0}, blue_fleet: {}},
     requires: {not_flags: [truce]}, assumption: test value}
"""


@pytest.mark.parametrize(("changes", "rate"), [
    ({}, 0.5),                                                   # on alert: not multiplied
    ({"postures": {"red_guns": "ready", "blue_fleet": "patrol"}}, 1.5),
    ({"incident_counts": {"shots": 1}}, 0.5),
    ({"incident_counts": {"shots": 2}}, 0.0),                    # as often as it may be
    ({"orders": {"fire_at_will": False}}, 0.0),
    ({"flags": {"settled"}}, 0.0),
    ({"flags": {"truce"}}, 0.0),                                 # its requirement fails
])
def test_an_incidents_hazard_and_what_stops_it(changes: dict,  # type: ignore[type-arg]
                                               rate: float) -> None:
    sc = build(HAZARD)
    world = World.initial(Index(sc))
    world.orders["fire_at_will"] = True
    for name, value in changes.items():
        getattr(world, name).update(value)
    assert hazard_per_hour(sc.incidents[0], world) == pytest.approx(rate)


# -- outcomes (M11) --------------------------------------------------------------------

GULL_VALUES = """
utilities:
  - {actor: blue_lead, settlement: 10, unresolved: -5, audience_cost: 4,
     terms: {port: {contested: -5, blue: 10, shared: 4}, fish: {closed: 0, open: -3}},
     war: {strike: -40, general: -100}, assumption: test value}
  - {actor: gull_chief, settlement: 1, unresolved: -1, terms: {port: {blue: 2}},
     war: {strike: -7}, assumption: test value}
"""


def test_a_settlement_pays_the_status_quo_on_issues_it_leaves_out() -> None:
    ix = Index(build(GULL_VALUES))
    pay = payoffs(ix, "settlement", {"fish": "open"}, None, {}, {})
    # Blue: settling 10, the port still contested -5, fish open -3. Gull values neither
    # the contested port nor fish: only settling.
    assert pay == {"blue_lead": 2.0, "gull_chief": 1.0}
    pay = payoffs(ix, "settlement", {"port": "blue"}, None, {"blue_lead": {"port": "shared"}},
                  {"blue_lead": 1 / 3})
    # Blue proposed a shared port in public and agreed another: one walk-back (4).
    assert pay == {"blue_lead": round(10 + 10 + 0 - 4 - 1 / 3, 6), "gull_chief": 3.0}


def test_war_pays_by_the_highest_rung_and_an_unresolved_crisis_by_none() -> None:
    ix = Index(build(GULL_VALUES))
    assert payoffs(ix, "war", {}, "general", {}, {}) == {"blue_lead": -100.0,
                                                          "gull_chief": -7.0}
    assert payoffs(ix, "unresolved", {}, "general", {}, {"gull_chief": 0.5}) == {
        "blue_lead": -5.0, "gull_chief": -1.5}


def test_the_causal_path_follows_causes_to_the_root_and_stops_where_they_end() -> None:
    events = [{"seq": 1, "cause": None}, {"seq": 2, "cause": 1}, {"seq": 4, "cause": 3}]
    assert causal_path(events, 2) == events[:2]
    assert causal_path(events, 4) == events[2:], "its cause is not in the log"
    assert causal_path(events, 9) == []


# -- perception (M8) -------------------------------------------------------------------

@pytest.mark.parametrize("belief", [0.0, 1.0])
def test_a_certain_belief_can_still_be_moved_without_error(belief: float) -> None:
    for shift in (-2.0, 2.0):
        after = shifted(belief, shift, 1.0, 0.0, 0.0, "imminence")
        assert 0.0 <= after <= 1.0 and math.isfinite(after)


def test_a_belief_is_kept_to_six_decimals() -> None:
    logit = math.log(0.3 / 0.7) + 0.123456789
    assert shifted(0.3, 0.123456789, 1.0, 0.0, 0.0, "resolve") == \
        round(1 / (1 + math.exp(-logit)), 6)
