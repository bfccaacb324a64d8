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

When the engine's output changes on purpose, ``make guide`` (``UPDATE_GUIDE=1 pytest
tests/test_docs_guide.py``) writes the new output into the page, for every command whose
output no longer matches; read the diff before committing it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brinkmanship.cli import app

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "writing-a-scenario.md"
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```[ \t]*$", re.S | re.M)


@dataclass
class Block:
    lang: str
    attrs: dict[str, str]
    body: str
    line: int
    span: tuple[int, int]  # of the body in the page


@dataclass
class Reading:
    """A reader following the guide: the files written so far, and what did not match."""

    folder: Path
    files: dict[str, str] = field(default_factory=dict)
    current: str | None = None
    problems: list[str] = field(default_factory=list)
    bodies: dict[tuple[int, int], str] = field(default_factory=dict)

    def add_yaml(self, block: Block) -> None:
        name = block.attrs.get("file", self.current)
        assert name, f"line {block.line}: the first yaml block must say file=NAME"
        self.current = name
        before = self.files.get(name)
        self.files[name] = block.body if before is None else f"{before}\n{block.body}"
        (self.folder / name).write_text(self.files[name], encoding="utf-8")

    def compare(self, block: Block, expected: list[str], actual: str, what: str) -> list[str]:
        """The lines the page should show: the expected ones if they match, else the actual."""
        if matches(expected, actual.splitlines()):
            return expected
        self.problems.append(f"line {block.line}: {what} printed\n{actual}")
        return actual.splitlines()


def blocks(text: str) -> list[Block]:
    found = []
    for m in FENCE.finditer(text):
        attrs = dict(a.split("=", 1) for a in m.group(2).split() if "=" in a)
        found.append(Block(m.group(1), attrs, m.group(3), text.count("\n", 0, m.start()) + 1,
                           m.span(3)))
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


def run_console(reading: Reading, block: Block) -> None:
    status = int(block.attrs.get("exit", "0"))
    body = []
    for command, expected in commands(block):
        words = shlex.split(command)
        assert words[0] == "brink", f"line {block.line}: only brink commands run here"
        result = CliRunner().invoke(app, words[1:])
        assert result.exit_code == status, \
            f"line {block.line}: `{command}` exited {result.exit_code}\n{result.output}"
        body += [f"$ {command}", *reading.compare(block, expected, result.output, command)]
    reading.bodies[block.span] = "\n".join(body) + "\n"


def run_python(reading: Reading, block: Block, output: Block | None) -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block.body, f"{GUIDE.name}:{block.line}", "exec"), {})  # noqa: S102
    if output is not None:
        lines = reading.compare(output, output.body.splitlines(), printed.getvalue(), "python")
        reading.bodies[output.span] = "\n".join(lines) + "\n"


def follow(text: str, folder: Path) -> tuple[Reading, dict[str, int]]:
    """Run every block of the page in order, in ``folder``."""
    reading = Reading(folder)
    found = blocks(text)
    ran = {"yaml": 0, "console": 0, "python": 0}
    i = 0
    while i < len(found):
        block = found[i]
        if block.lang == "yaml":
            reading.add_yaml(block)
        elif block.lang == "console":
            run_console(reading, block)
        elif block.lang == "python":
            following = found[i + 1] if i + 1 < len(found) else None
            output = following if following is not None and following.lang == "text" else None
            run_python(reading, block, output)
            i += output is not None
        else:
            pytest.fail(f"line {block.line}: a ```{block.lang} block the test cannot run")
        ran[block.lang] += 1
        i += 1
    return reading, ran


def rewritten(text: str, bodies: dict[tuple[int, int], str]) -> str:
    for (start, end), body in sorted(bodies.items(), reverse=True):
        text = text[:start] + body + text[end:]
    return text


def test_the_guide_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = GUIDE.read_text(encoding="utf-8")
    reading, ran = follow(text, tmp_path)
    # The page builds a scenario in several steps and runs it at each.
    assert ran["yaml"] >= 5 and ran["console"] >= 5 and ran["python"] >= 1, ran
    if reading.problems and os.environ.get("UPDATE_GUIDE"):
        GUIDE.write_text(rewritten(text, reading.bodies), encoding="utf-8")
        pytest.skip(f"rewrote {len(reading.problems)} outputs of {GUIDE.name}; review the diff")
    assert not reading.problems, "the guide's output is out of date (make guide):\n\n" + \
        "\n\n".join(reading.problems)


def test_matching_rules() -> None:
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["a ..."], ["a and more"])
    assert not matches(["a", "z"], ["a", "b", "z"])
    assert not matches(["a"], ["a", "b"])
    assert not matches(["a ..."], ["b"])


def test_rewriting_keeps_what_still_matches(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    page = "```console exit=2\n$ brink validate nowhere.yaml\n...\n```\n" \
           "```console\n$ brink new strait\nsomething stale\n```\n"
    reading, _ = follow(page, tmp_path)
    assert len(reading.problems) == 1
    again = rewritten(page, reading.bodies)
    assert "...\n" in again and "something stale" not in again
    assert "wrote strait.yaml" in again
