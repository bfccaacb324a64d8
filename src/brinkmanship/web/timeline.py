"""The game drawn as a picture (SVG, built on the server): one lane per capital, each with
its own local clock along it; a message is an arrow from its sender's lane when sent to its
recipient's lane when it arrived; incidents and actions are marks on their side's lane.

The drawing is made from what a seat knows (its turn view, or what it may see after the
end), never from more. Every arrow and mark is numbered, and the numbers are listed in
words beside the picture, so the picture is never the only place something is said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from brinkmanship.engine.index import Index
from brinkmanship.engine.world import Event
from brinkmanship.scenario.timeparse import zone
from brinkmanship.seat import TurnView

WIDTH, LEFT, RIGHT, TOP, LANE = 960, 120, 20, 28, 74


@dataclass(frozen=True)
class Arrow:
    """A message: who sent it to whom, when it left and when it arrived (``None``: not yet)."""

    sender: str
    recipient: str
    sent: datetime
    arrived: datetime | None
    label: str
    public: bool


@dataclass(frozen=True)
class Mark:
    """Something that happened at one capital: an incident, an action, the end."""

    actor: str
    at: datetime
    label: str
    kind: str


@dataclass(frozen=True)
class Drawing:
    svg: str
    legend: list[tuple[int, str]]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def lanes(ix: Index) -> list[tuple[str, str]]:
    """The capitals: the scenario's clocks, then any actor's zone they leave out."""
    out = [(c.label, c.zone) for c in ix.sc.scenario.clocks]
    for actor in ix.sc.actors:
        if all(z != actor.zone for _, z in out):
            out.append((actor.zone.rsplit("/", 1)[-1].replace("_", " "), actor.zone))
    return out


def from_view(ix: Index, view: TurnView, sent_at: dict[str, datetime]) -> tuple[
        list[Arrow], list[Mark]]:
    """What ``view`` shows, as arrows and marks (``sent_at``: when the seat sent its own
    messages that have not arrived yet, from its own decisions)."""
    arrows = [Arrow(m.sender.id, m.recipient.id, _utc(m.sent.utc), _utc(m.arrived.utc),
                    m.title, m.public) for m in view.inbox]
    shown = {m.id for m in view.inbox}
    for s in view.sent:
        if s.message.id not in shown and not s.arrived and s.message.id in sent_at:
            arrows.append(Arrow(view.actor.id, s.recipient.id, sent_at[s.message.id], None,
                                s.message.name, False))
    marks = [Mark(ix.sides[r.side.id].leader, _utc(r.at.utc), r.name, r.kind)
             for r in view.reports]
    return arrows, marks


def from_events(ix: Index, events: list[Event]) -> tuple[list[Arrow], list[Mark]]:
    """A finished game's deeds (already cut to what the reader may see)."""
    from brinkmanship.seat import _message_title

    delivered = {e["id"]: _utc(e["t"]) for e in events if e["kind"] == "deliver"}
    arrows = [Arrow(e["actor"], e["to"], _utc(e["t"]), delivered.get(e["id"]),
                    _message_title(ix, e["id"]), e["public"])
              for e in events if e["kind"] == "send"]
    marks = []
    for e in events:
        if e["kind"] == "incident":
            marks.append(Mark(e["actor"], _utc(e["t"]), ix.incidents[e["incident"]].name,
                              "incident"))
        elif e["kind"] == "action":
            marks.append(Mark(e["actor"], _utc(e["t"]), ix.actions[e["action"]].name, "action"))
        elif e["kind"] in ("settlement", "war"):
            who = e.get("actor") or ix.sc.sides[0].leader
            marks.append(Mark(who, _utc(e["t"]), e["kind"].capitalize(), e["kind"]))
    return arrows, marks


def draw(ix: Index, arrows: list[Arrow], marks: list[Mark], now: datetime,
         title: str, now_label: str = "now") -> Drawing:
    """The SVG picture and its numbered legend."""
    capitals = lanes(ix)
    lane_of_zone = {z: i for i, (_, z) in enumerate(capitals)}
    start = ix.sc.scenario.start
    times = [now, start + timedelta(hours=6)] + [a.arrived or a.sent for a in arrows] + \
        [m.at for m in marks]
    end = max(times)
    span = max((end - start).total_seconds(), 3600.0)
    height = TOP + LANE * len(capitals) + 10

    def x(when: datetime) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (when - start).total_seconds() / span

    def y(actor: str) -> float:
        return TOP + LANE * lane_of_zone[ix.actors[actor].zone] + LANE / 2

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
             f'role="img" aria-labelledby="tl-title" class="timeline">',
             f'<title id="tl-title">{escape(title)}</title>',
             '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
             'fill="context-stroke"/></marker></defs>']
    step = _tick_hours(span / 3600)
    for i, (label, zone_name) in enumerate(capitals):
        parts += _lane(i, label, zone_name, start, end, step, x)
    parts.append(f'<line class="now" x1="{x(now):.1f}" y1="{TOP - 8}" x2="{x(now):.1f}" '
                 f'y2="{height - 6}"/><text class="now-label" x="{x(now) - 3:.1f}" y="{TOP - 12}">'
                 f'{escape(now_label)}</text>')
    legend: list[tuple[int, str]] = []
    for a in sorted(arrows, key=lambda a: a.sent):
        n = len(legend) + 1
        tip = a.arrived or now
        cls = "msg public" if a.public else "msg private"
        if a.arrived is None:
            cls += " transit"
        x1, y1, x2, y2 = x(a.sent), y(a.sender), x(tip), y(a.recipient)
        when = "on its way" if a.arrived is None else "arrived"
        words = (f"{a.label}: {ix.actors[a.sender].name} to {ix.actors[a.recipient].name}, "
                 f"{'public' if a.public else 'private'}, {when}")
        parts.append(f'<g class="{cls}"><title>{n}. {escape(words)}</title>'
                     f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     'marker-end="url(#head)"/>'
                     f'<circle cx="{x1:.1f}" cy="{y1:.1f}" r="3"/>'
                     f'<text x="{x1 + 4:.1f}" y="{y1 - 5:.1f}">{n}</text></g>')
        legend.append((n, words))
    for m in sorted(marks, key=lambda m: m.at):
        n = len(legend) + 1
        cx, cy = x(m.at), y(m.actor)
        words = f"{m.kind}: {m.label} ({ix.actors[m.actor].name}'s side)"
        parts.append(f'<g class="mark {escape(m.kind)}"><title>{n}. {escape(words)}</title>'
                     f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" '
                     f'transform="rotate(45 {cx:.1f} {cy:.1f})"/>'
                     f'<text x="{cx + 7:.1f}" y="{cy + 18:.1f}">{n}</text></g>')
        legend.append((n, words))
    parts.append("</svg>")
    return Drawing("".join(parts), legend)


def _tick_hours(hours: float) -> int:
    for step in (1, 2, 3, 6, 12, 24, 48):
        if hours / step <= 10:
            return step
    return 96


def _lane(i: int, label: str, zone_name: str, start: datetime, end: datetime, step: int,
          x: object) -> list[str]:
    """One capital's lane: its name and its own local clock at each tick."""
    assert callable(x)
    top = TOP + LANE * i
    mid = top + LANE / 2
    out = [f'<rect class="lane lane{i % 2}" x="0" y="{top}" width="{WIDTH}" height="{LANE}"/>',
           f'<text class="lane-label" x="8" y="{mid + 4}">{escape(label)}</text>',
           f'<line class="lane-line" x1="{LEFT}" y1="{mid}" x2="{WIDTH - RIGHT}" y2="{mid}"/>']
    tz = zone(zone_name)
    tick = start.replace(minute=0, second=0, microsecond=0)
    while tick <= end:
        local = tick.astimezone(tz)
        text = local.strftime("%a %H:%M") if local.hour < step or tick == start else \
            local.strftime("%H:%M")
        out.append(f'<text class="tick" x="{x(tick):.1f}" y="{top + LANE - 6}">{text}</text>')
        tick += timedelta(hours=step)
    return out
