"""The one interface between the engine and whoever decides for an actor.

A policy sees an :class:`Observation` — what its actor knows, never the other side's
secrets — and returns a :class:`Decision`: some of the legal :class:`Option` values it was
offered, and optionally when it wants to be asked again. The engine enforces legality and
logs every decision; policies fill only :meth:`Policy.decide`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from brinkmanship.scenario.schema import Scenario

OptionKind = Literal[
    "send", "accept", "accept_part", "reject", "act", "hold", "release", "order_on", "order_off"
]
OPTION_KINDS: tuple[str, ...] = get_args(OptionKind)


@dataclass(frozen=True, order=True)
class Option:
    """One legal move: what kind, on what (a message, offer, action, response or order)."""

    kind: OptionKind
    target: str
    channel: str | None = None
    issues: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """A short stable spelling, e.g. ``accept:first_letter@cable``."""
        text = f"{self.kind}:{self.target}"
        if self.issues:
            text += "[" + "+".join(self.issues) + "]"
        if self.channel:
            text += f"@{self.channel}"
        return text

    @classmethod
    def parse(cls, key: str) -> Option:
        """The option spelt ``key`` (the inverse of :attr:`key`); ``ValueError`` if malformed."""
        kind, sep, rest = key.partition(":")
        if not sep or kind not in OPTION_KINDS or not rest:
            raise ValueError(f"not an option key: {key!r}")
        rest, _, channel = rest.partition("@")
        target, _, issues = rest.partition("[")
        parts = tuple(issues.rstrip("]").split("+")) if issues else ()
        return cls(kind, target, channel or None, parts)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Received:
    """A message as its reader got it (possibly distorted)."""

    id: str
    draft: str | None
    kind: str
    sender: str
    sender_side: str
    recipient: str
    channel: str
    public: bool
    sent_at: datetime
    received_at: datetime
    terms: dict[str, str]
    private_terms: dict[str, str]
    signals: dict[str, float]
    replies_to: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class OfferView:
    """An offer and where it stands, as the observer knows it."""

    id: str
    sender: str
    recipient: str
    terms: dict[str, str]
    private_terms: dict[str, str]
    public: bool
    status: str
    delivered_at: datetime | None
    lapses_at: datetime | None


@dataclass(frozen=True)
class Sighting:
    """An incident or an action the observer learned of."""

    kind: Literal["incident", "action"]
    id: str
    side: str
    at: datetime
    authorised: bool


@dataclass(frozen=True)
class Route:
    """Where a letter may go now: a recipient, and a channel open between the two.

    ``always_public``: the channel is public, so a letter over it is public too.
    """

    to: str
    channel: str
    always_public: bool


@dataclass(frozen=True)
class LetterForm:
    """What an actor may write now in a letter of its own (see :class:`Letter`).

    ``issues`` maps each issue a letter may touch to its options, in scenario order;
    ``private_terms`` says whether off-the-record terms are allowed; ``max_text`` bounds
    the free text in characters; ``per_decision`` bounds the letters of one decision.
    """

    routes: tuple[Route, ...]
    issues: dict[str, tuple[str, ...]]
    private_terms: bool
    max_text: int
    per_decision: int

    def route(self, to: str, channel: str) -> Route | None:
        """The route to ``to`` over ``channel``, if it is open now."""
        return next((r for r in self.routes if r.to == to and r.channel == channel), None)


@dataclass(frozen=True)
class Letter:
    """A letter an actor composes itself: to whom, over which channel, public or not, the
    terms it proposes (issue -> option), off-the-record terms, and a free text.

    A letter with terms is an offer its recipient may accept, accept in part or reject;
    one with only off-the-record terms is an assurance; one with neither is a statement.
    """

    to: str
    channel: str
    terms: dict[str, str] = field(default_factory=dict)
    private_terms: dict[str, str] = field(default_factory=dict)
    text: str = ""
    public: bool = False

    @property
    def kind(self) -> str:
        """The kind of message it makes: offer, assurance or statement."""
        return "offer" if self.terms else "assurance" if self.private_terms else "statement"


@dataclass(frozen=True)
class SentLetter:
    """A letter the observer composed and sent: its id (``letter:N``), the letter as
    written, when it went out, and whether it has arrived."""

    id: str
    letter: Letter
    sent_at: datetime
    arrived: bool


@dataclass(frozen=True)
class Observation:
    """Everything one actor knows at one moment, and what it may do now."""

    actor: str
    side: str
    now: datetime
    reason: str
    inbox: tuple[Received, ...]
    pending_offers: tuple[OfferView, ...]
    own_offers: tuple[OfferView, ...]
    sightings: tuple[Sighting, ...]
    rung: str
    rung_level: int
    postures: dict[str, str]
    orders: dict[str, bool]
    holds: dict[str, bool]
    beliefs: dict[str, dict[str, float]]
    stress: float
    deadlines: dict[str, datetime]
    flags: frozenset[str]
    options: tuple[Option, ...]
    meeting: str | None = None
    letter_form: LetterForm | None = None
    letters_sent: tuple[SentLetter, ...] = ()
    side_type: str | None = None
    """The hidden type of the actor's own side, where its side has types (never another's)."""
    schedule: dict[str, datetime] = field(default_factory=dict)
    """The phases of the timetables the actor knows in advance (its own side's, and those it
    is among the ``known_to`` of), keyed ``TIMETABLE:PHASE``, with when each is due."""


@dataclass
class Decision:
    """What a policy chose: options (maybe none, i.e. wait), a wake-up, a trace, and
    letters of its own (each within the observation's :attr:`Observation.letter_form`).

    ``calls`` are the language-model calls the decision took (the fields of a
    ``model_call`` event, see :mod:`brinkmanship.engine.events`); the engine logs them
    before the decision.
    """

    choices: list[Option] = field(default_factory=list)
    wake_at: datetime | None = None
    trace: dict[str, Any] | None = None
    letters: list[Letter] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)


@runtime_checkable
class Policy(Protocol):
    """A decision-maker for one actor."""

    name: str

    def bind(self, scenario: Scenario, actor: str) -> None:
        """Called once before a run; ``scenario`` has no history unless the policy is scripted."""

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        """Choose among ``obs.options``; an empty decision waits."""
        ...
