"""Monte Carlo: many seeded runs of a study, streamed into a results table, resumable.

:func:`run_study` is the one loop every entry point uses (``brink mc``, ``brink compare``,
the Python API). It asks the results file which (arm, seed) pairs are still missing, hands
them to a backend in chunks, and commits finished rows in batches; interrupted and started
again with the same study and seeds, it runs only what is missing.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from brinkmanship.analysis.backends import Task, make_backend
from brinkmanship.analysis.frames import as_frame, comparison_rows, summary_rows
from brinkmanship.analysis.rows import Row
from brinkmanship.analysis.storage import MAX_SEED, Store, StoreError
from brinkmanship.analysis.study import BASELINE, Study, StudyError
from brinkmanship.analysis.summary import (
    differences,
    forced_applied,
    highest_rungs,
    observed_terms,
    summarise,
    term_shares,
)
from brinkmanship.analysis.tables import typed_table

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

    ``seeds`` is a non-empty range of step 1 within 0 … :data:`MAX_SEED`; it is never
    built as a list, so its length costs no memory. Seeds already in ``out`` for the same
    study are not run again. On an interrupt (``KeyboardInterrupt``) or a failed run, the
    rows already finished are committed before the exception propagates.
    """
    check_seeds(seeds)
    store = Store.create(out, study, overwrite)
    try:
        total = (seeds.stop - seeds.start) * len(study.arms)
        saved = sum(store.count(arm.name, seeds) for arm in study.arms)
        if progress:
            progress(saved, saved, total)
        if saved < total:
            _execute(store, study, seeds, total - saved, saved, total, backend, jobs, address,
                     progress, chunk)
    except BaseException:
        store.close()
        raise
    return Results(store, seeds)


def check_seeds(seeds: range) -> None:
    """``StudyError`` (a ``ValueError``) unless ``seeds`` is a non-empty range of step 1
    within 0 … :data:`MAX_SEED` (the seeds a results table can hold)."""
    if seeds.step != 1 or seeds.start < 0 or seeds.stop <= seeds.start:
        raise StudyError("seeds are a non-empty range of non-negative integers with step 1")
    if seeds.stop - 1 > MAX_SEED:
        raise StudyError(f"the last seed, {seeds.stop - 1}, is beyond {MAX_SEED} (2**63 - 1), "
                         "the largest a results table holds")


def _execute(store: Store, study: Study, seeds: range, left: int, saved: int, total: int,
             backend: str, jobs: int, address: str | None, progress: Progress | None,
             chunk: int | None) -> None:
    # No more local workers than runs to do: each would fork a process for nothing.
    workers = min(jobs, left) if backend == "local" else jobs
    runner = make_backend(study, backend, workers, address)
    size = chunk or max(1, min(MAX_CHUNK, -(-left // (runner.workers * 8))))
    pending: list[Row] = []
    done = saved
    last = time.monotonic()
    try:
        for _task, rows in runner.run(_tasks(store, study, seeds, size)):
            pending.extend(rows)
            done += len(rows)
            if len(pending) >= COMMIT_ROWS or time.monotonic() - last >= COMMIT_EVERY_S:
                store.write(pending)
                saved += len(pending)
                pending = []
                last = time.monotonic()
            if progress:
                progress(done, saved, total)
    except BaseException:
        runner.close()
        # Finished runs are kept even when the loop ends on an interrupt or an error; if
        # they cannot be, the first error is the one to report.
        with contextlib.suppress(StoreError):
            _keep(store, pending, done, saved, total, progress)
        raise
    runner.close()
    _keep(store, pending, done, saved, total, progress)


def _keep(store: Store, pending: list[Row], done: int, saved: int, total: int,
          progress: Progress | None) -> None:
    store.write(pending)
    if pending and progress:
        progress(done, saved + len(pending), total)


def _tasks(store: Store, study: Study, seeds: range, size: int) -> Iterator[Task]:
    """Chunks of the seeds still missing, the arms interleaved so that paired rows arrive
    together; read from the file a window at a time, so that memory stays flat however many
    seeds are planned."""
    windows = [store.missing(arm.name, seeds) for arm in study.arms]
    for todo in zip(*windows, strict=True):
        longest = max((len(s) for s in todo), default=0)
        for start in range(0, longest, size):
            for arm, missing in zip(study.arms, todo, strict=True):
                if missing[start:start + size]:
                    yield arm.name, missing[start:start + size]


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
        """The rows (all arms, or one) as a ``pyarrow.Table``, ordered by arm and seed:
        ``at`` a UTC timestamp, terms structs of issue -> option (see :mod:`.tables`)."""
        return typed_table(self.store, arm, self.seeds, columns)

    def to_pandas(self, arm: str | None = None) -> Any:
        """The rows as a pandas DataFrame (``at`` a tz-aware datetime, terms dicts)."""
        return self.to_arrow(arm).to_pandas()

    def to_polars(self, arm: str | None = None) -> Any:
        """The rows as a polars DataFrame (``at`` a UTC datetime, terms structs)."""
        import polars as pl

        return pl.from_arrow(self.to_arrow(arm))

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream: ``polars.DataFrame(results)``, ``pyarrow.table(...)``."""
        return self.to_arrow().__arrow_c_stream__(requested_schema)

    def summary_frame(self, kind: str = "pandas") -> Any:
        """Every arm's summary as one tidy table (see :mod:`.frames`): a pandas or polars
        DataFrame, or a pyarrow Table (``kind``)."""
        return as_frame([row for arm in self.arms for row in summary_rows(self.summary(arm))],
                        kind)

    def comparison_frame(self, baseline: str = BASELINE, kind: str = "pandas") -> Any:
        """:meth:`comparison` as one tidy table (see :mod:`.frames`): every arm's shares and
        means, and their paired differences from ``baseline``."""
        return as_frame(comparison_rows(self.comparison(baseline)), kind)

    def __repr__(self) -> str:
        rng = self.seeds or self.store.seed_range()
        seeds = f"seeds {rng.start}–{rng.stop - 1}" if rng else "no runs"
        where = self.store.path or "in memory"
        return (f"<Results {self.study.scenario.scenario.id}: {len(self.arms)} "
                f"arm{'s' if len(self.arms) != 1 else ''} ({', '.join(self.arms[:4])}"
                f"{', …' if len(self.arms) > 4 else ''}), {seeds}, {where}>")

    def summary(self, arm: str = BASELINE) -> dict[str, Any]:
        """Outcome counts and shares with 95 % Wilson intervals, and breakdowns."""
        return summarise(self.store, arm, self.seeds)

    def comparison(self, baseline: str = BASELINE) -> dict[str, Any]:
        """Every other arm against ``baseline`` on paired seeds (see :mod:`..stats`): the
        shares of each outcome, of each rung reached and highest, of each settlement term
        (public and private), and each actor's payoff, with their paired differences."""
        terms = observed_terms(self.store, self.seeds)
        arms = []
        for arm in self.study.arms:
            summary = self.summary(arm.name)
            shares = term_shares(self.store, arm.name, terms, self.seeds)
            entry: dict[str, Any] = {
                "arm": arm.name, "label": arm.label, "outcomes": summary["outcomes"],
                "reached": summary["reached"],
                "highest_rung": {r: s.to_dict() for r, s in
                                 highest_rungs(self.store, arm.name, self.seeds).items()},
                "terms": {side: {k: s.to_dict() for k, s in by.items()}
                          for side, by in shares.items()},
                "payoffs": summary["payoffs"]}
            if arm.name != baseline:
                diff = differences(self.store, arm.name, baseline, self.seeds, terms)
                entry["difference"] = {
                    "outcomes": {k: d.to_dict() for k, d in diff["outcomes"].items()},
                    "payoffs": {a: d.to_dict() for a, d in diff["payoffs"].items()},
                    "reached": {r: d.to_dict() for r, d in diff["reached"].items()},
                    "terms": {side: {k: d.to_dict() for k, d in by.items()}
                              for side, by in diff["terms"].items()},
                    "highest_level": diff["highest_level"].to_dict()}
                entry["paired_seeds"] = diff["paired_seeds"]
                if arm.change.force:
                    entry["forced_in_runs"] = forced_applied(self.store, arm.name, self.seeds)
            arms.append(entry)
        return {"scenario": self.study.scenario.scenario.id, "baseline": baseline,
                "method": "paired differences on common seeds: of shares, Newcombe's score "
                          "interval for paired proportions (1998, method 10), with the "
                          "discordant seeds (gained, lost); of payoffs and of the highest "
                          "level, mean of per-seed differences ± 1.96·sd/√n; shares with "
                          "Wilson score intervals",
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
