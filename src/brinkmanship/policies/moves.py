"""What each option does to the pictured crisis: the leader's own model of the mechanics.

:class:`Moves` lists an actor's options in a pictured :class:`Situation` and turns any
option into a :class:`Step`: how long it takes (a message's median latency, an action's
duration, an order's median delay), whether it settles the crisis or may start a war, the
situations it may lead to otherwise (an order change obeyed or not), and the alliance costs
it draws. It follows the engine's rules (docs/engine-semantics.md) with expected delays
instead of random ones, and no distortion.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from itertools import combinations

from brinkmanship.engine.index import Index
from brinkmanship.mechanics.perception import shifted
from brinkmanship.policies.base import Option
from brinkmanship.policies.risk import Escalation, Pmf
from brinkmanship.policies.situation import Conditions, Mind, Pairs, Pending, Situation
from brinkmanship.scenario import schema

PMF_LIMIT = 10_000
"""War distributions of actions kept, by action and holds, before the memo starts afresh."""

WAIT = Option("send", "")  # stands for waiting inside the look-ahead; never sent to the engine


@dataclass(frozen=True)
class Step:
    """The consequences of one option.

    After ``hours`` the option either settles on ``settle`` (agreed terms), or starts a war
    with the unconditional rung distribution ``war``, or else leaves one of ``branches``
    (probability, situation). ``costs`` are alliance costs by utility holder.
    """

    hours: float
    settle: dict[str, str] | None = None
    war: Pmf | None = None
    branches: tuple[tuple[float, Situation], ...] = ()
    costs: tuple[tuple[str, float], ...] = ()
    acts: tuple[str, ...] = ()


class Moves:
    """The options of any actor in a pictured situation, and their steps."""

    def __init__(self, ix: Index, esc: Escalation, cond: Conditions, holder: dict[str, str],
                 review_hours: dict[str, float], relevant: frozenset[str],
                 lapses: dict[str, int]):
        self.ix = ix
        self.esc = esc
        self.cond = cond
        self.holder = holder
        self.review = review_hours
        self.relevant = relevant
        self.lapses = lapses
        self.lapse_times = sorted(set(lapses.values()))
        sc = ix.sc
        self.drafts = {a: [m for m in sc.messages if m.sender == a and
                           m.id not in ix.reaction_drafts] for a in ix.actors}
        self.acts = {a: [x for x in sc.actions if x.actor == a and x.kind == "military"]
                     for a in ix.actors}
        self.weight = sc.perception.authority_weights
        self.bias = {(b.actor, b.about): b.threat_bias for b in sc.beliefs}
        self.opens = {c.id: (ix.seconds(c.opens) if c.opens else None) for c in sc.channels}
        self._pmfs: dict[tuple[str, frozenset[str]], Pmf] = {}
        utilities = [*sc.utilities, *(u for x in sc.sides for k in x.types for u in k.utilities)]
        self.costly = frozenset(a for u in utilities for a in u.action_costs)
        """Actions some utility puts a cost on (steps name them, for the stakes to price)."""

    # -- options -------------------------------------------------------------------------
    def options(self, s: Situation, actor: str) -> list[Option]:
        """The replies pictured for a player of the look-ahead: its drafts, its answers to
        offers, its military actions (posture and political moves are housekeeping, weighed
        only when the actor itself decides)."""
        out = [Option("send", m.id) for m in self.drafts[actor]
               if f"sent:{m.id}" not in s.flags and self.is_open(m.channel, s)
               and self.cond.holds(m.requires, s)]
        for offer in s.offers:
            if offer.recipient == actor:
                out.extend(self.answers(s, offer))
        out.extend(Option("act", a.id) for a in self.acts[actor]
                   if (a.repeatable or f"done:{a.id}" not in s.flags)
                   and self.cond.holds(a.requires, s))
        return out

    def answers(self, s: Situation, offer: Pending) -> list[Option]:
        """The answers pictured for a player of the look-ahead: acceptance, and counters
        that strike one issue, over the channel the offer came by (else the fastest open
        one). The leader's own options, at the root, are all the engine offers."""
        ch = self.answer_channel(offer, s)
        if ch is None:
            return []
        issues = sorted(i for i, _ in offer.terms)
        out = [Option("accept", offer.id, ch)]
        if len(issues) > 1:
            out.extend(Option("accept_part", offer.id, ch, part)
                       for part in combinations(issues, len(issues) - 1))
        return out

    def answer_channel(self, offer: Pending, s: Situation) -> str | None:
        shared = [ch for ch in self.ix.answer_channels(offer.recipient, offer.sender)
                  if self.is_open(ch, s)]
        if offer.channel in shared:
            return offer.channel
        return min(shared, key=lambda c: (self.ix.channels[c].latency.median_hours, c),
                   default=None)

    def is_open(self, channel: str, s: Situation) -> bool:
        opens = self.opens[channel]
        return opens is None or s.t >= opens

    # -- steps ---------------------------------------------------------------------------
    def step(self, s: Situation, actor: str, opt: Option) -> Step:
        """What ``opt``, taken by ``actor`` in ``s``, leads to.

        Offers to ``actor`` that ``opt`` does not answer count as passed on: where the
        look-ahead stops they are not taken (the actor chose not to take them now).
        """
        step = self._step(s, actor, opt)
        passed = frozenset(o.id for o in s.offers if o.recipient == actor and
                           not (opt.kind in ("accept", "accept_part") and opt.target == o.id))
        if not passed or not step.branches:
            return step
        # Built directly: ``dataclasses.replace`` would cost several times as much.
        return Step(step.hours, step.settle, step.war,
                    tuple((p, _passed_on(b, passed)) for p, b in step.branches), step.costs,
                    step.acts)

    def _step(self, s: Situation, actor: str, opt: Option) -> Step:
        if opt == WAIT:
            hours = self.review.get(actor, 3.0)
            return Step(hours, branches=((1.0, self.elapse(s, hours)),))
        kind = opt.kind
        if kind == "send":
            return self._send(s, self.ix.messages[opt.target])
        if kind in ("accept", "accept_part", "reject"):
            return self._answer(s, actor, opt)
        if kind == "act":
            return self._act(s, self.ix.actions[opt.target])
        if kind in ("hold", "release"):
            held = s.held | {opt.target} if kind == "hold" else s.held - {opt.target}
            return Step(0.0, branches=((1.0, s.but(held=held)),))
        return self._order(s, opt)

    def _send(self, s: Situation, msg: schema.Message) -> Step:
        ch = self.ix.channels[msg.channel]
        hours = ch.latency.median_hours
        public = ch.visibility == "public" or msg.released
        after = self.elapse(s, hours)
        flags = set(after.flags) | {f for f in (f"sent:{msg.id}", f"delivered:{msg.id}")
                                    if f in self.relevant}
        offers = tuple(o for o in after.offers if o.id not in msg.replies_to)
        if msg.kind == "offer":
            offers += (Pending(msg.id, msg.sender, msg.recipient, _pairs(msg.terms),
                               _pairs(msg.private_terms), public, msg.channel),)
        assured, proposals = after.assured, after.proposals
        if msg.kind == "assurance" and msg.private_terms:
            sides = (self.ix.side_of[msg.sender], self.ix.side_of[msg.recipient])
            assured = tuple(sorted({*assured, *((*sides, i, o) for i, o in
                                                 msg.private_terms.items())}))
        if msg.kind == "offer" and public and msg.terms:
            proposals = self._propose(proposals, msg.sender, msg.terms)
        after = after.but(flags=frozenset(flags), offers=offers, assured=assured,
                        proposals=proposals)
        after = self._perceive(after, msg.sender, msg.signals, ch.authority, msg.recipient,
                               public)
        costs: tuple[tuple[str, float], ...] = ()
        if public and msg.terms:
            after, costs = self._reactions(after, msg.terms)
        return Step(hours, branches=((1.0, after),), costs=costs)

    def _answer(self, s: Situation, actor: str, opt: Option) -> Step:
        offer = next(o for o in s.offers if o.id == opt.target)
        ch = self.ix.channels[opt.channel or ""]
        hours = ch.latency.median_hours
        public_answer = ch.visibility == "public"
        rest = tuple(o for o in s.offers if not (o.recipient == actor and o.sender ==
                                                 offer.sender))
        terms = dict(offer.terms)
        if opt.kind == "reject":
            return Step(0.0, branches=((1.0, s.but(offers=rest)),))
        if opt.kind == "accept":
            after = self.elapse(s, hours)
            costs: tuple[tuple[str, float], ...] = ()
            if public_answer:
                after, costs = self._reactions(after, terms)
            return Step(hours, settle=self.agreed(after, offer, public_answer), costs=costs)
        part = {i: terms[i] for i in opt.issues}
        counter = Pending(f"part:{offer.id}", actor, offer.sender, _pairs(part), (),
                          public_answer, ch.id)
        after = self.elapse(s, hours).but(offers=(*rest, counter))
        costs = ()
        if public_answer:
            after, costs = self._reactions(after, part)
        return Step(hours, branches=((1.0, after),), costs=costs)

    def agreed(self, s: Situation, offer: Pending, answer_public: bool) -> dict[str, str]:
        """The terms a settlement on ``offer`` contains (public and private, as the engine)."""
        public = dict(offer.terms) if offer.public or answer_public else {}
        agreed = {} if public else dict(offer.terms)
        agreed.update(offer.private_terms)
        sides = {self.ix.side_of[offer.sender], self.ix.side_of[offer.recipient]}
        for a, b, issue, option in s.assured:
            if a in sides and b in sides and issue not in public:
                agreed[issue] = option
        agreed.update(public)
        return agreed

    def _act(self, s: Situation, action: schema.Action) -> Step:
        hours = action.duration_hours
        pmf = self._pmfs.get((action.id, s.held))
        if pmf is None:
            if len(self._pmfs) > PMF_LIMIT:
                self._pmfs.clear()
            pmf = self._pmfs[(action.id, s.held)] = \
                self.esc.war_pmf(self.esc.of_action(action.id, s.held))
        after = self.elapse(s, hours)
        eff = action.effects
        flags = set(after.flags) | ({f"done:{action.id}"} & self.relevant)
        level = after.level
        if eff.rung is not None and not self.ix.rungs[eff.rung].war:
            level = max(level, self.ix.rungs[eff.rung].level)
        after = self.apply(after, eff, flags, level)
        if action.public:
            after = self._perceive(after, action.actor, eff.signals, "official", None, True)
        p_war = sum(pmf)
        acts = (action.id,) if action.id in self.costly else ()
        if p_war >= 1.0 - 1e-12:
            return Step(hours, war=pmf, acts=acts)
        return Step(hours, war=pmf if p_war > 0 else None, branches=((1.0 - p_war, after),),
                    acts=acts)

    def _order(self, s: Situation, opt: Option) -> Step:
        order = self.ix.orders[opt.target]
        hours = order.change_delay.median_hours
        after = self.elapse(s, hours)
        on = opt.kind == "order_on"
        changed = after.but(orders=tuple((o, on if o == order.id else v)
                                              for o, v in after.orders))
        c = order.compliance
        branches = ((c, changed), (1.0 - c, after)) if c < 1.0 else ((1.0, changed),)
        return Step(hours, branches=branches)

    # -- the world moving on -------------------------------------------------------------
    def elapse(self, s: Situation, hours: float) -> Situation:
        """``s`` some hours later: responses that came due are gone (their risk was run)."""
        if hours <= 0.0:
            return s
        t = s.t + int(round(hours * 3600))
        # The same tuple when nothing came due, so that the risk model knows it at once.
        due = s.due if all(d > t for _, d in s.due) else tuple((r, d) for r, d in s.due if d > t)
        flags = s.flags
        # Some flag lapses at a second in [s.t, t): the sorted lapse times say at once.
        if bisect_left(self.lapse_times, s.t) < bisect_left(self.lapse_times, t):
            flags = frozenset(f for f in flags if self.lapses.get(f, t) >= t)
        return s.but(t=t, due=due, flags=flags)

    def apply(self, s: Situation, eff: schema.Effects, flags: set[str],
              level: int | None = None) -> Situation:
        """``s`` with ``eff`` applied to ``flags`` (which it updates), its postures and
        orders, and the escalation ``level`` set where given."""
        flags |= set(eff.set_flags) & self.relevant
        flags -= set(eff.clear_flags)
        postures = s.postures
        if eff.postures:
            postures = tuple((f, eff.postures.get(f, p)) for f, p in s.postures)
        orders = s.orders
        if eff.orders:
            orders = tuple((o, eff.orders.get(o, v)) for o, v in s.orders)
        return s.but(flags=frozenset(flags), postures=postures, orders=orders,
                     level=s.level if level is None else level)

    def _propose(self, proposals: tuple[tuple[str, str, str], ...], sender: str,
                 terms: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
        leader = self.ix.leader_of[self.ix.side_of[sender]]
        kept = [p for p in proposals if not (p[0] == leader and p[1] in terms)]
        return tuple(sorted([*kept, *((leader, i, o) for i, o in terms.items())]))

    def _perceive(self, s: Situation, source: str, signals: dict[str, float], authority: str,
                  reader: str | None, public: bool) -> Situation:
        """Pictured minds move as the engine moves real ones (no stress: it is not seen)."""
        if not signals:
            return s
        about = self.ix.side_of[source]
        weight = self.weight.get(authority, 1.0)  # type: ignore[call-overload]
        for m in s.minds:
            if m.about != about or not (m.actor == reader or
                                        (public and self.ix.side_of[m.actor] != about)):
                continue
            bias = self.bias.get((m.actor, about), 0.0)
            moved = {var: shifted(m.get(var), signals.get(var, 0.0), weight, bias, 0.0, var)
                     if var in signals else m.get(var) for var in ("resolve", "control",
                                                                   "imminence")}
            s = s.with_mind(Mind(m.actor, about, **moved))
        return s

    def _reactions(self, s: Situation, terms: dict[str, str]
                   ) -> tuple[Situation, tuple[tuple[str, float], ...]]:
        costs: dict[str, float] = {}
        flags = set(s.flags)
        for rea in self.ix.sc.reactions:
            if f"reacted:{rea.id}" in flags:
                continue
            if any(terms.get(i) == o for i, o in rea.on_public_terms.items()):
                flags.add(f"reacted:{rea.id}")
                for who, cost in rea.costs.items():
                    key = self.holder.get(who, who)
                    costs[key] = costs.get(key, 0.0) + cost
                s = self.apply(s, rea.effects, flags)
                flags = set(s.flags)
        return s.but(flags=frozenset(flags)), tuple(sorted(costs.items()))


def _passed_on(s: Situation, passed: frozenset[str]) -> Situation:
    """``s`` with ``passed`` marked as passed on, keeping only offers still on the table."""
    declined = (s.declined | passed) & {o.id for o in s.offers}
    return s if declined == s.declined else s.but(declined=frozenset(declined))


def _pairs(terms: dict[str, str]) -> Pairs:
    return tuple(sorted(terms.items()))
