"""What the web game costs the server: time per turn, and throughput with many games.

    python benchmarks/web.py [--scenario cuba-1962] [--seat kennedy] [--games 10] [--at-once 20]

1. Server time per turn, in process: one seat played through the app (the decision posted,
   the next turn page rendered: the engine with the other seats on the default
   decision-makers, the advisers' counsel, the timeline, the SQLite write), the seat's own
   choices made by the default decision-maker outside the timing. Median and p95, and their
   ratio to a seat step of the bare engine (``Game.submit`` + ``advance``) and to a whole
   ``simulate`` run, both measured in this process.
2. Throughput over loopback: a real ``brink serve`` and ``--at-once`` clients, each playing
   one game to its end at once; turns per second and the turn latency they saw, against
   one game played alone on the same server.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from brinkmanship.games import new_game, simulate
from brinkmanship.policies.registry import bind_policies
from brinkmanship.scenario import load_scenario
from brinkmanship.web.app import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TURN = re.compile(r'name="turn" value="(\d+)"')
SEAT = re.compile(r'<li data-actor="([^"]+)"><strong>[^<]*</strong>: <a href="[^"]+/seat/'
                  r'([A-Za-z0-9_-]+)"')


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1] if len(xs) > 1 else xs[0]


def host_game(client: httpx.Client | TestClient, scenario: str, seat: str, seed: int) -> str:
    front = client.get("/").text
    host = client.post("/host", data={"csrf": CSRF.search(front).group(1)},  # type: ignore[union-attr]
                       follow_redirects=True)
    r = client.post(str(host.url).replace(str(client.base_url).rstrip("/"), "") + "/games",
                    data={"csrf": CSRF.search(host.text).group(1),  # type: ignore[union-attr]
                          "scenario": scenario, "seed": str(seed), f"who.{seat}": "player"},
                    follow_redirects=True)
    return dict(SEAT.findall(r.text))[seat]


def web_turns(scenario: str, seat: str, games: int) -> list[float]:
    """Seconds the app spends per turn (post + next page), the seat's thinking left out."""
    sc = load_scenario(scenario)
    out: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, TestClient(
            create_app(Path(tmp) / "bench.sqlite", model_runs=0)) as client:
        rooms = client.app.state.rooms  # type: ignore[attr-defined]
        for seed in range(games):
            token = host_game(client, scenario, seat, seed)
            room = rooms.open(rooms.store.seat(token)[0])
            mine = bind_policies(sc, {})[seat]
            page = client.get(f"/seat/{token}").text
            while (number := TURN.search(page)) is not None:
                turn = room.game.turn
                decision = mine.decide(turn.observation, room.game.policy_stream(seat))
                form = {"csrf": CSRF.search(page).group(1), "turn": number.group(1)}  # type: ignore[union-attr]
                if decision.choices:
                    form |= {"do": "act", "choice": [c.key for c in decision.choices]}
                elif decision.wake_at is not None:
                    form |= {"do": "until", "until": decision.wake_at.isoformat()}
                else:
                    form |= {"do": "wait"}
                began = time.perf_counter()
                client.post(f"/seat/{token}", data=form, follow_redirects=False)
                page = client.get(f"/seat/{token}").text
                out.append(time.perf_counter() - began)
    return out


def engine_steps(scenario: str, seat: str, games: int) -> list[float]:
    sc = load_scenario(scenario)
    out = []
    for seed in range(games):
        game = new_game(sc, [seat], seed=seed)
        mine = bind_policies(sc, {})[seat]
        turn = game.advance()
        while turn is not None:
            decision = mine.decide(turn.observation, game.policy_stream(seat))
            began = time.perf_counter()
            game.submit(decision)
            turn = game.advance()
            out.append(time.perf_counter() - began)
    return out


def play_over_http(url: str, scenario: str, seat: str, seed: int, latencies: list[float]) -> int:
    """One game to its end over HTTP (waiting, the first option every fourth turn)."""
    turns = 0
    with httpx.Client(base_url=url, timeout=120) as client:
        token = host_game(client, scenario, seat, seed)
        page = client.get(f"/seat/{token}").text
        while (number := TURN.search(page)) is not None:
            form = {"csrf": CSRF.search(page).group(1), "turn": number.group(1), "do": "wait"}  # type: ignore[union-attr]
            first = re.search(r'name="choice" value="([^"]+)"', page)
            if first and int(number.group(1)) % 4 == 2:
                form |= {"do": "act", "choice": first.group(1)}
            began = time.perf_counter()
            client.post(f"/seat/{token}", data=form)
            page = client.get(f"/seat/{token}").text
            latencies.append(time.perf_counter() - began)
            turns += 1
    return turns


def throughput(url: str, scenario: str, seat: str, at_once: int, first_seed: int) -> tuple[
        float, list[float], int]:
    latencies: list[float] = []
    counts = [0] * at_once

    def one(i: int) -> None:
        counts[i] = play_over_http(url, scenario, seat, first_seed + i, latencies)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(at_once)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spent = time.perf_counter() - began
    return sum(counts) / spent, latencies, sum(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="cuba-1962")
    parser.add_argument("--seat", default="kennedy")
    parser.add_argument("--games", type=int, default=10)
    parser.add_argument("--at-once", type=int, default=20)
    args = parser.parse_args()
    sc = load_scenario(args.scenario)
    simulate(sc, seed=10_000)  # warm caches before timing
    runs = []
    for seed in range(args.games):
        began = time.perf_counter()
        simulate(sc, seed=seed)
        runs.append(time.perf_counter() - began)
    steps = engine_steps(args.scenario, args.seat, args.games)
    turns = web_turns(args.scenario, args.seat, args.games)
    run, step = statistics.median(runs), statistics.median(steps)
    med, high = statistics.median(turns), p95(turns)
    print(f"scenario {args.scenario}, seat {args.seat}, {args.games} games, {len(turns)} turns")
    print(f"  simulate (baseline):         median {run * 1e3:8.2f} ms a run")
    print(f"  engine seat step (baseline): median {step * 1e3:8.2f} ms, p95 "
          f"{p95(steps) * 1e3:8.2f} ms")
    print(f"  web turn (post + next page): median {med * 1e3:8.2f} ms, p95 {high * 1e3:8.2f} ms")
    print(f"  ratio web turn / engine step: median {med / step:.2f}, p95 {high / p95(steps):.2f}")
    print(f"  ratio web turn / simulate run: median {med / run:.3f}, p95 {high / run:.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        brink = Path(sys.executable).with_name("brink")
        server = subprocess.Popen([str(brink), "serve", "--port", "0", "--db",
                                   str(Path(tmp) / "bench.sqlite"), "--runs", "0"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            url = re.search(r"(http://\S+?)/ ", server.stdout.readline()).group(1)  # type: ignore[union-attr]
            alone, alone_lat, n1 = throughput(url, args.scenario, args.seat, 1, 500)
            many, many_lat, n20 = throughput(url, args.scenario, args.seat, args.at_once, 600)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"over loopback, one server process ({n1} turns alone, {n20} turns at once):")
    print(f"  one game alone (baseline): {alone:7.1f} turns/s, turn latency median "
          f"{statistics.median(alone_lat) * 1e3:.1f} ms, p95 {p95(alone_lat) * 1e3:.1f} ms")
    print(f"  {args.at_once} games at once:         {many:7.1f} turns/s, turn latency median "
          f"{statistics.median(many_lat) * 1e3:.1f} ms, p95 {p95(many_lat) * 1e3:.1f} ms")
    print(f"  ratio throughput {args.at_once} at once / alone: {many / alone:.2f}; latency "
          f"ratio median {statistics.median(many_lat) / statistics.median(alone_lat):.2f}")


if __name__ == "__main__":
    main()
