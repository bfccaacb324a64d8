"""The Python example of ``docs/monte-carlo.md`` runs as printed, and the page names every
column of the results table."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from brinkmanship.analysis.rows import BASE_COLUMNS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "monte-carlo.md"


def test_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"^```python\n(.*?)^```", PAGE.read_text(), re.S | re.M)
    assert blocks
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, str(PAGE), "exec"), {})  # noqa: S102
    lines = printed.getvalue().splitlines()
    assert lines[0].startswith("{'count': ")
    assert lines[1] == "200 ['arm', 'seed', 'outcome', 'at']"
    assert [line.split()[0] for line in lines[2:]] == ["held", "no_radio"]


def test_every_column_is_documented() -> None:
    text = PAGE.read_text()
    missing = [name for name, _, _ in BASE_COLUMNS if f"`{name}`" not in text]
    assert not missing, f"columns not described in {PAGE.name}: {missing}"
