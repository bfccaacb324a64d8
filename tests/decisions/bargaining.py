"""Alternating-offers bargaining (Stahl 1972; Rubinstein 1982) written as a scenario.

Two leaders split a pie on a grid of ``steps`` shares. In round ``r`` (at hour ``r - 1``
exactly) the proposer of that round (A in odd rounds, B in even ones) may send one offer;
each offer
counters the previous round's. A message takes exactly one hour, so an offer of round
``r`` arrives when round ``r + 1`` opens: its addressee accepts it or counters. After
``rounds`` rounds nothing more can be proposed and the pie is lost. Both discount by
``delta`` per hour, in their decision models, and think every share through.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from brinkmanship.scenario import Scenario, parse_scenario

START = "2000-01-01T00:00:00Z"
MAX_DEPTH = 6
"""The deepest look-ahead the scenario language allows (``decision_models[].depth``)."""


class _Plain(yaml.SafeDumper):
    """Writes repeated lists out in full: the loader refuses YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _at(hours: float) -> str:
    return f"2000-01-01T{int(hours):02d}:{int(round((hours % 1) * 60)):02d}:00Z"


def alternating_offers(rounds: int, delta: float, steps: int = 20,
                       rationality: float = 1e4) -> Scenario:
    """The scenario; option ``aK`` gives A the share K / steps of the pie. Each leader looks
    ``min(rounds, MAX_DEPTH)`` replies ahead: to the end of the game up to ``MAX_DEPTH + 1``
    rounds (the last offer in sight is then the last round's, an ultimatum)."""
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
            {"actor": a, "rationality": rationality, "depth": min(rounds, MAX_DEPTH),
             "considered": steps + 1,
             "discount_per_hour": delta, "review_hours": 0.25,
             "assumption": "near-perfect rationality to test the SPE"}
            for a in ("a_leader", "b_leader")],
    }
    return parse_scenario(yaml.dump(data, Dumper=_Plain, sort_keys=False), "<alternating-offers>")


def stahl_share(rounds: int, delta: float) -> float:
    """The first proposer's subgame-perfect share with ``rounds`` rounds (Stahl 1972):
    ``(1 - (-delta) ** rounds) / (1 + delta)``, tending to Rubinstein's ``1 / (1 + delta)``."""
    return (1 - (-delta) ** rounds) / (1 + delta)


def rubinstein_share(delta: float) -> float:
    """The first proposer's share with no last round (Rubinstein 1982): ``1 / (1 + delta)``."""
    return 1 / (1 + delta)


def grid_share(rounds: int, delta: float, steps: int) -> float:
    """The first proposer's subgame-perfect share when shares come on a grid of ``steps``,
    by backward induction (Osborne and Rubinstein 1990, ch. 3, on a finite set of shares).

    An answer takes the hour a round takes, so accepting at once and countering (the counter
    accepted one round later) differ by one factor ``delta``: the responder accepts a share
    iff it is worth strictly more than proposing itself next round, and the proposer leaves
    it the smallest such share. In the last round the responder gets the smallest positive
    share (at nothing it is indifferent, and a logit chooser then accepts only half the time).
    """
    kept = steps - 1  # grid steps the proposer keeps, with one round left
    for _ in range(rounds - 1):
        # The responder must get strictly more than ``delta`` times what it would keep next
        # round; the tolerance keeps an exact tie a tie despite floating-point rounding.
        left = math.floor(delta * kept + 1e-9) + 1
        kept = steps - left
    return kept / steps


def stahl_band(rounds: int, delta: float, steps: int) -> tuple[float, float]:
    """Where the grid's subgame-perfect share lies around Stahl's continuous one.

    With the responder's share in round ``n`` rounds from the end rounded up by
    ``e_n`` in ``(0, g]`` (``g = 1 / steps``), the proposer's error obeys
    ``err_n = -e_n - delta * err_{n-1}``, ``err_1 = -g``; so
    ``err_T = -e_T + delta e_{T-1} - delta^2 e_{T-2} + ...`` lies between
    ``-g * sum(delta^k, k even < T)`` and ``g * sum(delta^k, k odd < T)``. The band is
    narrower than ``g / (1 - delta)`` and excludes Rubinstein's share where the two differ
    by more than the grid can blur (at 4 rounds and ``delta`` 0.5, say).
    """
    g = 1 / steps
    below = g * sum(delta ** k for k in range(0, rounds, 2))
    above = g * sum(delta ** k for k in range(1, rounds, 2))
    share = stahl_share(rounds, delta)
    return share - below, share + above
