"""``docs/writing-a-scenario.md`` is run, block by block, exactly as a reader would.

Blocks of the guide, in order:

- ```` ```yaml file=NAME ```` starts a file; later ```` ```yaml ```` blocks append to it;
- ```` ```console ```` holds ``$ brink ...`` commands, each followed by the output it must
  print (``exit=N`` on the fence: the status every command must exit with, 0 by default);
- ```` ```python ```` is executed, and the ```` ```text ```` block right after it is its
  output.

Output is matched line by line. A line ``...`` stands for any number of lines; a line
ending in `` ...`` matches any line that starts with the text before it. Any other kind of
block fails the test: every snippet on the page runs.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brinkmanship.cli import app

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "writing-a-scenario.md"
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```\s*$", re.S | re.M)


@dataclass
class Block:
    lang: str
    attrs: dict[str, str]
    body: str
    line: int


@dataclass
class Reader:
    """What a reader following the guide has on disk so far."""

    folder: Path
    files: dict[str, str] = field(default_factory=dict)
    current: str | None = None

    def add_yaml(self, block: Block) -> None:
        name = block.attrs.get("file", self.current)
        assert name, f"line {block.line}: the first yaml block must say file=NAME"
        self.current = name
        self.files[name] = self.files.get(name, "") + ("\n" if name in self.files else "") + \
            block.body
        (self.folder / name).write_text(self.files[name], encoding="utf-8")


def blocks(text: str) -> list[Block]:
    found = []
    for m in FENCE.finditer(text):
        attrs = dict(a.split("=", 1) for a in m.group(2).split() if "=" in a)
        found.append(Block(m.group(1), attrs, m.group(3), text.count("\n", 0, m.start()) + 1))
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Doctest-like: ``...`` skips lines; ``text ...`` matches lines starting with ``text``."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == "...":
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    line = actual[0].rstrip()
    ok = line.startswith(head[:-4]) if head.endswith(" ...") else line == head.rstrip()
    return ok and matches(rest, actual[1:])


def commands(block: Block) -> list[tuple[str, list[str]]]:
    """``(command, expected output lines)`` pairs of a console block."""
    out: list[tuple[str, list[str]]] = []
    for line in block.body.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        else:
            assert out, f"line {block.line}: a console block starts with '$ '"
            out[-1][1].append(line)
    return out


def run_console(block: Block) -> None:
    status = int(block.attrs.get("exit", "0"))
    for command, expected in commands(block):
        words = shlex.split(command)
        assert words[0] == "brink", f"line {block.line}: only brink commands run here"
        result = CliRunner().invoke(app, words[1:])
        shown = f"$ {command}\n{result.output}"
        assert result.exit_code == status, f"line {block.line}: exit {result.exit_code}\n{shown}"
        assert matches(expected, result.output.splitlines()), \
            f"line {block.line}: output differs from the guide\n{shown}"


def run_python(block: Block, output: Block | None) -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block.body, f"{GUIDE.name}:{block.line}", "exec"), {})  # noqa: S102
    if output is not None:
        assert matches(output.body.splitlines(), printed.getvalue().splitlines()), \
            f"line {block.line}: printed\n{printed.getvalue()}"


def test_the_guide_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    reader = Reader(tmp_path)
    found = blocks(GUIDE.read_text(encoding="utf-8"))
    ran = {"yaml": 0, "console": 0, "python": 0}
    i = 0
    while i < len(found):
        block = found[i]
        if block.lang == "yaml":
            reader.add_yaml(block)
        elif block.lang == "console":
            run_console(block)
        elif block.lang == "python":
            following = found[i + 1] if i + 1 < len(found) else None
            output = following if following is not None and following.lang == "text" else None
            run_python(block, output)
            i += output is not None
        else:
            pytest.fail(f"line {block.line}: a ```{block.lang} block the test cannot run")
        ran[block.lang] += 1
        i += 1
    # The page builds a scenario in several steps and runs it at each.
    assert ran["yaml"] >= 5 and ran["console"] >= 5 and ran["python"] >= 1, ran


def test_matching_rules() -> None:
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["a ..."], ["a and more"])
    assert not matches(["a", "z"], ["a", "b", "z"])
    assert not matches(["a"], ["a", "b"])
    assert not matches(["a ..."], ["b"])
