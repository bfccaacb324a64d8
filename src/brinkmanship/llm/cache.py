"""The response cache: every answer a server gave, keyed by the full request.

A run's model calls are the only thing in it that the seed does not determine. The cache
(SQLite, one file) keeps each answer under the SHA-256 of the canonical JSON of the base
URL, the request (model, messages, generation settings, response format) and the sample
epoch, together with its token counts and the latency it first took; a run whose answers
are all cached replays byte for byte with the server switched off, and a branch of a run
(``brink compare``) asks the server only where its requests differ from the stem's.
Failed calls are kept too (a replay meets the same failure and the same fallback); a new
epoch asks again.

The cache also keeps the ledger of sweep budgets: tokens and cost fetched from servers,
by sweep, shared by the worker processes of one ``brink mc`` or ``compare``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    request TEXT NOT NULL,
    text TEXT,
    error TEXT,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    latency_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
    sweep TEXT PRIMARY KEY,
    tokens INTEGER NOT NULL,
    cost REAL NOT NULL
);
"""


class CacheError(RuntimeError):
    """A cache file that cannot be opened or read; the message names the file."""


def request_key(base_url: str, request: dict[str, Any], epoch: int) -> str:
    """The cache key of a request: SHA-256 of its canonical JSON with the URL and epoch."""
    text = json.dumps({"base_url": base_url, "request": request, "epoch": epoch},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Cached:
    """An answer (or a failure) as first fetched."""

    text: str | None
    error: str | None
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int


class ResponseCache:
    """One SQLite file, opened lazily in each process that uses it (a worker process of a
    study opens its own connection)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None or getattr(self._local, "pid", None) != os.getpid():
            try:
                con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                con.execute("PRAGMA journal_mode=WAL")
                con.executescript(SCHEMA)
            except sqlite3.Error as exc:
                raise CacheError(f"--llm-cache {self.path}: {exc}") from None
            self._local.con, self._local.pid = con, os.getpid()
        return con

    def get(self, key: str) -> Cached | None:
        try:
            row = self._con().execute(
                "SELECT text, error, prompt_tokens, completion_tokens, latency_ms FROM answers "
                "WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise CacheError(f"--llm-cache {self.path}: {exc}") from None
        return Cached(*row) if row else None

    def put(self, key: str, request: dict[str, Any], answer: Cached) -> None:
        text = json.dumps(request, sort_keys=True, ensure_ascii=False)
        try:
            self._con().execute(
                "INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, text, answer.text, answer.error, answer.prompt_tokens,
                 answer.completion_tokens, answer.latency_ms))
        except sqlite3.Error as exc:
            raise CacheError(f"--llm-cache {self.path}: {exc}") from None

    def __len__(self) -> int:
        return int(self._con().execute("SELECT count(*) FROM answers").fetchone()[0])

    # -- the ledger of sweep budgets -----------------------------------------------------
    def spent(self, sweep: str) -> tuple[int, float]:
        row = self._con().execute("SELECT tokens, cost FROM ledger WHERE sweep = ?",
                                  (sweep,)).fetchone()
        return (int(row[0]), float(row[1])) if row else (0, 0.0)

    def spend(self, sweep: str, tokens: int, cost: float) -> None:
        self._con().execute(
            "INSERT INTO ledger VALUES (?, ?, ?) ON CONFLICT(sweep) DO UPDATE SET "
            "tokens = tokens + excluded.tokens, cost = cost + excluded.cost",
            (sweep, tokens, cost))


class Ledger:
    """Sweep spending where there is no cache file: this process only."""

    def __init__(self) -> None:
        self.tokens, self.cost = 0, 0.0

    def spent(self, sweep: str) -> tuple[int, float]:
        return self.tokens, self.cost

    def spend(self, sweep: str, tokens: int, cost: float) -> None:
        self.tokens += tokens
        self.cost += cost
