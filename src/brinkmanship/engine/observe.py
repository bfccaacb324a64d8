"""What an actor knows, and what it may do: the observation handed to its policy.

An observation holds only what reached the actor: messages delivered to it, public
messages, its own side's forces and orders, incidents and actions it could see, its own
beliefs. Nothing here reads the other side's private state or the scenario's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from brinkmanship.engine.world import LETTER_PREFIX, Event, MessageState, OfferState, World
from brinkmanship.mechanics.conditions import holds
from brinkmanship.mechanics.negotiation import part_choices
from brinkmanship.policies.base import (
    Letter,
    LetterForm,
    Observation,
    OfferView,
    Option,
    Received,
    Route,
    SentLetter,
    Sighting,
)


def observe(world: World, actor: str, reason: str, closed: frozenset[str],
            meeting: str | None = None) -> Observation:
    """The observation of ``actor`` now."""
    ix = world.ix
    side = ix.side_of[actor]
    at = _clock(world)
    views = world.views
    # Off-the-record terms reach only the two ends of a message, even a public one.
    inbox = tuple(views.get(key) or views.setdefault(key, _received(world, m, at, insider))
                  for m in world.messages.values()
                  if m.received_at is not None and (m.recipient == actor or m.public
                                                    or m.sender == actor)
                  for insider in [actor in (m.sender, m.recipient)]
                  for key in [(m.id, insider)])
    sightings = tuple(_seen_by(world, side).views)
    deadlines = {d.id: d.at for d in ix.sc.deadlines if actor in d.known_to}
    schedule = {f"{tt.id}:{ph.id}": ph.at for tt in ix.sc.timetables
                if ix.side_of[tt.actor] == side or actor in tt.known_to for ph in tt.phases}
    return Observation(
        actor=actor, side=side, now=at(world.t), reason=reason, inbox=inbox,
        pending_offers=tuple(_offer(o, at) for o in world.offers.values()
                             if o.recipient == actor and o.status == "pending"),
        own_offers=tuple(_offer(o, at) for o in world.offers.values() if o.sender == actor),
        sightings=sightings, rung=world.rung, rung_level=world.level,
        postures={f: p for f, p in world.postures.items() if ix.forces[f].side == side},
        orders={o: v for o, v in world.orders.items() if ix.side_of[ix.orders[o].holder] == side},
        holds={r: v for r, v in world.held.items() if ix.responses[r].authorised_by == actor},
        beliefs={about: dict(b) for about, b in world.beliefs.get(actor, {}).items()},
        stress=round(stress_of(world, actor), 6), deadlines=deadlines, schedule=schedule,
        flags=known_flags(world, side),
        options=tuple(options(world, actor, closed)), meeting=meeting,
        letter_form=letter_form(world, actor, closed),
        letters_sent=tuple(SentLetter(m.id, Letter(m.recipient, m.channel, dict(m.terms),
                                                   dict(m.private_terms), m.text, m.public),
                                      at(m.sent_at), m.received_at is not None)
                           for m in world.messages.values()
                           if m.sender == actor and m.id.startswith(LETTER_PREFIX)),
        side_type=world.types.get(side),
    )


def known_flags(world: World, side: str) -> frozenset[str]:
    """The flags a side may know: the engine's own flags about messages, actions and
    incidents only where they are public or its own; the scenario's flags as they stand."""
    ix = world.ix
    known = set()
    for flag in world.flags:
        kind, _, what = flag.partition(":")
        if kind in ("sent", "delivered"):
            msg = ix.messages.get(what)
            state = world.messages.get(what)
            # The sender's side knows what it sent; others learn of it only on delivery,
            # and only where it is public or addressed to their side.
            ok = msg is None or side == ix.side_of[msg.sender] or (
                state is not None and state.received_at is not None and
                (state.public or side == ix.side_of[msg.recipient]))
        elif kind in ("started", "done"):
            action = ix.actions.get(what)
            ok = action is None or action.public and kind == "done" or \
                ix.side_of[action.actor] == side
        elif kind == "happened":
            inc = ix.incidents.get(what)
            ok = inc is None or inc.public or ix.forces[inc.force].side == side
        elif kind == "agreed":
            # An agreement between two other sides is theirs, unless its terms were public.
            pair = tuple(what.split(":", 1))
            ok = side in pair or pair in world.public_pairs
        elif kind == "phase":
            tt = ix.timetables.get(what.split(":", 1)[0])
            ok = tt is None or tt.public or ix.side_of[tt.actor] == side
        elif kind == "type":
            # A hidden type is known to its own side only.
            ok = what.partition(":")[0] == side
        else:
            ok = True
        if ok:
            known.add(flag)
    return frozenset(known)


def stress_of(world: World, actor: str) -> float:
    """A leader's stress: it grows with the hours of crisis and the incidents it learned of."""
    per = world.ix.sc.perception
    seen = _seen_by(world, world.ix.side_of[actor]).incidents
    return per.stress_per_hour * world.t / 3600 + per.stress_per_incident * seen


@dataclass
class _Seen:
    """What one side has learned of the world's sightings so far (a cache on the world,
    brought up to date as sightings are added, so asking costs nothing per old sighting)."""

    done: int = 0
    views: list[Sighting] = field(default_factory=list)
    incidents: int = 0


def _seen_by(world: World, side: str) -> _Seen:
    seen = world.views.setdefault(("seen by", side), _Seen())
    if seen.done < len(world.sightings):
        at = _clock(world)
        side_of = world.ix.side_of
        for e in world.sightings[seen.done:]:
            public = e.get("public", True)
            if public or side_of.get(e["actor"]) == side:
                seen.views.append(world.views.get(e["seq"]) or
                                  world.views.setdefault(e["seq"], _sighting(e, at)))
            if e["kind"] == "incident" and (public or e["side"] == side):
                seen.incidents += 1
        seen.done = len(world.sightings)
    return seen


def options(world: World, actor: str, closed: frozenset[str]) -> list[Option]:
    """Every legal move of ``actor`` now, in a stable order."""
    ix = world.ix
    out: list[Option] = []
    for msg in ix.sc.messages:
        if msg.sender == actor and msg.id not in ix.reaction_drafts and \
                f"sent:{msg.id}" not in world.flags and channel_open(world, msg.channel, closed) \
                and holds(msg.requires, world):
            out.append(Option("send", msg.id))
    for offer in world.offers.values():
        if offer.recipient != actor or offer.status != "pending":
            continue
        for ch in ix.answer_channels(actor, offer.sender):
            if not channel_open(world, ch, closed):
                continue
            out.append(Option("accept", offer.id, ch))
            out.extend(Option("accept_part", offer.id, ch, part)
                       for part in part_choices(offer.terms))
            out.append(Option("reject", offer.id, ch))
    for action in ix.sc.actions:
        if action.actor == actor and (action.repeatable or f"started:{action.id}" not in
                                      world.flags) and holds(action.requires, world):
            out.append(Option("act", action.id))
    for resp in ix.sc.responses:
        if resp.authorised_by == actor and resp.holdable:
            out.append(Option("release" if world.held[resp.id] else "hold", resp.id))
    leads = ix.leader_of.get(ix.side_of[actor]) == actor
    if leads or actor in ix.subordinates:
        # A leader switches its side's orders; a decider below it, the orders it holds.
        for order in ix.sc.standing_orders:
            if ix.side_of[order.holder] == ix.side_of[actor] and (leads or
                                                                  order.holder == actor):
                active = world.orders[order.id]
                out.append(Option("order_off" if active else "order_on", order.id))
    return out


def letter_form(world: World, actor: str, closed: frozenset[str]) -> LetterForm | None:
    """What ``actor`` may write now; ``None`` when it may not write (no route open)."""
    ix = world.ix
    routes = ix.letter_routes.get(actor)
    if not routes:
        return None
    open_now = tuple((to, ch) for to, ch in routes if channel_open(world, ch, closed))
    if not open_now:
        return None
    key = ("letter form", actor, open_now)
    form = world.views.get(key)
    if form is None:
        rules = ix.sc.letters
        allowed = rules.issues if rules.issues is not None else [i.id for i in ix.sc.issues]
        form = world.views[key] = LetterForm(
            routes=tuple(Route(to, ch, ix.channels[ch].visibility == "public")
                         for to, ch in open_now),
            issues={i: tuple(o.id for o in ix.issues[i].options) for i in allowed},
            private_terms=rules.private_terms, max_text=rules.max_text,
            per_decision=rules.per_decision)
    return form


def channel_open(world: World, channel: str, closed: frozenset[str]) -> bool:
    """Whether ``channel`` carries messages now."""
    ch = world.ix.channels[channel]
    return channel not in closed and (ch.opens is None or world.t >= world.ix.seconds(ch.opens))


def _clock(world: World):  # type: ignore[no-untyped-def]
    start = world.ix.start

    def at(s: int) -> datetime:
        return start + timedelta(seconds=s)
    return at


def _received(world: World, m: MessageState, at,  # type: ignore[no-untyped-def]
              insider: bool) -> Received:
    assert m.received_at is not None
    return Received(m.id, m.draft, m.kind, m.sender, world.ix.side_of[m.sender], m.recipient,
                    m.channel, m.public, at(m.sent_at), at(m.received_at),
                    dict(m.received_terms or {}), dict(m.private_terms) if insider else {},
                    dict(m.received_signals or {}), m.replies_to,
                    m.text if m.draft is None else world.ix.messages[m.draft].text)


def _sighting(e: Event, at) -> Sighting:  # type: ignore[no-untyped-def]
    return Sighting("incident" if e["kind"] == "incident" else "action",
                    e.get("incident") or e["action"], e["side"], at(e["s"]),
                    bool(e.get("authorised", True)))


def _offer(o: OfferState, at) -> OfferView:  # type: ignore[no-untyped-def]
    return OfferView(o.id, o.sender, o.recipient, dict(o.terms), dict(o.private_terms), o.public,
                     o.status, at(o.delivered_at) if o.delivered_at is not None else None,
                     at(o.lapses_at) if o.lapses_at is not None else None)
