"""The error every bad scenario raises: it names the file, the line and the field path."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, and where."""

    message: str
    path: str = "$"
    line: int | None = None

    def render(self, file: str) -> str:
        where = f"{file}:{self.line}" if self.line is not None else file
        return f"{where}: {self.path}: {self.message}"


class FileProblems(ValueError):
    """A file that cannot be used; ``problems`` says every place that is wrong."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        super().__init__(self.render())

    def render(self, limit: int = 20) -> str:
        lines = [p.render(self.file) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


class ScenarioError(FileProblems):
    """A scenario file that cannot be used; ``problems`` says every place that is wrong."""
