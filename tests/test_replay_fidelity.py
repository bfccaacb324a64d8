"""A replay follows the record, and the comparison with the record sees every departure."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from brinkmanship.cli import app
from brinkmanship.engine.run import Run
from brinkmanship.games import simulate
from brinkmanship.history import divergences, recorded_actors, recorded_interventions, replay
from brinkmanship.policies.scripted import ScriptedPolicy
from brinkmanship.scenario import builtin_names, load_scenario, parse_scenario
from brinkmanship.scenario.loader import builtin_path

CUBA = load_scenario("cuba-1962")


def test_a_recorded_hold_holds_on_every_seed() -> None:
    # Seed 0 is the one on which the reprisal on the Cuban battery used to go ahead.
    for seed in range(12):
        run = replay(CUBA, seed)
        held = [e for e in run.events if e["kind"] == "response" and e["held"]]
        assert held, "the record holds two responses before they are due"
        assert not any(e["fired"] or e["hold_failed"] for e in held)


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_replay_follows_its_record(name: str) -> None:
    sc = load_scenario(name)
    for seed in range(6):
        assert divergences(sc, replay(sc, seed)) == [], (name, seed)


def test_a_failed_hold_is_named_with_its_time_and_mechanism() -> None:
    # The record's run with holds that may fail, as replays were before: on seed 0 the
    # reprisal strike goes ahead although the outcome is still the recorded one.
    iv = dataclasses.replace(recorded_interventions(CUBA), hold_failures=True)
    run = simulate(CUBA, {a: ScriptedPolicy(strict=False) for a in recorded_actors(CUBA)}, 0, iv)
    assert run.outcome.kind == CUBA.history.outcome.kind  # the old check saw nothing
    found = divergences(CUBA, run)
    assert [d.kind for d in found] == ["unrecorded"]
    strike = next(e for e in run.events if e["kind"] == "action_start"
                  and e["via"] == "response:cuban_aa_reprisal")
    assert found[0].at == strike["t"] and found[0].seq == strike["seq"]
    assert "Reprisal strike" in found[0].deed
    assert "pre-delegated response" in found[0].instead


def _shifted(run: Run, kind: str, key: str, value: str, seconds: int) -> Run:
    """The run with one event moved in time (the comparison reads only the log)."""
    events = copy.deepcopy(run.events)
    ev = next(e for e in events if e["kind"] == kind and e.get(key) == value)
    ev["s"] += seconds
    return Run(run.scenario, run.seed, events)


def test_a_deed_done_at_another_time_is_mistimed() -> None:
    run = _shifted(replay(CUBA, 0), "hold", "response", "sam_site_reprisal", 3600)
    found = divergences(CUBA, run)
    assert [d.kind for d in found] == ["mistimed"]
    assert found[0].at == "1962-10-27T22:00:00Z"
    assert "holds the response" in found[0].deed and "instead" in found[0].instead


def test_a_late_arrival_is_named() -> None:
    run = _shifted(replay(CUBA, 0), "deliver", "id", "dobrynin_report", 600)
    found = divergences(CUBA, run)
    assert [d.kind for d in found] == ["late_arrival"]
    assert found[0].at == "1962-10-28T10:00:00Z"


def _record_without(entry_key: str, value: str) -> dict:
    data = yaml.safe_load(builtin_path("cuba-1962").read_text(encoding="utf-8"))
    data["history"]["record"] = [e for e in data["history"]["record"]
                                 if e.get(entry_key) != value]
    return data


def test_an_unrecorded_consequence_and_a_missing_deed_are_both_listed() -> None:
    # Without Kennedy's hold on the reprisal against the SAM site, the strike goes ahead
    # (not in the record), and the escalation ends the crisis in war: the later recorded
    # deeds did not happen, and the outcome is not the recorded one.
    sc = parse_scenario(yaml.safe_dump(_record_without("hold", "sam_site_reprisal")))
    found = divergences(sc, replay(sc, 0))
    kinds = {d.kind for d in found}
    assert "unrecorded" in kinds
    assert any("Immediate retaliation" in d.instead or "SAM" in d.deed for d in found
               if d.kind == "unrecorded")
    assert [d.at for d in found] == sorted(d.at for d in found)


def test_brink_replay_json_carries_the_verdict(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["replay", "cuba-1962", "--seed", "0", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["record"] == {"faithful": True, "divergences": []}
    text = CliRunner().invoke(app, ["replay", "cuba-1962", "--seed", "0"])
    assert text.exit_code == 0 and "Follows the record" in text.output


def test_a_divergent_replay_exits_non_zero_and_lists_its_divergences(tmp_path: Path) -> None:
    path = tmp_path / "no-hold.yaml"
    path.write_text(yaml.safe_dump(_record_without("hold", "cuban_aa_reprisal")),
                    encoding="utf-8")
    done = CliRunner().invoke(app, ["replay", str(path), "--json"])
    assert done.exit_code == 1, done.output
    data = json.loads(done.output)
    assert data["record"]["faithful"] is False
    found = data["record"]["divergences"]
    assert found and {"kind", "deed", "at", "instead", "seq"} <= set(found[0])
    text = CliRunner().invoke(app, ["replay", "--scenario", str(path)])
    assert text.exit_code == 1
    assert "Departs from the record" in text.output
    assert "[unrecorded] Reprisal strike on the Cuban anti-aircraft battery" in text.output


def test_two_different_scenarios_are_refused() -> None:
    done = CliRunner().invoke(app, ["replay", "cuba-1962", "--scenario", "berlin-1961"])
    assert done.exit_code == 2
    assert "two scenarios named" in done.output
