"""The sourcing rule of scenario files: every number says where it comes from.

A mapping that holds a number directly must carry ``source:`` or ``assumption:``. Some
mappings cannot carry those keys (signals, utility tables, posture multipliers, costs):
their numbers are answered for by the nearest enclosing entry that does. A rung's
``level`` is exempt: it is a position on the ladder, not a quantity anyone chose.
"""

from __future__ import annotations

from typing import Any

from brinkmanship.scenario.loader import iter_numbers

ORDINALS = frozenset({("ladder", "level")})


def unsourced(raw: dict[str, Any]) -> list[str]:
    """Field paths (``$.channels[0].latency``) of the numbers nothing accounts for.

    ``raw`` is a scenario document as :func:`brinkmanship.scenario.loader.read_yaml`
    returns it, before decoding.
    """
    found = []
    for path, mapping in iter_numbers(raw):
        section = path[0] if path else ""
        if all((section, key) in ORDINALS for key in _numeric_keys(mapping)):
            continue
        node: Any = raw
        chain = [raw]
        for part in path:
            node = node[part]
            chain.append(node)
        if not any(_marked(n) for n in chain):
            found.append("$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                                       for p in path))
    return found


def _numeric_keys(mapping: dict[str, Any]) -> set[str]:
    return {k for k, v in mapping.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def _marked(node: Any) -> bool:
    return isinstance(node, dict) and bool(node.get("source") or node.get("assumption"))
