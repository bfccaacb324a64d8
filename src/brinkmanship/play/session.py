"""A terminal session of ``brink play``: a new or resumed game, the console, the prompt.

The command line only declares options; this module opens the game, checks the seat and
wires the terminal loop to standard input and output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, NoReturn

from rich.console import Console

from brinkmanship.engine.budgets import Budgets
from brinkmanship.engine.game import Game, SavedGameError
from brinkmanship.engine.index import Index
from brinkmanship.engine.occurrences import Interventions
from brinkmanship.engine.run import Run
from brinkmanship.hindsight import Benchmark, history_run, model_runs
from brinkmanship.play.terminal import ReadLine, play_at_terminal
from brinkmanship.scenario.schema import Scenario

Fail = Callable[[str], NoReturn]
WIDTH = 100


def start_game(sc: Scenario, seat: str | None, policies: dict[str, str], seed: int,
               fail: Fail, budgets: Budgets | None = None) -> Game:
    """A new game with ``seat`` at the terminal; ``fail`` for a seat that cannot be played."""
    from brinkmanship.games import new_game

    ix = Index(sc)
    who = ", ".join(f"{a} ({ix.actors[a].name})" for a in ix.deciders)
    if seat is None:
        fail(f"say whom you play with --as ACTOR; in {sc.scenario.id}: {who}")
    if seat not in ix.deciders:
        fail(f"--as {seat}: not an actor who decides in {sc.scenario.id}; choose one of {who}")
    if seat in policies:
        fail(f"--as {seat} and --policy {seat}=...: you cannot both play an actor and give "
             "it a decision-maker")
    try:
        return new_game(sc, [seat], policies, seed, Interventions(budgets=budgets or Budgets()))
    except (KeyError, ValueError) as exc:
        fail(str(exc.args[0]))


def open_game(path: Path, seat: str | None, fail: Fail) -> tuple[Game, str]:
    """The game saved in ``path`` and its seat; ``fail`` names what is wrong with the file."""
    from brinkmanship.games import restore_game

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"--resume {path}: {exc.strerror}")
    except (ValueError, UnicodeDecodeError) as exc:
        fail(f"--resume {path}: not a saved game ({exc})")
    try:
        game = restore_game(data)
    except SavedGameError as exc:
        fail(f"--resume {path}: {exc}")
    if len(game.seats) != 1:
        fail(f"--resume {path}: the game has {len(game.seats)} seats; the terminal plays one")
    only = next(iter(game.seats))
    if seat is not None and seat != only:
        fail(f"--resume {path}: the saved game is played as {only}, not {seat}")
    if game.over:
        fail(f"--resume {path}: that game is over")
    return game, only


def run_session(game: Game, seat: str, save_to: Path, runs: int, stdin: IO[str],
                ix: Index) -> int:
    """Play ``seat`` on this terminal; the exit status."""
    tty = stdin.isatty()
    console = Console(highlight=False, width=None if tty else WIDTH)
    console.print(f"You are {ix.actors[seat].name}. The game is saved in {save_to} when you "
                  "press Ctrl-C or type q.", style="bold")
    return play_at_terminal(game, seat, console, _reader(stdin, console, tty), save_to,
                            lambda: _bench(game, seat, runs, console), lambda: _history(game))


def _reader(stdin: IO[str], console: Console, tty: bool) -> ReadLine:
    if tty:
        return input

    def read(prompt: str) -> str:
        line = stdin.readline()
        if not line:
            raise EOFError
        console.print(prompt + line.rstrip("\n"), markup=False)  # a transcript shows answers
        return line

    return read


def _bench(game: Game, seat: str, runs: int, console: Console) -> Benchmark | None:
    from brinkmanship.games import simulate

    if runs <= 0:
        return None
    others = {a: p.name for a, p in game.policies.items()}
    with console.status(f"Running the default decision-makers in your place over {runs} "
                        "seeds…"):
        return model_runs(lambda s: simulate(game.scenario, others, s, game.interventions),
                          seat, runs)


def _history(game: Game) -> Run | None:
    return history_run(game.scenario)
