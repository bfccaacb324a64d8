"""The story of a run in words: one line per event, on every clock the scenario names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from brinkmanship.engine.events import EventDict as Event
from brinkmanship.engine.index import Index
from brinkmanship.engine.run import Outcome
from brinkmanship.engine.world import World
from brinkmanship.scenario.schema import Scenario
from brinkmanship.scenario.timeparse import zone

WHO_WIDTH = 26
QUIET = {"belief", "decision", "start", "end", "model_call"}


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
    # The world as the story has it so far: what stopped a response is said from it.
    world = World.initial(ix)
    ever = {f: {p} for f, p in world.postures.items()}
    for ev in events:
        world.apply(ev)
        for force, posture in world.postures.items():
            ever[force].add(posture)
        if ev["kind"] in QUIET and not (verbose and ev["kind"] in ("belief", "decision",
                                                                    "model_call")) \
                and not _model_reasoning(ev):
            continue
        if ev["kind"] == "chain" and not ev["fired"] and not verbose:
            continue
        text = _stopped(ix, ev, world, ever) if ev["kind"] == "response" else None
        text = text or describe(ix, ev)
        if text is None:
            continue
        who = _short(actor_name(ix, ev.get("actor")))
        lines.append(f"{local_times(sc, ev['t'])}  {who:<{WHO_WIDTH}} {text}")
    return lines


def _model_reasoning(ev: Event) -> bool:
    """A language model's decision: its reasoning is part of the story."""
    trace = ev.get("trace") if ev["kind"] == "decision" else None
    return bool(trace and trace.get("model") == "llm")


def _decision(ix: Index, ev: Event) -> str:
    text = "decides: " + (", ".join(ev["choices"]) or "to wait")
    trace = ev.get("trace") or {}
    if trace.get("model") != "llm":
        return text
    if trace.get("fallback"):
        return text + f" (fallback: {trace['fallback']})"
    for advice in trace.get("advice", []):
        text += f"\n{'':>{WHO_WIDTH + 2}}advised: {advice}"
    return text + f" — “{trace.get('reasoning', '')}”"


def _model_call(ix: Index, ev: Event) -> str:
    what = "failed: " + ev["error"] if ev["answer"] is None else (
        "answer unusable: " + ev["error"] if ev["error"] else "answered")
    return (f"asks {ev['model']} ({ev['role']} {ev['agent']}, attempt {ev['attempt']}): "
            f"{what}; {ev['prompt_tokens']}+{ev['completion_tokens']} tokens, "
            f"{ev['latency_ms']} ms")


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
    said = f" — “{ev['text']}”" if ev.get("text") else ""
    return (f"sends {_msg_name(ix, ev)} ({ev['type']}) to {actor_name(ix, ev['to'])} "
            f"over {ch} [{vis}]{terms}{said}")


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
    resp = ix.responses[ev["response"]]
    if ev["fired"]:
        return f"pre-delegated response fires: {resp.name}" + (" (the hold failed)"
                                                               if ev["hold_failed"] else "")
    if ev["held"] and not ev["hold_failed"]:
        return f"pre-delegated response stays held: {resp.name}"
    return (f"pre-delegated response comes due: {resp.name}; there is nothing to carry out, "
            f"as {ix.actions[resp.action].name} is not possible now")


def _stopped(ix: Index, ev: Event, world: World, ever: dict[str, set[str]]) -> str | None:
    """Why a response that came due was not carried out, from the world of the story: the
    parts of its action's ``requires`` that did not hold (None if it fired or was held)."""
    if ev["fired"] or (ev["held"] and not ev["hold_failed"]):
        return None
    resp = ix.responses[ev["response"]]
    cond = ix.actions[resp.action].requires
    why = []
    for force_id, postures in cond.postures.items():
        if world.postures.get(force_id) in postures:
            continue
        force = ix.forces[force_id]
        names = " or ".join(p.name for p in force.postures if p.id in postures)
        state = "were never" if not ever[force_id] & set(postures) else "are no longer"
        why.append(f"{force.name} {state} {names}")
    why += [f"'{f}' has not happened" for f in cond.flags if f not in world.flags]
    why += [f"'{f}' stands in the way" for f in cond.not_flags if f in world.flags]
    if cond.min_rung is not None and world.level < ix.rungs[cond.min_rung].level:
        why.append(f"the crisis has not reached '{ix.rungs[cond.min_rung].name}'")
    if cond.max_rung is not None and world.level > ix.rungs[cond.max_rung].level:
        why.append(f"the crisis is past '{ix.rungs[cond.max_rung].name}'")
    if not why:
        return None
    held = " (the hold failed)" if ev["hold_failed"] else ""
    return (f"pre-delegated response comes due{held}: {resp.name}; there is nothing to carry "
            f"out, as {'; '.join(why)}")


def _order(ix: Index, ev: Event) -> str:
    name = ix.orders[ev["order"]].name
    if "superseded_by" in ev:
        return (f"receives the earlier change to {name!r} ({'on' if ev['active'] else 'off'}) "
                "after a later one: it keeps to the later order")
    return f"receives the change to {name!r}: {'obeys' if ev['obeyed'] else 'does not comply'}"


def _settlement(ix: Index, ev: Event) -> str:
    if "sides" not in ev:
        return "SETTLEMENT reached"
    pair = " and ".join(next(x.name for x in ix.sc.sides if x.id == side) for side in ev["sides"])
    if ev["ends_crisis"]:
        return f"SETTLEMENT reached: with this agreement between {pair} the crisis ends"
    return f"AGREEMENT between {pair}: it stands, and the crisis goes on"


def _phase(ix: Index, ev: Event) -> str:
    tt = ix.timetables[ev["timetable"]]
    phase = next(p for p in tt.phases if p.id == ev["phase"])
    if ev["status"] == "called_off":
        return f"{tt.name}: {phase.name} was due, but the activity is called off"
    return f"{tt.name}: {phase.name} begins, on schedule"


def _stand_down(ix: Index, ev: Event) -> str:
    sd = ix.sc.stand_down
    name = sd.name if sd is not None else "the sides stand down"
    return (f"STAND-DOWN: {name} — " + _since(ev, ev["since"], "it has held") +
            "; the crisis ends without agreement")


def _since(ev: Event, iso: str, what: str) -> str:
    """``it has held for 12 h 00 min``: an earlier instant told relative to the event."""
    minutes = round((_instant(ev["t"]) - _instant(iso)).total_seconds() / 60)
    hours, mins = divmod(max(minutes, 0), 60)
    return f"{what} for {hours} h {mins:02d} min" if hours else f"{what} for {mins} min"


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
    "rung": lambda ix, ev: (f"{'STANDS DOWN' if ev.get('down') else 'ESCALATION'} to "
                           f"'{ix.rungs[ev['rung']].name}' (level {ev['level']})"),
    "stand_down": _stand_down,
    "phase": _phase,
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
    "order": _order,
    "activate": lambda ix, ev: f"standing order in force: {ix.orders[ev['order']].name}",
    "hold": lambda ix, ev: f"holds the pre-delegated response: {ix.responses[ev['response']].name}",
    "release": lambda ix, ev: f"releases the hold on: {ix.responses[ev['response']].name}",
    "reaction": _reaction,
    "meeting": lambda ix, ev: (f"{'opens' if ev['phase'] == 'start' else 'closes'} the meeting "
                               f"{next(m.name for m in ix.sc.meetings if m.id == ev['meeting'])}"),
    "deadline": _deadline,
    "settlement": _settlement,
    "belief": _belief,
    "type": lambda ix, ev: (f"{ix.sides[ev['side']].name} is "
                            f"{next(k.name for k in ix.types[ev['side']] if k.id == ev['type'])}"
                            " (drawn at the start; only its own side knows)"),
    "decision": _decision,
    "model_call": _model_call,
}


def outcome_lines(sc: Scenario, outcome: Outcome) -> list[str]:
    """The closing summary of a run."""
    ix = Index(sc)
    lines = [f"Outcome: {outcome.kind.replace('_', '-').upper()} — {local_times(sc, outcome.at)} "
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
