"""The historical record as a decision-maker: each actor does what the record says, when."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from brinkmanship.policies.base import Decision, Observation, Option
from brinkmanship.scenario.schema import RecordEntry, Scenario


class ScriptedPolicy:
    """Performs its actor's entries of ``history.record`` at their times.

    The only built-in policy that reads the history section; it exists to replay it.
    """

    name = "scripted"
    reads_history = True

    def bind(self, scenario: Scenario, actor: str) -> None:
        record = scenario.history.record if scenario.history else []
        self.entries = sorted((e for e in record if e.actor == actor and e.incident is None),
                              key=lambda e: e.at)
        self.done = 0
        self.woken_at: datetime | None = None

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        choices = []
        while self.done < len(self.entries) and self.entries[self.done].at <= obs.now:
            choices.append(_option(self.entries[self.done], obs))
            self.done += 1
        wake = self.entries[self.done].at if self.done < len(self.entries) else None
        if wake is not None and wake == self.woken_at:
            wake = None  # already asked for: one wake-up per entry, however often it is asked
        elif wake is not None:
            self.woken_at = wake
        return Decision([c for c in choices if c is not None], wake_at=wake)


def _option(entry: RecordEntry, obs: Observation) -> Option | None:
    if entry.send is not None:
        wanted = Option("send", entry.send)
    elif entry.act is not None:
        wanted = Option("act", entry.act)
    elif entry.hold is not None:
        wanted = Option("hold", entry.hold)
    else:
        assert entry.answer is not None
        a = entry.answer
        wanted = Option(a.mode if a.mode != "ignore" else "reject", a.offer, a.channel,
                        tuple(sorted(a.issues)))
        if a.mode == "ignore":
            return None
    return wanted if wanted in obs.options else _missing(entry, wanted, obs)


def _missing(entry: RecordEntry, wanted: Option, obs: Observation) -> Option | None:
    """A recorded deed the engine does not allow at that moment is a scenario error."""
    raise ScriptError(f"history: {entry.actor} cannot {wanted.key} at {obs.now.isoformat()} "
                      f"(options then: {', '.join(o.key for o in obs.options) or 'none'})")


class ScriptError(RuntimeError):
    """The record asks for something the scenario's mechanics do not allow."""
