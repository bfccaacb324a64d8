"""One turn on a terminal: what the seat knows, what its advisers say, what it may do.

Everything drawn here comes from the seat's :class:`~brinkmanship.seat.TurnView` and the
counsel of the default decision-maker for that seat (built from the same observation), so
the screen shows no more than the seat may know.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from brinkmanship.counsel import counsel_label
from brinkmanship.engine.index import Index
from brinkmanship.seat import GROUP_ORDER, Letter, Offer, TurnView

SHOWN_LETTERS = 6
SHOWN_REPORTS = 6
SHOWN_ADVISERS = 5
REASONS = {"start": "the crisis begins", "message": "a message has arrived",
           "incident": "an incident was reported", "action": "the other side acted",
           "decision point": "a scheduled moment to decide", "meeting": "your meeting ended",
           "wake": "the time you asked to be woken"}
HELP = ("Type an option's number (several: 2 5), or: w = wait for news · w 18:00 = wait until "
        "that time on your clock · w 3h = wait three hours · s = save · q = save and quit · "
        "? = help")
LETTER_HELP = " · l = write a letter of your own"


def turn_screen(ix: Index, view: TurnView, counsel: dict[str, Any] | None) -> RenderableType:
    """The whole screen of one turn."""
    parts: list[RenderableType] = [_header(view)]
    parts += _letters(view)
    parts += _sent(view)
    parts += _offers(view)
    parts += _reports(view)
    parts += _forces(view)
    parts += _deadlines(view)
    parts += _schedule(view)
    parts += _types(view)
    if counsel is not None:
        parts += _counsel(ix, counsel)
    parts.append(_options(view))
    parts.append(Text(HELP + (LETTER_HELP if view.letter_form is not None else ""),
                      style="dim"))
    return Group(*parts)


def _header(view: TurnView) -> RenderableType:
    clocks = "   ".join(f"{escape(c.label)} {c.text}" for c in view.clocks)
    why = REASONS.get(view.reason, view.reason)
    if view.meeting is not None:
        why += f" ({escape(view.meeting.name)})"
    lines = [f"[bold]{escape(view.actor.name)}[/] ({escape(view.side.name)}) · turn "
             f"{view.turn + 1} · {why}",
             clocks,
             f"Escalation: [bold]{escape(view.rung.name)}[/] (level {view.rung_level}) · "
             f"the crisis runs until {view.horizon.text}"]
    return Panel("\n".join(lines), title=escape(view.scenario.name), title_align="left")


def _section(title: str, count: int | None = None) -> Text:
    label = title if count is None else f"{title} ({count})"
    return Text(f"\n{label}", style="bold underline")


def _letters(view: TurnView) -> list[RenderableType]:
    letters = sorted(view.inbox, key=lambda m: m.arrived.utc, reverse=True)
    if not letters:
        return [_section("Inbox"), Text("  Nothing has arrived yet.")]
    out: list[RenderableType] = [_section("Inbox, latest first", len(letters))]
    for m in letters[:SHOWN_LETTERS]:
        out.append(Padding(Text.from_markup(_letter_line(m)), (0, 0, 0, 2)))
    if len(letters) > SHOWN_LETTERS:
        out.append(Text(f"  … and {len(letters) - SHOWN_LETTERS} earlier messages", style="dim"))
    return out


def _letter_line(m: Letter) -> str:
    who = "you" if m.from_me else escape(m.sender.name)
    to = "you" if not m.from_me and m.recipient.id != m.sender.id else escape(m.recipient.name)
    privacy = "public" if m.public else "private"
    head = (f"[bold]{m.arrived.text}[/] {escape(m.title)} — from {who} to {to}, "
            f"{escape(m.channel.name)}, {m.authority.replace('_', '-')}, {privacy}")
    body = ""
    if m.text:
        body += f"\n    {escape(m.text)}"
    if m.terms:
        body += "\n    Terms: " + "; ".join(f"{escape(t.issue.name)}: {escape(t.option.name)}"
                                            for t in m.terms)
    if m.private_terms:
        body += "\n    Off the record: " + "; ".join(
            f"{escape(t.issue.name)}: {escape(t.option.name)}" for t in m.private_terms)
    return head + body


def _sent(view: TurnView) -> list[RenderableType]:
    if not view.sent:
        return []
    out: list[RenderableType] = [_section("What you have sent")]
    out += [_item(f"{'arrived' if s.arrived else 'on its way'}: \u201c{s.message.name}\u201d to "
                  f"{short_name(s.recipient.name)} over {s.channel.name}") for s in view.sent]
    return out


def _offers(view: TurnView) -> list[RenderableType]:
    if not view.pending_offers:
        return []
    out: list[RenderableType] = [_section("Offers awaiting your answer", len(view.pending_offers))]
    out += [Padding(Text.from_markup(_offer_line(o)), (0, 0, 0, 2)) for o in view.pending_offers]
    return out


def _offer_line(o: Offer) -> str:
    lapses = f", lapses {o.lapses.text}" if o.lapses else ""
    return f"{escape(o.title)} from {escape(o.sender.name)}{lapses}"


def _reports(view: TurnView) -> list[RenderableType]:
    if not view.reports:
        return []
    reports = sorted(view.reports, key=lambda r: r.at.utc, reverse=True)
    out: list[RenderableType] = [_section("Reports, latest first", len(reports))]
    for r in reports[:SHOWN_REPORTS]:
        what = "INCIDENT" if r.kind == "incident" else "action"
        unauthorised = " (not authorised)" if r.kind == "incident" and not r.authorised else ""
        out.append(Padding(Text.from_markup(f"[bold]{r.at.text}[/] {what}: {escape(r.name)} "
                                            f"— {escape(r.side.name)}{unauthorised}"),
                           (0, 0, 0, 2)))
    return out


def _forces(view: TurnView) -> list[RenderableType]:
    out: list[RenderableType] = []
    if view.forces:
        out.append(_section("Your forces"))
        out += [_item(f"{f.force.name}: {f.posture.name}") for f in view.forces]
    if view.orders:
        out.append(_section("Standing orders of your side"))
        out += [_item(f"[{'in force' if o.in_force else 'off'}] {o.order.name} "
                      f"({short_name(o.holder.name)})") for o in view.orders]
    if view.responses:
        out.append(_section("Pre-delegated responses you authorised"))
        for r in view.responses:
            state = "HELD" if r.held else "armed"
            due = "  ← its trigger has happened" if r.due else ""
            out.append(_item(f"[{state}] {r.response.name} — if {r.trigger.name}{due}"))
    return out


def _deadlines(view: TurnView) -> list[RenderableType]:
    if not view.deadlines:
        return []
    out: list[RenderableType] = [_section("Deadlines you know of")]
    out += [_item(f"{d.at.text}: {d.deadline.name}") for d in view.deadlines]
    return out


def _schedule(view: TurnView) -> list[RenderableType]:
    if not view.schedule:
        return []
    out: list[RenderableType] = [_section("Scheduled activities you know of")]
    out += [_item(f"{p.at.text}: {p.timetable.name} — {p.phase.name}"
                  f"{' (begun)' if p.begun else ''}") for p in view.schedule]
    return out


def _types(view: TurnView) -> list[RenderableType]:
    """Hidden types: the seat's own side's (its secret), the priors over the others'."""
    if view.side_type is None and not view.type_priors:
        return []
    out: list[RenderableType] = [_section("Hidden types")]
    if view.side_type is not None:
        out.append(_item(f"your side is {escape(view.side_type.name)} (the others do not "
                         "know it)"))
    sides: dict[str, list[str]] = {}
    for p in view.type_priors:
        sides.setdefault(p.side.name, []).append(f"{escape(p.type.name)} {p.prior:.0%}")
    out += [_item(f"{escape(side)} may be: {', '.join(kinds)} (the common prior)")
            for side, kinds in sides.items()]
    return out


def _counsel(ix: Index, counsel: dict[str, Any]) -> list[RenderableType]:
    if not counsel.get("options"):
        return []
    out: list[RenderableType] = [_section("Your advisers")]
    for row in counsel["options"]:
        out.append(_item(f"{row['p']:>4.0%}  {_label(ix, row['option'])}"))
    sides: dict[str, list[str]] = defaultdict(list)
    for a in counsel.get("advisers", []):
        sides[a["position"]].append(short_name(ix.actors[a["actor"]].name))
    for key, names in sides.items():
        more = f" and {len(names) - SHOWN_ADVISERS} more" if len(names) > SHOWN_ADVISERS else ""
        out.append(_item(f"{_label(ix, key)} — urged by {', '.join(names[:SHOWN_ADVISERS])}"
                         f"{more}", style="dim"))
    return out


def short_name(name: str) -> str:
    """``Dean Rusk`` for ``Dean Rusk, Secretary of State``: a name without its office."""
    return name.split(",")[0].strip()


def _item(text: str, indent: int = 2, style: str = "") -> RenderableType:
    """A line of a section; long lines wrap under their own start."""
    return Padding(Text(text, style=style), (0, 0, 0, indent))


def _label(ix: Index, key: str) -> str:
    """An option of a trace (its key, or ``wait``) in words."""
    return counsel_label(ix, key)


def _options(view: TurnView) -> RenderableType:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold")
    table.add_column()
    groups: dict[str, list[Any]] = defaultdict(list)
    for o in view.options:
        groups[o.group].append(o)
    for group in GROUP_ORDER:
        if group not in groups:
            continue
        table.add_row("", Text(group.capitalize(), style="bold italic"))
        for o in groups[group]:
            table.add_row(str(o.number), Text(o.label))
    if not view.options:
        table.add_row("", Text("Nothing to decide now: wait (w) for news."))
    return Group(_section("What you can do"), table)
