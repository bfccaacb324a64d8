"""Load-time refusals of hidden types, reports and deciders below the leader, each naming
file, line and field path (on ``tests/scenarios/exercise.yaml`` edited one way at a time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from brinkmanship.scenario import ScenarioError, parse_scenario

EXERCISE = Path(__file__).resolve().parent / "scenarios" / "exercise.yaml"
TEXT = EXERCISE.read_text(encoding="utf-8")


def edit(old: str, new: str) -> str:
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new)


def line_of(text: str, needle: str) -> int:
    rows = [i for i, row in enumerate(text.splitlines(), 1) if needle in row]
    assert len(rows) == 1, needle
    return rows[0]


def refusal(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    return info.value.render()


def test_the_example_loads() -> None:
    sc = parse_scenario(TEXT, "exercise.yaml")
    assert [k.id for k in sc.sides[1].types] == ["hardline", "softline"]


def test_priors_must_sum_to_one() -> None:
    text = edit("prior: 0.6", "prior: 0.5")
    assert f"s.yaml:{line_of(text, '    types:')}: $.sides[1].types: the priors of the " \
           "types sum to 0.9, not 1" in refusal(text)


def test_a_single_type_is_no_secret() -> None:
    start = TEXT.index("      - id: softline")
    end = TEXT.index("actors:")
    text = TEXT[:start] + TEXT[end:]
    text = text.replace("prior: 0.4", "prior: 1.0")
    assert "$.sides[1].types: a side with hidden types declares two or more" in refusal(text)


def test_type_ids_are_distinct() -> None:
    text = edit("- id: softline", "- id: hardline")
    assert f"s.yaml:{line_of(text, 'name: soft-line') - 1}: $.sides[1].types[1].id: " \
           "duplicate type id 'hardline'" in refusal(text)


def test_a_type_s_utility_belongs_to_an_actor_of_the_side() -> None:
    text = edit("- {actor: red_leader, terms: {strait: {open: -1, closed: 1}}, war: {war: -4}",
                "- {actor: blue_leader, terms: {strait: {open: -1, closed: 1}}, war: {war: -4}")
    assert "$.sides[1].types[1].utilities[0].actor: 'blue_leader' is not on side 'red'" in \
        refusal(text)


def test_a_type_s_utility_names_known_actions_and_rungs() -> None:
    text = edit("action_costs: {exercise: 0.8}", "action_costs: {parade: 0.8}")
    assert "$.sides[1].types[1].utilities[0].action_costs.parade: unknown action 'parade'" in \
        refusal(text)


def test_a_report_is_not_an_offer() -> None:
    text = edit("kind: statement, about: red", "kind: offer, terms: {strait: open}, about: red")
    assert "$.messages[1].sent_on: a report sent on a trigger is a statement" in refusal(text)


def test_a_report_names_a_known_side_and_trigger() -> None:
    text = edit("about: red, signals", "about: green, signals")
    text = text.replace("sent_on: {action: exercise}", "sent_on: {incident: fire}")
    found = refusal(text)
    assert "$.messages[1].about: unknown side 'green'" in found
    assert "$.messages[1].sent_on.incident: unknown incident 'fire'" in found


def test_a_third_party_does_not_decide_below_a_leader() -> None:
    text = edit("kind: command, side: red, zone: UTC, serves: red_leader, decides: true",
                "kind: third_party, side: red, zone: UTC, decides: true")
    assert "$.actors[3].decides: a third party acts through its reactions" in refusal(text)


def test_a_channel_bias_names_belief_variables() -> None:
    text = edit("bias: {imminence: 1.0}", "bias: {panic: 1.0}")
    assert "unknown belief variable 'panic'" in refusal(text)
