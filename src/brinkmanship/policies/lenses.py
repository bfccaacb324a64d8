"""The default decision-maker: three lenses on one choice, and a trace of why.

- Rational actor (:mod:`.expected_utility`): every option is scored by expected utility
  under the leader's beliefs, the other side's answer simulated in its shoes.
- Governmental politics (:mod:`.advisers`): at the end of a meeting the advisers present
  weigh in by influence and persuade; a meeting takes its time, during which the leader
  only holds pre-delegated responses; fatigue and stress blur the choice.
- Organisational process (:mod:`.risk`, :mod:`.moves`): the leader knows its orders reach
  the units late and not always, that holds may fail, that chains and responses follow.

The choice is a logit (quantal response) draw over the scored options and waiting, from
the engine's random stream for this actor; with very high rationality it is the
expected-utility maximum. Nothing here reads the scenario's history.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np

from brinkmanship.policies.advisers import Voice, named, positions
from brinkmanship.policies.base import Decision, Observation, Option
from brinkmanship.policies.crisis_model import CrisisModel, Row, crisis_model
from brinkmanship.policies.expected_utility import logit
from brinkmanship.policies.moves import WAIT
from brinkmanship.policies.values import Vec, dot, weights_vec
from brinkmanship.scenario.schema import UTILITY_TERMS, Scenario

SHOWN_OPTIONS = 8


class LensesPolicy:
    """Rational actor, governmental politics and organisational process, for one actor."""

    name = "lenses"

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.actor = actor
        self.model: CrisisModel = crisis_model(scenario, actor)
        self.weights: Vec = weights_vec(self.model.dm.weights)
        self.next_wake: Any = None
        self.accepted: str | None = None

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        if self.accepted is not None:
            # An acceptance settles the crisis when it arrives; nothing is left to weigh.
            return Decision(trace={"model": self.name, "chosen": "wait",
                                   "why": f"awaiting the settlement its acceptance of "
                                          f"{self.accepted} makes"})
        if not obs.options:
            return Decision()  # nothing to weigh; the engine asks again when news comes
        model = self.model
        t = model.ix.seconds(obs.now)
        meeting = obs.meeting if obs.reason == "meeting" else None
        options = model.undominated(obs.options)
        if meeting is None and model.council.in_meeting(t):
            options = tuple(o for o in options if o.kind == "hold")
        situation = model.picture.situation(obs)
        rows = model.evaluate(situation, options, self.weights)
        voices = model.council.present(meeting)
        weights = model.council.combined(self.weights, voices)
        precision = model.council.precision(t / 3600, obs.stress)
        scores = [dot(weights, r.value) - (model.dm.inertia if r.option != WAIT else 0.0)
                  for r in rows]
        probs = logit(precision, scores)
        pick = _draw(probs, float(rng.random()))
        trace = self._trace(obs, rows, scores, probs, pick, weights, precision, voices)
        self.weights = model.council.persuaded(self.weights, voices)
        chosen = rows[pick].option
        if chosen.kind == "accept":
            self.accepted = chosen.target
        return Decision([] if chosen == WAIT else [chosen], self._wake(obs), trace)

    def _wake(self, obs: Observation) -> Any:
        """Ask to be woken ``review_hours`` on, unless the scenario gives the actor decision
        points of its own or an earlier wake-up is still to come."""
        if self.model.scheduled or (self.next_wake is not None and self.next_wake > obs.now):
            return None
        self.next_wake = obs.now + timedelta(hours=self.model.dm.review_hours)
        return self.next_wake

    def _trace(self, obs: Observation, rows: list[Row], scores: list[float],
               probs: list[float], pick: int, weights: Vec, precision: float,
               voices: list[Voice]) -> dict[str, Any]:
        order = sorted(range(len(rows)), key=lambda i: (-scores[i], _key(rows[i].option)))
        shown = order[:SHOWN_OPTIONS]
        for extra in (pick, len(rows) - 1):
            if extra not in shown:
                shown.append(extra)
        keys = [_key(r.option) for r in rows]
        trace: dict[str, Any] = {
            "model": self.name,
            "meeting": obs.meeting if obs.reason == "meeting" else None,
            "beliefs": {side: {k: round(v, 4) for k, v in b.items()}
                        for side, b in sorted(obs.beliefs.items())},
            "stress": round(obs.stress, 4),
            "rationality": round(precision, 4),
            "weights": named(weights),
            "options": [_row(rows[i], keys[i], scores[i], probs[i]) for i in shown],
            "advisers": positions(voices, keys, [r.value for r in rows]),
            "chosen": keys[pick],
            "why": _why(keys, scores, probs, order, pick),
        }
        return trace


def _draw(probs: list[float], u: float) -> int:
    acc = 0.0
    for i, p in enumerate(probs):
        acc += p
        if u < acc:
            return i
    return len(probs) - 1


def _key(opt: Option) -> str:
    return "wait" if opt == WAIT else opt.key


def _row(row: Row, key: str, score: float, p: float) -> dict[str, Any]:
    out: dict[str, Any] = {"option": key, "eu": round(score, 3), "p": round(p, 4),
                           "versus": row.versus,
                           "terms": {t: round(v, 3) for t, v in zip(UTILITY_TERMS, row.value,
                                                                    strict=True) if abs(v) > 5e-4}}
    if row.reply is not None:
        out["reply"] = {"option": row.reply.option, "p": row.reply.probability}
    return out


def _why(keys: list[str], scores: list[float], probs: list[float], order: list[int],
         pick: int) -> str:
    best = order[0]
    if len(order) == 1:
        return f"{keys[pick]} was the only course open"
    if pick == best:
        runner = order[1]
        return (f"{keys[pick]} had the highest expected utility ({scores[pick]:+.3f}), "
                f"{scores[pick] - scores[runner]:.3f} above {keys[runner]}; "
                f"the logit rule chose it with probability {probs[pick]:.3f}")
    return (f"{keys[pick]} ({scores[pick]:+.3f}) was drawn with probability {probs[pick]:.3f} "
            f"although {keys[best]} scored higher ({scores[best]:+.3f}): the choice is noisy")
