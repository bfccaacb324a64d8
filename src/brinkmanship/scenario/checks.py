"""Cross-reference checks: every id a scenario mentions must exist, once, where it fits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from brinkmanship.scenario.letters import letter_routes
from brinkmanship.scenario.schema import (
    UTILITY_TERMS,
    Condition,
    Effects,
    Scenario,
    Side,
    Utility,
)
from brinkmanship.scenario.timeparse import zone

Path_ = tuple[str | int, ...]
Found = list[tuple[Path_, str]]


class _Refs:
    """The ids a scenario declares, and a list of what was found wrong."""

    def __init__(self, sc: Scenario):
        self.sc = sc
        self.found: Found = []
        self.sides = self._ids("sides", sc.sides)
        self.actors = self._ids("actors", sc.actors)
        self.issues = self._ids("issues", sc.issues)
        self.channels = self._ids("channels", sc.channels)
        self.rungs = self._ids("ladder", sc.ladder)
        self.forces = self._ids("forces", sc.forces)
        self.actions = self._ids("actions", sc.actions)
        self.orders = self._ids("standing_orders", sc.standing_orders)
        self.incidents = self._ids("incidents", sc.incidents)
        self.responses = self._ids("responses", sc.responses)
        self.chains = self._ids("chains", sc.chains)
        self.messages = self._ids("messages", sc.messages)
        self._ids("reactions", sc.reactions)
        self._ids("meetings", sc.meetings)
        self._ids("deadlines", sc.deadlines)
        self.timetables = self._ids("timetables", sc.timetables)
        self.links: dict[str, Any] = {}
        for c, chain in enumerate(sc.chains):
            for k, link in enumerate(chain.links):
                if link.id in self.links:
                    self.bad(("chains", c, "links", k, "id"), f"duplicate link id {link.id!r}")
                self.links[link.id] = link
        self.options = {i.id: {o.id for o in i.options} for i in sc.issues}
        self.postures = {f.id: {p.id for p in f.postures} for f in sc.forces}

    def _ids(self, section: str, items: Iterable[Any]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                self.bad((section, i, "id"), f"duplicate id {item.id!r}")
            seen[item.id] = item
        return seen

    def bad(self, path: Path_, message: str) -> None:
        self.found.append((path, message))

    def ref(self, path: Path_, value: str | None, table: dict[str, Any], what: str) -> bool:
        if value is not None and value not in table:
            self.bad(path, f"unknown {what} {value!r}")
            return False
        return True

    def refs(self, path: Path_, values: Iterable[str], table: dict[str, Any], what: str) -> None:
        for i, value in enumerate(values):
            self.ref((*path, i), value, table, what)

    def instant(self, path: Path_, moment: datetime | None) -> None:
        meta = self.sc.scenario
        if moment is not None and not meta.start <= moment <= meta.end:
            self.bad(path, f"time {moment.isoformat()} is outside the scenario "
                           f"({meta.start.isoformat()} to {meta.end.isoformat()})")

    def zone(self, path: Path_, name: str) -> None:
        try:
            zone(name)
        except ValueError as exc:
            self.bad(path, str(exc))
        except OSError:  # a folder of the zone database, such as 'America'
            self.bad(path, f"unknown time zone {name!r}")

    def terms(self, path: Path_, terms: dict[str, str]) -> None:
        for issue, option in terms.items():
            if self.ref((*path, issue), issue, self.issues, "issue") and \
                    option not in self.options[issue]:
                self.bad((*path, issue), f"issue {issue!r} has no option {option!r}")

    def posture(self, path: Path_, force: str, posture: str) -> None:
        if self.ref(path, force, self.forces, "force") and posture not in self.postures[force]:
            self.bad(path, f"force {force!r} has no posture {posture!r}")

    def condition(self, path: Path_, cond: Condition) -> None:
        for force, postures in cond.postures.items():
            for p in postures:
                self.posture((*path, "postures", force), force, p)
        self.ref((*path, "min_rung"), cond.min_rung, self.rungs, "rung")
        self.ref((*path, "max_rung"), cond.max_rung, self.rungs, "rung")
        self.instant((*path, "after"), cond.after)
        self.instant((*path, "before"), cond.before)

    def effects(self, path: Path_, eff: Effects) -> None:
        for force, posture in eff.postures.items():
            self.posture((*path, "postures", force), force, posture)
        self.ref((*path, "rung"), eff.rung, self.rungs, "rung")
        if self.ref((*path, "lower_rung"), eff.lower_rung, self.rungs, "rung") and \
                eff.lower_rung is not None and self.rungs[eff.lower_rung].war:
            self.bad((*path, "lower_rung"), f"rung {eff.lower_rung!r} is war: a stand-down "
                     "lowers the ladder to a rung short of war")
        for order in eff.orders:
            self.ref((*path, "orders", order), order, self.orders, "standing order")


def check_references(sc: Scenario) -> Found:
    """Every broken reference, duplicate id or impossible time, with its field path."""
    r = _Refs(sc)
    for i, clock in enumerate(sc.scenario.clocks):
        r.zone(("scenario", "clocks", i, "zone"), clock.zone)
    start = sc.scenario.initial_rung
    if r.ref(("scenario", "initial_rung"), start, r.rungs, "rung") and start is not None and \
            r.rungs[start].war:
        r.bad(("scenario", "initial_rung"), f"rung {start!r} is war: a crisis starts short of it")
    _check_people(r)
    _check_world(r)
    _check_diplomacy(r)
    _check_calendar(r)
    _check_minds(r)
    _check_history(r)
    _check_escalation(r)
    return r.found


def _check_people(r: _Refs) -> None:
    sc = r.sc
    for i, side in enumerate(sc.sides):
        if r.ref(("sides", i, "leader"), side.leader, r.actors, "actor") and \
                r.actors[side.leader].side != side.id:
            r.bad(("sides", i, "leader"), f"leader {side.leader!r} is not on side {side.id!r}")
        r.refs(("sides", i, "allies"), side.allies, r.sides, "side")
    for i, actor in enumerate(sc.actors):
        r.ref(("actors", i, "side"), actor.side, r.sides, "side")
        r.zone(("actors", i, "zone"), actor.zone)
        r.ref(("actors", i, "serves"), actor.serves, r.actors, "actor")
        if actor.decides and actor.kind == "third_party":
            r.bad(("actors", i, "decides"), "a third party acts through its reactions; only "
                  "an actor of a side's own chain of command decides below its leader")
    for i, side in enumerate(sc.sides):
        _check_types(r, i, side)
    for i, issue in enumerate(sc.issues):
        ids = [o.id for o in issue.options]
        if len(set(ids)) != len(ids):
            r.bad(("issues", i, "options"), "duplicate option ids")
        if issue.status_quo not in ids:
            r.bad(("issues", i, "status_quo"), f"{issue.status_quo!r} is not one of the options")
        r.refs(("issues", i, "touches"), issue.touches, r.sides, "side")


def _check_types(r: _Refs, i: int, side: Side) -> None:
    """A side's hidden types: two at least, distinct, priors summing to 1, each utility an
    actor of the side's, once."""
    if not side.types:
        return
    path: Path_ = ("sides", i, "types")
    if len(side.types) < 2:
        r.bad(path, "a side with hidden types declares two or more (one type is no secret)")
    seen: set[str] = set()
    for j, kind in enumerate(side.types):
        if kind.id in seen:
            r.bad((*path, j, "id"), f"duplicate type id {kind.id!r}")
        seen.add(kind.id)
        actors: set[str] = set()
        for k, u in enumerate(kind.utilities):
            where = (*path, j, "utilities", k)
            if r.ref((*where, "actor"), u.actor, r.actors, "actor") and \
                    r.actors[u.actor].side != side.id:
                r.bad((*where, "actor"), f"{u.actor!r} is not on side {side.id!r}")
            if u.actor in actors:
                r.bad((*where, "actor"), f"a second utility for {u.actor!r} in this type")
            actors.add(u.actor)
            _check_utility(r, where, u)
    total = sum(k.prior for k in side.types)
    if abs(total - 1.0) > 1e-6:
        r.bad(path, f"the priors of the types sum to {total:g}, not 1")


def _check_world(r: _Refs) -> None:
    sc = r.sc
    levels = [rung.level for rung in sc.ladder]
    if levels != sorted(set(levels)):
        r.bad(("ladder",), "rung levels must be distinct and listed from lowest to highest")
    for i, force in enumerate(sc.forces):
        r.ref(("forces", i, "side"), force.side, r.sides, "side")
        r.ref(("forces", i, "command"), force.command, r.actors, "actor")
        if force.initial not in r.postures.get(force.id, set()):
            r.bad(("forces", i, "initial"), f"{force.initial!r} is not one of the postures")
    for i, action in enumerate(sc.actions):
        r.ref(("actions", i, "actor"), action.actor, r.actors, "actor")
        r.condition(("actions", i, "requires"), action.requires)
        r.effects(("actions", i, "effects"), action.effects)
    for i, order in enumerate(sc.standing_orders):
        r.ref(("standing_orders", i, "holder"), order.holder, r.actors, "actor")
        r.ref(("standing_orders", i, "issued_by"), order.issued_by, r.actors, "actor")
        r.instant(("standing_orders", i, "activates_at"), order.activates_at)
    for i, inc in enumerate(sc.incidents):
        r.ref(("incidents", i, "force"), inc.force, r.forces, "force")
        r.ref(("incidents", i, "under_order"), inc.under_order, r.orders, "standing order")
        for force_id, table in inc.posture_multipliers.items():
            for posture in table:
                r.posture(("incidents", i, "posture_multipliers", force_id), force_id, posture)
        r.condition(("incidents", i, "requires"), inc.requires)
        r.effects(("incidents", i, "effects"), inc.effects)
    for i, resp in enumerate(sc.responses):
        r.ref(("responses", i, "holder"), resp.holder, r.actors, "actor")
        r.ref(("responses", i, "authorised_by"), resp.authorised_by, r.actors, "actor")
        r.ref(("responses", i, "trigger", "incident"), resp.trigger.incident, r.incidents,
              "incident")
        r.ref(("responses", i, "trigger", "action"), resp.trigger.action, r.actions, "action")
        if resp.trigger.phase is not None:
            r.bad(("responses", i, "trigger", "phase"), "a response is set off by an incident "
                  "or an action; a phase can only send a report ('sent_on')")
        r.ref(("responses", i, "action"), resp.action, r.actions, "action")
        first = resp.trigger.from_occurrence
        trig_inc = r.incidents.get(resp.trigger.incident or "")
        trig_act = r.actions.get(resp.trigger.action or "")
        if trig_inc is not None and first > trig_inc.max_occurrences:
            r.bad(("responses", i, "trigger", "from_occurrence"),
                  f"incident {trig_inc.id!r} happens at most {trig_inc.max_occurrences} "
                  f"time(s): occurrence {first} never comes")
        if trig_act is not None and first > 1 and not trig_act.repeatable:
            r.bad(("responses", i, "trigger", "from_occurrence"),
                  f"action {trig_act.id!r} is not repeatable: occurrence {first} never comes")
    for c, chain in enumerate(sc.chains):
        for k, link in enumerate(chain.links):
            r.ref(("chains", c, "links", k, "after"), link.after, r.actions, "action")
            r.ref(("chains", c, "links", k, "then"), link.then, r.actions, "action")
    _check_instant_cycles(r)


def _check_instant_cycles(r: _Refs) -> None:
    """Refuse responses that set their own trigger off again with no time passing.

    A response on an action fires its own action after ``delay_hours``, and that action
    takes effect after its ``duration_hours``; the engine counts both in whole seconds. A
    cycle of such steps, each under a second and none limited by ``until_occurrence``,
    would go round for ever at one instant. (Chain links always take at least a second.)
    """
    edges: dict[str, list[tuple[int, str]]] = {}
    for i, resp in enumerate(r.sc.responses):
        after, then = r.actions.get(resp.trigger.action or ""), r.actions.get(resp.action)
        if after is None or then is None or resp.trigger.until_occurrence is not None:
            continue
        if int(resp.delay_hours * 3600) == 0 and int(then.duration_hours * 3600) == 0:
            edges.setdefault(after.id, []).append((i, then.id))
    for start in sorted(edges):
        cycle = _cycle_from(start, edges)
        if cycle is not None:
            first = cycle[0][0]
            path = " -> ".join(f"action {a!r} sets off response "
                               f"{r.sc.responses[i].id!r}" for i, a in cycle)
            r.bad(("responses", first, "delay_hours"),
                  f"{path}, which starts action {cycle[0][1]!r} again, all at one instant: "
                  "give a response a delay of a second or more, an action a duration, or a "
                  "response an until_occurrence")
            return


def _cycle_from(start: str, edges: dict[str, list[tuple[int, str]]]
                ) -> list[tuple[int, str]] | None:
    """A cycle of zero-time steps back to ``start``: (response index, action it follows)."""
    stack: list[tuple[str, list[tuple[int, str]]]] = [(start, [])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for i, nxt in edges.get(node, []):
            step = [*path, (i, node)]
            if nxt == start:
                return step
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, step))
    return None


def _check_diplomacy(r: _Refs) -> None:
    sc = r.sc
    for i, ch in enumerate(sc.channels):
        r.refs(("channels", i, "members"), ch.members, r.actors, "actor")
        for j, who in enumerate(ch.senders or []):
            if who not in ch.members:
                r.bad(("channels", i, "senders", j), f"{who!r} is not a member of the channel")
        r.instant(("channels", i, "opens"), ch.opens)
    for i, msg in enumerate(sc.messages):
        r.ref(("messages", i, "sender"), msg.sender, r.actors, "actor")
        r.ref(("messages", i, "recipient"), msg.recipient, r.actors, "actor")
        if msg.sender == msg.recipient:
            r.bad(("messages", i, "recipient"), f"{msg.sender!r} cannot send a message to "
                                                "itself")
        if r.ref(("messages", i, "channel"), msg.channel, r.channels, "channel"):
            members = r.channels[msg.channel].members
            for role in ("sender", "recipient"):
                who = getattr(msg, role)
                if who in r.actors and who not in members:
                    r.bad(("messages", i, role), f"{who!r} is not a member of channel "
                                                 f"{msg.channel!r}")
            senders = r.channels[msg.channel].senders
            if senders is not None and msg.sender in members and msg.sender not in senders:
                r.bad(("messages", i, "sender"), f"{msg.sender!r} only hears channel "
                                                 f"{msg.channel!r} (not among its senders)")
        r.terms(("messages", i, "terms"), msg.terms)
        r.terms(("messages", i, "private_terms"), msg.private_terms)
        r.refs(("messages", i, "replies_to"), msg.replies_to, r.messages, "message")
        r.condition(("messages", i, "requires"), msg.requires)
        if msg.on_expiry is not None:
            r.effects(("messages", i, "on_expiry"), msg.on_expiry)
        if msg.kind == "offer" and not (msg.terms or msg.private_terms):
            r.bad(("messages", i, "terms"), "an offer must propose terms")
        r.ref(("messages", i, "about"), msg.about, r.sides, "side")
        if msg.sent_on is not None:
            where = ("messages", i, "sent_on")
            r.ref((*where, "incident"), msg.sent_on.incident, r.incidents, "incident")
            r.ref((*where, "action"), msg.sent_on.action, r.actions, "action")
            _check_phase_ref(r, (*where, "phase"), msg.sent_on.phase)
            if msg.kind in ("offer", "answer") or msg.replies_to:
                r.bad((*where,), "a report sent on a trigger is a statement, warning or "
                      "assurance: nobody decides to make it an offer or an answer")
    for i, rea in enumerate(sc.reactions):
        r.ref(("reactions", i, "actor"), rea.actor, r.actors, "actor")
        r.terms(("reactions", i, "on_public_terms"), rea.on_public_terms)
        r.ref(("reactions", i, "message"), rea.message, r.messages, "message")
        r.effects(("reactions", i, "effects"), rea.effects)
        for who in rea.costs:
            r.ref(("reactions", i, "costs", who), who, r.actors, "actor")


def _check_calendar(r: _Refs) -> None:
    sc = r.sc
    for i, m in enumerate(sc.meetings):
        r.ref(("meetings", i, "convener"), m.convener, r.actors, "actor")
        r.refs(("meetings", i, "attendees"), m.attendees, r.actors, "actor")
        r.instant(("meetings", i, "at"), m.at)
    for i, dp in enumerate(sc.decision_points):
        r.ref(("decision_points", i, "actor"), dp.actor, r.actors, "actor")
        r.instant(("decision_points", i, "at"), dp.at)
    for i, d in enumerate(sc.deadlines):
        r.instant(("deadlines", i, "at"), d.at)
        r.refs(("deadlines", i, "known_to"), d.known_to, r.actors, "actor")
        r.ref(("deadlines", i, "action"), d.action, r.actions, "action")
        r.condition(("deadlines", i, "unless"), d.unless)
        r.effects(("deadlines", i, "effects"), d.effects)
    if sc.agreements is not None:
        for i, ending in enumerate(sc.agreements.ends_crisis):
            for k, pair in enumerate(ending.pairs):
                p: Path_ = ("agreements", "ends_crisis", i, "pairs", k)
                r.refs(p, pair, r.sides, "side")
                if len(set(pair)) != len(pair):
                    r.bad(p, f"side {pair[0]!r} cannot agree with itself")
    for i, tt in enumerate(sc.timetables):
        r.ref(("timetables", i, "actor"), tt.actor, r.actors, "actor")
        r.refs(("timetables", i, "known_to"), tt.known_to, r.actors, "actor")
        r.condition(("timetables", i, "unless"), tt.unless)
        seen: set[str] = set()
        for k, phase in enumerate(tt.phases):
            p = ("timetables", i, "phases", k)
            if phase.id in seen:
                r.bad((*p, "id"), f"duplicate phase id {phase.id!r}")
            seen.add(phase.id)
            r.instant((*p, "at"), phase.at)
            r.effects((*p, "effects"), phase.effects)
    if sc.stand_down is not None:
        when = sc.stand_down.when
        r.condition(("stand_down", "when"), when)
        if when == type(when)():
            r.bad(("stand_down", "when"), "say what standing down means (postures, rungs or "
                  "flags): an empty condition would end every crisis")
        if when.min_rung is not None and r.rungs.get(when.min_rung) is not None and \
                r.rungs[when.min_rung].war:
            r.bad(("stand_down", "when", "min_rung"), "a stand-down cannot require war")


def _check_minds(r: _Refs) -> None:
    sc = r.sc
    for i, b in enumerate(sc.beliefs):
        r.ref(("beliefs", i, "actor"), b.actor, r.actors, "actor")
        r.ref(("beliefs", i, "about"), b.about, r.sides, "side")
        for link in b.chain_beliefs:
            r.ref(("beliefs", i, "chain_beliefs", link), link, r.links, "chain link")
    for i, u in enumerate(sc.utilities):
        r.ref(("utilities", i, "actor"), u.actor, r.actors, "actor")
        _check_utility(r, ("utilities", i), u)
    _check_decision_models(r)
    _check_letters(r)


def _check_letters(r: _Refs) -> None:
    """Letter writers, recipients and issues exist; a declared writer can reach someone."""
    rules = r.sc.letters
    r.refs(("letters", "writers"), rules.writers or [], r.actors, "actor")
    r.refs(("letters", "recipients"), rules.recipients or [], r.actors, "actor")
    r.refs(("letters", "issues"), rules.issues or [], r.issues, "issue")
    if rules.writers is None:
        return
    for j, who in enumerate(rules.writers):
        if who in r.actors and not letter_routes(r.sc, who):
            r.bad(("letters", "writers", j), f"{who!r} shares no channel it may send on with "
                                             "any recipient of letters")


def _check_utility(r: _Refs, path: Path_, u: Utility) -> None:
    for issue, table in u.terms.items():
        if r.ref((*path, "terms", issue), issue, r.issues, "issue"):
            for option in table:
                if option not in r.options[issue]:
                    r.bad((*path, "terms", issue, option),
                          f"issue {issue!r} has no option {option!r}")
    for rung in u.war:
        r.ref((*path, "war", rung), rung, r.rungs, "rung")
    for action in u.action_costs:
        r.ref((*path, "action_costs", action), action, r.actions, "action")


def _check_decision_models(r: _Refs) -> None:
    """Decision models name known actors, once each; advisers' weights name utility terms."""
    sc = r.sc
    seen: set[str] = set()
    for i, dm in enumerate(sc.decision_models):
        r.ref(("decision_models", i, "actor"), dm.actor, r.actors, "actor")
        if dm.actor in seen:
            r.bad(("decision_models", i, "actor"), f"a second decision model for {dm.actor!r}")
        seen.add(dm.actor)
        for order in dm.order_values:
            r.ref(("decision_models", i, "order_values", order), order, r.orders,
                  "standing order")
        for force_id, table in dm.posture_values.items():
            for posture in table:
                r.posture(("decision_models", i, "posture_values", force_id), force_id, posture)
    for i, actor in enumerate(sc.actors):
        for term in actor.weights:
            if term not in UTILITY_TERMS:
                r.bad(("actors", i, "weights", term), f"unknown utility term {term!r} "
                      f"(known: {', '.join(UTILITY_TERMS)})")


def _check_history(r: _Refs) -> None:
    hist = r.sc.history
    if hist is None:
        return
    for i, e in enumerate(hist.record):
        p: Path_ = ("history", "record", i)
        r.instant((*p, "at"), e.at)
        r.ref((*p, "actor"), e.actor, r.actors, "actor")
        r.ref((*p, "send"), e.send, r.messages, "message")
        r.ref((*p, "act"), e.act, r.actions, "action")
        r.ref((*p, "hold"), e.hold, r.responses, "response")
        held = next((x for x in r.sc.responses if x.id == e.hold), None)
        if held is not None and not held.holdable:
            r.bad((*p, "hold"), f"response {e.hold!r} is not holdable")
        r.ref((*p, "incident"), e.incident, r.incidents, "incident")
        if e.answer is not None:
            r.ref((*p, "answer", "offer"), e.answer.offer, r.messages, "message")
            if r.ref((*p, "answer", "channel"), e.answer.channel, r.channels, "channel"):
                ch = r.channels[e.answer.channel]
                if ch.senders is not None and e.actor not in ch.senders:
                    r.bad((*p, "answer", "channel"), f"{e.actor!r} only hears channel "
                                                     f"{e.answer.channel!r}")
                offer = r.messages.get(e.answer.offer)
                if offer is not None and offer.sender not in ch.members:
                    r.bad((*p, "answer", "channel"), f"the offer's sender {offer.sender!r} "
                                                     f"does not hear channel {ch.id!r}")
            r.refs((*p, "answer", "issues"), e.answer.issues, r.issues, "issue")
        if e.arrives is not None and e.arrives < e.at:
            r.bad((*p, "arrives"), "a message cannot arrive before it is sent")
    r.instant(("history", "outcome", "at"), hist.outcome.at)
    r.terms(("history", "outcome", "public_terms"), hist.outcome.public_terms)
    r.terms(("history", "outcome", "private_terms"), hist.outcome.private_terms)


def _check_phase_ref(r: _Refs, path: Path_, ref: str | None) -> None:
    """A ``TIMETABLE:PHASE`` reference names a declared timetable and one of its phases."""
    if ref is None:
        return
    tid, _, pid = ref.partition(":")
    if not r.ref(path, tid, r.timetables, "timetable"):
        return
    if all(ph.id != pid for ph in r.timetables[tid].phases):
        r.bad(path, f"timetable {tid!r} has no phase {pid!r}")


def _check_escalation(r: _Refs) -> None:
    """The escalation scale names known rungs, actions, orders and drafts, once each."""
    scale = r.sc.escalation
    if scale is None:
        return
    tables: list[tuple[str, list[Any], str, dict[str, Any], str]] = [
        ("rungs", scale.rungs, "rung", r.rungs, "rung"),
        ("actions", scale.actions, "action", r.actions, "action"),
        ("orders", scale.orders, "order", r.orders, "standing order"),
        ("messages", scale.messages, "message", r.messages, "message")]
    for section, entries, field, table, what in tables:
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            ident = getattr(entry, field)
            path = ("escalation", section, i, field)
            r.ref(path, ident, table, what)
            if ident in seen:
                r.bad(path, f"a second entry for {what} {ident!r}")
            seen.add(ident)


def belief_warnings(sc: Scenario) -> Found:
    """Signals declared where they can move no belief: nobody who would read them holds a
    belief about the side they concern. Not errors (a scenario may be unfinished), but
    `brink validate` says so."""
    holders = {(b.actor, b.about) for b in sc.beliefs}
    side_of = {a.id: a.side for a in sc.actors}
    leaders = {x.leader for x in sc.sides}
    readers_of_public = leaders | {a.id for a in sc.actors if a.decides}
    visibility = {c.id: c.visibility for c in sc.channels}
    bias = {c.id: bool(c.bias) for c in sc.channels}
    found: Found = []

    def anyone(readers: set[str], about: str) -> bool:
        return any((who, about) in holders for who in readers)

    for i, msg in enumerate(sc.messages):
        if not (msg.signals or bias.get(msg.channel)):
            continue
        about = msg.about or side_of.get(msg.sender, "")
        readers = {msg.recipient}
        if msg.released or visibility.get(msg.channel) == "public":
            readers |= {a for a in readers_of_public if side_of.get(a) != side_of.get(msg.sender)}
        if not anyone(readers, about):
            found.append((("messages", i, "signals"), f"message {msg.id!r} signals about side "
                          f"{about!r}, but none of its readers ({', '.join(sorted(readers))}) "
                          "holds a belief about that side: it moves no belief"))
    for i, action in enumerate(sc.actions):
        if not action.effects.signals:
            continue
        own = side_of.get(action.actor)
        readers = {a for a in readers_of_public if side_of.get(a) != own} if action.public \
            else set()
        if not anyone(readers, own or ""):
            why = "it is not public" if not action.public else \
                "no leader or decider of another side holds a belief about its side"
            found.append((("actions", i, "effects", "signals"),
                          f"action {action.id!r} signals, but {why}: it moves no belief"))
    for i, inc in enumerate(sc.incidents):
        if not inc.effects.signals:
            continue
        own = next((f.side for f in sc.forces if f.id == inc.force), "")
        readers = {a for a in readers_of_public if side_of.get(a) != own} if inc.public \
            else set()
        if not anyone(readers, own):
            found.append((("incidents", i, "effects", "signals"),
                          f"incident {inc.id!r} signals, but nobody who learns of it holds a "
                          "belief about its side: it moves no belief"))
    return found
