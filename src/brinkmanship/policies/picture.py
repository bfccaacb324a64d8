"""How a leader pictures the crisis from what it observes: an observation becomes a
:class:`Situation`.

Its own side's postures, orders and holds are observed; the other sides' are their initial
state changed by the public actions and incidents the leader saw. Responses it knows were
triggered (by an incident or action it saw) are due until their delay passes. Its own
beliefs are observed; the other leaders' beliefs about its side are imagined: their
declared priors, moved by the signals of what its side did that they could see.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TypeVar

from brinkmanship.engine.index import Index
from brinkmanship.mechanics.perception import shifted
from brinkmanship.policies.base import Observation, OfferView, Sighting
from brinkmanship.policies.risk import UNARMED
from brinkmanship.policies.situation import Mind, Pending, Situation
from brinkmanship.scenario.schema import Effects

CLOCK_STEP_S = 1800
"""The leader reckons time in half-hours: situations a few minutes apart are the same to it
(which lets the Monte Carlo reuse a look-ahead across runs)."""

BELIEF_STEP = 0.05
"""...and beliefs to the nearest twentieth, for the same reason."""

CANON_LIMIT = 5_000
"""Distinct situation parts kept for sharing before the store starts afresh (memory)."""

_Part = TypeVar("_Part", bound=Hashable)


def _q(p: float) -> float:
    return round(round(p / BELIEF_STEP) * BELIEF_STEP, 4)


class Picture:
    """Builds the situations of one actor's decisions."""

    def __init__(self, ix: Index, actor: str, counterparts: list[str]):
        self.ix = ix
        self.actor = actor
        self.side = ix.side_of[actor]
        sc = ix.sc
        self.counterparts = counterparts
        self.relevant = relevant_flags(ix)
        self.lapses = flag_lapses(ix)
        self.priors = {(b.actor, b.about): b for b in sc.beliefs}
        self.initial_postures = {f.id: f.initial for f in sc.forces}
        self.initial_orders = {o.id: o.active and o.activates_at is None
                               for o in sc.standing_orders}
        self.activations = {o.id: ix.seconds(o.activates_at) for o in sc.standing_orders
                            if o.active and o.activates_at is not None}
        self.initial_held = {r.id for r in sc.responses if r.held}
        self.counted = [(key, r) for key, rs in sorted(ix.responses_on.items()) for r in rs
                        if r.trigger.from_occurrence > 1 or r.trigger.until_occurrence]
        self._canon: dict[object, object] = {}
        self.phases = known_phases(ix, actor)

    def situation(self, obs: Observation) -> Situation:
        ix = self.ix
        t = ix.seconds(obs.now)
        postures, orders = self._forces(obs, t)
        own_held = {r for r, on in obs.holds.items() if on}
        numbered = _numbered(obs)
        held = own_held | {r for r in self.initial_held if r not in obs.holds} | \
            self._unarmed(numbered)
        channels = {m.id: m.channel for m in obs.inbox}
        offers = tuple(sorted({self._pending(o, channels) for o in obs.pending_offers} |
                              {self._pending(o, channels) for o in obs.own_offers
                               if o.status in ("pending", "in_transit")}, key=lambda p: p.id))
        if len(self._canon) > CANON_LIMIT:
            self._canon.clear()
        c = self._canonical
        return Situation(
            t=(t // CLOCK_STEP_S) * CLOCK_STEP_S,
            level=obs.rung_level,
            flags=c(frozenset({f for f in obs.flags if f in self.relevant and
                               self.lapses.get(f, t + 1) >= t} | self._triggered(obs))),
            postures=c(tuple(sorted(postures.items()))),
            orders=c(tuple(sorted(orders.items()))),
            held=c(frozenset(held)),
            due=c(self._due(numbered, t)),
            offers=c(offers),
            assured=c(self._assured(obs)),
            proposals=c(self._proposals(obs)),
            minds=c(self._minds(obs)),
        )

    def _canonical(self, part: _Part) -> _Part:
        """One kept instance of each equal part: the decisions of many runs picture equal
        parts anew, and memos that keep situations then keep one copy of each, not many
        (and find them by identity)."""
        return self._canon.setdefault(part, part)  # type: ignore[return-value]

    def _triggered(self, obs: Observation) -> set[str]:
        """Reactions the public messages seen so far have set off (due, if not yet made)."""
        out: set[str] = set()
        for m in obs.inbox:
            if m.public and m.terms:
                out.update(f"reacted:{r.id}" for r in self.ix.sc.reactions
                           if any(m.terms.get(i) == o for i, o in r.on_public_terms.items()))
        return out

    def _pending(self, o: OfferView, channels: dict[str, str]) -> Pending:
        draft = self.ix.messages.get(o.id)
        channel = channels.get(o.id) or (draft.channel if draft is not None else None)
        return Pending(o.id, o.sender, o.recipient, tuple(sorted(o.terms.items())),
                       tuple(sorted(o.private_terms.items())), o.public, channel)

    def _forces(self, obs: Observation, t: int) -> tuple[dict[str, str], dict[str, bool]]:
        postures = dict(self.initial_postures)
        orders = dict(self.initial_orders)
        for order, at in self.activations.items():
            if at <= t:
                orders[order] = True
        for seen in obs.sightings:
            eff = (self.ix.actions[seen.id].effects if seen.kind == "action"
                   else self.ix.incidents[seen.id].effects)
            postures.update(eff.postures)
            orders.update(eff.orders)
        for at, eff in self.phases:  # timetables it knows of, pictured on schedule
            if at <= t:
                postures.update(eff.postures)
                orders.update(eff.orders)
        postures.update(obs.postures)
        orders.update(obs.orders)
        return postures, orders

    def _unarmed(self, numbered: list[tuple[Sighting, str, int]]) -> set[str]:
        """Responses the next occurrence of their trigger would not set off (a 'second
        downing' reprisal before the first), marked ``UNARMED + id`` among the held: the
        escalation model reads them as responses that will not fire."""
        if not self.counted:
            return set()
        seen = {key: n for _, key, n in numbered}
        return {UNARMED + r.id for key, r in self.counted
                if not r.trigger.sets_off(seen.get(key, 0) + 1)}

    def _due(self, numbered: list[tuple[Sighting, str, int]],
             t: int) -> tuple[tuple[str, int], ...]:
        due = []
        for sighting, key, n in numbered:
            at = self.ix.seconds(sighting.at)
            for resp in self.ix.responses_on.get(key, []):
                if not resp.trigger.sets_off(n):
                    continue
                when = at + int(resp.delay_hours * 3600)
                if when > t:
                    due.append((resp.id, (when // CLOCK_STEP_S) * CLOCK_STEP_S))
        return tuple(sorted(set(due)))

    def _assured(self, obs: Observation) -> tuple[tuple[str, str, str, str], ...]:
        out: set[tuple[str, str, str, str]] = set()
        for m in obs.inbox:
            if m.kind == "assurance":
                to = self.ix.side_of[m.recipient]
                out.update((m.sender_side, to, i, o) for i, o in m.private_terms.items())
        return tuple(sorted(out))

    def _proposals(self, obs: Observation) -> tuple[tuple[str, str, str], ...]:
        ix = self.ix
        out: dict[tuple[str, str], str] = {}
        for m in sorted(obs.inbox, key=lambda m: m.sent_at):
            if m.kind == "offer" and m.public and m.terms:
                leader = ix.leader_of[m.sender_side]
                out.update({(leader, i): o for i, o in m.terms.items()})
        for o in obs.own_offers:
            if o.public:
                out.update({(ix.leader_of[self.side], i): opt for i, opt in o.terms.items()})
        return tuple(sorted((who, i, o) for (who, i), o in out.items()))

    def _minds(self, obs: Observation) -> tuple[Mind, ...]:
        minds = [Mind(self.actor, about, _q(b["resolve"]), _q(b["control"]),
                      _q(b["imminence"])) for about, b in sorted(obs.beliefs.items())]
        for other in self.counterparts:
            prior = self.priors.get((other, self.side))
            if prior is not None:
                minds.append(self._imagined(obs, other, prior.resolve, prior.control,
                                            prior.imminence, prior.threat_bias))
        return tuple(sorted(minds, key=lambda m: (m.actor, m.about)))

    def _imagined(self, obs: Observation, other: str, resolve: float, control: float,
                  imminence: float, bias: float) -> Mind:
        """The other's beliefs about this side: its prior, moved by what this side showed it."""
        ix = self.ix
        weights = ix.sc.perception.authority_weights
        vals = {"resolve": resolve, "control": control, "imminence": imminence}
        shifts: list[tuple[dict[str, float], float]] = []
        for m in obs.inbox:
            if m.sender_side == self.side and (m.recipient == other or m.public) and m.draft:
                authority = ix.channels[m.channel].authority
                shifts.append((dict(ix.messages[m.draft].signals),
                               weights.get(authority, 1.0)))
        for seen in obs.sightings:
            if seen.side == self.side and seen.kind == "action":
                shifts.append((dict(ix.actions[seen.id].effects.signals), 1.0))
        for signals, weight in shifts:
            for var, shift in sorted(signals.items()):
                vals[var] = shifted(vals[var], shift, weight, bias, 0.0, var)
        return Mind(other, self.side, *(_q(vals[v]) for v in
                                        ("resolve", "control", "imminence")))


def tested_flags(ix: Index) -> frozenset[str]:
    """Flags some condition of the scenario tests."""
    sc = ix.sc
    conds = [m.requires for m in sc.messages] + [a.requires for a in sc.actions] + \
        [i.requires for i in sc.incidents] + [d.unless for d in sc.deadlines] + \
        ([sc.stand_down.when] if sc.stand_down is not None else [])
    agreed = {f"agreed:{min(p)}:{max(p)}" for e in (sc.agreements.ends_crisis if
                                                   sc.agreements else ()) for p in e.pairs}
    return frozenset(f for c in conds for f in (*c.flags, *c.not_flags)) | agreed


def flag_lapses(ix: Index) -> dict[str, int]:
    """``sent:`` flags that stop mattering once their draft can no longer be sent anyway
    (its ``requires.before`` has passed and no condition tests the flag), with that second."""
    tested = tested_flags(ix)
    return {f"sent:{m.id}": ix.seconds(m.requires.before) for m in ix.sc.messages
            if m.requires.before is not None and f"sent:{m.id}" not in tested}


def known_phases(ix: Index, actor: str) -> tuple[tuple[int, Effects], ...]:
    """The phases of the timetables ``actor`` knows of (its own side's, and those it is
    among the ``known_to`` of), as (second, effects), in time order."""
    side = ix.side_of[actor]
    return tuple(sorted(((ix.seconds(p.at), p.effects) for tt in ix.sc.timetables
                         if ix.side_of[tt.actor] == side or actor in tt.known_to
                         for p in tt.phases), key=lambda x: x[0]))


def relevant_flags(ix: Index) -> frozenset[str]:
    """Flags a pictured situation must keep: those conditions test, and what is done once."""
    sc = ix.sc
    out = set(tested_flags(ix))
    out |= {f"sent:{m.id}" for m in sc.messages}
    out |= {f"done:{a.id}" for a in sc.actions if not a.repeatable}
    out |= {f"happened:{i.id}" for i in sc.incidents}
    out |= {f"reacted:{r.id}" for r in sc.reactions}
    out |= {f"expired:{d.id}" for d in sc.deadlines}
    return frozenset(out)


def _numbered(obs: Observation) -> list[tuple[Sighting, str, int]]:
    """Each sighting with its trigger key (``kind:id``) and which occurrence of it it is."""
    seen: dict[str, int] = {}
    out = []
    for sighting in obs.sightings:
        key = f"{sighting.kind}:{sighting.id}"
        seen[key] = seen.get(key, 0) + 1
        out.append((sighting, key, seen[key]))
    return out
