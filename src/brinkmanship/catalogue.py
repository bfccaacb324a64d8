"""What a scenario holds, by id and name: the ids that ``--force``, ``--set``, ``--close``,
``--forbid`` and ``--incident`` name, for ``brink show``.

:func:`catalogue` lists each part of a scenario (sides, actors, issues and their options,
channels, messages, actions, responses, incidents, standing orders, the ladder, meetings,
deadlines) as plain data, and for each actor who decides the option keys it may be
offered in a run (``send:…``, ``act:…``, ``hold:…``/``release:…``, ``order_on:…``/
``order_off:…``, ``accept:…``/``reject:…`` for the offers addressed to it), as ``--force``
spells them. Whether an option is offered at a given moment depends on the run.
"""

from __future__ import annotations

import textwrap
from typing import Any

from brinkmanship.engine.index import Index
from brinkmanship.scenario.schema import Scenario
from brinkmanship.scenario.timeparse import iso_utc

SECTIONS = ("sides", "actors", "issues", "channels", "messages", "actions", "responses",
            "incidents", "standing_orders", "ladder", "meetings", "deadlines", "options")


def catalogue(sc: Scenario) -> dict[str, Any]:
    """Every part of ``sc`` by id and name, and each decider's option keys."""
    ix = Index(sc)
    return {
        "scenario": {"id": sc.scenario.id, "title": sc.scenario.title,
                     "start": iso_utc(sc.scenario.start), "end": iso_utc(sc.scenario.end)},
        "sides": [{"id": s.id, "name": s.name} for s in sc.sides],
        "actors": [{"id": a.id, "name": a.name, "kind": a.kind, "side": a.side,
                    "decides": a.id in ix.deciders} for a in sc.actors],
        "issues": [{"id": i.id, "name": i.name, "status_quo": i.status_quo,
                    "options": [{"id": o.id, "name": o.name} for o in i.options]}
                   for i in sc.issues],
        "channels": [{"id": c.id, "name": c.name, "visibility": c.visibility}
                     for c in sc.channels],
        "messages": [{"id": m.id, "name": m.name, "kind": m.kind, "sender": m.sender,
                      "recipient": m.recipient, "channel": m.channel} for m in sc.messages],
        "actions": [{"id": a.id, "name": a.name, "actor": a.actor, "kind": a.kind}
                    for a in sc.actions],
        "responses": [{"id": r.id, "name": r.name, "holder": r.holder,
                       "authorised_by": r.authorised_by, "held": r.held} for r in sc.responses],
        "incidents": [{"id": i.id, "name": i.name, "force": i.force} for i in sc.incidents],
        "standing_orders": [{"id": o.id, "name": o.name, "holder": o.holder}
                            for o in sc.standing_orders],
        "ladder": [{"id": r.id, "name": r.name, "level": r.level, "war": r.war}
                   for r in sc.ladder],
        "meetings": [{"id": m.id, "name": m.name, "convener": m.convener} for m in sc.meetings],
        "deadlines": [{"id": d.id, "name": d.name} for d in sc.deadlines],
        "options": {actor: option_keys(ix, actor) for actor in ix.deciders},
    }


def option_keys(ix: Index, actor: str) -> list[str]:
    """The option keys ``actor`` may be offered at some moment of a run, in the engine's
    order of options (sends, answers, actions, holds, orders)."""
    sc = ix.sc
    keys = [f"send:{m.id}" for m in sc.messages
            if m.sender == actor and m.id not in ix.reaction_drafts]
    for m in sc.messages:
        if m.kind != "offer":
            continue
        if m.recipient == actor:
            keys += [f"accept:{m.id}", f"reject:{m.id}"]
            if len(m.terms) > 1:
                keys.append(f"accept_part:{m.id}")
        elif m.sender == actor and len(m.terms) > 1:
            # A partial acceptance comes back to the sender as an offer of its own.
            keys += [f"accept:part:{m.id}", f"reject:part:{m.id}"]
    keys += [f"act:{a.id}" for a in sc.actions if a.actor == actor]
    for r in sc.responses:
        if r.authorised_by == actor and r.holdable:
            keys += [f"hold:{r.id}", f"release:{r.id}"]
    if ix.leader_of.get(ix.side_of[actor]) == actor:
        for o in sc.standing_orders:
            if ix.side_of[o.holder] == ix.side_of[actor]:
                keys += [f"order_on:{o.id}", f"order_off:{o.id}"]
    return keys


def catalogue_lines(sc: Scenario) -> list[str]:
    """The catalogue in words: one heading per part, one line per thing (id, then name)."""
    data = catalogue(sc)
    meta = data["scenario"]
    lines = [f"{meta['id']}: {meta['title']}", f"  from {meta['start']} to {meta['end']}"]
    width = max([len(x["id"]) for part in SECTIONS[:-1] for x in data[part]] + [8])
    for part in SECTIONS[:-1]:
        if not data[part]:
            continue
        lines += ["", f"{part.replace('_', ' ').capitalize()} ({len(data[part])})"]
        for thing in data[part]:
            lines.append(f"  {thing['id']:<{width}}  {thing['name']}{_detail(part, thing)}")
            if part == "issues":
                lines += [f"  {'':<{width}}    = {o['id']}: {o['name']}"
                          for o in thing["options"]]
    lines += ["", "Options (as --force spells them; offered when the run allows)"]
    for actor, keys in data["options"].items():
        lines += textwrap.wrap(f"{actor}: {', '.join(keys) or 'none'}", 100,
                               initial_indent="  ", subsequent_indent="      ",
                               break_on_hyphens=False)
    return lines


def _detail(part: str, thing: dict[str, Any]) -> str:
    if part == "actors":
        return f"  [{thing['kind']}, {thing['side']}{', decides' if thing['decides'] else ''}]"
    if part == "messages":
        return f"  [{thing['kind']}: {thing['sender']} → {thing['recipient']} via " \
               f"{thing['channel']}]"
    if part == "actions":
        return f"  [{thing['actor']}]"
    if part == "responses":
        return f"  [{thing['holder']}, held by {thing['authorised_by']}" \
               f"{', held at the start' if thing['held'] else ''}]"
    if part == "incidents":
        return f"  [{thing['force']}]"
    if part == "ladder":
        return f"  [level {thing['level']}{', war' if thing['war'] else ''}]"
    if part == "channels":
        return f"  [{thing['visibility']}]"
    return ""
