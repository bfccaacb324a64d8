"""`brink mc`, `brink compare` and `brink report` from the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brinkmanship.cli import app

HARBOUR = str(Path(__file__).resolve().parents[1] / "scenarios" / "harbour.yaml")
PNG = b"\x89PNG\r\n\x1a\n"


def brink(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cmp") / "cmp.duckdb"
    code, stdout, stderr = brink("compare", HARBOUR, "--vary",
                                 "incidents[warning_shots].hazard_per_hour=0,0.1", "--set",
                                 "responses.reprisal.hold_failure_probability=1", "--runs",
                                 "80", "--jobs", "1", "--out", str(out), "--json")
    assert code == 0, stderr
    cmp = json.loads(stdout)
    assert [a["arm"] for a in cmp["arms"]] == [
        "baseline", "incidents[warning_shots].hazard_per_hour=0",
        "incidents[warning_shots].hazard_per_hour=0.1"]
    quiet = cmp["arms"][1]
    assert quiet["outcomes"]["war"]["count"] <= cmp["arms"][0]["outcomes"]["war"]["count"]
    assert set(quiet["difference"]["outcomes"]) == {"settlement", "war", "unresolved"}
    return out


def test_mc_json_summary(tmp_path: Path) -> None:
    out = tmp_path / "mc.duckdb"
    code, stdout, stderr = brink("mc", HARBOUR, "--runs", "60", "--jobs", "1", "--out",
                                 str(out), "--json")
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["runs"] == 60 and summary["seeds"] == [0, 59]
    assert summary["out"] == str(out)
    for o in summary["outcomes"].values():
        assert set(o) == {"count", "share", "ci95"}
    assert "60/60 saved" in stderr
    code, stdout, _ = brink("mc", HARBOUR, "--runs", "60", "--jobs", "1", "--out", str(out))
    assert code == 0
    assert re.search(r"settlement\s+\d+\s+\d+\.\d%\s+\[", stdout)


@pytest.mark.parametrize(("args", "expect"), [
    (["compare", HARBOUR, "--runs", "5"], "nothing to compare"),
    (["compare", HARBOUR, "--set", "incidents[nope].hazard_per_hour=1"],
     "no element 'nope' in incidents"),
    (["compare", HARBOUR, "--force", "azure_pm=accept"], "no option key"),
    (["compare", HARBOUR, "--vary", "a.b="], "a sweep is PATH=VALUE"),
    (["compare", HARBOUR, "--close", "pigeon"], "unknown channel 'pigeon'"),
    (["mc", HARBOUR, "--policy", "azure_pm=clever"], "unknown policy 'clever'"),
    (["mc", HARBOUR, "--backend", "cloud"], "choose local or ray"),
    (["mc", "no-such-scenario.yaml"], "no such file"),
    (["report", "missing.duckdb"], "no such results file"),
])
def test_bad_input_is_named(args: list[str], expect: str) -> None:
    code, _, stderr = brink(*args)
    assert code == 2
    assert expect in stderr
    assert "Traceback" not in stderr


def test_report_is_self_contained_with_figures(compared: Path, tmp_path: Path) -> None:
    html_path = tmp_path / "report.html"
    code, stdout, stderr = brink("report", str(compared), "-o", str(html_path), "--run", "7",
                                 "--arm", "incidents[warning_shots].hazard_per_hour=0.1")
    assert code == 0, stderr
    html = html_path.read_text()
    figures = sorted(p.name for p in (tmp_path / "report-figures").iterdir())
    assert figures == sorted([
        "comparison.png", "effects.png", "escalation-baseline.png", "outcomes.png", "sweep.png",
        "escalation-incidents-warning_shots--hazard_per_hour-0.png",
        "escalation-incidents-warning_shots--hazard_per_hour-0-1.png",
        "timeline-incidents-warning_shots--hazard_per_hour-0-1-7.png"])
    for name in figures:
        assert (tmp_path / "report-figures" / name).read_bytes().startswith(PNG)
    assert html.count("src='data:image/png;base64,") == len(figures)
    assert not re.search(r"(src|href)=['\"](?!data:)", html)  # nothing fetched from outside
    assert "differs from the row stored" not in html
    assert "Timeline of run 7" in html


def test_report_refuses_an_unknown_run_or_arm(compared: Path, tmp_path: Path) -> None:
    code, _, stderr = brink("report", str(compared), "-o", str(tmp_path / "r.html"),
                            "--run", "5000")
    assert code == 2 and "--run 5000: no such run" in stderr
    code, _, stderr = brink("report", str(compared), "-o", str(tmp_path / "r.html"),
                            "--arm", "nope")
    assert code == 2 and "--arm 'nope': no such arm" in stderr
