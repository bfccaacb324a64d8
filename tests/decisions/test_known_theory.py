"""The default decision-makers reproduce games solved in closed form in the literature.

With very high rationality the logit choice is the expected-utility maximum and the
in-his-shoes look-ahead is backward induction, so on these small games the decision-makers
must play the subgame-perfect equilibrium (SPE) that each cited source derives.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bargaining import alternating_offers, stahl_share

from brinkmanship import load_scenario, simulate
from brinkmanship.engine.world import Event
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


@pytest.mark.parametrize(("rounds", "delta"), [(2, 0.5), (3, 0.6), (4, 0.5), (5, 0.7)])
def test_alternating_offers_first_proposer_gets_the_stahl_share_at_once(rounds: int,
                                                                       delta: float) -> None:
    """Alternating offers with common discount factor delta per round and a last round T
    (Stahl 1972, Bargaining Theory; Rubinstein 1982, Econometrica 50: 97-109, the limit
    T -> infinity; Osborne and Rubinstein 1990, Bargaining and Markets, ch. 3). SPE: the
    first proposer asks for (1 - (-delta)^T) / (1 + delta) and the responder accepts at
    once. Shares come on a grid of step g = 1/40; backward induction on the grid can differ
    from the continuous solution by at most g per round, discounted: g / (1 - delta)."""
    steps = 40
    sc = alternating_offers(rounds, delta, steps)
    run = simulate(sc, _lenses(sc), 0)
    out = run.outcome
    assert out.kind == "settlement"
    assert len(_sent(run.events)) == 1  # one offer, accepted: no delay
    assert out.at == "2000-01-01T02:00:00Z"  # the first offer's acceptance, on arrival
    share = int(out.private_terms["pie"][1:]) / steps
    assert abs(share - stahl_share(rounds, delta)) <= (1 / steps) / (1 - delta) + 1e-9


@pytest.mark.parametrize(("defender_war", "challenged"), [(-0.5, False), (-2.0, True)])
def test_deterrence_game_challenge_only_against_an_incredible_threat(
        defender_war: float, challenged: bool) -> None:
    """Sequential deterrence game (Selten 1978, Theory and Decision 9: 127-159, the entry
    stage of the chain-store game; Zagare and Kilgour 2000, Perfect Deterrence, ch. 3).
    Backward induction: challenged, the defender fights iff war is better for it than
    conceding (-1); so the challenger, who loses by a war (-2) and gains 1 by a concession,
    challenges iff the threat is not credible. Credible: status quo, no demand. Not
    credible: demand, concession, no war."""
    sc = load_scenario(SCENARIOS / "deterrence.yaml")
    utilities = [u.model_copy(update={"war": {"war": defender_war}})
                 if u.actor == "defender" else u for u in sc.utilities]
    sc = sc.model_copy(update={"utilities": utilities})
    for seed in range(3):
        run = simulate(sc, _lenses(sc), seed)
        assert (_sent(run.events) == ["demand"]) is challenged
        if challenged:
            assert run.outcome.kind == "settlement"
            assert run.outcome.private_terms == {"territory": "challenger"}
        else:
            assert run.outcome.kind == "unresolved"
