"""The loader on good input, and the precision of what it says about bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from brinkmanship.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from brinkmanship.scenario.loader import iter_numbers, read_yaml
from brinkmanship.scenario.timeparse import iso_utc, parse_instant

MINIMAL = Path(__file__).resolve().parent / "scenarios" / "minimal.yaml"
TEXT = MINIMAL.read_text(encoding="utf-8")


def edit(old: str, new: str, text: str = TEXT) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    rows = [i for i, row in enumerate(text.splitlines(), 1) if needle in row]
    assert len(rows) == 1, needle
    return rows[0]


def refuse(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    return info.value


def test_minimal_loads() -> None:
    sc = load_scenario(MINIMAL)
    assert isinstance(sc, Scenario)
    assert [s.leader for s in sc.sides] == ["blue_leader", "red_leader"]
    assert {c.visibility for c in sc.channels} == {"public", "private"}
    assert len(sc.ladder) == 3
    assert [r.id for r in sc.ladder if r.war] == ["war"]
    assert len(sc.forces) == 1
    assert len(sc.actions) == 1
    assert [m.kind for m in sc.messages] == ["offer"]


def test_minimal_numbers_are_sourced() -> None:
    """Every mapping with a number says source: or assumption: (rungs cannot: no such field)."""
    raw, _ = read_yaml(TEXT, "minimal.yaml")
    unsourced = [
        path for path, mapping in iter_numbers(raw)
        if "source" not in mapping and "assumption" not in mapping
    ]
    assert all(path[0] == "ladder" for path in unsourced), unsourced


def test_leading_comments_and_document_markers_are_fine() -> None:
    # The file starts with comments; an explicit '---' after them is one document, not two.
    body = TEXT.split("\n", 3)[3]
    for text in (TEXT, "# note\n---\n" + body, "---\n" + body + "...\n", "%YAML 1.1\n---\n" + body):
        assert isinstance(parse_scenario(text), Scenario)


def test_unknown_nested_field_has_its_line_and_path() -> None:
    text = edit("    zone: Europe/Moscow\n  - id: blue_command\n",
                "    zone: Europe/Moscow\n    mood: calm\n  - id: blue_command\n")
    err = refuse(text)
    [problem] = err.problems
    assert problem.path == "$.actors[1].mood"
    assert problem.line == line_of(text, "mood: calm")
    assert problem.message == "unknown field 'mood'"
    assert err.render() == f"s.yaml:{problem.line}: $.actors[1].mood: unknown field 'mood'"


def test_reference_error_path_and_line() -> None:
    text = edit("    zone: Europe/Moscow\n  - id: blue_command\n",
                "    zone: Europe/Gondor\n  - id: blue_command\n")
    [problem] = refuse(text).problems
    assert problem.path == "$.actors[1].zone"
    assert problem.line == line_of(text, "Europe/Gondor")
    assert "unknown time zone 'Europe/Gondor'" in problem.message


def test_type_error_points_at_the_value() -> None:
    text = edit("      median_hours: 2.0\n", "      median_hours: soon\n")
    [problem] = refuse(text).problems
    assert problem.path == "$.channels[0].latency.median_hours"
    assert problem.line == line_of(text, "median_hours: soon")


def test_every_problem_is_reported() -> None:
    text = edit("    leader: red_leader\n", "    leader: nobody\n")
    text = edit("    channel: backchannel\n", "    channel: pigeon\n", text)
    paths = {p.path for p in refuse(text).problems}
    assert paths == {"$.sides[1].leader", "$.messages[0].channel"}


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        # 1962: Eastern Daylight Time until 02:00 on Sunday 28 October, then Eastern Standard.
        ("1962-10-27T10:00 America/New_York", "1962-10-27T14:00:00Z"),
        ("1962-10-28T09:00 America/New_York", "1962-10-28T14:00:00Z"),
        ("1962-10-27T17:00 Europe/Moscow", "1962-10-27T14:00:00Z"),
        ("1962-10-27T14:00:00Z", "1962-10-27T14:00:00Z"),
        ("1962-10-27T10:00-04:00", "1962-10-27T14:00:00Z"),
    ],
)
def test_instants_convert_to_utc(local: str, utc: str) -> None:
    moment = parse_instant(local)
    assert isinstance(moment, datetime)
    assert moment.tzinfo is not None
    assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0
    assert iso_utc(moment) == utc


def test_instants_in_a_scenario_are_utc() -> None:
    # Saturday 10:00 to Sunday 09:00 New York: 23 wall-clock hours, but the clocks went back
    # at 02:00 on Sunday 28 October 1962, so 24 real ones.
    text = edit("  end: 1962-10-29T00:00:00Z\n", "  end: 1962-10-28T09:00 America/New_York\n")
    meta = parse_scenario(text).scenario
    assert meta.start == datetime(1962, 10, 27, 14, 0, tzinfo=UTC)
    assert meta.end == datetime(1962, 10, 28, 14, 0, tzinfo=UTC)
    assert (meta.end - meta.start).total_seconds() == 24 * 3600


def test_yaml_timestamps_with_offsets_are_accepted() -> None:
    text = edit("  end: 1962-10-29T00:00:00Z\n", "  end: 1962-10-28 20:00:00-04:00\n")
    assert parse_scenario(text).scenario.end == datetime(1962, 10, 29, 0, 0, tzinfo=UTC)


def test_time_outside_horizon_names_the_field() -> None:
    text = edit("    visibility: public\n", "    opens: 1962-10-30T00:00:00Z\n"
                                           "    visibility: public\n")
    [problem] = refuse(text).problems
    assert problem.path == "$.channels[1].opens"
    assert problem.line == line_of(text, "opens: 1962-10-30")
    assert "outside the scenario" in problem.message


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    err = refuse("scenario: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert "nested deeper than" in err.render()


def test_error_render_is_bounded() -> None:
    # Many problems: the message lists at most 20 and says how many more.
    sides = "".join(f"  - id: s{i}\n    name: S\n    leader: nobody{i}\n" for i in range(30))
    text = edit("sides:\n", "sides:\n" + sides)
    rendered = refuse(text).render()
    assert len(rendered.splitlines()) == 21
    assert rendered.splitlines()[-1] == "... and 10 more problems"
