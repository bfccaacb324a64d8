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

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from brinkmanship.scenario.timeparse import parse_instant

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
Hours = Annotated[float, Field(ge=0, description="A duration in hours (not negative).")]
Probability = Annotated[float, Field(ge=0, le=1, description="A probability, from 0 to 1.")]
Terms = Annotated[
    dict[Id, Id],
    Field(description="Terms: for each issue id, the option id proposed or agreed."),
]


class Strict(BaseModel):
    """Base of every scenario structure: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


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

    @model_validator(mode="after")
    def _start_before_end(self) -> Meta:
        if self.end <= self.start:
            raise ValueError("'end' must be after 'start'")
        return self


class Side(Strict):
    """A party to the crisis: a state, an alliance, a government."""

    id: Id
    name: str
    leader: Id = Field(description="The actor who decides for this side.")
    principal: bool = Field(
        True, description="Whether the side is a principal (settles, fights) or a third party."
    )
    allies: list[Id] = Field(default_factory=list, description="Sides this side is allied with.")


ActorKind = Literal["leader", "adviser", "command", "third_party", "envoy"]


class Actor(Sourced):
    """A person or body that acts, decides, advises or carries messages."""

    id: Id
    name: str
    kind: ActorKind = Field(description="leader, adviser, command, third_party or envoy.")
    side: Id = Field(description="The side the actor belongs to.")
    zone: str = Field(description="IANA zone the actor lives in.")
    serves: Id | None = Field(None, description="For advisers, commands and envoys: their leader.")
    influence: float = Field(
        0.0, ge=0, description="For advisers: weight of the adviser's voice in meetings."
    )
    weights: dict[str, float] = Field(
        default_factory=dict,
        description="For advisers: utility weights (e.g. 'war', 'terms', 'audience') "
        "the adviser argues for.",
    )
    description: str = ""


class IssueOption(Strict):
    id: Id
    name: str


class Issue(Strict):
    """A question on the table, with its possible answers."""

    id: Id
    name: str
    options: list[IssueOption] = Field(min_length=2)
    status_quo: Id = Field(description="The option that holds if nothing is agreed.")
    touches: list[Id] = Field(
        default_factory=list,
        description="Sides (allies, third parties) whose interests this issue touches.",
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

    distortion_probability: Probability = 0.0
    kinds: list[DistortionKind] = Field(
        default_factory=list,
        description="harden (threat signals read stronger), soften (weaker), drop_term "
        "(one term is lost), delay (extra latency).",
    )
    strength: float = Field(
        1.0, ge=0, description="How much harden/soften scale signals (1 doubles or halves them)."
    )
    extra_delay_hours: Hours = Field(6.0, description="Added latency for 'delay' distortions.")

    @model_validator(mode="after")
    def _kinds_when_distorting(self) -> Fidelity:
        if self.distortion_probability > 0 and not self.kinds:
            raise ValueError("a channel that distorts must list the 'kinds' of distortion")
        return self


class Channel(Strict):
    """A way messages travel between actors."""

    id: Id
    name: str
    members: list[Id] = Field(
        min_length=2, description="Actors who send and receive over this channel."
    )
    visibility: Literal["public", "private"] = Field(
        description="public: every actor hears what passes; private: only the two ends."
    )
    authority: Literal["official", "semi_official", "unofficial"] = Field(
        description="How much weight receivers give to what arrives."
    )
    latency: Latency
    fidelity: Fidelity = Field(default_factory=Fidelity)
    opens: Instant | None = Field(None, description="Before this instant the channel is closed.")
    description: str = ""


Signals = Annotated[
    dict[Literal["resolve", "control", "imminence"], float],
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
    after: Instant | None = None
    before: Instant | None = None


class Effects(Strict):
    """What happens to the world when something takes effect."""

    set_flags: list[str] = Field(default_factory=list)
    clear_flags: list[str] = Field(default_factory=list)
    postures: dict[Id, Id] = Field(default_factory=dict, description="Force id -> new posture.")
    rung: Id | None = Field(None, description="Raise the escalation ladder to at least this rung.")
    signals: Signals = Field(default_factory=dict)
    orders: dict[Id, bool] = Field(
        default_factory=dict, description="Standing orders switched on (true) or off (false)."
    )


class Rung(Strict):
    """A step of the escalation ladder."""

    id: Id
    name: str
    level: int = Field(description="Position on the ladder; higher is more violent.")
    war: bool = Field(False, description="Reaching this rung means war.")
    description: str = ""


class Posture(Strict):
    id: Id
    name: str


class Force(Strict):
    """A body of forces with a posture, under a command."""

    id: Id
    name: str
    side: Id
    command: Id = Field(description="The command actor that holds this force.")
    postures: list[Posture] = Field(min_length=1)
    initial: Id = Field(description="The posture at the start.")


class Action(Sourced):
    """Something an actor can do: diplomatic, political or military."""

    id: Id
    name: str
    actor: Id = Field(description="Who takes this action (a leader, or a command for chains).")
    kind: Literal["military", "diplomatic", "political", "posture"] = "military"
    duration_hours: Hours = Field(0.0, description="Time from the decision until it takes effect.")
    requires: Condition = Field(default_factory=Condition)
    effects: Effects = Field(default_factory=Effects)
    public: bool = Field(True, description="Whether other sides see it when it takes effect.")
    repeatable: bool = False
    description: str = ""


class StandingOrder(Sourced):
    """An order a command acts on without asking its leader again."""

    id: Id
    name: str
    holder: Id = Field(description="The command actor that acts on it.")
    issued_by: Id = Field(description="The actor who issued it.")
    active: bool = Field(True, description="Whether it is in force at the start.")
    activates_at: Instant | None = Field(None, description="When it comes into force, if later.")
    change_delay: Latency = Field(
        default_factory=lambda: Latency(median_hours=1.0, assumption="default"),
        description="How long a change of this order takes to reach the units.",
    )
    compliance: Probability = Field(
        1.0, description="Chance that the units obey a change of this order."
    )
    description: str = ""


class Incident(Sourced):
    """Something local forces do at a hazard rate, whether the leaders wish it or not."""

    id: Id
    name: str
    force: Id = Field(description="The force whose units cause it.")
    under_order: Id | None = Field(
        None, description="Standing order it is carried out under; no hazard while it is off."
    )
    hazard_per_hour: float = Field(ge=0, description="Base rate, occurrences per hour.")
    posture_multipliers: dict[Id, dict[Id, float]] = Field(
        default_factory=dict,
        description="Force id -> posture id -> factor on the hazard while in that posture.",
    )
    requires: Condition = Field(default_factory=Condition)
    max_occurrences: int = Field(1, ge=1)
    public: bool = Field(True, description="Whether every side learns of it when it happens.")
    authorised: bool = Field(
        False, description="Whether the side's leader authorised such acts in advance."
    )
    effects: Effects = Field(default_factory=Effects)
    description: str = ""


class Trigger(Strict):
    incident: Id | None = None
    action: Id | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        if (self.incident is None) == (self.action is None):
            raise ValueError("a trigger names exactly one of 'incident' or 'action'")
        return self


class Response(Sourced):
    """A pre-delegated response: it fires on its trigger unless a leader holds it."""

    id: Id
    name: str
    holder: Id = Field(description="The command that carries it out.")
    authorised_by: Id = Field(description="The leader who pre-delegated it and may hold it.")
    trigger: Trigger
    action: Id = Field(description="The action carried out when it fires.")
    delay_hours: Hours = Field(0.0, description="From trigger to firing.")
    held: bool = Field(False, description="Whether it is held at the start.")
    hold_failure_probability: Probability = Field(
        0.0, description="Chance that a hold fails to stop it when it is due."
    )
    description: str = ""


class ChainLink(Sourced):
    """One step of a response doctrine: after this action, likely that reaction."""

    id: Id
    after: Id = Field(description="The action that provokes the reaction.")
    then: Id = Field(description="The reaction, carried out by its action's actor.")
    probability: Probability
    delay: Latency


class Chain(Strict):
    """A probabilistic, delayed graph of action -> likely reaction."""

    id: Id
    name: str
    links: list[ChainLink] = Field(min_length=1)
    description: str = ""


MessageKind = Literal["offer", "assurance", "statement", "warning", "answer"]


class Message(Sourced):
    """A message an actor may send: the drafts on the table."""

    id: Id
    name: str
    sender: Id
    recipient: Id
    channel: Id
    kind: MessageKind
    terms: Terms = Field(default_factory=dict)
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
    signals: Signals = Field(default_factory=dict)
    requires: Condition = Field(default_factory=Condition)
    text: str = Field("", description="What it says, in a sentence.")


class Reaction(Sourced):
    """A third party's reaction to public terms that touch it."""

    id: Id
    actor: Id
    on_public_terms: Terms = Field(
        description="Fires when a public message proposes any of these issue options."
    )
    delay: Latency
    message: Id | None = Field(None, description="A message the actor sends in reaction.")
    effects: Effects = Field(default_factory=Effects)
    costs: dict[Id, float] = Field(
        default_factory=dict, description="Actor id -> utility lost when this reaction happens."
    )


class Meeting(Sourced):
    """A scheduled meeting of a leader with advisers; the leader decides at its end."""

    id: Id
    name: str
    convener: Id
    at: Instant
    duration_hours: Hours
    attendees: list[Id] = Field(default_factory=list)


class DecisionPoint(Strict):
    """When a leader is asked to decide, besides meetings and arriving news."""

    actor: Id
    at: Instant | None = None
    every_hours: float | None = Field(None, gt=0, description="Repeat at this interval.")

    @model_validator(mode="after")
    def _when(self) -> DecisionPoint:
        if self.at is None and self.every_hours is None:
            raise ValueError("a decision point needs 'at' or 'every_hours'")
        return self


class Deadline(Sourced):
    """A deadline: unless its condition is met by then, its consequence follows."""

    id: Id
    name: str
    at: Instant
    known_to: list[Id] = Field(default_factory=list)
    unless: Condition = Field(
        default_factory=Condition, description="The deadline is void if this holds when due."
    )
    action: Id | None = Field(None, description="An action carried out on expiry.")
    effects: Effects = Field(default_factory=Effects)


class BeliefPrior(Sourced):
    """What a leader believes at the start about another side."""

    actor: Id
    about: Id = Field(description="The side the belief is about.")
    resolve: Probability = Field(description="Chance the other side stands firm.")
    control: Probability = Field(description="Chance the other side controls its own forces.")
    imminence: Probability = Field(description="Chance the other side attacks soon.")
    threat_bias: float = Field(0.0, description="Reads threat signals stronger (>0) or weaker.")
    chain_beliefs: dict[Id, Probability] = Field(
        default_factory=dict, description="Chain link id -> believed probability."
    )


class Utility(Sourced):
    """An actor's payoffs over outcomes."""

    actor: Id
    terms: dict[Id, dict[Id, float]] = Field(
        default_factory=dict, description="Issue id -> option id -> value of ending there."
    )
    settlement: float = Field(0.0, description="Value of any settlement, besides its terms.")
    unresolved: float = Field(0.0, description="Value of reaching the horizon unresolved.")
    war: dict[Id, float] = Field(
        default_factory=dict, description="Rung id -> value of a war that reaches that rung."
    )
    audience_cost: float = Field(
        0.0, ge=0, description="Lost for each publicly proposed term the settlement walks back."
    )


RecordConfidence = Literal["confirmed", "secondary", "recalled", "conflicting", "assumed"]


class Answer(Strict):
    offer: Id
    mode: Literal["accept", "accept_part", "reject", "ignore"]
    channel: Id
    issues: list[Id] = Field(default_factory=list, description="For accept_part: issues accepted.")


class RecordEntry(Strict):
    """One step of the historical record."""

    at: Instant
    actor: Id
    send: Id | None = Field(None, description="A message sent.")
    answer: Answer | None = None
    act: Id | None = Field(None, description="An action taken.")
    hold: Id | None = Field(None, description="A pre-delegated response held.")
    incident: Id | None = Field(None, description="An incident that happened.")
    arrives: Instant | None = Field(None, description="When a sent message arrived.")
    alt_at: list[Instant] = Field(default_factory=list, description="Other times sources give.")
    confidence: RecordConfidence = "secondary"
    source: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _one_deed(self) -> RecordEntry:
        deeds = [self.send, self.answer, self.act, self.hold, self.incident]
        if sum(d is not None for d in deeds) != 1:
            raise ValueError("a record entry does exactly one of send, answer, act, hold, incident")
        return self


class RecordedOutcome(Strict):
    kind: Literal["settlement", "war", "unresolved"]
    at: Instant | None = None
    public_terms: Terms = Field(default_factory=dict)
    private_terms: Terms = Field(default_factory=dict)
    source: str = ""


class History(Strict):
    """The historical record: replayed by `brink replay`, never read by decision models."""

    record: list[RecordEntry] = Field(min_length=1)
    outcome: RecordedOutcome
    notes: list[str] = Field(default_factory=list)


class Perception(Sourced):
    """How messages and events move beliefs."""

    authority_weights: dict[Literal["official", "semi_official", "unofficial"], float] = Field(
        default_factory=lambda: {"official": 1.0, "semi_official": 0.6, "unofficial": 0.3},
        description="How much each authority of channel counts.",
    )
    stress_per_hour: float = Field(
        0.0, ge=0, description="Stress a leader gains per hour of crisis."
    )
    stress_per_incident: float = Field(0.0, ge=0, description="Stress gained per incident seen.")


class Scenario(Strict):
    """A crisis, complete: everything the engine needs, as data."""

    scenario: Meta
    sides: list[Side] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=1)
    issues: list[Issue] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    ladder: list[Rung] = Field(min_length=1)
    forces: list[Force] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    standing_orders: list[StandingOrder] = Field(default_factory=list)
    incidents: list[Incident] = Field(default_factory=list)
    responses: list[Response] = Field(default_factory=list)
    chains: list[Chain] = Field(default_factory=list)
    messages: list[Message] = Field(default_factory=list)
    reactions: list[Reaction] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    decision_points: list[DecisionPoint] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    beliefs: list[BeliefPrior] = Field(default_factory=list)
    utilities: list[Utility] = Field(default_factory=list)
    perception: Perception = Field(default_factory=Perception)
    history: History | None = Field(None, description="Optional historical record.")
