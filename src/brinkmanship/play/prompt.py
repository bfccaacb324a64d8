"""What a player types at the prompt, read into a decision or a command.

Every wrong answer is an :class:`AnswerError` whose message fits on one line and says what
would be understood instead; reading an answer never changes the game.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from brinkmanship.engine.game import Turn
from brinkmanship.policies.base import Decision, Option
from brinkmanship.scenario.timeparse import iso_utc, parse_instant, zone
from brinkmanship.seat import numbered

Command = Literal["decide", "help", "save", "quit", "write"]
_CLOCK = re.compile(r"^(\d{1,2})[:h.](\d{2})$")
_SPAN = re.compile(r"^\+?(\d+(?:\.\d+)?)\s*(h|hours?|m|min|minutes?)$")


class AnswerError(ValueError):
    """An answer the prompt does not understand; the message says what would do."""


@dataclass(frozen=True)
class Answer:
    """What the player asked for: a decision, or help, a save, to quit, or to write a letter
    (the dialogue of :mod:`brinkmanship.play.compose`)."""

    command: Command
    decision: Decision | None = None


def read_answer(text: str, turn: Turn, seat_zone: str) -> Answer:
    """Read one line typed at ``turn``'s prompt (times are on the seat's clock)."""
    words = text.strip().replace(",", " ").split()
    if not words:
        raise AnswerError("Type an option's number, w to wait for news, or ? for help.")
    head = words[0].lower()
    if head in ("?", "h", "help"):
        return Answer("help")
    if head in ("q", "quit", "exit"):
        return Answer("quit")
    if head in ("s", "save"):
        return Answer("save")
    if head in ("l", "letter", "write") and len(words) == 1:
        if turn.observation.letter_form is None:
            raise AnswerError("You may not write a letter of your own now: no channel to "
                              "anyone you may write to is open.")
        return Answer("write")
    if head in ("w", "wait", "until"):
        when = " ".join(words[1:])
        return Answer("decide", Decision(wake_at=_when(when, turn, seat_zone) if when else None))
    return Answer("decide", Decision(_choices(words, turn)))


def _choices(words: list[str], turn: Turn) -> list[Option]:
    options = numbered(turn.options)
    picked: list[Option] = []
    for word in words:
        if word.isdigit():
            n = int(word)
            if not options:
                raise AnswerError("There is nothing to choose now: type w to wait for news.")
            if not 1 <= n <= len(options):
                raise AnswerError(f"There is no option {n}: choose 1 to {len(options)}, "
                                  "or w to wait.")
            option = options[n - 1]
        else:
            option = _by_key(word, options)
        if option in picked:
            raise AnswerError(f"Option {word} is given twice.")
        picked.append(option)
    return picked


def _by_key(word: str, options: tuple[Option, ...]) -> Option:
    for option in options:
        if option.key == word:
            return option
    raise AnswerError(f"Not understood: {word[:40]!r}. Type an option's number, w to wait, "
                      "or ? for help.")


def _when(text: str, turn: Turn, seat_zone: str) -> datetime:
    """A wake-up time: ``18:00`` on the seat's clock (the next such time), ``3h``, ``90m``,
    or an ISO 8601 instant; never before now."""
    now = turn.now
    span = _SPAN.match(text.lower())
    clock = _CLOCK.match(text)
    if span:
        amount = float(span.group(1))
        moment = now + (timedelta(hours=amount) if span.group(2).startswith("h")
                        else timedelta(minutes=amount))
    elif clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        if hour > 23 or minute > 59:
            raise AnswerError(f"{text} is not a time of day.")
        local = now.astimezone(zone(seat_zone))
        moment = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if moment <= local:
            moment += timedelta(days=1)
    else:
        try:
            parsed = parse_instant(text)
        except ValueError:
            raise AnswerError(f"Not a time: {text[:40]!r}. Try w 18:00, w 3h or "
                              "w 1962-10-27T18:00Z.") from None
        if not isinstance(parsed, datetime):
            raise AnswerError(f"Not a time: {text[:40]!r}.")
        moment = parsed
    if moment <= now:
        raise AnswerError(f"{iso_utc(moment)} is not after now ({iso_utc(now)}).")
    return moment
