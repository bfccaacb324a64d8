"""Showing a long run's progress: a bar on a terminal, a line per commit in a log."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class ProgressDisplay:
    """A ``progress(done, saved, total)`` callback that draws on ``stream`` (stderr).

    On a terminal it is a bar with runs per second and time left; otherwise (a log, CI)
    it writes one line each time more runs are saved, at most every ``every_s`` seconds,
    and always the last one.
    """

    def __init__(self, label: str = "runs", stream: TextIO | None = None,
                 every_s: float = 1.0):
        self.stream = stream or sys.stderr
        self.label = label
        self.every_s = every_s
        self.bar: Any = None
        self.task: Any = None
        self.last_line = 0.0
        self.last_saved = -1
        self.saved = 0
        self.total = 0
        self.tokens = 0

    def add_tokens(self, tokens: int) -> None:
        """Count language-model tokens of finished runs (shown once there are any)."""
        self.tokens += tokens

    def __enter__(self) -> ProgressDisplay:
        if self.stream.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                                TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                                console=Console(file=self.stream), transient=False)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, done: int, saved: int, total: int) -> None:
        self.saved, self.total = saved, total
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task(self.label, total=total, completed=done, rate="",
                                              start_done=done, started=time.monotonic())
            fields = self.bar.tasks[self.task].fields
            spent = time.monotonic() - fields["started"]
            rate = (done - fields["start_done"]) / spent if spent > 0 else 0.0
            used = f", {self.tokens:,} model tokens" if self.tokens else ""
            self.bar.update(self.task, completed=done, rate=f"{rate:,.0f} runs/s{used}")
            return
        now = time.monotonic()
        if saved != self.last_saved and (now - self.last_line >= self.every_s
                                         or saved == total or self.last_saved < 0):
            used = f", {self.tokens:,} model tokens" if self.tokens else ""
            self.stream.write(f"{self.label}: {saved}/{total} saved{used}\n")
            self.stream.flush()
            self.last_line, self.last_saved = now, saved
