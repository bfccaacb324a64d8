"""Where the web games live: one SQLite file (WAL), every change in one transaction.

A game's row holds :meth:`~brinkmanship.engine.game.Game.save` data, which restores the
game exactly, and a ``version`` (the number of seat decisions) that each write must find
unchanged: two processes, or two racing requests, can never both write a decision onto
the same state. Seats and hosts are found by their secret tokens. A game's scenario is
written once, beside its state. The models' runs that end pages compare against are kept
too, so they are computed once per start.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hosts (token TEXT PRIMARY KEY, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS games (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL REFERENCES hosts(token),
    title TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    version INTEGER NOT NULL,
    over INTEGER NOT NULL DEFAULT 0,
    scenario TEXT NOT NULL,
    state TEXT NOT NULL,
    result TEXT
);
CREATE INDEX IF NOT EXISTS games_by_host ON games(host, created);
CREATE TABLE IF NOT EXISTS seats (
    token TEXT PRIMARY KEY,
    game TEXT NOT NULL REFERENCES games(id),
    actor TEXT NOT NULL,
    UNIQUE (game, actor)
);
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL REFERENCES hosts(token),
    created TEXT NOT NULL,
    scenario TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS model_runs (key TEXT PRIMARY KEY, data TEXT NOT NULL);
"""


class StaleGame(Exception):
    """The game changed since it was read (another request or process wrote first)."""


def new_token() -> str:
    """An unguessable token for a link (256 bits)."""
    return secrets.token_urlsafe(32)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class GameRow:
    id: str
    host: str
    title: str
    created: str
    version: int
    over: bool
    state: dict[str, Any]
    result: dict[str, Any] | None
    seats: dict[str, str]  # actor -> token


class Store:
    """The SQLite file of a server. Safe to share between threads."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        self._local = threading.local()
        self._db().executescript(SCHEMA)
        with self._tx() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('secret', ?)", (secrets.token_hex(32),))
        with self._tx() as db:
            self.secret = db.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()[0]

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One transaction; ``BEGIN IMMEDIATE`` takes the write lock at once, so two
        writers queue instead of failing half-way."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- hosts and drafts ----------------------------------------------------------------
    def new_host(self) -> str:
        token = new_token()
        with self._tx() as db:
            db.execute("INSERT INTO hosts VALUES (?, ?)", (token, _now()))
        return token

    def host_exists(self, token: str) -> bool:
        row = self._db().execute("SELECT 1 FROM hosts WHERE token = ?", (token,)).fetchone()
        return row is not None

    def add_draft(self, host: str, scenario: dict[str, Any]) -> str:
        """An uploaded scenario (already validated) waiting for its seats to be chosen."""
        ident = new_token()[:16]
        with self._tx() as db:
            db.execute("INSERT INTO drafts VALUES (?, ?, ?, ?)",
                       (ident, host, _now(), json.dumps(scenario)))
        return ident

    def draft(self, host: str, ident: str) -> dict[str, Any] | None:
        row = self._db().execute("SELECT scenario FROM drafts WHERE id = ? AND host = ?",
                                 (ident, host)).fetchone()
        return None if row is None else json.loads(row[0])

    # -- games ---------------------------------------------------------------------------
    def add_game(self, host: str, title: str, state: dict[str, Any], seats: list[str],
                 draft: str | None = None) -> GameRow:
        """A new game with one fresh token per seat."""
        ident = new_token()[:16]
        tokens = {actor: new_token() for actor in seats}
        now = _now()
        rest = {k: v for k, v in state.items() if k != "scenario"}
        with self._tx() as db:
            db.execute("INSERT INTO games (id, host, title, created, updated, version, over, "
                       "scenario, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (ident, host, title, now, now, len(state["decisions"]),
                        int(bool(state["over"])), json.dumps(state["scenario"]),
                        json.dumps(rest)))
            db.executemany("INSERT INTO seats VALUES (?, ?, ?)",
                           [(t, ident, a) for a, t in tokens.items()])
            if draft is not None:
                db.execute("DELETE FROM drafts WHERE id = ?", (draft,))
        row = self.game(ident)
        assert row is not None
        return row

    def game(self, ident: str) -> GameRow | None:
        db = self._db()
        row = db.execute("SELECT id, host, title, created, version, over, state, result, "
                         "scenario FROM games WHERE id = ?", (ident,)).fetchone()
        if row is None:
            return None
        seats = dict(db.execute("SELECT actor, token FROM seats WHERE game = ? ORDER BY actor",
                                (ident,)).fetchall())
        state = {**json.loads(row[6]), "scenario": json.loads(row[8])}
        return GameRow(row[0], row[1], row[2], row[3], row[4], bool(row[5]), state,
                       json.loads(row[7]) if row[7] else None, seats)

    def seat(self, token: str) -> tuple[str, str] | None:
        """The (game, actor) a seat token opens."""
        row = self._db().execute("SELECT game, actor FROM seats WHERE token = ?",
                                 (token,)).fetchone()
        return None if row is None else (row[0], row[1])

    def games_of(self, host: str) -> list[GameRow]:
        ids = [r[0] for r in self._db().execute(
            "SELECT id FROM games WHERE host = ? ORDER BY created, id", (host,)).fetchall()]
        return [g for i in ids if (g := self.game(i)) is not None]

    def save_game(self, ident: str, was: int, state: dict[str, Any],
                  result: dict[str, Any] | None) -> None:
        """Write the game's new state if it is still at version ``was``; else ``StaleGame``.

        The scenario, which never changes, was written once with the game and is left out.
        """
        state = {k: v for k, v in state.items() if k != "scenario"}
        with self._tx() as db:
            done = db.execute("UPDATE games SET state = ?, version = ?, over = ?, result = ?, "
                              "updated = ? WHERE id = ? AND version = ?",
                              (json.dumps(state), len(state["decisions"]),
                               int(bool(state["over"])),
                               json.dumps(result) if result is not None else None, _now(),
                               ident, was)).rowcount
            if done != 1:
                raise StaleGame(ident)

    def all_game_ids(self) -> list[str]:
        return [r[0] for r in self._db().execute("SELECT id FROM games ORDER BY created")]

    # -- the models' runs ----------------------------------------------------------------
    def model_runs(self, key: str) -> dict[str, Any] | None:
        row = self._db().execute("SELECT data FROM model_runs WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_model_runs(self, key: str, data: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO model_runs VALUES (?, ?)", (key, json.dumps(data)))
