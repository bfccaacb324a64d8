"""The discrete-event kernel: one agenda of future occurrences, one log of events.

Occurrences are ordered by ``(time, priority, seq)``; the sequence number makes ties
deterministic. Emitting an event appends it to the log and folds it into the world. The
kernel never loops by itself: its driver (:class:`brinkmanship.engine.game.Game`) steps it
one occurrence at a time, so a run can stop wherever a seat must decide.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from brinkmanship.engine.budgets import DEFAULT_EVENTS, BudgetExceeded
from brinkmanship.engine.events import EventDict, EventKind
from brinkmanship.engine.index import Index
from brinkmanship.engine.world import World
from brinkmanship.scenario.timeparse import iso_utc

# Priorities of occurrences at the same instant: news before the reactions to it.
ACTIVATE, DELIVER, EFFECT, INCIDENT, RESPONSE, CHAIN, REACTION, DEADLINE, MEETING, DECIDE = \
    range(10)


class Kernel:
    """Agenda, clock and log of one run."""

    def __init__(self, ix: Index, max_events: int = DEFAULT_EVENTS):
        self.ix = ix
        self.max_events = max_events
        self.world = World.initial(ix)
        self.events: list[EventDict] = []
        self._agenda: list[tuple[int, int, int, Callable[..., None], tuple[Any, ...]]] = []
        self._seq = 0
        self.stop_s = ix.seconds(ix.sc.scenario.end)
        self.ended = False

    @property
    def now(self) -> int:
        return self.world.t

    def at(self, s: int, priority: int, fn: Callable[..., None], *args: Any) -> None:
        """Schedule ``fn(*args)`` at ``s`` seconds after the start."""
        self._seq += 1
        heapq.heappush(self._agenda, (max(s, self.now), priority, self._seq, fn, args))

    def emit(self, kind: EventKind, cause: int | None = None, **fields: Any) -> EventDict:
        """Append an event to the log and apply it to the world.

        ``fields`` are those of ``kind``'s definition in :mod:`brinkmanship.engine.events`;
        they are not checked here (the tests check every built-in scenario's logs).
        """
        if len(self.events) >= self.max_events:
            raise BudgetExceeded("events", self.max_events, self.iso(self.now),
                                 last_steps(self.events))
        ev: EventDict = {"seq": len(self.events), "t": self.iso(self.now), "s": self.now,
                         "kind": kind}
        ev.update(fields)
        if cause is not None:
            ev["cause"] = cause
        self.events.append(ev)
        self.world.apply(ev)
        return ev

    def iso(self, s: int) -> str:
        return iso_utc(self.ix.start + timedelta(seconds=s))

    def due(self) -> int | None:
        """When the next occurrence is due; ``None`` once nothing is left before the stop."""
        if self.ended or not self._agenda or self._agenda[0][0] > self.stop_s:
            return None
        return self._agenda[0][0]

    def step(self) -> None:
        """Run the next occurrence (the caller checked :meth:`due`), its clock first."""
        s, _, _, fn, args = heapq.heappop(self._agenda)
        self.world.t = s
        fn(*args)

    def close_clock(self) -> None:
        """Move the clock to the stop time, unless the run ended before it."""
        if not self.ended:
            self.world.t = max(self.world.t, self.stop_s)


def last_steps(events: list[EventDict], count: int = 8) -> list[str]:
    """The last ``count`` events of a log, each as ``kind:id``, to say what went round."""
    out = []
    for ev in events[-count:]:
        ident = next((ev[k] for k in ("action", "response", "link", "incident", "order",
                                      "deadline", "id", "actor") if ev.get(k)), "")
        out.append(f"{ev['kind']}:{ident}" if ident else ev["kind"])
    return out
