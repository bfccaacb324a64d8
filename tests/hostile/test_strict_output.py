"""What ``brink`` prints and writes is safe to read: strict JSON, and figures that draw any
name as text.

JSON: every ``--json`` output and every event log is RFC 8259 JSON — no ``NaN``, no
``Infinity`` — and a value that could only be written as one is an error naming where it
is, with nothing printed or written. Figures: ``$``, ``\\``, ``_`` and ``^`` in names are
never read as mathtext.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from brinkmanship.cli import app

HERE = Path(__file__).resolve().parent
HARBOUR = str(HERE.parent / "scenarios" / "harbour.yaml")
PNG = b"\x89PNG\r\n\x1a\n"
MATH = " $x$ \\ $_^$ $"
"""Appended to every name of the scenario below: a formula, a backslash, a formula that
cannot be parsed, and a lone dollar."""


def brink(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def strict(text: str) -> Any:
    """``text`` parsed as strict JSON: ``NaN``, ``Infinity`` and ``-Infinity`` refused."""
    def refuse(constant: str) -> Any:
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


# -- strict JSON ----------------------------------------------------------------------------
COMMANDS = {
    "run": ("run", "-s", HARBOUR, "--json"),
    "replay": ("replay", "-s", "panmunjom-1976", "--json"),
    "explain": ("explain", "-s", HARBOUR, "--json"),
    "plausibility": ("plausibility", "-s", "panmunjom-1976", "--runs", "1", "--json"),
    "schema": ("schema", "--of", "log"),
}


@pytest.mark.parametrize("name", COMMANDS, ids=list(COMMANDS))
def test_every_json_output_is_strict(name: str) -> None:
    code, stdout, stderr = brink(*COMMANDS[name])
    assert code == 0, stderr
    assert isinstance(strict(stdout), dict)


def test_mc_and_compare_json_and_the_log_are_strict(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    code, stdout, stderr = brink("mc", HARBOUR, "--runs", "5", "--jobs", "1", "--json")
    assert code == 0, stderr
    strict(stdout)
    code, stdout, stderr = brink("compare", HARBOUR, "--close", "radio", "--runs", "5",
                                 "--jobs", "1", "--json")
    assert code == 0, stderr
    strict(stdout)
    log = tmp_path / "run.jsonl"
    code, stdout, _ = brink("run", "-s", HARBOUR, "--log", str(log), "--json")
    assert code == 0
    lines = log.read_text().splitlines()
    assert [strict(line) for line in lines] == strict(stdout)["events"]


def _poisoned(monkeypatch: pytest.MonkeyPatch, value: float) -> None:
    """Every run's first actor payoff becomes ``value``."""
    import brinkmanship.games as games

    real = games.simulate

    def simulate(*args: Any, **kwargs: Any) -> Any:
        run = real(*args, **kwargs)
        payoffs = run.events[-1]["outcome"]["payoffs"]
        payoffs[sorted(payoffs)[0]] = value
        return run

    monkeypatch.setattr(games, "simulate", simulate)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_a_non_finite_number_is_named_never_printed(value: float, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _poisoned(monkeypatch, value)
    code, stdout, stderr = brink("run", "-s", HARBOUR, "--json")
    assert code == 2 and stdout == ""
    assert re.search(r"--json: a number that is not finite at \$\.outcome\.payoffs\.\w+ "
                     r"\(-?(nan|inf)\)", stderr), stderr
    assert "Traceback" not in stderr
    log = tmp_path / "run.jsonl"
    code, stdout, stderr = brink("run", "-s", HARBOUR, "--log", str(log))
    assert code == 2 and f"--log {log}: a number that is not finite at $.outcome" in stderr
    assert not log.exists()


def test_a_non_finite_summary_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("duckdb")
    from brinkmanship.analysis.montecarlo import Results

    real = Results.summary

    def summary(self: Results, arm: str = "baseline") -> dict[str, Any]:
        return {**real(self, arm), "payoffs": {"azure_pm": {"mean": math.nan}}}

    monkeypatch.setattr(Results, "summary", summary)
    code, stdout, stderr = brink("mc", HARBOUR, "--runs", "3", "--jobs", "1", "--json")
    assert code == 2 and stdout == ""
    assert "--json: a number that is not finite at $.payoffs.azure_pm.mean (nan)" in stderr


# -- names are text in figures ------------------------------------------------------------------
def _mathy(tmp: Path) -> Path:
    """The harbour scenario with :data:`MATH` after every name, title and clock label."""
    text = Path(HARBOUR).read_text(encoding="utf-8")

    def weird(m: re.Match[str]) -> str:
        value = (m.group(2).strip() + MATH).replace("'", "''")
        return f"{m.group(1)}'{value}'"

    path = tmp / "mathy.yaml"
    path.write_text(re.sub(r"(\b(?:name|title|label): )([^,}\n]+)", weird, text),
                    encoding="utf-8")
    return path


def test_report_draws_names_as_text(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    scenario = _mathy(tmp_path)
    code, stdout, stderr = brink("validate", str(scenario))
    assert code == 0, stderr
    out = tmp_path / "cmp.duckdb"
    code, _, stderr = brink("compare", str(scenario), "--vary",
                            "scenario.title=$a$ one,$_^$ two \\", "--runs", "8", "--jobs", "1",
                            "--default-policy", "baseline", "--out", str(out))
    assert code == 0, stderr
    html = tmp_path / "report.html"
    code, stdout, stderr = brink("report", str(out), "-o", str(html), "--arm",
                                 "scenario.title=$_^$ two \\")
    assert code == 0, stderr
    figures = sorted((tmp_path / "report-figures").glob("*.png"))
    assert {p.stem.split("-")[0] for p in figures} == {"outcomes", "escalation", "comparison",
                                                       "effects", "timeline"}
    assert all(p.read_bytes().startswith(PNG) for p in figures)
    assert "$x$ \\ $_^$ $" in html.read_text(encoding="utf-8")


def test_figures_are_plain_text_wherever_they_are_drawn(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.text import Text

    from brinkmanship.analysis import monte_carlo
    from brinkmanship.analysis.plots import outcome_figure, save_png

    with monte_carlo(_mathy(tmp_path), runs=4, default_policy="baseline") as res:
        fig = outcome_figure(res.study.scenario, [res.summary()])
    texts = fig.findobj(Text)
    assert any("$x$" in t.get_text() for t in texts)
    assert not any(t.get_parse_math() for t in texts)
    assert save_png(fig).startswith(PNG)
