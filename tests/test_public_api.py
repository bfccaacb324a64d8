"""The public surface is small and deliberate: what `brinkmanship` exports, and that it works."""

from __future__ import annotations

import re
from pathlib import Path

import brinkmanship

README = Path(__file__).resolve().parents[1] / "README.md"


def test_exported_members_are_exactly_the_curated_list() -> None:
    exported = {name for name in dir(brinkmanship) if not name.startswith("_")}
    modules = {name for name in exported if type(getattr(brinkmanship, name)).__name__ == "module"}
    assert exported - modules == set(brinkmanship.__all__)
    assert all(not getattr(brinkmanship, name).__module__.startswith("builtins")
               for name in brinkmanship.__all__)


def test_every_export_has_a_docstring() -> None:
    for name in brinkmanship.__all__:
        assert (getattr(brinkmanship, name).__doc__ or "").strip(), name


def test_readme_python_example_runs() -> None:
    """The README's Python block runs as written."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README shows Python usage"
    namespace: dict[str, object] = {}
    for block in blocks:  # in order, sharing names, as a reader types them
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    run = namespace["run"]
    assert run.outcome.kind in {"settlement", "war", "unresolved"}  # type: ignore[attr-defined]
    assert len(blocks) >= 2 and namespace["saved"]["decisions"]  # type: ignore[index]


def test_readme_quick_start_is_exactly_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick.splitlines()
                if line.startswith("make ")]
    assert commands == ["make run", "make test"]
