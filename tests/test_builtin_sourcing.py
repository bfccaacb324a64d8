"""Every number in a built-in scenario is sourced or marked as an assumption.

A mapping that holds a number directly must carry ``source:`` or ``assumption:``. Some
mappings cannot carry those keys (signals, utility tables, posture multipliers, costs):
their numbers are answered for by the nearest enclosing entry that does. The one exception
is a rung's ``level``, which is a position on the ladder, not a quantity anyone chose.
"""

from __future__ import annotations

from typing import Any

import pytest

from brinkmanship.scenario import builtin_names
from brinkmanship.scenario.loader import builtin_path, iter_numbers, read_yaml

ORDINALS = {("ladder", "level")}


def _numeric_keys(mapping: dict[str, Any]) -> set[str]:
    return {k for k, v in mapping.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def _marked(node: Any) -> bool:
    return isinstance(node, dict) and bool(node.get("source") or node.get("assumption"))


def unsourced(raw: dict[str, Any]) -> list[str]:
    """Paths of mappings holding numbers that neither they nor an enclosing entry account for."""
    found = []
    for path, mapping in iter_numbers(raw):
        section = path[0] if path else ""
        if all((section, key) in ORDINALS for key in _numeric_keys(mapping)):
            continue
        chain, node = [raw], raw
        for part in path:
            node = node[part]
            chain.append(node)
        if not any(_marked(n) for n in chain):
            found.append("$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                                       for p in path))
    return found


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
actions:
  - {id: strike, effects: {signals: {resolve: 1.0}}, assumption: covered by the action}
  - {id: feint, effects: {signals: {resolve: 0.5}}}
""", "inline")
    assert unsourced(raw) == ["$.channels[0].latency", "$.actions[1].effects.signals"]
