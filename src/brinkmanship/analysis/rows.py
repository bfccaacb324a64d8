"""What one run contributes to a Monte Carlo table: one row, folded from its event log.

The columns are fixed except the payoffs, one column per actor with a utility
(``payoff_<actor>``). Terms and the war's causal path are canonical JSON text (sorted keys),
so equal terms group together in SQL; the key events are kept as lists in log order.
Nothing in a row depends on wall-clock time or on the machine: the same run gives the same
row on any backend.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from brinkmanship.engine.events import EventDict as Event
from brinkmanship.scenario.schema import Scenario

if TYPE_CHECKING:
    from brinkmanship.escalation import Scale

Row = tuple[Any, ...]
OUTCOMES = ("settlement", "war", "unresolved")
"""The kinds of outcome every run can end in (the ``outcome`` column); a scenario that says
how its sides stand down adds ``stand_down`` (:func:`outcome_kinds`)."""

# (name, type, description); types: str, int, float, json, str[], int[], float[].
BASE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("arm", "str", "which arm of a study the run belongs to ('baseline' for brink mc)"),
    ("seed", "int", "the run's random seed"),
    ("outcome", "str", "settlement, war, stand_down or unresolved"),
    ("at", "str", "when the run ended (ISO 8601, UTC): settlement, start of war, or horizon"),
    ("hours", "float", "hours from the scenario's start to 'at'"),
    ("public_terms", "json", "agreed public terms, issue -> option"),
    ("private_terms", "json", "agreed private terms (side-assurances), issue -> option"),
    ("settled_offer", "str", "the offer whose acceptance settled the crisis"),
    ("settled_by", "str", "the actor who accepted it"),
    ("war_rung", "str", "highest rung a war reached"),
    ("war_level", "int", "its level on the ladder"),
    ("war_started_by", "str", "the actor whose act crossed into war"),
    ("war_side", "str", "that actor's side"),
    ("war_via", "str", "the mechanism: decision, response:<id>, chain:<id> or deadline:<id>"),
    ("war_origin", "str", "root of the war's causal path (often an incident)"),
    ("war_path", "json", "the whole causal path, root first"),
    ("max_rung", "str", "highest rung reached, war or not"),
    ("max_level", "int", "its level"),
    ("rung_hours", "float[]", "hours at which the ladder rose"),
    ("rung_levels", "int[]", "the level it rose to, each time"),
    ("incidents", "str[]", "incidents, in order"),
    ("incident_hours", "float[]", "their hours"),
    ("sent", "str[]", "messages sent (drafts and answers), in order"),
    ("actions", "str[]", "actions that took effect, in order"),
    ("n_events", "int", "events in the log"),
    ("n_messages", "int", "messages sent"),
    ("n_decisions", "int", "decisions logged"),
    ("n_distorted", "int", "messages distorted in transit"),
    ("n_responses_fired", "int", "pre-delegated responses that fired"),
    ("n_chains_fired", "int", "escalation-chain links that fired"),
    ("n_forced", "int", "decisions forced by a counterfactual"),
    ("n_forced_changed", "int", "of those, decisions the decision-maker would have made "
     "otherwise"),
    ("escalation", "json", "escalation profile by deciding actor: decisions, total, mean, "
     "max, max_kahn, words, deeds, gap, violent, nuclear (docs/escalation.md)"),
    ("esc_mean", "float", "mean escalation score of the decisions that chose something"),
    ("esc_max", "int", "highest escalation score of one decision"),
    ("signal_action_gap", "float", "mean over deciding actors of deeds' minus words' mean "
     "weight (null when none both spoke and acted)"),
    ("violent_choices", "int", "choices decided in the violent-escalation category"),
    ("nuclear_choices", "int", "choices decided in the nuclear category"),
    ("violent_actions", "int", "actions that took effect in the violent-escalation category "
     "(chains and responses too)"),
    ("nuclear_actions", "int", "actions that took effect in the nuclear category"),
    ("model_calls", "int", "language-model calls (model_call events)"),
    ("model_tokens", "int", "their prompt and answer tokens"),
    ("model_fallbacks", "int", "language-model decisions replaced by the fallback"),
)


@dataclass(frozen=True)
class Layout:
    """The columns of a study's table: the fixed ones and one payoff column per actor."""

    payoff_actors: tuple[str, ...]
    initial_rung: str
    initial_level: int

    @classmethod
    def of(cls, scenario: Scenario) -> Layout:
        first = scenario.start_rung()
        return cls(tuple(sorted(u.actor for u in scenario.utilities)), first.id, first.level)

    @property
    def columns(self) -> list[tuple[str, str, str]]:
        return [*BASE_COLUMNS, *((f"payoff_{a}", "float", f"payoff of {a}")
                                 for a in self.payoff_actors)]

    @property
    def names(self) -> list[str]:
        return [c[0] for c in self.columns]

    def to_dict(self) -> dict[str, Any]:
        return {"payoff_actors": list(self.payoff_actors), "initial_rung": self.initial_rung,
                "initial_level": self.initial_level}


def row_of(layout: Layout, arm: str, seed: int, events: list[Event],
           scale: Scale | None = None) -> Row:
    """The row of one finished run, from its log (which ends with an ``end`` event);
    ``scale`` places its decisions on the escalation taxonomy (the scenario's)."""
    start = events[0]["s"]
    rung_hours: list[float] = []
    rung_levels: list[int] = []
    max_rung, max_level = layout.initial_rung, layout.initial_level
    incidents: list[str] = []
    incident_hours: list[float] = []
    sent: list[str] = []
    actions: list[str] = []
    counts = {"decision": 0, "distorted": 0, "fired": 0, "chain": 0, "forced": 0,
              "changed": 0, "calls": 0, "tokens": 0, "fallbacks": 0}
    settled_offer = settled_by = None
    ended = events[-1]["s"]
    for ev in events:
        kind = ev["kind"]
        if kind == "decision":
            counts["decision"] += 1
            trace = ev.get("trace")
            if trace and "forced" in trace:
                counts["forced"] += 1
                counts["changed"] += bool(trace["forced_changed"])
            if trace and trace.get("model") == "llm" and trace.get("fallback"):
                counts["fallbacks"] += 1
        elif kind == "model_call":
            counts["calls"] += 1
            counts["tokens"] += ev["prompt_tokens"] + ev["completion_tokens"]
        elif kind == "send":
            sent.append(ev["draft"] or ev["id"])
        elif kind == "deliver":
            counts["distorted"] += ev.get("distortion") is not None
        elif kind == "rung":
            rung_hours.append(_hours(ev["s"] - start))
            rung_levels.append(ev["level"])
            if ev["level"] > max_level:
                max_rung, max_level = ev["rung"], ev["level"]
        elif kind == "incident":
            incidents.append(ev["incident"])
            incident_hours.append(_hours(ev["s"] - start))
        elif kind == "action":
            actions.append(ev["action"])
        elif kind == "response":
            counts["fired"] += bool(ev["fired"])
        elif kind == "chain":
            counts["chain"] += bool(ev["fired"])
        elif kind == "settlement":
            settled_offer, settled_by, ended = ev["offer"], ev["actor"], ev["s"]
        elif kind == "war":
            ended = ev["s"]
    end = events[-1]
    out = end["outcome"]
    war = out["war"] or {}
    payoffs = out["payoffs"]
    return (
        arm, seed, out["kind"], out["at"], _hours(ended - start),
        _json(out["public_terms"]), _json(out["private_terms"]), settled_offer, settled_by,
        war.get("rung"), war.get("level"), war.get("started_by"), war.get("side"),
        war.get("via"), war.get("origin"), _json(war["path"]) if war else None,
        max_rung, max_level, rung_hours, rung_levels, incidents, incident_hours, sent, actions,
        len(events), len(sent), counts["decision"], counts["distorted"], counts["fired"],
        counts["chain"], counts["forced"], counts["changed"],
        *_escalation(scale, events),
        counts["calls"], counts["tokens"], counts["fallbacks"],
        *(payoffs.get(a) for a in layout.payoff_actors),
    )


def _escalation(scale: Scale | None, events: list[Event]) -> tuple[Any, ...]:
    """The escalation columns: the profile, then its run-wide figures."""
    from brinkmanship.escalation import profile

    prof = profile(scale, events) if scale is not None else None
    if prof is None:
        return None, None, None, None, 0, 0, 0, 0
    actors = prof["actors"].values()
    decisions = sum(a["decisions"] for a in actors)
    mean = round(sum(a["total"] for a in actors) / decisions, 6) if decisions else None
    top = max((a["max"] for a in actors if a["decisions"]), default=None)
    gaps = [a["gap"] for a in actors if a["gap"] is not None]
    gap = round(sum(gaps) / len(gaps), 6) if gaps else None
    return (_json(prof["actors"]), mean, top, gap, sum(a["violent"] for a in actors),
            sum(a["nuclear"] for a in actors), prof["violent_actions"],
            prof["nuclear_actions"])


def _hours(seconds: int) -> float:
    return round(seconds / 3600, 6)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
