"""A scenario compiled into look-up tables for the engine's hot paths."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from brinkmanship.scenario import schema as s
from brinkmanship.scenario.letters import letter_routes, letter_writers


@dataclass
class Index:
    """Dicts over a :class:`Scenario`'s sections, built once per scenario."""

    sc: s.Scenario
    start: datetime = field(init=False)
    actors: dict[str, s.Actor] = field(init=False)
    sides: dict[str, s.Side] = field(init=False)
    side_of: dict[str, str] = field(init=False)
    leader_of: dict[str, str] = field(init=False)
    channels: dict[str, s.Channel] = field(init=False)
    messages: dict[str, s.Message] = field(init=False)
    actions: dict[str, s.Action] = field(init=False)
    rungs: dict[str, s.Rung] = field(init=False)
    forces: dict[str, s.Force] = field(init=False)
    orders: dict[str, s.StandingOrder] = field(init=False)
    incidents: dict[str, s.Incident] = field(init=False)
    responses: dict[str, s.Response] = field(init=False)
    links_after: dict[str, list[s.ChainLink]] = field(init=False)
    responses_on: dict[str, list[s.Response]] = field(init=False)
    issues: dict[str, s.Issue] = field(init=False)
    utilities: dict[str, s.Utility] = field(init=False)
    reaction_drafts: set[str] = field(init=False)
    reports_on: dict[str, list[s.Message]] = field(init=False)
    deciders: list[str] = field(init=False)
    subordinates: list[str] = field(init=False)
    types: dict[str, list[s.SideType]] = field(init=False)
    letter_routes: dict[str, list[tuple[str, str]]] = field(init=False)

    def __post_init__(self) -> None:
        sc = self.sc
        self.start = sc.scenario.start
        self.actors = {a.id: a for a in sc.actors}
        self.sides = {x.id: x for x in sc.sides}
        self.side_of = {a.id: a.side for a in sc.actors}
        self.leader_of = {x.id: x.leader for x in sc.sides}
        self.channels = {c.id: c for c in sc.channels}
        self.messages = {m.id: m for m in sc.messages}
        self.actions = {a.id: a for a in sc.actions}
        self.rungs = {r.id: r for r in sc.ladder}
        self.forces = {f.id: f for f in sc.forces}
        self.orders = {o.id: o for o in sc.standing_orders}
        self.incidents = {i.id: i for i in sc.incidents}
        self.timetables = {t.id: t for t in sc.timetables}
        self.responses = {r.id: r for r in sc.responses}
        self.issues = {i.id: i for i in sc.issues}
        self.utilities = {u.actor: u for u in sc.utilities}
        self.links_after = defaultdict(list)
        for chain in sc.chains:
            for link in chain.links:
                self.links_after[link.after].append(link)
        self.responses_on = defaultdict(list)
        for resp in sc.responses:
            key = f"incident:{resp.trigger.incident}" if resp.trigger.incident else \
                f"action:{resp.trigger.action}"
            self.responses_on[key].append(resp)
        self.reaction_drafts = {r.message for r in sc.reactions if r.message}
        # Reports the engine sends on a trigger, keyed like responses ('incident:ID').
        self.reports_on = defaultdict(list)
        for msg in sc.messages:
            if msg.sent_on is not None:
                t = msg.sent_on
                key = f"incident:{t.incident}" if t.incident else \
                    f"action:{t.action}" if t.action else f"phase:{t.phase}"
                self.reports_on[key].append(msg)
                self.reaction_drafts.add(msg.id)
        senders = {m.sender for m in sc.messages if m.id not in self.reaction_drafts}
        leaders = set(self.leader_of.values())
        self.letter_routes = {w: routes for w in letter_writers(sc)
                              if (routes := letter_routes(sc, w))}
        self.subordinates = sorted(a.id for a in sc.actors if a.decides and a.id not in leaders)
        self.deciders = sorted(leaders | senders | set(self.letter_routes) |
                               set(self.subordinates))
        self.types = {x.id: list(x.types) for x in sc.sides if x.types}

    def seconds(self, moment: datetime) -> int:
        """Seconds from the scenario's start to ``moment``."""
        return int(round((moment - self.start).total_seconds()))

    def answer_channels(self, a: str, b: str) -> list[str]:
        """Channels ``a`` may send over and ``b`` hears, in scenario order."""
        return [c.id for c in self.sc.channels if a in c.members and b in c.members and
                (c.senders is None or a in c.senders)]

    def about(self, msg: s.Message) -> str:
        """The side a message's signals are about: its ``about``, else its sender's."""
        return msg.about or self.side_of[msg.sender]

    def type_utility(self, actor: str, side_type: str | None) -> s.Utility | None:
        """``actor``'s utility while its side is of ``side_type`` (its declared one else)."""
        if side_type is not None:
            for kind in self.types.get(self.side_of[actor], []):
                if kind.id == side_type:
                    found = next((u for u in kind.utilities if u.actor == actor), None)
                    if found is not None:
                        return found
        return self.utilities.get(actor)

    def counterpart_leaders(self, actor: str) -> list[str]:
        """Leaders of sides other than ``actor``'s."""
        own = self.side_of[actor]
        return [leader for side, leader in self.leader_of.items() if side != own]

