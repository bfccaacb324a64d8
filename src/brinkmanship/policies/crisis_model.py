"""One actor's compiled model of a crisis: what its default decision-maker reasons with.

A :class:`CrisisModel` is built once per (scenario, actor) from the scenario without its
history, and shared by every run of that scenario in the process: it holds the actor's
decision-model parameters, the escalation it believes, the moves it pictures, its
counterparts, and a cache of finished look-aheads keyed by pictured situation. The cache
only saves work: what it returns is a pure function of its key, so runs stay
deterministic whatever ran before them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from brinkmanship.engine.index import Index
from brinkmanship.engine.world import type_flag
from brinkmanship.policies.advisers import Council
from brinkmanship.policies.base import Option
from brinkmanship.policies.expected_utility import Lookahead, Player, Reply
from brinkmanship.policies.hidden_types import Belief, Reader, Types, mixed
from brinkmanship.policies.moves import WAIT, Moves
from brinkmanship.policies.picture import Picture
from brinkmanship.policies.risk import Escalation, RiskModel
from brinkmanship.policies.situation import Conditions, Situation
from brinkmanship.policies.values import WAR, Stakes, Vec, dot, weights_vec
from brinkmanship.scenario.schema import DecisionModel, Scenario

CACHE_LIMIT = 5_000
LOOKAHEAD_LIMIT = 8


@dataclass(frozen=True)
class Row:
    """One option in a finished look-ahead: against whom, its value terms, the likely reply,
    and whether the leader thought it through (only those can be chosen)."""

    option: Option
    versus: str
    value: Vec
    reply: Reply | None
    considered: bool = True
    by_type: tuple[tuple[str, float, Reply | None], ...] = ()
    """Against a typed side: each type, the belief in it, and its pictured reply."""
    read_as: Belief = ()
    """For a typed actor's deed the other reads: its belief over the actor's types, as
    pictured, once it has seen the deed (empty where the deed tells it nothing)."""


class CrisisModel:
    """The crisis as ``actor`` reasons about it."""

    def __init__(self, scenario: Scenario, actor: str):
        ix = self.ix = Index(scenario)
        self.actor = actor
        self.side = ix.side_of[actor]
        self.dms = {dm.actor: dm for dm in scenario.decision_models}
        self.dm = self.decision_model(actor)
        self.holder = {a: self._holder(a) for a in ix.actors}
        self.counterparts = [x.leader for x in scenario.sides
                             if x.id != self.side and x.principal]
        self.cond = Conditions(ix)
        self.esc = Escalation(ix, self._chain_beliefs())
        priors = {(b.actor, b.about): b.control for b in scenario.beliefs}
        self.risk = RiskModel(ix, self.esc, self.cond,
                              lambda a: self.decision_model(a).horizon_hours, priors)
        self.picture = Picture(ix, actor, self.counterparts)
        review = {a: self.decision_model(a).review_hours for a in ix.actors}
        self.moves = Moves(ix, self.esc, self.cond, self.holder, review, self.picture.relevant,
                           self.picture.lapses)
        self.council = Council(ix, actor, self.dm)
        self.scheduled = any(dp.actor == actor for dp in scenario.decision_points)
        self._stakes: dict[tuple[str, str | None], Stakes] = {}
        self._lookaheads: dict[tuple[object, ...], Lookahead] = {}
        self._readers: dict[tuple[object, ...], Reader] = {}
        self._tables: dict[tuple[object, ...], list[Row]] = {}
        self._options: dict[Option, Option] = {}

    def decision_model(self, actor: str) -> DecisionModel:
        dm = self.dms.get(actor) or self.dms.get(self._leader(actor))
        return dm or DecisionModel(actor=actor, assumption="defaults")

    def _leader(self, actor: str) -> str:
        a = self.ix.actors[actor]
        return a.serves or self.ix.leader_of[a.side]

    def _holder(self, actor: str) -> str:
        """Whose utility an actor pursues: its own, else its leader's."""
        if actor in self.ix.utilities:
            return actor
        return self._leader(actor)

    def _chain_beliefs(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for b in self.ix.sc.beliefs:
            if b.actor in (self.actor, self.holder[self.actor]):
                out.update(b.chain_beliefs)
        return out

    def stakes(self, actor: str, side_type: str | None = None) -> Stakes:
        """What ``actor`` pursues: its holder's utility, that of ``side_type`` if given."""
        holder = self.holder[actor]
        key = (holder, side_type)
        if key not in self._stakes:
            utility = self.ix.type_utility(holder, side_type) if side_type else None
            self._stakes[key] = Stakes.of(self.ix, holder, utility)
        return self._stakes[key]

    # -- evaluation ----------------------------------------------------------------------
    def consulted(self, opt: Option, s: Situation) -> bool:
        """Whether ``opt`` is a matter for the leader's council: an answer to an offer (a
        draft that counters one included) or a military action."""
        if opt.kind in ("accept", "accept_part", "reject"):
            return True
        if opt.kind == "act":
            return self.ix.actions[opt.target].kind == "military"
        if opt.kind == "send":
            pending = {o.id for o in s.offers if o.recipient == self.actor}
            return bool(pending.intersection(self.ix.messages[opt.target].replies_to))
        return False

    def undominated(self, options: tuple[Option, ...]) -> tuple[Option, ...]:
        """The options less those dominated: the same answer over a slower channel of the
        same visibility (it says the same thing later)."""
        best: dict[tuple[object, ...], tuple[float, Option]] = {}
        out: list[Option] = []
        for opt in options:
            if opt.kind not in ("accept", "accept_part", "reject") or opt.channel is None:
                out.append(opt)
                continue
            ch = self.ix.channels[opt.channel]
            key = (opt.kind, opt.target, opt.issues, ch.visibility)
            cand = (ch.latency.median_hours, opt)
            if key not in best or cand < best[key]:
                best[key] = cand
        return tuple(out) + tuple(sorted(o for _, o in best.values()))

    def evaluate(self, s: Situation, options: tuple[Option, ...], weights: Vec,
                 types: Types | None = None) -> list[Row]:
        """The look-ahead value of each option (and of waiting, last) in ``s``; ``types``:
        what the actor knows and believes of hidden types, where the scenario has any."""
        key = (s, options, weights, types)
        hit = self._tables.get(key)
        if hit is None:
            if len(self._tables) > CACHE_LIMIT:
                self._tables.clear()
                self._lookaheads.clear()
                self._options.clear()
            # Every decision brings equal options anew: the tables keep one of each, which
            # spares the collector thousands of copies.
            options = tuple([self._options.setdefault(o, o) for o in options])
            hit = self._tables[(s, options, weights, types)] = self._rows(
                s, (*options, WAIT), weights, types)
        return hit

    def _rows(self, s: Situation, options: tuple[Option, ...], weights: Vec,
              types: Types | None = None) -> list[Row]:
        """Every option at a first glance (no reply pictured); then the ``considered`` best
        of them, and waiting, thought through in the other side's shoes. The leader chooses
        among those only; the others keep their first-glance value, marked unconsidered."""
        wait = len(options) - 1
        if wait <= self.dm.considered:  # everything will be thought through anyway
            return [self._row(s, o, weights, None, types) for o in options]
        glance = [self._row(s, o, weights, 0, types) for o in options]
        ranked = sorted(range(wait), key=lambda i: (-dot(weights, glance[i].value), i))
        deep = set(ranked[:self.dm.considered]) | {wait}
        return [self._row(s, o, weights, None, types) if i in deep else
                replace(glance[i], considered=False) for i, o in enumerate(options)]

    def _row(self, s: Situation, opt: Option, weights: Vec, depth: int | None,
             types: Types | None = None) -> Row:
        versus = self.versus(s, opt)
        if types is None:
            look = self.lookahead(s, versus, weights)
            (mine, _), reply = look.option(s, opt, depth)
            return Row(opt, versus, mine, reply)
        other_side = self.ix.side_of[versus]
        belief = types.about(other_side)
        if belief is not None and versus == self.ix.leader_of[other_side]:
            return self._against_types(s, opt, weights, depth, types, versus, belief)
        look = self.lookahead(s, versus, weights, types.mine)
        if types.mine is not None and types.read_as is not None and depth != 0 and \
                versus != self.actor and self.dm.type_levels > 1:
            reader = self.reader(s, versus, weights, types.mine)
            read = reader.read_of(s, types.read_as, opt)
            (mine, _), reply = reader.weigh(s, opt, types.mine, read)
            return Row(opt, versus, mine, reply, read_as=read if read != types.read_as else ())
        (mine, _), reply = look.option(s, opt, depth)
        return Row(opt, versus, mine, reply)

    def _against_types(self, s: Situation, opt: Option, weights: Vec, depth: int | None,
                       types: Types, versus: str, belief: Belief) -> Row:
        """The option's value against each type of the other side, weighed by belief."""
        side = self.ix.side_of[versus]
        parts: list[tuple[float, Vec, Reply | None]] = []
        for k, p in belief:
            if p <= 0.0:
                continue
            look = self.lookahead(s, versus, weights, types.mine, k)
            (mine, _), reply = look.option(self.as_type(s, side, k), opt, depth)
            parts.append((p, mine, reply))
        value, reply = mixed(parts)
        named_parts = tuple((k, p, r) for (k, p), (_, _, r) in
                            zip([kp for kp in belief if kp[1] > 0.0], parts, strict=True))
        return Row(opt, versus, value, reply, by_type=named_parts)

    def as_type(self, s: Situation, side: str, side_type: str) -> Situation:
        """``s`` pictured with ``side`` of ``side_type``: its type's flag set, where some
        condition tests it."""
        flag = type_flag(side, side_type)
        if flag not in self.picture.relevant or flag in s.flags:
            return s
        return s.but(flags=s.flags | {flag})

    def reader(self, s: Situation, receiver: str, weights: Vec, mine: str) -> Reader:
        """The actor, of type ``mine``, and ``receiver`` reading its deeds: the actor's
        players for each of its side's types, the receiver as it pictures it."""
        mind = s.mind(self.actor, self.ix.side_of[receiver])
        resolve = mind.resolve if mind is not None else 0.0
        key = ("sender", receiver, weights, resolve)
        hit = self._readers.get(key)
        if hit is None:
            kinds = self.ix.types[self.side]
            senders = tuple((k.id, self.player(self.actor, weights, k.id)) for k in kinds)
            hit = self._keep(key, Reader(self.ix, self.moves, self.risk, senders,
                                         self.opponent(receiver, resolve), self.dm.depth,
                                         self.dm.type_levels))
        return hit

    def reading(self, s: Situation, sender: str, weights: Vec, mine: str | None) -> Reader:
        """``sender``, a typed side's leader, as the actor pictures it in each of its types,
        and the actor reading its deeds."""
        side = self.ix.side_of[sender]
        mind = s.mind(self.actor, side)
        resolve = mind.resolve if mind is not None else 0.0
        key = ("reader", sender, weights, resolve, mine)
        hit = self._readers.get(key)
        if hit is None:
            senders = tuple((k.id, self.opponent(sender, resolve, k.id))
                            for k in self.ix.types[side])
            hit = self._keep(key, Reader(self.ix, self.moves, self.risk, senders,
                                         self.player(self.actor, weights, mine),
                                         self.decision_model(sender).depth,
                                         self.dm.type_levels))
        return hit

    def _keep(self, key: tuple[object, ...], reader: Reader) -> Reader:
        if len(self._readers) >= LOOKAHEAD_LIMIT:
            self._readers.clear()
        self._readers[key] = reader
        return reader

    def versus(self, s: Situation, opt: Option) -> str:
        """Whose answer the actor pictures: for a message, the leader of the addressee's side
        (an envoy carries it to the one who decides on the offers on the table); for an
        answer, the offerer; else its main counterpart (itself where it has none, and then
        the look-ahead stops there)."""
        ix = self.ix
        if opt.kind == "send" and opt.target in ix.messages:
            to = ix.messages[opt.target].recipient
            if ix.side_of[to] != self.side:
                return ix.leader_of[ix.side_of[to]]
        if opt.kind in ("accept", "accept_part", "reject"):
            offer = next((o for o in s.offers if o.id == opt.target), None)
            if offer is not None:
                return offer.sender
        return self.counterparts[0] if self.counterparts else self.actor

    def lookahead(self, s: Situation, versus: str, weights: Vec, mine: str | None = None,
                  theirs: str | None = None) -> Lookahead:
        """The look-ahead against ``versus``; ``mine``, ``theirs``: the hidden types of the
        actor's side and of the other's, where pictured."""
        other_side = self.ix.side_of[versus]
        mind = s.mind(self.actor, other_side)
        resolve = mind.resolve if mind is not None else 0.0
        key = (versus, weights, resolve) if mine is None and theirs is None else \
            (versus, weights, resolve, mine, theirs)
        look = self._lookaheads.get(key)
        if look is None:
            if len(self._lookaheads) >= LOOKAHEAD_LIMIT:
                self._lookaheads.clear()
            me = self.player(self.actor, weights, mine)
            other = self.opponent(versus, resolve, theirs)
            depth = self.dm.depth if versus != self.actor else 0
            look = self._lookaheads[key] = Lookahead(self.ix, self.moves, self.risk, me, other,
                                                     depth)
        return look

    def player(self, actor: str, weights: Vec, side_type: str | None = None) -> Player:
        dm = self.decision_model(actor)
        mine = actor == self.actor
        orders = tuple(sorted(dm.order_values.items())) if mine else ()
        postures = tuple(sorted((f, p, v) for f, table in dm.posture_values.items()
                                for p, v in table.items())) if mine else ()
        return Player(actor, self.stakes(actor, side_type), weights, dm.rationality,
                      dm.horizon_hours,
                      -math.log(dm.discount_per_hour), orders,
                      self.ix.leader_of[self.ix.side_of[actor]], postures, dm.inertia)

    def opponent(self, actor: str, resolve: float, side_type: str | None = None) -> Player:
        """The other side as the leader imagines it: its declared weights, seen through the
        leader's opponent weights; the more resolute the leader believes it, the less it
        fears war."""
        own = weights_vec(self.decision_model(actor).weights)
        seen = weights_vec(self.dm.opponent_weights)
        w = [a * b for a, b in zip(own, seen, strict=True)]
        w[WAR] *= 1.0 - resolve * (1.0 - self.dm.firm_war_weight)
        base = self.player(actor, tuple(w), side_type)
        # Only the other's weighed value matters to the look-ahead: fold its terms at once.
        return replace(base, stakes=base.stakes.folded(base.weights), weights=(1.0,))


_MODELS: dict[tuple[object, ...], tuple[tuple[object, ...], CrisisModel]] = {}


def crisis_model(scenario: Scenario, actor: str) -> CrisisModel:
    """The shared model of ``actor`` in ``scenario`` (rebuilt when any section changes)."""
    parts = tuple(getattr(scenario, name) for name in type(scenario).model_fields
                  if name != "history")
    key = (tuple(id(p) for p in parts), actor)
    hit = _MODELS.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], parts, strict=True)):
        return hit[1]
    if len(_MODELS) > 64:
        _MODELS.clear()
    model = CrisisModel(scenario, actor)
    _MODELS[key] = (parts, model)
    return model
