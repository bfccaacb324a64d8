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
forced one.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from brinkmanship.engine.results import Run, simulate
from brinkmanship.engine.simulate import Interventions, index_of
from brinkmanship.history import NoHistory, recorded_interventions
from brinkmanship.history import differences as history_differences
from brinkmanship.policies.advisers import Voice
from brinkmanship.policies.base import Decision, Observation, Option
from brinkmanship.policies.crisis_model import Row
from brinkmanship.policies.lenses import LensesPolicy
from brinkmanship.policies.moves import WAIT
from brinkmanship.policies.scripted import ScriptedPolicy
from brinkmanship.policies.values import Vec
from brinkmanship.scenario.schema import Scenario

FLOOR = 1e-6
"""Probabilities below this count as this in geometric means (a deed the model did not weigh
at all would otherwise make every mean zero)."""


@dataclass(frozen=True)
class Judgement:
    """The model's view of one recorded decision: what the record did (option keys, or
    ``wait``), its probability under the model (0 where the model did not weigh it), and
    the model's likeliest option then."""

    t: str
    actor: str
    reason: str
    recorded: str
    p: float
    weighed: bool
    likeliest: str
    p_likeliest: float

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.t, "actor": self.actor, "reason": self.reason,
                "recorded": self.recorded, "p": round(self.p, 4), "weighed": self.weighed,
                "likeliest": self.likeliest, "p_likeliest": round(self.p_likeliest, 4)}


@dataclass
class Scorecard:
    """Every judged decision of a replay, and the replay itself."""

    run: Run
    judgements: list[Judgement] = field(default_factory=list)

    @property
    def deeds(self) -> list[Judgement]:
        return [j for j in self.judgements if j.recorded != "wait"]

    @property
    def waits(self) -> list[Judgement]:
        return [j for j in self.judgements if j.recorded == "wait"]

    def to_dict(self) -> dict[str, Any]:
        deeds, waits = self.deeds, self.waits
        return {"deeds": [j.to_dict() for j in deeds],
                "deeds_geometric_mean_p": geometric_mean([j.p for j in deeds]),
                "waits": len(waits),
                "waits_mean_p": round(statistics.fmean(j.p for j in waits), 4) if waits
                else None,
                "least_likely_waits": [j.to_dict() for j in _distinct(
                    sorted(waits, key=lambda j: (j.p, j.t, j.actor)))[:5]]}


def _distinct(judgements: list[Judgement]) -> list[Judgement]:
    """The first judgement of each (instant, actor): an actor asked twice at one instant
    waited once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for j in judgements:
        if (j.t, j.actor) not in seen:
            seen.add((j.t, j.actor))
            out.append(j)
    return out


def geometric_mean(ps: list[float]) -> float | None:
    """The geometric mean of ``ps`` (each floored at :data:`FLOOR`); None when empty."""
    if not ps:
        return None
    return round(math.exp(statistics.fmean(math.log(max(p, FLOOR)) for p in ps)), 4)


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

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.actor = actor
        self.script.bind(scenario, actor)
        self.shadow.bind(scenario.model_copy(update={"history": None}), actor)

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        decision = self.script.decide(obs, rng)
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
        for choice in decision.choices or [WAIT]:
            i = index.get(choice)
            self.sink.append(Judgement(when, self.actor, obs.reason, _key(choice),
                                       probs[i] if i is not None else 0.0, i is not None,
                                       likeliest, probs[best]))
        self.shadow.follow(list(decision.choices), t)
        return decision


def _key(opt: Option) -> str:
    return "wait" if opt == WAIT else opt.key


def score_record(scenario: Scenario, seed: int = 0) -> Scorecard:
    """Replay the record, judging every decision of its actors by the default model."""
    hist = scenario.history
    if hist is None:
        raise NoHistory(f"scenario {scenario.scenario.id!r} has no history section")
    ix = index_of(scenario)
    sink: list[Judgement] = []
    actors = sorted(set(ix.deciders) | {e.actor for e in hist.record if e.incident is None})
    iv: Interventions = recorded_interventions(scenario)
    run = simulate(scenario, {a: _Judged(sink) for a in actors}, seed, iv)
    return Scorecard(run, sink)


def own_choices(scenario: Scenario, seeds: range) -> list[float]:
    """The probability the default decision-makers gave each deed (not a wait) they chose
    in their own runs of ``seeds``."""
    out: list[float] = []
    for seed in seeds:
        for ev in simulate(scenario, seed=seed).events:
            trace = ev.get("trace") if ev["kind"] == "decision" else None
            if not trace or not trace.get("options") or trace.get("chosen") == "wait":
                continue
            out.extend(o["p"] for o in trace["options"] if o["option"] == trace["chosen"])
    return out


def report(scenario: Scenario, card: Scorecard, own: list[float]) -> dict[str, Any]:
    """The JSON shape of ``brink plausibility --json``: the scorecard and the model's own
    choices to compare with."""
    out = card.to_dict()
    out["own_choices"] = {"deeds": len(own), "geometric_mean_p": geometric_mean(own),
                          "median_p": round(statistics.median(own), 4) if own else None}
    out["deeds_median_p"] = round(statistics.median(j.p for j in card.deeds), 4) \
        if card.deeds else None
    return {"scenario": scenario.scenario.id, **out}


def render(scenario: Scenario, card: Scorecard, own: list[float], runs: int) -> list[str]:
    """Readable lines: each recorded deed with its probability, then the summary."""
    from brinkmanship.narrative import local_times

    ix = index_of(scenario)
    rep = report(scenario, card, own)
    out = card.run.outcome
    lines = [f"{scenario.scenario.title}: the record judged by the default decision-makers",
             "(each deed: its probability when the record's actor took it, and the model's "
             "likeliest choice then)",
             f"The replayed record ends in {out.kind}" + ("" if history_differences(
                 scenario, out) else ", as recorded") + ".", ""]
    for j in card.deeds:
        alt = "" if j.likeliest == j.recorded else \
            f"; likeliest: {j.likeliest} ({j.p_likeliest:.2f})"
        note = "" if j.weighed else " — not among the options it weighs then"
        lines.append(f"{local_times(scenario, j.t)}  {ix.actors[j.actor].name}")
        lines.append(f"    {j.recorded}: p = {_p(j.p)}{note}{alt}")
    own_g = rep["own_choices"]["geometric_mean_p"]
    lines += ["", f"Recorded deeds: {len(card.deeds)}; geometric-mean probability "
              f"{rep['deeds_geometric_mean_p']}, median {rep['deeds_median_p']}."]
    if own_g is not None:
        lines.append(f"The model's own deeds over {runs} runs: {len(own)}; geometric-mean "
                     f"probability {own_g}, median {rep['own_choices']['median_p']}.")
    unweighed = [j for j in card.deeds if not j.weighed]
    if unweighed:
        lines.append("Not weighed at the recorded moment: " +
                     ", ".join(f"{j.recorded} ({j.actor})" for j in unweighed) + ".")
    if card.waits:
        lines += ["", f"Moments the record shows no move: {rep['waits']}; the model's mean "
                  f"probability of waiting then {rep['waits_mean_p']}. Where it was likeliest "
                  "to act:"]
        for w in rep["least_likely_waits"]:
            lines.append(f"  {local_times(scenario, w['t'])}  {ix.actors[w['actor']].name}: "
                         f"waiting p = {_p(w['p'])}; likeliest: {w['likeliest']} "
                         f"({w['p_likeliest']:.2f})")
    return lines


def _p(p: float) -> str:
    """A probability to three decimals, or to two significant digits when smaller."""
    return f"{p:.3f}" if p == 0.0 or p >= 0.001 else f"{p:.1e}"
