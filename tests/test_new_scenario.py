"""``brink new NAME`` writes a small, valid, commented starting scenario and never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from brinkmanship import Scenario, check_scenario, load_scenario, parse_scenario
from brinkmanship.cli import app
from brinkmanship.scenario.loader import read_yaml
from brinkmanship.scenario.sourcing import unsourced
from brinkmanship.scenario.starter import starter_text


def brink(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_new_writes_a_scenario_that_validates_and_runs(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = brink("new", "strait")
    assert code == 0, out
    path = tmp_path / "strait.yaml"
    assert load_scenario(path).scenario.id == "strait"
    code, out = brink("run", "-s", str(path), "--seed", "3")
    assert code == 0, out
    assert "Outcome:" in out
    code, out = brink("replay", "-s", str(path))
    assert code == 0 and "Follows the record:" in out, out


def _parsed(name: str) -> Scenario:
    return parse_scenario(starter_text(name), f"{name}.yaml")


def test_the_starting_scenario_conforms() -> None:
    scenario = _parsed("harbour_watch")
    assert scenario.scenario.id == "harbour_watch"
    report = check_scenario(scenario, seeds=range(10))
    assert report.ok, report.render()
    assert report.check("replays its history as recorded").passed


def test_the_starting_scenario_is_commented_and_sourced() -> None:
    text = starter_text("strait")
    assert text.count("\n#") >= 10
    assert "__NAME__" not in text
    raw, _ = read_yaml(text, "strait.yaml")
    assert unsourced(raw) == []


def test_new_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("precious", encoding="utf-8")
    code, out = brink("new", "mine", "--out", str(target))
    assert code == 2
    assert "already exists" in out
    assert target.read_text(encoding="utf-8") == "precious"


@pytest.mark.parametrize("name", ["Bad Name", "1st", "x" * 65, "café"])
def test_new_refuses_a_name_that_is_no_scenario_id(tmp_path: Path, name: str) -> None:
    code, out = brink("new", name, "--out", str(tmp_path / "x.yaml"))
    assert code == 2
    assert "is not a scenario name" in out
    assert not (tmp_path / "x.yaml").exists()


def test_new_reports_an_unwritable_place(tmp_path: Path) -> None:
    code, out = brink("new", "strait", "--out", str(tmp_path / "missing" / "strait.yaml"))
    assert code == 2
    assert "cannot write" in out and "Traceback" not in out

