"""A run that waits for its seats: advance until someone must decide, submit, go on.

A :class:`Game` is one run of a scenario in which some actors sit in *seats*: whoever fills
a seat (a person at a terminal or in a browser, a language model, a learning agent) is
handed a :class:`Turn` (who must decide, why, and exactly what that seat sees) and the run
waits until a decision is submitted. Actors not seated are answered at once by their
policies. A game with no seats is a plain run; ``simulate`` is that driver.

The public methods enforce the invariants once: a decision is checked against the turn's
options before anything changes, every seat decision is recorded, and a game is saved as
data (scenario, seed, seats, policies by name, the seat decisions so far) and restored by
replaying those decisions, which the engine's determinism makes exact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from brinkmanship.engine.budgets import BudgetExceeded
from brinkmanship.engine.kernel import last_steps
from brinkmanship.engine.letters import letters_problem
from brinkmanship.engine.occurrences import Ask, Interventions, PolicyError, Simulation
from brinkmanship.engine.run import Outcome, Run
from brinkmanship.engine.world import Event
from brinkmanship.policies.base import Decision, Letter, Observation, Option, Policy
from brinkmanship.scenario.schema import Scenario
from brinkmanship.scenario.timeparse import iso_utc, parse_instant

SAVE_FORMAT = "brinkmanship.game/1"


class SeatError(ValueError):
    """A decision that may not be submitted now (wrong seat, illegal, or too late).

    Raised before anything changes: the game stands exactly where it stood.
    """


class SavedGameError(ValueError):
    """Saved-game data that cannot be restored; the message names the part."""


@dataclass(frozen=True)
class Turn:
    """One seat's moment to decide.

    ``number`` counts the turns handed to seats in this game, from 0. ``observation`` is
    everything the seat knows now and nothing more; ``observation.options`` are the legal
    choices (a decision may take several, or none, which waits).
    """

    number: int
    actor: str
    reason: str
    observation: Observation

    @property
    def options(self) -> tuple[Option, ...]:
        return self.observation.options

    @property
    def now(self) -> datetime:
        return self.observation.now


class Game:
    """One run that pauses whenever a seated actor must decide.

    ``policies`` answer the actors not seated (already bound to the scenario); ``seats``
    are the actors whose decisions come from :meth:`submit`. The same scenario, policies,
    seed, interventions and seat decisions always give the same log.
    """

    def __init__(self, scenario: Scenario, policies: Mapping[str, Policy],
                 seats: Iterable[str] = (), seed: int = 0,
                 interventions: Interventions | None = None):
        seated = frozenset(seats)
        actors = {a.id for a in scenario.actors}
        for who in sorted(seated | set(policies)):
            if who not in actors:
                raise ValueError(f"no actor {who!r} in scenario {scenario.scenario.id!r}")
        both = sorted(seated & set(policies))
        if both:
            raise ValueError(f"actor {both[0]!r} has both a seat and a policy")
        self.scenario = scenario
        self.seed = seed
        self.interventions = interventions or Interventions()
        self.policies = dict(policies)
        self.seats = seated
        self.decisions: list[dict[str, Any]] = []
        self._sim = Simulation(scenario, seated | set(policies), seed, self.interventions)
        self._ask: Ask | None = None
        self._turn: Turn | None = None
        self._version: int | None = None
        self._over = False
        self._instant, self._steps, self._all_steps = 0, 0, 0
        self._sim.begin()

    # -- where the game stands -----------------------------------------------------------
    def __repr__(self) -> str:
        seats = ", ".join(sorted(self.seats)) or "none"
        state = "over" if self.over else f"at {self.now.isoformat()}"
        return (f"<Game {self.scenario.scenario.id} seed {self.seed}: seats {seats}; "
                f"{len(self.events)} events, {state}>")

    @property
    def over(self) -> bool:
        """Whether the run has reached its closing ``end`` event."""
        return self._over

    @property
    def events(self) -> list[Event]:
        """The event log so far (do not change it)."""
        return self._sim.events

    @property
    def now(self) -> datetime:
        return self._sim.ix.start + timedelta(seconds=self._sim.world.t)

    @property
    def turn(self) -> Turn | None:
        """The turn waiting for a decision, if any (:meth:`advance` hands it out)."""
        return self._turn

    @property
    def outcome(self) -> Outcome:
        return self.result().outcome

    def result(self) -> Run:
        """The finished run; ``SeatError`` while the game is still being played."""
        if not self._over:
            raise SeatError("the game is not over yet")
        return Run(self.scenario, self.seed, self._sim.events)

    def policy_stream(self, actor: str) -> np.random.Generator:
        """The random stream the engine gives ``actor``'s decisions: a seat that decides
        with a policy drawing from it decides exactly as that policy would in ``simulate``."""
        return self._sim.rng("policy", actor)

    # -- playing -------------------------------------------------------------------------
    def advance(self) -> Turn | None:
        """Run until a seat must decide and return its turn; ``None`` once the game is over.

        Asking again without submitting returns the same turn.
        """
        sim = self._sim
        while self._turn is None and not self._over:
            self._count_step()
            if sim.asks:
                ask = sim.asks.popleft()
                obs = sim.observe(ask)
                if obs is None:
                    continue
                if ask.actor in self.seats:
                    self._ask = ask
                    self._turn = Turn(len(self.decisions), ask.actor, ask.reason, obs)
                else:
                    sim.decide(ask, self._policy_decision(ask, obs))
            elif self._version is not None:
                # An occurrence and the decisions it prompted are done: re-rate the hazards.
                if sim.world.version != self._version:
                    sim.refresh_hazards()
                self._version = None
            elif sim.due() is None:
                sim.finish()
                self._over = True
            else:
                self._version = sim.world.version
                sim.step()
        return self._turn

    def submit(self, decision: Decision, actor: str | None = None) -> None:
        """Carry out the waiting turn's decision (``actor``, if given, must be its seat).

        ``SeatError`` for a decision for the wrong seat, one not among the turn's options,
        a wake-up before now, or any decision when no turn waits; nothing changes then.
        """
        turn, ask = self._turn, self._ask
        if turn is None or ask is None:
            raise SeatError("the game is over: no seat decides any more" if self._over else
                            "no seat is waiting for a decision: call advance() first")
        if actor is not None and actor != turn.actor:
            raise SeatError(f"it is {turn.actor}'s turn, not {actor}'s")
        check_decision(turn, decision)
        self.decisions.append(decision_data(turn, decision))
        self._turn = self._ask = None
        self._sim.decide(ask, decision)

    def play(self) -> Run:
        """Run to the end; only for a game without seats (else ``SeatError``)."""
        if self.advance() is not None:
            raise SeatError(f"seat {self._turn.actor if self._turn else ''!r} must decide")
        return self.result()

    def _count_step(self) -> None:
        """Count one step of the run at this instant; ``BudgetExceeded`` past the budget."""
        sim, budgets = self._sim, self.interventions.budgets
        if sim.world.t != self._instant:
            self._instant, self._steps = sim.world.t, 0
        self._steps += 1
        self._all_steps += 1
        for name, spent, limit in (("steps_per_instant", self._steps, budgets.steps_per_instant),
                                   ("steps", self._all_steps, budgets.steps)):
            if spent > limit:
                spinning = last_steps(sim.events) + [f"ask:{a.actor}" for a in
                                                     list(sim.asks)[:4]]
                raise BudgetExceeded(name, limit, sim.iso(sim.world.t), spinning)

    def _policy_decision(self, ask: Ask, obs: Observation) -> Decision:
        policy = self.policies[ask.actor]
        decision = policy.decide(obs, self._sim.rng("policy", ask.actor))
        bad = _not_offered(decision, obs.options)
        if bad is not None:
            raise PolicyError(f"policy {policy.name!r} for {ask.actor!r} chose "
                              f"{bad.key!r}, which it was not offered")
        problem = letters_problem(decision.letters, obs.letter_form)
        if problem is not None:
            raise PolicyError(f"policy {policy.name!r} for {ask.actor!r} wrote a letter it "
                              f"may not send: {problem}")
        return decision

    # -- saving --------------------------------------------------------------------------
    def save(self) -> dict[str, Any]:
        """The game as JSON-safe data; :meth:`restore` continues it anywhere, identically."""
        streams = {a: st for a in sorted(self.seats)
                   if (st := self._sim.rng.state("policy", a)) is not None}
        return {"format": SAVE_FORMAT, "scenario": self.scenario.model_dump(mode="json"),
                "seed": self.seed, "seats": sorted(self.seats),
                "policies": {a: p.name for a, p in sorted(self.policies.items())},
                "interventions": self.interventions.to_data(),
                "decisions": list(self.decisions), "streams": streams,
                "at": iso_utc(self.now), "over": self._over}

    @classmethod
    def restore(cls, saved: SavedGame, policies: Mapping[str, Policy]) -> Game:
        """The game ``saved`` describes, continued to where it was saved.

        ``policies`` are bound afresh for the actors ``saved.policies`` names; the seat
        decisions are replayed in order, and each must meet the turn it was made at.
        """
        game = cls(saved.scenario, policies, saved.seats, saved.seed, saved.interventions)
        for i, data in enumerate(saved.decisions):
            turn = game.advance()
            where = f"decisions[{i}]"
            if turn is None or turn.actor != data.get("actor"):
                raise SavedGameError(f"{where}: the saved decision of {data.get('actor')!r} "
                                     "does not meet the game's turn "
                                     f"({turn.actor if turn else 'the game is over'})")
            try:
                game.submit(decision_from_data(data, turn))
            except (SeatError, ValueError, KeyError, TypeError) as exc:
                raise SavedGameError(f"{where}: {exc}") from None
        for actor, state in saved.streams.items():
            try:
                game._sim.rng.restore(state, "policy", actor)
            except (KeyError, ValueError, TypeError) as exc:
                raise SavedGameError(f"streams.{actor}: {exc}") from None
        game.advance()
        return game


@dataclass(frozen=True)
class SavedGame:
    """Saved-game data, read and checked (:meth:`Game.save` writes it)."""

    scenario: Scenario
    seed: int
    seats: frozenset[str]
    policies: dict[str, str]
    interventions: Interventions
    decisions: list[dict[str, Any]]
    streams: dict[str, dict[str, Any]]

    @classmethod
    def from_data(cls, data: Any) -> SavedGame:
        """Check ``data`` (``SavedGameError`` names the bad part)."""
        from brinkmanship.scenario import ScenarioError, parse_scenario

        if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
            raise SavedGameError(f"not a saved game (format is not {SAVE_FORMAT!r})")
        try:
            scenario = parse_scenario(json.dumps(data["scenario"]), "<saved game: scenario>")
        except ScenarioError as exc:
            raise SavedGameError(str(exc)) from None
        except KeyError:
            raise SavedGameError("scenario: missing") from None
        seed = data.get("seed")
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise SavedGameError("seed: a non-negative integer is needed")
        try:
            interventions = Interventions.from_data(data.get("interventions", {}))
        except (ValueError, TypeError, AttributeError) as exc:
            raise SavedGameError(f"interventions: {exc}") from None
        parts = {"seats": list, "policies": dict, "decisions": list, "streams": dict}
        for name, kind in parts.items():
            if not isinstance(data.get(name, kind()), kind):
                raise SavedGameError(f"{name}: a {kind.__name__} is needed")
        decisions = data.get("decisions", [])
        if not all(isinstance(d, dict) for d in decisions):
            raise SavedGameError("decisions: each decision is an object")
        return cls(scenario, seed, frozenset(map(str, data.get("seats", []))),
                   {str(a): str(p) for a, p in data.get("policies", {}).items()},
                   interventions, decisions, dict(data.get("streams", {})))


# -- decisions as data ---------------------------------------------------------------------
def check_decision(turn: Turn, decision: Decision) -> None:
    """``SeatError`` unless ``decision`` may be submitted at ``turn``."""
    if not isinstance(decision, Decision):
        raise SeatError(f"a Decision is needed, not {type(decision).__name__}")
    bad = _not_offered(decision, turn.options)
    if bad is not None:
        key = bad.key if isinstance(bad, Option) else repr(bad)
        raise SeatError(f"{key} is not among {turn.actor}'s options now")
    problem = letters_problem(decision.letters, turn.observation.letter_form)
    if problem is not None:
        raise SeatError(problem)
    wake = decision.wake_at
    if wake is not None:
        if not isinstance(wake, datetime) or wake.tzinfo is None:
            raise SeatError("a wake-up time is a datetime with a time zone")
        if wake < turn.now:
            raise SeatError(f"the wake-up time {iso_utc(wake)} is before now "
                            f"({iso_utc(turn.now)})")


def _not_offered(decision: Decision, options: tuple[Option, ...]) -> Option | None:
    """The first of a decision's choices that is not among ``options``, if any."""
    legal = set(options)
    return next((c for c in decision.choices if c not in legal), None)


def decision_data(turn: Turn, decision: Decision) -> dict[str, Any]:
    """The JSON-safe record of a seat decision."""
    data: dict[str, Any] = {"turn": turn.number, "actor": turn.actor,
                            "at": iso_utc(turn.now), "choices": [option_data(c)
                                                                 for c in decision.choices]}
    if decision.wake_at is not None:
        data["wake_at"] = iso_utc(decision.wake_at)
    if decision.trace:
        data["trace"] = decision.trace
    if decision.letters:
        data["letters"] = [letter_data(x) for x in decision.letters]
    return data


def decision_from_data(data: Mapping[str, Any], turn: Turn) -> Decision:
    """The decision :func:`decision_data` recorded (checked by the caller's ``submit``)."""
    choices = [option_from_data(c) for c in data.get("choices", [])]
    wake = data.get("wake_at")
    letters = [letter_from_data(x) for x in data.get("letters", [])]
    return Decision(choices, parse_instant(str(wake)) if wake else None,  # type: ignore[arg-type]
                    data.get("trace"), letters)


def option_data(option: Option) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": option.kind, "target": option.target}
    if option.channel is not None:
        data["channel"] = option.channel
    if option.issues:
        data["issues"] = list(option.issues)
    return data


def option_from_data(data: Mapping[str, Any]) -> Option:
    return Option(data["kind"], str(data["target"]),
                  None if data.get("channel") is None else str(data["channel"]),
                  tuple(str(i) for i in data.get("issues", ())))


def letter_data(letter: Letter) -> dict[str, Any]:
    """The JSON-safe record of a composed letter."""
    return {"to": letter.to, "channel": letter.channel, "public": letter.public,
            "terms": dict(letter.terms), "private_terms": dict(letter.private_terms),
            "text": letter.text}


def letter_from_data(data: Mapping[str, Any]) -> Letter:
    """The letter :func:`letter_data` recorded (``ValueError`` for a malformed one)."""
    if not isinstance(data, Mapping):
        raise ValueError("a letter is an object")
    unknown = sorted(set(data) - {"to", "channel", "public", "terms", "private_terms", "text"})
    if unknown:
        raise ValueError(f"unknown letter field {unknown[0]!r}")
    return Letter(str(data["to"]), str(data["channel"]), dict(data.get("terms", {})),
                  dict(data.get("private_terms", {})), data.get("text", ""),
                  data.get("public", False))
