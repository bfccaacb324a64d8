"""Counterfactuals: what to change in a run, and the decision-maker that forces a choice.

A :class:`Counterfactual` is plain data (it travels to worker processes as JSON): forced
decisions, channels cut, parameters set, incidents forced or forbidden. :func:`prepare`
turns it into what :func:`brinkmanship.simulate` takes: a scenario (parameters
set), engine interventions, and the forced choices that :class:`ForcingPolicy` applies.

A forced decision ``ACTOR=OPTION[,after=TIME]`` makes the actor take ``OPTION`` the first
time it is asked to decide, at or after ``TIME`` (default: from the start), when that option
is legal; until then, and for everything else, its own decision-maker decides. ``OPTION``
is an option key as decision logs print it (``accept:second_letter@cable``); the channel
and the issues may be left out to match any (``accept:second_letter``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, get_args

import numpy as np

from brinkmanship.analysis.parameters import ParameterError, parse_assignment, set_parameter
from brinkmanship.engine.budgets import Budgets
from brinkmanship.engine.index import Index
from brinkmanship.engine.occurrences import Interventions
from brinkmanship.engine.run import Run
from brinkmanship.policies.base import Decision, Observation, Option, OptionKind, Policy
from brinkmanship.scenario.schema import Scenario
from brinkmanship.scenario.timeparse import iso_utc, parse_instant

_OPTION = re.compile(r"^(?P<kind>[a-z_]+):(?P<target>[a-z][a-z0-9_\-]*)"
                     r"(?:\[(?P<issues>[a-z0-9_\-+]+)\])?(?:@(?P<channel>[a-z][a-z0-9_\-]*))?$")
_ANSWERS = ("accept", "accept_part", "reject")


class CounterfactualError(ValueError):
    """A counterfactual that names something the scenario lacks, or is malformed."""


@dataclass(frozen=True)
class ForcedChoice:
    """``actor`` takes the option matching ``option`` when first legal at or after ``after``."""

    actor: str
    option: str
    after: datetime | None = None

    @classmethod
    def parse(cls, text: str) -> ForcedChoice:
        """Read ``ACTOR=OPTION[,after=TIME]``."""
        head, _, rest = text.partition(",")
        actor, sep, option = head.partition("=")
        if not sep or not actor.strip() or not option.strip():
            raise CounterfactualError(f"--force {text!r}: write ACTOR=OPTION[,after=TIME], "
                                      "e.g. azure_pm=accept:share_offer")
        after = None
        if rest:
            name, sep, when = rest.partition("=")
            if name.strip() != "after" or not sep:
                raise CounterfactualError(f"--force {text!r}: only 'after=TIME' may follow "
                                          "the option")
            try:
                after = parse_instant(when.strip())
            except ValueError as exc:
                raise CounterfactualError(f"--force {text!r}: {exc}") from None
        if not _OPTION.match(option.strip()):
            raise CounterfactualError(f"--force {text!r}: {option.strip()!r} is no option key "
                                      "(KIND:TARGET[ISSUES]@CHANNEL, e.g. accept:offer@cable)")
        return cls(actor.strip(), option.strip(), after)  # type: ignore[arg-type]

    @property
    def parts(self) -> dict[str, str | None]:
        m = _OPTION.match(self.option)
        assert m is not None
        return m.groupdict()

    def matches(self, opt: Option) -> bool:
        p = self.parts
        return (opt.kind == p["kind"] and opt.target == p["target"]
                and (p["channel"] is None or opt.channel == p["channel"])
                and (p["issues"] is None or "+".join(opt.issues) == p["issues"]))

    def spelling(self) -> str:
        when = f",after={iso_utc(self.after)}" if self.after is not None else ""
        return f"{self.actor}={self.option}{when}"


@dataclass(frozen=True)
class Counterfactual:
    """Changes to runs of a scenario, all applied together."""

    force: tuple[ForcedChoice, ...] = ()
    close: tuple[str, ...] = ()
    sets: tuple[tuple[str, Any], ...] = ()
    forbid: tuple[str, ...] = ()
    incidents: tuple[tuple[str, datetime], ...] = ()
    hazards: bool = True
    distortion: bool = True

    @classmethod
    def build(cls, force: Sequence[str | ForcedChoice] = (), close: Sequence[str] = (),
              sets: Sequence[str] | Mapping[str, Any] = (), forbid: Sequence[str] = (),
              incidents: Sequence[str] = ()) -> Counterfactual:
        """From command-line spellings: ``force`` ACTOR=OPTION[,after=TIME], ``sets``
        PATH=VALUE (or a dict of them), ``incidents`` ID@TIME."""
        pairs = list(sets.items()) if isinstance(sets, Mapping) else [
            _assignment(text) for text in sets]
        return cls(tuple(ForcedChoice.parse(f) if isinstance(f, str) else f for f in force),
                   tuple(close), tuple(pairs), tuple(forbid),
                   tuple(_forced_incident(text) for text in incidents))

    def __repr__(self) -> str:
        return f"<Counterfactual {self.label()}>"

    def label(self) -> str:
        """A short human spelling, e.g. ``force azure_pm=accept:share_offer; close cable``."""
        parts = [f"force {f.spelling()}" for f in self.force]
        parts += [f"close {c}" for c in self.close]
        parts += [f"set {p}={_show(v)}" for p, v in self.sets]
        parts += [f"forbid {i}" for i in self.forbid]
        parts += [f"incident {i}@{iso_utc(t)}" for i, t in self.incidents]
        if not self.hazards:
            parts.append("no incident hazards")
        if not self.distortion:
            parts.append("no distortion")
        return "; ".join(parts) or "as the scenario is"

    def to_json(self) -> dict[str, Any]:
        return {"force": [[f.actor, f.option, iso_utc(f.after) if f.after else None]
                          for f in self.force],
                "close": list(self.close), "set": [[p, v] for p, v in self.sets],
                "forbid": list(self.forbid),
                "incidents": [[i, iso_utc(t)] for i, t in self.incidents],
                "hazards": self.hazards, "distortion": self.distortion}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Counterfactual:
        return cls(tuple(ForcedChoice(a, o, parse_instant(t) if t else None)  # type: ignore[arg-type]
                         for a, o, t in data["force"]),
                   tuple(data["close"]), tuple((p, v) for p, v in data["set"]),
                   tuple(data["forbid"]),
                   tuple((i, parse_instant(t)) for i, t in data["incidents"]),  # type: ignore[misc]
                   data["hazards"], data["distortion"])


@dataclass(frozen=True)
class Prepared:
    """A counterfactual made ready to run: the scenario to run and how."""

    scenario: Scenario
    interventions: Interventions
    force: tuple[ForcedChoice, ...] = field(default=())


def prepare(base: Scenario, change: Counterfactual) -> Prepared:
    """Apply ``change`` to ``base``; ``CounterfactualError`` names anything it cannot apply."""
    sc = base
    for path, value in change.sets:
        try:
            sc = set_parameter(sc, path, value)
        except ParameterError as exc:
            raise CounterfactualError(f"--set {exc}") from None
    ix = Index(sc)
    for ch in change.close:
        _known(ch, ix.channels, "--close", "channel")
    for inc in change.forbid:
        _known(inc, ix.incidents, "--forbid", "incident")
    for inc, when in change.incidents:
        _known(inc, ix.incidents, "--incident", "incident")
        if not ix.start <= when <= sc.scenario.end:
            raise CounterfactualError(f"--incident {inc}@{iso_utc(when)}: outside the "
                                      f"scenario's time ({iso_utc(ix.start)} to "
                                      f"{iso_utc(sc.scenario.end)})")
    for forced in change.force:
        check_forced(sc, forced)
    iv = Interventions(hazards=change.hazards, distortion=change.distortion,
                       forbid_incidents=frozenset(change.forbid),
                       force_incidents=tuple((when, inc) for inc, when in change.incidents),
                       closed_channels=frozenset(change.close))
    return Prepared(sc, iv, change.force)


def check_forced(sc: Scenario, forced: ForcedChoice) -> None:
    """Refuse a forced choice whose actor, option kind, target, issues or channel is unknown."""
    ix = Index(sc)
    where = f"--force {forced.spelling()}"
    if forced.actor not in ix.deciders:
        raise CounterfactualError(f"{where}: {forced.actor!r} is not an actor who decides "
                                  f"(deciders: {', '.join(ix.deciders)})")
    p = forced.parts
    kind, target = p["kind"] or "", p["target"] or ""
    kinds = get_args(OptionKind)
    if kind not in kinds:
        raise CounterfactualError(f"{where}: unknown option kind {kind!r} "
                                  f"(kinds: {', '.join(kinds)})")
    tables: dict[str, tuple[dict[str, Any], str]] = {
        "send": (ix.messages, "message"), "act": (ix.actions, "action"),
        "hold": (ix.responses, "response"), "release": (ix.responses, "response"),
        "order_on": (ix.orders, "standing order"), "order_off": (ix.orders, "standing order")}
    table, what = tables.get(kind, (ix.messages, "message"))
    _known(target, table, where, what)
    if p["channel"] is not None:
        _known(p["channel"], ix.channels, where, "channel")
    for issue in (p["issues"] or "").split("+") if p["issues"] else []:
        _known(issue, ix.issues, where, "issue")


def run_prepared(prep: Prepared, policies: Mapping[str, str] | None = None, seed: int = 0,
                 budgets: Budgets | None = None, until: datetime | None = None) -> Run:
    """One run of a prepared counterfactual: ``policies`` maps actors to registered
    decision-maker names (the others get the default), the forced actors' wrapped in a
    :class:`ForcingPolicy`. Every arm of a study runs through here, so ``brink run`` with
    a counterfactual tells the story of the very run ``brink compare`` counts."""
    from brinkmanship.games import simulate
    from brinkmanship.policies.registry import DEFAULT, make_policy

    chosen: dict[str, Policy | str] = dict(policies or {})
    for actor in sorted({f.actor for f in prep.force}):
        name = chosen.get(actor, DEFAULT)
        chosen[actor] = ForcingPolicy(make_policy(str(name)), prep.force)
    iv = dataclasses.replace(prep.interventions, budgets=budgets or Budgets(), until=until)
    return simulate(prep.scenario, chosen, seed, iv)


def simulate_counterfactual(scenario: Scenario, change: Counterfactual,
                            policies: Mapping[str, str] | None = None, seed: int = 0,
                            budgets: Budgets | None = None,
                            until: datetime | None = None) -> Run:
    """One run of ``scenario`` under ``change`` (``CounterfactualError`` names what cannot
    be applied); the same log as that seed's run in a comparison's arm."""
    return run_prepared(prepare(scenario, change), policies, seed, budgets, until)


class ForcingPolicy:
    """Wraps an actor's decision-maker and forces some of its choices.

    The wrapped policy always decides first, so its own state and random draws stay as in
    the baseline run (common random numbers). When a forced choice applies, it is taken,
    and the wrapped policy's choices that would contradict it are dropped: every answer to
    an offer if the forced choice is an answer, otherwise those on the same target.
    """

    def __init__(self, inner: Policy, forced: tuple[ForcedChoice, ...]):
        self.inner = inner
        self.forced = forced
        self.name = f"{inner.name}+forced"
        self.reads_history = getattr(inner, "reads_history", False)
        self.pending: list[ForcedChoice] = []

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.inner.bind(scenario, actor)
        self.pending = [f for f in self.forced if f.actor == actor]

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        decision = self.inner.decide(obs, rng)
        for forced in list(self.pending):
            if forced.after is not None and obs.now < forced.after:
                continue
            option = next((o for o in obs.options if forced.matches(o)), None)
            if option is None:
                continue
            self.pending.remove(forced)
            decision = _with(decision, option)
        return decision


def _with(decision: Decision, option: Option) -> Decision:
    if option.kind in _ANSWERS:
        kept = [c for c in decision.choices if c.kind not in _ANSWERS]
    else:
        kept = [c for c in decision.choices if c.target != option.target]
    trace = dict(decision.trace or {})
    trace["forced"] = option.key
    # Whether forcing changed anything: the decision-maker may have chosen it anyway.
    trace["forced_changed"] = option not in decision.choices
    return Decision([option, *kept], decision.wake_at, trace)


def _known(name: str, table: dict[str, Any], where: str, what: str) -> None:
    if name not in table:
        raise CounterfactualError(f"{where}: unknown {what} {name!r} "
                                  f"(known: {', '.join(sorted(table)) or 'none'})")


def _assignment(text: str) -> tuple[str, Any]:
    try:
        return parse_assignment(text)
    except ParameterError as exc:
        raise CounterfactualError(f"--set {exc}") from None


def _forced_incident(text: str) -> tuple[str, datetime]:
    inc, sep, when = text.partition("@")
    if not sep or not inc.strip() or not when.strip():
        raise CounterfactualError(f"--incident {text!r}: write INCIDENT@TIME, "
                                  "e.g. warning_shots@2000-03-02T10:00Z")
    try:
        return inc.strip(), parse_instant(when.strip())  # type: ignore[return-value]
    except ValueError as exc:
        raise CounterfactualError(f"--incident {text!r}: {exc}") from None


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
