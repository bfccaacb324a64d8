"""History and fidelity (M12): replay the record through the engine, compare with it.

A replay scripts every actor the record names (:class:`ScriptedPolicy`), pins the recorded
incidents and message arrivals, turns incident hazards, channel distortion and escalation
chains off, and lets held responses hold. What is left to chance (a reaction's delay, the
latency of a message whose arrival the record does not give) may still take the run off
the record; :func:`divergences` compares the replay's whole path
with the record, deed by deed, and names every departure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from brinkmanship.engine.budgets import Budgets
from brinkmanship.engine.events import EventDict as Event
from brinkmanship.engine.index import Index
from brinkmanship.engine.occurrences import Interventions
from brinkmanship.engine.run import Outcome, Run
from brinkmanship.games import ScenarioLike, as_scenario, simulate
from brinkmanship.narrative import actor_name, local_times, message_name
from brinkmanship.policies.scripted import ScriptedPolicy, recorded_option
from brinkmanship.scenario.schema import RecordEntry, Scenario
from brinkmanship.scenario.timeparse import iso_utc


class NoHistory(ValueError):
    """The scenario carries no historical record."""


def replay(scenario: ScenarioLike, seed: int = 0, budgets: Budgets | None = None) -> Run:
    """Run the historical record with scripted decision-makers (``scenario``: a
    :class:`Scenario`, a built-in name or a file).

    Incidents happen only as recorded, messages arrive when the record says they did,
    channels do not distort (the record says what was received), and a held response
    holds. A recorded deed the engine does not offer at its time is left undone and named
    in the decision's trace; :func:`divergences` reports it.
    """
    scenario = as_scenario(scenario)
    hist = scenario.history
    if hist is None:
        raise NoHistory(f"scenario {scenario.scenario.id!r} has no history section")
    iv = recorded_interventions(scenario)
    if budgets is not None:
        iv = dataclasses.replace(iv, budgets=budgets)
    return simulate(scenario, {a: ScriptedPolicy(strict=False)
                               for a in recorded_actors(scenario)}, seed, iv)


def recorded_actors(scenario: Scenario) -> list[str]:
    """Who a replay scripts: every actor who decides, and every actor the record names as
    doing something (incidents happen to forces, not to actors)."""
    record = scenario.history.record if scenario.history else []
    return sorted(set(Index(scenario).deciders) |
                  {e.actor for e in record if e.incident is None})


def recorded_interventions(scenario: Scenario) -> Interventions:
    """A replay's mechanics: no hazards, distortion, failed holds or chance escalation
    chains; the recorded incidents and arrivals.

    A settlement is reached when an acceptance arrives, so when the record gives the
    settlement's time but not the arrival of the last acceptance, that acceptance arrives
    at the settlement's time."""
    record = scenario.history.record if scenario.history else []
    arrivals = {_message_id(e): e.arrives for e in record
                if (e.send or e.answer) and e.arrives}
    outcome = scenario.history.outcome if scenario.history else None
    accepts = sorted((e for e in record if e.answer and e.answer.mode == "accept"),
                     key=lambda e: e.at)
    if outcome is not None and outcome.kind == "settlement" and outcome.at is not None \
            and accepts and accepts[-1].arrives is None and accepts[-1].at <= outcome.at:
        arrivals[_message_id(accepts[-1])] = outcome.at
    return Interventions(
        hazards=False, distortion=False, hold_failures=False, chains=False,
        force_incidents=tuple((e.at, e.incident) for e in record if e.incident),
        arrivals=arrivals,
    )


def _message_id(entry: RecordEntry) -> str:
    """The id the engine gives the message a record entry sends."""
    if entry.answer is None:
        return entry.send or ""
    prefix = {"accept_part": "part"}.get(entry.answer.mode, entry.answer.mode)
    return f"{prefix}:{entry.answer.offer}"


def differences(scenario: Scenario, outcome: Outcome) -> list[str]:
    """How an outcome differs from the recorded one: kind and terms (empty if it matches).

    Only the outcome; :func:`divergences` compares the whole path."""
    if scenario.history is None:
        raise NoHistory(f"scenario {scenario.scenario.id!r} has no history section")
    want = scenario.history.outcome
    diffs = []
    if outcome.kind != want.kind:
        diffs.append(f"kind: {outcome.kind} instead of {want.kind}")
    if outcome.public_terms != want.public_terms:
        diffs.append(f"public terms: {outcome.public_terms} instead of {want.public_terms}")
    if outcome.private_terms != want.private_terms:
        diffs.append(f"private terms: {outcome.private_terms} instead of {want.private_terms}")
    return diffs


# -- the whole path -------------------------------------------------------------------

DIVERGENCE_KINDS = ("missing", "mistimed", "late_arrival", "unrecorded", "outcome")
"""How a replay departs from the record: a recorded deed that did not happen, one done at
another time, a message that arrived at another time, a deed the record does not have,
and an outcome other than the recorded one."""

_ANSWERED = {"accept": "accepted", "accept_part": "accepted_part", "reject": "rejected"}
_DEED_KINDS = ("action_start", "incident", "hold", "release", "send", "offer", "order_sent")


@dataclass(frozen=True)
class Divergence:
    """One departure of a replay from the record.

    ``deed`` is what the record says was done (or, for ``unrecorded``, what the replay did),
    ``at`` when (UTC), and ``instead`` what happened in the replay; ``seq`` is the replay
    event concerned, if there is one.
    """

    kind: str
    deed: str
    at: str | None
    instead: str
    seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "deed": self.deed, "at": self.at, "instead": self.instead,
                "seq": self.seq}


def divergences(scenario: Scenario, run: Run) -> list[Divergence]:
    """Every way the replay ``run`` departs from the scenario's record, in time order:
    each recorded deed is looked for in the log at its time (and a sent message at its
    recorded arrival), every deed of the log the record lacks is named, and the outcome's
    kind, time and terms are compared. Empty when the replay follows the record."""
    if scenario.history is None:
        raise NoHistory(f"scenario {scenario.scenario.id!r} has no history section")
    ix = Index(scenario)
    events = run.events
    used: set[int] = set()
    found: list[Divergence] = []
    for entry in sorted(scenario.history.record, key=lambda e: e.at):
        found += _entry_divergences(ix, entry, events, used)
    found += _unrecorded(ix, events, used)
    found += _outcome_divergences(scenario, run.outcome)
    return sorted(found, key=lambda d: d.at or "")


def _entry_divergences(ix: Index, entry: RecordEntry, events: Sequence[Event],
                       used: set[int]) -> Iterator[Divergence]:
    deed, at = _deed(ix, entry), iso_utc(entry.at)
    if entry.answer is not None and entry.answer.mode == "ignore":
        answered = next((ev for ev in events if ev["kind"] == "offer"
                         and ev["offer"] == entry.answer.offer and ev["actor"] == entry.actor
                         and ev["status"] in _ANSWERED.values()), None)
        if answered is not None:
            used.add(answered["seq"])
            yield Divergence("mistimed", deed, at, f"answered instead ({answered['status']}) "
                             f"at {answered['t']}", answered["seq"])
        return
    ev = next((e for e in events if e["seq"] not in used and _is(entry, e)), None)
    if ev is None:
        yield Divergence("missing", deed, at, _why_missing(ix, entry, events))
        return
    used.add(ev["seq"])
    if ev["s"] != ix.seconds(entry.at):
        yield Divergence("mistimed", deed, at, f"done at {ev['t']} instead"
                         + _via(ix, ev), ev["seq"])
    if (entry.send or entry.answer) and entry.arrives is not None:
        mid = _message_id(entry)
        got = next((e for e in events if e["kind"] == "deliver" and e["id"] == mid), None)
        if got is None:
            yield Divergence("late_arrival", f"{deed} (arrives)", iso_utc(entry.arrives),
                             "never delivered: the crisis was over before it arrived")
        elif got["s"] != ix.seconds(entry.arrives):
            yield Divergence("late_arrival", f"{deed} (arrives)", iso_utc(entry.arrives),
                             f"delivered at {got['t']} instead", got["seq"])


def _is(entry: RecordEntry, ev: Event) -> bool:
    """Whether the log event ``ev`` is the deed ``entry`` records."""
    kind = ev["kind"]
    if entry.send is not None:
        return kind == "send" and ev["draft"] == entry.send and ev["actor"] == entry.actor
    if entry.answer is not None:
        return (kind == "offer" and ev["offer"] == entry.answer.offer
                and ev["actor"] == entry.actor and ev["status"] == _ANSWERED[entry.answer.mode])
    if entry.act is not None:
        return kind == "action_start" and ev["action"] == entry.act
    if entry.hold is not None:
        return kind == "hold" and ev["response"] == entry.hold and ev["actor"] == entry.actor
    return kind == "incident" and ev["incident"] == entry.incident


def _why_missing(ix: Index, entry: RecordEntry, events: Sequence[Event]) -> str:
    option = recorded_option(entry)
    key = option.key if option is not None else None
    refused = next((ev for ev in events if ev["kind"] == "decision"
                    and ev["actor"] == entry.actor
                    and key in (ev.get("trace") or {}).get("not_offered", [])), None)
    if refused is not None:
        return f"not among {actor_name(ix, entry.actor)}'s options at {refused['t']}"
    ended = next((ev for ev in events if ev["kind"] in ("settlement", "war")), None)
    if ended is not None and ended["s"] <= ix.seconds(entry.at):
        what = "settled" if ended["kind"] == "settlement" else "ended in war"
        return f"did not happen: the crisis had {what} at {ended['t']}"
    if entry.incident is not None:
        return "did not happen (it could not occur then)"
    return "did not happen"


def _unrecorded(ix: Index, events: Sequence[Event], used: set[int]) -> Iterator[Divergence]:
    """Deeds in the log that match no record entry: actions started, incidents, holds and
    releases, and messages, answers and orders that came from a decision (a reaction's
    message is the scenario's doing, not a deed)."""
    for ev in events:
        if ev["seq"] in used or ev["kind"] not in _DEED_KINDS:
            continue
        if ev["kind"] in ("send", "offer", "order_sent"):
            cause = ev.get("cause")
            if cause is None or events[cause]["kind"] != "decision":
                continue
            if ev["kind"] == "offer" and ev["status"] not in _ANSWERED.values():
                continue
        yield Divergence("unrecorded", _event_deed(ix, ev), ev["t"],
                         "happened in the replay; the record has no such deed" + _via(ix, ev),
                         ev["seq"])


def _outcome_divergences(scenario: Scenario, out: Outcome) -> Iterator[Divergence]:
    assert scenario.history is not None
    want = scenario.history.outcome
    at = iso_utc(want.at) if want.at is not None else out.at
    if out.kind != want.kind:
        yield Divergence("outcome", f"the crisis ends in {want.kind}", at,
                         f"it ends in {out.kind} at {out.at}")
    elif want.at is not None and out.at != iso_utc(want.at):
        yield Divergence("outcome", f"the crisis ends in {want.kind}", at,
                         f"it ends at {out.at} instead")
    for which, got, wanted in (("public", out.public_terms, want.public_terms),
                               ("private", out.private_terms, want.private_terms)):
        if got != wanted:
            yield Divergence("outcome", f"{which} terms {_spell(wanted)}", at,
                             f"{which} terms {_spell(got)}")


def _deed(ix: Index, entry: RecordEntry) -> str:
    who = actor_name(ix, entry.actor)
    if entry.send is not None:
        return f"{who} sends {message_name(ix, entry.send)}"
    if entry.answer is not None:
        verb = {"accept": "accepts", "accept_part": "accepts part of", "reject": "rejects",
                "ignore": "leaves unanswered"}[entry.answer.mode]
        return f"{who} {verb} {message_name(ix, entry.answer.offer)}"
    if entry.act is not None:
        return f"{who} orders: {ix.actions[entry.act].name}"
    if entry.hold is not None:
        return f"{who} holds the response: {ix.responses[entry.hold].name}"
    assert entry.incident is not None
    return f"incident: {ix.incidents[entry.incident].name}"


def _event_deed(ix: Index, ev: Event) -> str:
    who = actor_name(ix, ev.get("actor"))
    kind = ev["kind"]
    if kind == "action_start":
        return f"{ix.actions[ev['action']].name}"
    if kind == "incident":
        return f"incident: {ix.incidents[ev['incident']].name}"
    if kind in ("hold", "release"):
        verb = "holds" if kind == "hold" else "releases"
        return f"{who} {verb} the response: {ix.responses[ev['response']].name}"
    if kind == "send":
        return f"{who} sends {message_name(ix, ev['draft'] or ev['id'])}"
    if kind == "offer":
        return f"{who} {ev['status']} {message_name(ix, ev['offer'])}"
    return f"{who} orders {ix.orders[ev['order']].name!r} {'on' if ev['active'] else 'off'}"


def _via(ix: Index, ev: Event) -> str:
    """How an action came about, when not by a decision: ``; under the response ...``."""
    if ev["kind"] != "action_start":
        return ""
    kind, _, ident = ev["via"].partition(":")
    if kind == "response":
        return f"; under the pre-delegated response {ix.responses[ident].name!r}"
    if kind == "chain":
        return f"; by the escalation chain {ident}"
    if kind == "deadline":
        return f"; at the deadline {ident}"
    return ""


def _spell(terms: dict[str, str]) -> str:
    return "{" + ", ".join(f"{i}={o}" for i, o in terms.items()) + "}" if terms else "none"


def divergence_lines(scenario: Scenario, found: Sequence[Divergence]) -> list[str]:
    """The verdict of a replay in words: that it follows the record, or each departure."""
    if not found:
        return ["Follows the record: every recorded deed at its time, nothing unrecorded, "
                "and the historical outcome."]
    lines = [f"Departs from the record ({len(found)} "
             f"divergence{'s' if len(found) != 1 else ''}):"]
    for d in found:
        when = local_times(scenario, d.at) if d.at else "—"
        lines.append(f"  {when}  [{d.kind}] {d.deed}: {d.instead}")
    return lines
