"""The default decision-makers reproduce games solved in closed form in the literature.

With very high rationality the logit choice is the expected-utility maximum and the
in-his-shoes look-ahead is backward induction, so on these small games the decision-makers
must play the subgame-perfect equilibrium (SPE) that each cited source derives.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bargaining import (
    MAX_DEPTH,
    alternating_offers,
    grid_share,
    rubinstein_share,
    stahl_band,
)

from brinkmanship import load_scenario, simulate
from brinkmanship.engine.world import Event
from brinkmanship.policies.base import Decision, Observation, Option
from brinkmanship.scenario.schema import Scenario

SCENARIOS = Path(__file__).parent / "scenarios"


def _lenses(sc: Scenario) -> dict[str, str]:
    return {x.leader: "lenses" for x in sc.sides}


def _sent(events: list[Event]) -> list[str]:
    return [e["draft"] for e in events if e["kind"] == "send" and e.get("draft")]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ultimatum_proposer_offers_the_smallest_positive_share(seed: int) -> None:
    """Ultimatum game (Guth, Schmittberger and Schwarze 1982, J. Econ. Behav. Organ. 3:
    367-388). SPE: the responder accepts any positive share, so the proposer offers the
    smallest positive one, here 1 of 5, and it is accepted."""
    sc = load_scenario(SCENARIOS / "ultimatum.yaml")
    run = simulate(sc, _lenses(sc), seed)
    assert _sent(run.events) == ["offer_1"]
    assert run.outcome.kind == "settlement"
    assert run.outcome.private_terms == {"pie": "r1"}


@pytest.mark.parametrize("share", [1, 3, 5])
def test_ultimatum_responder_accepts_any_positive_share(share: int) -> None:
    """Same game, the responder's half of the SPE: offered only ``share`` of 5 (> 0), it
    accepts rather than leave with nothing."""
    sc = load_scenario(SCENARIOS / "ultimatum.yaml")
    only = sc.model_copy(update={"messages": [m for m in sc.messages
                                              if m.id == f"offer_{share}"]})
    run = simulate(only, _lenses(only), 0)
    assert run.outcome.kind == "settlement"
    assert run.outcome.private_terms == {"pie": f"r{share}"}


GRID = 30
"""Shares come in thirtieths: fine enough for the band to exclude Rubinstein's share at 4
rounds and 0.5, coarse enough to keep a game to a second or two."""
QUICK = [(2, 0.5), (4, 0.5), (6, 0.9), (MAX_DEPTH + 1, 0.7)]
MORE = [(3, 0.6), (5, 0.7), *((rounds, 0.95) for rounds in range(3, MAX_DEPTH + 1)),
        *((MAX_DEPTH + 1, delta) for delta in (0.5, 0.6, 0.8, 0.9, 0.95))]
"""The longest game the look-ahead sees to its end at every discount, and the most patient
players at every length."""


@pytest.mark.parametrize(("rounds", "delta"), [
    *QUICK, *(pytest.param(*case, marks=pytest.mark.slow) for case in MORE)])
def test_alternating_offers_first_proposer_gets_the_stahl_share_at_once(rounds: int,
                                                                       delta: float) -> None:
    """Alternating offers with common discount factor delta per round and a last round T
    (Stahl 1972, Bargaining Theory; Rubinstein 1982, Econometrica 50: 97-109, the limit
    T -> infinity; Osborne and Rubinstein 1990, Bargaining and Markets, ch. 3). SPE: the
    first proposer asks for (1 - (-delta)^T) / (1 + delta) and the responder accepts at
    once. On the grid the SPE is found by backward induction (``grid_share``), and lies in
    a band around Stahl's share a grid step wide at most per round, alternating in sign
    (``stahl_band``). Up to ``MAX_DEPTH + 1`` rounds the look-ahead reaches the last
    round, an ultimatum, so the decision-makers must play that SPE exactly."""
    sc = alternating_offers(rounds, delta, GRID)
    run = simulate(sc, _lenses(sc), 0)
    out = run.outcome
    assert out.kind == "settlement"
    assert len(_sent(run.events)) == 1  # one offer, accepted: no delay
    assert out.at == "2000-01-01T02:00:00Z"  # the first offer's acceptance, on arrival
    share = int(out.private_terms["pie"][1:]) / GRID
    low, high = stahl_band(rounds, delta, GRID)
    assert low <= share <= high
    assert share == pytest.approx(grid_share(rounds, delta, GRID), abs=1e-9)


@pytest.mark.parametrize(("rounds", "delta"), [(2, 0.5), (4, 0.5), (5, 0.7), (6, 0.8),
                                               (6, 0.95), (7, 0.9)])
def test_the_band_tells_the_finite_horizon_from_the_infinite(rounds: int,
                                                            delta: float) -> None:
    """Rubinstein's infinite-horizon share 1 / (1 + delta) lies outside the band the test
    above accepts wherever it differs from Stahl's by more than the grid can blur (for
    4 rounds at 0.5: 0.667 against 0.625, the band reaching 0.646)."""
    low, high = stahl_band(rounds, delta, GRID)
    assert not low <= rubinstein_share(delta) <= high


@pytest.mark.parametrize("steps", [2, 5, 17, 30, 31])
def test_the_grid_equilibrium_lies_in_the_band(steps: int) -> None:
    """The band's derivation checked against backward induction on many grids."""
    for rounds in range(1, 15):
        for delta in (0.1, 0.3, 0.5, 0.55, 0.7, 0.8, 0.9, 0.95, 0.99):
            low, high = stahl_band(rounds, delta, steps)
            assert low - 1e-12 <= grid_share(rounds, delta, steps) <= high + 1e-12


def _deterrence(defender_war: float) -> Scenario:
    sc = load_scenario(SCENARIOS / "deterrence.yaml")
    utilities = [u.model_copy(update={"war": {"war": defender_war}})
                 if u.actor == "defender" else u for u in sc.utilities]
    return sc.model_copy(update={"utilities": utilities})


# The defender's threat is credible iff war is worth more to it than conceding (-1):
# probed far from that threshold and a tenth of a point either side of it.
THRESHOLD_PROBES = [(-0.5, False), (-0.9, False), (-1.1, True), (-2.0, True)]


@pytest.mark.parametrize(("defender_war", "challenged"), THRESHOLD_PROBES)
def test_deterrence_game_challenge_only_against_an_incredible_threat(
        defender_war: float, challenged: bool) -> None:
    """Sequential deterrence game (Selten 1978, Theory and Decision 9: 127-159, the entry
    stage of the chain-store game; Zagare and Kilgour 2000, Perfect Deterrence, ch. 3).
    Backward induction: challenged, the defender fights iff war is better for it than
    conceding (-1); so the challenger, who loses by a war (-2) and gains 1 by a concession,
    challenges iff the threat is not credible. Credible: status quo, no demand. Not
    credible: demand, concession, no war."""
    sc = _deterrence(defender_war)
    for seed in range(3):
        run = simulate(sc, _lenses(sc), seed)
        assert (_sent(run.events) == ["demand"]) is challenged
        if challenged:
            assert run.outcome.kind == "settlement"
            assert run.outcome.private_terms == {"territory": "challenger"}
        else:
            assert run.outcome.kind == "unresolved"


class _Demands:
    """A challenger that makes the demand at once, whatever it is worth."""

    name = "demands"

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.demand = Option("send", "demand")

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        return Decision([self.demand] if self.demand in obs.options else [])


@pytest.mark.parametrize(("defender_war", "challenged"), THRESHOLD_PROBES)
def test_deterrence_game_a_challenged_defender_fights_iff_war_beats_conceding(
        defender_war: float, challenged: bool) -> None:
    """The subgame off the equilibrium path when the threat is credible: the defender,
    challenged regardless, fights (war by its own resistance) iff war is worth more to it
    than conceding, and concedes otherwise."""
    sc = _deterrence(defender_war)
    fights = not challenged
    for seed in range(3):
        run = simulate(sc, {"challenger": _Demands(), "defender": "lenses"}, seed)
        if fights:
            assert run.outcome.kind == "war"
            assert run.outcome.war is not None and run.outcome.war["started_by"] == "defender"
        else:
            assert run.outcome.kind == "settlement"
            assert run.outcome.private_terms == {"territory": "challenger"}
