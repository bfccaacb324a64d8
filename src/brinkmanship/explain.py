"""Why each decision was taken: the decision traces of a run's log, selected and told.

A decision-maker that explains itself leaves a ``trace`` in each ``decision`` event (see
:mod:`brinkmanship.policies.lenses`): the options with their expected-utility terms and
chances, the advisers' positions and weights, the beliefs it held and why the chosen
option won. :func:`explanations` picks decisions out of a log and pairs each with the
belief changes its actor went through since its previous decision; :func:`render` tells
them on the scenario's clocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from brinkmanship.engine.index import Index
from brinkmanship.engine.world import Event
from brinkmanship.narrative import local_times
from brinkmanship.scenario.schema import Scenario
from brinkmanship.scenario.timeparse import iso_utc


class ExplainError(ValueError):
    """The selection asked for cannot be made (an unknown actor, a time outside the run)."""


@dataclass(frozen=True)
class Explanation:
    """One decision, its trace, and the belief changes that preceded it."""

    seq: int
    t: str
    actor: str
    reason: str
    choices: list[str]
    trace: dict[str, Any]
    moved: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``brink explain --json``."""
        return {"seq": self.seq, "t": self.t, "actor": self.actor, "reason": self.reason,
                "choices": self.choices, "beliefs_moved": self.moved, "trace": self.trace}


def explanations(sc: Scenario, events: list[Event], actor: str | None = None,
                 at: datetime | None = None) -> list[Explanation]:
    """The traced decisions of a log, oldest first.

    ``actor`` keeps one actor's; ``at`` keeps, for each actor, only its latest decision at
    or before that instant. ``moved`` maps side -> belief -> [before, after] over the beliefs
    that changed since the actor's previous decision.
    """
    ix = Index(sc)
    if actor is not None and actor not in ix.actors:
        raise ExplainError(f"--actor: no actor {actor!r} in scenario {sc.scenario.id!r} "
                           f"(actors: {', '.join(sorted(ix.actors))})")
    if at is not None and not sc.scenario.start <= at <= sc.scenario.end:
        raise ExplainError(f"--at {iso_utc(at)}: outside the scenario "
                           f"({iso_utc(sc.scenario.start)} to {iso_utc(sc.scenario.end)})")
    found = _collect(events, actor, None if at is None else iso_utc(at))
    if at is not None:
        latest = {e.actor: e for e in found}
        found = sorted(latest.values(), key=lambda e: e.seq)
    return found


def _collect(events: list[Event], actor: str | None, until: str | None) -> list[Explanation]:
    out: list[Explanation] = []
    moved: dict[str, dict[str, dict[str, list[float]]]] = {}
    for ev in events:
        if until is not None and ev["t"] > until:
            break
        if ev["kind"] == "belief":
            var = moved.setdefault(ev["actor"], {}).setdefault(ev["about"], {})
            var.setdefault(ev["var"], [ev["before"], ev["after"]])[1] = ev["after"]
        elif ev["kind"] == "decision" and ev.get("trace", {}).get("options") is not None:
            who = ev["actor"]
            if actor is None or who == actor:
                out.append(Explanation(ev["seq"], ev["t"], who, ev["reason"],
                                       list(ev["choices"]), ev["trace"], moved.get(who, {})))
            moved.pop(who, None)
    return out


def render(sc: Scenario, found: list[Explanation]) -> list[str]:
    """Readable lines for each explanation."""
    ix = Index(sc)
    lines: list[str] = []
    for e in found:
        name = ix.actors[e.actor].name
        where = f"end of meeting {e.trace['meeting']}" if e.trace.get("meeting") else e.reason
        lines.append(f"{local_times(sc, e.t)}  {name} ({where})")
        lines.append(f"  chose: {', '.join(e.choices) or 'to wait'} — {e.trace['why']}")
        lines.extend(_beliefs(e))
        lines.extend(_types(e.trace))
        lines.extend(_options(e.trace))
        lines.extend(_advisers(ix, e.trace))
        lines.append("")
    return lines


def _beliefs(e: Explanation) -> list[str]:
    held = "; ".join(f"about {side}: " + ", ".join(f"{k} {v:.2f}" for k, v in b.items())
                     for side, b in e.trace.get("beliefs", {}).items())
    out = [f"  beliefs: {held or 'none'} (stress {e.trace['stress']:.2f}, "
           f"precision {e.trace['rationality']:.3f})"]
    for side, changes in sorted(e.moved.items()):
        moves = ", ".join(f"{var} {b:.2f} -> {a:.2f}" for var, (b, a) in sorted(changes.items()))
        out.append(f"    since its last decision, about {side}: {moves}")
    weights = {k: w for k, w in e.trace.get("weights", {}).items() if abs(w - 1.0) > 1e-9}
    if weights:
        out.append("  weights: " + ", ".join(f"{k} {w:.2f}" for k, w in weights.items()))
    return out


def _options(trace: dict[str, Any]) -> list[str]:
    out = ["  options (expected utility; chance of being chosen; terms; pictured reply):"]
    for o in trace["options"]:
        terms = ", ".join(f"{k} {v:+.1f}" for k, v in o["terms"].items()) or "nothing"
        reply = o.get("reply")
        answer = f"; {o['versus']} answers {reply['option']} ({reply['p']:.2f})" if reply else ""
        if not o.get("considered", True):
            answer += "; not thought through (first glance)"
        out.append(f"    {o['option']:<44.44} {o['eu']:+9.2f}  p={o['p']:.3f}  {terms}{answer}")
        if o.get("read_as"):
            out.append("      read by the other as: " + ", ".join(
                f"{k} {p:.2f}" for k, p in o["read_as"].items()))
        if o.get("by_type"):
            out.append("      against each type: " + "; ".join(
                f"{t['type']} (belief {t['belief']:.2f})" +
                (f" answers {t['reply']['option']} ({t['reply']['p']:.2f})" if "reply" in t
                 else "") for t in o["by_type"]))
    return out


def _types(trace: dict[str, Any]) -> list[str]:
    """Hidden types: the actor's own, its beliefs over the others', each Bayes update."""
    types = trace.get("types")
    if not types:
        return []
    out = []
    if types.get("mine"):
        read_as = ", ".join(f"{k} {p:.2f}" for k, p in types.get("read_as", {}).items())
        out.append(f"  its own side's type: {types['mine']} (pictured as read: {read_as})")
    for side, belief in types.get("beliefs", {}).items():
        out.append(f"  belief over the types of {side}: " +
                   ", ".join(f"{k} {p:.2f}" for k, p in belief.items()))
    for r in types.get("read", []):
        like = ", ".join(f"{k} {p:.3g}" for k, p in r["likelihood"].items())
        after = ", ".join(f"{k} {p:.2f}" for k, p in r["after"].items())
        out.append(f"    read {r['deed']} by {r['side']} (chance by type: {like}) -> {after}")
    return out


def _advisers(ix: Any, trace: dict[str, Any]) -> list[str]:
    if not trace.get("advisers"):
        return []
    out = ["  advisers (influence; weights; position):"]
    for a in trace["advisers"]:
        w = ", ".join(f"{k} {v:.2f}" for k, v in a["weights"].items() if abs(v - 1.0) > 1e-9)
        out.append(f"    {ix.actors[a['actor']].name:<22.22} {a['influence']:.2f}  "
                   f"{w or 'neutral'}  -> {a['position']} ({a['eu']:+.2f})")
    return out
