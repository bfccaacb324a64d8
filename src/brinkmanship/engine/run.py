"""What a finished run is: its event log and the outcome its closing event records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from brinkmanship.engine.world import Event
from brinkmanship.scenario.schema import Scenario


@dataclass(frozen=True)
class Outcome:
    """How a run ended (M11)."""

    kind: str
    at: str
    public_terms: dict[str, str]
    private_terms: dict[str, str]
    payoffs: dict[str, float]
    war: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "at": self.at, "public_terms": self.public_terms,
                "private_terms": self.private_terms, "payoffs": self.payoffs, "war": self.war}


@dataclass(frozen=True)
class Run:
    """A finished run: its event log (the single source of truth) and its outcome."""

    scenario: Scenario
    seed: int
    events: list[Event]

    @property
    def outcome(self) -> Outcome:
        return outcome_of(self.events)

    def __repr__(self) -> str:
        out = self.outcome if self.events and self.events[-1]["kind"] == "end" else None
        ended = f"{out.kind} at {out.at}" if out else "not ended"
        return (f"<Run {self.scenario.scenario.id} seed {self.seed}: {ended}, "
                f"{len(self.events)} events>")

    def jsonl(self) -> str:
        """The event log, one JSON object a line, byte-identical for identical inputs."""
        return "".join(dump_event(e) + "\n" for e in self.events)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``brink run --json``."""
        return {"scenario": self.scenario.scenario.id, "seed": self.seed,
                "outcome": self.outcome.to_dict(), "events": self.events}


def dump_event(ev: Event) -> str:
    return json.dumps(ev, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def outcome_of(events: list[Event]) -> Outcome:
    """The outcome recorded by a log's closing event."""
    end = events[-1]
    if end["kind"] != "end":
        raise ValueError("the log has no closing 'end' event")
    return Outcome(**end["outcome"])
