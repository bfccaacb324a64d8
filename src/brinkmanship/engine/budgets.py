"""The limits every run keeps, whatever its scenario: a run ends in bounded time and memory.

Validation refuses what can be seen in a file (numbers out of range, cycles of responses
at one instant). What only shows when a run unfolds (a chain of one-second steps going
round, an incident at one a second over a long horizon, a decision-maker that asks to be
woken now, again and again) is stopped by these budgets, with an error that names the
budget, when it ran out and what went round.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_EVENTS = 20_000
DEFAULT_STEPS = 1_000_000
DEFAULT_STEPS_PER_INSTANT = 20_000


@dataclass(frozen=True)
class Budgets:
    """``events``: events in one run's log; ``steps``: occurrences and decisions in one run
    (a decision that waits logs nothing); ``steps_per_instant``: occurrences and decisions
    at one simulated instant. Built-in runs use well under 1% of each."""

    events: int = DEFAULT_EVENTS
    steps: int = DEFAULT_STEPS
    steps_per_instant: int = DEFAULT_STEPS_PER_INSTANT

    def __post_init__(self) -> None:
        for name in NAMES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"budget {name} must be a positive whole number, not {value!r}")

    def to_data(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in NAMES}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Budgets:
        unknown = set(data) - set(NAMES)
        if unknown:
            raise ValueError(f"unknown budget {sorted(unknown)[0]!r}")
        return cls(**dict(data))


NAMES = ("events", "steps", "steps_per_instant")
OPTIONS = {"events": "--max-events", "steps": "--max-steps",
           "steps_per_instant": "--max-steps-per-instant"}
"""The command-line option that raises each budget."""


class BudgetExceeded(RuntimeError):
    """A run that spent a budget: which, its limit, when, and the last steps taken."""

    def __init__(self, budget: str, limit: int, at: str, spinning: list[str]):
        self.budget, self.limit, self.at, self.spinning = budget, limit, at, spinning
        what = {"events": f"more than {limit} events in the run",
                "steps": f"more than {limit} steps in the run",
                "steps_per_instant": f"more than {limit} steps at one instant"}[budget]
        went = " -> ".join(spinning) if spinning else "nothing logged"
        super().__init__(f"the run stopped at {at}: {what} (the budget {budget}; raise it "
                         f"with {OPTIONS[budget]}); the last steps: {went}")
