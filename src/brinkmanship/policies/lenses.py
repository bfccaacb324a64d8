"""The default decision-maker: three lenses on one choice, and a trace of why.

- Rational actor (:mod:`.expected_utility`): every option is scored by expected utility
  under the leader's beliefs, the other side's answer simulated in its shoes.
- Governmental politics (:mod:`.advisers`): at the end of a meeting the advisers present
  weigh in by influence and persuade; a meeting takes its time, during which the leader
  only holds pre-delegated responses; fatigue and stress blur the choice.
- Organisational process (:mod:`.risk`, :mod:`.moves`): the leader knows its orders reach
  the units late and not always, that holds may fail, that chains and responses follow.

The choice is a nested logit (quantal response) draw over the options thought through and
waiting, from the engine's random stream for this actor; with very high rationality it is
the expected-utility maximum. Nothing here reads the scenario's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from brinkmanship.policies.advisers import Voice, named, positions
from brinkmanship.policies.base import Decision, Observation, Option
from brinkmanship.policies.crisis_model import CrisisModel, Row, crisis_model
from brinkmanship.policies.expected_utility import quantal
from brinkmanship.policies.hidden_types import Belief, Types, posterior
from brinkmanship.policies.moves import WAIT
from brinkmanship.policies.picture import CLOCK_STEP_S
from brinkmanship.policies.situation import Situation
from brinkmanship.policies.values import Vec, dot, weights_vec
from brinkmanship.scenario.schema import UTILITY_TERMS, Scenario

SHOWN_OPTIONS = 8


@dataclass(frozen=True)
class _Weighing:
    """One reading of a decision: the rows weighed, their scores and chances, and the
    weights, precision and voices they were weighed with."""

    rows: list[Row]
    scores: list[float]
    probs: list[float]
    weights: Vec
    precision: float
    voices: list[Voice]
    situation: Situation


class LensesPolicy:
    """Rational actor, governmental politics and organisational process, for one actor."""

    name = "lenses"

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.actor = actor
        self.model: CrisisModel = crisis_model(scenario, actor)
        self.weights: Vec = weights_vec(self.model.dm.weights)
        self.next_wake: Any = None
        self.accepted: str | None = None
        self.started: set[str] = set()
        self.orders_sent: dict[str, int] = {}
        ix = self.model.ix
        side = ix.side_of[actor]
        # Hidden types: the common prior over each other typed side, moved by Bayes' rule on
        # its leader's deeds; and how the counterpart is pictured reading this side's type.
        self.type_beliefs: dict[str, Belief] = {
            x: tuple((k.id, k.prior) for k in kinds) for x, kinds in sorted(ix.types.items())
            if x != side}
        self.read_as: Belief | None = tuple((k.id, k.prior) for k in ix.types[side]) \
            if side in ix.types else None
        self.deeds_read: set[tuple[str, str]] = set()
        self.before: Situation | None = None
        self.readings: list[dict[str, Any]] = []

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        if self.accepted is not None:
            # An acceptance settles the crisis when it arrives; nothing is left to weigh.
            return Decision(trace={"model": self.name, "chosen": "wait",
                                   "why": f"awaiting the settlement its acceptance of "
                                          f"{self.accepted} makes"})
        typed = bool(self.model.ix.types)
        if typed:
            situation = self.model.picture.situation(obs)
            self._read_deeds(obs, situation)
            self.before = situation
        if not obs.options:
            return Decision()  # nothing to weigh; the engine asks again when news comes
        w = self._weigh(obs)
        pick = _draw(w.probs, float(rng.random()))
        trace = self._trace(obs, w.rows, w.scores, w.probs, pick, w.weights, w.precision,
                            w.voices)
        self.weights = self.model.council.persuaded(self.weights, w.voices)
        chosen = w.rows[pick].option
        if typed:
            trace["types"] = self._types_trace(obs)
            self._signalled(chosen, w.situation, w.weights, obs)
        self._remember(chosen, self.model.ix.seconds(obs.now))
        return Decision([] if chosen == WAIT else [chosen], self._wake(obs), trace)

    # -- hidden types ----------------------------------------------------------------------
    def _types(self, obs: Observation) -> Types | None:
        if not self.model.ix.types:
            return None
        return Types(obs.side_type, tuple(sorted(self.type_beliefs.items())), self.read_as)

    def _read_deeds(self, obs: Observation, now: Situation) -> None:
        """Bayes' rule on the deeds of each typed side's leader seen since the last
        decision: each type's chance of the deed, pictured in its shoes where the actor last
        pictured the crisis (before the deed), at the time it was chosen."""
        ix = self.model.ix
        leaders = {ix.leader_of[x]: x for x in self.type_beliefs}
        deeds: list[tuple[str, Option, int]] = []
        for m in obs.inbox:
            if m.sender in leaders and m.draft and ("message", m.id) not in self.deeds_read:
                self.deeds_read.add(("message", m.id))
                deeds.append((m.sender, Option("send", m.draft), ix.seconds(m.sent_at)))
        for n, seen in enumerate(obs.sightings):
            action = ix.actions.get(seen.id) if seen.kind == "action" else None
            if action is not None and action.actor in leaders and \
                    ("action", str(n)) not in self.deeds_read:
                self.deeds_read.add(("action", str(n)))
                chosen = ix.seconds(seen.at) - int(action.duration_hours * 3600)
                deeds.append((action.actor, Option("act", action.id), chosen))
        for sender, deed, chosen in deeds:
            base = self.before or now
            at = max(base.t, (chosen // CLOCK_STEP_S) * CLOCK_STEP_S)
            then = base if at == base.t else base.but(t=at)
            side = leaders[sender]
            prior = self.type_beliefs[side]
            reader = self.model.reading(then, sender, self.weights, obs.side_type)
            likelihood = reader.likelihood(then, prior, deed)
            if likelihood is None:
                continue
            self.type_beliefs[side] = after = posterior(prior, likelihood)
            self.readings.append({"side": side, "deed": deed.key,
                                  "likelihood": {k: _sig(p) for k, p in likelihood.items()},
                                  "before": dict(prior), "after": dict(after)})

    def _signalled(self, chosen: Option, s: Situation, weights: Vec, obs: Observation) -> None:
        """After a deed the counterpart sees, picture it reading this side's type anew."""
        if self.read_as is None or obs.side_type is None or chosen == WAIT:
            return
        versus = self.model.versus(s, chosen)
        if versus == self.actor or self.model.dm.type_levels <= 1:
            return
        reader = self.model.reader(s, versus, weights, obs.side_type)
        self.read_as = reader.read_of(s, self.read_as, chosen)

    def _types_trace(self, obs: Observation) -> dict[str, Any]:
        out: dict[str, Any] = {"beliefs": {x: dict(b) for x, b in self.type_beliefs.items()},
                               "read": self.readings}
        if obs.side_type is not None:
            out["mine"] = obs.side_type
            out["read_as"] = dict(self.read_as or ())
        self.readings = []
        return out

    def _weigh(self, obs: Observation) -> _Weighing:
        """The options the leader weighs now, scored and given their chances."""
        model = self.model
        t = model.ix.seconds(obs.now)
        meeting = obs.meeting if obs.reason == "meeting" else None
        situation = model.picture.situation(obs)
        options = self._admissible(model.undominated(obs.options), situation, t, meeting)
        rows = model.evaluate(situation, options, self.weights, self._types(obs))
        voices = model.council.present(meeting)
        weights = model.council.combined(self.weights, voices)
        precision = model.council.precision(t / 3600, obs.stress)
        scores = [dot(weights, r.value) for r in rows]
        return _Weighing(rows, scores, self._chances(rows, scores, precision), weights,
                         precision, voices, situation)

    def counsel(self, obs: Observation, shown: int = 3) -> dict[str, Any]:
        """What the model would weigh now, without deciding or changing anything.

        ``options``: the ``shown`` options it likes best, with their expected utility and
        the probability it would choose each; ``advisers``: every one of the leader's
        advisers (not only a meeting's), with the option best under its own weights. Built
        from the observation alone, like :meth:`decide`.
        """
        if not obs.options:
            return {"options": [], "advisers": []}
        w = self._weigh(obs)
        keys = [option_key(r.option) for r in w.rows]
        best = sorted(range(len(keys)), key=lambda i: (-w.probs[i], -w.scores[i], keys[i]))
        everyone = sorted(self.model.council.voices.values(), key=lambda v: -v.influence)
        return {"options": [{"option": keys[i], "eu": round(w.scores[i], 3),
                             "p": round(w.probs[i], 4)} for i in best[:shown]],
                "advisers": positions(everyone, keys, [r.value for r in w.rows])}

    def _chances(self, rows: list[Row], scores: list[float], precision: float) -> list[float]:
        """Choice probabilities: the nested logit over the options thought through."""
        thought = [i for i, r in enumerate(rows) if r.considered]
        chances = quantal(precision, [scores[i] for i in thought], self.model.dm.inertia)
        probs = [0.0] * len(rows)
        for i, p in zip(thought, chances, strict=True):
            probs[i] = p
        return probs

    def note(self, choices: list[Option], now: datetime) -> None:
        """Take ``choices``, made for the actor by someone else (a player whose counsel
        this is), as set in motion: later counsel does not urge them again."""
        for chosen in choices:
            self._remember(chosen, self.model.ix.seconds(now))

    def _remember(self, chosen: Option, t: int) -> None:
        """What the actor has set in motion: an acceptance, an action, an order change."""
        if chosen.kind == "accept":
            self.accepted = chosen.target
        elif chosen.kind == "act" and not self.model.ix.actions[chosen.target].repeatable:
            self.started.add(chosen.target)
        elif chosen.kind in ("order_on", "order_off"):
            self.orders_sent[chosen.target] = t

    def _admissible(self, options: tuple[Option, ...], s: Situation, t: int,
                    meeting: str | None) -> tuple[Option, ...]:
        """The options the leader weighs now.

        Organisational routine: a pre-delegated response is reconsidered (held or released)
        only once its trigger has happened; an action once ordered is not ordered again
        while under way, nor an order changed again before the last change can have reached
        the units. Governmental politics: while one of its meetings sits, the leader only
        holds or releases; a leader who consults answers offers and takes military action
        only at a meeting's end, while meetings are still to come.
        """
        model = self.model
        due = {r for r, _ in s.due}
        out = [o for o in options if (o.kind not in ("hold", "release") or o.target in due)
               and not (o.kind == "act" and o.target in self.started)
               and not (o.kind in ("order_on", "order_off") and self._order_in_transit(o, t))]
        if meeting is None and model.council.in_meeting(t):
            return tuple(o for o in out if o.kind in ("hold", "release"))
        if model.dm.consults and meeting is None and model.council.meeting_ahead(t):
            out = [o for o in out if not model.consulted(o, s)]
        return tuple(out)

    def _order_in_transit(self, opt: Option, t: int) -> bool:
        sent = self.orders_sent.get(opt.target)
        delay = self.model.ix.orders[opt.target].change_delay.median_hours
        return sent is not None and t < sent + delay * 3600

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
        order = sorted(range(len(rows)),
                       key=lambda i: (-scores[i], option_key(rows[i].option)))
        shown = order[:SHOWN_OPTIONS]
        for extra in (pick, len(rows) - 1):
            if extra not in shown:
                shown.append(extra)
        keys = [option_key(r.option) for r in rows]
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


def option_key(opt: Option) -> str:
    """How traces name an option: its key, or ``wait``."""
    return "wait" if opt == WAIT else opt.key


def _row(row: Row, key: str, score: float, p: float) -> dict[str, Any]:
    out: dict[str, Any] = {"option": key, "eu": round(score, 3), "p": round(p, 4),
                           "versus": row.versus, "considered": row.considered,
                           "terms": {t: round(v, 3) for t, v in zip(UTILITY_TERMS, row.value,
                                                                    strict=True) if abs(v) > 5e-4}}
    if row.reply is not None:
        out["reply"] = {"option": row.reply.option, "p": row.reply.probability}
    if row.by_type:
        out["by_type"] = [{"type": k, "belief": round(p, 4),
                           **({"reply": {"option": r.option, "p": r.probability}} if r else {})}
                          for k, p, r in row.by_type]
    if row.read_as:
        out["read_as"] = {k: round(p, 4) for k, p in row.read_as}
    return out


def _sig(p: float) -> float:
    """A probability to six significant digits (likelihoods can be tiny)."""
    return float(f"{p:.6g}")


def _why(keys: list[str], scores: list[float], probs: list[float], order: list[int],
         pick: int) -> str:
    likeliest = max(range(len(probs)), key=lambda i: (probs[i], -i))
    if len(order) == 1:
        return f"{keys[pick]} was the only course open"
    if pick == likeliest:
        runner = next(i for i in order if i != pick)
        return (f"{keys[pick]} was the likeliest choice (probability {probs[pick]:.3f}): "
                f"expected utility {scores[pick]:+.3f}, against {scores[runner]:+.3f} for "
                f"{keys[runner]}")
    return (f"{keys[pick]} (expected utility {scores[pick]:+.3f}) was drawn with probability "
            f"{probs[pick]:.3f}, though {keys[likeliest]} ({scores[likeliest]:+.3f}) was "
            f"likelier at {probs[likeliest]:.3f}: the choice is noisy")
