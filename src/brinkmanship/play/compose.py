"""Writing a letter of one's own at the terminal: a short dialogue, then the letter.

The dialogue asks, in order: to whom, over which channel, whether to release it to the
press, one option for each issue (or none), off-the-record terms where the scenario allows
them, and a one-line text; then it shows the letter and asks to send it. Every question
offers only what the turn's letter form allows; a wrong answer is said in one line and the
question is asked again; ``x`` at any question gives up the letter. Nothing here changes
the game: the caller submits the letter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.markup import escape

from brinkmanship.engine.letters import letter_problem
from brinkmanship.policies.base import Letter, LetterForm
from brinkmanship.seat import IssueChoice, Ref, TurnView

ReadLine = Callable[[str], str]
Say = Callable[[str], None]
T = TypeVar("T")


class Cancelled(Exception):
    """The player gave up the letter."""


class _LeftOut(Exception):
    """The player left an issue out of the letter."""


def compose(view: TurnView, form: LetterForm, read_line: ReadLine, say: Say) -> Letter | None:
    """The letter the player writes within ``form`` (the turn's letter form; ``view`` gives
    the names), or ``None`` if they give it up. ``EOFError`` and ``KeyboardInterrupt`` pass
    through, for the caller to save the game."""
    shown = view.letter_form
    assert shown is not None
    ask = _Asker(read_line, say)
    say("[bold]A letter of your own[/] (x at any question gives it up)")
    try:
        people = list({r.recipient.id: r.recipient for r in shown.routes}.values())
        to = ask.pick("To whom?", people, lambda p: p.name)
        routes = [r for r in shown.routes if r.recipient.id == to.id]
        route = ask.pick("Over which channel?", routes,
                         lambda r: r.channel.name + (" (public)" if r.always_public else ""))
        if route.always_public:
            say(f"{escape(route.channel.name)} is public: every side will read the letter.")
            public = True
        else:
            public = ask.yes("Release it to the press, so every side reads it? (y/N)", False)
        terms = _terms(ask, shown.issues, "Terms: for each issue, the option you propose")
        private: dict[str, str] = {}
        rest = [i for i in shown.issues if i.issue.id not in terms]
        if shown.private_terms and rest and ask.yes(
                "Add assurances off the record, seen only by the recipient? (y/N)", False):
            private = _terms(ask, rest, "Off the record: for each issue, the option you assure")
        while True:
            text = ask.line(f"Text (one line, at most {shown.max_text} characters; Enter for "
                            "none):")
            letter = Letter(to.id, route.channel.id, terms, private, text, public)
            wrong = letter_problem(letter, form)
            if wrong is None:
                break
            ask.wrong(f"{wrong.partition(': ')[2]}: write the text again, or x to give up "
                      "the letter.")
        say(summary(view, letter))
        if not ask.yes("Send it? (Y/n)", True):
            raise Cancelled
    except Cancelled:
        return None
    return letter


def summary(view: TurnView, letter: Letter) -> str:
    """The letter in a few lines, as the recipient would read it (before any distortion)."""
    names = {r.recipient.id: r.recipient.name for r in (view.letter_form.routes
                                                         if view.letter_form else [])}
    channels = {r.channel.id: r.channel.name for r in (view.letter_form.routes
                                                       if view.letter_form else [])}
    issues = {i.issue.id: i for i in (view.letter_form.issues if view.letter_form else [])}

    def said(terms: dict[str, str]) -> str:
        return "; ".join(f"{issues[i].issue.name}: {_option_name(issues[i], o)}"
                         for i, o in terms.items()) or "none"

    lines = [f"To {escape(names.get(letter.to, letter.to))} over "
             f"{escape(channels.get(letter.channel, letter.channel))}"
             f"{' (public)' if letter.public else ' (private)'}",
             f"  Terms: {escape(said(letter.terms))}"]
    if letter.private_terms:
        lines.append(f"  Off the record: {escape(said(letter.private_terms))}")
    if letter.text:
        lines.append(f"  \u201c{escape(letter.text)}\u201d")
    return "\n".join(lines)


def _option_name(issue: IssueChoice, option: str) -> str:
    return next((o.name for o in issue.options if o.id == option), option)


def _terms(ask: _Asker, issues: list[IssueChoice], title: str) -> dict[str, str]:
    ask.say(escape(title) + " (Enter leaves the issue out):")
    out: dict[str, str] = {}
    for issue in issues:
        try:
            picked = ask.pick(f"{issue.issue.name}?", issue.options, lambda o: o.name,
                              optional=True, status_quo=issue.status_quo)
        except _LeftOut:
            continue
        out[issue.issue.id] = picked.id
    return out


class _Asker:
    """Questions with numbered answers and yes/no; a wrong answer repeats the question."""

    def __init__(self, read_line: ReadLine, say: Say):
        self.read_line, self.say = read_line, say

    def line(self, prompt: str) -> str:
        text = self.read_line(prompt + " ").strip()
        if text.lower() in ("x", "cancel"):
            raise Cancelled
        return text

    def wrong(self, message: str) -> None:
        self.say(f"[yellow]{escape(message)}[/]")

    def pick(self, question: str, items: list[T], name: Callable[[T], str],
             optional: bool = False, status_quo: str | None = None) -> T:
        if len(items) == 1 and not optional:
            self.say(f"{escape(question)} {escape(name(items[0]))}")
            return items[0]
        listed = "".join(f"\n  {n}) {escape(name(x))}" +
                         (" [dim](as things stand)[/]" if isinstance(x, Ref) and
                          x.id == status_quo else "") for n, x in enumerate(items, 1))
        self.say(f"{escape(question)}{listed}")
        while True:
            answer = self.line(">")
            if not answer and optional:
                raise _LeftOut
            if answer.isdigit() and 1 <= int(answer) <= len(items):
                return items[int(answer) - 1]
            more = ", Enter to leave it out" if optional else ""
            self.wrong(f"Type a number from 1 to {len(items)}{more}, or x to give up the "
                       "letter.")

    def yes(self, question: str, default: bool) -> bool:
        while True:
            answer = self.line(question).lower()
            if not answer:
                return default
            if answer in ("y", "yes"):
                return True
            if answer in ("n", "no"):
                return False
            self.wrong("Type y or n, or x to give up the letter.")
