"""`brink mc` interrupted (killed, or Ctrl-C) and run again: no run lost, none counted twice,
and the table equals that of an uninterrupted run."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from brinkmanship.analysis import monte_carlo, open_results

HARBOUR = Path(__file__).resolve().parents[1] / "scenarios" / "harbour.yaml"
RUNS = 5000
# Python ignores Ctrl-C in a process started with SIGINT ignored (as background jobs of a
# non-interactive shell are); restore the default so the test does not depend on how the
# suite itself was started.
LAUNCH = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
          "from brinkmanship.cli import main; sys.argv[0] = 'brink'; main()")


@pytest.fixture(scope="module")
def uninterrupted() -> list[dict]:
    with monte_carlo(HARBOUR, runs=RUNS, jobs=2) as res:
        return res.to_arrow().to_pylist()


def command(out: Path) -> list[str]:
    return [sys.executable, "-c", LAUNCH, "mc", str(HARBOUR), "--runs", str(RUNS),
            "--jobs", "2", "--out", str(out)]


def start_and_stop(out: Path, sig: int) -> subprocess.CompletedProcess[str]:
    """Start `brink mc`, wait until some but not all runs are saved, then send ``sig``."""
    proc = subprocess.Popen(command(out), stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, start_new_session=True)
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line)
        m = re.match(r"runs: (\d+)/(\d+) saved", line)
        if m and 0 < int(m.group(1)) < RUNS:
            break
    else:
        proc.wait()
        pytest.fail("the run ended before it could be interrupted:\n" + "".join(lines))
    if sig == signal.SIGINT:
        os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C: the whole process group
    else:
        proc.send_signal(sig)  # the main process alone is killed
    stdout, stderr = proc.communicate(timeout=60)
    if sig != signal.SIGINT:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # its orphaned workers, if any remain
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout,
                                       "".join(lines) + stderr)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_interrupted_then_resumed(tmp_path: Path, sig: int, uninterrupted: list[dict]) -> None:
    out = tmp_path / "mc.duckdb"
    stopped = start_and_stop(out, sig)
    if sig == signal.SIGINT:
        assert stopped.returncode == 130
        assert "run the same command again to continue" in stopped.stderr
        assert "Traceback" not in stopped.stderr
    else:
        assert stopped.returncode == -signal.SIGKILL
    with open_results(out) as partial:
        saved = partial.store.count()
    assert 0 < saved < RUNS
    again = subprocess.run(command(out), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"runs: {saved}/{RUNS} saved" in again.stderr.splitlines()[0]
    with open_results(out) as res:
        table = res.to_arrow()
        assert res.store.count() == RUNS
    assert table.column("seed").to_pylist() == list(range(RUNS))
    assert table.to_pylist() == uninterrupted
