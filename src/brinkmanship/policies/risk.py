"""The risk of war as a leader reckons it: the organisational lens inside the rational one.

A first step (an action, an incident) leads to a distribution over the highest rung of the
ladder it reaches: its own rung, then the chain links that follow it at the probabilities
the leader believes, then the pre-delegated responses it triggers, which fire unless held
and fire anyway when a hold fails. Incidents arise at their hazard rates under the standing
orders and postures in force; the other side's unauthorised ones more often as the leader
doubts its control; the other side attacks (the least violent war-starting action one of
its deciders chooses) at a rate set by the leader's belief in its imminence. Responses
already triggered and deadlines the leader knows are lumps of risk.

Distributions are cumulative vectors over the ladder, ``F[r] = P(highest rung <= r)``;
independent branches multiply, which keeps every computation a few dozen flops.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from brinkmanship.engine.index import Index
from brinkmanship.policies.situation import Conditions, Situation
from brinkmanship.scenario import schema

Cdf = tuple[float, ...]
Pmf = tuple[float, ...]
MEMO_LIMIT = 10_000
"""Entries each memo keeps before it starts afresh (memory; the memos only save work)."""
PARTS_LIMIT = 2_000
"""...and the memo by the very parts of situations, which keeps those parts alive: it serves
situations pictured one from another, so the recent ones."""

UNARMED = "!"
"""Prefix, among a situation's held responses, of one that the next occurrence of its
trigger would not set off (its trigger counts occurrences and the count is not reached)."""


def fire_chance(resp: schema.Response, held: frozenset[str]) -> float:
    """The chance ``resp`` fires when its trigger next happens: none while unarmed, its
    hold failure while held, else certain."""
    if UNARMED + resp.id in held:
        return 0.0
    return resp.hold_failure_probability if resp.id in held else 1.0


class Escalation:
    """Where a first step leads, as the leader believes the chains and responses work."""

    def __init__(self, ix: Index, chain_beliefs: dict[str, float]):
        self.ix = ix
        self.rung_index = {r.id: i for i, r in enumerate(ix.sc.ladder)}
        self.n = len(ix.sc.ladder)
        self.war_from = next((i for i, r in enumerate(ix.sc.ladder) if r.war), self.n)
        self.link_p = {link.id: chain_beliefs.get(link.id, link.probability)
                       for chain in ix.sc.chains for link in chain.links}
        self._memo: dict[tuple[str, str, frozenset[str]], Cdf] = {}

    def own(self, rung: str | None) -> Cdf:
        """The cumulative vector of reaching exactly ``rung`` (nothing if None)."""
        if rung is None:
            return (1.0,) * self.n
        k = self.rung_index[rung]
        return tuple(0.0 if r < k else 1.0 for r in range(self.n))

    def of_action(self, action: str, held: frozenset[str]) -> Cdf:
        return self._cdf("action", action, held, frozenset())

    def of_incident(self, incident: str, held: frozenset[str]) -> Cdf:
        return self._cdf("incident", incident, held, frozenset())

    def of_response(self, response: str, held: frozenset[str]) -> Cdf:
        """A triggered response: it fires unless held, and when its hold fails (whether the
        next occurrence of its trigger would arm it does not matter: this one did)."""
        resp = self.ix.responses[response]
        q = resp.hold_failure_probability if response in held else 1.0
        child = self.of_action(resp.action, held)
        return tuple(1.0 - q + q * c for c in child)

    def _cdf(self, kind: str, ident: str, held: frozenset[str], stack: frozenset[str]) -> Cdf:
        key = (kind, ident, held)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        if f"{kind}:{ident}" in stack:  # a loop in the doctrine: no further escalation
            return (1.0,) * self.n
        inner = stack | {f"{kind}:{ident}"}
        if kind == "action":
            cdf = list(self.own(self.ix.actions[ident].effects.rung))
            for link in self.ix.links_after.get(ident, []):
                self._branch(cdf, self.link_p[link.id], link.then, held, inner)
        else:
            cdf = list(self.own(self.ix.incidents[ident].effects.rung))
        for resp in self.ix.responses_on.get(f"{kind}:{ident}", []):
            q = fire_chance(resp, held)
            self._branch(cdf, q, resp.action, held, inner)
        out = tuple(cdf)
        if not stack:
            self._memo[key] = out
        return out

    def _branch(self, cdf: list[float], p: float, action: str, held: frozenset[str],
                stack: frozenset[str]) -> None:
        if p <= 0.0:
            return
        child = self._cdf("action", action, held, stack)
        for r in range(self.n):
            cdf[r] *= 1.0 - p + p * child[r]

    def war_pmf(self, cdf: Cdf) -> Pmf:
        """The probability of each war rung being the highest reached (sums to P(war))."""
        out = []
        below = cdf[self.war_from - 1] if self.war_from > 0 else 0.0
        for r in range(self.war_from, self.n):
            out.append(max(cdf[r] - below, 0.0))
            below = cdf[r]
        return tuple(out)


@dataclass(frozen=True)
class Risk:
    """The war risk one actor sees in a situation.

    ``rate`` is the hazard of war per hour and ``pmf`` the rung distribution of such a war
    (summing to 1); ``lumps`` are (due second, war rung distribution) of responses already
    triggered and of known deadlines, each summing to its probability of war; only those
    falling inside the span being reckoned count.
    """

    rate: float
    pmf: Pmf
    lumps: tuple[tuple[int, Pmf], ...]
    _hash: int = field(default=0, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        # Risks key the memo of carrying on: hash each once.
        h = self._hash
        if not h:
            h = hash((self.rate, self.pmf, self.lumps))
            object.__setattr__(self, "_hash", h)
        return h


def attack_action(esc: Escalation, side: str) -> str | None:
    """What the side's enemies fear when they believe its attack imminent: the least
    violent of the military actions that start a war by themselves and that one of the
    side's deciders chooses, whatever they require now (None if it has none). A move
    only chains and responses carry out is not an attack anyone decides on: forces
    acting on their own are the incidents, weighed by the belief in the side's control."""
    ix = esc.ix
    deciders = set(ix.deciders)
    starts = [(esc.rung_index[a.effects.rung], a.id) for a in ix.sc.actions
              if a.kind == "military" and a.actor in deciders and ix.side_of.get(a.actor) == side
              and a.effects.rung is not None and esc.rung_index[a.effects.rung] >= esc.war_from]
    return min(starts)[1] if starts else None


class RiskModel:
    """Hazards and lumps of war in a pictured situation, for the leader and its counterparts."""

    def __init__(self, ix: Index, escalation: Escalation, conditions: Conditions,
                 horizon: Callable[[str], float], prior_control: dict[tuple[str, str], float]):
        self.ix = ix
        self.esc = escalation
        self.cond = conditions
        self.horizon = horizon
        self.prior_control = prior_control
        self.attack = {side: attack_action(escalation, side) for side in ix.sides}
        self._by_parts: dict[tuple[object, ...], tuple[tuple[object, ...], Risk]] = {}
        self._canon: dict[object, object] = {}
        self._incident_memo: dict[tuple[object, ...], tuple[tuple[str, bool, float, Pmf], ...]] \
            = {}
        self._lump_memo: dict[tuple[object, ...], tuple[tuple[int, Pmf], ...]] = {}
        self._hazard_memo: dict[tuple[object, ...], tuple[float, Pmf]] = {}
        self._risks: dict[Risk, Risk] = {}
        sc = ix.sc
        self.incident_flags = frozenset(
            {f for i in sc.incidents for f in (*i.requires.flags, *i.requires.not_flags)} |
            {f"happened:{i.id}" for i in sc.incidents})
        self.deadline_flags = frozenset(
            {f for d in sc.deadlines for f in (*d.unless.flags, *d.unless.not_flags)} |
            {f"expired:{d.id}" for d in sc.deadlines})
        # The memos key on what the conditions can read; where a scenario's conditions read
        # the clock (incidents) or the world beyond flags (deadlines), that joins the keys.
        self.incidents_timed = any(i.requires.after or i.requires.before
                                   for i in sc.incidents)
        self.deadlines_read_world = any(
            d.unless.postures or d.unless.min_rung or d.unless.max_rung or d.unless.after or
            d.unless.before for d in sc.deadlines)

    def risk(self, actor: str, s: Situation) -> Risk:
        """The war risk ``actor`` sees in ``s``. Each part is memoised on what it depends on
        (incidents on postures, orders, holds and the flags incidents test; lumps on the
        responses due and the deadlines' flags), since the look-ahead pictures many
        situations that differ in nothing that matters to them."""
        # A step copies the parts it leaves alone, so situations pictured one from another
        # mostly share them: a memo on the very parts (kept alive in the entry, so that their
        # ids stay theirs) finds the risk without hashing them.
        parts = (s.postures, s.orders, s.held, s.flags, s.minds, s.due)
        ident = (actor, s.level, self._when(s), *map(id, parts))
        entry = self._by_parts.get(ident)
        if entry is not None and all(map(operator.is_, entry[0], parts)):
            return entry[1]
        key = (actor, s.postures, s.orders, s.held, s.level,
               s.flags & self.incident_flags, s.minds,
               s.t if self.incidents_timed else None)
        hazard = self._hazard_memo.get(key)
        if hazard is None:
            if len(self._hazard_memo) > MEMO_LIMIT:
                self._hazard_memo.clear()
                self._canon.clear()
            hazard = self._hazard_memo[self._canonical(key)] = self._hazard(actor, s)
        risk = Risk(*hazard, self._lumps(actor, s))
        if len(self._risks) > MEMO_LIMIT:
            self._risks.clear()
        # One object per distinct risk, so that values computed from it can be shared.
        risk = self._risks.setdefault(risk, risk)
        if len(self._by_parts) > PARTS_LIMIT:
            self._by_parts.clear()
        self._by_parts[ident] = (parts, risk)
        return risk

    def _when(self, s: Situation) -> int | None:
        """The pictured instant, where the scenario's conditions make the risk depend on it."""
        return s.t if self.incidents_timed or self.deadlines_read_world else None

    def _canonical(self, key: tuple[object, ...]) -> tuple[object, ...]:
        """``key`` made of one kept instance of each equal part: the situations pictured
        hold many equal copies, and a memo that kept them all would burden the collector."""
        canon = self._canon
        return tuple([canon.setdefault(part, part) for part in key])

    def _incidents(self, s: Situation) -> tuple[tuple[str, bool, float, Pmf], ...]:
        """(side, unauthorised, rate, war rungs) of each incident that may happen in ``s``."""
        key = (s.postures, s.orders, s.held, s.level, s.flags & self.incident_flags,
               s.t if self.incidents_timed else None)
        hit = self._incident_memo.get(key)
        if hit is None:
            out = []
            for inc in self.ix.sc.incidents:
                rate = self.incident_rate(inc, s)
                pmf = self.esc.war_pmf(self.esc.of_incident(inc.id, s.held)) if rate else ()
                if rate > 0.0 and sum(pmf) > 0.0:
                    out.append((self.ix.forces[inc.force].side, not inc.authorised, rate, pmf))
            if len(self._incident_memo) > MEMO_LIMIT:
                self._incident_memo.clear()
            hit = self._incident_memo[key] = tuple(out)
        return hit

    def _hazard(self, actor: str, s: Situation) -> tuple[float, Pmf]:
        """The hazard of war per hour and its rung distribution (summing to 1)."""
        side = self.ix.side_of[actor]
        total = [0.0] * (self.esc.n - self.esc.war_from)
        for force_side, rogue, rate, pmf in self._incidents(s):
            if rogue and force_side != side:
                rate *= self._control_factor(actor, force_side, s)
            for j, p in enumerate(pmf):
                total[j] += rate * p
        for m in s.minds:
            if m.actor == actor and m.about != side and self.attack.get(m.about):
                rate = -math.log(max(1.0 - m.imminence, 1e-6)) / self.horizon(actor)
                pmf = self.esc.war_pmf(self.esc.of_action(self.attack[m.about] or "", s.held))
                for j, p in enumerate(pmf):
                    total[j] += rate * p
        lam = sum(total)
        return lam, (tuple(x / lam for x in total) if lam > 0 else tuple(0.0 for _ in total))

    def incident_rate(self, inc: schema.Incident, st: Situation) -> float:
        """Occurrences per hour of ``inc`` in the pictured situation (as the engine rates it)."""
        if f"happened:{inc.id}" in st.flags and inc.max_occurrences <= 1:
            return 0.0
        if inc.under_order is not None and not st.order_on(inc.under_order):
            return 0.0
        if not self.cond.holds(inc.requires, st):
            return 0.0
        rate = inc.hazard_per_hour
        for force, factors in inc.posture_multipliers.items():
            rate *= factors.get(st.posture(force) or "", 1.0)
        return rate

    def _control_factor(self, actor: str, side: str, s: Situation) -> float:
        """How much likelier than at the start the actor thinks the other side's rogue acts."""
        m = s.mind(actor, side)
        prior = self.prior_control.get((actor, side))
        if m is None or prior is None:
            return 1.0
        return min(max((1.0 - m.control) / max(1.0 - prior, 1e-3), 0.0), 5.0)

    def _lumps(self, actor: str, st: Situation) -> tuple[tuple[int, Pmf], ...]:
        """Responses due and deadlines the actor knows, whenever they fall (the caller keeps
        those inside the span it reckons)."""
        key = (actor, st.due, st.held, st.flags & self.deadline_flags,
               (st.postures, st.level, st.t) if self.deadlines_read_world else None)
        hit = self._lump_memo.get(key)
        if hit is not None:
            return hit
        out = [(due, self.esc.war_pmf(self.esc.of_response(resp, st.held)))
               for resp, due in st.due]
        for d in self.ix.sc.deadlines:
            if actor not in d.known_to or d.action is None or f"expired:{d.id}" in st.flags:
                continue
            if not self.cond.trivial(d.unless) and self.cond.holds(d.unless, st):
                continue
            out.append((self.ix.seconds(d.at),
                        self.esc.war_pmf(self.esc.of_action(d.action, st.held))))
        if len(self._lump_memo) > MEMO_LIMIT:
            self._lump_memo.clear()
        hit = self._lump_memo[key] = tuple(lump for lump in out if sum(lump[1]) > 0.0)
        return hit
