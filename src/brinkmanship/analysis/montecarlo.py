"""Monte Carlo: many seeded runs of a study, streamed into a results table, resumable.

:func:`run_study` is the one loop every entry point uses (``brink mc``, ``brink compare``,
the Python API). It asks the results file which (arm, seed) pairs are still missing, hands
them to a backend in chunks, and commits finished rows in batches; interrupted and started
again with the same study and seeds, it runs only what is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from brinkmanship.analysis.backends import Task, make_backend
from brinkmanship.analysis.rows import Row
from brinkmanship.analysis.storage import Store
from brinkmanship.analysis.study import BASELINE, Study
from brinkmanship.analysis.summary import differences, forced_applied, summarise

Progress = Callable[[int, int, int], None]
"""Called as ``progress(done, saved, total)``: runs finished, runs committed, runs planned."""

MAX_CHUNK = 200
COMMIT_EVERY_S = 1.0
COMMIT_ROWS = 5_000


def run_study(study: Study, seeds: range, out: str | Path | None = None, *,
              backend: str = "local", jobs: int = 1, address: str | None = None,
              progress: Progress | None = None, overwrite: bool = False,
              chunk: int | None = None) -> Results:
    """Run every arm of ``study`` on every seed of ``seeds`` into ``out`` (a DuckDB file;
    None keeps the table in memory) and return the results.

    Seeds already in ``out`` for the same study are not run again. On an interrupt
    (``KeyboardInterrupt``) or a failed run, the rows already finished are committed before
    the exception propagates.
    """
    if seeds.step != 1 or seeds.start < 0:
        raise ValueError("seeds are a range of non-negative integers with step 1")
    store = Store.create(out, study, overwrite)
    try:
        todo = {arm.name: store.missing(arm.name, seeds) for arm in study.arms}
        total = len(seeds) * len(study.arms)
        saved = total - sum(len(s) for s in todo.values())
        if progress:
            progress(saved, saved, total)
        if saved < total:
            _execute(store, study, todo, total - saved, saved, total, backend, jobs, address,
                     progress, chunk)
    except BaseException:
        store.close()
        raise
    return Results(store, seeds)


def _execute(store: Store, study: Study, todo: dict[str, list[int]], left: int, saved: int,
             total: int, backend: str, jobs: int, address: str | None,
             progress: Progress | None, chunk: int | None) -> None:
    runner = make_backend(study, backend, jobs, address)
    size = chunk or max(1, min(MAX_CHUNK, -(-left // (runner.workers * 8))))
    pending: list[Row] = []
    done = saved
    last = time.monotonic()
    try:
        for _task, rows in runner.run(_tasks(todo, size)):
            pending.extend(rows)
            done += len(rows)
            if len(pending) >= COMMIT_ROWS or time.monotonic() - last >= COMMIT_EVERY_S:
                store.write(pending)
                saved += len(pending)
                pending = []
                last = time.monotonic()
            if progress:
                progress(done, saved, total)
    finally:
        runner.close()
        # Finished runs are kept even when the loop ends on an interrupt or an error.
        store.write(pending)
        if pending and progress:
            progress(done, saved + len(pending), total)


def _tasks(todo: dict[str, list[int]], size: int) -> Iterator[Task]:
    """Chunks of seeds, the arms interleaved so that paired rows arrive together."""
    longest = max((len(s) for s in todo.values()), default=0)
    for start in range(0, longest, size):
        for arm, seeds in todo.items():
            if seeds[start:start + size]:
                yield arm, seeds[start:start + size]


class Results:
    """The runs of a study: an Arrow table per arm, summaries, paired differences.

    ``seeds`` limits what is read to the range that was asked for (a file may hold more);
    None reads every row. Close it (or use it as a context manager) to release the file.
    """

    def __init__(self, store: Store, seeds: range | None = None):
        self.store = store
        self.seeds = seeds

    @property
    def study(self) -> Study:
        return self.store.study

    @property
    def arms(self) -> list[str]:
        return [a.name for a in self.study.arms]

    def to_arrow(self, arm: str | None = None, columns: Sequence[str] | None = None) -> Any:
        """The rows (all arms, or one) as a ``pyarrow.Table``, ordered by arm and seed."""
        return self.store.table(arm, self.seeds, columns)

    def to_pandas(self, arm: str | None = None) -> Any:
        """The rows as a pandas DataFrame (needs pandas)."""
        return self.to_arrow(arm).to_pandas()

    def to_polars(self, arm: str | None = None) -> Any:
        """The rows as a polars DataFrame (needs polars)."""
        import polars as pl

        return pl.from_arrow(self.to_arrow(arm))

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream: ``polars.DataFrame(results)``, ``pyarrow.table(...)``."""
        return self.to_arrow().__arrow_c_stream__(requested_schema)

    def summary(self, arm: str = BASELINE) -> dict[str, Any]:
        """Outcome counts and shares with 95 % Wilson intervals, and breakdowns."""
        return summarise(self.store, arm, self.seeds)

    def comparison(self, baseline: str = BASELINE) -> dict[str, Any]:
        """Every other arm against ``baseline`` on paired seeds (see :mod:`..stats`)."""
        arms = []
        for arm in self.study.arms:
            summary = self.summary(arm.name)
            entry: dict[str, Any] = {"arm": arm.name, "label": arm.label,
                                     "outcomes": summary["outcomes"],
                                     "reached": summary["reached"]}
            if arm.name != baseline:
                diff = differences(self.store, arm.name, baseline, self.seeds)
                entry["difference"] = {
                    "outcomes": {k: d.to_dict() for k, d in diff["outcomes"].items()},
                    "payoffs": {a: d.to_dict() for a, d in diff["payoffs"].items()},
                    "reached": {r: d.to_dict() for r, d in diff["reached"].items()}}
                entry["paired_seeds"] = diff["paired_seeds"]
                if arm.change.force:
                    entry["forced_in_runs"] = forced_applied(self.store, arm.name, self.seeds)
            arms.append(entry)
        return {"scenario": self.study.scenario.scenario.id, "baseline": baseline,
                "method": "paired differences on common seeds: mean of per-seed differences "
                          "± 1.96·sd/√n; shares with Wilson score intervals",
                "policies": dict(self.study.policies), "arms": arms}

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Results:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_results(path: str | Path) -> Results:
    """Read a results file written by ``brink mc``, ``brink compare`` or the API."""
    return Results(Store.open(path))
