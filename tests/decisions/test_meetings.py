"""Governmental politics at the table: a meeting's decision is made with the leader's and
the advisers' weights combined by influence, and persuasion moves the leader afterwards.

The combined weights are worked out here from the scenario alone (the leader's weights,
its ``self_influence`` and ``persuasion``, each adviser's influence and weights), and each
traced option's expected utility is recomputed from its utility terms.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from brinkmanship import load_scenario, simulate
from brinkmanship.engine.run import Run
from brinkmanship.scenario.schema import UTILITY_TERMS, DecisionModel, Scenario

COUNCIL = Path(__file__).parent / "scenarios" / "council.yaml"
ROUNDING = 0.01
"""Traces round utility terms and expected utilities to 0.001 and drop terms under 0.0005:
seven terms at weights up to 1.5 put a recomputed value at most about 0.006 off."""

Weights = dict[str, float]


def _weights(given: dict[str, float]) -> Weights:
    return {term: float(given.get(term, 1.0)) for term in UTILITY_TERMS}


def _combined(sc: Scenario, own: Weights, attendees: list[str]) -> Weights:
    """The documented rule: the influence-weighted mean of the leader's weights (counting
    ``self_influence``) and those of the advisers present."""
    dm = next(d for d in sc.decision_models if d.actor == "premier")
    voices = [(a.influence, _weights(a.weights)) for a in sc.actors if a.id in attendees]
    total = dm.self_influence + sum(i for i, _ in voices)
    return {t: (dm.self_influence * own[t] + sum(i * w[t] for i, w in voices)) / total
            for t in UTILITY_TERMS}


def _persuaded(sc: Scenario, own: Weights, attendees: list[str]) -> Weights:
    """The documented rule: the leader's weights move a ``persuasion`` share of the way to
    the advisers' influence-weighted view (kept to four decimals, as traces show them)."""
    dm = next(d for d in sc.decision_models if d.actor == "premier")
    voices = [(a.influence, _weights(a.weights)) for a in sc.actors if a.id in attendees]
    total = sum(i for i, _ in voices)
    view = {t: sum(i * w[t] for i, w in voices) / total for t in UTILITY_TERMS}
    return {t: round(own[t] + dm.persuasion * (view[t] - own[t]), 4) for t in UTILITY_TERMS}


def _premier(run: Run) -> list[dict]:  # type: ignore[type-arg]
    return [e for e in run.events if e["kind"] == "decision" and e["actor"] == "premier"
            and "options" in e.get("trace", {})]


def _eu(weights: Weights, terms: dict[str, float]) -> float:
    return sum(weights[t] * v for t, v in terms.items())


def _council(self_influence: float) -> Scenario:
    sc = load_scenario(COUNCIL)
    dms = [d.model_copy(update={"self_influence": self_influence}) for d in sc.decision_models]
    return sc.model_copy(update={"decision_models": dms})


@pytest.mark.parametrize(("seed", "self_influence"), [(0, 1.0), (1, 1.0), (0, 0.5)])
def test_a_meetings_choice_is_scored_with_the_combined_weights(seed: int,
                                                               self_influence: float) -> None:
    sc = _council(self_influence)
    attendees = {m.id: list(m.attendees) for m in sc.meetings}
    own = _weights(next(d for d in sc.decision_models if d.actor == "premier").weights)
    meetings = 0
    for ev in _premier(simulate(sc, {}, seed)):
        trace = ev["trace"]
        meeting = trace["meeting"]
        used = _combined(sc, own, attendees[meeting]) if meeting else own
        assert trace["weights"] == pytest.approx(used, abs=1e-4), (ev["t"], meeting)
        for row in trace["options"]:
            assert row["eu"] == pytest.approx(_eu(used, row["terms"]), abs=ROUNDING)
        if meeting:
            meetings += 1
            # The check has teeth: the leader's own weights would score some option
            # differently by far more than the rounding.
            assert max(abs(_eu(own, r["terms"]) - _eu(used, r["terms"]))
                       for r in trace["options"]) > 20 * ROUNDING
            own = _persuaded(sc, own, attendees[meeting])
    assert meetings >= 2


def _hawks_table(attendees: list[str]) -> Scenario:
    """The council with only the admiral (a hawk) at the table, no persuasion, no inertia
    and a sharp choice: whatever the meetings do, they do at their decision only."""
    sc = load_scenario(COUNCIL)
    meetings = [m.model_copy(update={"attendees": attendees}) for m in sc.meetings]
    dm = DecisionModel(actor="premier", rationality=50, self_influence=0.5, persuasion=0.0,
                       assumption="test value")
    return sc.model_copy(update={"meetings": meetings, "decision_models": [dm]})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_leader_alone_waits_and_its_hawkish_table_strikes(seed: int) -> None:
    """Alone, the premier values the stand-off above a strike (its utilities); with the
    admiral's weights mixed in, the strike comes first. So the first meeting's end strikes,
    and without the admiral the premier never does."""
    alone = _premier(simulate(_hawks_table([]), {}, seed))
    assert alone and not any(ev["choices"] for ev in alone)
    assert all(r["eu"] < next(w["eu"] for w in ev["trace"]["options"] if w["option"] ==
                              "wait")
               for ev in alone for r in ev["trace"]["options"] if r["option"] != "wait")
    run = simulate(_hawks_table(["admiral"]), {}, seed)
    decided = [ev for ev in _premier(run) if ev["choices"]]
    assert decided[0]["choices"] == ["act:strike_site"]
    assert decided[0]["trace"]["meeting"] == "cabinet_1"
    assert run.outcome.kind == "war"
