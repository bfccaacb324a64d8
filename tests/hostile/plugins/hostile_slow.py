"""A decision-maker that keeps its worker busy: each decision sleeps ``HOSTILE_SLOW_S``
seconds (default 60) and then waits. Registered as ``slow`` on import, for the tests of
workers killed while busy on a long run."""

from __future__ import annotations

import os
import time
from typing import Any

from brinkmanship.policies.base import Decision
from brinkmanship.policies.registry import register


class SlowPolicy:
    name = "slow"

    def bind(self, scenario: Any, actor: str) -> None:
        self.actor = actor

    def decide(self, obs: Any, rng: Any) -> Decision:
        time.sleep(float(os.environ.get("HOSTILE_SLOW_S", "60")))
        return Decision()


register("slow", SlowPolicy)
