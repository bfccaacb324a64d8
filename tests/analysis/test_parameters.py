"""Setting a scenario parameter by path: every way to name a place, and every refusal."""

from __future__ import annotations

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
