"""The rational-actor lens: options scored by expected utility, the other side's answer
simulated "in his shoes".

For each option of the leader, :class:`Lookahead` pictures its step (:mod:`.moves`), then
the other side's choice among its own options, scored with the utilities the leader
believes it has and made by the same logit rule; at ``depth`` 2 the leader's own answer to
that follows, and so on. Where the look-ahead stops, each side's value is that of carrying
on without a deal until its horizon (counted from the decision, the same span for every
option): the risk of war from incidents, responses, deadlines and the attack it fears
(:mod:`.risk`), else staying unresolved; an offer still on the
table, unless its addressee already passed on it, is then taken with the logit probability
of its being worth more than that, the settlement coming when the acceptance arrives.

Values are vectors of utility terms (:mod:`.values`), so the finished look-ahead can be
weighed by the leader, its advisers, or both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from brinkmanship.engine.index import Index
from brinkmanship.policies.base import Option
from brinkmanship.policies.moves import WAIT, Moves, Step
from brinkmanship.policies.risk import Risk, RiskModel
from brinkmanship.policies.situation import Pending, Situation
from brinkmanship.policies.values import (
    ALLIANCE,
    ORDERS,
    Stakes,
    Vec,
    add,
    add_scaled,
    discounted,
    dot,
    mix,
    scale,
    scaled_add,
)

Pair = tuple[Vec, Vec]
MEMO_LIMIT = 10_000
"""Pictured nodes and leaves kept per look-ahead before its memo starts afresh (memory)."""
NODE_BUDGET = 20_000
"""The most replies one decision pictures ("in his shoes", at every depth): deep look-aheads
over many options would otherwise grow as options ** depth. Built-in decisions need a few
dozen at most (see ``Lookahead.peak``)."""


def logit(precision: float, scores: Sequence[float]) -> list[float]:
    """Quantal-response choice probabilities: ``p_i ∝ exp(precision × score_i)``."""
    top = max(scores)
    if precision <= 0.0:
        return [1.0 / len(scores)] * len(scores)
    weights = [math.exp(max(precision * (x - top), -700.0)) for x in scores]
    total = sum(weights)
    return [w / total for w in weights]


def quantal(precision: float, scores: Sequence[float], inertia: float) -> list[float]:
    """Choice probabilities over options whose last is waiting: a two-level (nested) logit.

    Whether to act at all is a logit between waiting and the best other option less
    ``inertia``; which option, if acting, a logit among the others. Judging "act or wait"
    by the best option, not by how many there are, keeps a crowd of trivial options from
    making a leader busy (the duplicates problem of plain logit; McFadden 1978). With a
    very high precision this picks the expected-utility maximum (when it beats waiting by
    ``inertia``).
    """
    if len(scores) == 1:
        return [1.0]
    acting = scores[:-1]
    act = logit(precision, [max(acting) - inertia, scores[-1]])[0]
    return [act * p for p in logit(precision, acting)] + [1.0 - act]


@dataclass(frozen=True)
class Player:
    """One side of the look-ahead, as the leader models it."""

    actor: str
    stakes: Stakes
    weights: Vec
    rationality: float
    horizon_hours: float
    rho: float
    order_values: tuple[tuple[str, float], ...]
    leader: str
    posture_values: tuple[tuple[str, str, float], ...] = ()
    inertia: float = 0.0

    def orders_per_hour(self, s: Situation) -> float:
        """What the orders in force and the postures held are worth per hour to the player."""
        if not self.order_values and not self.posture_values:
            return 0.0
        # Looked up in mappings, not scanned for each value (a situation has each order and
        # force once, so the two agree).
        on = dict(s.orders) if self.order_values else {}
        held = dict(s.postures) if self.posture_values else {}
        return sum(v for order, v in self.order_values if on.get(order, False)) + \
            sum(v for force, posture, v in self.posture_values if held.get(force) == posture)


class _Here(NamedTuple):
    """What one player reckons in one pictured situation: the war risk it sees there (its
    hazard's rung distribution valued, and each lump's due second, probability of war and
    value), and what its orders and postures in force are worth per hour."""

    risk: Risk
    war: Vec
    lumps: tuple[tuple[int, float, Vec], ...]
    per_hour: float


@dataclass(frozen=True)
class Reply:
    """The other side's most likely answer to an option, and how likely it is."""

    option: str
    probability: float


class Lookahead:
    """The expected utility of options for ``me`` against ``other``, to a given depth."""

    def __init__(self, ix: Index, moves: Moves, risk: RiskModel, me: Player, other: Player,
                 depth: int):
        self.ix = ix
        self.moves = moves
        self.risk = risk
        self.players = (me, other)
        self.depth = depth
        self.end_s = ix.seconds(ix.sc.scenario.end)
        self.root_t = 0
        self._until: tuple[float, ...] = ()
        """Where each player's horizon ends, reckoned from the decision being weighed."""
        self._nodes: dict[tuple[Situation, int, int, int], tuple[Pair, Reply | None]] = {}
        self._leaves: dict[tuple[Situation, int], Pair] = {}
        self._carried: dict[tuple[object, ...], Vec] = {}
        self._replies: dict[Reply, Reply] = {}
        self._first: dict[tuple[Situation, Option], Step] = {}
        self._settled: dict[tuple[object, ...], tuple[int, Pair] | None] = {}
        self._here: tuple[dict[Situation, _Here], dict[Situation, _Here]] = ({}, {})
        self._spent = 0
        """Nodes worked out for the decision being weighed (see :data:`NODE_BUDGET`)."""
        self.peak = 0
        """The most nodes any one decision has needed so far."""

    def option(self, s: Situation, opt: Option, depth: int | None = None
               ) -> tuple[Pair, Reply | None]:
        """The value pair (mine, the other's) of taking ``opt`` now, and the likely reply,
        looking ``depth`` replies ahead (the look-ahead's own depth unless given)."""
        return self._after(s, self.first_step(s, opt), 1, self.depth if depth is None else depth)

    def first_step(self, s: Situation, opt: Option) -> Step:
        """The step ``opt`` takes from ``s``, the decision being weighed (the memos are
        reckoned from its time)."""
        if s.t != self.root_t or not self._until:
            self.root_t = s.t
            self._spent = 0
            self._until = tuple(min(s.t + pl.horizon_hours * 3600, self.end_s)
                                for pl in self.players)
            self._forget()
        elif len(self._nodes) + len(self._leaves) + len(self._first) > MEMO_LIMIT:
            self._forget()
        # An option glanced at and then thought through takes the same first step.
        step = self._first.get((s, opt))
        if step is None:
            step = self._first[(s, opt)] = self.moves.step(s, self.players[0].actor,
                                                           WAIT if opt == WAIT else opt)
        return step

    def answer(self, s: Situation, opt: Option) -> Pair:
        """The value pair of the other side answering with ``opt`` in ``s`` (a situation
        after a first step), the leader answering in turn to the look-ahead's depth."""
        step = self.moves.step(s, self.players[1].actor, opt)
        return self._after(s, step, 0, self.depth - 1)[0]

    def ending(self, s: Situation, step: Step, k: int, conts: list[tuple[float, Pair]]) -> Vec:
        """Player ``k``'s value of a first ``step`` from ``s`` whose branches lead to the
        value pairs ``conts`` (as the look-ahead reckons the rest of a step)."""
        return self._ending(s, step, k, conts)

    def _forget(self) -> None:
        """Drop what serves one decision only. Nodes, leaves and the values of carrying on
        are reckoned from the decision's time, so a decision at another time finds none of
        them again; what the players reckon at the nodes, and the first steps, are shared by
        the options of one decision. Keeping them would only burden memory and the
        collector."""
        self._nodes.clear()
        self._leaves.clear()
        self._carried.clear()
        for here in self._here:
            here.clear()
        self._first.clear()

    # -- the tree ------------------------------------------------------------------------
    def _node(self, s: Situation, mover: int, depth: int) -> tuple[Pair, Reply | None]:
        key = (s, mover, depth, self.root_t)
        hit = self._nodes.get(key)
        if hit is not None:
            return hit
        self._spent += 1
        self.peak = max(self.peak, self._spent)
        player = self.players[mover]
        options = [*self.moves.options(s, player.actor), WAIT]
        values = [self._after(s, self.moves.step(s, player.actor, o), 1 - mover, depth - 1)[0]
                  for o in options]
        probs = quantal(player.rationality, [dot(player.weights, v[mover]) for v in values],
                        player.inertia)
        mine, theirs = self.players[0].stakes.zero, self.players[1].stakes.zero
        for p, (a, b) in zip(probs, values, strict=True):
            mine = add_scaled(mine, a, p)
            theirs = add_scaled(theirs, b, p)
        best = max(range(len(options)), key=lambda i: probs[i])
        key_text = "wait" if options[best] == WAIT else options[best].key
        reply = Reply(key_text, round(probs[best], 3))
        # Finished tables outlive the look-ahead: one instance of each reply is kept.
        if len(self._replies) > MEMO_LIMIT:
            self._replies.clear()
        out = ((mine, theirs), self._replies.setdefault(reply, reply))
        self._nodes[key] = out
        return out

    def _after(self, s: Situation, step: Step, mover: int, depth: int
               ) -> tuple[Pair, Reply | None]:
        """Value of ``step`` taken in ``s``, then ``mover`` to answer with ``depth`` left."""
        reply: Reply | None = None
        conts: list[tuple[float, Pair]] = []
        for p, nxt in step.branches:
            # Past the budget the replies are no longer pictured: what remains is valued
            # as it stands, so one decision costs a bounded number of nodes.
            if depth >= 1 and self._spent < NODE_BUDGET:
                pair, r = self._node(nxt, mover, depth)
                reply = reply or r
            else:
                pair = self._leaf(nxt)
            conts.append((p, pair))
        return (self._ending(s, step, 0, conts), self._ending(s, step, 1, conts)), reply

    def _ending(self, s: Situation, step: Step, k: int, conts: list[tuple[float, Pair]]) -> Vec:
        """One player's value of a step: its ending, discounted, after the risk of transit."""
        pl = self.players[k]
        if step.settle is not None:
            v = pl.stakes.settlement(step.settle, s.proposed_by(pl.leader))
        else:
            v = pl.stakes.war(step.war, self.risk.esc.war_from) if step.war else pl.stakes.zero
            for p, pair in conts:
                v = add_scaled(v, pair[k], p)
        v = discounted(v, step.hours, pl.rho, pl.stakes.unresolved)
        v = self._transit(s, k, step.hours, v)
        if step.acts:
            v = add(v, pl.stakes.acts(step.acts))
        if not step.costs:
            return v
        cost = sum(c for who, c in step.costs if who == pl.stakes.holder)
        return add(v, pl.stakes.term(ALLIANCE, -cost)) if cost else v

    def _transit(self, s: Situation, k: int, hours: float, v: Vec) -> Vec:
        """``v`` reached only if no war breaks out in the ``hours`` it takes to get there."""
        if hours <= 0.0:
            return v
        here = self._here_for(s, k)
        p = 1.0 - math.exp(-here.risk.rate * hours)
        out = mix(v, here.war, p)
        until = s.t + hours * 3600
        for due, q, war in here.lumps:
            if s.t <= due <= until:
                out = scaled_add(out, 1.0 - q, war)
        per_hour = here.per_hour
        return add(out, self.players[k].stakes.term(ORDERS, per_hour * hours)) if per_hour \
            else out

    def _here_for(self, s: Situation, k: int) -> _Here:
        """What player ``k`` reckons in ``s`` whatever the step: shared by every option taken
        there."""
        memo = self._here[k]
        here = memo.get(s)
        if here is None:
            pl = self.players[k]
            risk = self.risk.risk(pl.actor, s)
            war_from = self.risk.esc.war_from
            here = memo[s] = _Here(
                risk, pl.stakes.war(risk.pmf, war_from),
                tuple((due, sum(pmf), pl.stakes.war(pmf, war_from)) for due, pmf in risk.lumps),
                pl.orders_per_hour(s))
        return here

    def _leaf(self, s: Situation) -> Pair:
        hit = self._leaves.get((s, self.root_t))
        if hit is None:
            base = [self.carry_on(s, k) for k in (0, 1)]
            hit = self._leaves[(s, self.root_t)] = self._offers_taken(s, base[0], base[1])
        return hit

    def carry_on(self, s: Situation, k: int) -> Vec:
        """Player ``k``'s value of carrying on without a deal until its horizon, reckoned from
        the decision being weighed, so that every option is judged over the same span."""
        pl = self.players[k]
        until = self._until[k]
        hours = (until - s.t) / 3600
        if hours <= 0.0:
            return pl.stakes.unresolved
        risk = self.risk.risk(pl.actor, s)
        key = (pl.actor, risk, s.t, until, pl.orders_per_hour(s))
        hit = self._carried.get(key)
        if hit is None:
            if len(self._carried) > MEMO_LIMIT:
                self._carried.clear()
            hit = self._carried[key] = self._carry_on(pl, risk, s.t, until, hours, key[-1])
        return hit

    def _carry_on(self, pl: Player, risk: Risk, t: int, until: float, hours: float,
                  per_hour: float) -> Vec:
        unres = pl.stakes.unresolved
        lam, rho = risk.rate, pl.rho
        k = lam / (lam + rho) * (1.0 - math.exp(-(lam + rho) * hours)) if lam + rho > 0 else 0.0
        v = mix(unres, pl.stakes.war(risk.pmf, self.risk.esc.war_from), k)
        for due, pmf in risk.lumps:
            if t <= due <= until:
                q = sum(pmf)
                v = add(scale(v, 1.0 - q),
                        pl.stakes.war(pmf, self.risk.esc.war_from))
        if per_hour:
            in_force = (1.0 - math.exp(-lam * hours)) / lam if lam > 0 else hours
            v = add(v, pl.stakes.term(ORDERS, per_hour * in_force))
        return v

    def _taking(self, s: Situation, offer: Pending) -> tuple[int, Pair] | None:
        """Which player ``offer`` is addressed to, and both players' values of settling on it
        in ``s`` (None if it is addressed to neither)."""
        key = (offer, s.assured, s.proposals)
        if key in self._settled:
            return self._settled[key]
        k = next((i for i, pl in enumerate(self.players) if pl.actor == offer.recipient), None)
        out: tuple[int, Pair] | None = None
        if k is not None:
            agreed = self.moves.agreed(s, offer, False)
            a, b = (pl.stakes.settlement(agreed, s.proposed_by(pl.leader))
                    for pl in self.players)
            out = (k, (a, b))
        if len(self._settled) > MEMO_LIMIT:
            self._settled.clear()
        self._settled[key] = out
        return out

    def _answered(self, s: Situation, offer: Pending, settle: Pair) -> Pair:
        """Both players' values of a settlement on ``offer`` made by its acceptance in
        ``s``: reached once the acceptance arrives, after its channel's latency, as when the
        look-ahead pictures the acceptance itself. Without the delay the last offer in
        sight would be worth more than an offer answered inside the look-ahead."""
        channel = self.moves.answer_channel(offer, s)
        hours = self.ix.channels[channel].latency.median_hours if channel is not None else 0.0
        if hours <= 0.0:
            return settle
        mine, theirs = (self._transit(s, k, hours, discounted(v, hours, pl.rho,
                                                              pl.stakes.unresolved))
                        for k, (pl, v) in enumerate(zip(self.players, settle, strict=True)))
        return mine, theirs

    def _offers_taken(self, s: Situation, mine: Vec, theirs: Vec) -> Pair:
        """Where the look-ahead stops, the best offer on the table to either player is taken
        with the logit probability of its acceptance (which settles when it arrives) being
        worth more than carrying on."""
        base = (mine, theirs)
        best: tuple[float, Pair] | None = None
        for offer in s.offers:
            if offer.id in s.declined:
                continue
            taken = self._taking(s, offer)
            if taken is None:
                continue
            k, settle = taken
            settle = self._answered(s, offer, settle)
            pl = self.players[k]
            gain = dot(pl.weights, settle[k]) - dot(pl.weights, base[k])
            p = quantal(pl.rationality, [gain, 0.0], pl.inertia)[0]
            if best is None or p * gain > best[0]:
                best = (p * gain, (mix(mine, settle[0], p), mix(theirs, settle[1], p)))
        return base if best is None else best[1]

