"""Every number in a built-in scenario is sourced or marked as an assumption.

The rule and its one exception are stated in :mod:`brinkmanship.scenario.sourcing`.
"""

from __future__ import annotations

import pytest

from brinkmanship.scenario import builtin_names
from brinkmanship.scenario.loader import builtin_path, read_yaml
from brinkmanship.scenario.sourcing import unsourced


@pytest.mark.parametrize("name", builtin_names())
def test_every_number_is_sourced_or_an_assumption(name: str) -> None:
    raw, _ = read_yaml(builtin_path(name).read_bytes(), name)
    missing = unsourced(raw)
    assert not missing, f"{name}: numbers with neither source: nor assumption: at " + \
        ", ".join(missing)


def test_the_walk_catches_an_unmarked_number() -> None:
    raw, _ = read_yaml(b"""
ladder: [{id: calm, name: Calm, level: 0}]
channels:
  - id: wire
    latency: {median_hours: 2}
  - id: radio
    latency: {median_hours: 1, assumption: a guess}
  - id: intel
    latency: {median_hours: 1, assumption: a guess}
    bias: {imminence: 0.5}
    assumption: a biased channel answers for its bias
actions:
  - {id: strike, effects: {signals: {resolve: 1.0}}, assumption: covered by the action}
  - {id: feint, effects: {signals: {resolve: 0.5}}}
""", "inline")
    assert unsourced(raw) == ["$.channels[0].latency", "$.actions[1].effects.signals"]
