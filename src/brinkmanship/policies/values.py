"""Utility as a vector of terms, so that advisers and leaders can weigh the same prospect.

A prospect's value is kept split by where it comes from (``UTILITY_TERMS``): the value of
settling at all, of the agreed terms, audience costs, alliance costs, war, staying
unresolved, and keeping standing orders in force. A weighting turns the vector into one
number; the in-his-shoes look-ahead mixes vectors linearly, so re-weighing a finished
look-ahead (for an adviser, or after persuasion) costs one dot product per option.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from operator import add as _add
from operator import mul

from brinkmanship.engine.index import Index
from brinkmanship.mechanics.negotiation import walked_back
from brinkmanship.mechanics.outcome import war_value
from brinkmanship.scenario.schema import UTILITY_TERMS, Utility

Vec = tuple[float, ...]
SETTLE, TERMS, AUDIENCE, ALLIANCE, WAR, UNRESOLVED, ORDERS = range(len(UTILITY_TERMS))
ZERO: Vec = (0.0,) * len(UTILITY_TERMS)


def weights_vec(weights: dict[str, float]) -> Vec:
    """A weighting as a vector; terms not named weigh 1."""
    return tuple(float(weights.get(term, 1.0)) for term in UTILITY_TERMS)


def dot(w: Vec, v: Vec) -> float:
    return sum(map(mul, w, v))


def mix(a: Vec, b: Vec, p: float) -> Vec:
    """``(1 - p) a + p b``."""
    if p <= 0.0:
        return a
    if p >= 1.0:
        return b
    q = 1.0 - p
    return tuple([q * x + p * y for x, y in zip(a, b, strict=True)])


def add(a: Vec, b: Vec) -> Vec:
    return tuple(map(_add, a, b))


def scale(v: Vec, k: float) -> Vec:
    return tuple([k * x for x in v])


def add_scaled(a: Vec, b: Vec, k: float) -> Vec:
    """``add(a, scale(b, k))`` in one pass (the same operations, so the same bits)."""
    return tuple([x + k * y for x, y in zip(a, b, strict=True)])


def scaled_add(a: Vec, k: float, b: Vec) -> Vec:
    """``add(scale(a, k), b)`` in one pass (the same operations, so the same bits)."""
    return tuple([k * x + y for x, y in zip(a, b, strict=True)])


def one_term(index: int, value: float) -> Vec:
    out = [0.0] * len(UTILITY_TERMS)
    out[index] = value
    return tuple(out)


@dataclass(frozen=True)
class Stakes:
    """One actor's utility, compiled: what each outcome is worth to it, term by term.

    With ``fold`` set, every value comes already weighed, as a vector of one number: the
    look-ahead keeps the terms apart only for the leader whose choice is being explained.
    """

    holder: str
    utility: Utility
    status_quo: dict[str, str]
    war_by_rung: tuple[float, ...]
    fold: Vec | None = None
    _wars: dict[tuple[float, ...], Vec] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, ix: Index, holder: str, utility: Utility | None = None) -> Stakes:
        """``holder``'s stakes: its declared utility, or ``utility`` (a hidden type's)."""
        u = utility or ix.utilities.get(holder) or Utility(actor=holder)
        wars = tuple(war_value(ix, u.war, r.id) for r in ix.sc.ladder)
        return cls(holder, u, {i.id: i.status_quo for i in ix.sc.issues}, wars)

    def folded(self, weights: Vec) -> Stakes:
        return Stakes(self.holder, self.utility, self.status_quo, self.war_by_rung, weights)

    def _out(self, v: Vec) -> Vec:
        return v if self.fold is None else (dot(self.fold, v),)

    @cached_property
    def zero(self) -> Vec:
        return ZERO if self.fold is None else (0.0,)

    def term(self, index: int, value: float) -> Vec:
        """``value`` in one term only."""
        return one_term(index, value) if self.fold is None else (self.fold[index] * value,)

    @cached_property
    def unresolved(self) -> Vec:
        return self.term(UNRESOLVED, self.utility.unresolved)

    def settlement(self, agreed: dict[str, str], proposed: dict[str, str]) -> Vec:
        """A settlement on ``agreed``, having publicly proposed ``proposed`` (audience costs)."""
        u = self.utility
        value = 0.0
        for issue, default in self.status_quo.items():
            value += u.terms.get(issue, {}).get(agreed.get(issue, default), 0.0)
        lost = u.audience_cost * len(walked_back(proposed, agreed)) if proposed else 0.0
        return self._out((u.settlement, value, -lost, 0.0, 0.0, 0.0, 0.0))

    def acts(self, actions: tuple[str, ...]) -> Vec:
        """What taking ``actions`` costs at home (sunk, whatever follows), in the audience
        term."""
        costs = self.utility.action_costs
        return self.term(AUDIENCE, -sum(costs.get(a, 0.0) for a in actions))

    def war(self, pmf: tuple[float, ...], war_from: int) -> Vec:
        """Expected war value of a distribution over war rungs, unconditional on war."""
        hit = self._wars.get(pmf)
        if hit is None:
            if len(self._wars) > 50_000:
                self._wars.clear()
            value = sum(p * self.war_by_rung[war_from + j] for j, p in enumerate(pmf))
            hit = self._wars[pmf] = self.term(WAR, value)
        return hit


def discounted(v: Vec, hours: float, rho: float, unresolved: Vec) -> Vec:
    """``v`` reached ``hours`` later: its difference from staying unresolved shrinks."""
    if rho <= 0.0 or hours <= 0.0:
        return v
    return mix(unresolved, v, math.exp(-rho * hours))
