"""The ``brink`` command, run as users run it: in a separate process, reading its output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
HARBOUR = "tests/scenarios/harbour.yaml"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
DECIDERS = ("azure_pm", "crimson_pm", "azure_envoy", "gull_chief")


def brink(*args: str) -> subprocess.CompletedProcess[str]:
    """``brink ARGS`` through the installed entry point if there is one, else ``python -m``."""
    script = Path(sys.executable).with_name("brink")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "brinkmanship"]
    return subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def run_json(*args: str) -> dict[str, Any]:
    done = brink("run", "--scenario", HARBOUR, "--json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_refused(done: subprocess.CompletedProcess[str], message: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert message in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.fixture(scope="module")
def default_run() -> dict[str, Any]:
    return run_json()


def test_run_tells_the_story_and_the_outcome() -> None:
    done = brink("run", "--scenario", HARBOUR)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == "The harbour stand-off (test scenario) — seed 0"
    assert out[1] == "Times: Azure City | Crimson Port"
    story = [line for line in out if re.match(r"^\w{3} \d\d \w{3} \d\d:\d\d EST \| ", line)]
    assert story, "narrative lines on both clocks"
    assert any(line.startswith("Outcome: ") for line in out)
    assert any(line.strip().startswith("Payoffs:") for line in out)
    assert done.stderr == ""


def test_json_has_the_stable_shape(default_run: dict[str, Any]) -> None:
    assert set(default_run) == {"scenario", "seed", "outcome", "events"}
    assert default_run["scenario"] == "harbour" and default_run["seed"] == 0
    outcome = default_run["outcome"]
    assert set(outcome) == {"kind", "at", "public_terms", "private_terms", "payoffs", "war"}
    assert outcome["kind"] in ("settlement", "war", "unresolved")
    assert ISO_UTC.match(outcome["at"]), outcome["at"]
    datetime.fromisoformat(outcome["at"].replace("Z", "+00:00"))
    assert set(outcome["payoffs"]) == {"azure_pm", "crimson_pm"}
    events = default_run["events"]
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert all(ISO_UTC.match(e["t"]) for e in events)
    assert events[0]["kind"] == "start" and events[-1]["kind"] == "end"
    assert events[-1]["outcome"] == outcome


def test_until_stops_the_run_there() -> None:
    cut = run_json("--until", "2000-03-01T00:30:00Z")  # before the first answer can arrive
    assert cut["outcome"]["kind"] == "unresolved"
    assert cut["outcome"]["at"] == "2000-03-01T00:30:00Z"
    assert all(e["t"] <= "2000-03-01T00:30:00Z" for e in cut["events"])
    same = run_json("--until", "2000-03-01T03:30 Europe/Moscow")  # the same instant
    assert same == cut


def test_until_before_the_start_is_refused() -> None:
    assert_refused(brink("run", "--scenario", HARBOUR, "--until", "2000-02-01T00:00:00Z"),
                   "before the scenario's start (2000-03-01T00:00:00Z)")


def test_policy_passive_makes_an_actor_wait(default_run: dict[str, Any]) -> None:
    deciding = {e["actor"] for e in default_run["events"] if e["kind"] == "decision"}
    assert {"azure_pm", "crimson_pm"} <= deciding, "by default both premiers decide"
    quiet = run_json("--policy", "crimson_pm=passive")
    deciding = {e["actor"] for e in quiet["events"] if e["kind"] == "decision"}
    assert "crimson_pm" not in deciding and "azure_pm" in deciding
    silent = run_json(*[arg for a in DECIDERS for arg in ("--policy", f"{a}=passive")])
    assert not [e for e in silent["events"] if e["kind"] in ("decision", "send")]


@pytest.mark.parametrize(("spec", "message"), [
    ("azure_pm", "--policy wants ACTOR=NAME, got 'azure_pm'"),
    ("azure_pm=clever", "unknown policy 'clever'"),
    ("nobody=passive", "no actor 'nobody'"),
])
def test_bad_policy_is_refused(spec: str, message: str) -> None:
    assert_refused(brink("run", "--scenario", HARBOUR, "--policy", spec), message)


def test_schema_is_json_schema() -> None:
    done = brink("schema")
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert schema["type"] == "object"
    assert {"scenario", "sides", "actors", "channels", "ladder"} <= set(schema["properties"])


def test_validate_accepts_a_good_file_and_refuses_a_bad_one() -> None:
    done = brink("validate", HARBOUR)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ok: {HARBOUR}: scenario 'harbour'")
    bad = "tests/bad_scenarios/dangling_actor.yaml"
    assert_refused(brink("validate", bad), f"{bad}:")
