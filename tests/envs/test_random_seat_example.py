"""examples/random_seat.py runs and prints its table of outcomes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("gymnasium", reason="the 'envs' extra (Gymnasium) is not installed")

pytestmark = pytest.mark.envs

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "random_seat.py"


def test_the_example_prints_its_table() -> None:
    out = subprocess.run([sys.executable, str(EXAMPLE), "--scenario", "panmunjom-1976",
                          "--seat", "kim", "--runs", "3"], capture_output=True, text=True,
                         check=True).stdout
    lines = out.splitlines()
    assert lines[0].startswith("panmunjom-1976: kim picking at random") and "3 runs" in lines[0]
    assert lines[1].split() == ["random", "seat", "default", "model"]
    cells = [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]
    rows = {label: values for label, *values in cells}
    assert list(rows) == ["settlement share", "war share", "unresolved share",
                          "mean payoff of kim", "mean highest rung"]
    for column in (0, 1):
        shares = [float(rows[f"{k} share"][column]) for k in ("settlement", "war", "unresolved")]
        assert abs(sum(shares) - 1) < 0.02 and all(s * 3 == round(s * 3, 1) for s in shares)
        float(rows["mean payoff of kim"][column])
        assert 0 <= float(rows["mean highest rung"][column]) <= 4


def test_the_example_refuses_no_runs() -> None:
    out = subprocess.run([sys.executable, str(EXAMPLE), "--runs", "0"], capture_output=True,
                         text=True)
    assert out.returncode == 2 and "--runs must be at least 1" in out.stderr
