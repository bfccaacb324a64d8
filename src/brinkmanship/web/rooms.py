"""The games a server is playing: each held in memory under its own lock, written through
to the store after every decision, restored from it on first use after a restart.

A decision names the turn it answers. Under the game's lock it is carried out only if
that turn is still the one waiting for that seat, so a double click, a second tab or a
request racing another never acts twice; the store's version check guards the same
across processes.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from brinkmanship.counsel import Adviser
from brinkmanship.engine.budgets import BudgetExceeded
from brinkmanship.engine.game import Game, SavedGameError, SeatError, Turn
from brinkmanship.engine.index import Index
from brinkmanship.engine.occurrences import Interventions, PolicyError
from brinkmanship.engine.run import Run
from brinkmanship.hindsight import history_run, summary
from brinkmanship.policies.base import Decision
from brinkmanship.scenario.schema import Scenario
from brinkmanship.web.store import GameRow, StaleGame, Store


class Refused(Exception):
    """A request the game cannot carry out now; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Room:
    """One game in play in this process."""

    ident: str
    game: Game
    version: int
    ix: Index
    lock: threading.Lock = field(default_factory=threading.Lock)
    advisers: dict[str, Adviser] = field(default_factory=dict)
    counsel_cache: dict[tuple[str, int], dict[str, Any] | None] = field(default_factory=dict)

    def turn_for(self, actor: str) -> Turn | None:
        """The waiting turn, if it is ``actor``'s."""
        turn = self.game.turn
        return turn if turn is not None and turn.actor == actor else None

    def counsel(self, turn: Turn) -> dict[str, Any] | None:
        """The advisers' counsel for ``turn`` (computed once per turn)."""
        key = (turn.actor, turn.number)
        if key not in self.counsel_cache:
            adviser = self.advisers.get(turn.actor)
            if adviser is None:
                adviser = self.advisers[turn.actor] = Adviser(self.game, turn.actor)
                adviser.recall(self.game.decisions, turn.actor)
            self.counsel_cache[key] = adviser.counsel(turn.observation)
        return self.counsel_cache[key]


class Rooms:
    """Every game of one store, opened on demand."""

    def __init__(self, store: Store, model_runs: int = 30, model_seconds: float = 60.0):
        self.store = store
        self.model_run_count = model_runs
        self.model_seconds = model_seconds
        self._rooms: dict[str, Room] = {}
        self._opening: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._history: dict[str, Run | None] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="model-runs")
        self._pending: set[str] = set()
        self._scenarios: dict[str, Scenario] = {}

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- opening -------------------------------------------------------------------------
    def open(self, ident: str) -> Room:
        """The game ``ident`` in play (restored from the store the first time)."""
        room = self._rooms.get(ident)
        if room is not None:
            return room
        with self._guard:
            opening = self._opening.setdefault(ident, threading.Lock())
        with opening:  # one request restores; the others wait and share its room
            room = self._rooms.get(ident)
            if room is None:
                row = self.store.game(ident)
                if row is None:
                    raise Refused(404, "There is no such game.")
                room = self._restore(row)
                self._rooms[ident] = room
        return room

    def _restore(self, row: GameRow) -> Room:
        from brinkmanship.games import restore_game

        try:
            game = restore_game(row.state)
        except (SavedGameError, BudgetExceeded, PolicyError) as exc:
            raise Refused(500, f"This game cannot be restored: {exc}") from None
        game.advance()
        return Room(row.id, game, row.version, Index(game.scenario))

    def forget(self, ident: str) -> None:
        """Drop the in-memory game (the next request restores it from the store)."""
        self._rooms.pop(ident, None)

    # -- starting ------------------------------------------------------------------------
    def create(self, host: str, scenario: Scenario, seats: list[str],
               policies: Mapping[str, str], seed: int, draft: str | None = None) -> GameRow:
        """A new game, advanced to its first turn and stored with one token per seat."""
        from brinkmanship.games import new_game

        try:
            game = new_game(scenario, seats, dict(policies), seed, Interventions())
            game.advance()
        except (KeyError, ValueError) as exc:
            raise Refused(400, str(exc.args[0] if exc.args else exc)) from None
        except (BudgetExceeded, PolicyError) as exc:
            raise Refused(422, f"This game cannot be played: {exc}") from None
        row = self.store.add_game(host, scenario.scenario.title, game.save(), seats, draft)
        ix = Index(scenario)
        room = Room(row.id, game, row.version, ix)
        self._rooms[row.id] = room
        if game.over:
            self._finish(room)
        self.start_model_runs(scenario, others_of(game), game.interventions)
        return row

    # -- deciding ------------------------------------------------------------------------
    def decide(self, room: Room, actor: str, turn_number: int, decision: Decision) -> None:
        """Carry out ``actor``'s decision for turn ``turn_number`` and play on to the next
        seat's turn; ``Refused`` (nothing changed) when that turn is not waiting."""
        with room.lock:
            game = room.game
            turn = game.turn
            if game.over:
                raise Refused(409, "The game is over: nothing more can be decided.")
            if turn is None or turn.actor != actor:
                raise Refused(409, "It is not your turn: the other side is deciding.")
            if turn.number != turn_number:
                raise Refused(409, "This turn was already decided (a second click or another "
                              "tab). The page now shows where the game stands.")
            try:
                game.submit(decision, actor)
            except SeatError as exc:
                raise Refused(400, str(exc)) from None
            adviser = room.advisers.get(actor)
            if adviser is not None:
                adviser.note(decision, turn.now)
            try:
                game.advance()
            except (BudgetExceeded, PolicyError) as exc:
                self.forget(room.ident)
                raise Refused(500, f"The game cannot go on: {exc}") from None
            self._write(room)

    def _write(self, room: Room) -> None:
        result = self._result(room) if room.game.over else None
        try:
            self.store.save_game(room.ident, room.version, room.game.save(), result)
        except StaleGame:
            self.forget(room.ident)
            raise Refused(409, "The game changed meanwhile; the page now shows where it "
                          "stands.") from None
        room.version = len(room.game.decisions)
        room.counsel_cache.clear()

    def _finish(self, room: Room) -> None:
        self.store.save_game(room.ident, room.version, room.game.save(), self._result(room))

    def _result(self, room: Room) -> dict[str, Any]:
        game = room.game
        row = summary(game.scenario, game.result())
        row["turns"] = len(game.decisions)
        return row

    # -- what it is compared with --------------------------------------------------------
    def history(self, scenario: Scenario) -> Run | None:
        """The historical record through the engine (once per scenario)."""
        key = scenario_key(scenario)
        if key not in self._history:
            self._history[key] = history_run(scenario)
        return self._history[key]

    def scenario_of(self, state: dict[str, Any]) -> Scenario:
        """The scenario of a stored game, read once per distinct scenario."""
        from brinkmanship.scenario import parse_scenario

        text = json.dumps(state["scenario"], sort_keys=True)
        key = hashlib.sha256(text.encode()).hexdigest()
        if key not in self._scenarios:
            self._scenarios[key] = parse_scenario(text, "<stored game: scenario>")
        return self._scenarios[key]

    def model_key(self, scenario: Scenario, others: Mapping[str, str]) -> str:
        return hashlib.sha256(json.dumps([scenario_key(scenario), dict(sorted(others.items())),
                                          self.model_run_count]).encode()).hexdigest()

    def start_model_runs(self, scenario: Scenario, others: Mapping[str, str],
                         interventions: Interventions | None = None) -> None:
        """Begin (in the background, once) the default decision-makers' runs from this
        start: the same scenario, the same decision-makers for the actors no player sits in,
        the default one in every player's seat."""
        key = self.model_key(scenario, others)
        with self._guard:
            if key in self._pending or self.store.model_runs(key) is not None:
                return
            self._pending.add(key)
        self._pool.submit(self._model_runs, key, scenario, dict(others),
                          interventions or Interventions())

    def _model_runs(self, key: str, scenario: Scenario, others: dict[str, str],
                    interventions: Interventions) -> None:
        from brinkmanship.games import simulate

        rows = []
        began = time.monotonic()
        try:
            for seed in range(self.model_run_count):
                if time.monotonic() - began > self.model_seconds:
                    break  # bounded: fewer runs rather than a page that never comes
                rows.append(summary(scenario, simulate(scenario, others, seed, interventions)))
            self.store.put_model_runs(key, {"runs": len(rows), "rows": rows})
        finally:
            with self._guard:
                self._pending.discard(key)

    def model_rows(self, scenario: Scenario, others: Mapping[str, str]) -> list[
            dict[str, Any]] | None:
        """The models' runs from this start, or ``None`` while they are computed."""
        data = self.store.model_runs(self.model_key(scenario, others))
        if data is None:
            self.start_model_runs(scenario, others)
            return None
        return list(data["rows"])

    def waiting_for(self, ident: str) -> str | None:
        """The seat a game in memory waits for (``None`` if none, or not in memory: a
        listing never restores a game)."""
        room = self._rooms.get(ident)
        turn = room.game.turn if room is not None else None
        return turn.actor if turn is not None else None


def others_of(game: Game) -> dict[str, str]:
    """The decision-makers of the actors no player sits in, by name."""
    return {a: p.name for a, p in sorted(game.policies.items())}


def scenario_key(scenario: Scenario) -> str:
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
