"""Decision-maker cost: runs and decisions per second for each, in this process.

    python benchmarks/decisions.py [--scenario cuba-1962] [--runs 200] [--policies baseline,lenses]

Every decider of the scenario gets the same decision-maker; the first named is the
reference the others' speed is given against. The default decision-maker shares its
look-aheads across the runs of a process (keyed by what each leader pictures), so a longer
series runs faster per run: compare like with like.
"""

from __future__ import annotations

import argparse
import time

from brinkmanship import load_scenario, simulate
from brinkmanship.engine.index import Index
from brinkmanship.scenario.schema import Scenario


def measure(scenario: Scenario, policy: str, runs: int) -> tuple[float, float]:
    """Runs per second and decisions per second over ``runs`` consecutive seeds."""
    chosen = {actor: policy for actor in Index(scenario).deciders}
    decisions = 0
    began = time.perf_counter()
    for seed in range(runs):
        events = simulate(scenario, chosen, seed=seed).events
        decisions += sum(1 for e in events if e["kind"] == "decision")
    spent = time.perf_counter() - began
    return runs / spent, decisions / spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="cuba-1962")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--policies", default="baseline,lenses")
    args = parser.parse_args()
    sc = load_scenario(args.scenario)
    names = args.policies.split(",")
    results = {name: measure(sc, name, args.runs) for name in names}
    reference = results[names[0]][0]
    print(f"scenario {args.scenario}, {args.runs} runs each, one process")
    for name, (runs, decisions) in results.items():
        print(f"  {name:<10} {runs:9.1f} runs/s  {decisions:9.1f} logged decisions/s  "
              f"ratio to {names[0]}: {runs / reference:.3f}")


if __name__ == "__main__":
    main()
