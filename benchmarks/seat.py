"""The server-side cost of one seat step: submit a decision, advance to the seat's next turn.

    python benchmarks/seat.py [--scenario cuba-1962] [--seat kennedy] [--games 30]

One actor sits in a seat; the others play the default decision-makers. The seat answers
with the default decision-maker too, but its own thinking is left out of the timing: a
step is what a server spends between receiving a decision and showing the next turn.
Figures are medians and 95th percentiles over every step of ``--games`` seeds, and their
ratio to a plain ``simulate`` run of the same scenario measured in the same process.
"""

from __future__ import annotations

import argparse
import statistics
import time

from brinkmanship.games import new_game, simulate
from brinkmanship.policies.registry import bind_policies
from brinkmanship.scenario import load_scenario


def steps(scenario, seat: str, games: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Seconds of every seat step, and of every whole game, over seeds ``0 .. games-1``."""
    per_step: list[float] = []
    per_game: list[float] = []
    for seed in range(games):
        game = new_game(scenario, [seat], seed=seed)
        mine = bind_policies(scenario, {})[seat]
        spent = 0.0
        began = time.perf_counter()
        turn = game.advance()
        spent += time.perf_counter() - began
        while turn is not None:
            decision = mine.decide(turn.observation, game.policy_stream(seat))
            began = time.perf_counter()
            game.submit(decision)
            turn = game.advance()
            step = time.perf_counter() - began
            per_step.append(step)
            spent += step
        per_game.append(spent)
    return per_step, per_game


def runs(scenario, games: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for seed in range(games):
        began = time.perf_counter()
        simulate(scenario, seed=seed)
        out.append(time.perf_counter() - began)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="cuba-1962")
    parser.add_argument("--seat", default="kennedy")
    parser.add_argument("--games", type=int, default=30)
    args = parser.parse_args()
    sc = load_scenario(args.scenario)
    simulate(sc, seed=10_000)  # warm caches before timing
    baseline = runs(sc, args.games)
    per_step, per_game = steps(sc, args.seat, args.games)
    run_median = statistics.median(baseline)
    median = statistics.median(per_step)
    p95 = statistics.quantiles(per_step, n=20)[-1]
    print(f"scenario {args.scenario}, seat {args.seat}, {args.games} games, "
          f"{len(per_step)} seat steps, one process")
    print(f"  simulate (baseline): median {run_median * 1e3:8.2f} ms a run")
    print(f"  seat step:           median {median * 1e3:8.3f} ms, p95 {p95 * 1e3:8.3f} ms")
    print(f"  ratio step/run: median {median / run_median:.3f}, p95 {p95 / run_median:.3f}")
    print(f"  a whole seated game, less the seat's thinking: median "
          f"{statistics.median(per_game) * 1e3:.2f} ms "
          f"({statistics.median(per_game) / run_median:.3f} of a simulate run)")


if __name__ == "__main__":
    main()
