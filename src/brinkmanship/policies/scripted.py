"""The historical record as a decision-maker: each actor does what the record says, when."""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn

import numpy as np

from brinkmanship.policies.base import Decision, Observation, Option
from brinkmanship.scenario.schema import RecordEntry, Scenario


class ScriptedPolicy:
    """Performs its actor's entries of ``history.record`` at their times.

    The only built-in policy that reads the history section; it exists to replay it.

    A recorded deed the engine does not offer at its time is a :class:`ScriptError` when
    ``strict``; otherwise it is left undone and named in the decision's trace
    (``not_offered``), so that a replay whose path has already left the record goes on to
    its end and the comparison with the record can say why the deed is missing.
    """

    name = "scripted"
    reads_history = True

    def __init__(self, strict: bool = True):
        self.strict = strict

    def bind(self, scenario: Scenario, actor: str) -> None:
        record = scenario.history.record if scenario.history else []
        self.entries = sorted((e for e in record if e.actor == actor and e.incident is None),
                              key=lambda e: e.at)
        self.done = 0
        self.woken_at: datetime | None = None

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        choices: list[Option] = []
        refused: list[str] = []
        while self.done < len(self.entries) and self.entries[self.done].at <= obs.now:
            entry = self.entries[self.done]
            self.done += 1
            wanted = recorded_option(entry)
            if wanted is None:
                continue
            if wanted in obs.options:
                choices.append(wanted)
            elif self.strict:
                _missing(entry, wanted, obs)
            else:
                refused.append(wanted.key)
        wake = self.entries[self.done].at if self.done < len(self.entries) else None
        if wake is not None and wake == self.woken_at:
            wake = None  # already asked for: one wake-up per entry, however often it is asked
        elif wake is not None:
            self.woken_at = wake
        return Decision(choices, wake_at=wake, trace={"not_offered": refused} if refused else None)


def recorded_option(entry: RecordEntry) -> Option | None:
    """The option a record entry of an actor takes (None: an answer left unanswered)."""
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
    return wanted


def _missing(entry: RecordEntry, wanted: Option, obs: Observation) -> NoReturn:
    """A recorded deed the engine does not allow at that moment is a scenario error."""
    raise ScriptError(f"history: {entry.actor} cannot {wanted.key} at {obs.now.isoformat()} "
                      f"(options then: {', '.join(o.key for o in obs.options) or 'none'})")


class ScriptError(RuntimeError):
    """The record asks for something the scenario's mechanics do not allow."""
