"""The scenario language: strict, typed structures decoded from YAML.

Every mechanic of a crisis is declared here as data. Unknown fields are errors
(``extra="forbid"``); cross-references between sections are checked afterwards by
:mod:`brinkmanship.scenario.checks`, which knows the field paths to report.

Durations are numbers of hours; instants are ISO 8601 timestamps with an offset
(``1962-10-27T14:00:00Z``) or a local time followed by an IANA zone
(``1962-10-27T10:00 America/New_York``). Every mapping that carries a number should
say where it comes from with ``source:`` or mark it with ``assumption:``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from brinkmanship.scenario.timeparse import parse_instant

# C0 controls but tab and line breaks, DEL, C1 controls (CSI among them), and the Unicode
# separators and direction overrides that reorder what a reader sees.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e"
                      "\u2066-\u2069]")

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_\-]*$",
        max_length=64,
        description="Identifier: lower case letters, digits, '_' and '-'.",
    ),
]
Instant = Annotated[
    datetime,
    BeforeValidator(parse_instant),
    Field(description="An instant: ISO 8601 with offset, or 'YYYY-MM-DDTHH:MM Zone/Name'."),
]
MAX_HOURS = 87_660.0
"""The longest duration and the longest scenario: ten years, in hours."""
MAX_VALUE = 1e9
"""The largest magnitude of a utility, a cost or a value per hour."""
MAX_COUNT = 1_000_000
"""The most occurrences an incident may have, and the highest trigger count."""
MAX_LEVEL = 1_000_000_000
"""The largest magnitude of a rung's level (it fits every 64-bit integer column)."""
MIN_INTERVAL_HOURS = 1 / 60
"""The shortest interval between a decision point's repetitions: one minute."""

Hours = Annotated[float, Field(ge=0, le=MAX_HOURS, description="A duration in hours, from 0 "
                               "to 87660 (ten years).")]
Probability = Annotated[float, Field(ge=0, le=1, description="A probability, from 0 to 1.")]
Value = Annotated[float, Field(ge=-MAX_VALUE, le=MAX_VALUE, description="A value in utility "
                               "units, from -1e9 to 1e9.")]
Cost = Annotated[float, Field(ge=0, le=MAX_VALUE, description="A cost or value in utility "
                              "units, from 0 to 1e9.")]
Factor = Annotated[float, Field(ge=0, le=1e6, description="A non-negative factor or weight, "
                                "at most 1e6.")]
Shift = Annotated[float, Field(ge=-100, le=100, description="A shift on the log-odds scale, "
                               "from -100 to 100.")]
Count = Annotated[int, Field(ge=1, le=MAX_COUNT, description="A count, from 1 to 1000000.")]
Terms = Annotated[
    dict[Id, Id],
    Field(description="Terms: for each issue id, the option id proposed or agreed."),
]


class Strict(BaseModel):
    """Base of every scenario structure: unknown fields are errors."""

    # Every number of the language is finite: NaN and infinities are refused wherever a
    # number is read, so no run can divide by them, sleep for them or print them.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, data: object) -> object:
        """Refuse control characters in text (tabs and line breaks aside): names and texts
        reach terminals, pages and prompts, and must not carry escape sequences there."""
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, str) and (bad := _CONTROL.search(value)):
                    raise ValueError(f"{key!s}: control character U+{ord(bad.group()):04X} "
                                     "in text (names and texts are plain text)")
        return data


class Sourced(Strict):
    """A structure whose numbers must be sourced or marked as assumptions."""

    source: str | None = Field(
        None, description="Where the numbers of this entry come from (facts file, publication)."
    )
    assumption: str | None = Field(
        None, description="Why the numbers of this entry were chosen, where no source gives them."
    )


class Clock(Strict):
    """A clock shown beside every event of a narrative."""

    label: str = Field(description="How readers call the place, e.g. 'Washington'.")
    zone: str = Field(description="IANA zone name; historical offsets come from the zone database.")


class Meta(Sourced):
    """What the scenario is."""

    id: Id = Field(description="The scenario's name, as given to --scenario.")
    title: str = Field(description="A one-line title.")
    description: str = Field("", description="A paragraph for readers.")
    start: Instant = Field(description="When the simulation starts.")
    end: Instant = Field(description="The horizon: a run still open then is unresolved.")
    clocks: list[Clock] = Field(
        min_length=1, description="The local clocks narratives show, in order."
    )
    war_window_hours: Hours = Field(
        24.0,
        description="After a war begins, how long the engine follows escalation chains "
        "to find the rung the war reaches.",
    )
    sources: dict[Id, str] = Field(
        default_factory=dict, description="Citations, keyed by a short id used in 'source:' notes."
    )
    initial_rung: Id | None = Field(
        None, description="The rung the crisis starts on (default: the ladder's first); a "
        "crisis that opens part-way up the ladder can come down it.")

    @model_validator(mode="after")
    def _start_before_end(self) -> Meta:
        if self.end <= self.start:
            raise ValueError("'end' must be after 'start'")
        if (self.end - self.start).total_seconds() > MAX_HOURS * 3600:
            raise ValueError("a scenario spans at most ten years (87660 hours) from 'start' to "
                             "'end'")
        return self


class SideType(Sourced):
    """One of the kinds a side may be (hard-line or soft-line, say): drawn at the start
    from the common prior, known to that side only."""

    id: Id = Field(description="The type's id; while the side is of this type the engine "
                   "sets the flag type:SIDE:ID, which only that side's actors know.")
    name: str = Field(description="How the story names the type, e.g. 'hard-line'.")
    prior: Probability = Field(description="The common prior: the chance the side is of this "
                               "type (the priors of a side's types sum to 1).")
    utilities: list[Utility] = Field(
        default_factory=list, description="The payoffs of the side's actors while it is of "
        "this type, in place of their entries in 'utilities' (its resolve: what war is worth "
        "to it against conceding).")
    description: str = Field("", description="What the type means, for readers.")


class Side(Strict):
    """A party to the crisis: a state, an alliance, a government."""

    id: Id = Field(description="The side's id, used by actors, forces and beliefs.")
    name: str = Field(description="The side's name, as readers know it.")
    leader: Id = Field(description="The actor who decides for this side.")
    principal: bool = Field(
        True, description="Whether the side is a principal (settles, fights) or a third party."
    )
    allies: list[Id] = Field(
        default_factory=list,
        description="Sides this side is allied with (for readers: what an ally does is "
                    "modelled by its reactions and utilities).",
    )
    types: list[SideType] = Field(
        default_factory=list,
        description="Hidden types (incomplete information): the kinds the side may be, one "
                    "drawn at the start from their priors; none: the side is as declared.")


ActorKind = Literal["leader", "adviser", "command", "third_party", "envoy"]


class Actor(Sourced):
    """A person or body that acts, decides, advises or carries messages."""

    id: Id = Field(description="The actor's id, used wherever the actor is named.")
    name: str = Field(description="How the story names the actor, e.g. 'Marshal Konev'.")
    kind: ActorKind = Field(description="leader, adviser, command, third_party or envoy.")
    side: Id = Field(description="The side the actor belongs to.")
    zone: str = Field(description="IANA zone the actor lives in.")
    serves: Id | None = Field(None, description="For advisers, commands and envoys: their leader.")
    influence: Factor = Field(
        0.0, description="For advisers: weight of the adviser's voice in meetings."
    )
    weights: dict[str, Factor] = Field(
        default_factory=dict,
        description="For advisers: utility weights (e.g. 'war', 'terms', 'audience') "
        "the adviser argues for.",
    )
    decides: bool = Field(
        False, description="For a command, an officer or a service below the leader: it makes "
        "its own decisions (its actions, holds of the responses it authorised, its messages) "
        "under a decision-maker, with its own utilities and beliefs where declared, else its "
        "leader's.")
    description: str = Field("", description="Who the actor is, for readers.")


class IssueOption(Strict):
    """One possible answer to an issue."""

    id: Id = Field(description="The option's id, used in terms and utilities.")
    name: str = Field(description="How the story names this answer.")


class Issue(Strict):
    """A question on the table, with its possible answers."""

    id: Id = Field(description="The issue's id, used in terms and utilities.")
    name: str = Field(description="How the story names the issue.")
    options: list[IssueOption] = Field(
        min_length=2, description="The possible answers, at least two.")
    status_quo: Id = Field(description="The option that holds if nothing is agreed.")
    touches: list[Id] = Field(
        default_factory=list,
        description="Sides (allies, third parties) whose interests this issue touches (for "
                    "readers: reactions say what proposing its terms sets off).",
    )


class Latency(Sourced):
    """How long a message, order or reaction takes: a log-normal distribution."""

    median_hours: Hours = Field(description="Median delay in hours.")
    spread: float = Field(
        0.0, ge=0, le=5, description="Log-normal sigma; 0 gives exactly the median."
    )
    min_hours: Hours = Field(0.0, description="A floor under the sampled delay.")


DistortionKind = Literal["harden", "soften", "drop_term", "delay"]


class Fidelity(Sourced):
    """How a channel distorts what passes over it."""

    distortion_probability: Probability = Field(
        0.0, description="Chance that a message over the channel arrives distorted.")
    kinds: list[DistortionKind] = Field(
        default_factory=list,
        description="harden (threat signals read stronger), soften (weaker), drop_term "
        "(one term is lost), delay (extra latency).",
    )
    strength: float = Field(
        1.0, ge=0, le=100, description="How much harden/soften scale signals (1 doubles or "
        "halves them), at most 100."
    )
    extra_delay_hours: Hours = Field(6.0, description="Added latency for 'delay' distortions.")

    @model_validator(mode="after")
    def _kinds_when_distorting(self) -> Fidelity:
        if self.distortion_probability > 0 and not self.kinds:
            raise ValueError("a channel that distorts must list the 'kinds' of distortion")
        return self


class Channel(Sourced):
    """A way messages travel between actors."""

    id: Id = Field(description="The channel's id, named by messages and answers.")
    name: str = Field(description="How the story names the channel.")
    members: list[Id] = Field(
        min_length=2, description="Actors who send and receive over this channel."
    )
    senders: list[Id] | None = Field(
        None, min_length=1,
        description="The members who may send over it (default: every member); the others "
                    "only hear it, as an audience hears a broadcast it cannot answer on.",
    )
    visibility: Literal["public", "private"] = Field(
        description="public: every actor hears what passes; private: only the two ends."
    )
    authority: Literal["official", "semi_official", "unofficial"] = Field(
        description="How much weight receivers give to what arrives."
    )
    latency: Latency = Field(description="How long a message takes to arrive.")
    fidelity: Fidelity = Field(
        default_factory=Fidelity, description="How the channel distorts messages; by "
        "default it does not.")
    opens: Instant | None = Field(None, description="Before this instant the channel is closed.")
    bias: Signals = Field(
        default_factory=dict, description="Belief shifts (log-odds) the channel adds to what "
        "every message over it signals, as its reader takes it: an intelligence service that "
        "reads any move as preparation for attack.")
    description: str = Field("", description="What the channel is, for readers.")


BELIEF_VARIABLES = ("resolve", "control", "imminence")


def _only_keys(known: tuple[str, ...], what: str) -> Callable[[dict[str, float]],
                                                            dict[str, float]]:
    """A validator refusing keys outside ``known``, naming the first stranger."""
    def check(value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"unknown {what} {unknown[0]!r} (known: {', '.join(known)})")
        return value
    return check


Signals = Annotated[
    dict[str, Shift],
    AfterValidator(_only_keys(BELIEF_VARIABLES, "belief variable")),
    Field(
        description="Belief shifts (log-odds) this produces in the other side's leaders: "
        "resolve, control, imminence."
    ),
]


class Condition(Strict):
    """A precondition over the world state; every listed part must hold."""

    flags: list[str] = Field(default_factory=list, description="Flags that must be set.")
    not_flags: list[str] = Field(default_factory=list, description="Flags that must be unset.")
    postures: dict[Id, list[Id]] = Field(
        default_factory=dict, description="For each force, the postures it must be in (any of)."
    )
    min_rung: Id | None = Field(None, description="The ladder must be at least at this rung.")
    max_rung: Id | None = Field(None, description="The ladder must be at most at this rung.")
    after: Instant | None = Field(None, description="Holds only from this instant on.")
    before: Instant | None = Field(None, description="Holds only until this instant.")


class Effects(Strict):
    """What happens to the world when something takes effect."""

    set_flags: list[str] = Field(
        default_factory=list, description="Flags set; conditions elsewhere may test them.")
    clear_flags: list[str] = Field(default_factory=list, description="Flags cleared.")
    postures: dict[Id, Id] = Field(default_factory=dict, description="Force id -> new posture.")
    rung: Id | None = Field(None, description="Raise the escalation ladder to at least this rung.")
    lower_rung: Id | None = Field(
        None, description="Stand down: lower the escalation ladder to at most this rung (a "
        "rung that is not war); nothing once a war has begun.")
    signals: Signals = Field(default_factory=dict)
    orders: dict[Id, bool] = Field(
        default_factory=dict, description="Standing orders switched on (true) or off (false)."
    )


    @model_validator(mode="after")
    def _one_direction(self) -> Effects:
        if self.rung is not None and self.lower_rung is not None:
            raise ValueError("effects raise the ladder ('rung') or lower it ('lower_rung'), "
                             "not both")
        return self


class Rung(Strict):
    """A step of the escalation ladder."""

    id: Id = Field(description="The rung's id, named by effects, conditions and payoffs.")
    name: str = Field(description="How the story names the rung.")
    level: int = Field(ge=-MAX_LEVEL, le=MAX_LEVEL, description="Position on the ladder; "
                       "higher is more violent (from -1e9 to 1e9).")
    war: bool = Field(False, description="Reaching this rung means war.")
    description: str = Field("", description="What the rung means, for readers.")


class Posture(Strict):
    """A state a force can be in: on alert, withdrawn, at sea."""

    id: Id = Field(description="The posture's id, named by effects and conditions.")
    name: str = Field(description="How the story names the posture.")


class Force(Strict):
    """A body of forces with a posture, under a command."""

    id: Id = Field(description="The force's id, named by postures, effects and incidents.")
    name: str = Field(description="How the story names the force.")
    side: Id = Field(description="The side the force belongs to.")
    command: Id = Field(description="The command actor that holds this force.")
    postures: list[Posture] = Field(
        min_length=1, description="The postures the force can take.")
    initial: Id = Field(description="The posture at the start.")


class Action(Sourced):
    """Something an actor can do: diplomatic, political or military."""

    id: Id = Field(description="The action's id, named by chains, responses and the record.")
    name: str = Field(description="What the action is, as the story tells it.")
    actor: Id = Field(description="Who takes this action (a leader, or a command for chains).")
    kind: Literal["military", "diplomatic", "political", "posture"] = Field(
        "military", description="military, diplomatic, political or posture; a public "
        "military action makes the other sides' leaders reconsider.")
    duration_hours: Hours = Field(0.0, description="Time from the decision until it takes effect.")
    requires: Condition = Field(
        default_factory=Condition, description="When the action can be taken.")
    effects: Effects = Field(
        default_factory=Effects, description="What changes when it takes effect.")
    public: bool = Field(True, description="Whether other sides see it when it takes effect.")
    repeatable: bool = Field(False, description="Whether it can be taken more than once.")
    description: str = Field("", description="More about the action, for readers.")


class StandingOrder(Sourced):
    """An order a command acts on without asking its leader again."""

    id: Id = Field(description="The order's id, named by incidents and effects.")
    name: str = Field(description="What the order says, as the story tells it.")
    holder: Id = Field(description="The command actor that acts on it.")
    issued_by: Id = Field(description="The actor who issued it.")
    active: bool = Field(True, description="Whether it is in force at the start "
                         "(an order with 'activates_at' is off until then).")
    activates_at: Instant | None = Field(None, description="When it comes into force, if later.")
    change_delay: Latency = Field(
        default_factory=lambda: Latency(median_hours=1.0, assumption="default"),
        description="How long a change of this order takes to reach the units.",
    )
    compliance: Probability = Field(
        1.0, description="Chance that the units obey a change of this order."
    )
    description: str = Field("", description="More about the order, for readers.")


class Incident(Sourced):
    """Something local forces do at a hazard rate, whether the leaders wish it or not."""

    id: Id = Field(description="The incident's id, named by responses and the record.")
    name: str = Field(description="What happens, as the story tells it.")
    force: Id = Field(description="The force whose units cause it.")
    under_order: Id | None = Field(
        None, description="Standing order it is carried out under; no hazard while it is off."
    )
    hazard_per_hour: float = Field(ge=0, le=3600, description="Base rate, occurrences per "
                                   "hour (at most one a second).")
    posture_multipliers: dict[Id, dict[Id, Factor]] = Field(
        default_factory=dict,
        description="Force id -> posture id -> factor on the hazard while in that posture.",
    )
    requires: Condition = Field(
        default_factory=Condition, description="No hazard unless this holds.")
    max_occurrences: Count = Field(1, description="How many times it can happen in a run.")
    public: bool = Field(True, description="Whether every side learns of it when it happens.")
    authorised: bool = Field(
        False, description="Whether the side's leader authorised such acts in advance."
    )
    effects: Effects = Field(
        default_factory=Effects, description="What changes when it happens.")
    description: str = Field("", description="More about the incident, for readers.")


class Trigger(Strict):
    """What sets a pre-delegated response off (an incident or an action), or sends a report
    (those, or a timetable's phase)."""

    incident: Id | None = Field(None, description="Fires when this incident happens.")
    action: Id | None = Field(None, description="Fires when this action takes effect.")
    phase: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*:[a-z][a-z0-9_\-]*$")] | None = \
        Field(None, description="TIMETABLE:PHASE: fires when this phase of a timetable "
              "begins (a report's 'sent_on' only: an intelligence service reporting an "
              "exercise it watched).")
    from_occurrence: Count = Field(
        1,
        description="The first occurrence of the incident or action that sets it off, counted "
                    "from the start of the run: 2 for 'a second downing brings the reprisal'.",
    )
    until_occurrence: Count | None = Field(
        None,
        description="The last occurrence that sets it off (none: every one from "
                    "from_occurrence on).",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        named = [x for x in (self.incident, self.action, self.phase) if x is not None]
        if len(named) != 1:
            raise ValueError("a trigger names exactly one of 'incident', 'action' or 'phase'")
        if self.until_occurrence is not None and self.until_occurrence < self.from_occurrence:
            raise ValueError("until_occurrence comes before from_occurrence")
        return self

    def sets_off(self, occurrence: int) -> bool:
        """Whether the ``occurrence``-th time its incident or action happens sets it off."""
        return self.from_occurrence <= occurrence and (
            self.until_occurrence is None or occurrence <= self.until_occurrence)


class Response(Sourced):
    """A pre-delegated response: it fires on its trigger unless a leader holds it."""

    id: Id = Field(description="The response's id, named by holds in the record.")
    name: str = Field(description="What the response is, as the story tells it.")
    holder: Id = Field(description="The command that carries it out.")
    authorised_by: Id = Field(description="The leader who pre-delegated it and may hold it.")
    trigger: Trigger = Field(description="What sets it off.")
    action: Id = Field(description="The action carried out when it fires.")
    delay_hours: Hours = Field(0.0, description="From trigger to firing.")
    held: bool = Field(False, description="Whether it is held at the start.")
    holdable: bool = Field(
        True,
        description="Whether the authorising leader may hold it at all; false for a response "
                    "he has made firm in advance, which goes ahead without coming back to him.",
    )
    hold_failure_probability: Probability = Field(
        0.0, description="Chance that a hold fails to stop it when it is due."
    )
    description: str = Field("", description="More about the response, for readers.")

    @model_validator(mode="after")
    def _held_only_if_holdable(self) -> Response:
        if self.held and not self.holdable:
            raise ValueError("a response that is not holdable cannot be held at the start")
        return self


class ChainLink(Sourced):
    """One step of a response doctrine: after this action, likely that reaction."""

    id: Id = Field(description="The link's id, named by chain beliefs.")
    after: Id = Field(description="The action that provokes the reaction.")
    then: Id = Field(description="The reaction, carried out by its action's actor.")
    probability: Probability = Field(description="Chance the reaction follows.")
    delay: Latency = Field(description="How long the reaction takes to follow.")


class Chain(Strict):
    """A probabilistic, delayed graph of action -> likely reaction."""

    id: Id = Field(description="The chain's id.")
    name: str = Field(description="Whose doctrine this is, as the story tells it.")
    links: list[ChainLink] = Field(min_length=1, description="Its steps, at least one.")
    description: str = Field("", description="More about the doctrine, for readers.")


MessageKind = Literal["offer", "assurance", "statement", "warning", "answer"]


class Message(Sourced):
    """A message an actor may send: the drafts on the table."""

    id: Id = Field(description="The draft's id, named by answers, replies and the record.")
    name: str = Field(description="A short title the story quotes it by.")
    sender: Id = Field(description="Who may send it; a sender is a decision-maker, unless the "
                       "message is sent on a trigger ('sent_on') or by a reaction.")
    recipient: Id = Field(description="Who it is addressed to.")
    channel: Id = Field(description="The channel it travels over.")
    kind: MessageKind = Field(
        description="offer (proposes terms to accept), assurance (carries private terms), "
        "statement, warning or answer.")
    terms: Terms = Field(default_factory=dict, description="Terms it proposes.")
    private_terms: Terms = Field(
        default_factory=dict, description="Side-assurances kept off the public record."
    )
    released: bool = Field(
        False, description="Also released to the press: public whatever the channel."
    )
    replies_to: list[Id] = Field(
        default_factory=list, description="Messages this one answers (a counter to an offer)."
    )
    deadline_hours: Hours | None = Field(
        None, description="An offer lapses this long after it arrives."
    )
    on_expiry: Effects | None = Field(None, description="What happens when the deadline passes.")
    signals: Signals = Field(
        default_factory=dict, description="Belief shifts (log-odds) in its reader: "
        "resolve, control, imminence.")
    about: Id | None = Field(
        None, description="The side its signals are about (an intelligence report on the "
        "adversary's forces or intentions); by default the sender's own side.")
    sent_on: Trigger | None = Field(
        None, description="Sent by the engine, not by a decision-maker, when this incident "
        "happens or this action takes effect (its occurrence counts as for responses): a "
        "service reporting what it saw, public or not. Sent once.")
    requires: Condition = Field(
        default_factory=Condition, description="When it can be sent.")
    text: str = Field("", description="What it says, in a sentence.")


MAX_LETTER_TEXT = 20_000
"""The longest free text a scenario may allow in a composed letter, in characters."""


class Letters(Strict):
    """Who may write letters of their own in play (besides the drafts), and what they carry.

    A composed letter goes to one recipient over a channel its writer may send on and the
    recipient hears, open at the time; it proposes one option for each issue it touches
    and travels, is distorted, delivered and answered exactly like a declared offer.
    """

    writers: list[Id] | None = Field(
        None, description="Actors who may compose letters (default: the leader of every "
        "principal side); [] lets nobody compose.")
    recipients: list[Id] | None = Field(
        None, description="Actors a letter may be addressed to (default: the leaders of the "
        "principal sides other than the writer's).")
    issues: list[Id] | None = Field(
        None, description="Issues a letter may propose terms on (default: every issue).")
    private_terms: bool = Field(
        True, description="Whether a letter may carry off-the-record terms, seen only by its "
        "two ends.")
    max_text: int = Field(
        2000, ge=0, le=MAX_LETTER_TEXT, description="The longest free text of a letter, in "
        "characters.")
    per_decision: int = Field(
        1, ge=1, le=10, description="How many letters one decision may send.")


class Reaction(Sourced):
    """A third party's reaction to public terms that touch it."""

    id: Id = Field(description="The reaction's id.")
    actor: Id = Field(description="The third party (or ally) who reacts.")
    on_public_terms: Terms = Field(
        description="Fires when a public message proposes any of these issue options."
    )
    delay: Latency = Field(description="How long it takes to react.")
    message: Id | None = Field(None, description="A message the actor sends in reaction.")
    effects: Effects = Field(
        default_factory=Effects, description="What changes when it reacts.")
    costs: dict[Id, Value] = Field(
        default_factory=dict, description="Actor id -> utility lost when this reaction happens."
    )


class Meeting(Sourced):
    """A scheduled meeting of a leader with advisers; the leader decides at its end."""

    id: Id = Field(description="The meeting's id.")
    name: str = Field(description="How the story names the meeting.")
    convener: Id = Field(description="The leader who convenes it and decides at its end.")
    at: Instant = Field(description="When it begins.")
    duration_hours: Hours = Field(description="How long it lasts.")
    attendees: list[Id] = Field(default_factory=list, description="Advisers who attend.")


class DecisionPoint(Sourced):
    """When a leader is asked to decide, besides meetings and arriving news."""

    actor: Id = Field(description="The actor asked to decide.")
    at: Instant | None = Field(None, description="When (first) to ask.")
    every_hours: float | None = Field(
        None, ge=MIN_INTERVAL_HOURS, le=MAX_HOURS, description="Repeat at this interval, in "
        "hours (at least one minute).")

    @model_validator(mode="after")
    def _when(self) -> DecisionPoint:
        if self.at is None and self.every_hours is None:
            raise ValueError("a decision point needs 'at' or 'every_hours'")
        return self


class Deadline(Sourced):
    """A deadline: unless its condition is met by then, its consequence follows."""

    id: Id = Field(description="The deadline's id; its expiry sets the flag expired:ID.")
    name: str = Field(description="How the story names the deadline.")
    at: Instant = Field(description="When it falls due.")
    known_to: list[Id] = Field(
        default_factory=list, description="Actors who know of it (it is in their observation).")
    unless: Condition = Field(
        default_factory=Condition, description="The deadline is void if this holds when due."
    )
    action: Id | None = Field(None, description="An action carried out on expiry.")
    effects: Effects = Field(
        default_factory=Effects, description="What changes when it expires.")


class Phase(Sourced):
    """One phase of a timetable: what changes when it begins."""

    id: Id = Field(description="The phase's id; once begun it sets the flag "
                   "phase:TIMETABLE:PHASE.")
    name: str = Field(description="How the story names the phase, e.g. 'Dispersal'.")
    at: Instant = Field(description="When the phase begins.")
    effects: Effects = Field(
        default_factory=Effects, description="What changes when it begins: postures, "
        "orders, flags, the ladder, signals (read by the other sides where the timetable is "
        "public).")
    description: str = Field("", description="More about the phase, for readers.")


class Timetable(Sourced):
    """A scheduled activity (an exercise's phases, a readiness schedule): its phases begin
    at their times, whatever the leaders decide in the moment, unless it is called off."""

    id: Id = Field(description="The timetable's id.")
    name: str = Field(description="How the story names it, e.g. 'Exercise Autumn Shield'.")
    actor: Id = Field(description="Who carries it out (a command, or a leader).")
    public: bool = Field(True, description="Whether the other sides see each phase as it "
                         "begins (their leaders then reconsider, and its signals reach them).")
    known_to: list[Id] = Field(
        default_factory=list, description="Actors, besides its own side's, who know the "
        "schedule in advance: their decision-makers picture its phases coming on time.")
    unless: Condition = Field(
        default_factory=Condition, description="A phase due while this holds does not "
        "begin: the activity is called off or paused (e.g. by a flag a leader's action "
        "sets).")
    phases: list[Phase] = Field(min_length=1, description="The phases, in the order they "
                                "begin.")
    description: str = Field("", description="What the activity is, for readers.")

    @model_validator(mode="after")
    def _in_order(self) -> Timetable:
        times = [p.at for p in self.phases]
        if times != sorted(times):
            raise ValueError("a timetable's phases are listed in the order they begin")
        return self


SidePair = Annotated[list[Id], Field(min_length=2, max_length=2,
                                     description="Two sides, by id.")]


class Ending(Strict):
    """One way agreements end the crisis: once every listed pair of sides has agreed."""

    pairs: list[SidePair] = Field(
        min_length=1, description="Pairs of sides; the crisis ends once each pair has "
        "reached an agreement (an accepted offer between them).")


class Agreements(Sourced):
    """Where more than two sides bargain: agreements between different pairs coexist, and
    only those listed here end the crisis."""

    ends_crisis: list[Ending] = Field(
        min_length=1, description="The ways the crisis ends in a settlement: it ends as soon "
        "as every pair of any one entry has agreed. Other agreements stand, and their terms "
        "hold, while the crisis goes on.")


class StandDown(Sourced):
    """How a crisis can end without agreement: both sides stand down, and it lasts."""

    name: str = Field(description="How the story names it, e.g. 'The tanks pull back'.")
    when: Condition = Field(
        description="What standing down means: the postures, rungs and flags that hold once "
        "the sides have stood down (e.g. max_rung and the forces' de-alerted postures).")
    hours: Hours = Field(
        description="How long it must hold without a break for the crisis to end in a "
        "stand-down.")
    description: str = Field("", description="More about it, for readers.")


class BeliefPrior(Sourced):
    """What a leader believes at the start about another side."""

    actor: Id = Field(description="The leader who holds the belief.")
    about: Id = Field(description="The side the belief is about.")
    resolve: Probability = Field(description="Chance the other side stands firm.")
    control: Probability = Field(description="Chance the other side controls its own forces.")
    imminence: Probability = Field(description="Chance the other side attacks soon.")
    threat_bias: float = Field(0.0, ge=-10, le=10, description="Reads threat signals stronger "
                               "(>0) or weaker, from -10 to 10.")
    chain_beliefs: dict[Id, Probability] = Field(
        default_factory=dict, description="Chain link id -> believed probability."
    )


class Utility(Sourced):
    """An actor's payoffs over outcomes."""

    actor: Id = Field(description="The actor whose payoffs these are.")
    terms: dict[Id, dict[Id, Value]] = Field(
        default_factory=dict, description="Issue id -> option id -> value of ending there."
    )
    settlement: Value = Field(0.0, description="Value of any settlement, besides its terms.")
    unresolved: Value = Field(0.0, description="Value of reaching the horizon unresolved.")
    war: dict[Id, Value] = Field(
        default_factory=dict, description="Rung id -> value of a war that reaches that rung."
    )
    audience_cost: Cost = Field(
        0.0, description="Lost for each publicly proposed term the settlement walks back."
    )
    stand_down: Value = Field(
        0.0, description="Value of the crisis ending in a stand-down without agreement "
        "(see the scenario's 'stand_down'); the status quo holds on every issue.")
    action_costs: dict[Id, Cost] = Field(
        default_factory=dict, description="Action id -> what taking it costs the actor at "
        "home once it takes effect, whatever the outcome (mobilising: a sunk cost, a costly "
        "signal); counted with audience costs.")


RecordConfidence = Literal["confirmed", "secondary", "recalled", "conflicting", "assumed"]


class Answer(Strict):
    """A recorded answer to an offer."""

    offer: Id = Field(description="The offer (a message id) answered.")
    mode: Literal["accept", "accept_part", "reject", "ignore"] = Field(
        description="accept, accept_part (only the listed issues), reject or ignore.")
    channel: Id = Field(description="The channel the answer travels over.")
    issues: list[Id] = Field(default_factory=list, description="For accept_part: issues accepted.")


class RecordEntry(Strict):
    """One step of the historical record."""

    at: Instant = Field(description="When it was done.")
    actor: Id = Field(description="Who did it.")
    send: Id | None = Field(None, description="A message sent.")
    answer: Answer | None = Field(None, description="An answer given to an offer.")
    act: Id | None = Field(None, description="An action taken.")
    hold: Id | None = Field(None, description="A pre-delegated response held.")
    incident: Id | None = Field(None, description="An incident that happened.")
    arrives: Instant | None = Field(None, description="When a sent message arrived.")
    alt_at: list[Instant] = Field(default_factory=list, description="Other times sources give.")
    confidence: RecordConfidence = Field(
        "secondary", description="How sure the record is: confirmed, secondary, recalled, "
        "conflicting or assumed.")
    source: str = Field("", description="Where the record says so.")
    note: str = Field("", description="What readers should know about this entry.")

    @model_validator(mode="after")
    def _one_deed(self) -> RecordEntry:
        deeds = [self.send, self.answer, self.act, self.hold, self.incident]
        if sum(d is not None for d in deeds) != 1:
            raise ValueError("a record entry does exactly one of send, answer, act, hold, incident")
        return self


class RecordedOutcome(Strict):
    """How the crisis ended in history."""

    kind: Literal["settlement", "war", "stand_down", "unresolved"] = Field(
        description="settlement, war, stand_down or unresolved.")
    at: Instant | None = Field(None, description="When it ended.")
    public_terms: Terms = Field(default_factory=dict, description="The terms made public.")
    private_terms: Terms = Field(
        default_factory=dict, description="The terms kept off the public record.")
    source: str = Field("", description="Where the record says so.")


class History(Strict):
    """The historical record: replayed by `brink replay`, never read by decision models."""

    record: list[RecordEntry] = Field(
        min_length=1, description="What was done, when and by whom, in any order.")
    outcome: RecordedOutcome = Field(description="How it ended.")
    notes: list[str] = Field(
        default_factory=list, description="What readers should know about the record.")


Authority = Literal["official", "semi_official", "unofficial"]
_DEFAULT_AUTHORITY_WEIGHTS: dict[Authority, float] = {
    "official": 1.0, "semi_official": 0.6, "unofficial": 0.3}


class Perception(Sourced):
    """How messages and events move beliefs."""

    authority_weights: dict[Authority, Factor] = Field(
        default_factory=lambda: dict(_DEFAULT_AUTHORITY_WEIGHTS),
        description="How much each authority of channel counts.",
    )
    stress_per_hour: Factor = Field(
        0.0, description="Stress a leader gains per hour of crisis."
    )
    stress_per_incident: Factor = Field(0.0, description="Stress gained per incident seen.")


UTILITY_TERMS = ("settlement", "terms", "audience", "alliance", "war", "unresolved", "orders")
"""The terms of an expected utility that weights (a leader's, an adviser's) may scale."""


Weights = Annotated[
    dict[str, Factor],
    AfterValidator(_only_keys(UTILITY_TERMS, "utility term")),
    Field(description="Weights on utility terms (settlement, terms, audience, alliance, war, "
                      "unresolved, orders); 1 where not given."),
]


class DecisionModel(Sourced):
    """How the default decision-maker of one actor reasons: the parameters of its three lenses."""

    actor: Id = Field(description="The actor these parameters are for.")
    rationality: Factor = Field(
        1.0, description="Precision of the logit (quantal response) choice, per unit of "
        "utility: 0 picks at random, a very high value picks the expected-utility maximum.")
    depth: int = Field(
        1, ge=1, le=6, description="Replies simulated 'in his shoes': 1 models the other "
        "side's answer to each option, 2 also one's own answer to that, and so on.")
    discount_per_hour: float = Field(
        1.0, gt=0, le=1, description="Impatience: an outcome an hour later is worth this "
        "share of its difference from staying unresolved.")
    horizon_hours: float = Field(
        24.0, gt=0, le=MAX_HOURS, description="How far ahead the actor reckons the risk of "
        "carrying on without a deal.")
    review_hours: float = Field(
        3.0, ge=MIN_INTERVAL_HOURS, le=MAX_HOURS, description="How long the actor lets pass "
        "before it reconsiders when nothing happens (at least one minute).")
    inertia: Cost = Field(
        0.0, description="What an option must gain over waiting to be worth taking "
        "(status-quo bias), in utility units.")
    considered: int = Field(
        4, ge=1, le=1000, description="How many options, the best at a first glance, the actor "
        "thinks through in the other side's shoes; the others keep their first-glance value "
        "(bounded rationality).")
    weights: Weights = Field(default_factory=dict)
    opponent_weights: Weights = Field(
        default_factory=dict, description="Weights the actor puts on the other side's "
        "utility terms when it imagines the other's choice ('in his shoes').")
    firm_war_weight: Factor = Field(
        0.5, description="Weight on the cost of war of an opponent who stands firm; "
        "the belief in the other's resolve mixes it with the declared weight.")
    self_influence: float = Field(
        1.0, gt=0, le=1e6, description="The leader's own voice in a meeting, against its advisers' "
        "influence.")
    persuasion: Probability = Field(
        0.0, description="Share of the gap between the leader's weights and its meeting's "
        "influence-weighted view that each meeting closes.")
    fatigue_per_hour: Factor = Field(
        0.0, description="Precision lost per hour of sleepless crisis: rationality / "
        "(1 + fatigue_per_hour x hours + stress_weight x stress).")
    stress_weight: Factor = Field(0.0, description="How much stress degrades choice.")
    order_values: dict[Id, Value] = Field(
        default_factory=dict, description="Standing order id -> what keeping it in force is "
        "worth per hour (intelligence, readiness), weighed against its risks.")
    posture_values: dict[Id, dict[Id, Value]] = Field(
        default_factory=dict, description="Force id -> posture id -> what the force being in "
        "that posture is worth per hour (reconnaissance's intelligence, readiness).")
    type_levels: int = Field(
        3, ge=1, le=6, description="Where a side has hidden types: how many rounds of "
        "'he reads my move, knowing how I would read his' the actor reasons through when it "
        "reads a typed side's deeds or weighs its own as signals (level-k reasoning; 1 "
        "reads nothing into deeds).")
    consults: bool = Field(
        False, description="Whether the actor answers offers and takes military action only "
        "at the end of a meeting it convenes, while one is still to come.")


# -- the escalation scale -------------------------------------------------------------------
EscalationCategory = Literal["de_escalation", "status_quo", "posturing", "non_violent_escalation",
                             "violent_escalation", "nuclear"]
"""The categories of the escalation taxonomy (``docs/escalation.md``), lowest first."""
ESCALATION_TAXONOMY: Literal["brinkmanship.escalation/1"] = "brinkmanship.escalation/1"
KahnRung = Annotated[int, Field(ge=0, le=44, description="The nearest rung of Herman Kahn's "
                                "escalation ladder (On Escalation, 1965): 0 'disagreement - "
                                "cold war' to 44 'spasm or insensate war'.")]


class ScaleEntry(Sourced):
    """Where one thing of the scenario stands on the escalation taxonomy."""

    category: EscalationCategory = Field(description="de_escalation, status_quo, posturing, "
                                         "non_violent_escalation, violent_escalation or "
                                         "nuclear.")
    kahn: KahnRung | None = Field(None, description="The nearest rung of Kahn's ladder, for "
                                  "comparison with studies that score on it.")


class RungScale(ScaleEntry):
    """A rung placed on the taxonomy."""

    rung: Id = Field(description="A rung of the ladder; actions that raise the ladder to it "
                     "are scored so, unless the action has an entry of its own.")


class ActionScale(ScaleEntry):
    """An action placed on the taxonomy (ahead of the rung it raises the ladder to)."""

    action: Id = Field(description="An action the scenario declares.")


class MessageScale(ScaleEntry):
    """A message draft placed on the taxonomy."""

    message: Id = Field(description="A message draft; without an entry a draft is scored by "
                        "its kind (docs/escalation.md).")


class OrderScale(Sourced):
    """A standing order's two changes placed on the taxonomy."""

    order: Id = Field(description="A standing order.")
    in_force: EscalationCategory = Field(description="Putting the order in force.")
    rescinded: EscalationCategory = Field(description="Rescinding it.")
    kahn_in_force: KahnRung | None = Field(None, description="Kahn's rung of putting it in "
                                           "force.")
    kahn_rescinded: KahnRung | None = Field(None, description="Kahn's rung of rescinding it.")


class EscalationScale(Strict):
    """The scenario's ladder, actions, orders and messages placed on the versioned
    escalation taxonomy, so that every decision of every decision-maker gets an escalation
    score comparable across scenarios and with published language-model wargames."""

    taxonomy: Literal["brinkmanship.escalation/1"] = Field(
        ESCALATION_TAXONOMY, description="The taxonomy's version (docs/escalation.md).")
    rungs: list[RungScale] = Field(default_factory=list, description="The ladder's rungs.")
    actions: list[ActionScale] = Field(default_factory=list, description="Actions, where "
                                       "the rung they reach does not say enough.")
    orders: list[OrderScale] = Field(default_factory=list, description="Standing orders "
                                     "put in force and rescinded.")
    messages: list[MessageScale] = Field(default_factory=list, description="Message drafts, "
                                         "where their kind does not say enough.")


class Scenario(Strict):
    """A crisis, complete: everything the engine needs, as data."""

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(getattr(self, part))} {part}" for part in
                           ("actors", "messages", "actions", "incidents"))
        return f"<Scenario {self.scenario.id}: {self.scenario.title!r}; {counts}>"

    def __str__(self) -> str:
        return repr(self)

    scenario: Meta = Field(description="What the scenario is: name, title, time span, clocks.")
    sides: list[Side] = Field(min_length=1, description="The parties to the crisis.")
    actors: list[Actor] = Field(
        min_length=1, description="People and bodies that decide, advise, command or carry "
        "messages.")
    issues: list[Issue] = Field(default_factory=list, description="What is bargained over.")
    channels: list[Channel] = Field(
        default_factory=list, description="The ways messages travel.")
    ladder: list[Rung] = Field(
        min_length=1, description="The escalation ladder, lowest rung first; the crisis "
        "starts on the first unless 'scenario.initial_rung' names another.")
    forces: list[Force] = Field(
        default_factory=list, description="Bodies of forces and their postures.")
    actions: list[Action] = Field(
        default_factory=list, description="What actors can do.")
    standing_orders: list[StandingOrder] = Field(
        default_factory=list, description="Orders commands act on without asking again.")
    incidents: list[Incident] = Field(
        default_factory=list, description="What forces do at a hazard rate.")
    responses: list[Response] = Field(
        default_factory=list, description="Pre-delegated responses, which fire unless held.")
    chains: list[Chain] = Field(
        default_factory=list, description="Escalation chains: action -> likely reaction.")
    messages: list[Message] = Field(
        default_factory=list, description="The message drafts actors may send.")
    reactions: list[Reaction] = Field(
        default_factory=list, description="Third parties' reactions to public terms.")
    meetings: list[Meeting] = Field(
        default_factory=list, description="Scheduled meetings of leaders with advisers.")
    decision_points: list[DecisionPoint] = Field(
        default_factory=list, description="When leaders are asked to decide, besides news.")
    deadlines: list[Deadline] = Field(
        default_factory=list, description="Deadlines and what follows if they pass.")
    agreements: Agreements | None = Field(
        None, description="Which agreements end the crisis (by default the first agreement "
        "between any two sides does).")
    timetables: list[Timetable] = Field(
        default_factory=list, description="Scheduled activities and their phases (not "
        "deadlines: nothing needs to fail for them to go ahead).")
    stand_down: StandDown | None = Field(
        None, description="How the crisis ends without agreement, when the sides stand down "
        "and stay down (an outcome of its own, apart from unresolved at the horizon).")
    beliefs: list[BeliefPrior] = Field(
        default_factory=list, description="What leaders believe about each other at the start.")
    utilities: list[Utility] = Field(
        default_factory=list, description="Payoffs of outcomes, by actor.")
    perception: Perception = Field(
        default_factory=Perception, description="How messages, actions and incidents move "
        "leaders' beliefs.")
    decision_models: list[DecisionModel] = Field(
        default_factory=list, description="Parameters of the default decision-makers, by "
        "actor; actors left out get the defaults.")
    letters: Letters = Field(
        default_factory=Letters, description="Who may compose letters of their own in play, "
        "and what a letter may carry.")
    history: History | None = Field(None, description="Optional historical record.")
    escalation: EscalationScale | None = Field(
        None, description="Where the ladder, actions, orders and messages stand on the "
        "escalation taxonomy (docs/escalation.md); without it, choices are scored by their "
        "kind and the war flag of the rungs they reach.")

    def start_rung(self) -> Rung:
        """The rung the crisis starts on: ``scenario.initial_rung``, else the ladder's first."""
        wanted = self.scenario.initial_rung
        return next((r for r in self.ladder if r.id == wanted), self.ladder[0])
