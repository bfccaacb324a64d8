"""A random seat against the default decision-makers, over many seeds.

One seat of a scenario picks uniformly among its legal actions (the action mask of
``brinkmanship.envs.CrisisEnv``); every other decider plays the default decision model.
The table compares those runs with the same seeds played by the default model in the seat
too: the share of each outcome, the seat's mean payoff and the mean highest rung reached.

    python examples/random_seat.py --scenario cuba-1962 --seat khrushchev --runs 50

Needs the ``envs`` extra: ``pip install 'brinkmanship[envs]'``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from brinkmanship import Run, builtin_names, load_scenario, simulate
from brinkmanship.envs import CrisisEnv
from brinkmanship.scenario.schema import Scenario

OUTCOMES = ("settlement", "war", "unresolved")


@dataclass(frozen=True)
class Result:
    """One run, as the table counts it."""

    kind: str
    payoff: float
    highest_level: int


def highest_level(run: Run) -> int:
    """The highest rung level the run reached (the first rung's if it never climbed)."""
    return max([run.scenario.ladder[0].level] +
               [ev["level"] for ev in run.events if ev["kind"] == "rung"])


def random_seat(env: CrisisEnv, seed: int) -> Result:
    """One episode in which the seat picks uniformly among the actions its mask allows."""
    picks = np.random.default_rng(seed)
    _, info = env.reset(seed=seed)
    done, reward = False, 0.0
    while not done:
        action = int(picks.choice(np.flatnonzero(info["action_mask"])))
        _, r, done, _, info = env.step(action)
        reward += float(r)
    run = env.game.result()
    return Result(run.outcome.kind, reward, highest_level(run))


def default_seat(scenario: Scenario, seat: str, seed: int) -> Result:
    """The same seed with the default decision model in the seat as well."""
    run = simulate(scenario, seed=seed)
    return Result(run.outcome.kind, float(run.outcome.payoffs.get(seat, 0.0)),
                  highest_level(run))


def table(columns: dict[str, list[Result]], seat: str) -> str:
    """The comparison table, one column per way of filling the seat."""
    heads = list(columns)
    rows: list[tuple[str, list[str]]] = []
    for kind in OUTCOMES:
        rows.append((f"{kind} share",
                     [f"{sum(r.kind == kind for r in rs) / len(rs):.2f}"
                      for rs in columns.values()]))
    rows.append((f"mean payoff of {seat}",
                 [f"{np.mean([r.payoff for r in rs]):+.3f}" for rs in columns.values()]))
    rows.append(("mean highest rung",
                 [f"{np.mean([r.highest_level for r in rs]):.2f}" for rs in columns.values()]))
    width = max(len(label) for label, _ in rows)
    lines = [" " * width + "".join(f"  {h:>14}" for h in heads)]
    lines += [label.ljust(width) + "".join(f"  {c:>14}" for c in cells) for label, cells in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="cuba-1962",
                        help=f"a built-in scenario ({', '.join(builtin_names())}) or a file")
    parser.add_argument("--seat", default=None,
                        help="the actor the random picks decide for (default: the leader of "
                        "the scenario's first side)")
    parser.add_argument("--runs", type=int, default=20, help="how many seeds (0, 1, ...)")
    parser.add_argument("--picks", type=int, default=1,
                        help="options the seat may take at one instant (picks_per_turn)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    scenario = load_scenario(args.scenario)
    env = CrisisEnv(scenario, seat=args.seat, picks_per_turn=args.picks)
    seeds = range(args.runs)
    columns = {"random seat": [random_seat(env, s) for s in seeds],
               "default model": [default_seat(scenario, env.seat, s) for s in seeds]}
    levels = [r.level for r in scenario.ladder]
    print(f"{scenario.scenario.id}: {env.seat} picking at random against the default "
          f"decision-makers, {args.runs} runs (seeds 0 to {args.runs - 1}); "
          f"rungs {min(levels)} to {max(levels)}")
    print(table(columns, env.seat))


if __name__ == "__main__":
    main()
