"""Every built-in scenario passes the public conformance check, and the check can fail."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from brinkmanship import ConformanceReport, check_scenario
from brinkmanship.policies import registry
from brinkmanship.policies.base import Decision, Observation
from brinkmanship.scenario import Scenario, builtin_names, load_scenario, parse_scenario

HARBOUR = Path(__file__).resolve().parent / "scenarios" / "harbour.yaml"
REPLAYED = "replays its history as recorded"


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_scenario_conforms(name: str) -> None:
    report = check_scenario(name, seeds=range(20))
    assert report.ok, report.render()
    # A built-in scenario must carry its history, so this check may not be skipped.
    assert report.check(REPLAYED).passed, report.render()


def test_there_are_several_builtin_scenarios() -> None:
    assert len(builtin_names()) >= 3


def _with_history(outcome_kind: str) -> Scenario:
    """The harbour test scenario with a one-entry record and the given recorded outcome."""
    text = HARBOUR.read_text(encoding="utf-8") + f"""
history:
  record:
    - {{at: 2000-03-01T01:00:00Z, actor: crimson_pm, send: share_offer,
       arrives: 2000-03-01T05:00:00Z}}
    - at: 2000-03-01T06:00:00Z
      actor: azure_pm
      answer: {{offer: share_offer, mode: accept, channel: cable}}
  outcome: {{kind: {outcome_kind}, private_terms: {{harbour: shared}}}}
"""
    return parse_scenario(text, "harbour+history")


def test_a_record_that_reaches_its_outcome_passes() -> None:
    report = check_scenario(_with_history("settlement"), seeds=range(3))
    assert report.ok, report.render()
    assert report.check(REPLAYED).passed


def test_a_record_that_misses_its_outcome_fails() -> None:
    report = check_scenario(_with_history("war"), seeds=range(3))
    assert not report.ok
    assert "the crisis ends in war" in report.check(REPLAYED).detail
    assert "it ends in settlement" in report.check(REPLAYED).detail


def test_a_file_that_does_not_load_fails_without_raising(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: {id: bad}\n", encoding="utf-8")
    report = check_scenario(bad)
    assert isinstance(report, ConformanceReport)
    assert not report.ok
    assert "missing required field" in report.render()


class _PeekingPolicy:
    """Breaks the rule: its choice depends on the history section."""

    name = "peeking"
    reads_history = True

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.peek = scenario.history is not None

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        return Decision(list(obs.options[:1]) if self.peek else [])


class _UnseededPolicy:
    """Breaks the rule: it draws from a random stream the engine does not seed."""

    name = "unseeded"

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.draw = random.Random()

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        return Decision([obs.options[self.draw.randrange(len(obs.options))]]
                        if obs.options else [])


def test_a_default_decision_maker_that_reads_history_is_caught(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.REGISTRY, registry.DEFAULT, _PeekingPolicy)
    report = check_scenario(_with_history("settlement"), seeds=range(2))
    assert report.check("default decision-makers ignore the history section").status == "failed"


def test_a_nondeterministic_decision_maker_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.REGISTRY, registry.DEFAULT, _UnseededPolicy)
    report = check_scenario(load_scenario(HARBOUR), seeds=range(2))
    assert report.check("same seed, byte-identical log").status == "failed", report.render()


def test_brink_check_exit_statuses(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from brinkmanship.cli import app

    good = CliRunner().invoke(app, ["check", str(HARBOUR), "--seeds", "3"])
    assert good.exit_code == 0 and "conforms" in good.output, good.output
    missing = CliRunner().invoke(app, ["check", str(tmp_path / "nowhere.yaml")])
    assert missing.exit_code == 2 and "FAIL loads and validates" in missing.output
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(HARBOUR.read_text(encoding="utf-8") + """
history:
  record: [{at: 2000-03-01T01:00:00Z, actor: crimson_pm, send: share_offer}]
  outcome: {kind: unresolved}
""", encoding="utf-8")
    failed = CliRunner().invoke(app, ["check", str(wrong), "--seeds", "2"])
    assert failed.exit_code == 1 and "does NOT conform" in failed.output, failed.output


SEATED = "seats answered by the default decision-makers give the same log"


def test_builtin_scenarios_can_be_played_from_their_seats() -> None:
    for name in builtin_names():
        report = check_scenario(name, seeds=range(2), replay_seeds=())
        assert report.check(SEATED).passed, report.render()


class _ProcessWidePolicy:
    """Breaks the rule: its choices hang on a count kept for the whole process."""

    name = "process-wide"
    asked = 0

    def bind(self, scenario: Scenario, actor: str) -> None:
        pass

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        _ProcessWidePolicy.asked += 1
        pick = _ProcessWidePolicy.asked % (len(obs.options) + 1)
        return Decision([obs.options[pick - 1]] if pick else [])


def test_a_decision_maker_with_process_wide_state_is_caught_at_the_seats(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.REGISTRY, registry.DEFAULT, _ProcessWidePolicy)
    report = check_scenario(load_scenario(HARBOUR), seeds=range(2))
    assert report.check(SEATED).status == "failed", report.render()
