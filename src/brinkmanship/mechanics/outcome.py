"""Outcomes (M11): payoffs of the end of a run, and the causal path of a war."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brinkmanship.engine.index import Index
from brinkmanship.mechanics.negotiation import walked_back


def payoffs(ix: Index, kind: str, agreed: dict[str, str], war_rung: str | None,
            proposals: dict[str, dict[str, str]], costs: dict[str, float],
            types: Mapping[str, str] | None = None,
            actions: Mapping[str, int] | None = None) -> dict[str, float]:
    """Each actor with a utility: its payoff for this outcome (its side's type's utility
    where ``types`` gives its side one that declares it)."""
    out: dict[str, float] = {}
    utilities = dict(ix.utilities)
    for side, side_type in (types or {}).items():
        for kind_ in ix.types.get(side, []):
            if kind_.id == side_type:
                utilities.update({u.actor: u for u in kind_.utilities})
    for actor, u in sorted(utilities.items()):
        if kind == "settlement":
            value = u.settlement
            for issue in ix.sc.issues:
                option = agreed.get(issue.id, issue.status_quo)
                value += u.terms.get(issue.id, {}).get(option, 0.0)
            value -= u.audience_cost * len(walked_back(proposals.get(actor, {}), agreed))
        elif kind == "war" and war_rung is not None:
            value = war_value(ix, u.war, war_rung)
        else:
            value = u.unresolved
        sunk = sum(u.action_costs.get(a, 0.0) * n for a, n in (actions or {}).items())
        out[actor] = round(value - costs.get(actor, 0.0) - sunk, 6)
    return out


def war_value(ix: Index, table: dict[str, float], rung: str) -> float:
    """The value of a war reaching ``rung``: that rung's, else the nearest lower listed one."""
    level = ix.rungs[rung].level
    listed = [(ix.rungs[r].level, v) for r, v in table.items() if ix.rungs[r].level <= level]
    return max(listed)[1] if listed else 0.0


def causal_path(events: list[dict[str, Any]], seq: int) -> list[dict[str, Any]]:
    """The events that led to event ``seq``, root first, following ``cause`` links."""
    by_seq = {e["seq"]: e for e in events}
    path = []
    current: int | None = seq
    while current is not None and current in by_seq:
        path.append(by_seq[current])
        current = by_seq[current].get("cause")
    return path[::-1]
