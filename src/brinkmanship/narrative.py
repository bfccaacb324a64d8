"""The story of a run in words: one line per event, on every clock the scenario names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from brinkmanship.engine.events import EventDict as Event
from brinkmanship.engine.index import Index
from brinkmanship.engine.run import Outcome
from brinkmanship.scenario.schema import Scenario
from brinkmanship.scenario.timeparse import zone

WHO_WIDTH = 26
QUIET = {"belief", "decision", "start", "end"}


def clock_header(sc: Scenario) -> str:
    return " | ".join(c.label for c in sc.scenario.clocks)


def local_times(sc: Scenario, iso: str) -> str:
    """``Sat 27 Oct 10:00 EDT | 17:00 MSK``: an instant on each of the scenario's clocks."""
    moment = _instant(iso)
    parts = []
    for i, clock in enumerate(sc.scenario.clocks):
        local = moment.astimezone(zone(clock.zone))
        parts.append(local.strftime("%a %d %b %H:%M %Z" if i == 0 else "%d %b %H:%M %Z"))
    return " | ".join(parts)


def narrate(sc: Scenario, events: Iterable[Event], verbose: bool = False) -> list[str]:
    """Readable lines for a log; ``verbose`` adds belief updates and decisions."""
    ix = Index(sc)
    lines = []
    for ev in events:
        if ev["kind"] in QUIET and not (verbose and ev["kind"] in ("belief", "decision")):
            continue
        if ev["kind"] == "chain" and not ev["fired"] and not verbose:
            continue
        text = describe(ix, ev)
        if text is None:
            continue
        who = _short(actor_name(ix, ev.get("actor")))
        lines.append(f"{local_times(sc, ev['t'])}  {who:<{WHO_WIDTH}} {text}")
    return lines


def describe(ix: Index, ev: Event) -> str | None:
    """What an event says, in words (None for events without a story)."""
    fn = _DESCRIBE.get(ev["kind"])
    return fn(ix, ev) if fn else None


def _later(ev: Event, iso: str, what: str) -> str:
    """``takes effect in 2 h 30 min``: a later instant told relative to the event."""
    minutes = round((_instant(iso) - _instant(ev["t"])).total_seconds() / 60)
    if minutes <= 0:
        return f"{what} at once"
    hours, mins = divmod(minutes, 60)
    span = f"{hours} h {mins:02d} min" if hours else f"{mins} min"
    return f"{what} in {span}"


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _short(name: str) -> str:
    """A name cut to the width of the narrative's 'who' column."""
    return name if len(name) <= WHO_WIDTH else name[: WHO_WIDTH - 1] + "\u2026"


def actor_name(ix: Index, actor: str | None) -> str:
    """An actor's name without its title (", Secretary of State", "(Ankara)")."""
    if actor is None:
        return "—"
    a = ix.actors.get(actor)
    name = a.name if a else actor
    for mark in (",", " ("):
        name = name.split(mark, 1)[0]
    return name


def _msg_name(ix: Index, ev: Event) -> str:
    return message_name(ix, ev.get("draft") or ev["id"])


def message_name(ix: Index, message_id: str) -> str:
    """A message by its draft's name, or what an answer answers (``acceptance of ...``)."""
    draft = ix.messages.get(message_id)
    if draft is not None:
        return f"\u201c{draft.name}\u201d"
    mode, _, target = message_id.partition(":")
    what = message_name(ix, target) if target else message_id
    return {"accept": f"acceptance of {what}", "reject": f"rejection of {what}",
            "part": f"partial acceptance of {what}"}.get(mode, message_id)


def _terms(ix: Index, terms: dict[str, str]) -> str:
    if not terms:
        return "none"
    out = []
    for issue, option in terms.items():
        iss = ix.issues.get(issue)
        opt = next((o.name for o in iss.options if o.id == option), option) if iss else option
        out.append(f"{iss.name if iss else issue}: {opt}")
    return "; ".join(out)


def _send(ix: Index, ev: Event) -> str:
    vis = "public" if ev["public"] else "private"
    ch = ix.channels[ev["channel"]].name
    terms = f" — terms: {_terms(ix, ev['terms'])}" if ev["terms"] else ""
    if ev["private_terms"]:
        terms += f" — off the record: {_terms(ix, ev['private_terms'])}"
    return (f"sends {_msg_name(ix, ev)} ({ev['type']}) to {actor_name(ix, ev['to'])} "
            f"over {ch} [{vis}]{terms}")


def _deliver(ix: Index, ev: Event) -> str:
    text = f"receives {_msg_name(ix, ev)} over {ix.channels[ev['channel']].name}"
    if ev.get("distortion"):
        text += f" — distorted in transit ({ev['distortion'].replace('_', ' ')})"
    if ev.get("lapses"):
        text += "; " + _later(ev, ev["lapses"], "it lapses")
    return text


def _offer(ix: Index, ev: Event) -> str:
    name = message_name(ix, ev["offer"])
    verbs = {"accepted": "accepts", "accepted_part": "accepts part of", "rejected": "rejects",
             "countered": "counters", "ignored": "leaves unanswered", "lapsed": "sees lapse"}
    text = f"{verbs.get(ev['status'], ev['status'])} {name}"
    if ev.get("issues"):
        text += " (" + ", ".join(ix.issues[i].name for i in ev["issues"]) + ")"
    return text


def _action_start(ix: Index, ev: Event) -> str:
    name = ix.actions[ev["action"]].name
    kind, _, ident = ev["via"].partition(":")
    if kind == "response":
        head = f"{name} goes ahead under the pre-delegated response " \
               f"'{ix.responses[ident].name}', no new order given"
    elif kind == "chain":
        head = f"{name} follows, as the escalation chain ({ident}) runs on"
    elif kind == "deadline":
        head = f"{name} goes ahead at the deadline ({ident})"
    else:
        head = f"orders: {name}"
    return f"{head}; " + _later(ev, ev["effective"], "takes effect")


def _incident(ix: Index, ev: Event) -> str:
    inc = ix.incidents[ev["incident"]]
    auth = "" if ev["authorised"] else " — not authorised by the leadership"
    order = f", under standing order {ix.orders[ev['order']].name!r}" if ev.get("order") else ""
    return f"INCIDENT: {inc.name}{order}{auth}"


def _response(ix: Index, ev: Event) -> str:
    name = ix.responses[ev["response"]].name
    if ev["fired"]:
        return f"pre-delegated response fires: {name}" + (" (the hold failed)"
                                                          if ev["hold_failed"] else "")
    return f"pre-delegated response stays held: {name}" if ev["held"] else \
        f"pre-delegated response cannot be carried out: {name}"


def _deadline(ix: Index, ev: Event) -> str:
    d = next(x for x in ix.sc.deadlines if x.id == ev["deadline"])
    return f"deadline {'passes' if ev['status'] == 'expired' else 'is void'}: {d.name}"


def _reaction(ix: Index, ev: Event) -> str:
    costs = ", ".join(f"{actor_name(ix, a)} loses {c:g}" for a, c in ev["costs"].items())
    return "reacts to the public terms" + (f" ({costs})" if costs else "")


def _belief(ix: Index, ev: Event) -> str:
    return f"belief about {ev['about']}: {ev['var']} {ev['before']:.2f} → {ev['after']:.2f}"


_DESCRIBE: dict[str, Callable[[Index, Event], str | None]] = {
    "send": _send,
    "deliver": _deliver,
    "offer": _offer,
    "action_start": _action_start,
    "action": lambda ix, ev: f"{ix.actions[ev['action']].name} takes effect",
    "rung": lambda ix, ev: f"ESCALATION to '{ix.rungs[ev['rung']].name}' (level {ev['level']})",
    "war": lambda ix, ev: f"WAR begins, started by {actor_name(ix, ev['started_by'])} "
                          f"via {ev['via']} (from {ev['origin']})",
    "incident": _incident,
    "chain": lambda ix, ev: (f"escalation chain: after {ix.actions[ev['after']].name}, "
                             f"{ix.actions[ev['then']].name} "
                             f"{'follows' if ev['fired'] else 'does not follow'}"),
    "response": _response,
    "order_sent": lambda ix, ev: (f"orders {ix.orders[ev['order']].name!r} "
                                  f"{'on' if ev['active'] else 'off'}; "
                                  + _later(ev, ev["arrives"], "it reaches the units")),
    "order": lambda ix, ev: (f"receives the change to {ix.orders[ev['order']].name!r}: "
                             f"{'obeys' if ev['obeyed'] else 'does not comply'}"),
    "activate": lambda ix, ev: f"standing order in force: {ix.orders[ev['order']].name}",
    "hold": lambda ix, ev: f"holds the pre-delegated response: {ix.responses[ev['response']].name}",
    "release": lambda ix, ev: f"releases the hold on: {ix.responses[ev['response']].name}",
    "reaction": _reaction,
    "meeting": lambda ix, ev: (f"{'opens' if ev['phase'] == 'start' else 'closes'} the meeting "
                               f"{next(m.name for m in ix.sc.meetings if m.id == ev['meeting'])}"),
    "deadline": _deadline,
    "settlement": lambda ix, ev: "SETTLEMENT reached",
    "belief": _belief,
    "type": lambda ix, ev: (f"{ix.sides[ev['side']].name} is "
                            f"{next(k.name for k in ix.types[ev['side']] if k.id == ev['type'])}"
                            " (drawn at the start; only its own side knows)"),
    "decision": lambda ix, ev: "decides: " + (", ".join(ev["choices"]) or "to wait"),
}


def outcome_lines(sc: Scenario, outcome: Outcome) -> list[str]:
    """The closing summary of a run."""
    ix = Index(sc)
    lines = [f"Outcome: {outcome.kind.upper()} — {local_times(sc, outcome.at)} "
             f"({clock_header(sc)}; {outcome.at} UTC)"]
    if outcome.kind == "settlement":
        lines.append(f"  Public terms:  {_terms(ix, outcome.public_terms)}")
        lines.append(f"  Private terms: {_terms(ix, outcome.private_terms)}")
    if outcome.war:
        war = outcome.war
        lines.append(f"  Rung reached: {ix.rungs[war['rung']].name} (level {war['level']})")
        lines.append(f"  Started by:   {actor_name(ix, war['started_by'])} ({war['side']}), "
                     f"via {war['via']}")
        lines.append(f"  Path:         {' → '.join(war['path'])}")
    pays = ", ".join(f"{_short(actor_name(ix, a))} {v:+g}" for a, v in outcome.payoffs.items())
    lines.append(f"  Payoffs:      {pays or 'none declared'}")
    return lines
