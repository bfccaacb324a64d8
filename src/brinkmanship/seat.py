"""What a seat is shown and how it answers: the JSON forms of a turn and of a decision.

A person at a terminal or in a browser, a language model and a learning agent all read the
same :class:`TurnView` (built by :func:`turn_view` from the engine's observation, with names
beside ids and every time in UTC and on the seat's own clock) and answer with the same
:class:`DecisionForm`. Nothing here reads more than the observation holds, apart from the
scenario's declarations (names, channels, doctrine that the seat's own side wrote); the
history section is never read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from brinkmanship.engine.game import SeatError, Turn
from brinkmanship.engine.index import Index
from brinkmanship.engine.letters import letters_problem
from brinkmanship.policies.base import (
    Decision,
    LetterForm,
    Observation,
    OfferView,
    Option,
    Received,
)
from brinkmanship.policies.base import Letter as EngineLetter
from brinkmanship.scenario.schema import MAX_LETTER_TEXT
from brinkmanship.scenario.timeparse import iso_utc, parse_instant, zone

TURN_FORMAT: Literal["brinkmanship.turn/1"] = "brinkmanship.turn/1"
DECISION_FORMAT: Literal["brinkmanship.decision/1"] = "brinkmanship.decision/1"

OptionGroup = Literal["write", "answer", "accept in part", "order", "hold or release", "act"]
GROUPS: dict[str, OptionGroup] = {
    "send": "write", "accept": "answer", "reject": "answer", "accept_part": "accept in part",
    "order_on": "order", "order_off": "order", "hold": "hold or release",
    "release": "hold or release", "act": "act"}
GROUP_ORDER: tuple[OptionGroup, ...] = ("write", "answer", "accept in part", "order",
                                        "hold or release", "act")


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ref(View):
    """Something of the scenario, by id and by name."""

    id: str
    name: str


class Moment(View):
    """An instant in UTC and on the seat's own clock."""

    utc: str = Field(description="ISO 8601 in UTC, e.g. 1962-10-27T14:00:00Z.")
    local: str = Field(description="ISO 8601 on the seat's clock, with its offset.")
    text: str = Field(description="The local time as a reader says it, e.g. 'Sat 27 Oct "
                      "10:00 EDT'.")


class ClockReading(View):
    """One of the scenario's clocks (a capital) now."""

    label: str
    zone: str
    local: str
    text: str


class Term(View):
    """One term: an issue and the answer proposed for it."""

    issue: Ref
    option: Ref


class Letter(View):
    """A message the seat has received, sent, or heard in public."""

    id: str
    title: str
    kind: str
    sender: Ref
    sender_side: Ref
    recipient: Ref
    channel: Ref
    authority: str
    public: bool
    sent: Moment
    arrived: Moment
    terms: list[Term]
    private_terms: list[Term] = Field(description="Off-the-record assurances; shown only to "
                                      "the sender and the recipient.")
    text: str
    replies_to: list[str]
    from_me: bool


class LetterInput(View):
    """A letter the seat writes: within its turn's letter_form."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    to: str = Field(description="The recipient's actor id (one of letter_form.routes).")
    channel: str = Field(description="The channel's id (open now to that recipient).")
    public: bool = Field(False, description="Released to the press: every actor learns it "
                         "on delivery (required over a public channel).")
    terms: dict[str, str] = Field(
        default_factory=dict, description="Issue id -> option id proposed; with terms the "
        "letter is an offer its recipient may accept, accept in part or reject.")
    private_terms: dict[str, str] = Field(
        default_factory=dict, description="Off-the-record terms, issue id -> option id, "
        "seen only by the two ends; they join any settlement between the two sides.")
    text: str = Field("", max_length=MAX_LETTER_TEXT, description="What the letter says, "
                      "in plain text (at most letter_form.max_text characters).")


class Sent(View):
    """A message the seat has sent, and whether it has arrived yet."""

    message: Ref
    recipient: Ref
    channel: Ref
    arrived: bool
    written: LetterInput | None = Field(
        None, description="For a letter the seat composed: the letter as written.")


class Offer(View):
    """An offer and where it stands, as the seat knows it."""

    id: str
    title: str
    sender: Ref
    recipient: Ref
    status: str
    public: bool
    terms: list[Term]
    private_terms: list[Term]
    arrived: Moment | None
    lapses: Moment | None


class Report(View):
    """An incident, an action or a scheduled activity's phase the seat learned of (a phase's
    id is TIMETABLE:PHASE)."""

    kind: Literal["incident", "action", "phase"]
    id: str
    name: str
    side: Ref
    at: Moment
    authorised: bool


class ForcePosture(View):
    force: Ref
    posture: Ref


class OrderState(View):
    order: Ref
    holder: Ref
    in_force: bool


class ResponseState(View):
    """A pre-delegated response the seat may hold or release."""

    response: Ref
    action: Ref
    trigger: Ref
    trigger_kind: Literal["incident", "action"]
    delay_hours: float
    held: bool
    due: bool = Field(description="Whether its trigger has happened, as far as the seat knows.")


class DeadlineView(View):
    deadline: Ref
    at: Moment


class PhaseView(View):
    """A phase of a scheduled activity the seat knows in advance."""

    timetable: Ref
    phase: Ref
    at: Moment
    begun: bool = Field(description="Whether it has begun, as far as the seat knows.")


class BeliefView(View):
    """The seat's own belief about another side (log-odds scale of the engine)."""

    about: Ref
    resolve: float
    control: float
    imminence: float


class TypePrior(View):
    """One type another side may be of, with its common prior (what the scenario declares;
    which one it is, only that side knows)."""

    side: Ref
    type: Ref
    prior: float


class OptionView(View):
    """A legal choice, numbered from 1 (grouped by kind of move, see :func:`numbered`)."""

    number: int
    key: str = Field(description="The option's stable spelling, e.g. 'accept:letter@cable'.")
    kind: str
    group: OptionGroup
    label: str
    target: Ref
    channel: Ref | None
    issues: list[Ref]


class RouteView(View):
    """Where a letter may go now: a recipient and an open channel between the two."""

    recipient: Ref
    channel: Ref
    always_public: bool = Field(description="The channel is public: a letter over it is "
                                "public (public: true).")


class IssueChoice(View):
    """An issue a letter may propose terms on, with its options."""

    issue: Ref
    options: list[Ref]
    status_quo: str = Field(description="The option that holds if nothing is agreed.")


class LetterFormView(View):
    """What the seat may write now in a letter of its own (answered in DecisionForm.letters)."""

    routes: list[RouteView] = Field(description="Recipients and the channels open to each.")
    issues: list[IssueChoice] = Field(description="Issues a letter may touch: one option "
                                      "each, in terms or in private_terms.")
    private_terms: bool = Field(description="Whether off-the-record terms are allowed.")
    max_text: int = Field(description="The longest text, in characters.")
    per_decision: int = Field(description="How many letters one decision may send.")


class TurnView(View):
    """Everything one seat knows at one moment, and what it may do now."""

    format: Literal["brinkmanship.turn/1"] = TURN_FORMAT
    scenario: Ref
    turn: int
    actor: Ref
    side: Ref
    reason: str
    meeting: Ref | None
    now: Moment
    horizon: Moment
    clocks: list[ClockReading]
    rung: Ref
    rung_level: int
    inbox: list[Letter]
    sent: list[Sent]
    pending_offers: list[Offer]
    own_offers: list[Offer]
    reports: list[Report]
    forces: list[ForcePosture]
    orders: list[OrderState]
    responses: list[ResponseState]
    deadlines: list[DeadlineView]
    schedule: list[PhaseView] = Field(
        default_factory=list, description="The phases of scheduled activities the seat knows "
        "in advance (its own side's, and others' it has been told of), in time order.")
    beliefs: list[BeliefView]
    stress: float
    options: list[OptionView]
    letter_form: LetterFormView | None = Field(
        None, description="What the seat may write now in a letter of its own; null when it "
        "may not write.")
    side_type: Ref | None = Field(
        None, description="The hidden type of the seat's own side, where it has types.")
    type_priors: list[TypePrior] = Field(
        default_factory=list, description="The types other sides may be of, with the common "
        "prior of each.")


class DecisionForm(View):
    """A seat's answer: options by number or key (none waits), when to be asked again, and
    letters of its own."""

    format: Literal["brinkmanship.decision/1"] = DECISION_FORMAT
    choices: list[int | str] = Field(
        default_factory=list, description="Option numbers (from 1) or keys; empty waits.")
    wait_until: str | None = Field(
        None, description="An ISO 8601 instant with an offset: be asked again then, whatever "
        "happens before (without it, the seat is asked when news comes).")
    letters: list[LetterInput] = Field(
        default_factory=list, max_length=10, description="Letters the seat composes itself, "
        "within the turn's letter_form; empty sends none.")


# -- building the view ------------------------------------------------------------------------
def turn_view(ix: Index, turn: Turn) -> TurnView:
    """The JSON form of ``turn`` (validated against :class:`TurnView` as it is built)."""
    obs = turn.observation
    sc = ix.sc
    seat_zone = ix.actors[obs.actor].zone
    at = _At(seat_zone)
    return TurnView(
        scenario=Ref(id=sc.scenario.id, name=sc.scenario.title), turn=turn.number,
        actor=_actor(ix, obs.actor), side=_side(ix, obs.side), reason=obs.reason,
        meeting=_meeting(ix, obs.meeting), now=at(obs.now), horizon=at(sc.scenario.end),
        clocks=[_clock(c.label, c.zone, obs.now) for c in sc.scenario.clocks],
        rung=Ref(id=obs.rung, name=ix.rungs[obs.rung].name), rung_level=obs.rung_level,
        inbox=[_letter(ix, m, obs.actor, at) for m in obs.inbox],
        sent=_sent(ix, obs),
        pending_offers=[_offer(ix, o, obs.actor, at) for o in obs.pending_offers],
        own_offers=[_offer(ix, o, obs.actor, at) for o in obs.own_offers],
        reports=[Report(kind=x.kind, id=x.id, name=_sighting_name(ix, x.kind, x.id),
                        side=_side(ix, x.side), at=at(x.at), authorised=x.authorised)
                 for x in obs.sightings] + _phases_seen(ix, obs, at),
        forces=[ForcePosture(force=Ref(id=f, name=ix.forces[f].name),
                             posture=_posture(ix, f, p)) for f, p in obs.postures.items()],
        orders=[OrderState(order=Ref(id=o, name=ix.orders[o].name),
                           holder=_actor(ix, ix.orders[o].holder), in_force=v)
                for o, v in obs.orders.items()],
        responses=[_response(ix, r, held, obs) for r, held in obs.holds.items()],
        deadlines=[DeadlineView(deadline=Ref(id=d, name=_deadline_name(ix, d)), at=at(when))
                   for d, when in sorted(obs.deadlines.items(), key=lambda kv: kv[1])],
        schedule=_schedule(ix, obs, at),
        beliefs=[BeliefView(about=_side(ix, about), **{k: round(v, 4) for k, v in b.items()})
                 for about, b in sorted(obs.beliefs.items())],
        stress=obs.stress,
        options=[_option(ix, n, o) for n, o in enumerate(numbered(obs.options), 1)],
        letter_form=_letter_form(ix, obs.letter_form),
        side_type=next((Ref(id=k.id, name=k.name) for k in ix.types.get(obs.side, [])
                        if k.id == obs.side_type), None),
        type_priors=[TypePrior(side=_side(ix, side), type=Ref(id=k.id, name=k.name),
                               prior=k.prior)
                     for side, kinds in sorted(ix.types.items()) if side != obs.side
                     for k in kinds],
    )


def _letter_form(ix: Index, form: LetterForm | None) -> LetterFormView | None:
    if form is None:
        return None
    return LetterFormView(
        routes=[RouteView(recipient=_actor(ix, r.to),
                          channel=Ref(id=r.channel, name=ix.channels[r.channel].name),
                          always_public=r.always_public) for r in form.routes],
        issues=[IssueChoice(issue=Ref(id=i, name=ix.issues[i].name),
                            options=[Ref(id=o.id, name=o.name) for o in ix.issues[i].options
                                     if o.id in opts],
                            status_quo=ix.issues[i].status_quo)
                for i, opts in form.issues.items()],
        private_terms=form.private_terms, max_text=form.max_text,
        per_decision=form.per_decision)


def numbered(options: tuple[Option, ...]) -> tuple[Option, ...]:
    """The options in the order a seat numbers them (from 1): grouped by kind of move
    (:data:`GROUP_ORDER`), the engine's order within a group."""
    return tuple(sorted(options, key=lambda o: GROUP_ORDER.index(GROUPS[o.kind])))


def option_label(ix: Index, option: Option) -> str:
    """What choosing ``option`` does, in a sentence."""
    k, target = option.kind, option.target
    via = f" (over {ix.channels[option.channel].name})" if option.channel else ""
    if k == "send":
        msg = ix.messages[target]
        return (f"Send \u201c{msg.name}\u201d to {ix.actors[msg.recipient].name} over "
                f"{ix.channels[msg.channel].name}")
    if k in ("accept", "reject", "accept_part"):
        title = _message_title(ix, target)
        if k == "accept_part":
            issues = ", ".join(ix.issues[i].name for i in option.issues)
            return f"Accept in part \u201c{title}\u201d: only {issues}{via}"
        return f"{'Accept' if k == 'accept' else 'Reject'} \u201c{title}\u201d{via}"
    if k == "act":
        return f"Order: {ix.actions[target].name}"
    if k in ("hold", "release"):
        name = ix.responses[target].name
        return f"Hold the pre-delegated response: {name}" if k == "hold" else \
            f"Release the hold on: {name}"
    name = ix.orders[target].name
    return f"Put in force: {name}" if k == "order_on" else f"Rescind: {name}"


def _option(ix: Index, number: int, o: Option) -> OptionView:
    return OptionView(number=number, key=o.key, kind=o.kind, group=GROUPS[o.kind],
                      label=option_label(ix, o), target=_target(ix, o),
                      channel=Ref(id=o.channel, name=ix.channels[o.channel].name)
                      if o.channel else None,
                      issues=[Ref(id=i, name=ix.issues[i].name) for i in o.issues])


def _target(ix: Index, o: Option) -> Ref:
    if o.kind == "send":
        return Ref(id=o.target, name=ix.messages[o.target].name)
    if o.kind in ("accept", "reject", "accept_part"):
        return Ref(id=o.target, name=_message_title(ix, o.target))
    if o.kind == "act":
        return Ref(id=o.target, name=ix.actions[o.target].name)
    if o.kind in ("hold", "release"):
        return Ref(id=o.target, name=ix.responses[o.target].name)
    return Ref(id=o.target, name=ix.orders[o.target].name)


def _message_title(ix: Index, mid: str) -> str:
    """A message's title: its draft's name, or what an answer made by the engine is."""
    draft = ix.messages.get(mid)
    if draft is not None:
        return draft.name
    how, _, offer = mid.partition(":")
    if how == "letter":
        return f"Letter {offer}"
    words = {"part": "partial acceptance of", "accept": "acceptance of",
             "reject": "rejection of"}.get(how, how)
    return f"{words} {_message_title(ix, offer)}" if offer else mid


def _letter(ix: Index, m: Received, me: str, at: _At) -> Letter:
    insider = me in (m.sender, m.recipient)
    return Letter(
        id=m.id, title=_message_title(ix, m.id), kind=m.kind, sender=_actor(ix, m.sender),
        sender_side=_side(ix, m.sender_side), recipient=_actor(ix, m.recipient),
        channel=Ref(id=m.channel, name=ix.channels[m.channel].name),
        authority=ix.channels[m.channel].authority, public=m.public, sent=at(m.sent_at),
        arrived=at(m.received_at), terms=_terms(ix, m.terms),
        private_terms=_terms(ix, m.private_terms) if insider else [],
        text=m.text, replies_to=list(m.replies_to),
        from_me=m.sender == me)


def _sent(ix: Index, obs: Observation) -> list[Sent]:
    """The seat's own drafts sent so far (the flags it knows say which), in scenario order,
    then the letters it composed, in the order it sent them."""
    return [Sent(message=Ref(id=m.id, name=m.name), recipient=_actor(ix, m.recipient),
                 channel=Ref(id=m.channel, name=ix.channels[m.channel].name),
                 arrived=f"delivered:{m.id}" in obs.flags)
            for m in ix.sc.messages if m.sender == obs.actor and f"sent:{m.id}" in obs.flags] + [
        Sent(message=Ref(id=x.id, name=_message_title(ix, x.id)),
             recipient=_actor(ix, x.letter.to),
             channel=Ref(id=x.letter.channel, name=ix.channels[x.letter.channel].name),
             arrived=x.arrived,
             written=LetterInput(to=x.letter.to, channel=x.letter.channel,
                                 public=x.letter.public, terms=dict(x.letter.terms),
                                 private_terms=dict(x.letter.private_terms),
                                 text=x.letter.text))
        for x in obs.letters_sent]


def _offer(ix: Index, o: OfferView, me: str, at: _At) -> Offer:
    insider = me in (o.sender, o.recipient)
    return Offer(id=o.id, title=_message_title(ix, o.id), sender=_actor(ix, o.sender),
                 recipient=_actor(ix, o.recipient), status=o.status, public=o.public,
                 terms=_terms(ix, o.terms),
                 private_terms=_terms(ix, o.private_terms) if insider else [],
                 arrived=at(o.delivered_at) if o.delivered_at else None,
                 lapses=at(o.lapses_at) if o.lapses_at else None)


def _response(ix: Index, rid: str, held: bool, obs: Observation) -> ResponseState:
    r = ix.responses[rid]
    kind: Literal["incident", "action"] = "incident" if r.trigger.incident else "action"
    trigger = r.trigger.incident or r.trigger.action or ""
    seen = sum(1 for x in obs.sightings if x.kind == kind and x.id == trigger)
    if not seen and f"{'happened' if kind == 'incident' else 'done'}:{trigger}" in obs.flags:
        seen = 1
    return ResponseState(
        response=Ref(id=rid, name=r.name), action=Ref(id=r.action, name=ix.actions[r.action].name),
        trigger=Ref(id=trigger, name=_sighting_name(ix, kind, trigger)), trigger_kind=kind,
        delay_hours=r.delay_hours, held=held, due=seen >= r.trigger.from_occurrence)


def _terms(ix: Index, terms: dict[str, str]) -> list[Term]:
    out = []
    for issue, option in terms.items():
        iss = ix.issues.get(issue)
        name = next((o.name for o in iss.options if o.id == option), option) if iss else option
        out.append(Term(issue=Ref(id=issue, name=iss.name if iss else issue),
                        option=Ref(id=option, name=name)))
    return out


def _sighting_name(ix: Index, kind: str, ident: str) -> str:
    if kind == "incident":
        return ix.incidents[ident].name
    return ix.actions[ident].name


def _posture(ix: Index, force: str, posture: str) -> Ref:
    name = next((p.name for p in ix.forces[force].postures if p.id == posture), posture)
    return Ref(id=posture, name=name)


def _phases_seen(ix: Index, obs: Observation, at: _At) -> list[Report]:
    """The phases the seat knows have begun (its own side's, and public ones): phases begin
    on schedule, so each is reported at its time."""
    out = []
    for tt in ix.sc.timetables:
        for phase in tt.phases:
            if f"phase:{tt.id}:{phase.id}" in obs.flags:
                out.append(Report(kind="phase", id=f"{tt.id}:{phase.id}",
                                  name=f"{tt.name}: {phase.name}",
                                  side=_side(ix, ix.side_of[tt.actor]), at=at(phase.at),
                                  authorised=True))
    return sorted(out, key=lambda r: r.at.utc)


def _schedule(ix: Index, obs: Observation, at: _At) -> list[PhaseView]:
    out = []
    for key, when in sorted(obs.schedule.items(), key=lambda kv: (kv[1], kv[0])):
        tid, pid = key.split(":", 1)
        tt = ix.timetables[tid]
        phase = next(p for p in tt.phases if p.id == pid)
        out.append(PhaseView(timetable=Ref(id=tid, name=tt.name),
                             phase=Ref(id=pid, name=phase.name), at=at(when),
                             begun=f"phase:{key}" in obs.flags))
    return out


def _deadline_name(ix: Index, did: str) -> str:
    return next(d.name for d in ix.sc.deadlines if d.id == did)


def _meeting(ix: Index, mid: str | None) -> Ref | None:
    if mid is None:
        return None
    return Ref(id=mid, name=next(m.name for m in ix.sc.meetings if m.id == mid))


def _actor(ix: Index, actor: str) -> Ref:
    return Ref(id=actor, name=ix.actors[actor].name)


def _side(ix: Index, side: str) -> Ref:
    return Ref(id=side, name=ix.sides[side].name)


def _clock(label: str, zone_name: str, now: datetime) -> ClockReading:
    moment = _At(zone_name)(now)
    return ClockReading(label=label, zone=zone_name, local=moment.local, text=moment.text)


class _At:
    """Instants as :class:`Moment` values on one zone's clock."""

    def __init__(self, zone_name: str):
        self.zone = zone(zone_name)

    def __call__(self, when: datetime) -> Moment:
        local = when.astimezone(self.zone)
        return Moment(utc=iso_utc(when), local=local.isoformat(),
                      text=local.strftime("%a %d %b %H:%M %Z"))


# -- reading an answer ------------------------------------------------------------------------
def read_decision(data: object, turn: Turn) -> Decision:
    """The decision a :class:`DecisionForm` (as parsed JSON) asks for at ``turn``.

    ``SeatError`` with a message that names what is wrong: an unknown field, an option
    number or key not offered, a time that is not an instant or is before now, a letter
    outside the turn's letter form (``letters[0].channel: ...``).
    """
    try:
        form = DecisionForm.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "decision"
        raise SeatError(f"{where}: {first['msg']}") from None
    by_key = {o.key: o for o in turn.options}
    options = numbered(turn.options)
    choices: list[Option] = []
    for pick in form.choices:
        if isinstance(pick, int):
            if not 1 <= pick <= len(options):
                raise SeatError(f"choices: there is no option {pick} "
                                f"(options are 1 to {len(options)})")
            choices.append(options[pick - 1])
        elif pick in by_key:
            choices.append(by_key[pick])
        else:
            raise SeatError(f"choices: {pick!r} is not among the options now")
    wake = None
    if form.wait_until is not None:
        try:
            moment = parse_instant(form.wait_until)
        except ValueError as exc:
            raise SeatError(f"wait_until: {exc}") from None
        if not isinstance(moment, datetime):
            raise SeatError("wait_until: not an instant")
        if moment < turn.now:
            raise SeatError(f"wait_until: {iso_utc(moment)} is before now ({iso_utc(turn.now)})")
        wake = moment
    letters = [EngineLetter(x.to, x.channel, dict(x.terms), dict(x.private_terms), x.text,
                            x.public) for x in form.letters]
    problem = letters_problem(letters, turn.observation.letter_form)
    if problem is not None:
        raise SeatError(problem)
    return Decision(choices, wake, letters=letters)
