"""Fixtures of the web tests: the app in process, a real server on loopback, a page reader.

The web extra is optional: without FastAPI every test here is skipped with the reason.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install "
                    "'brinkmanship[web]')")
pytest.importorskip("httpx", reason="httpx (of the web test extra) is not installed")

import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from brinkmanship.web.app import create_app  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # test_fog_of_war's helpers

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TURN = re.compile(r'name="turn" value="(\d+)"')
SEAT_LINK = re.compile(r'href="https?://[^"]+/seat/([A-Za-z0-9_-]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:400]
    return found.group(1)


def turn_of(html: str) -> int | None:
    found = TURN.search(html)
    return int(found.group(1)) if found else None


@dataclass
class Host:
    """A host's pages, read through ``client``."""

    client: httpx.Client | TestClient
    token: str

    def start(self, scenario: str, players: list[str], seed: int = 0,
              others: dict[str, str] | None = None) -> dict[str, str]:
        """Start a game; the seat tokens of ``players``, by actor."""
        page = self.client.get(f"/host/{self.token}")
        data = {"csrf": csrf_of(page.text), "scenario": scenario, "seed": str(seed)}
        data.update({f"who.{a}": "player" for a in players})
        data.update({f"who.{a}": p for a, p in (others or {}).items()})
        before = set(SEAT_LINK.findall(page.text))
        r = self.client.post(f"/host/{self.token}/games", data=data, follow_redirects=True)
        assert r.status_code == 200, r.text[:600]
        seats = dict(re.findall(r'<li data-actor="([^"]+)"><strong>[^<]*</strong>: <a href="'
                                r'https?://[^"]+/seat/([A-Za-z0-9_-]+)"', r.text))
        new = {a: t for a, t in seats.items() if t not in before}
        assert sorted(new) == sorted(players), (new, players)
        return new


def new_host(client: httpx.Client | TestClient) -> Host:
    front = client.get("/")
    r = client.post("/host", data={"csrf": csrf_of(front.text)}, follow_redirects=True)
    assert r.status_code == 200, r.text[:400]
    return Host(client, str(r.url).rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(tmp_path / "games.sqlite", model_runs=2)
    with TestClient(app, base_url="http://testserver") as client:
        yield client


@dataclass
class Server:
    """``brink serve`` in a subprocess on loopback."""

    process: subprocess.Popen[str]
    url: str
    db: Path

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


def start_server(db: Path, runs: int = 2) -> Server:
    script = Path(sys.executable).with_name("brink")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "brinkmanship"]
    process = subprocess.Popen([*command, "serve", "--port", "0", "--db", str(db), "--runs",
                                str(runs)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not found:
        process.kill()
        raise AssertionError(f"brink serve did not print its address: {line!r}")
    return Server(process, found.group(1), db)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(tmp_path / "games.sqlite")
    yield running
    running.stop()
