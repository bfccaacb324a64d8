"""A seat's observation as a fixed-size ``float32`` vector, built only from its Observation.

:class:`ObservationLayout` names every element of the vector (``layout.names``) from the
scenario's declarations alone: which rungs, forces, offers, drafts, actions, incidents,
deadlines and flags exist. The *values* are read only from the seat's
:class:`~brinkmanship.policies.base.Observation` (what the engine hands the seat at its
turn), plus, once the game is over, when and how it ended, which every seat learns. Nothing
else of the run is read, so the other side's secrets cannot leak into the vector.

Every element lies in [0, 1]; ``docs/environments.md`` describes the blocks in order.
Needs only numpy: this module imports without the ``envs`` extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from pydantic import BaseModel

from brinkmanship.engine.index import Index
from brinkmanship.envs.actions import OfferSlot, possible_offers
from brinkmanship.mechanics.outcome import outcome_kinds
from brinkmanship.policies.base import Observation
from brinkmanship.scenario import schema as s

REASONS = ("start", "message", "action", "incident", "meeting", "decision point", "wake")
"""Why a seat is asked, as the engine says it; anything else counts as ``reason:other``."""

OFFER_STATUSES = ("in_transit", "pending", "accepted", "accepted_part", "rejected",
                  "countered", "ignored", "lapsed")
OUTCOMES = ("settlement", "war", "unresolved")
BELIEF_VARS = ("resolve", "control", "imminence")


@dataclass(frozen=True)
class End:
    """What every seat knows once the game is over: when it ended and how."""

    now: datetime
    kind: str


class ObservationLayout:
    """The names and bounds of one seat's observation vector, and its encoder.

    :meth:`encode` is a pure function of its arguments: the same Observation (and end)
    always gives the same vector, whatever else differs in the world it came from.
    ``offers`` and ``flags`` are :func:`possible_offers` and :func:`named_flags` of the
    scenario, given when several layouts of one scenario are built at once.
    """

    def __init__(self, ix: Index, actor: str, offers: list[OfferSlot] | None = None,
                 flags: list[str] | None = None):
        if actor not in ix.actors:
            raise ValueError(f"no actor {actor!r} in scenario {ix.sc.scenario.id!r}")
        self.actor = actor
        self.side = ix.side_of[actor]
        self._ix = ix
        self._offers = possible_offers(ix) if offers is None else offers
        self._flags = named_flags(ix.sc) if flags is None else flags
        sc = ix.sc
        self._start = sc.scenario.start
        self._span = max((sc.scenario.end - sc.scenario.start).total_seconds(), 1.0)
        levels = [r.level for r in sc.ladder]
        self._low, self._range = min(levels), max(max(levels) - min(levels), 1)
        self.names: tuple[str, ...] = tuple(self._names())
        if len(set(self.names)) != len(self.names):
            # Every block has its own prefix, so a clash would be a fault of this module.
            raise ValueError("observation element names collide")
        self._at = {name: i for i, name in enumerate(self.names)}

    @property
    def size(self) -> int:
        return len(self.names)

    @property
    def low(self) -> np.ndarray:
        return np.zeros(self.size, dtype=np.float32)

    @property
    def high(self) -> np.ndarray:
        return np.ones(self.size, dtype=np.float32)

    def encode(self, obs: Observation | None, end: End | None = None) -> np.ndarray:
        """The vector of what the seat knows: ``obs`` (``None`` before its first turn: it
        has seen nothing yet) and, after the game, ``end``. A new array on every call."""
        out = np.zeros(self.size, dtype=np.float32)
        values: dict[str, float] = {}
        if obs is not None:
            if obs.actor != self.actor:
                raise ValueError(f"an observation of {obs.actor!r}, not of {self.actor!r}")
            values.update(self.values(obs))
        if end is not None:
            values["time"] = self._fraction(end.now)
            values["over"] = 1.0
            values[f"outcome:{end.kind}"] = 1.0
        for name, value in values.items():
            i = self._at.get(name)
            if i is not None:
                out[i] = min(max(value, 0.0), 1.0)
        return out

    # -- the layout, block by block (docs/environments.md lists the same blocks) -------------
    def _names(self) -> Iterator[str]:
        ix, sc, me = self._ix, self._ix.sc, self.actor
        yield "time"
        yield "rung_level"
        yield from (f"rung:{r.id}" for r in sc.ladder)
        yield from (f"reason:{r}" for r in (*REASONS, "other"))
        yield from (f"meeting:{m.id}" for m in sc.meetings if m.convener == me)
        yield "stress"
        yield from (f"belief:{about}:{v}" for about in self._belief_sides() for v in BELIEF_VARS)
        yield from (f"posture:{f.id}:{p.id}" for f in sc.forces if f.side == self.side
                    for p in f.postures)
        yield from (f"order:{o.id}" for o in sc.standing_orders
                    if ix.side_of[o.holder] == self.side)
        yield from (f"held:{r.id}" for r in sc.responses if r.authorised_by == me)
        for slot in self._offers:
            if slot.recipient == me:
                yield f"pending:{slot.id}"
                yield f"lapse_left:{slot.id}"
        yield from (f"mine:{slot.id}:{st}" for slot in self._offers if slot.sender == me
                    for st in OFFER_STATUSES)
        yield from (f"sent:{m.id}" for m in sc.messages)
        yield from (f"heard:{mid}" for mid in self._message_ids())
        yield from (f"seen_incident:{i.id}" for i in sc.incidents)
        yield from (f"seen_action:{a.id}" for a in sc.actions)
        yield "seen_unauthorised"
        yield from (f"{k}:{a.id}" for a in sc.actions for k in ("started", "done"))
        for d in sc.deadlines:
            yield f"deadline_known:{d.id}"
            yield f"deadline_left:{d.id}"
        yield from (f"flag:{f}" for f in self._flags)
        yield "over"
        yield from (f"outcome:{k}" for k in outcome_kinds(sc))

    def _belief_sides(self) -> list[str]:
        about = {b.about for b in self._ix.sc.beliefs if b.actor == self.actor}
        return [x.id for x in self._ix.sc.sides if x.id in about]

    def _message_ids(self) -> list[str]:
        """Drafts, the engine's answers to each possible offer, and its partial acceptances."""
        ids = [m.id for m in self._ix.sc.messages]
        for slot in self._offers:
            ids += [f"accept:{slot.id}", f"reject:{slot.id}"]
            if slot.id not in self._ix.messages:
                ids.append(slot.id)
        return list(dict.fromkeys(ids))

    # -- the values, from the Observation only -----------------------------------------------
    def values(self, obs: Observation) -> Iterator[tuple[str, float]]:
        """``(name, value)`` pairs of what ``obs`` holds, before clipping to [0, 1].

        :meth:`encode` drops the names the layout lacks: only the engine's own flags
        (``flag:sent:...``, ``flag:delivered:...``) that no condition or effect names.
        """
        yield "time", self._fraction(obs.now)
        yield "rung_level", (obs.rung_level - self._low) / self._range
        yield f"rung:{obs.rung}", 1.0
        yield f"reason:{obs.reason if obs.reason in REASONS else 'other'}", 1.0
        if obs.meeting is not None:
            yield f"meeting:{obs.meeting}", 1.0
        yield "stress", _squash(obs.stress)
        for about, belief in obs.beliefs.items():
            for var in BELIEF_VARS:
                yield f"belief:{about}:{var}", float(belief.get(var, 0.0))
        yield from ((f"posture:{f}:{p}", 1.0) for f, p in obs.postures.items())
        yield from ((f"order:{o}", float(on)) for o, on in obs.orders.items())
        yield from ((f"held:{r}", float(held)) for r, held in obs.holds.items())
        for offer in obs.pending_offers:
            yield f"pending:{offer.id}", 1.0
            if offer.lapses_at is not None:
                yield f"lapse_left:{offer.id}", self._left(obs.now, offer.lapses_at)
        yield from ((f"mine:{o.id}:{o.status}", 1.0) for o in obs.own_offers)
        yield from ((f"sent:{f.partition(':')[2]}", 1.0) for f in obs.flags
                    if f.startswith("sent:"))
        yield from ((f"heard:{m.id}", 1.0) for m in obs.inbox)
        yield from self._sightings(obs)
        yield from ((f, 1.0) for f in obs.flags if f.startswith(("started:", "done:")))
        for did, when in obs.deadlines.items():
            yield f"deadline_known:{did}", 1.0
            yield f"deadline_left:{did}", self._left(obs.now, when)
        yield from ((f"flag:{f}", 1.0) for f in obs.flags)

    def _sightings(self, obs: Observation) -> Iterator[tuple[str, float]]:
        counts: dict[str, int] = {}
        for x in obs.sightings:
            key = f"seen_{x.kind}:{x.id}"
            counts[key] = counts.get(key, 0) + 1
            if not x.authorised:
                counts["seen_unauthorised"] = counts.get("seen_unauthorised", 0) + 1
        yield from ((key, _squash(n)) for key, n in counts.items())

    def _fraction(self, when: datetime) -> float:
        return (when - self._start).total_seconds() / self._span

    def _left(self, now: datetime, when: datetime) -> float:
        return (when - now).total_seconds() / self._span


def _squash(x: float) -> float:
    """``x / (1 + x)``: a count or a stress level mapped into [0, 1), in order."""
    x = max(float(x), 0.0)
    return x / (1.0 + x)


def named_flags(scenario: s.Scenario) -> list[str]:
    """Every flag the scenario names in a condition or an effect, sorted (history aside)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, s.Condition):
            found.update(value.flags, value.not_flags)
        elif isinstance(value, s.Effects):
            found.update(value.set_flags, value.clear_flags)
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for name in type(scenario).model_fields:
        if name != "history":  # the record of what happened is never read by a seat
            walk(getattr(scenario, name))
    return sorted(found)
