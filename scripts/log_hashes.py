"""Print a short SHA-256 of the event log of every built-in scenario, policy and seed.

Two trees give the same lines exactly when their engines write byte-identical logs for
these runs, so a change that must not alter any log is checked with

    python scripts/log_hashes.py > before.txt   # on the old tree
    python scripts/log_hashes.py > after.txt    # on the new one
    diff before.txt after.txt
"""

from __future__ import annotations

import argparse
import hashlib

from brinkmanship.games import simulate
from brinkmanship.scenario.loader import builtin_names, load_scenario

POLICIES = ("lenses", "random", "baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4, help="seeds 0..N-1 (default 4)")
    args = parser.parse_args()
    for name in builtin_names():
        sc = load_scenario(name)
        for policy in POLICIES:
            chosen = None if policy == "lenses" else {a.id: policy for a in sc.actors}
            for seed in range(args.seeds):
                log = simulate(sc, chosen, seed=seed).jsonl()
                print(name, policy, seed, hashlib.sha256(log.encode()).hexdigest()[:16],
                      flush=True)


if __name__ == "__main__":
    main()
