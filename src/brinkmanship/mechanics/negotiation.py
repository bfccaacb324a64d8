"""Offers and agreements (M3) and audience costs (M4): what a settlement contains."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from itertools import combinations

from brinkmanship.engine.world import OfferState, World
from brinkmanship.scenario.schema import Agreements


def part_choices(terms: dict[str, str]) -> list[tuple[str, ...]]:
    """The proper, non-empty subsets of an offer's issues a reader may accept."""
    issues = sorted(terms)
    return [c for k in range(1, len(issues)) for c in combinations(issues, k)]


def settlement_terms(world: World, offer: OfferState, answer_public: bool
                     ) -> tuple[dict[str, str], dict[str, str]]:
    """Public and private terms of the settlement an accepted offer makes.

    The offer's terms are public if the offer or its acceptance was public. Private
    assurances delivered between the two settling sides join the private terms.
    """
    public = offer.public or answer_public
    public_terms = dict(offer.terms) if public else {}
    private_terms = {} if public else dict(offer.terms)
    private_terms.update(offer.private_terms)
    ix = world.ix
    sides = {ix.side_of[offer.sender], ix.side_of[offer.recipient]}
    for msg in world.messages.values():
        if msg.kind == "assurance" and msg.received_at is not None and \
                ix.side_of[msg.sender] in sides and ix.side_of[msg.recipient] in sides:
            for issue, option in msg.private_terms.items():
                if issue not in public_terms:
                    private_terms[issue] = option
    return public_terms, private_terms


def ends_crisis(rules: Agreements, flags: AbstractSet[str]) -> bool:
    """Whether the agreements marked in ``flags`` (``agreed:A:B``, sides sorted) end the
    crisis: every pair of some entry of ``rules.ends_crisis`` has agreed."""
    return any(all(f"agreed:{min(p)}:{max(p)}" in flags for p in ending.pairs)
               for ending in rules.ends_crisis)


def walked_back(proposed: dict[str, str], agreed: dict[str, str]) -> list[str]:
    """Issues an actor proposed in public whose agreed option differs."""
    return sorted(issue for issue, option in proposed.items() if agreed.get(issue) != option)
