"""What each page shows, gathered from a game for one reader (a seat or the host).

A seat's pages are built only from its turn view, its advisers' counsel (made from the
same observation) and, once the game is over, the deeds it may see
(:func:`~brinkmanship.hindsight.seen_after`). The host sees the state of its games while
they run, and everything once they are over.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from brinkmanship.counsel import counsel_label
from brinkmanship.engine.index import Index
from brinkmanship.engine.run import Run
from brinkmanship.hindsight import (
    event_line,
    history_summary,
    local_text,
    option_name,
    private_terms_for,
    seen_after,
    shown_in_timeline,
    summary,
)
from brinkmanship.play.screen import REASONS, short_name
from brinkmanship.scenario.timeparse import parse_instant, zone
from brinkmanship.seat import GROUP_ORDER, TurnView, TypePrior
from brinkmanship.web.rooms import Room
from brinkmanship.web.timeline import draw, from_events, from_view

GROUP_TITLES = {"write": "Write a letter", "answer": "Answer an offer",
                "accept in part": "Accept part of an offer",
                "order": "Change a standing order", "hold or release":
                "Hold or release a pre-delegated response", "act": "Act"}
GROUP_HELP = {
    "write": "Send one of the letters your side has drafted. It travels over its channel "
             "and arrives hours later on the other side's clock.",
    "answer": "Accept or reject an offer that has reached you. An acceptance settles the "
              "crisis when it arrives.",
    "accept in part": "Accept only some of an offer's terms, ignoring the rest.",
    "order": "Standing orders tell your commanders what to do without asking you. A change "
             "reaches them late, and they may not obey.",
    "hold or release": "Responses your commanders will fire on their own when their trigger "
                       "happens, unless you hold them.",
    "act": "Actions take effect after their lead time and may climb the escalation ladder."}


def terms_text(ix: Index, terms: dict[str, str]) -> list[str]:
    return [f"{ix.issues[i].name}: {option_name(ix, i, o)}" if i in ix.issues else f"{i}: {o}"
            for i, o in terms.items()]


def sent_times(room: Room, actor: str) -> dict[str, datetime]:
    """When ``actor`` sent each of its letters: its drafts from its own decisions, the
    letters it composed from its own observation."""
    out: dict[str, datetime] = {}
    turn = room.turn_for(actor)
    if turn is not None:
        out.update({x.id: x.sent_at for x in turn.observation.letters_sent})
    for d in room.game.decisions:
        if d.get("actor") != actor:
            continue
        for c in d.get("choices", []):
            if c.get("kind") == "send":
                at = parse_instant(str(d["at"]))
                assert isinstance(at, datetime)
                out.setdefault(str(c["target"]), at)
    return out


def turn_page(room: Room, view: TurnView, counsel: dict[str, Any] | None) -> dict[str, Any]:
    """The turn page's data: the view, the counsel in words, the options by group, the
    drawing and the wait form's defaults."""
    ix = room.ix
    seat_zone = ix.actors[view.actor.id].zone
    arrows, marks = from_view(ix, view, sent_times(room, view.actor.id))
    now = datetime.fromisoformat(view.now.utc.replace("Z", "+00:00"))
    drawing = draw(ix, arrows, marks, now, f"What {view.actor.name} knows of the crisis so far")
    groups = defaultdict(list)
    for o in view.options:
        groups[o.group].append(o)
    local_now = now.astimezone(zone(seat_zone))
    why = REASONS.get(view.reason, view.reason)
    if view.meeting is not None:
        why += f" ({view.meeting.name})"
    return {
        "view": view, "why": why, "drawing": drawing,
        "groups": [(g, GROUP_TITLES[g], GROUP_HELP[g], groups[g]) for g in GROUP_ORDER
                   if g in groups],
        "counsel": _counsel(ix, counsel),
        "letters": sorted(view.inbox, key=lambda m: m.arrived.utc, reverse=True),
        "reports": sorted(view.reports, key=lambda r: r.at.utc, reverse=True),
        "type_priors": _by_side(view.type_priors),
        "wake_default": (local_now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "wake_min": local_now.strftime("%Y-%m-%dT%H:%M"),
        "zone_label": _zone_label(ix, seat_zone),
        "short": short_name,
    }


def _by_side(priors: list[TypePrior]) -> list[tuple[str, list[TypePrior]]]:
    """The other sides' types, grouped by side in the order given."""
    out: dict[str, list[TypePrior]] = {}
    for p in priors:
        out.setdefault(p.side.name, []).append(p)
    return list(out.items())


def _zone_label(ix: Index, zone_name: str) -> str:
    return next((c.label for c in ix.sc.scenario.clocks if c.zone == zone_name), zone_name)


def _counsel(ix: Index, counsel: dict[str, Any] | None) -> dict[str, Any] | None:
    if not counsel or not counsel.get("options"):
        return None
    sides: dict[str, list[str]] = defaultdict(list)
    for a in counsel.get("advisers", []):
        sides[a["position"]].append(short_name(ix.actors[a["actor"]].name))
    return {"options": [(row["p"], counsel_label(ix, row["option"]))
                        for row in counsel["options"]],
            "advisers": [(counsel_label(ix, k), names) for k, names in sides.items()]}


# -- after the end ---------------------------------------------------------------------------
def end_page(room: Room, seat: str | None, history: Run | None,
             models: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The end page of ``seat`` (``None``: the host, who may see everything)."""
    ix = room.ix
    run = room.game.result()
    outcome = run.outcome
    reader_zone = ix.actors[seat].zone if seat else ix.actors[ix.deciders[0]].zone
    events = seen_after(ix, run.events, seat) if seat else run.events
    arrows, marks = from_events(ix, events)
    end_at = datetime.fromisoformat(outcome.at.replace("Z", "+00:00"))
    drawing = draw(ix, arrows, marks, end_at, "The game as it ended", "end")
    private = private_terms_for(ix, run.events, outcome, seat)
    # The record too is shown as the reader's side knew it then: in 1962 Kennedy did not
    # read Castro's cables to Khrushchev either.
    record = None if history is None else \
        seen_after(ix, history.events, seat) if seat else history.events
    rows = _side_by_side(ix, events, record, reader_zone)
    mine = summary(ix.sc, run)
    return {
        "outcome": outcome, "at": local_text(outcome.at, reader_zone),
        "zone_label": _zone_label(ix, reader_zone),
        "public_terms": terms_text(ix, outcome.public_terms),
        "private_terms": terms_text(ix, private), "hidden_private": bool(
            outcome.private_terms) and not private,
        "payoffs": [(ix.actors[a].name, v) for a, v in outcome.payoffs.items()],
        "mine": outcome.payoffs.get(seat) if seat else None,
        "war": _war(ix, outcome.war), "rung": ix.rungs[str(mine["rung"])].name,
        "drawing": drawing, "rows": rows, "has_history": history is not None,
        "history": history_summary(ix, seat or ix.deciders[0]),
        "models": model_distribution(ix, models, seat, mine),
    }


def _war(ix: Index, war: dict[str, Any] | None) -> str | None:
    if not war:
        return None
    who = ix.actors[war["started_by"]].name if war.get("started_by") in ix.actors else "nobody"
    return f"{ix.rungs[war['rung']].name} (level {war['level']}), started by {who} via {war['via']}"


def _side_by_side(ix: Index, events: list[Any], record: list[Any] | None,
                  zone_name: str) -> list[tuple[str, str, str]]:
    rows = [(e["t"], 0, e) for e in events if shown_in_timeline(e)]
    if record is not None:
        rows += [(e["t"], 1, e) for e in record if shown_in_timeline(e)]
    rows.sort(key=lambda r: (r[0], r[1]))
    out = []
    for t, col, e in rows:
        text = event_line(ix, e, short_name)
        out.append((local_text(t, zone_name), text if col == 0 else "",
                    text if col == 1 else ""))
    return out


def model_distribution(ix: Index, rows: list[dict[str, Any]] | None, seat: str | None,
                       mine: dict[str, Any] | None) -> dict[str, Any] | None:
    """Shares of outcomes, mean hours and rungs of the models' runs (and where ``mine``,
    the game, stands among them for ``seat``)."""
    if rows is None:
        return None
    n = len(rows)
    kinds = Counter(str(r["kind"]) for r in rows)
    out: dict[str, Any] = {"runs": n, "shares": [(k, c / n) for k, c in kinds.most_common()]
                           if n else []}
    if n:
        out["hours"] = statistics.median(float(r["hours"]) for r in rows)
        out["level"] = statistics.median(int(r["level"]) for r in rows)
    if n and seat is not None and mine is not None:
        pays = [float(r["payoffs"].get(seat, 0.0)) for r in rows]
        out["mean_payoff"] = sum(pays) / n
        me = float(mine["payoffs"].get(seat, 0.0))
        out["better_than"] = sum(p < me for p in pays) / n
    return out
