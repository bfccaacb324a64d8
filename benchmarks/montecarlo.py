"""Monte Carlo throughput and memory: runs per second by backend, peak memory by N.

    python benchmarks/montecarlo.py [--scenario cuba-1962] [--runs 2000] [--no-ray]
                                    [--memory-runs 2000,20000] [--policy NAME]

Every figure is measured in this process, against one worker in the same process as the
baseline: one worker (in-process), two local worker processes, and Ray with two CPUs (a
local cluster, its start-up not counted), each streaming rows into a fresh DuckDB file.
Peak memory is measured in child processes, one per N (resident set size of the parent
and of its largest worker), with two workers: flat memory means the ratio stays near 1
while N grows tenfold.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from brinkmanship.analysis import monte_carlo
from brinkmanship.policies.registry import DEFAULT


def rate(scenario: str, policy: str, runs: int, jobs: int, backend: str = "local") -> float:
    """Runs per second of ``monte_carlo`` into a fresh file (start-up of workers included,
    as a user pays it; Ray's cluster start is not, as it is started before)."""
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        monte_carlo(scenario, runs=runs, jobs=jobs, backend=backend, default_policy=policy,
                    out=Path(tmp) / "bench.duckdb").close()
        return runs / (time.perf_counter() - began)


def peak_memory(scenario: str, policy: str, runs: int) -> dict[str, float]:
    """Peak resident memory (MiB) of a child process running ``runs`` with two workers."""
    child = subprocess.run([sys.executable, __file__, "--child", scenario, policy, str(runs)],
                           capture_output=True, text=True, check=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def child(scenario: str, policy: str, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        monte_carlo(scenario, runs=runs, jobs=2, default_policy=policy,
                    out=Path(tmp) / "mem.duckdb").close()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"parent_mib": round(own, 1), "worker_mib": round(workers, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="cuba-1962")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--memory-runs", default="2000,20000")
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--policy", default=DEFAULT,
                        help=f"decision-maker of every actor (default: {DEFAULT})")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    sc, n, pol = args.scenario, args.runs, args.policy
    print(f"scenario {sc}, {n} runs per figure, decision-maker of every actor: {pol}"
          f" (the package default is {DEFAULT})")
    monte_carlo(sc, runs=5, default_policy=pol).close()  # warm imports and caches
    base = rate(sc, pol, n, 1)
    print(f"  1 worker (in-process, baseline): {base:8.1f} runs/s")
    two = rate(sc, pol, n, 2)
    print(f"  2 local worker processes:        {two:8.1f} runs/s   ratio {two / base:.2f}")
    if not args.no_ray:
        try:
            import ray
        except ImportError:
            print("  ray: not installed (pip install 'brinkmanship[ray]')")
        else:
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                     logging_level=logging.WARNING)
            rate(sc, pol, 20, 2, "ray")  # start the workers and ship the study once
            on_ray = rate(sc, pol, n, 2, "ray")
            ray.shutdown()
            print(f"  Ray, 2 CPUs (local cluster):     {on_ray:8.1f} runs/s   "
                  f"ratio {on_ray / base:.2f}")
    sizes = [int(x) for x in args.memory_runs.split(",")]
    mems = [peak_memory(sc, pol, size) for size in sizes]
    for size, mem in zip(sizes, mems, strict=True):
        print(f"  peak memory, N={size:>7}: parent {mem['parent_mib']:7.1f} MiB, "
              f"largest worker {mem['worker_mib']:7.1f} MiB")
    first, last = mems[0], mems[-1]
    print(f"  memory ratio N={sizes[-1]} / N={sizes[0]}: parent "
          f"{last['parent_mib'] / first['parent_mib']:.2f}, worker "
          f"{last['worker_mib'] / first['worker_mib']:.2f}")
    print(f"  time for 100,000 runs at the 2-worker rate: {100_000 / two / 60:.1f} min")


if __name__ == "__main__":
    main()
