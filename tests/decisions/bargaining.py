"""Alternating-offers bargaining (Stahl 1972; Rubinstein 1982) written as a scenario.

Two leaders split a pie on a grid of ``steps`` shares. In round ``r`` (at hour ``r - 1``
exactly) the proposer of that round (A in odd rounds, B in even ones) may send one offer;
each offer
counters the previous round's. A message takes exactly one hour, so an offer of round
``r`` arrives when round ``r + 1`` opens: its addressee accepts it or counters. After
``rounds`` rounds nothing more can be proposed and the pie is lost. Both discount by
``delta`` per hour, in their decision models.
"""

from __future__ import annotations

from typing import Any

import yaml

from brinkmanship.scenario import Scenario, parse_scenario

START = "2000-01-01T00:00:00Z"


class _Plain(yaml.SafeDumper):
    """Writes repeated lists out in full: the loader refuses YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _at(hours: float) -> str:
    return f"2000-01-01T{int(hours):02d}:{int(round((hours % 1) * 60)):02d}:00Z"


def alternating_offers(rounds: int, delta: float, steps: int = 20,
                       rationality: float = 1e4) -> Scenario:
    """The scenario; option ``aK`` gives A the share K / steps of the pie."""
    shares = [f"a{k:03d}" for k in range(steps + 1)]
    messages: list[dict[str, Any]] = []
    for r in range(1, rounds + 1):
        sender, to = ("a_leader", "b_leader") if r % 2 else ("b_leader", "a_leader")
        previous = [f"r{r - 1}_{s}" for s in shares] if r > 1 else []
        for s in shares:
            messages.append({
                "id": f"r{r}_{s}", "name": f"Round {r}: A gets {s}", "sender": sender,
                "recipient": to, "channel": "cable", "kind": "offer", "terms": {"pie": s},
                "replies_to": previous,
                "requires": {"after": _at(r - 1), "before": _at(r - 1)},
                "assumption": "round structure of alternating offers"})
    scale = {s: k / steps for k, s in enumerate(shares)}
    data = {
        "scenario": {"id": "alternating-offers", "title": "Alternating offers (test)",
                     "start": START, "end": _at(rounds + 2),
                     "source": "Stahl (1972); Rubinstein (1982) Econometrica 50(1) 97-109",
                     "clocks": [{"label": "Table", "zone": "UTC"}]},
        "sides": [{"id": "a", "name": "A", "leader": "a_leader"},
                  {"id": "b", "name": "B", "leader": "b_leader"}],
        "actors": [{"id": "a_leader", "name": "A", "kind": "leader", "side": "a", "zone": "UTC"},
                   {"id": "b_leader", "name": "B", "kind": "leader", "side": "b",
                    "zone": "UTC"}],
        "issues": [{"id": "pie", "name": "The pie", "status_quo": "none",
                    "options": [{"id": "none", "name": "no deal"}] +
                    [{"id": s, "name": s} for s in shares]}],
        "channels": [{"id": "cable", "name": "Cable", "members": ["a_leader", "b_leader"],
                      "visibility": "private", "authority": "official",
                      "latency": {"median_hours": 1, "assumption": "one round per hour"}}],
        "ladder": [{"id": "calm", "name": "Calm", "level": 0}],
        "messages": messages,
        "utilities": [
            {"actor": "a_leader", "terms": {"pie": {"none": 0, **scale}},
             "assumption": "A's payoff is its share"},
            {"actor": "b_leader", "terms": {"pie": {"none": 0, **{s: 1 - v for s, v in
                                                                 scale.items()}}},
             "assumption": "B's payoff is its share"}],
        "decision_models": [
            {"actor": a, "rationality": rationality, "depth": min(rounds, 6),
             "considered": 1000,
             "discount_per_hour": delta, "review_hours": 0.25,
             "assumption": "near-perfect rationality to test the SPE"}
            for a in ("a_leader", "b_leader")],
    }
    return parse_scenario(yaml.dump(data, Dumper=_Plain, sort_keys=False), "<alternating-offers>")


def stahl_share(rounds: int, delta: float) -> float:
    """The first proposer's subgame-perfect share with ``rounds`` rounds (Stahl 1972):
    ``(1 - (-delta) ** rounds) / (1 + delta)``, tending to Rubinstein's ``1 / (1 + delta)``."""
    return (1 - (-delta) ** rounds) / (1 + delta)
