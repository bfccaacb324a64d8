"""Determinism: (scenario, policies, seed) -> byte-identical log; streams independent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mechanics_kit import Chair, Move, build, of_kind, play

from brinkmanship.games import simulate
from brinkmanship.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
HARBOUR = ROOT / "tests" / "scenarios" / "harbour.yaml"


def test_same_inputs_give_a_byte_identical_log() -> None:
    sc = load_scenario(HARBOUR)
    for seed in (0, 7, 12):
        assert simulate(sc, {}, seed).jsonl() == simulate(sc, {}, seed).jsonl()


def test_different_seeds_give_different_logs() -> None:
    sc = load_scenario(HARBOUR)
    logs = {simulate(sc, {}, seed).jsonl() for seed in range(5)}
    assert len(logs) == 5


def _brink(*args: str, hash_seed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run([sys.executable, "-m", "brinkmanship", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_two_processes_write_the_same_bytes(tmp_path: Path) -> None:
    logs = []
    for n, hash_seed in enumerate(("1", "2")):  # different set/dict hashing per process
        log = tmp_path / f"run{n}.jsonl"
        done = _brink("run", "--scenario", str(HARBOUR), "--seed", "7", "--log", str(log),
                      hash_seed=hash_seed)
        assert done.returncode == 0, done.stderr
        logs.append(log.read_bytes())
    assert logs[0] == logs[1]
    in_process = simulate(load_scenario(HARBOUR), {}, 7).jsonl().encode("utf-8")
    assert logs[0] == in_process


def test_two_processes_print_the_same_json() -> None:
    outs = [_brink("run", "--scenario", str(HARBOUR), "--seed", "7", "--json",
                   hash_seed=h) for h in ("3", "4")]
    assert all(o.returncode == 0 for o in outs), [o.stderr for o in outs]
    assert outs[0].stdout == outs[1].stdout and outs[0].stdout.startswith("{")


# -- independent streams ----------------------------------------------------------------

NOTE = """
messages:
  - {id: note, name: Note, sender: red_lead, recipient: blue_lead, channel: cable,
     kind: warning, signals: {imminence: 0.5}, assumption: test value}
"""
SHOTS = """
incidents:
  - {id: pot_shots, name: Guns fire, force: red_guns, hazard_per_hour: 0.3,
     max_occurrences: 50, assumption: test value}
"""
IDLE = """
  - {id: idle, name: Idle guns, force: red_guns, hazard_per_hour: 0, assumption: test value}
"""
BUSY = """
  - {id: flares, name: Flares from the fleet, force: blue_fleet, hazard_per_hour: 0.5,
     max_occurrences: 50, public: false, assumption: test value}
"""


def _channels(cable_hours: float, backdoor_hours: float) -> str:
    return f"""
channels:
  - {{id: cable, name: Cable, members: [blue_lead, red_lead], visibility: private,
     authority: official, latency: {{median_hours: {cable_hours}, assumption: test value}}}}
  - {{id: backdoor, name: Back door, members: [blue_envoy, red_lead], visibility: private,
     authority: unofficial, latency: {{median_hours: {backdoor_hours}, assumption: test}}}}
"""


def _run(text: str, seed: int):  # type: ignore[no-untyped-def]
    return play(build(text), seed, red_lead=Chair(Move(2.0, "send", "note")))


def _shots(run) -> list[int]:  # type: ignore[no-untyped-def]
    return [e["s"] for e in of_kind(run, "incident", incident="pot_shots")]


@pytest.mark.parametrize("seed", range(8))
def test_an_incident_that_never_happens_changes_nothing(seed: int) -> None:
    base = _run(NOTE + SHOTS + _channels(4, 2), seed)
    assert _shots(base), "the comparison needs incidents"
    assert _run(NOTE + SHOTS + IDLE + _channels(4, 2), seed).jsonl() == base.jsonl()


@pytest.mark.parametrize("seed", range(8))
def test_an_unrelated_incident_that_happens_leaves_the_other_times_alone(seed: int) -> None:
    base = _run(NOTE + SHOTS + _channels(4, 2), seed)
    busy = _run(NOTE + SHOTS + BUSY + _channels(4, 2), seed)
    assert of_kind(busy, "incident", incident="flares"), "the new incident does happen"
    assert _shots(busy) == _shots(base)


@pytest.mark.parametrize("seed", range(8))
def test_a_channel_latency_changes_only_what_travels_on_it(seed: int) -> None:
    base = _run(NOTE + SHOTS + _channels(4, 2), seed)
    unused = _run(NOTE + SHOTS + _channels(4, 9), seed)
    assert unused.jsonl() == base.jsonl(), "no message uses the back door"
    slower = _run(NOTE + SHOTS + _channels(7, 2), seed)
    assert of_kind(slower, "deliver")[0]["s"] == of_kind(base, "deliver")[0]["s"] + 3 * 3600
    assert _shots(slower) == _shots(base), "incident times do not depend on the cable"
