"""scripts/calibrate.py: the calibration report the docs quote, on a few seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from brinkmanship import load_scenario, simulate

ROOT = Path(__file__).resolve().parents[2]


def test_calibration_reports_outcomes_rungs_and_the_records_deeds() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "calibrate.py"), "--runs",
                          "3", "--jobs", "1", "--json"], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    res = json.loads(out.stdout)
    assert res["runs"] == 3
    assert sum(o["count"] for o in res["outcomes"].values()) == 3
    assert sum(r["count"] for r in res["top_rungs"]) == 3
    sc = load_scenario("cuba-1962")
    assert sc.history is not None
    beats = {b["deed"]: b for b in res["record_beats"]}
    assert len(res["record_beats"]) == len(sc.history.record)
    # Each share counts the runs whose log holds the deed: check one against the logs.
    runs = [simulate(sc, seed=s).events for s in range(3)]
    sent = sum(any(e["kind"] == "send" and e.get("draft") == "second_letter" for e in ev)
               for ev in runs)
    assert beats["send:second_letter"]["count"] == sent
    assert beats["send:first_letter"]["record_hours"] == 0.0
