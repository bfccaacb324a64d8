"""Hidden types (incomplete information): reasoning over the kinds a side may be.

A side with ``types`` is of one of them, drawn at the start from a common prior; only its
own actors know which. Two kinds of reasoning follow, both in the rational-actor lens:

- **Against a typed side** (:func:`mixed`), a leader pictures the other's answer once per
  type, in the shoes of that type (its utilities, its flag ``type:SIDE:ID`` set), and
  weighs the values by its belief over the types, instead of one average opponent.
- **Reading and sending signals** (:class:`Reader`). What a typed side's leader does tells
  something about its type: the reader moves its belief by Bayes' rule,
  ``b'(k) ∝ b(k) × P(deed | k)``, where ``P(deed | k)`` is the logit probability that a
  leader of type ``k`` chose that deed, pictured in its shoes. That leader, in turn, knows
  its deeds are read so, and values a visible deed by the answer of a reader whose belief
  moved. Each reasons about the other's reading one level less deeply (level-k reasoning,
  ``decision_models[].type_levels``): at level 1 a deed is read as telling nothing; at
  level 2 it is read against level-1 choices, and so on. Waiting, and what the reader
  cannot see, are read as telling nothing (silence is not read).

With very high rationality and enough levels this reproduces the equilibria of textbook
games of incomplete information (tests/decisions/test_hidden_types.py). Past the first
reply the look-ahead pictures each type's branch on its own (as if the type were then
known); the games those tests encode need one reply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from brinkmanship.engine.index import Index
from brinkmanship.policies.base import Option
from brinkmanship.policies.expected_utility import Lookahead, Pair, Player, Reply, quantal
from brinkmanship.policies.moves import WAIT, Moves
from brinkmanship.policies.risk import RiskModel
from brinkmanship.policies.situation import Situation
from brinkmanship.policies.values import Vec, add_scaled, dot, scale

Belief = tuple[tuple[str, float], ...]
"""A distribution over a side's types: (type id, probability), in the scenario's order."""

MEMO_LIMIT = 2_000


@dataclass(frozen=True)
class Types:
    """What a decision knows and believes of hidden types: its own side's type (None where
    its side has none), its belief over the types of each other typed side, and how it
    pictures the counterpart reading its own type (None where nobody reads it)."""

    mine: str | None
    beliefs: tuple[tuple[str, Belief], ...] = ()
    read_as: Belief | None = None

    def about(self, side: str) -> Belief | None:
        return next((b for s, b in self.beliefs if s == side), None)


def posterior(belief: Belief, likelihood: Mapping[str, float]) -> Belief:
    """Bayes' rule; the belief unchanged where the deed was impossible for every type."""
    z = sum(p * likelihood.get(k, 0.0) for k, p in belief)
    if z <= 0.0:
        return belief
    return tuple((k, round(p * likelihood.get(k, 0.0) / z, 9)) for k, p in belief)


def mixed(values: list[tuple[float, Vec, Reply | None]]) -> tuple[Vec, Reply | None]:
    """Values pictured per type, weighed by the belief in each; the likeliest type's reply."""
    total: Vec | None = None
    for p, v, _ in values:
        total = scale(v, p) if total is None else add_scaled(total, v, p)
    assert total is not None
    reply = max(values, key=lambda x: x[0])[2]
    return total, reply


def visible_to(ix: Index, reader: str) -> Callable[[Option], bool]:
    """Whether ``reader`` sees an option taken: a message to it or in public, a public
    action, an answer to an offer (its offerer hears it). Waiting, holds and orders are
    not seen."""
    def seen(opt: Option) -> bool:
        if opt == WAIT:
            return False
        if opt.kind == "send":
            msg = ix.messages[opt.target]
            return msg.recipient == reader or msg.released or \
                ix.channels[msg.channel].visibility == "public"
        if opt.kind == "act":
            return ix.actions[opt.target].public
        return opt.kind in ("accept", "accept_part", "reject")
    return seen


class Reader:
    """A typed sender and a reader of its deeds, each pictured by one leader.

    ``senders`` gives the sender's player for each of its types, ``receiver`` the reader's;
    the sender's look-ahead goes ``depth`` replies deep.
    """

    def __init__(self, ix: Index, moves: Moves, risk: RiskModel,
                 senders: tuple[tuple[str, Player], ...], receiver: Player, depth: int,
                 levels: int):
        self.moves = moves
        self.looks = {k: Lookahead(ix, moves, risk, pl, receiver, depth) for k, pl in senders}
        self.sender = senders[0][1].actor
        self.receiver = receiver
        self.levels = levels
        self.seen = visible_to(ix, receiver.actor)
        self._choices: dict[tuple[object, ...], tuple[list[Option], dict[str, list[float]]]] = {}

    def value(self, s: Situation, opt: Option, k: str, read: Belief) -> Pair:
        """The pair (type ``k``'s, the reader's) of ``opt`` taken in ``s``, answered by a
        reader who believes ``read`` once it has seen it: it weighs each answer by the
        value it would have against each type."""
        return self.weigh(s, opt, k, read)[0]

    def weigh(self, s: Situation, opt: Option, k: str, read: Belief
              ) -> tuple[Pair, Reply | None]:
        """:meth:`value`, with the reader's likeliest answer."""
        look = self.looks[k]
        step = look.first_step(s, opt)
        for other in self.looks.values():
            other.first_step(s, opt)  # each look-ahead reckons from this decision
        if step.settle is not None or not step.branches or look.depth < 1:
            return look.option(s, opt)
        weight = self.receiver.weights
        reply: Reply | None = None
        conts: list[tuple[float, Pair]] = []
        for p, nxt in step.branches:
            answers = [*self.moves.options(nxt, self.receiver.actor), WAIT]
            pairs = {j: [self.looks[j].answer(nxt, a) for a in answers]
                     for j, q in read if q > 0.0 or j == k}
            scores = [sum(q * dot(weight, pairs[j][i][1]) for j, q in read if q > 0.0)
                      for i in range(len(answers))]
            probs = quantal(self.receiver.rationality, scores, self.receiver.inertia)
            if reply is None:
                best = max(range(len(answers)), key=lambda i: probs[i])
                reply = Reply("wait" if answers[best] == WAIT else answers[best].key,
                              round(probs[best], 3))
            mine = look.players[0].stakes.zero
            theirs = self.receiver.stakes.zero
            for i, pr in enumerate(probs):
                mine = add_scaled(mine, pairs[k][i][0], pr)
                for j, q in read:
                    if q > 0.0:
                        theirs = add_scaled(theirs, pairs[j][i][1], pr * q)
            conts.append((p, (mine, theirs)))
        return (look.ending(s, step, 0, conts), look.ending(s, step, 1, conts)), reply

    def choices(self, s: Situation, belief: Belief, level: int
                ) -> tuple[list[Option], dict[str, list[float]]]:
        """The sender's options pictured in ``s`` and, for each type, the chance it takes
        each, at ``level`` of reasoning, against a reader who believes ``belief`` now."""
        key = (s, belief, level)
        hit = self._choices.get(key)
        if hit is not None:
            return hit
        options = [*self.moves.options(s, self.sender), WAIT]
        lower = self.choices(s, belief, level - 1)[1] if level > 1 else None
        reads = [self._read(belief, lower, i, o) for i, o in enumerate(options)]
        out: dict[str, list[float]] = {}
        for k, look in self.looks.items():
            pl = look.players[0]
            scores = [dot(pl.weights, self.value(s, o, k, reads[i])[0])
                      for i, o in enumerate(options)]
            out[k] = quantal(pl.rationality, scores, pl.inertia)
        if len(self._choices) > MEMO_LIMIT:
            self._choices.clear()
        hit = self._choices[key] = (options, out)
        return hit

    def read_of(self, s: Situation, belief: Belief, opt: Option) -> Belief:
        """What the reader believes once it has seen ``opt`` (Bayes on the choices one level
        below the sender's own)."""
        if self.levels <= 1 or not self.seen(opt):
            return belief
        options, lower = self.choices(s, belief, self.levels - 1)
        if opt not in options:
            return belief
        return self._read(belief, lower, options.index(opt), opt)

    def likelihood(self, s: Situation, belief: Belief, opt: Option) -> dict[str, float] | None:
        """For each type, the chance it chose ``opt`` in ``s`` at the full level of
        reasoning; None where ``opt`` is not among the deeds pictured for it."""
        options, probs = self.choices(s, belief, self.levels)
        if opt not in options:
            return None
        i = options.index(opt)
        return {k: p[i] for k, p in probs.items()}

    def _read(self, belief: Belief, lower: dict[str, list[float]] | None, i: int,
              opt: Option) -> Belief:
        if lower is None or not self.seen(opt):
            return belief
        return posterior(belief, {k: p[i] for k, p in lower.items()})
