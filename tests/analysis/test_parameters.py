"""Setting a scenario parameter by path: every way to name a place, and every refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from brinkmanship.analysis.parameters import (
    ParameterError,
    get_parameter,
    parse_assignment,
    parse_sweep,
    set_parameter,
)
from brinkmanship.scenario.schema import Scenario


@pytest.mark.parametrize(("path", "value"), [
    ("incidents[warning_shots].hazard_per_hour", 0.05),
    ("responses.reprisal.held", True),
    ("responses[reprisal].hold_failure_probability", 0.5),
    ("utilities[azure_pm].war.bombardment", -10.0),
    ("decision_points[0].every_hours", 3.0),
    ("scenario.war_window_hours", 12.0),
    ("incidents[warning_shots].posture_multipliers.coastal_guns.alert", 2.0),
    ("chains[doctrine].links[bombard_then_strike].probability", 0.1),
])
def test_set_parameter(harbour: Scenario, path: str, value: object) -> None:
    changed = set_parameter(harbour, path, value)
    assert get_parameter(changed, path) == value
    assert get_parameter(harbour, path) != value  # the original is untouched
    assert changed.model_dump(exclude={"incidents", "responses", "utilities", "chains",
                                       "decision_points", "scenario"}) == \
        harbour.model_dump(exclude={"incidents", "responses", "utilities", "chains",
                                    "decision_points", "scenario"})


def test_a_new_entry_in_a_mapping(harbour: Scenario) -> None:
    changed = set_parameter(harbour, "utilities[azure_pm].war.shots", -3)
    assert get_parameter(changed, "utilities[azure_pm].war.shots") == -3


@pytest.mark.parametrize(("path", "value", "expect"), [
    ("incidents[nope].hazard_per_hour", 1, "no element 'nope' in incidents (known: "
                                           "warning_shots)"),
    ("incidents[warning_shots].hazard", 1, "has no field 'hazard'"),
    ("incidents[warning_shots].hazard_per_hour", -1, "greater than or equal to 0"),
    ("incidents[warning_shots].hazard_per_hour", "often", "valid number"),
    ("responses.reprisal.action", "nothing", "unknown action 'nothing'"),
    ("scenario.war_window_hours.x", 1, "is a value, not a section"),
    ("history.record", [], "history is not set"),
    ("x..y", 1, "cannot read the path"),
    ("utilities[azure_pm].war.shots.deep", 1, "has no entry 'shots'"),
])
def test_bad_paths_and_values_are_named(harbour: Scenario, path: str, value: object,
                                        expect: str) -> None:
    with pytest.raises(ParameterError, match=None) as err:
        set_parameter(harbour, path, value)
    assert expect in str(err.value)
    assert path.split("[")[0].split(".")[0] in str(err.value)


def test_assignments_read_yaml_scalars() -> None:
    assert parse_assignment("a.b=0.05") == ("a.b", 0.05)
    assert parse_assignment("a=true") == ("a", True)
    assert parse_assignment("a=[x, y]") == ("a", ["x", "y"])
    assert parse_assignment("a=some text") == ("a", "some text")
    with pytest.raises(ParameterError):
        parse_assignment("no-equals-sign")


def test_sweeps() -> None:
    assert parse_sweep("responses.reprisal.held=true,false") == \
        ("responses.reprisal.held", [True, False])
    assert parse_sweep("a[x].b=0.01, 0.1") == ("a[x].b", [0.01, 0.1])
    for bad in ("a=", "=1,2", "a"):
        with pytest.raises(ParameterError):
            parse_sweep(bad)


_RECORD = """
history:
  record:
    - {at: 2000-03-01T06:00:00Z, actor: azure_pm, hold: reprisal, source: test record}
  outcome: {kind: unresolved, source: test record}
"""


def test_a_change_the_record_contradicts_is_made_and_said(tmp_path: Path) -> None:
    """Making a response the record holds firm is a fair counterfactual: the decision-makers
    never read the record. The change is made; the record, no longer a possible path, is
    set aside, and what that means is said rather than the change refused."""
    from typer.testing import CliRunner

    from brinkmanship.analysis.counterfactual import Counterfactual, prepare
    from brinkmanship.analysis.parameters import change_parameter
    from brinkmanship.scenario import parse_scenario

    text = Path(__file__).resolve().parents[1].joinpath("scenarios", "harbour.yaml").read_text()
    recorded = parse_scenario(text + _RECORD, "<harbour with a record>")
    changed = change_parameter(recorded, "responses.reprisal.holdable", False)
    assert get_parameter(changed.scenario, "responses.reprisal.holdable") is False
    assert changed.scenario.history is None
    assert changed.record is not None
    assert "history.record[0].hold" in changed.record and "not holdable" in changed.record
    assert "not a possible path" in changed.record
    # A change the record does not contradict keeps it, and says nothing.
    kept = change_parameter(recorded, "responses.reprisal.hold_failure_probability", 0.5)
    assert kept.record is None and kept.scenario.history == recorded.history
    prepared = prepare(recorded, Counterfactual.build(sets=["responses.reprisal.holdable=false"]))
    assert prepared.record == (changed.record,)
    # Setting the record itself wrong is still refused: that is no counterfactual.
    with pytest.raises(ParameterError, match="unknown actor"):
        change_parameter(recorded, "history.record[0].actor", "nobody")
    # brink compare runs it and says so beside the arm.
    from brinkmanship.cli import app

    (tmp_path / "recorded.yaml").write_text(text + _RECORD, encoding="utf-8")
    done = CliRunner().invoke(app, ["compare", str(tmp_path / "recorded.yaml"),
                                    "--set", "responses.reprisal.holdable=false", "--runs", "2",
                                    "--jobs", "1"])
    assert done.exit_code == 0, done.output
    assert "the record: responses.reprisal.holdable=False: the historical record no longer " \
           "fits" in done.output
