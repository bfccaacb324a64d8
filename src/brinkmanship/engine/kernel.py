"""The discrete-event kernel: one agenda of future occurrences, one log of events.

Occurrences are ordered by ``(time, priority, seq)``; the sequence number makes ties
deterministic. Emitting an event appends it to the log and folds it into the world.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from brinkmanship.engine.index import Index
from brinkmanship.engine.world import Event, World
from brinkmanship.scenario.timeparse import iso_utc

# Priorities of occurrences at the same instant: news before the reactions to it.
ACTIVATE, DELIVER, EFFECT, INCIDENT, RESPONSE, CHAIN, REACTION, DEADLINE, MEETING, DECIDE = \
    range(10)


class Kernel:
    """Agenda, clock and log of one run."""

    def __init__(self, ix: Index):
        self.ix = ix
        self.world = World.initial(ix)
        self.events: list[Event] = []
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

    def emit(self, kind: str, cause: int | None = None, **fields: Any) -> Event:
        """Append an event to the log and apply it to the world."""
        ev: Event = {"seq": len(self.events), "t": self.iso(self.now), "s": self.now, "kind": kind}
        ev.update(fields)
        if cause is not None:
            ev["cause"] = cause
        self.events.append(ev)
        self.world.apply(ev)
        return ev

    def iso(self, s: int) -> str:
        return iso_utc(self.ix.start + timedelta(seconds=s))

    def loop(self, after_each: Callable[[], None]) -> None:
        """Run occurrences in order until the agenda empties, the stop time, or the end."""
        while self._agenda and not self.ended:
            s, _, _, fn, args = self._agenda[0]
            if s > self.stop_s:
                break
            heapq.heappop(self._agenda)
            self.world.t = s
            version = self.world.version
            fn(*args)
            if self.world.version != version:
                after_each()
        if not self.ended:
            self.world.t = max(self.world.t, self.stop_s)
