"""The plainest decision-makers: one that always waits and one that picks at random."""

from __future__ import annotations

import numpy as np

from brinkmanship.policies.base import Decision, Observation
from brinkmanship.scenario.schema import Scenario


class PassivePolicy:
    """Never does anything: every decision is to wait."""

    name = "passive"

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.actor = actor

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        return Decision()


class RandomPolicy:
    """Waits or takes one legal option, uniformly at random."""

    name = "random"

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.actor = actor

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        pick = int(rng.integers(len(obs.options) + 1))
        return Decision([obs.options[pick]] if pick < len(obs.options) else [])
