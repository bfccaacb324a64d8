"""A seat's advisers: the default decision-maker's counsel for the actor a player sits in.

The terminal game and the browser game both show it. Counsel is built from the seat's
observation alone (the model is bound to the scenario without its history section), so it
tells the player nothing the seat does not know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from brinkmanship.engine.index import Index
from brinkmanship.policies.base import Decision, Observation, Option
from brinkmanship.scenario.timeparse import parse_instant
from brinkmanship.seat import option_label

if TYPE_CHECKING:
    from brinkmanship.engine.game import Game


class Adviser:
    """The default decision-maker's counsel for a seat (``None`` where it has none)."""

    def __init__(self, game: Game, seat: str):
        from brinkmanship.policies.lenses import LensesPolicy

        self.policy: LensesPolicy | None = LensesPolicy()
        try:
            self.policy.bind(game.scenario.model_copy(update={"history": None}), seat)
        except (KeyError, ValueError):
            self.policy = None  # an actor the model cannot picture gets no counsel

    def counsel(self, obs: Observation) -> dict[str, Any] | None:
        return self.policy.counsel(obs) if self.policy is not None else None

    def note(self, decision: Decision, now: datetime) -> None:
        """What the player chose, so counsel does not urge an order already given."""
        if self.policy is not None:
            self.policy.note(decision.choices, now)

    def recall(self, decisions: Iterable[Mapping[str, Any]], seat: str) -> None:
        """Note the seat's saved decisions (``Game.decisions``), as a restored game needs."""
        from brinkmanship.engine.game import option_from_data

        for data in decisions:
            if data.get("actor") != seat:
                continue
            at = parse_instant(str(data["at"]))
            assert isinstance(at, datetime)
            self.note(Decision([option_from_data(c) for c in data.get("choices", [])]), at)


def counsel_label(ix: Index, key: str) -> str:
    """An option of the counsel (its key, or ``wait``) in words."""
    if key == "wait":
        return "Wait"
    return option_label(ix, Option.parse(key))
