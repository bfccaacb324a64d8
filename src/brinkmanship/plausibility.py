"""How plausible the record is to the default decision-makers.

The record is replayed as :func:`brinkmanship.history.replay` does (recorded incidents and
arrivals, faithful channels), and every time the engine asks a recorded actor to decide,
the default decision-maker, shown the same observation and blind to the history, is asked
too: how likely would it have been to do what the record says was done then (a deed, or
nothing)? Its own draw is discarded and its memory follows the record's choices, so each
judgement is conditioned on the history up to that moment.

The probability of each recorded deed is set against the probability the decision-makers
gave their own choices in runs of their own (:func:`own_choices`): a record whose deeds
the model finds about as likely as its own are is a plausible run of the model, not a
forced one. Deeds it gives no chance at all (not among its options then, or not thought
through) are counted apart.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from brinkmanship.engine.index import Index
from brinkmanship.engine.run import Run
from brinkmanship.games import simulate
from brinkmanship.history import NoHistory, divergences, recorded_actors, recorded_interventions
from brinkmanship.policies.advisers import Voice
from brinkmanship.policies.base import Decision, Observation, Option
from brinkmanship.policies.crisis_model import Row
from brinkmanship.policies.lenses import LensesPolicy
from brinkmanship.policies.lenses import option_key as _key
from brinkmanship.policies.moves import WAIT
from brinkmanship.policies.scripted import ScriptedPolicy
from brinkmanship.policies.values import Vec
from brinkmanship.scenario.schema import Scenario


@dataclass(frozen=True)
class Judgement:
    """The model's view of one recorded decision: what the record did (option keys, or
    ``wait``), its probability under the model, and the model's likeliest option then.

    ``weighed`` is false for an option that was not among the model's options at that
    moment (a leader who consults answers offers only at a meeting's end, for instance);
    ``thought`` is false for one it only glanced at, outside the few it thought through.
    Either way the probability is 0: the model would not have chosen it then.
    """

    t: str
    actor: str
    reason: str
    recorded: str
    p: float
    weighed: bool
    thought: bool
    likeliest: str
    p_likeliest: float

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.t, "actor": self.actor, "reason": self.reason,
                "recorded": self.recorded, "p": _sig(self.p), "weighed": self.weighed,
                "thought_through": self.thought, "likeliest": self.likeliest,
                "p_likeliest": _sig(self.p_likeliest)}


@dataclass
class Scorecard:
    """Every judged decision of a replay (one per actor and instant), and the replay."""

    run: Run
    judgements: list[Judgement] = field(default_factory=list)

    @property
    def deeds(self) -> list[Judgement]:
        return [j for j in self.judgements if j.recorded != "wait"]

    @property
    def waits(self) -> list[Judgement]:
        return [j for j in self.judgements if j.recorded == "wait"]

    def least_likely_waits(self, n: int = 5) -> list[Judgement]:
        """The ``n`` moments of waiting the model found least likely."""
        return sorted(self.waits, key=lambda j: (j.p, j.t, j.actor))[:n]


def summary_of(ps: list[float]) -> dict[str, Any]:
    """How many probabilities, how many are zero, and the geometric mean and median of the
    others (a zero would make any geometric mean zero; it is counted instead)."""
    positive = [p for p in ps if p > 0.0]
    return {"count": len(ps), "zero": len(ps) - len(positive),
            "geometric_mean_p": _sig(math.exp(statistics.fmean(math.log(p) for p in positive)))
            if positive else None,
            "median_p": _sig(statistics.median(positive)) if positive else None}


def _sig(p: float) -> float:
    """``p`` to three significant digits (so that one in a billion is not printed as 0)."""
    return float(f"{p:.3g}")


class _Shadow(LensesPolicy):
    """The default decision-maker asked alongside the record: it keeps the probabilities of
    its last decision and remembers the record's choices instead of its own."""

    last: tuple[list[Row], list[float]] | None = None

    def _trace(self, obs: Observation, rows: list[Row], scores: list[float],
               probs: list[float], pick: int, weights: Vec, precision: float,
               voices: list[Voice]) -> dict[str, Any]:
        self.last = (rows, probs)
        return super()._trace(obs, rows, scores, probs, pick, weights, precision, voices)

    def _remember(self, chosen: Option, t: int) -> None:
        return None  # its own draw is discarded

    def follow(self, choices: list[Option], t: int) -> None:
        for choice in choices:
            LensesPolicy._remember(self, choice, t)


class _Judged:
    """A recorded actor: the record decides; the shadow judges each decision."""

    name = "judged"
    reads_history = True

    def __init__(self, sink: list[Judgement]):
        self.script = ScriptedPolicy()
        self.shadow = _Shadow()
        self.sink = sink
        self.rng = np.random.default_rng(0)
        self.judged_at: datetime | None = None

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.actor = actor
        self.script.bind(scenario, actor)
        self.shadow.bind(scenario.model_copy(update={"history": None}), actor)

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        decision = self.script.decide(obs, rng)
        if not decision.choices and obs.now == self.judged_at:
            return decision  # asked again at an instant already judged: it waited once
        self.judged_at = obs.now
        self.shadow.last = None
        self.shadow.decide(obs, self.rng)
        t = self.shadow.model.ix.seconds(obs.now)
        when = obs.now.isoformat().replace("+00:00", "Z")
        if self.shadow.last is None:  # nothing to weigh: waiting was certain
            rows, probs = [Row(WAIT, self.actor, (), None)], [1.0]
        else:
            rows, probs = self.shadow.last
        index = {r.option: i for i, r in enumerate(rows)}
        best = max(range(len(rows)), key=lambda i: (probs[i], -i))
        likeliest = _key(rows[best].option)
        # Several deeds at one instant are each judged against this one decision's
        # probabilities (the model makes one move per decision).
        for choice in decision.choices or [WAIT]:
            i = index.get(choice)
            self.sink.append(Judgement(
                when, self.actor, obs.reason, _key(choice), probs[i] if i is not None else 0.0,
                i is not None, i is not None and rows[i].considered, likeliest, probs[best]))
        self.shadow.follow(list(decision.choices), t)
        return decision


def score_record(scenario: Scenario, seed: int = 0) -> Scorecard:
    """Replay the record, judging every decision of its actors by the ``lenses`` model."""
    hist = scenario.history
    if hist is None:
        raise NoHistory(f"scenario {scenario.scenario.id!r} has no history section")
    sink: list[Judgement] = []
    run = simulate(scenario, {a: _Judged(sink) for a in recorded_actors(scenario)}, seed,
                   recorded_interventions(scenario))
    return Scorecard(run, sink)


def own_choices(scenario: Scenario, seeds: range) -> list[float]:
    """The probability the decision-makers that judge the record (``lenses``) gave each
    deed (not a wait) they chose in their own runs of ``seeds``."""
    out: list[float] = []
    judges = {actor: LensesPolicy.name for actor in Index(scenario).deciders}
    for seed in seeds:
        for ev in simulate(scenario, judges, seed=seed).events:
            trace = ev.get("trace") if ev["kind"] == "decision" else None
            if not trace or not trace.get("options") or trace.get("chosen") == "wait":
                continue
            out.extend(o["p"] for o in trace["options"] if o["option"] == trace["chosen"])
    return out


def report(scenario: Scenario, card: Scorecard, own: list[float], runs: int
           ) -> dict[str, Any]:
    """The JSON shape of ``brink plausibility --json``."""
    out = card.run.outcome
    return {
        "scenario": scenario.scenario.id,
        "replay": {"outcome": out.kind,
                   "as_recorded": not divergences(scenario, card.run)},
        "deeds": {"judged": [j.to_dict() for j in card.deeds],
                  **summary_of([j.p for j in card.deeds])},
        "waits": {"count": len(card.waits),
                  "mean_p": _sig(statistics.fmean(j.p for j in card.waits))
                  if card.waits else None,
                  "least_likely": [j.to_dict() for j in card.least_likely_waits()]},
        "own_choices": {"runs": runs, **summary_of(own)},
    }


def render(scenario: Scenario, card: Scorecard, own: list[float], runs: int) -> list[str]:
    """Readable lines: each recorded deed with its probability, then the summary."""
    from brinkmanship.narrative import local_times

    ix = Index(scenario)
    rep = report(scenario, card, own, runs)
    lines = [f"{scenario.scenario.title}: the record judged by the default decision-makers",
             "(each deed: its probability when the record's actor took it, and the model's "
             "likeliest choice then)",
             f"The replayed record ends in {rep['replay']['outcome']}" +
             (", as recorded." if rep["replay"]["as_recorded"] else ", not as recorded."), ""]
    for j in card.deeds:
        alt = "" if j.likeliest == j.recorded else \
            f"; likeliest: {j.likeliest} ({_p(j.p_likeliest)})"
        note = " — not among its options then" if not j.weighed else \
            " — glanced at, not thought through" if not j.thought else ""
        lines.append(f"{local_times(scenario, j.t)}  {ix.actors[j.actor].name}")
        lines.append(f"    {j.recorded}: p = {_p(j.p)}{note}{alt}")
    deeds = rep["deeds"]
    lines += ["", f"Recorded deeds: {deeds['count']}; the model gives {deeds['zero']} of them "
              "no chance at the recorded moment." if deeds["zero"] else
              f"Recorded deeds: {deeds['count']}."]
    if deeds["geometric_mean_p"] is not None:
        lines.append(f"The others: geometric-mean probability {deeds['geometric_mean_p']}, "
                     f"median {deeds['median_p']}.")
    mine = rep["own_choices"]
    if mine["geometric_mean_p"] is not None:
        lines.append(f"The model's own deeds over {runs} runs: {mine['count']}; geometric-mean "
                     f"probability {mine['geometric_mean_p']}, median {mine['median_p']}.")
    if card.waits:
        lines += ["", f"Moments the record's actors were asked and did nothing: "
                  f"{len(card.waits)}; the model's mean probability of waiting then "
                  f"{rep['waits']['mean_p']}. Where it was likeliest to act:"]
        for w in card.least_likely_waits():
            lines.append(f"  {local_times(scenario, w.t)}  {ix.actors[w.actor].name}: "
                         f"waiting p = {_p(w.p)}; likeliest: {w.likeliest} "
                         f"({_p(w.p_likeliest)})")
    return lines


def _p(p: float) -> str:
    """A probability to three decimals, or to two significant digits when smaller."""
    return f"{p:.3f}" if p == 0.0 or p >= 0.001 else f"{p:.1e}"
