"""The work every backend does: run seeds of one arm of a study and fold each log to a row.

Workers receive the study once as bytes and keep it, built, keyed by its fingerprint, so a
worker process that serves many chunks validates the scenario once.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterable, Mapping

from brinkmanship.analysis.counterfactual import run_prepared
from brinkmanship.analysis.rows import Row, row_of
from brinkmanship.analysis.study import Study, import_modules
from brinkmanship.engine.budgets import Budgets
from brinkmanship.engine.run import Run

_STUDIES: dict[tuple[str, tuple[tuple[str, int], ...]], Study] = {}
YOUNG_COLLECTION_EVERY = 100_000
"""Allocations between young-generation collections in a worker process (Python's default
is 700). A worker only runs simulations, whose look-aheads allocate many short-lived
objects and few cycles: collecting less often saves about a fifth of the time of the
default decision-makers, for a few megabytes more."""


def tune_collector() -> None:
    """Collect garbage less often, in a process that does nothing but simulate (see
    :data:`YOUNG_COLLECTION_EVERY`). Event logs do not depend on it."""
    gc.set_threshold(YOUNG_COLLECTION_EVERY, 50, 50)


def study_of(fingerprint: str, blob: bytes, budgets: Mapping[str, int] | None = None) -> Study:
    """The study ``blob`` holds, built once per process (a worker's first study also tunes
    its collector), with the modules it names imported.

    Only a worker calls this, with the study its own command built from the user's options
    (``--import`` included) and sent it: never with one read from a results file.
    """
    key = (fingerprint, tuple(sorted((budgets or {}).items())))
    study = _STUDIES.get(key)
    if study is None:
        if not _STUDIES:
            tune_collector()
        if len(_STUDIES) > 8:
            _STUDIES.clear()
        study = Study.from_blob(blob)
        if budgets:
            study = dataclasses.replace(study, budgets=Budgets.from_data(budgets))
        import_modules(study.imports)
        _STUDIES[key] = study
    return study


def simulate_arm(study: Study, arm: str, seed: int) -> Run:
    """One run of ``arm`` of the study: the same log on every backend and every call."""
    # Fresh decision-makers every run: policies may keep state within a run.
    return run_prepared(study.prepared(arm), study.policies, seed, study.budgets)


def run_seeds(study: Study, arm: str, seeds: Iterable[int]) -> list[Row]:
    """One row per seed, in the order given."""
    return [row_of(study.layout, arm, seed, simulate_arm(study, arm, seed).events)
            for seed in seeds]


def run_chunk(fingerprint: str, blob: bytes, arm: str, seeds: list[int],
              budgets: Mapping[str, int] | None = None) -> list[Row]:
    """The entry point of a worker task."""
    return run_seeds(study_of(fingerprint, blob, budgets), arm, seeds)
