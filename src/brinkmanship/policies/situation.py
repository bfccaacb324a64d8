"""The crisis as one leader pictures it: a small frozen state its look-ahead changes and hashes.

A :class:`Situation` holds only what the leader knows or believes: its own side's forces,
orders and holds; the other sides' as last seen (their initial state, changed by the
public actions the leader saw); the offers on the table; the private assurances and public
proposals made; the pre-delegated responses it knows are due; and the beliefs of the
leaders that matter, its own as observed and the others' as it imagines them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from brinkmanship.engine.index import Index
from brinkmanship.mechanics.conditions import holds
from brinkmanship.scenario.schema import Condition

Pairs = tuple[tuple[str, str], ...]
BELIEF_VARS = ("resolve", "control", "imminence")


@dataclass(frozen=True, slots=True)
class Pending:
    """An offer on the table: who made it to whom, on what terms, in public or not."""

    id: str
    sender: str
    recipient: str
    terms: Pairs
    private_terms: Pairs
    public: bool
    channel: str | None = None
    _hash: int = field(default=0, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        # Offers key the look-ahead's settlement memo and every situation holding them.
        h = self._hash
        if not h:
            h = hash((self.id, self.sender, self.recipient, self.terms, self.private_terms,
                      self.public, self.channel))
            object.__setattr__(self, "_hash", h)
        return h


@dataclass(frozen=True, slots=True)
class Mind:
    """What one actor believes about one side: resolve, control, imminence."""

    actor: str
    about: str
    resolve: float
    control: float
    imminence: float
    _hash: int = field(default=0, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        # Minds are hashed with every situation and risk key that holds them.
        h = self._hash
        if not h:
            h = hash((self.actor, self.about, self.resolve, self.control, self.imminence))
            object.__setattr__(self, "_hash", h)
        return h

    def get(self, var: str) -> float:
        return float(getattr(self, var))


@dataclass(frozen=True, slots=True)
class Situation:
    """The pictured world at one instant (seconds after the scenario's start)."""

    t: int
    level: int
    flags: frozenset[str]
    postures: Pairs
    orders: tuple[tuple[str, bool], ...]
    held: frozenset[str]
    due: tuple[tuple[str, int], ...]
    offers: tuple[Pending, ...]
    assured: tuple[tuple[str, str, str, str], ...]
    proposals: tuple[tuple[str, str, str], ...]
    minds: tuple[Mind, ...]
    declined: frozenset[str] = frozenset()
    _hash: int = field(default=0, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        # Situations key every memo of the look-ahead: hash them once, and only those that
        # key one (the intermediate copies a step makes are never hashed).
        h = self._hash
        if not h:
            h = hash((self.t, self.level, self.flags, self.postures, self.orders, self.held,
                      self.due, self.offers, self.assured, self.proposals, self.minds,
                      self.declined))
            object.__setattr__(self, "_hash", h)
        return h

    def but(self, *, t: int | None = None, level: int | None = None,
            flags: frozenset[str] | None = None, postures: Pairs | None = None,
            orders: tuple[tuple[str, bool], ...] | None = None,
            held: frozenset[str] | None = None, due: tuple[tuple[str, int], ...] | None = None,
            offers: tuple[Pending, ...] | None = None,
            assured: tuple[tuple[str, str, str, str], ...] | None = None,
            proposals: tuple[tuple[str, str, str], ...] | None = None,
            minds: tuple[Mind, ...] | None = None,
            declined: frozenset[str] | None = None) -> Situation:
        """A copy with the fields given changed (``dataclasses.replace``, without its
        overhead); a field left None is kept."""
        return Situation(
            self.t if t is None else t, self.level if level is None else level,
            self.flags if flags is None else flags,
            self.postures if postures is None else postures,
            self.orders if orders is None else orders, self.held if held is None else held,
            self.due if due is None else due, self.offers if offers is None else offers,
            self.assured if assured is None else assured,
            self.proposals if proposals is None else proposals,
            self.minds if minds is None else minds,
            self.declined if declined is None else declined)

    def mind(self, actor: str, about: str) -> Mind | None:
        return next((m for m in self.minds if m.actor == actor and m.about == about), None)

    def with_mind(self, mind: Mind) -> Situation:
        rest = tuple(m for m in self.minds if (m.actor, m.about) != (mind.actor, mind.about))
        return self.but(minds=tuple(sorted((*rest, mind), key=_mind_key)))

    def order_on(self, order: str) -> bool:
        return next((on for o, on in self.orders if o == order), False)

    def posture(self, force: str) -> str | None:
        return next((p for f, p in self.postures if f == force), None)

    def proposed_by(self, leader: str) -> dict[str, str]:
        return {issue: option for who, issue, option in self.proposals if who == leader}


def _mind_key(m: Mind) -> tuple[str, str]:
    return (m.actor, m.about)


class _View:
    """Just enough of a world for :func:`mechanics.conditions.holds` to read."""

    __slots__ = ("flags", "ix", "level", "postures", "t")

    def __init__(self, ix: Index, s: Situation):
        self.ix = ix
        self.flags = s.flags
        self.postures = dict(s.postures)
        self.level = s.level
        self.t = s.t


class Conditions:
    """Evaluates scenario conditions on pictured situations, one view per situation."""

    def __init__(self, ix: Index):
        self.ix = ix
        self._last: tuple[Situation | None, _View | None] = (None, None)
        self._trivial: dict[int, bool] = {}

    def trivial(self, cond: Condition) -> bool:
        """Whether ``cond`` asks for nothing (and so always holds)."""
        known = self._trivial.get(id(cond))
        if known is None:
            known = self._trivial[id(cond)] = cond == _EMPTY
        return known

    def holds(self, cond: Condition, s: Situation) -> bool:
        if self.trivial(cond):
            return True
        last, view = self._last
        if last is not s or view is None:
            view = _View(self.ix, s)
            self._last = (s, view)
        return holds(cond, view)  # type: ignore[arg-type]


_EMPTY = Condition()
