"""docs/environments.md: its Python examples run as written, and its layout table is whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("pettingzoo", reason="the 'envs' extra (PettingZoo) is not installed")

from brinkmanship.envs import CrisisEnv  # noqa: E402

pytestmark = pytest.mark.envs

DOC = Path(__file__).resolve().parents[2] / "docs" / "environments.md"


def test_the_python_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})  # noqa: S102
    printed = capsys.readouterr().out.split()
    assert printed[0] in ("settlement", "war", "unresolved")


def test_every_block_of_the_layout_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    env = CrisisEnv("cuba-1962")
    blocks = dict.fromkeys(n.split(":")[0] for n in env.layout.names)
    first_cells = re.findall(r"^\| (`.*?) \|", text, re.M)
    documented = [name for cell in first_cells for name in re.findall(r"`([a-z_]+)", cell)]
    assert [b for b in documented if b in blocks] == list(blocks)
