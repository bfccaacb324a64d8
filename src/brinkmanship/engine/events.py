"""The event log's shape: one typed definition per kind of event the engine emits.

A run's log is a list of plain dicts (:data:`EventDict`), each built by
:meth:`brinkmanship.engine.kernel.Kernel.emit`: the common fields ``seq``, ``t``, ``s`` and
``kind``, ``cause`` when one earlier event led to it, and the fields of its kind. The
classes below say what those fields are. They are :class:`typing_extensions.TypedDict`
classes, so they cost nothing where events are built; checking a log against them
(:func:`validate_event`, :func:`validate_log`) and publishing their JSON Schema
(:func:`log_schema`, ``docs/event-log.schema.json``, ``brink schema --of log``) build a
pydantic adapter once, on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, NotRequired, get_args

from pydantic import ConfigDict, Field, ValidationError, with_config
from typing_extensions import TypedDict  # pydantic reads typing's own only from Python 3.12

from brinkmanship.scenario.schema import DistortionKind, MessageKind

if TYPE_CHECKING:
    from pydantic import TypeAdapter

EventDict = dict[str, Any]
"""One event as the engine builds, keeps and folds it: a plain dict shaped as one member of
:data:`Event`. Code that reads events of any kind annotates with this."""

EventKind = Literal[
    "start", "end", "decision", "send", "deliver", "offer", "belief", "action_start",
    "action", "chain", "rung", "war", "incident", "response", "hold", "release", "order_sent",
    "order", "activate", "deadline", "meeting", "settlement", "reaction", "type"]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)

AskReason = Literal["start", "wake", "decision point", "meeting", "message", "action",
                    "incident"]
OfferStatus = Literal["countered", "ignored", "accepted", "accepted_part", "rejected",
                      "lapsed"]
BeliefVariable = Literal["resolve", "control", "imminence"]  # scenario.schema.BELIEF_VARIABLES

# The one spelling of instants in the log (brinkmanship.scenario.timeparse.iso_utc).
Instant = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
# How an action was started: a decision, or what set it off (`chain:`, `response:`, ...).
Via = Annotated[str, Field(pattern=r"^(decision|(chain|response|deadline):.+)$")]
Terms = dict[str, str]
Signals = dict[str, float]

_KIND = Field(description="The kind of event; it says which other fields the event has.")
# Exactly the fields defined, of exactly the types defined: no coercion, no extras.
_STRICT = ConfigDict(extra="forbid", strict=True)


@with_config(_STRICT)
class _Common(TypedDict):
    """The fields every event has (the config is inherited by every kind)."""

    seq: Annotated[int, Field(ge=0, description="Position in the log, from 0; events are "
                              "numbered in the order they happened.")]
    t: Annotated[Instant, Field(description="When it happened, ISO 8601 in UTC.")]
    s: Annotated[int, Field(ge=0, description="When it happened, in seconds since the "
                            "scenario's start; never decreases along the log.")]
    cause: NotRequired[Annotated[int, Field(ge=0, description=(
        "The seq of the earlier event that led to this one (a decision to its deeds, a "
        "send to its delivery, an action to its consequences); absent when nothing in the "
        "log did (the clock, a hazard, a schedule). Following causes back gives an event's "
        "causal path."))]]


# -- the run -------------------------------------------------------------------------------
class StartEvent(_Common):
    """The first event of every run."""

    kind: Annotated[Literal["start"], _KIND]
    scenario: Annotated[str, Field(description="The scenario's id.")]
    seed: Annotated[int, Field(ge=0, description="The run's random seed.")]


@with_config(_STRICT)
class WarSummary(TypedDict):
    """How a war began, as the closing event records it."""

    started_by: Annotated[str | None, Field(description="Whose act began the war (null "
                                            "when nobody's).")]
    side: Annotated[str | None, Field(description="That actor's side.")]
    via: Annotated[Via, Field(description="How the action that began it was started.")]
    origin: Annotated[str, Field(description="The first step of the causal path (e.g. "
                                 "'incident:u2_shootdown'), or 'via' when the path is empty.")]
    path: Annotated[list[str], Field(description="The causal path to the war, root first: "
                                     "labels such as 'decision:khrushchev', 'message:...', "
                                     "'action:...', 'chain:...'.")]
    rung: Annotated[str, Field(description="The ladder's rung when the run ended.")]
    level: Annotated[int, Field(description="That rung's level.")]
    began: Annotated[Instant, Field(description="When the war began (UTC).")]


@with_config(_STRICT)
class EndOutcome(TypedDict):
    """How the run ended (the fields of :class:`brinkmanship.engine.run.Outcome`)."""

    kind: Annotated[Literal["settlement", "war", "unresolved"], Field(
        description="settlement, war, or unresolved at the horizon.")]
    at: Annotated[Instant, Field(description="When: the settlement, the start of the war, or "
                                 "the horizon (UTC).")]
    public_terms: Annotated[Terms, Field(description="Agreed public terms, issue -> option "
                                         "(empty unless settled).")]
    private_terms: Annotated[Terms, Field(description="Agreed off-the-record terms, issue -> "
                                          "option (empty unless settled).")]
    payoffs: Annotated[dict[str, float], Field(description="Every actor's payoff, by actor "
                                               "id.")]
    war: Annotated[WarSummary | None, Field(description="How the war began; null without a "
                                            "war.")]


class EndEvent(_Common):
    """The last event of every finished run: its outcome."""

    kind: Annotated[Literal["end"], _KIND]
    outcome: Annotated[EndOutcome, Field(description="The outcome and every actor's payoff.")]


class DecisionEvent(_Common):
    """A decision-maker chose something (logged only when it chose or explained something)."""

    kind: Annotated[Literal["decision"], _KIND]
    actor: Annotated[str, Field(description="Who decided.")]
    reason: Annotated[AskReason, Field(description="Why the actor was asked now.")]
    choices: Annotated[list[str], Field(description="The keys of the options taken, in "
                                        "order (e.g. 'send:first_letter'); empty waits.")]
    letters: NotRequired[Annotated[list[str], Field(description=(
        "The ids of the letters the decision-maker composed itself ('letter:1', ...), in "
        "order; each has its send event, caused by this decision."))]]
    trace: NotRequired[Annotated[dict[str, Any], Field(description=(
        "The decision-maker's account of its reasoning, in a shape of its own (`brink "
        "explain` reads the default model's)."))]]


# -- messages and offers --------------------------------------------------------------------
class SendEvent(_Common):
    """A message goes out over a channel."""

    kind: Annotated[Literal["send"], _KIND]
    id: Annotated[str, Field(description="The message's id: its draft's id, "
                             "'accept:OFFER', 'reject:OFFER', 'part:OFFER' for answers, or "
                             "'letter:N' for a letter its sender composed.")]
    draft: Annotated[str | None, Field(description="The scenario's draft it was written "
                                       "from; null for answers and composed letters.")]
    type: Annotated[MessageKind, Field(description="The kind of message.")]
    actor: Annotated[str, Field(description="The sender.")]
    to: Annotated[str, Field(description="The recipient.")]
    channel: Annotated[str, Field(description="The channel it travels over.")]
    public: Annotated[bool, Field(description="Whether every actor will observe it (a public "
                                  "channel, or released to the press).")]
    terms: Annotated[Terms, Field(description="Terms as sent, issue -> option.")]
    private_terms: Annotated[Terms, Field(description="Off-the-record terms as sent; only "
                                          "the two ends ever learn them.")]
    signals: Annotated[Signals, Field(description="Belief shifts (log-odds) as sent.")]
    replies_to: Annotated[list[str], Field(description="Ids of the messages it answers.")]
    arrives: Annotated[Instant, Field(description="When it will be delivered (UTC).")]
    text: NotRequired[Annotated[str, Field(description=(
        "For a letter its sender composed: the free text it wrote (its terms, off-the-record "
        "terms and public flag are the fields above)."))]]


class DeliverEvent(_Common):
    """A message arrives, as read at the other end (perhaps distorted)."""

    kind: Annotated[Literal["deliver"], _KIND]
    id: Annotated[str, Field(description="The message's id (as in its send event).")]
    draft: Annotated[str | None, Field(description="Its draft; null for answers to offers "
                                       "and composed letters.")]
    actor: Annotated[str, Field(description="The recipient.")]
    channel: Annotated[str, Field(description="The channel it came over.")]
    public: Annotated[bool, Field(description="Whether every actor observes it now.")]
    distortion: Annotated[DistortionKind | None, Field(description="What the channel did to it, "
                                                   "or null when it arrived as sent.")]
    terms: Annotated[Terms, Field(description="Terms as received.")]
    signals: Annotated[Signals, Field(description="Belief shifts (log-odds) as received.")]
    lapses_s: NotRequired[Annotated[int, Field(description=(
        "For an offer with a deadline: when it lapses, in seconds since the start."))]]
    lapses: NotRequired[Annotated[Instant, Field(description="The same instant in UTC.")]]


class OfferEvent(_Common):
    """An offer's standing changed."""

    kind: Annotated[Literal["offer"], _KIND]
    offer: Annotated[str, Field(description="The offer (the id of the message that made "
                                "it).")]
    status: Annotated[OfferStatus, Field(description=(
        "accepted, accepted_part or rejected by its recipient; countered by a reply; "
        "ignored when its recipient answered another offer of the same sender; lapsed at "
        "its deadline."))]
    actor: Annotated[str, Field(description="Who answered, countered or ignored it; its "
                                "sender when it lapsed.")]
    issues: NotRequired[Annotated[list[str], Field(description=(
        "For an answer: the issues accepted in part (empty for a whole answer)."))]]


class SettlementEvent(_Common):
    """An acceptance arrived: the crisis is settled and the run stops."""

    kind: Annotated[Literal["settlement"], _KIND]
    actor: Annotated[str, Field(description="Who accepted the offer.")]
    offer: Annotated[str, Field(description="The offer accepted.")]
    public_terms: Annotated[Terms, Field(description="The agreed public terms.")]
    private_terms: Annotated[Terms, Field(description="The agreed off-the-record terms.")]


class ReactionEvent(_Common):
    """A third party reacts to public terms."""

    kind: Annotated[Literal["reaction"], _KIND]
    actor: Annotated[str, Field(description="Who reacts.")]
    reaction: Annotated[str, Field(description="The scenario's reaction.")]
    costs: Annotated[dict[str, float], Field(description="The audience or alliance costs it "
                                             "lays on actors, by actor id.")]


# -- minds ----------------------------------------------------------------------------------
class BeliefEvent(_Common):
    """One belief moved on news (a signal read)."""

    kind: Annotated[Literal["belief"], _KIND]
    actor: Annotated[str, Field(description="Whose belief.")]
    about: Annotated[str, Field(description="The side it is about.")]
    var: Annotated[BeliefVariable, Field(description="Which belief.")]
    before: Annotated[float, Field(description="Its value before (log-odds).")]
    after: Annotated[float, Field(description="Its value after (log-odds).")]


class TypeEvent(_Common):
    """A side's hidden type, drawn at the start from the common prior: the ground truth,
    which only that side's actors observe."""

    kind: Annotated[Literal["type"], _KIND]
    actor: Annotated[str, Field(description="The side's leader.")]
    side: Annotated[str, Field(description="The side whose type was drawn.")]
    type: Annotated[str, Field(description="The type drawn (an id of the side's 'types').")]


class MeetingEvent(_Common):
    """A meeting begins or ends."""

    kind: Annotated[Literal["meeting"], _KIND]
    actor: Annotated[str, Field(description="Who convened it.")]
    meeting: Annotated[str, Field(description="The scenario's meeting.")]
    phase: Annotated[Literal["start", "end"], Field(description="Whether it begins or ends.")]
    attendees: Annotated[list[str], Field(description="Who attends.")]


# -- forces and the ladder ------------------------------------------------------------------
class ActionStartEvent(_Common):
    """An action is under way; it takes effect later."""

    kind: Annotated[Literal["action_start"], _KIND]
    actor: Annotated[str, Field(description="Whose action it is.")]
    action: Annotated[str, Field(description="The scenario's action.")]
    via: Annotated[Via, Field(description="What started it: 'decision', or 'chain:LINK', "
                              "'response:RESPONSE', 'deadline:DEADLINE'.")]
    effective: Annotated[Instant, Field(description="When it will take effect (UTC).")]


class ActionEvent(_Common):
    """An action takes effect."""

    kind: Annotated[Literal["action"], _KIND]
    actor: Annotated[str, Field(description="Whose action it is.")]
    action: Annotated[str, Field(description="The scenario's action.")]
    side: Annotated[str, Field(description="The actor's side.")]
    public: Annotated[bool, Field(description="Whether the other side sees it.")]


class ChainEvent(_Common):
    """An escalation chain was tried after an action took effect."""

    kind: Annotated[Literal["chain"], _KIND]
    link: Annotated[str, Field(description="The scenario's chain link.")]
    after: Annotated[str, Field(description="The action that took effect.")]
    then: Annotated[str, Field(description="The action it may set off.")]
    fired: Annotated[bool, Field(description="Whether it fired (then starts after the link's "
                                 "delay, if still possible).")]


class RungEvent(_Common):
    """The escalation ladder rose."""

    kind: Annotated[Literal["rung"], _KIND]
    actor: Annotated[str | None, Field(description="Whose act raised it (null when "
                                       "nobody's).")]
    side: Annotated[str | None, Field(description="That actor's side.")]
    rung: Annotated[str, Field(description="The new rung.")]
    level: Annotated[int, Field(description="Its level.")]
    war: Annotated[bool, Field(description="Whether the rung is war.")]


class WarEvent(_Common):
    """War begins; the run goes on for the scenario's war window."""

    kind: Annotated[Literal["war"], _KIND]
    actor: Annotated[str | None, Field(description="Whose act began it (null when "
                                       "nobody's).")]
    side: Annotated[str | None, Field(description="That actor's side.")]
    started_by: Annotated[str | None, Field(description="The same actor.")]
    via: Annotated[Via, Field(description="How the last action on the causal path was "
                              "started ('decision' when none was).")]
    origin: Annotated[str, Field(description="The first step of the causal path, or 'via' "
                                 "when the path has none.")]
    path: Annotated[list[str], Field(description="The causal path's steps, root first (e.g. "
                                     "'incident:...', 'decision:ACTOR', 'action:...').")]


# -- standing orders, incidents, responses --------------------------------------------------
class IncidentEvent(_Common):
    """An incident happened (M6): a force did something its leaders did not decide."""

    kind: Annotated[Literal["incident"], _KIND]
    actor: Annotated[str, Field(description="The force's command.")]
    side: Annotated[str, Field(description="The force's side.")]
    incident: Annotated[str, Field(description="The scenario's incident.")]
    force: Annotated[str, Field(description="The force involved.")]
    order: Annotated[str | None, Field(description="The standing order it happened under, if "
                                       "any.")]
    authorised: Annotated[bool, Field(description="Whether the side's leader authorised such "
                                      "acts in advance.")]
    public: Annotated[bool, Field(description="Whether the other side learns of it.")]


class ResponseEvent(_Common):
    """A pre-delegated response came due."""

    kind: Annotated[Literal["response"], _KIND]
    actor: Annotated[str, Field(description="The response's holder.")]
    response: Annotated[str, Field(description="The scenario's response.")]
    held: Annotated[bool, Field(description="Whether it was held.")]
    hold_failed: Annotated[bool, Field(description="Whether the hold failed.")]
    fired: Annotated[bool, Field(description="Whether its action started.")]


class HoldEvent(_Common):
    """A leader held a pre-delegated response."""

    kind: Annotated[Literal["hold"], _KIND]
    actor: Annotated[str, Field(description="The leader who held it.")]
    response: Annotated[str, Field(description="The response held.")]


class ReleaseEvent(_Common):
    """A leader released the hold on a pre-delegated response."""

    kind: Annotated[Literal["release"], _KIND]
    actor: Annotated[str, Field(description="The leader who released it.")]
    response: Annotated[str, Field(description="The response released.")]


class OrderSentEvent(_Common):
    """A change of standing order was sent down the chain of command."""

    kind: Annotated[Literal["order_sent"], _KIND]
    actor: Annotated[str, Field(description="Who sent it.")]
    order: Annotated[str, Field(description="The standing order.")]
    active: Annotated[bool, Field(description="On (true) or off (false).")]
    arrives: Annotated[Instant, Field(description="When it reaches the holder (UTC).")]


class OrderEvent(_Common):
    """A change of standing order reached its holder."""

    kind: Annotated[Literal["order"], _KIND]
    actor: Annotated[str, Field(description="The order's holder.")]
    order: Annotated[str, Field(description="The standing order.")]
    active: Annotated[bool, Field(description="On (true) or off (false).")]
    obeyed: Annotated[bool, Field(description="Whether the holder complied (the order "
                                  "changes only then).")]


class ActivateEvent(_Common):
    """A standing order came into force at its start time."""

    kind: Annotated[Literal["activate"], _KIND]
    actor: Annotated[str, Field(description="The order's holder.")]
    order: Annotated[str, Field(description="The standing order.")]


class DeadlineEvent(_Common):
    """A deadline came."""

    kind: Annotated[Literal["deadline"], _KIND]
    deadline: Annotated[str, Field(description="The scenario's deadline.")]
    status: Annotated[Literal["expired", "void"], Field(description=(
        "expired (its effects and action follow), or void (settled, at war, or its "
        "'unless' holds)."))]
    actor: Annotated[None, Field(description="Always null: a deadline is nobody's act.")]


Event = Annotated[
    StartEvent | EndEvent | DecisionEvent | SendEvent | DeliverEvent | OfferEvent
    | BeliefEvent | ActionStartEvent | ActionEvent | ChainEvent | RungEvent | WarEvent
    | IncidentEvent | ResponseEvent | HoldEvent | ReleaseEvent | OrderSentEvent | OrderEvent
    | ActivateEvent | DeadlineEvent | MeetingEvent | SettlementEvent | ReactionEvent
    | TypeEvent,
    Field(discriminator="kind")]
"""Any one event of the log, told apart by its ``kind``."""


# -- checking and publishing -----------------------------------------------------------------
class EventError(ValueError):
    """An event that does not match its kind's definition; the message names the event."""


@cache
def _adapter() -> TypeAdapter[Any]:
    # Built on first use: some milliseconds that neither the engine nor `import
    # brinkmanship` should pay.
    from pydantic import TypeAdapter

    return TypeAdapter(Event)


def validate_event(ev: object) -> None:
    """Check one event against its kind's definition.

    ``EventError`` names the event by seq and kind, then the first field that is wrong:
    missing, of the wrong type, not allowed for the kind, or an unknown kind.
    """
    try:
        _adapter().validate_python(ev)
    except ValidationError as exc:
        raise EventError(_describe(ev, exc)) from None


def validate_log(events: Iterable[object]) -> None:
    """Check every event of a log, and the log's order: seqs count up from 0, ``s`` never
    decreases, and every ``cause`` is an earlier event."""
    last_s = 0
    for i, ev in enumerate(events):
        validate_event(ev)
        assert isinstance(ev, Mapping)  # validate_event lets only an object through
        name = f"event {ev['seq']} ({ev['kind']!r})"
        if ev["seq"] != i:
            raise EventError(f"{name}: seq should be {i}")
        if ev["s"] < last_s:
            raise EventError(f"{name}: s {ev['s']} is before the previous event's {last_s}")
        if ev.get("cause", -1) >= i:
            raise EventError(f"{name}: cause {ev['cause']} is not an earlier event")
        last_s = ev["s"]


def _describe(ev: object, exc: ValidationError) -> str:
    if not isinstance(ev, Mapping):
        return f"event ?: not an event (an object is expected, not {type(ev).__name__})"
    seq, kind = ev.get("seq", "?"), ev.get("kind")
    first = exc.errors()[0]
    if first["type"] == "union_tag_not_found":
        return f"event {seq}: no kind"
    if first["type"] == "union_tag_invalid":
        return f"event {seq}: unknown kind {kind!r} (known: {', '.join(EVENT_KINDS)})"
    # A discriminated union puts the tag first in the location; the kind is named already.
    where = ".".join(str(p) for p in first["loc"][1:])
    return f"event {seq} ({kind!r}): {where or 'event'}: {first['msg']}"


def log_schema() -> dict[str, Any]:
    """The JSON Schema of one event, i.e. of one line of a JSON-lines log (``brink run
    --log``) or one item of the ``events`` of ``brink run --json``."""
    schema = _adapter().json_schema()
    return {"title": "Event",
            "description": "One event of a brinkmanship run's log; a log is these, one JSON "
            "object a line, numbered by seq from 0.",
            **schema}
