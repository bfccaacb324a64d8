"""Small tools for the mechanics tests: a scenario built on a skeleton, a scripted chair.

``build(extra)`` reads ``tests/scenarios/mechanics/base.yaml`` and lays the sections of
``extra`` (YAML text) over it: a list section replaces the skeleton's, a mapping section
updates it key by key. The result goes through the real loader, so every test scenario is
also checked like a user's file.

``Chair`` is a policy that performs a fixed list of moves at fixed hours — the test says
what the leader does, and the engine's mechanics do the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from brinkmanship.engine import Interventions, Run
from brinkmanship.engine.index import Index
from brinkmanship.games import simulate
from brinkmanship.policies.base import Decision, Letter, Observation, Option, Policy
from brinkmanship.scenario import parse_scenario
from brinkmanship.scenario.schema import Scenario

BASE = Path(__file__).resolve().parents[1] / "scenarios" / "mechanics" / "base.yaml"
_BASE_DOC: dict[str, Any] = yaml.safe_load(BASE.read_text(encoding="utf-8"))


def build(extra: str = "", **sections: Any) -> Scenario:
    """The skeleton scenario with ``extra`` (YAML text) and ``sections`` laid over it.

    Scenarios are frozen, so the same text is parsed once and shared between tests.
    """
    if sections:
        return _build(extra, sections)
    hit = _BUILT.get(extra)
    if hit is None:
        hit = _BUILT[extra] = _build(extra, {})
    return hit


_BUILT: dict[str, Scenario] = {}


def _build(extra: str, sections: dict[str, Any]) -> Scenario:
    doc = {key: (dict(v) if isinstance(v, dict) else list(v)) for key, v in _BASE_DOC.items()}
    overlay = dict(yaml.safe_load(extra) or {})
    overlay.update(sections)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(doc.get(key), dict):
            doc[key] = {**doc[key], **value}
        else:
            doc[key] = value
    return parse_scenario(yaml.safe_dump(doc, sort_keys=False), "<mechanics test>")


def at(sc: Scenario, hours: float) -> datetime:
    """The instant ``hours`` after the scenario's start."""
    return sc.scenario.start + timedelta(hours=hours)


@dataclass(frozen=True)
class Move:
    """Do ``kind`` on ``target`` as soon as it is legal at or after ``hour``."""

    hour: float
    kind: str
    target: str
    channel: str | None = None
    issues: tuple[str, ...] = ()

    def option(self) -> Option:
        return Option(self.kind, self.target, self.channel, self.issues)  # type: ignore[arg-type]


class Chair:
    """A scripted decision-maker: it performs its moves in order and records what it saw.

    A move not yet legal when due (an offer still in transit) is retried each time the
    actor is asked again, so "accept the offer when it arrives" is one move at hour 0.
    """

    name = "test-chair"

    def __init__(self, *moves: Move):
        self.moves = list(moves)
        self.seen: list[Observation] = []

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.start = scenario.scenario.start
        self.todo = sorted(self.moves, key=lambda m: m.hour)
        self.seen = []

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        self.seen.append(obs)
        choices, later = [], []
        for move in self.todo:
            due = self.start + timedelta(hours=move.hour) <= obs.now
            if due and move.option() in obs.options:
                choices.append(move.option())
            else:
                later.append(move)
        self.todo = later
        future = [self.start + timedelta(hours=m.hour) for m in later
                  if self.start + timedelta(hours=m.hour) > obs.now]
        return Decision(choices, wake_at=min(future) if future else None)


def play(sc: Scenario, seed: int = 0, iv: Interventions | None = None,
         **chairs: Policy | str) -> Run:
    """Simulate with the given chairs; every other actor who decides is passive."""
    policies: dict[str, Policy | str] = {a: "passive" for a in Index(sc).deciders}
    policies.update(chairs)
    return simulate(sc, policies, seed, iv)


def of_kind(run: Run, kind: str, **match: Any) -> list[dict[str, Any]]:
    """The events of ``kind`` whose fields equal ``match``."""
    return [e for e in run.events
            if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())]


def one(run: Run, kind: str, **match: Any) -> dict[str, Any]:
    """The single event of ``kind`` matching ``match`` (fails the test otherwise)."""
    found = of_kind(run, kind, **match)
    assert len(found) == 1, f"expected one {kind} {match}, got {len(found)}: {found}"
    return found[0]


def flags_at_end(run: Run) -> set[str]:
    """Flags of the world the log folds into (see test_event_sourcing for the fold itself)."""
    from brinkmanship.engine.world import World

    world = World.initial(Index(run.scenario))
    for ev in run.events:
        world.apply(ev)
    return world.flags


def wilson(successes: int, n: int, z: float = 2.5758293035489004) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (default 99%: z = Φ⁻¹(0.995)).

    E. B. Wilson, "Probable inference, the law of succession, and statistical inference",
    JASA 22 (1927) 209–212.
    """
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def logit(p: float) -> float:
    return math.log(p / (1 - p))


class Writer:
    """Writes its letters at its first turn, then looks every hour on the half hour; keeps
    every observation it was shown."""

    name = "writer"

    def __init__(self, *letters: Letter):
        self.letters = list(letters)
        self.seen: list[Observation] = []

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.start = scenario.scenario.start
        self.todo, self.seen = list(self.letters), []

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        self.seen.append(obs)
        letters, self.todo = self.todo, []
        hours = (obs.now - self.start).total_seconds() / 3600
        return Decision(letters=letters, wake_at=self.start + timedelta(hours=int(hours) + 1.5))
