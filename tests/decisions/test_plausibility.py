"""The record judged by the default decision-makers (``brink plausibility``)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brinkmanship import load_scenario
from brinkmanship.cli import app
from brinkmanship.plausibility import own_choices, score_record
from brinkmanship.scenario.schema import Answer, History, RecordedOutcome, RecordEntry, Scenario

SCENARIOS = Path(__file__).parent / "scenarios"


def _ultimatum_with_record(share: int) -> Scenario:
    """The ultimatum game with a record: the proposer offers ``share`` of 5, the responder
    accepts it an hour later."""
    sc = load_scenario(SCENARIOS / "ultimatum.yaml")
    start = sc.scenario.start
    record = [
        RecordEntry(at=start, actor="proposer", send=f"offer_{share}",
                    arrives=start + timedelta(minutes=30)),
        RecordEntry(at=start + timedelta(hours=1), actor="responder",
                    answer=Answer(offer=f"offer_{share}", mode="accept", channel="table")),
    ]
    outcome = RecordedOutcome(kind="settlement", private_terms={"pie": f"r{share}"})
    history = History(record=record, outcome=outcome)
    return sc.model_copy(update={"history": history, "decision_models": [
        dm.model_copy(update={"rationality": 50.0}) for dm in sc.decision_models]})


def test_the_equilibrium_record_is_likely_and_an_unequal_one_is_not() -> None:
    """Ultimatum game (Guth, Schmittberger and Schwarze 1982): the subgame-perfect proposer
    offers 1 of 5. Judged by near-rational decision-makers, a record of that offer is
    near-certain; a record of offering all 5 is near-impossible, while accepting it is
    near-certain (any positive share beats nothing)."""
    spe = score_record(_ultimatum_with_record(1))
    assert spe.run.outcome.private_terms == {"pie": "r1"}, "the record is replayed"
    assert [(j.actor, j.recorded) for j in spe.deeds] == [
        ("proposer", "send:offer_1"), ("responder", "accept:offer_1@table")]
    assert all(j.p > 0.99 and j.weighed for j in spe.deeds)
    generous = score_record(_ultimatum_with_record(5))
    offer, accept = generous.deeds
    assert offer.p < 0.01 and offer.likeliest == "send:offer_1"
    assert accept.p > 0.99


def test_cuba_record_is_judged_deed_by_deed() -> None:
    sc = load_scenario("cuba-1962")
    card = score_record(sc)
    assert sc.history is not None
    recorded = [e for e in sc.history.record if e.incident is None and
                not (e.answer and e.answer.mode == "ignore")]
    assert len(card.deeds) == len(recorded)
    assert [j.actor for j in card.deeds] == [e.actor for e in recorded]
    assert all(0.0 <= j.p <= 1.0 for j in card.judgements)
    assert all(j.p == 0.0 for j in card.deeds if not (j.weighed and j.thought))
    assert card.waits, "the record's actors are asked between their deeds too"
    moments = [(j.t, j.actor) for j in card.judgements]
    assert len(moments) == len(set(moments)), "one judgement per actor and instant"
    deeds_at = {(j.t, j.actor) for j in card.deeds}
    assert not any((w.t, w.actor) in deeds_at for w in card.waits)
    own = own_choices(sc, range(2))
    assert own and all(0.0 < p <= 1.0 for p in own)


def test_plausibility_command() -> None:
    out = CliRunner().invoke(app, ["plausibility", "--runs", "1", "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["scenario"] == "cuba-1962" and doc["replay"]["as_recorded"] is True
    deeds = doc["deeds"]
    assert deeds["count"] == len(deeds["judged"]) > 0
    assert deeds["zero"] == sum(1 for j in deeds["judged"] if j["p"] == 0)
    assert doc["own_choices"]["runs"] == 1 and doc["own_choices"]["count"] > 0
    assert doc["waits"]["count"] >= len(doc["waits"]["least_likely"])
    text = CliRunner().invoke(app, ["plausibility", "--runs", "1"])
    assert "Recorded deeds:" in text.output and "send:first_letter" in text.output


@pytest.mark.parametrize("name", ["tests/scenarios/minimal.yaml"])
def test_a_scenario_without_a_record_is_refused(name: str) -> None:
    out = CliRunner().invoke(app, ["plausibility", "-s", name])
    assert out.exit_code == 2 and "no history" in out.output
