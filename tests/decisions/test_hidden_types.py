"""Hidden types: the default decision-makers reproduce two textbook games of incomplete
information, with the regions of parameter space where the uninformed side's best choice
changes probed on both sides of each threshold.

Both games (``typed_games.py``): a challenger gains 1 by a territory and loses ``c`` by a
war; the defender loses 1 by conceding; it is *resolute* (war worth -0.5 > -1: it fights
if challenged) with prior ``p``, else *irresolute* (war -2 < -1: it concedes).
"""

from __future__ import annotations

import pytest
from typed_games import deterrence_game

from brinkmanship import simulate
from brinkmanship.engine.world import Event
from brinkmanship.policies.base import Decision, Observation
from brinkmanship.scenario.schema import Scenario


def _type(events: list[Event]) -> str:
    return next(e["type"] for e in events if e["kind"] == "type")


def _demanded(events: list[Event]) -> bool:
    return any(e["kind"] == "send" and e["draft"] == "demand" for e in events)


def _mobilised(events: list[Event]) -> bool:
    return any(e["kind"] == "action_start" and e["action"] == "mobilise" for e in events)


# Screening: p* = 1 / (1 + c); probed either side of it for two war costs.
SCREENING = [(2.0, 0.2, True), (2.0, 0.3, True), (2.0, 0.37, False), (2.0, 0.6, False),
             (4.0, 0.15, True), (4.0, 0.25, False)]


@pytest.mark.parametrize(("war_cost", "prior", "challenges"), SCREENING)
def test_deterrence_under_incomplete_information_challenge_below_the_prior_threshold(
        war_cost: float, prior: float, challenges: bool) -> None:
    """One-shot deterrence (crisis bargaining) game with a defender of unknown resolve
    (Morrow 1994, Game Theory for Political Scientists, ch. 8, the deterrence game with
    incomplete information; Fearon 1995, International Organization 49: 379-414; Zagare
    and Kilgour 2000, Perfect Deterrence, ch. 5). The resolute defender fights and the
    irresolute concedes, so a demand is worth p (-c) + (1 - p) 1 to the challenger against
    0 for the status quo: it challenges iff p < p* = 1 / (1 + c) (1/3 at c = 2, 1/5 at
    c = 4). Challenged, each type plays its dominant answer: the resolute defender fights
    (war, payoffs -c and -0.5), the irresolute concedes (1 and -1)."""
    sc = deterrence_game(prior, war_cost=war_cost)
    for seed in range(3):
        run = simulate(sc, None, seed)
        assert _demanded(run.events) is challenges
        if not challenges:
            assert run.outcome.kind == "unresolved"
        elif _type(run.events) == "resolute":
            assert run.outcome.kind == "war"
            assert run.outcome.payoffs == {"challenger": -war_cost, "defender": -0.5}
        else:
            assert run.outcome.kind == "settlement"
            assert run.outcome.payoffs == {"challenger": 1.0, "defender": -1.0}


def test_the_challenger_weighs_each_type_s_pictured_answer_by_its_belief() -> None:
    """The demand's expected utility is the belief-weighted mixture of its values against
    each type, each with its own pictured answer: 0.3 (-2) + 0.7 (1) = 0.1."""
    run = simulate(deterrence_game(0.3), None, 0)
    decision = next(e for e in run.events if e["kind"] == "decision" and
                    e["actor"] == "challenger")
    demand = next(o for o in decision["trace"]["options"] if o["option"] == "send:demand")
    assert demand["eu"] == pytest.approx(0.1, abs=1e-9)
    replies = {t["type"]: t["reply"]["option"] for t in demand["by_type"]}
    assert replies["resolute"] in ("act:resist", "reject:demand@note", "wait")
    assert replies["irresolute"] == "accept:demand@note"
    assert {t["type"]: t["belief"] for t in demand["by_type"]} == {"resolute": 0.3,
                                                                 "irresolute": 0.7}


# Signalling: the resolute defender's cost of mobilising c_R, the irresolute's c_I; the
# resolute gains 0.5 by deterring a challenge (it would fight: -0.5), the irresolute 1.
SEPARATING = (0.3, 1.5)
NO_SIGNAL = (0.7, 1.5)


@pytest.mark.parametrize("seed", range(4))
def test_costly_signal_separating_equilibrium(seed: int) -> None:
    """Costly signalling by sinking costs (Fearon 1997, Journal of Conflict Resolution 41:
    68-90; Spence 1973, QJE 87: 355-374; Banks 1991, Signaling Games in Political Science).
    With c_R < 0.5 < 1 < c_I the separating perfect Bayesian equilibrium: the resolute
    defender mobilises, the irresolute does not (it would pay more than deterrence is worth
    to it); the challenger's posterior is 1 after a mobilisation, so it does not challenge,
    and 0 after none, so it challenges (its best choice flips on the signal). Here p = 0.2,
    below p* = 1/3: without the signal the challenger would challenge either type."""
    run = simulate(deterrence_game(0.2, signal_costs=SEPARATING, rationality=100), None, seed)
    resolute = _type(run.events) == "resolute"
    assert _mobilised(run.events) is resolute
    assert _demanded(run.events) is not resolute
    if resolute:
        assert run.outcome.kind == "unresolved"
        assert run.outcome.payoffs == {"challenger": 0.0, "defender": -0.3}
        read = next(e for e in run.events if e["kind"] == "decision" and
                    e["actor"] == "challenger")["trace"]["types"]["read"][0]
        assert read["deed"] == "act:mobilise" and read["after"]["resolute"] > 0.999
    else:
        assert run.outcome.kind == "settlement"


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("prior", "challenges"), [(0.2, True), (0.5, False)])
def test_costly_signal_too_dear_for_both_types_pooling_on_the_prior(
        seed: int, prior: float, challenges: bool) -> None:
    """Same game with c_R > 0.5 (and c_I > 1): no type gains enough by deterring a challenge
    to pay for the signal, so neither mobilises (the pooling equilibrium), the challenger
    learns nothing and plays the screening game at the prior: it challenges iff
    p < p* = 1/3."""
    sc = deterrence_game(prior, signal_costs=NO_SIGNAL, rationality=100)
    run = simulate(sc, None, seed)
    assert not _mobilised(run.events)
    assert _demanded(run.events) is challenges


@pytest.mark.parametrize("seed", range(3))
def test_a_strong_reputation_needs_no_signal(seed: int) -> None:
    """With p = 0.5 above p* = 1/3 and the separating costs, the prior alone deters: no
    type pays for a signal it does not need and nobody challenges (the pooling equilibrium
    on no mobilisation; the challenger's best choice flips with the prior)."""
    run = simulate(deterrence_game(0.5, signal_costs=SEPARATING, rationality=100), None, seed)
    assert not _mobilised(run.events)
    assert not _demanded(run.events)
    assert run.outcome.kind == "unresolved"


class _Spy:
    """Records what each observation told its actor."""

    name = "spy"

    def __init__(self) -> None:
        self.seen: list[Observation] = []

    def bind(self, scenario: Scenario, actor: str) -> None:
        pass

    def decide(self, obs: Observation, rng: object) -> Decision:
        self.seen.append(obs)
        return Decision()


@pytest.mark.parametrize("seed", range(6))
def test_only_the_typed_side_observes_its_type(seed: int) -> None:
    """The log records the draw as ground truth; the defender's observations carry it, the
    challenger's never do (no field, no flag, no text)."""
    sc = deterrence_game(0.4)
    challenger, defender = _Spy(), _Spy()
    run = simulate(sc, {"challenger": challenger, "defender": defender}, seed)
    truth = _type(run.events)
    assert defender.seen and all(o.side_type == truth for o in defender.seen)
    assert all(f"type:status_quo:{truth}" in o.flags for o in defender.seen)
    assert challenger.seen
    for obs in challenger.seen:
        assert obs.side_type is None
        assert not any(f.startswith("type:") for f in obs.flags)
        assert "resolute" not in repr(obs)


def test_the_draw_follows_the_prior_and_the_seed() -> None:
    """The type comes from the run's seeded stream: the same seed the same type; over many
    seeds, about the prior's share."""
    sc = deterrence_game(0.3)
    from brinkmanship.engine.game import Game

    def drawn(seed: int) -> str:
        return _type(Game(sc, {}, (), seed)._sim.events)

    assert [drawn(s) for s in range(10)] == [drawn(s) for s in range(10)]
    share = sum(drawn(s) == "resolute" for s in range(400)) / 400
    assert 0.24 < share < 0.36


def test_explain_tells_the_reading_and_each_type_s_answer() -> None:
    """`brink explain` shows the Bayes update on the deed, each type's pictured answer, the
    sender's own type and how it pictures its deed read."""
    from brinkmanship.explain import explanations, render

    sc = deterrence_game(0.2, signal_costs=SEPARATING, rationality=100)
    seed = next(s for s in range(20) if _type(simulate(sc, None, s).events) == "resolute")
    text = "\n".join(render(sc, explanations(sc, simulate(sc, None, seed).events)))
    assert "its own side's type: resolute" in text
    assert "read by the other as: resolute 1.00, irresolute 0.00" in text
    assert "read act:mobilise by status_quo" in text
    assert "against each type: resolute (belief 1.00) answers act:resist" in text


@pytest.mark.parametrize("seed", range(4))
def test_a_seat_is_shown_its_own_type_and_only_the_priors_of_the_others(seed: int) -> None:
    from brinkmanship import new_game
    from brinkmanship.engine.index import Index
    from brinkmanship.seat import turn_view

    sc = deterrence_game(0.4)
    for seat in ("challenger", "defender"):
        game = new_game(sc, seats=[seat], seed=seed)
        turn = game.advance()
        assert turn is not None
        view = turn_view(Index(sc), turn)
        truth = _type(game.events)
        if seat == "defender":
            assert view.side_type is not None and view.side_type.id == truth
            assert view.type_priors == []
        else:
            assert view.side_type is None
            assert [(p.type.id, p.prior) for p in view.type_priors] == [
                ("resolute", 0.4), ("irresolute", 0.6)]
            assert f"type:status_quo:{truth}" not in view.model_dump_json()
