"""Language-model seats in studies: paired arms of decision-makers, branches that ask the
server only where they depart from the stem, the metrics table, sweep budgets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from llm_helpers import accepting, settings

pytest.importorskip("duckdb")

from brinkmanship.analysis.api import policy_arms, run_arms  # noqa: E402
from brinkmanship.analysis.counterfactual import Counterfactual  # noqa: E402
from brinkmanship.analysis.study import BASELINE, Arm  # noqa: E402
from brinkmanship.llm.config import LLMBudget  # noqa: E402
from brinkmanship.llm.fake import FakeModelServer  # noqa: E402
from brinkmanship.scenario.schema import Scenario  # noqa: E402

SEAT = "azure_pm"
SEEDS = 4


def waiting(request: dict) -> str:
    return json.dumps({"reasoning": "Wait.", "choices": [], "wait_hours": 8})


def test_decision_makers_are_paired_arms_with_metrics(harbour: Scenario) -> None:
    with FakeModelServer(default=accepting) as srv:
        arms = policy_arms(["model:azure_pm=llm", "passive:azure_pm=passive"])
        res = run_arms(harbour, arms, SEEDS, llm=settings(srv))
        asked = srv.calls
    with res:
        table = res.metrics()
        rows = res.to_arrow().to_pylist()
    assert asked > 0
    names = [a["arm"] for a in table["arms"]]
    assert names == [BASELINE, "model", "passive"]
    model = table["arms"][1]
    assert model["policies"][SEAT] == "llm" and table["arms"][0]["policies"][SEAT] == "lenses"
    assert model["model_calls"]["mean"] == asked / SEEDS
    assert model["difference"]["paired_seeds"] == SEEDS
    assert {r["seed"] for r in rows if r["arm"] == "model"} == set(range(SEEDS))
    # The model accepts whatever offer comes: its runs that saw an offer settled.
    mine = [r for r in rows if r["arm"] == "model"]
    assert all(r["model_tokens"] > 0 for r in mine)
    assert all(json.loads(r["escalation"])[SEAT]["decisions"] >= 0 for r in mine
               if r["escalation"] and SEAT in json.loads(r["escalation"]))


def test_a_branch_asks_the_server_only_after_it_departs(harbour: Scenario,
                                                        tmp_path: Path) -> None:
    """The stem's answers are cached: a branch forced part-way through asks only for the
    turns after it departs, and a branch forced nowhere asks nothing at all."""
    cache = tmp_path / "answers.sqlite"
    with FakeModelServer(default=waiting) as srv:
        st = settings(srv, cache)
        run_arms(harbour, None, 1, policies={SEAT: "llm"}, llm=st).close()
        stem = srv.calls
        same = [Arm(BASELINE), Arm("again", Counterfactual.build(sets=[
            "scenario.war_window_hours=24"]))]
        run_arms(harbour, same, 1, policies={SEAT: "llm"}, llm=st).close()
        assert srv.calls == stem  # every request of both arms was the stem's
        late = [Arm(BASELINE), Arm("late", Counterfactual.build(
            force=["crimson_pm=send:share_offer,after=2000-03-01T06:00:00Z"]))]
        with run_arms(harbour, late, 1, policies={SEAT: "llm"}, llm=st) as res:
            rows = {r["arm"]: r for r in res.to_arrow().to_pylist()}
        branch = srv.calls - stem
    assert stem > 0
    assert rows["late"]["n_forced"] == 1
    assert 0 < branch < rows["late"]["model_calls"]


def test_a_sweep_budget_stops_fetching_and_records_fallbacks(harbour: Scenario,
                                                             tmp_path: Path) -> None:
    with FakeModelServer(default=waiting) as srv:
        st = settings(srv, budget=LLMBudget(sweep_tokens=1)).model_copy(
            update={"sweep": "test-sweep", "ledger": str(tmp_path / "ledger.sqlite")})
        with run_arms(harbour, None, 3, policies={SEAT: "llm"}, llm=st) as res:
            rows = res.to_arrow().to_pylist()
        asked = srv.calls
    assert asked == 1  # the first answer spent the budget; nothing more was fetched
    assert sum(r["model_fallbacks"] for r in rows) > 0
    assert all(r["outcome"] in ("settlement", "war", "unresolved") for r in rows)


def test_the_study_fingerprint_names_the_model_but_not_the_cache(harbour: Scenario,
                                                                 tmp_path: Path) -> None:
    from brinkmanship.analysis.study import Study

    with FakeModelServer() as srv:
        a = Study.make(harbour, {SEAT: "llm"}, llm=settings(srv, tmp_path / "a.sqlite"))
        b = Study.make(harbour, {SEAT: "llm"}, llm=settings(srv, tmp_path / "b.sqlite"))
        c = Study.make(harbour, {SEAT: "llm"}, llm=settings(srv, model="another"))
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert Study.from_blob(a.blob).llm == a.llm
