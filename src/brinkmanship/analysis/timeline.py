"""The swim-lane view of one run: a lane per actor, grouped by side, and what crossed them.

:func:`lanes_of` reads a run's event log into plain marks — messages from a send to its
delivery (or to the end of the run, if it never arrived), incidents, actions taking effect,
pre-delegated responses, meetings, the ladder's rises and the end — that
:func:`brinkmanship.analysis.plots.timeline_figure` draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from brinkmanship.engine.events import EventDict as Event
from brinkmanship.engine.index import Index
from brinkmanship.scenario.schema import Scenario


@dataclass(frozen=True)
class Message:
    id: str
    name: str
    sender: str
    recipient: str
    channel: str
    public: bool
    sent: float
    arrived: float | None
    distorted: bool


@dataclass(frozen=True)
class Mark:
    """Something that happened on one lane at one time."""

    kind: str  # incident, action, response, decision, order
    actor: str
    at: float
    label: str
    severe: bool = False


@dataclass
class Timeline:
    """A run laid out for drawing; times are hours from the scenario's start."""

    lanes: list[str]
    names: dict[str, str]
    side_of: dict[str, str]
    side_names: dict[str, str]
    messages: list[Message] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    meetings: list[tuple[str, float, float, str]] = field(default_factory=list)
    rungs: list[tuple[float, str, int, bool]] = field(default_factory=list)
    end: float = 0.0
    outcome: str = ""
    outcome_at: float = 0.0


def lanes_of(scenario: Scenario, events: list[Event]) -> Timeline:
    """Lay out one run's log; lanes are the actors that appear, side by side in file order."""
    ix = Index(scenario)
    start = events[0]["s"]

    def h(ev: Event) -> float:
        return (ev["s"] - start) / 3600

    seen = {ev["actor"] for ev in events if ev.get("actor")}
    seen |= {ev["to"] for ev in events if ev["kind"] == "send"}
    side_order = [x.id for x in scenario.sides]
    leaders = set(ix.leader_of.values())
    lanes = sorted((a.id for a in scenario.actors if a.id in seen),
                   key=lambda a: (side_order.index(ix.side_of[a]), a not in leaders,
                                  [x.id for x in scenario.actors].index(a)))
    tl = Timeline(lanes, {a.id: a.name for a in scenario.actors}, dict(ix.side_of),
                  {x.id: x.name for x in scenario.sides})
    sends: dict[str, Event] = {}
    arrivals: dict[str, Event] = {}
    open_meetings: dict[str, float] = {}
    for ev in events:
        kind = ev["kind"]
        if kind == "send":
            sends[ev["id"]] = ev
        elif kind == "deliver":
            arrivals[ev["id"]] = ev
        elif kind == "incident":
            tl.marks.append(Mark("incident", ev["actor"], h(ev),
                                 ix.incidents[ev["incident"]].name, not ev["authorised"]))
        elif kind == "action":
            action = ix.actions[ev["action"]]
            tl.marks.append(Mark("action", ev["actor"], h(ev), action.name,
                                 action.kind == "military"))
        elif kind == "response" and ev["fired"]:
            tl.marks.append(Mark("response", ev["actor"], h(ev),
                                 ix.responses[ev["response"]].name, True))
        elif kind in ("hold", "release"):
            verb = "holds" if kind == "hold" else "releases"
            tl.marks.append(Mark("order", ev["actor"], h(ev),
                                 f"{verb} {ix.responses[ev['response']].name}"))
        elif kind == "order_sent":
            state = "on" if ev["active"] else "off"
            tl.marks.append(Mark("order", ev["actor"], h(ev),
                                 f"order {state}: {ix.orders[ev['order']].name}"))
        elif kind == "meeting":
            if ev["phase"] == "start":
                open_meetings[ev["meeting"]] = h(ev)
            else:
                name = next(m.name for m in scenario.meetings if m.id == ev["meeting"])
                tl.meetings.append((ev["actor"], open_meetings.pop(ev["meeting"], h(ev)),
                                    h(ev), name))
        elif kind == "rung":
            tl.rungs.append((h(ev), ix.rungs[ev["rung"]].name, ev["level"], ev["war"]))
        elif kind == "end":
            tl.end = h(ev)
            tl.outcome = ev["outcome"]["kind"]
    for actor, began in open_meetings.items():
        tl.meetings.append((actor, began, tl.end, actor))
    tl.outcome_at = _outcome_hour(events, start, tl.end)
    for mid, ev in sends.items():
        got = arrivals.get(mid)
        tl.messages.append(Message(mid, _message_name(ix, ev), ev["actor"], ev["to"],
                                   ev["channel"], ev["public"], h(ev),
                                   h(got) if got else None,
                                   bool(got and got.get("distortion"))))
    return tl


def _outcome_hour(events: list[Event], start: int, end: float) -> float:
    for ev in events:
        if ev["kind"] in ("war", "stand_down") or (ev["kind"] == "settlement" and
                                                   ev.get("ends_crisis", True)):
            return (ev["s"] - start) / 3600
    return end


def _message_name(ix: Any, ev: Event) -> str:
    draft = ix.messages.get(ev.get("draft") or "")
    if draft is not None:
        return str(draft.name)
    mode, _, offer = ev["id"].partition(":")
    target = ix.messages.get(offer)
    what = target.name if target else offer
    verbs = {"accept": f"accepts {what}", "reject": f"rejects {what}",
             "part": f"accepts part of {what}"}
    return verbs.get(mode, str(ev["id"]))
