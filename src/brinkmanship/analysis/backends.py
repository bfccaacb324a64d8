"""Where runs execute: in this process, in local worker processes, or on a Ray cluster.

Every backend has the same shape: :meth:`run` takes an iterator of tasks (an arm and a list
of seeds) and yields each task with its rows as tasks finish, keeping only a bounded number
in flight, so memory does not grow with the number of runs; :meth:`close` stops whatever is
still running. All of them call :func:`brinkmanship.analysis.worker.run_chunk`, so a seed
gives the same row on every backend.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, Protocol

from brinkmanship.analysis.rows import Row
from brinkmanship.analysis.study import Study
from brinkmanship.analysis.worker import run_chunk, run_seeds

Task = tuple[str, list[int]]
IN_FLIGHT_PER_WORKER = 3
START_TIMEOUT_S = 120.0


class RunFailed(RuntimeError):
    """A run raised (a decision-maker chose an illegal option, a script broke)."""


class BackendError(RuntimeError):
    """A backend that cannot start: Ray missing, worker processes that do not come up."""


class Backend(Protocol):
    workers: int

    def run(self, tasks: Iterator[Task]) -> Iterator[tuple[Task, list[Row]]]:
        """Each task with its rows, in order of completion."""
        ...

    def close(self) -> None:
        """Stop the workers, abandoning tasks still running."""


def max_jobs() -> int:
    """The most worker processes a study may ask for: four per CPU of this machine (at
    least 8). More would only share the same cores, each a process with its own memory."""
    return max(8, 4 * (os.cpu_count() or 1))


def make_backend(study: Study, kind: str = "local", jobs: int = 1,
                 address: str | None = None) -> Backend:
    """``local`` with ``jobs`` 1 runs in this process; more jobs use worker processes;
    ``ray`` uses the cluster at ``address``, or starts a local one with ``jobs`` CPUs."""
    if kind == "ray":
        return RayBackend(study, jobs, address)
    if kind != "local":
        raise BackendError(f"unknown backend {kind!r} (known: local, ray)")
    if address is not None:
        raise BackendError("--address is for --backend ray")
    if jobs > max_jobs():
        raise BackendError(f"--jobs {jobs}: at most {max_jobs()} (four per CPU of this "
                           "machine, at least 8)")
    return InProcess(study) if jobs <= 1 else ProcessPool(study, jobs)


class InProcess:
    """Runs tasks one after the other in the calling process (no pickling, no start-up)."""

    workers = 1

    def __init__(self, study: Study):
        self.study = study

    def run(self, tasks: Iterator[Task]) -> Iterator[tuple[Task, list[Row]]]:
        for task in tasks:
            yield task, _guarded(self.study, *task)

    def close(self) -> None:
        pass


def _guarded(study: Study, arm: str, seeds: list[int]) -> list[Row]:
    rows = []
    for seed in seeds:
        try:
            rows.extend(run_seeds(study, arm, [seed]))
        except Exception as exc:  # a failed run is reported with its arm and seed
            raise RunFailed(f"arm {arm!r}, seed {seed}: {type(exc).__name__}: {exc}") from None
    return rows


_WORKER: dict[str, Any] = {}
PARENT_POLL_S = 0.5
"""How often a worker checks that its parent lives, where the kernel cannot tell it."""
PR_SET_PDEATHSIG = 1


def _init_worker(fingerprint: str, blob: bytes, parent: int,
                 budgets: dict[str, int] | None = None) -> None:
    # Ctrl-C reaches the whole process group; only the parent handles it, so it can stop the
    # pool and keep what was saved. SIGTERM and SIGHUP get their default action back: the
    # parent may handle them (to save before it stops), and terminating the pool sends
    # SIGTERM to the workers, which must then simply end.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    die_with_parent(parent)
    from brinkmanship.analysis.worker import study_of

    _WORKER["study"] = study_of(fingerprint, blob, budgets)


def die_with_parent(parent: int) -> None:
    """End this process when process ``parent`` ends, however it ends (SIGKILL included),
    so that no worker outlives the command that started it.

    On Linux the kernel sends this process SIGKILL when its parent dies
    (``PR_SET_PDEATHSIG``); elsewhere, and as a second line, a daemon thread polls the
    parent's id every :data:`PARENT_POLL_S` seconds. A worker holds nothing to clean up:
    only the parent writes the results file.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the thread below still watches
    if os.getppid() != parent:  # the parent died before the kernel was told to watch
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent",
                     daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os.kill(os.getpid(), signal.SIGKILL)


def _pool_task(task: Task) -> list[Row]:
    return _guarded(_WORKER["study"], *task)


def _ready() -> bool:
    return "study" in _WORKER


class ProcessPool:
    """Worker processes on this machine.

    On Linux they are forked: they start at once and never re-import the caller's script,
    so a script needs no ``if __name__ == "__main__"`` guard. (The parent's own database
    connection runs no background threads, see :mod:`.storage`, so forking is safe.)
    Elsewhere they are spawned, and a script must have that guard; a pool whose workers
    cannot start is reported instead of waited on for ever.
    """

    def __init__(self, study: Study, jobs: int):
        ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.workers = jobs
        self.pool = ctx.Pool(jobs, initializer=_init_worker,
                             initargs=(study.fingerprint, study.blob, os.getpid(),
                                       study.budgets.to_data()))
        # The pool replaces a worker that dies, but the task it was running is lost and
        # would be waited for for ever: the first workers are watched instead (see _dead).
        self.processes = list(getattr(self.pool, "_pool", []))
        try:
            self.pool.apply_async(_ready).get(timeout=START_TIMEOUT_S)
        except mp.TimeoutError:
            self.close()
            raise BackendError("the worker processes did not start; in a script, call this "
                               "under `if __name__ == \"__main__\":`") from None

    def run(self, tasks: Iterator[Task]) -> Iterator[tuple[Task, list[Row]]]:
        done: queue.Queue[tuple[Task, list[Row] | None, BaseException | None]] = queue.Queue()
        in_flight = 0

        def submit() -> bool:
            task = next(tasks, None)
            if task is None:
                return False

            def finished(rows: list[Row], t: Task = task) -> None:
                done.put((t, rows, None))

            def failed(error: BaseException, t: Task = task) -> None:
                done.put((t, None, error))

            self.pool.apply_async(_pool_task, (task,), callback=finished,
                                  error_callback=failed)
            return True

        while in_flight < self.workers * IN_FLIGHT_PER_WORKER and submit():
            in_flight += 1
        while in_flight:
            try:
                task, rows, error = done.get(timeout=0.2)
            except queue.Empty:
                self._check_workers()
                continue
            in_flight -= 1
            if error is not None:
                raise error
            assert rows is not None
            yield task, rows
            if submit():
                in_flight += 1

    def _check_workers(self) -> None:
        """``BackendError`` if a worker process has died (killed, out of memory): its task
        would never finish."""
        for proc in self.processes:
            code = proc.exitcode
            if code is not None:
                how = (f"killed by {signal.Signals(-code).name}" if code < 0 and
                       -code in signal.valid_signals() else f"exit status {code}")
                raise BackendError(f"worker process {proc.pid} died ({how}; perhaps out of "
                                   "memory); the runs committed so far are kept")

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


class RayBackend:
    """Tasks on a Ray cluster: the one at ``address``, or a local one started here."""

    def __init__(self, study: Study, jobs: int, address: str | None):
        try:
            import ray
        except ImportError:
            raise BackendError("--backend ray needs Ray: pip install 'brinkmanship[ray]'") \
                from None
        self.ray = ray
        self.owned = not ray.is_initialized()
        if self.owned:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                       "logging_level": logging.WARNING}
            if address:
                ray.init(address=address, **options)
            else:
                ray.init(num_cpus=max(1, jobs), **options)
        self.workers = max(1, int(ray.cluster_resources().get("CPU", jobs)))
        self.remote = ray.remote(num_cpus=1)(run_chunk)
        self.fingerprint = study.fingerprint
        self.blob = ray.put(study.blob)
        self.budgets = study.budgets.to_data()
        self.pending: dict[Any, Task] = {}

    def run(self, tasks: Iterator[Task]) -> Iterator[tuple[Task, list[Row]]]:
        ray = self.ray

        def submit() -> bool:
            task = next(tasks, None)
            if task is None:
                return False
            # Ray's stubs know four positional arguments of run_chunk, not its fifth.
            ref = self.remote.remote(self.fingerprint, self.blob,  # type: ignore[call-arg]
                                     task[0], task[1], self.budgets)
            self.pending[ref] = task
            return True

        while len(self.pending) < self.workers * IN_FLIGHT_PER_WORKER and submit():
            pass
        while self.pending:
            ready, _ = ray.wait(list(self.pending), num_returns=1, timeout=0.5)
            for ref in ready:
                task = self.pending.pop(ref)
                try:
                    rows = ray.get(ref)
                except ray.exceptions.RayTaskError as exc:
                    raise RunFailed(f"arm {task[0]!r}, seeds {task[1][0]}..{task[1][-1]}: "
                                    f"{exc.cause!r}") from None
                yield task, rows
                submit()

    def close(self) -> None:
        for ref in list(self.pending):
            self.ray.cancel(ref, force=True)
        self.pending.clear()
        if self.owned:
            self.ray.shutdown()
