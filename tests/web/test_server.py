"""The real server on loopback: racing requests, and stopping it (also by SIGKILL).

``brink serve`` runs in a subprocess, reached over HTTP by real clients in threads. A
decision sent many times at once is carried out once; two players posting at the same
moment never corrupt the game; a server killed between turns comes back with every game
where it stood, and the finished game is the one an uninterrupted server plays.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
from pathlib import Path

import httpx
from conftest import Server, csrf_of, new_host, start_server, turn_of


def _decisions(db: Path) -> list[int]:
    """The number of seat decisions of every stored game (read straight from SQLite)."""
    with sqlite3.connect(db) as con:
        return [r[0] for r in con.execute("SELECT version FROM games ORDER BY created")]


def _form(client: httpx.Client, token: str) -> dict[str, str] | None:
    page = client.get(f"/seat/{token}").text
    number = turn_of(page)
    if number is None:
        return None
    return {"csrf": csrf_of(page), "turn": str(number), "do": "wait"}


def _at_once(n: int, send: callable) -> list[int]:  # type: ignore[valid-type]
    """Call ``send(i)`` from ``n`` threads released together; their HTTP statuses."""
    barrier = threading.Barrier(n)
    statuses: list[int] = [0] * n

    def one(i: int) -> None:
        barrier.wait()
        statuses[i] = send(i)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return statuses


def test_a_decision_sent_many_times_at_once_is_carried_out_once(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        token = new_host(client).start("cuba-1962", ["kennedy"], seed=4)["kennedy"]
        for _round in range(3):
            form = _form(client, token)
            assert form is not None
            before = _decisions(server.db)[0]

            def send(_: int, form: dict[str, str] = form) -> int:
                with httpx.Client(base_url=server.url, timeout=60) as mine:
                    return mine.post(f"/seat/{token}", data=form).status_code

            statuses = _at_once(8, send)
            assert sorted(statuses).count(303) == 1, statuses
            assert set(statuses) <= {303, 409}, statuses
            assert _decisions(server.db)[0] == before + 1


def test_two_players_posting_together_never_corrupt_the_game(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        seats = new_host(client).start("berlin-1961", ["kennedy", "khrushchev"], seed=0)
        last: dict[str, dict[str, str]] = {}
        for _round in range(8):
            for actor, token in seats.items():
                form = _form(client, token)
                if form is not None:
                    last[actor] = form  # the waiting seat re-sends its last, stale form
            forms = dict(last)
            if "The crisis ended in" in client.get(f"/seat/{seats['kennedy']}").text:
                break
            before = _decisions(server.db)[0]
            actors = sorted(seats)

            def send(i: int, forms: dict = forms,  # type: ignore[type-arg]
                     actors: list = actors) -> int:  # type: ignore[type-arg]
                actor = actors[i % 2]
                if actor not in forms:
                    return 409
                with httpx.Client(base_url=server.url, timeout=60) as mine:
                    return mine.post(f"/seat/{seats[actor]}", data=forms[actor]).status_code

            statuses = _at_once(6, send)
            assert statuses.count(303) == 1, statuses  # only the seat whose turn it is, once
            assert set(statuses) <= {303, 409}, statuses
            assert _decisions(server.db)[0] == before + 1
        # The game is whole: both pages still render, the saved game restores.
        for token in seats.values():
            assert client.get(f"/seat/{token}").status_code == 200


def _play(client: httpx.Client, token: str, turns: int) -> int:
    """Play ``turns`` turns of one seat (first option every third turn); turns played."""
    import re

    done = 0
    while done < turns:
        page = client.get(f"/seat/{token}").text
        number = turn_of(page)
        if number is None:
            break
        data = {"csrf": csrf_of(page), "turn": str(number), "do": "wait"}
        first = re.search(r'name="choice" value="([^"]+)"', page)
        if first and number % 3 == 0:
            data.update(do="act", choice=first.group(1))
        assert client.post(f"/seat/{token}", data=data).status_code == 303
        done += 1
    return done


def _end_text(client: httpx.Client, token: str) -> str:
    import re

    page = client.get(f"/seat/{token}").text
    assert "The crisis ended in" in page
    table = page[page.index('<table class="record">'):]
    return re.sub(r"\s+", " ", table)


def test_a_killed_server_resumes_every_game_where_it_stood(tmp_path: Path) -> None:
    db = tmp_path / "games.sqlite"
    first = start_server(db)
    with httpx.Client(base_url=first.url, timeout=60) as client:
        host = new_host(client)
        a = host.start("cuba-1962", ["kennedy"], seed=5)["kennedy"]
        b = host.start("cuba-1962", ["khrushchev"], seed=6)["khrushchev"]
        _play(client, a, 5)
        _play(client, b, 3)
        seen = {t: client.get(f"/seat/{t}").text for t in (a, b)}
    first.stop(signal.SIGKILL)
    second = start_server(db)
    try:
        with httpx.Client(base_url=second.url, timeout=60) as client:
            for token, page in seen.items():
                again = client.get(f"/seat/{token}").text
                assert turn_of(again) == turn_of(page)
                clocks = page[page.index('<ul class="clocks"'):page.index("</ul>")]
                assert clocks in again  # the same moment on every clock
            _play(client, a, 400)
            resumed = _end_text(client, a)
    finally:
        second.stop()
    # The same decisions on a server that was never stopped end in the same game.
    third = start_server(tmp_path / "fresh.sqlite")
    try:
        with httpx.Client(base_url=third.url, timeout=60) as client:
            c = new_host(client).start("cuba-1962", ["kennedy"], seed=5)["kennedy"]
            _play(client, c, 400)
            assert _end_text(client, c) == resumed
    finally:
        third.stop()


def test_a_stopped_server_keeps_its_hosts_and_links(tmp_path: Path) -> None:
    db = tmp_path / "games.sqlite"
    first = start_server(db)
    with httpx.Client(base_url=first.url, timeout=60) as client:
        host = new_host(client)
        token = host.start("panmunjom-1976", ["ford"], seed=1)["ford"]
    first.stop(signal.SIGTERM)
    second = start_server(db)
    try:
        with httpx.Client(base_url=second.url, timeout=60) as client:
            assert client.get(f"/host/{host.token}").status_code == 200
            page = client.get(f"/seat/{token}").text
            assert turn_of(page) == 0
            # A form made before the restart still carries a valid CSRF token.
            assert client.post(f"/seat/{token}", data={"csrf": csrf_of(page), "turn": "0",
                                                       "do": "wait"}).status_code == 303
    finally:
        second.stop()


def test_serve_says_what_is_wrong_with_its_options(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    script = Path(sys.executable).with_name("brink")
    brink = [str(script)] if script.exists() else [sys.executable, "-m", "brinkmanship"]
    shown = subprocess.run([*brink, "serve", "--help"], capture_output=True, text=True,
                           timeout=60, check=False)
    assert shown.returncode == 0 and "--db" in shown.stdout and "--port" in shown.stdout
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken = subprocess.run([*brink, "serve", "--port", str(port), "--db",
                                str(tmp_path / "g.sqlite")], capture_output=True, text=True,
                               timeout=60, check=False)
    assert taken.returncode == 2 and f"--port {port}" in taken.stderr
    assert "Traceback" not in taken.stderr
    folder = subprocess.run([*brink, "serve", "--port", "0", "--db", str(tmp_path)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert folder.returncode == 2 and "--db" in folder.stderr and "Traceback" not in \
        folder.stderr
