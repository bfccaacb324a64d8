"""What happens at each occurrence of a run: the mechanics M1–M12 wired onto the kernel.

Every occurrence below is a small handler: it reads the world, draws from its own random
stream, emits events and schedules what follows. A handler never calls a decision-maker:
it queues a request that an actor be asked (:meth:`Simulation.ask`), always as its last
step, and the driver (:class:`brinkmanship.engine.game.Game`) answers the queue in order,
from a policy at once or from a seat that may take its time. Decisions are applied by
:meth:`Simulation.decide`, through the observation of :mod:`brinkmanship.engine.observe`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from brinkmanship.engine import kernel as k
from brinkmanship.engine.budgets import Budgets
from brinkmanship.engine.events import AskReason, EventDict
from brinkmanship.engine.index import Index
from brinkmanship.engine.observe import channel_open, observe, stress_of
from brinkmanship.engine.streams import Streams, lognormal_seconds
from brinkmanship.engine.world import LETTER_PREFIX
from brinkmanship.mechanics.channels import Reading, biased, distort, latency_seconds
from brinkmanship.mechanics.conditions import holds
from brinkmanship.mechanics.incidents import hazard_per_hour
from brinkmanship.mechanics.negotiation import ends_crisis, settlement_terms
from brinkmanship.mechanics.outcome import causal_path, payoffs
from brinkmanship.mechanics.perception import shifted
from brinkmanship.policies.base import Decision, Letter, Observation, Option
from brinkmanship.scenario import schema as s
from brinkmanship.scenario.timeparse import iso_utc, parse_instant


class PolicyError(RuntimeError):
    """A policy chose something it was not offered."""


@dataclass(frozen=True)
class Ask:
    """A request that an actor decide now: who, why, and at the end of which meeting."""

    actor: str
    reason: AskReason
    meeting: str | None = None


@dataclass(frozen=True)
class Interventions:
    """Changes to a run's mechanics: replay settings and counterfactuals."""

    hazards: bool = True
    distortion: bool = True
    forbid_incidents: frozenset[str] = frozenset()
    force_incidents: tuple[tuple[datetime, str], ...] = ()
    closed_channels: frozenset[str] = frozenset()
    arrivals: Mapping[str, datetime] = field(default_factory=dict)
    until: datetime | None = None
    budgets: Budgets = field(default_factory=Budgets)
    # Both False in a replay: a held response stays held, and no escalation chain runs on
    # by chance, as the record says (an action that happened is a deed in the record).
    hold_failures: bool = True
    chains: bool = True

    def to_data(self) -> dict[str, Any]:
        """A JSON-safe form, for saved games."""
        # hold_failures and chains are written only when off, so that saved games of
        # ordinary runs read as they always have.
        extra = {name: False for name in ("hold_failures", "chains") if not getattr(self, name)}
        return {"hazards": self.hazards, "distortion": self.distortion,
                "forbid_incidents": sorted(self.forbid_incidents),
                "force_incidents": [[iso_utc(when), inc] for when, inc in self.force_incidents],
                "closed_channels": sorted(self.closed_channels),
                "arrivals": {mid: iso_utc(when) for mid, when in sorted(self.arrivals.items())},
                "until": iso_utc(self.until) if self.until is not None else None,
                "budgets": self.budgets.to_data(), **extra}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Interventions:
        """The interventions :meth:`to_data` wrote (``ValueError`` names a bad part)."""
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown intervention {sorted(unknown)[0]!r}")
        return cls(
            hazards=bool(data.get("hazards", True)),
            distortion=bool(data.get("distortion", True)),
            forbid_incidents=frozenset(map(str, data.get("forbid_incidents", ()))),
            force_incidents=tuple((_instant(when), str(inc))
                                  for when, inc in data.get("force_incidents", ())),
            closed_channels=frozenset(map(str, data.get("closed_channels", ()))),
            arrivals={str(mid): _instant(when)
                      for mid, when in dict(data.get("arrivals", {})).items()},
            until=_instant(data["until"]) if data.get("until") is not None else None,
            budgets=Budgets.from_data(data.get("budgets", {})),
            hold_failures=bool(data.get("hold_failures", True)),
            chains=bool(data.get("chains", True)))


def _instant(text: Any) -> datetime:
    when = parse_instant(str(text))
    assert isinstance(when, datetime)
    return when


@dataclass
class _Hazard:
    """Time-change clock of one incident: fires when integrated hazard passes a threshold."""

    threshold: float
    accumulated: float = 0.0
    rate: float = 0.0
    since: int = 0
    version: int = 0


class Simulation(k.Kernel):
    """The mechanics of M1–M12 on one kernel."""

    def __init__(self, scenario: s.Scenario, deciders: Iterable[str], seed: int,
                 iv: Interventions):
        super().__init__(Index(scenario), iv.budgets.events)
        self.iv = iv
        self.rng = Streams(seed)
        self.seed = seed
        # The actors who are asked to decide (by a policy or at a seat); others never are.
        self.deciders = frozenset(deciders)
        self.asks: deque[Ask] = deque()
        self.hazards: dict[str, _Hazard] = {}
        self.pending_reactions: set[str] = set()
        # Since when the stand-down's condition has held (None: it does not now), and how
        # many times it began to: a count that lapses when the condition breaks.
        self.calm_since: int | None = None
        self.calm_count = 0
        if iv.until is not None:
            self.stop_s = min(self.stop_s, self.ix.seconds(iv.until))

    # -- start and end -------------------------------------------------------------------
    def begin(self) -> None:
        """The start of the run: its first event, the agenda's fixed occurrences, hazards."""
        sc = self.ix.sc
        self.emit("start", scenario=sc.scenario.id, seed=self.seed)
        for side, kinds in sorted(self.ix.types.items()):
            self.draw_type(side, kinds)
        for order in sc.standing_orders:
            if order.activates_at is not None:
                self.at(self.ix.seconds(order.activates_at), k.ACTIVATE, self.activate, order)
        for m in sc.meetings:
            self.at(self.ix.seconds(m.at), k.MEETING, self.meeting_start, m)
        for i, dp in enumerate(sc.decision_points):
            every = dp.every_hours or 0.0
            first = self.ix.seconds(dp.at) if dp.at is not None else int(every * 3600)
            self.at(first, k.DECIDE, self.decision_point, i)
        for d in sc.deadlines:
            self.at(self.ix.seconds(d.at), k.DEADLINE, self.deadline, d)
        for tt in sc.timetables:
            for phase in tt.phases:
                self.at(self.ix.seconds(phase.at), k.EFFECT, self.phase, tt, phase)
        for when, incident in self.iv.force_incidents:
            self.at(self.ix.seconds(when), k.INCIDENT, self.incident, incident, None)
        for inc in sc.incidents:
            if self.iv.hazards and inc.id not in self.iv.forbid_incidents:
                self.hazards[inc.id] = _Hazard(float(self.rng("incident", inc.id).exponential()))
                # A time bound in `requires` changes the hazard with no event to prompt a
                # re-rating, so re-rate at the bound ('before' holds up to its instant).
                bounds = inc.requires.after, inc.requires.before
                for edge, past in zip(bounds, (0, 1), strict=True):
                    if edge is not None:
                        self.at(self.ix.seconds(edge) + past, k.ACTIVATE, self.refresh_hazards)
        for actor in sorted(self.deciders):
            self.at(0, k.DECIDE, self.ask, actor, "start")
        if sc.stand_down is not None:
            calm = sc.stand_down.when
            for edge, past in zip((calm.after, calm.before), (0, 1), strict=True):
                if edge is not None:
                    self.at(self.ix.seconds(edge) + past, k.ACTIVATE, self.watch_stand_down)
        self.refresh_hazards()
        self.watch_stand_down()

    def draw_type(self, side: str, kinds: list[s.SideType]) -> None:
        """A side's hidden type, drawn from the common prior on its own stream."""
        u = float(self.rng("type", side).random()) * sum(k.prior for k in kinds)
        acc, drawn = 0.0, kinds[-1]
        for kind in kinds:
            acc += kind.prior
            if u < acc:
                drawn = kind
                break
        self.emit("type", actor=self.ix.leader_of[side], side=side, type=drawn.id)

    def finish(self) -> None:
        """The closing ``end`` event, with the outcome and every actor's payoff."""
        self.close_clock()
        w = self.world
        public, private = w.agreed_terms()
        if w.settlement is not None:
            kind, at = "settlement", w.settlement["t"]
        elif w.war is not None:
            kind, at, public, private = "war", w.war["t"], {}, {}
        elif w.stood_down is not None:
            kind, at = "stand_down", w.stood_down["t"]
        else:
            kind, at = "unresolved", self.iso(w.t)
        agreed = {**private, **public}
        war = None
        if w.war is not None:
            war = {k_: w.war[k_] for k_ in ("started_by", "side", "via", "origin", "path")}
            war.update(rung=w.rung, level=w.level, began=w.war["t"])
        pay = payoffs(self.ix, kind, agreed, w.rung if w.war else None, w.public_proposals,
                      w.costs, w.types, w.action_counts)
        self.emit("end", outcome={"kind": kind, "at": at, "public_terms": public,
                                  "private_terms": private, "payoffs": pay, "war": war})

    def stop_now(self) -> None:
        self.ended = True

    # -- decisions -----------------------------------------------------------------------
    def ask(self, actor: str, reason: AskReason, meeting: str | None = None) -> None:
        """Queue a request that ``actor`` decide, answered once this occurrence is done."""
        self.asks.append(Ask(actor, reason, meeting))

    def observe(self, ask: Ask) -> Observation | None:
        """What the asked actor sees now, or ``None`` when the crisis is already over."""
        w = self.world
        if w.war is not None or w.settlement is not None or w.stood_down is not None:
            return None
        return observe(self.world, ask.actor, ask.reason, self.iv.closed_channels, ask.meeting)

    def decide(self, ask: Ask, decision: Decision) -> None:
        """Log and carry out a decision already checked against the observation's options."""
        for call in decision.calls:
            self.emit("model_call", actor=ask.actor, **call)
        if decision.choices or decision.trace or decision.letters:
            fields: dict[str, Any] = {"actor": ask.actor, "reason": ask.reason,
                                      "choices": [c.key for c in decision.choices]}
            first = self.world.letters_written + 1
            if decision.letters:
                fields["letters"] = [f"{LETTER_PREFIX}{first + n}"
                                     for n in range(len(decision.letters))]
            if decision.trace:
                fields["trace"] = decision.trace
            ev = self.emit("decision", **fields)
            for choice in decision.choices:
                self.perform(ask.actor, choice, ev["seq"])
            for n, letter in enumerate(decision.letters):
                self.write(ask.actor, f"{LETTER_PREFIX}{first + n}", letter, ev["seq"])
        if decision.wake_at is not None:
            self.at(self.ix.seconds(decision.wake_at), k.DECIDE, self.ask, ask.actor, "wake")

    def perform(self, actor: str, choice: Option, cause: int) -> None:
        w = self.world
        if choice.kind == "send":
            if f"sent:{choice.target}" not in w.flags:
                self.send_draft(self.ix.messages[choice.target], cause)
        elif choice.kind in ("accept", "accept_part", "reject"):
            self.answer(actor, choice, cause)
        elif choice.kind == "act":
            self.start_action(self.ix.actions[choice.target], "decision", cause)
        elif choice.kind in ("hold", "release"):
            self.emit(choice.kind, cause, actor=actor, response=choice.target)
        else:
            self.change_order(actor, self.ix.orders[choice.target], choice.kind == "order_on",
                              cause)

    def decision_point(self, i: int) -> None:
        dp = self.ix.sc.decision_points[i]
        if dp.every_hours is not None:
            self.at(self.now + int(dp.every_hours * 3600), k.DECIDE, self.decision_point, i)
        if dp.actor in self.deciders:
            self.ask(dp.actor, "decision point")

    def meeting_start(self, m: s.Meeting) -> None:
        if self.world.settlement or self.world.war:
            return
        self.emit("meeting", actor=m.convener, meeting=m.id, phase="start",
                  attendees=list(m.attendees))
        self.at(self.now + int(m.duration_hours * 3600), k.MEETING, self.meeting_end, m)

    def meeting_end(self, m: s.Meeting) -> None:
        if self.world.settlement or self.world.war:
            return
        self.emit("meeting", actor=m.convener, meeting=m.id, phase="end",
                  attendees=list(m.attendees))
        if m.convener in self.deciders:
            self.ask(m.convener, "meeting", m.id)

    # -- messages (M2, M3, M4) -----------------------------------------------------------
    def write(self, actor: str, mid: str, letter: Letter, cause: int) -> None:
        """Send a letter ``actor`` composed (checked against its letter form already)."""
        self.send(mid, None, letter.kind, actor, letter.to, letter.channel, dict(letter.terms),
                  dict(letter.private_terms), {}, (), letter.public, cause, text=letter.text)

    def send_draft(self, msg: s.Message, cause: int | None) -> None:
        self.send(msg.id, msg.id, msg.kind, msg.sender, msg.recipient, msg.channel, msg.terms,
                  msg.private_terms, dict(msg.signals), tuple(msg.replies_to), msg.released,
                  cause)

    def send(self, mid: str, draft: str | None, kind: str, sender: str, to: str, channel: str,
             terms: dict[str, str], private_terms: dict[str, str], signals: dict[str, float],
             replies_to: tuple[str, ...], released: bool, cause: int | None,
             text: str | None = None) -> None:
        ch = self.ix.channels[channel]
        public = ch.visibility == "public" or released
        pinned = self.iv.arrivals.get(draft or mid)
        if pinned is not None:
            delay = max(0, self.ix.seconds(pinned) - self.now)
        else:
            delay = latency_seconds(ch, self.rng("latency", channel))
        reading = Reading(dict(terms), dict(signals))
        if self.iv.distortion:
            reading = distort(ch, terms, signals, self.rng("distortion", channel))
        if ch.bias:
            reading = biased(ch, reading)
        arrives = self.now + delay + reading.extra_seconds
        written = {} if text is None else {"text": text}
        ev = self.emit("send", cause, id=mid, draft=draft, type=kind, actor=sender, to=to,
                       channel=channel, public=public, terms=dict(terms),
                       private_terms=dict(private_terms), signals=signals,
                       replies_to=list(replies_to), arrives=self.iso(arrives), **written)
        for target in replies_to:
            offer = self.world.offers.get(target)
            if offer is not None and offer.status == "pending" and offer.recipient == sender:
                self.emit("offer", ev["seq"], offer=target, status="countered", actor=sender)
                self.ignore_others(sender, offer.sender, ev["seq"])
        self.at(arrives, k.DELIVER, self.deliver, mid, reading, ev["seq"])

    def ignore_others(self, reader: str, offerer: str, cause: int) -> None:
        """Offers from ``offerer`` still pending when ``reader`` answers another are ignored."""
        for other in sorted(self.world.offers.values(), key=lambda o: o.id):
            if other.recipient == reader and other.sender == offerer and \
                    other.status == "pending":
                self.emit("offer", cause, offer=other.id, status="ignored", actor=reader)

    def deliver(self, mid: str, reading: Reading, cause: int) -> None:
        if self.world.settlement is not None:
            return
        m = self.world.messages[mid]
        fields: dict[str, Any] = {"id": mid, "draft": m.draft, "actor": m.recipient,
                                  "channel": m.channel, "public": m.public,
                                  "distortion": reading.distortion, "terms": reading.terms,
                                  "signals": reading.signals}
        draft = self.ix.messages.get(m.draft or "")
        if m.kind == "offer" and draft is not None and draft.deadline_hours is not None:
            fields["lapses_s"] = self.now + int(draft.deadline_hours * 3600)
            fields["lapses"] = self.iso(fields["lapses_s"])
            self.at(fields["lapses_s"], k.DEADLINE, self.lapse, mid)
        ev = self.emit("deliver", cause, **fields)
        about = self.ix.about(draft) if draft is not None else None
        self.perceive(m.sender, reading.signals, m.channel, m.recipient, m.public, ev["seq"],
                      about)
        if m.public:
            self.check_reactions(reading.terms, ev["seq"])
        if m.kind == "answer" and mid.startswith("accept:") and self.world.war is None:
            self.settle(mid.split(":", 1)[1], m.public, m.sender, ev["seq"])
            return
        readers = [m.recipient]
        if m.public:
            readers += [ldr for ldr in self.ix.counterpart_leaders(m.sender) if ldr != m.recipient]
        for reader in readers:
            if reader in self.deciders:
                self.ask(reader, "message")

    def answer(self, actor: str, choice: Option, cause: int) -> None:
        offer = self.world.offers[choice.target]
        if offer.status != "pending":
            return
        assert choice.channel is not None
        status = {"accept": "accepted", "accept_part": "accepted_part", "reject": "rejected"}
        ev = self.emit("offer", cause, offer=offer.id, status=status[choice.kind], actor=actor,
                       issues=list(choice.issues))
        self.ignore_others(actor, offer.sender, ev["seq"])
        if choice.kind == "accept_part":
            part = {i: offer.terms[i] for i in choice.issues}
            self.send(f"part:{offer.id}", None, "offer", actor, offer.sender, choice.channel,
                      part, {}, {}, (offer.id,), False, ev["seq"])
        else:
            terms = dict(offer.terms) if choice.kind == "accept" else {}
            self.send(f"{choice.kind}:{offer.id}", None, "answer", actor, offer.sender,
                      choice.channel, terms, {}, {}, (offer.id,), False, ev["seq"])

    def settle(self, offer_id: str, answer_public: bool, accepter: str, cause: int) -> None:
        """An agreement between the offer's two sides; it ends the crisis unless the
        scenario's ``agreements`` say otherwise (docs/engine-semantics.md, M3)."""
        w = self.world
        offer = w.offers[offer_id]
        public, private = settlement_terms(w, offer, answer_public)
        rules = self.ix.sc.agreements
        if rules is None:
            self.emit("settlement", cause, actor=accepter, offer=offer_id,
                      public_terms=public, private_terms=private)
            self.stop_now()
            return
        pair = sorted({self.ix.side_of[offer.sender], self.ix.side_of[offer.recipient]})
        ends = ends_crisis(rules, w.flags | {f"agreed:{pair[0]}:{pair[1]}"})
        self.emit("settlement", cause, actor=accepter, offer=offer_id, public_terms=public,
                  private_terms=private, sides=pair, ends_crisis=ends)
        if ends:
            self.stop_now()

    def lapse(self, mid: str) -> None:
        offer = self.world.offers[mid]
        if offer.status == "pending" and not self.world.settlement:
            ev = self.emit("offer", offer=mid, status="lapsed", actor=offer.sender)
            draft = self.ix.messages.get(offer.draft or "")
            if draft is not None and draft.on_expiry is not None:
                self.consequences(draft.on_expiry, offer.sender, offer.public, ev["seq"])

    def consequences(self, eff: s.Effects, actor: str | None, public: bool, cause: int) -> None:
        """The ladder and the signals of effects (the world applies the rest when folding)."""
        if eff.rung is not None:
            self.raise_ladder(eff.rung, actor, cause)
        if eff.lower_rung is not None:
            self.lower_ladder(eff.lower_rung, actor, cause)
        if actor is not None:
            self.perceive(actor, dict(eff.signals), None, None, public, cause)

    def perceive(self, source: str, signals: dict[str, float], channel: str | None,
                 reader: str | None, public: bool, cause: int, about: str | None = None) -> None:
        """Move beliefs about ``about`` (by default ``source``'s side) of those who learn of
        a signal (M8): the message's reader, and for a public signal the other sides'
        leaders and the deciders below them."""
        if not signals:
            return
        ix, w = self.ix, self.world
        about = about or ix.side_of[source]
        weight = ix.sc.perception.authority_weights.get(
            ix.channels[channel].authority if channel else "official", 1.0)
        readers = [reader] if reader else []
        if public:
            readers += [a for a in ix.counterpart_leaders(source) if a not in readers]
            readers += [a for a in ix.subordinates
                        if ix.side_of[a] != ix.side_of[source] and a not in readers]
        priors = {b.actor: b for b in ix.sc.beliefs if b.about == about}
        for who in readers:
            if who not in priors or who not in w.beliefs or about not in w.beliefs[who]:
                continue
            stress = stress_of(w, who)
            for var, shift in sorted(signals.items()):
                before = w.beliefs[who][about][var]
                after = shifted(before, shift, weight, priors[who].threat_bias, stress, var)
                if after != before:
                    self.emit("belief", cause, actor=who, about=about, var=var, before=before,
                              after=after)

    def check_reactions(self, terms: dict[str, str], cause: int) -> None:
        for rea in self.ix.sc.reactions:
            if rea.id in self.pending_reactions:
                continue
            if any(terms.get(issue) == option for issue, option in rea.on_public_terms.items()):
                self.pending_reactions.add(rea.id)
                lat = rea.delay
                delay = lognormal_seconds(self.rng("reaction", rea.id), lat.median_hours,
                                          lat.spread, lat.min_hours)
                self.at(self.now + delay, k.REACTION, self.react, rea, cause)

    def react(self, rea: s.Reaction, cause: int) -> None:
        ev = self.emit("reaction", cause, actor=rea.actor, reaction=rea.id, costs=dict(rea.costs))
        self.consequences(rea.effects, rea.actor, True, ev["seq"])
        if rea.message is not None:
            msg = self.ix.messages[rea.message]
            if channel_open(self.world, msg.channel, self.iv.closed_channels):
                self.send_draft(msg, ev["seq"])

    # -- forces, incidents, responses, chains (M5, M6, M7) ------------------------------
    def start_action(self, action: s.Action, via: str, cause: int | None) -> None:
        effective = self.now + int(action.duration_hours * 3600)
        ev = self.emit("action_start", cause, actor=action.actor, action=action.id, via=via,
                       effective=self.iso(effective))
        self.at(effective, k.EFFECT, self.take_effect, action, ev["seq"])

    def take_effect(self, action: s.Action, cause: int) -> None:
        side = self.ix.side_of[action.actor]
        ev = self.emit("action", cause, actor=action.actor, action=action.id, side=side,
                       public=action.public)
        seq = ev["seq"]
        self.consequences(action.effects, action.actor, action.public, seq)
        for link in self.ix.links_after.get(action.id, []):
            fired = self.iv.chains and \
                bool(self.rng("chain", link.id).random() < link.probability)
            chain_ev = self.emit("chain", seq, link=link.id, after=link.after, then=link.then,
                                 fired=fired)
            if fired:
                lat = link.delay
                delay = lognormal_seconds(self.rng("chain-delay", link.id), lat.median_hours,
                                          lat.spread, lat.min_hours)
                self.at(self.now + delay, k.CHAIN, self.chain_fire, link, chain_ev["seq"])
        self.trigger_responses(f"action:{action.id}", seq)
        self.trigger_reports(f"action:{action.id}", seq)
        if action.public and action.kind == "military":
            for leader in self.ix.counterpart_leaders(action.actor):
                if leader in self.deciders:
                    self.ask(leader, "action")
            for below in self.ix.subordinates:
                if self.ix.side_of[below] != side and below in self.deciders:
                    self.ask(below, "action")

    def chain_fire(self, link: s.ChainLink, cause: int) -> None:
        action = self.ix.actions[link.then]
        if holds(action.requires, self.world) and (action.repeatable or
                                                   f"done:{action.id}" not in self.world.flags):
            self.start_action(action, f"chain:{link.id}", cause)

    def raise_ladder(self, rung_id: str, actor: str | None, cause: int) -> None:
        rung = self.ix.rungs[rung_id]
        if rung.level <= self.world.level:
            return
        side = self.ix.side_of[actor] if actor is not None else None
        ev = self.emit("rung", cause, actor=actor, side=side, rung=rung.id,
                       level=rung.level, war=rung.war)
        if rung.war and self.world.war is None:
            self.begin_war(actor, ev["seq"])

    def lower_ladder(self, rung_id: str, actor: str | None, cause: int) -> None:
        """A stand-down: the ladder comes down to ``rung_id`` (never during a war)."""
        rung = self.ix.rungs[rung_id]
        if rung.level >= self.world.level or self.world.war is not None:
            return
        side = self.ix.side_of[actor] if actor is not None else None
        self.emit("rung", cause, actor=actor, side=side, rung=rung.id, level=rung.level,
                  war=False, down=True)

    def begin_war(self, actor: str | None, cause: int) -> None:
        path = causal_path(self.events, cause)
        labels = [label for e in path if (label := _label(e))]
        starter = next((e for e in reversed(path) if e["kind"] == "action_start"), None)
        via = starter["via"] if starter else "decision"
        origin = labels[0] if labels else via
        self.emit("war", cause, actor=actor, side=self.ix.side_of.get(actor or ""),
                  started_by=actor, via=via, origin=origin, path=labels)
        # The war is followed for its window even past the horizon; only --until cuts it.
        self.stop_s = self.now + int(self.ix.sc.scenario.war_window_hours * 3600)
        if self.iv.until is not None:
            self.stop_s = min(self.stop_s, self.ix.seconds(self.iv.until))

    def refresh_hazards(self) -> None:
        """Re-rate every incident clock after the world changed (time-change method)."""
        for inc_id, hz in self.hazards.items():
            hz.accumulated += hz.rate * (self.now - hz.since) / 3600
            hz.since = self.now
            rate = hazard_per_hour(self.ix.incidents[inc_id], self.world)
            if rate == hz.rate:
                continue
            hz.rate = rate
            hz.version += 1
            if rate > 0:
                wait = max(1, math.ceil((hz.threshold - hz.accumulated) / rate * 3600))
                self.at(self.now + wait, k.INCIDENT, self.incident, inc_id, hz.version)

    def watch_stand_down(self) -> None:
        """Start or break the count of a stand-down after the world changed: the crisis
        ends in one once its condition has held without a break for its hours."""
        sd, w = self.ix.sc.stand_down, self.world
        if sd is None or w.war is not None or w.settlement is not None:
            return
        if not holds(sd.when, w):
            self.calm_since = None
        elif self.calm_since is None:
            self.calm_since = self.now
            self.calm_count += 1
            self.at(self.now + int(sd.hours * 3600), k.DEADLINE, self.stand_down,
                    self.calm_count)

    def stand_down(self, count: int) -> None:
        sd, w = self.ix.sc.stand_down, self.world
        if count != self.calm_count or self.calm_since is None or sd is None or \
                w.war is not None or w.settlement is not None or not holds(sd.when, w):
            return
        self.emit("stand_down", actor=None, since=self.iso(self.calm_since))
        self.stop_now()

    def incident(self, inc_id: str, version: int | None) -> None:
        hz = self.hazards.get(inc_id)
        if version is not None and (hz is None or hz.version != version):
            return
        inc = self.ix.incidents[inc_id]
        if self.world.incident_counts.get(inc_id, 0) >= inc.max_occurrences or \
                self.world.settlement is not None or inc_id in self.iv.forbid_incidents:
            return
        force = self.ix.forces[inc.force]
        ev = self.emit("incident", actor=force.command, side=force.side, incident=inc_id,
                       force=inc.force, order=inc.under_order, authorised=inc.authorised,
                       public=inc.public)
        if hz is not None:
            hz.threshold = float(self.rng("incident", inc_id).exponential())
            hz.accumulated = 0.0
            # The new clock starts now: without this, refresh_hazards would integrate the
            # placeholder rate over the time since the last re-rating and push it below zero.
            hz.since = self.now
            hz.rate = -1.0  # forces a re-rating in refresh_hazards
        self.consequences(inc.effects, force.command, inc.public, ev["seq"])
        self.trigger_responses(f"incident:{inc_id}", ev["seq"])
        self.trigger_reports(f"incident:{inc_id}", ev["seq"])
        for side, leader in sorted(self.ix.leader_of.items()):
            if (inc.public or side == force.side) and leader in self.deciders:
                self.ask(leader, "incident")
        for below in self.ix.subordinates:
            if (inc.public or self.ix.side_of[below] == force.side) and below in self.deciders:
                self.ask(below, "incident")

    def trigger_responses(self, key: str, cause: int) -> None:
        """Schedule the responses that this occurrence of ``key`` (already counted) sets off."""
        kind, ident = key.split(":", 1)
        counts = self.world.incident_counts if kind == "incident" else self.world.action_counts
        occurrence = counts.get(ident, 0)
        for resp in self.ix.responses_on.get(key, []):
            if not resp.trigger.sets_off(occurrence):
                continue
            self.at(self.now + int(resp.delay_hours * 3600), k.RESPONSE, self.respond, resp,
                    cause)

    def trigger_reports(self, key: str, cause: int) -> None:
        """Send the reports this occurrence of ``key`` (already counted) sets off, once each,
        over a channel that is open."""
        kind, ident = key.split(":", 1)
        counts = self.world.incident_counts if kind == "incident" else \
            self.world.action_counts if kind == "action" else {ident: 1}  # a phase begins once
        for msg in self.ix.reports_on.get(key, []):
            assert msg.sent_on is not None
            if msg.sent_on.sets_off(counts.get(ident, 0)) and \
                    f"sent:{msg.id}" not in self.world.flags and \
                    channel_open(self.world, msg.channel, self.iv.closed_channels):
                self.send_draft(msg, cause)

    def respond(self, resp: s.Response, cause: int) -> None:
        held = self.world.held[resp.id]
        failed = held and self.iv.hold_failures and \
            bool(self.rng("hold", resp.id).random() < resp.hold_failure_probability)
        fires = not held or failed
        action = self.ix.actions[resp.action]
        if fires and not holds(action.requires, self.world):
            fires = False
        ev = self.emit("response", cause, actor=resp.holder, response=resp.id, held=held,
                       hold_failed=failed, fired=fires)
        if fires:
            self.start_action(action, f"response:{resp.id}", ev["seq"])

    def change_order(self, actor: str, order: s.StandingOrder, active: bool, cause: int) -> None:
        lat = order.change_delay
        delay = lognormal_seconds(self.rng("order", order.id), lat.median_hours, lat.spread,
                                  lat.min_hours)
        ev = self.emit("order_sent", cause, actor=actor, order=order.id, active=active,
                       arrives=self.iso(self.now + delay))
        obeyed = bool(self.rng("compliance", order.id).random() < order.compliance)
        self.at(self.now + delay, k.ACTIVATE, self.order_arrives, order, active, obeyed,
                ev["seq"])

    def order_arrives(self, order: s.StandingOrder, active: bool, obeyed: bool,
                      cause: int) -> None:
        # The later decision wins: a change sent before one that already reached the units
        # arrives overtaken, and is not carried out, however long it took on the way.
        newer = self.world.order_changes.get(order.id, -1)
        if newer > cause:
            self.emit("order", cause, actor=order.holder, order=order.id, active=active,
                      obeyed=obeyed, superseded_by=newer)
            return
        self.emit("order", cause, actor=order.holder, order=order.id, active=active,
                  obeyed=obeyed)

    def activate(self, order: s.StandingOrder) -> None:
        self.emit("activate", actor=order.holder, order=order.id)

    def phase(self, tt: s.Timetable, phase: s.Phase) -> None:
        """A timetable's phase comes due: it begins, unless the activity is called off."""
        w = self.world
        off = w.settlement is not None or w.stood_down is not None or \
            (tt.unless != s.Condition() and holds(tt.unless, w))
        side = self.ix.side_of[tt.actor]
        ev = self.emit("phase", actor=tt.actor, side=side, timetable=tt.id, phase=phase.id,
                       status="called_off" if off else "begun", public=tt.public)
        if off:
            return
        self.consequences(phase.effects, tt.actor, tt.public, ev["seq"])
        self.trigger_reports(f"phase:{tt.id}:{phase.id}", ev["seq"])
        if tt.public:
            for leader in self.ix.counterpart_leaders(tt.actor):
                if leader in self.deciders:
                    self.ask(leader, "action")
        own = self.ix.leader_of.get(side)
        if own is not None and own in self.deciders and own != tt.actor:
            self.ask(own, "action")

    def deadline(self, d: s.Deadline) -> None:
        w = self.world
        void = w.settlement is not None or w.war is not None or \
            (d.unless != s.Condition() and holds(d.unless, w))
        ev = self.emit("deadline", deadline=d.id, status="void" if void else "expired",
                       actor=None)
        if void:
            return
        action = self.ix.actions[d.action] if d.action is not None else None
        owner = action.actor if action else (d.known_to[0] if d.known_to else None)
        self.consequences(d.effects, owner, True, ev["seq"])
        if action is not None:
            self.start_action(action, f"deadline:{d.id}", ev["seq"])


def _label(e: EventDict) -> str | None:
    kind = e["kind"]
    if kind == "incident":
        return f"incident:{e['incident']}"
    if kind == "response":
        return f"response:{e['response']}"
    if kind == "chain":
        return f"chain:{e['link']}"
    if kind == "action":
        return f"action:{e['action']}"
    if kind == "decision":
        return f"decision:{e['actor']}"
    if kind == "deadline":
        return f"deadline:{e['deadline']}"
    if kind == "deliver":
        return f"message:{e['draft'] or e['id']}"
    return None
