"""Effects where they are: a counterfactual that changes who gets which terms shows in the
comparison's text, JSON and figures, and one counterfactual run can be told on its own."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brinkmanship.analysis import Counterfactual, compare
from brinkmanship.analysis.counterfactual import simulate_counterfactual
from brinkmanship.analysis.effects import effects_figure
from brinkmanship.analysis.plots import save_png
from brinkmanship.analysis.stats import paired_difference
from brinkmanship.analysis.text import comparison_lines
from brinkmanship.cli import app
from brinkmanship.scenario.schema import Scenario

HARBOUR = "tests/scenarios/harbour.yaml"
# Azure accepts Crimson's fishing offer: the settlements still happen, but with other terms.
FISHING = "azure_pm=accept:fishing_offer"


@pytest.fixture(scope="module")
def fishing(harbour: Scenario) -> dict:
    res = compare(harbour, Counterfactual.build(force=[FISHING]), runs=40)
    with res:
        return {"cmp": res.comparison(), "rows": res.to_arrow().to_pylist()}


def _indicator(rows: list[dict], arm: str, side: str, issue: str, option: str) -> list[int]:
    # The table's terms are structs: issue -> the agreed option, None where none was.
    return [int(r["outcome"] == "settlement" and r[f"{side}_terms"][issue] == option)
            for r in rows if r["arm"] == arm]


def test_terms_and_their_paired_differences_are_in_the_json(fishing: dict) -> None:
    cmp, rows = fishing["cmp"], fishing["rows"]
    base, arm = cmp["arms"]
    # Settlements are as frequent in both arms: outcome kinds alone show no effect ...
    assert arm["difference"]["outcomes"]["settlement"]["diff"] == 0
    # ... but the terms differ, and the comparison says by how much, seed by seed.
    d = arm["difference"]["terms"]["public"]["fishing=open"]
    want = paired_difference(_indicator(rows, "counterfactual", "public", "fishing", "open"),
                             _indicator(rows, "baseline", "public", "fishing", "open"))
    assert d["diff"] == pytest.approx(want.diff) and d["diff"] > 0.5
    assert d["ci95"] == pytest.approx([want.low, want.high], abs=1e-6)
    assert d["discordant"] == {"gained": want.gained, "lost": want.lost}
    assert arm["terms"]["public"]["fishing=open"]["count"] == sum(
        _indicator(rows, "counterfactual", "public", "fishing", "open"))
    assert set(base["terms"]) == {"public", "private"}
    assert "private" in arm["difference"]["terms"]
    # Payoffs, per arm and paired, and the highest rung.
    assert set(arm["payoffs"]) == {"azure_pm", "crimson_pm"}
    assert arm["difference"]["payoffs"]["azure_pm"]["diff"] < 0
    levels = [r["max_level"] for r in rows]
    n = len(levels) // 2
    assert arm["difference"]["highest_level"]["diff"] == pytest.approx(
        (sum(levels[n:]) - sum(levels[:n])) / n)
    assert sum(s["count"] for s in arm["highest_rung"].values()) == n


def test_the_text_shows_the_terms_with_their_discordant_seeds(fishing: dict) -> None:
    text = "\n".join(comparison_lines(fishing["cmp"]))
    d = fishing["cmp"]["arms"][1]["difference"]["terms"]["public"]["fishing=open"]
    line = next(line for line in text.splitlines()
                if line.strip().startswith("public fishing=open") and "pp" in line)
    assert f"+{d['discordant']['gained']} / -{d['discordant']['lost']}" in line
    assert "payoff change" in text and "highest level" in text and "mean payoffs" in text


def test_the_effects_figure_draws_every_term(fishing: dict, harbour: Scenario) -> None:
    fig = effects_figure(harbour, fishing["cmp"])
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert any(label.startswith("public · ") and "open" in label.lower() for label in labels)
    assert any(label.startswith("private · ") for label in labels)
    assert save_png(fig).startswith(b"\x89PNG")


def test_one_counterfactual_run_is_the_run_its_arm_counts(fishing: dict,
                                                        harbour: Scenario) -> None:
    change = Counterfactual.build(force=[FISHING])
    for row in [r for r in fishing["rows"] if r["arm"] == "counterfactual"][:4]:
        out = simulate_counterfactual(harbour, change, seed=row["seed"]).outcome
        assert (out.kind, out.at) == (row["outcome"], _iso(row["at"]))
        assert out.public_terms == {i: o for i, o in row["public_terms"].items() if o}
        assert out.payoffs["azure_pm"] == row["payoff_azure_pm"]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_brink_run_and_explain_take_the_counterfactual_options(fishing: dict) -> None:
    row = next(r for r in fishing["rows"] if r["arm"] == "counterfactual")
    runner = CliRunner()
    done = runner.invoke(app, ["run", "-s", HARBOUR, "--seed", str(row["seed"]), "--json",
                               "--force", FISHING])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["counterfactual"] == f"force {FISHING}"
    assert data["outcome"]["at"] == _iso(row["at"])
    text = runner.invoke(app, ["run", "-s", HARBOUR, "--seed", str(row["seed"]),
                               "--set", "responses.reprisal.held=true"])
    assert text.exit_code == 0 and "Counterfactual: set responses.reprisal.held=true" in \
        text.output
    why = runner.invoke(app, ["explain", "-s", HARBOUR, "--force", FISHING, "--json"])
    assert why.exit_code == 0, why.output
    assert json.loads(why.output)["counterfactual"] == f"force {FISHING}"


def test_a_bad_counterfactual_option_is_refused_by_run(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["run", "-s", HARBOUR, "--set", "responses.nope.held=1"])
    assert done.exit_code == 2
    assert "--set responses.nope.held" in done.output and "Traceback" not in done.output
    done = CliRunner().invoke(app, ["explain", "-s", HARBOUR, "--close", "nowhere"])
    assert done.exit_code == 2 and "unknown channel 'nowhere'" in done.output
