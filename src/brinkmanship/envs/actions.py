"""A seat's fixed action enumeration: index 0 waits, every other index is one :class:`Option`.

The table is computed from the scenario alone, before any run, so that a learning agent
sees the same action space in every episode; which entries are legal at a turn is the
mask. It lists every option the engine can offer the seat:

* ``send`` of each message draft the seat sends (reaction drafts are sent by the engine);
* for each offer that can reach the seat (:func:`possible_offers`) and each channel on
  which the seat can answer its sender: ``accept``, ``accept_part`` for each proper
  non-empty subset of its issues (at most ``max_parts`` of them, smallest first), ``reject``;
* ``act`` for each of the seat's actions;
* ``hold`` and ``release`` for each holdable response the seat authorises;
* ``order_on`` and ``order_off`` for each standing order of its side, if it leads the side.

The order is the engine's own (sends, answers, acts, responses, orders), so the table reads
like the options of a turn. Needs only numpy: this module imports without the ``envs`` extra.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from brinkmanship.engine.index import Index
from brinkmanship.policies.base import Option

WAIT = 0
"""The index that submits an empty decision: the seat waits for news."""

DEFAULT_MAX_PARTS = 64
"""Partial acceptances listed per offer and channel; an offer of up to six issues has no
more than 62, so the cap only bites on offers of seven issues or more."""


@dataclass(frozen=True)
class OfferSlot:
    """An offer that can exist in a run, as far as the scenario alone tells.

    ``issues`` are the issues it may carry (sorted) and ``max_issues`` how many of them it
    carries at most at once: a draft carries all of its terms (fewer if a channel drops
    one); a partial acceptance ``part:<id>`` carries a proper subset of the offer it answers.
    """

    id: str
    sender: str
    recipient: str
    issues: tuple[str, ...]
    max_issues: int

    def parts(self) -> Iterator[tuple[str, ...]]:
        """Every subset of issues its reader may accept in part, smallest first, in the
        order :func:`~brinkmanship.mechanics.negotiation.part_choices` gives them."""
        for k in range(1, self.max_issues):
            yield from combinations(self.issues, k)


def possible_offers(ix: Index) -> list[OfferSlot]:
    """Every offer a run of ``ix``'s scenario can put on the table, in scenario order.

    Each draft of kind ``offer`` (sent by its sender or by the engine in a reaction) is
    followed by the chain of partial acceptances it can lead to: ``part:<id>`` from its
    reader back to its sender, then ``part:part:<id>``, each with one issue fewer at most,
    for as long as two issues remain and the reader decides and has a channel to answer on.
    """
    deciders = set(ix.deciders)
    out: list[OfferSlot] = []
    for msg in ix.sc.messages:
        if msg.kind != "offer":
            continue
        slot = OfferSlot(msg.id, msg.sender, msg.recipient, tuple(sorted(msg.terms)),
                         len(msg.terms))
        out.append(slot)
        while slot.max_issues >= 2 and slot.recipient in deciders and \
                ix.answer_channels(slot.recipient, slot.sender):
            slot = OfferSlot(f"part:{slot.id}", slot.recipient, slot.sender, slot.issues,
                             slot.max_issues - 1)
            out.append(slot)
    return out


class ActionTable:
    """The fixed enumeration of one seat's actions.

    ``options[i]`` is the :class:`Option` that action ``i`` submits (``options[0]`` is
    ``None``: wait). ``left_out`` counts the partial acceptances the ``max_parts`` cap
    leaves out; their options are never enabled by :meth:`mask`.
    """

    def __init__(self, ix: Index, actor: str, max_parts: int = DEFAULT_MAX_PARTS):
        if actor not in ix.actors:
            raise ValueError(f"no actor {actor!r} in scenario {ix.sc.scenario.id!r}")
        if max_parts < 0:
            raise ValueError("max_parts must be zero or more")
        self.actor = actor
        self.max_parts = max_parts
        self.left_out = 0
        listed: list[Option | None] = [None]
        listed += _sends(ix, actor)
        listed += self._answers(ix, actor)
        listed += _acts(ix, actor)
        listed += _holds(ix, actor)
        listed += _orders(ix, actor)
        self.options: tuple[Option | None, ...] = tuple(listed)
        self.index: dict[Option, int] = {o: i for i, o in enumerate(self.options) if o}

    def __len__(self) -> int:
        return len(self.options)

    def mask(self, legal: Iterable[Option]) -> np.ndarray:
        """An ``int8`` vector over the table: 1 for wait and for each listed legal option."""
        out = np.zeros(len(self.options), dtype=np.int8)
        out[WAIT] = 1
        for option in legal:
            i = self.index.get(option)
            if i is not None:
                out[i] = 1
        return out

    def unlisted(self, legal: Iterable[Option]) -> list[Option]:
        """The legal options no index names (only partial acceptances past the cap)."""
        return [o for o in legal if o not in self.index]

    def label(self, action: int) -> str:
        """The key of action ``action``'s option (``"wait"`` for index 0)."""
        option = self.options[action]
        return "wait" if option is None else option.key

    def _answers(self, ix: Index, actor: str) -> list[Option]:
        out: list[Option] = []
        for slot in possible_offers(ix):
            if slot.recipient != actor:
                continue
            for ch in ix.answer_channels(actor, slot.sender):
                parts = list(slot.parts())
                self.left_out += max(0, len(parts) - self.max_parts)
                out.append(Option("accept", slot.id, ch))
                out += [Option("accept_part", slot.id, ch, p) for p in parts[:self.max_parts]]
                out.append(Option("reject", slot.id, ch))
        return out


def _sends(ix: Index, actor: str) -> list[Option]:
    return [Option("send", m.id) for m in ix.sc.messages
            if m.sender == actor and m.id not in ix.reaction_drafts]


def _acts(ix: Index, actor: str) -> list[Option]:
    return [Option("act", a.id) for a in ix.sc.actions if a.actor == actor]


def _holds(ix: Index, actor: str) -> list[Option]:
    return [Option(kind, r.id) for r in ix.sc.responses
            if r.authorised_by == actor and r.holdable for kind in ("hold", "release")]


def _orders(ix: Index, actor: str) -> list[Option]:
    side = ix.side_of[actor]
    if ix.leader_of.get(side) != actor:
        return []
    return [Option(kind, o.id) for o in ix.sc.standing_orders
            if ix.side_of[o.holder] == side for kind in ("order_on", "order_off")]
