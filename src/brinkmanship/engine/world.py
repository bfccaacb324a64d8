"""The world state of a run, derived by folding its events in order.

:meth:`World.apply` is the only place state changes; the simulator emits events and the
world applies them, so a log replayed through a fresh ``World`` rebuilds the same state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from brinkmanship.engine.events import (
    ActionStartEvent,
    ActivateEvent,
    BeliefEvent,
    DeadlineEvent,
    DeliverEvent,
    HoldEvent,
    OfferEvent,
    OrderEvent,
    ReactionEvent,
    ReleaseEvent,
    RungEvent,
    SendEvent,
    TypeEvent,
)
from brinkmanship.engine.events import EventDict as Event
from brinkmanship.engine.index import Index
from brinkmanship.scenario.schema import Effects

LETTER_PREFIX = "letter:"
"""How the ids of composed letters begin (``letter:1``, ``letter:2``... in a run): no
draft's id has a colon."""


def type_flag(side: str, side_type: str) -> str:
    """The flag set while ``side`` is of ``side_type``; only that side knows it."""
    return f"type:{side}:{side_type}"


@dataclass
class OfferState:
    """An offer in flight or on the table."""

    id: str
    sender: str
    recipient: str
    terms: dict[str, str]
    private_terms: dict[str, str]
    public: bool
    status: str = "in_transit"
    delivered_at: int | None = None
    lapses_at: int | None = None
    draft: str | None = None


@dataclass
class MessageState:
    """A message sent, as sent and as received."""

    id: str
    draft: str | None
    kind: str
    sender: str
    recipient: str
    channel: str
    public: bool
    sent_at: int
    terms: dict[str, str]
    private_terms: dict[str, str]
    signals: dict[str, float]
    replies_to: tuple[str, ...]
    received_at: int | None = None
    received_terms: dict[str, str] | None = None
    received_signals: dict[str, float] | None = None
    text: str = ""


@dataclass
class World:
    """Everything true at one instant of a run."""

    ix: Index
    t: int = 0
    flags: set[str] = field(default_factory=set)
    postures: dict[str, str] = field(default_factory=dict)
    orders: dict[str, bool] = field(default_factory=dict)
    held: dict[str, bool] = field(default_factory=dict)
    rung: str = ""
    level: int = 0
    messages: dict[str, MessageState] = field(default_factory=dict)
    offers: dict[str, OfferState] = field(default_factory=dict)
    beliefs: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    incident_counts: dict[str, int] = field(default_factory=dict)
    action_counts: dict[str, int] = field(default_factory=dict)
    seen_incidents: dict[str, int] = field(default_factory=dict)
    sightings: list[Event] = field(default_factory=list)
    public_proposals: dict[str, dict[str, str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    costs: dict[str, float] = field(default_factory=dict)
    letters_written: int = 0
    # Observation views of messages and sightings, built once each: a cache, not state.
    views: dict[Any, Any] = field(default_factory=dict, compare=False)
    settlement: Event | None = None
    war: Event | None = None
    version: int = 0

    @classmethod
    def initial(cls, ix: Index) -> World:
        sc = ix.sc
        w = cls(ix=ix)
        w.postures = {f.id: f.initial for f in sc.forces}
        # An order with a start time is off until then, whatever 'active' says.
        w.orders = {o.id: o.active and o.activates_at is None for o in sc.standing_orders}
        w.held = {r.id: r.held for r in sc.responses}
        w.rung, w.level = sc.ladder[0].id, sc.ladder[0].level
        for b in sc.beliefs:
            w.beliefs.setdefault(b.actor, {})[b.about] = {
                "resolve": b.resolve, "control": b.control, "imminence": b.imminence}
        return w

    # -- folding -----------------------------------------------------------------------
    # A handler takes its kind's typed definition where it only reads the event; the events
    # kept in the state (sightings, the settlement, the war) stay the log's plain dicts.
    def apply(self, ev: Event) -> None:
        """Apply one event to the state."""
        self.t = ev["s"]
        self.version += 1
        handler = getattr(self, "_on_" + ev["kind"], None)
        if handler is not None:
            handler(ev)

    def effects(self, eff: Effects) -> None:
        self.flags.update(eff.set_flags)
        self.flags.difference_update(eff.clear_flags)
        self.postures.update(eff.postures)
        self.orders.update(eff.orders)

    def _on_send(self, ev: SendEvent) -> None:
        m = MessageState(ev["id"], ev.get("draft"), ev["type"], ev["actor"], ev["to"],
                         ev["channel"], ev["public"], ev["s"], ev["terms"], ev["private_terms"],
                         ev["signals"], tuple(ev.get("replies_to", ())),
                         text=ev.get("text", ""))
        self.messages[m.id] = m
        if m.id.startswith(LETTER_PREFIX):
            self.letters_written += 1
        if m.draft:
            self.flags.add(f"sent:{m.draft}")
        if m.kind == "offer":
            self.offers[m.id] = OfferState(m.id, m.sender, m.recipient, m.terms, m.private_terms,
                                           m.public, draft=m.draft)
        if m.public and m.terms and m.kind == "offer":
            leader = self.ix.leader_of[self.ix.side_of[m.sender]]
            self.public_proposals.setdefault(leader, {}).update(m.terms)

    def _on_deliver(self, ev: DeliverEvent) -> None:
        m = self.messages[ev["id"]]
        m.received_at = ev["s"]
        m.received_terms = ev["terms"]
        m.received_signals = ev["signals"]
        if m.draft:
            self.flags.add(f"delivered:{m.draft}")
        offer = self.offers.get(m.id)
        if offer is not None and offer.status == "in_transit":
            offer.status = "pending"
            offer.delivered_at = ev["s"]
            offer.terms = ev["terms"]
            offer.lapses_at = ev.get("lapses_s")

    def _on_offer(self, ev: OfferEvent) -> None:
        self.offers[ev["offer"]].status = ev["status"]
        if ev["status"] == "lapsed":
            self.flags.add(f"expired:{ev['offer']}")
            draft = self.ix.messages.get(self.offers[ev["offer"]].draft or "")
            if draft is not None and draft.on_expiry is not None:
                self.effects(draft.on_expiry)

    def _on_belief(self, ev: BeliefEvent) -> None:
        self.beliefs[ev["actor"]][ev["about"]][ev["var"]] = ev["after"]

    def _on_action_start(self, ev: ActionStartEvent) -> None:
        self.flags.add(f"started:{ev['action']}")

    def _on_action(self, ev: Event) -> None:
        action = self.ix.actions[ev["action"]]
        self.action_counts[action.id] = self.action_counts.get(action.id, 0) + 1
        self.flags.add(f"done:{action.id}")
        self.effects(action.effects)
        if action.public:
            self.sightings.append(ev)

    def _on_incident(self, ev: Event) -> None:
        inc = self.ix.incidents[ev["incident"]]
        self.incident_counts[inc.id] = self.incident_counts.get(inc.id, 0) + 1
        self.flags.add(f"happened:{inc.id}")
        self.effects(inc.effects)
        self.sightings.append(ev)

    def _on_rung(self, ev: RungEvent) -> None:
        self.rung, self.level = ev["rung"], ev["level"]

    def _on_order(self, ev: OrderEvent) -> None:
        if ev["obeyed"]:
            self.orders[ev["order"]] = ev["active"]

    def _on_hold(self, ev: HoldEvent) -> None:
        self.held[ev["response"]] = True

    def _on_release(self, ev: ReleaseEvent) -> None:
        self.held[ev["response"]] = False

    def _on_reaction(self, ev: ReactionEvent) -> None:
        reaction = next(r for r in self.ix.sc.reactions if r.id == ev["reaction"])
        self.flags.add(f"reacted:{reaction.id}")
        self.effects(reaction.effects)
        for who, cost in reaction.costs.items():
            self.costs[who] = self.costs.get(who, 0.0) + cost

    def _on_deadline(self, ev: DeadlineEvent) -> None:
        if ev["status"] == "expired":
            self.flags.add(f"expired:{ev['deadline']}")
            deadline = next(d for d in self.ix.sc.deadlines if d.id == ev["deadline"])
            self.effects(deadline.effects)

    def _on_settlement(self, ev: Event) -> None:
        self.settlement = ev
        self.flags.add("settled")

    def _on_war(self, ev: Event) -> None:
        self.war = ev
        self.flags.add("war")

    def _on_type(self, ev: TypeEvent) -> None:
        self.types[ev["side"]] = ev["type"]
        self.flags.add(type_flag(ev["side"], ev["type"]))

    def _on_activate(self, ev: ActivateEvent) -> None:
        self.orders[ev["order"]] = True
