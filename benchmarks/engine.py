"""Engine throughput: runs and events per second for a scenario, in this process.

    python benchmarks/engine.py [--scenario cuba-1962] [--runs 300]

Prints figures for the default decision-makers and, as the baseline measured in the same
process, for passive decision-makers (the engine's own cost with nobody deciding); the
ratio says what the decision-makers cost on top of the mechanics. Where a side has hidden
types, the default decision-makers are also timed on the scenario with its types taken
away (each actor on its plain utilities): that ratio is what reasoning over types costs.
"""

from __future__ import annotations

import argparse
import time

from brinkmanship.engine.index import Index
from brinkmanship.games import simulate
from brinkmanship.policies.registry import DEFAULT
from brinkmanship.scenario import load_scenario


def measure(scenario, policy: str | None, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Runs per second and events per second over ``runs`` consecutive seeds."""
    chosen = {a: policy for a in Index(scenario).deciders} if policy else {}
    simulate(scenario, chosen, seed=10_000)  # warm caches before timing
    events = 0
    began = time.perf_counter()
    for seed in range(runs):
        events += len(simulate(scenario, chosen, seed=seed).events)
    spent = time.perf_counter() - began
    return runs / spent, events / spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="cuba-1962")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    sc = load_scenario(args.scenario)
    base_runs, base_events = measure(sc, "passive", args.runs)
    runs, events = measure(sc, None, args.runs)
    print(f"scenario {args.scenario}, {args.runs} runs, one process")
    print(f"  passive (baseline):  {base_runs:9.1f} runs/s  {base_events:11.0f} events/s")
    print(f"  default ({DEFAULT}): {runs:9.1f} runs/s  {events:11.0f} events/s")
    print(f"  ratio default/baseline: {runs / base_runs:.3f} (runs/s), "
          f"{events / base_events:.3f} (events/s)")
    if any(side.types for side in sc.sides):
        plain = sc.model_copy(update={"sides": [side.model_copy(update={"types": []})
                                                for side in sc.sides]})
        plain_runs, _ = measure(plain, None, args.runs)
        print(f"  default without hidden types: {plain_runs:9.1f} runs/s; ratio with/without "
              f"types: {runs / plain_runs:.3f} (runs/s)")


if __name__ == "__main__":
    main()
