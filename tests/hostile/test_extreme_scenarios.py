"""Valid but extreme scenarios, generated: numbers at their bounds, one-second cycles, huge
counts. Whatever validates runs to an outcome or stops at a budget, and its log is strict
JSON; nothing else may happen (no other exception, no NaN, no infinity)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brinkmanship import parse_scenario
from brinkmanship.engine import Interventions
from brinkmanship.engine.budgets import BudgetExceeded, Budgets
from brinkmanship.games import simulate
from brinkmanship.scenario import ScenarioError
from brinkmanship.scenario.schema import MAX_HOURS, MAX_VALUE

HARBOUR = Path(__file__).resolve().parents[1] / "scenarios" / "harbour.yaml"
BASE = yaml.safe_load(HARBOUR.read_text(encoding="utf-8"))
BUDGETS = Budgets(events=3000, steps=30_000, steps_per_instant=2000)

hours = st.sampled_from([0.0, 1 / 3600, 1e-9, 0.5, MAX_HOURS / 2, MAX_HOURS])
values = st.sampled_from([-MAX_VALUE, -1.0, 0.0, 1e-300, 1.0, MAX_VALUE])
NUMBERS: dict[str, Any] = {
    "channels.0.latency.median_hours": hours,
    "channels.1.latency.min_hours": hours,
    "actions.0.duration_hours": hours,
    "actions.2.duration_hours": hours,
    "responses.0.delay_hours": hours,
    "chains.0.links.0.delay.median_hours": hours,
    "incidents.0.hazard_per_hour": st.sampled_from([0.0, 1e-9, 1.0, 3600.0]),
    "incidents.0.max_occurrences": st.sampled_from([1, 1000, 1_000_000]),
    "utilities.0.settlement": values,
    "utilities.1.war.general_war": values,
    "utilities.0.terms.harbour.azure": values,
    "ladder.3.level": st.sampled_from([3, 10**9]),
    "ladder.0.level": st.sampled_from([0, -(10**9)]),
    "messages.0.signals.resolve": st.sampled_from([-100.0, 0.0, 100.0]),
    "perception.stress_per_hour": st.sampled_from([0.0, 1e6]),
}


def _set(doc: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[int(last) if isinstance(node, list) else last] = value


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    for path in draw(st.lists(st.sampled_from(sorted(NUMBERS)), unique=True, max_size=8)):
        _set(doc, path, draw(NUMBERS[path]))
    if draw(st.booleans()):  # a repeatable action that sets itself off again, a second on
        doc["actions"][0]["repeatable"] = True
        doc["responses"].append({
            "id": "again", "name": "Again", "holder": "azure_navy", "authorised_by": "azure_pm",
            "trigger": {"action": doc["actions"][0]["id"]}, "action": doc["actions"][0]["id"],
            "delay_hours": draw(st.sampled_from([0.0, 1 / 3600, 1.0])), "holdable": False,
            "assumption": "x"})
    if draw(st.booleans()):
        doc.setdefault("decision_points", []).append(
            {"actor": "azure_pm", "every_hours": draw(st.sampled_from([1 / 60, 1.0])),
             "assumption": "x"})
    return doc


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=scenarios(), seed=st.integers(0, 3), passive=st.booleans())
def test_whatever_validates_ends_in_an_outcome_or_a_named_budget(
        doc: dict[str, Any], seed: int, passive: bool) -> None:
    try:
        sc = parse_scenario(yaml.safe_dump(doc), "<extreme>")
    except ScenarioError as exc:
        assert "Traceback" not in exc.render()
        return
    policies = {a: "passive" for a in ("azure_pm", "crimson_pm", "azure_envoy", "gull_chief")}
    try:
        run = simulate(sc, policies if passive else {}, seed, Interventions(budgets=BUDGETS))
    except BudgetExceeded as exc:
        assert exc.budget in ("events", "steps", "steps_per_instant") and exc.limit > 0
        assert "raise it with --max" in str(exc)
        return
    assert run.outcome.kind in ("settlement", "war", "unresolved")
    json.loads(json.dumps(run.to_dict(), allow_nan=False))  # strict JSON, every number finite
