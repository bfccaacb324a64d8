"""The terminal seat: show the turn, read the answer, submit it, until the game ends.

A wrong answer gets a one-line message and the prompt again. Ctrl-C, ``q`` or the end of
input save the game (it is data: see :meth:`~brinkmanship.engine.game.Game.save`) and say
how to resume; nothing decided is lost.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.text import Text

from brinkmanship.counsel import Adviser
from brinkmanship.engine.budgets import BudgetExceeded
from brinkmanship.engine.game import Game
from brinkmanship.engine.index import Index
from brinkmanship.engine.run import Run
from brinkmanship.play.compose import compose
from brinkmanship.play.debrief import Benchmark, debrief
from brinkmanship.play.prompt import Answer, AnswerError, read_answer
from brinkmanship.play.screen import HELP, LETTER_HELP, turn_screen
from brinkmanship.policies.base import Decision
from brinkmanship.scenario.timeparse import zone
from brinkmanship.seat import option_label, turn_view

ReadLine = Callable[[str], str]


def save_game(game: Game, path: Path) -> None:
    """Write the game to ``path`` atomically (a half-written save never replaces a good one)."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(game.save(), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def play_at_terminal(game: Game, seat: str, console: Console, read_line: ReadLine,
                     save_to: Path, bench: Callable[[], Benchmark | None],
                     history: Callable[[], Run | None]) -> int:
    """Play ``seat`` of ``game`` at the terminal; the exit status (0 when the game ended)."""
    ix = Index(game.scenario)
    adviser = Adviser(game, seat)
    seat_zone = ix.actors[seat].zone
    try:
        while (turn := game.advance()) is not None:
            view = turn_view(ix, turn)
            console.print(turn_screen(ix, view, adviser.counsel(turn.observation)))
            while True:
                try:
                    line = read_line("> ")
                except EOFError:
                    _saved(console, game, save_to, "End of input: the game is saved")
                    return 1
                try:
                    answer = read_answer(line, turn, seat_zone)
                except AnswerError as exc:
                    console.print(Text(str(exc), style="yellow"))
                    continue
                if answer.command == "help":
                    console.print(HELP + (LETTER_HELP if view.letter_form else ""),
                                  highlight=False)
                    continue
                if answer.command == "write":
                    assert turn.observation.letter_form is not None
                    try:
                        letter = compose(view, turn.observation.letter_form, read_line,
                                         lambda said: console.print(said, highlight=False))
                    except EOFError:
                        _saved(console, game, save_to, "End of input: the game is saved")
                        return 1
                    if letter is None:
                        console.print(Text("No letter is sent.", style="yellow"))
                        continue
                    answer = Answer("decide", Decision(letters=[letter]))
                if answer.command in ("save", "quit"):
                    _saved(console, game, save_to, "The game is saved")
                    if answer.command == "quit":
                        return 0
                    continue
                assert answer.decision is not None
                game.submit(answer.decision, seat)
                adviser.note(answer.decision, turn.now)
                _confirm(console, ix, answer.decision, seat_zone)
                break
    except KeyboardInterrupt:
        _saved(console, game, save_to, "\nInterrupted: the game is saved")
        return 130
    except BudgetExceeded as exc:
        console.print(Text(f"The game cannot go on: {exc}", style="red"))
        return 1
    console.print(debrief(game.result(), seat, history(), bench(), min(console.width, 100)))
    return 0


def _saved(console: Console, game: Game, path: Path, headline: str) -> None:
    try:
        save_game(game, path)
    except OSError as exc:
        console.print(Text(f"Cannot save the game in {path}: {exc.strerror} (choose another "
                           "file with --save)", style="red"))
        return
    console.print(f"{headline} in {path}. To go on with it:", highlight=False)
    # The command on a line of its own, never wrapped, so it can be copied as it stands.
    console.print(f"  brink play --resume {path}", soft_wrap=True, highlight=False)


def _confirm(console: Console, ix: Index, decision: Decision, seat_zone: str) -> None:
    if decision.letters:
        said = "; ".join(f"You write to {ix.actors[x.to].name} over "
                         f"{ix.channels[x.channel].name}" for x in decision.letters)
    elif decision.choices:
        said = "; ".join(option_label(ix, c) for c in decision.choices)
    elif decision.wake_at is not None:
        local = decision.wake_at.astimezone(zone(seat_zone))
        said = "You wait until " + local.strftime("%a %d %b %H:%M %Z")
    else:
        said = "You wait for news"
    console.print(Text(f"→ {said}", style="green"))
    console.rule(style="dim")
