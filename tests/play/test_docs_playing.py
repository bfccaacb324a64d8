"""docs/playing.md: its Python examples run as written."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "playing.md"


def test_every_python_example_of_the_page_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    for i, block in enumerate(blocks):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"playing.md#{i}", "exec"), {})  # noqa: S102
        assert out.getvalue().strip(), i
    assert "Nikita" in out.getvalue()


def test_every_answer_in_the_table_is_understood_by_the_prompt() -> None:
    from brinkmanship import load_scenario, new_game
    from brinkmanship.play.prompt import read_answer

    game = new_game(load_scenario("cuba-1962"), ["kennedy"], seed=0)
    turn = game.advance()
    assert turn is not None
    rows = re.findall(r"^\| `([^`]+)`", PAGE.read_text(encoding="utf-8"), re.M)
    assert len(rows) >= 6
    for row in rows:
        for answer in row.split("`, `"):
            read_answer(answer, turn, "America/New_York")
