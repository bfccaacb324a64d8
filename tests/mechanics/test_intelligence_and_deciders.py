"""Intelligence about others (reports about a side other than the sender's, read through a
channel's bias), the validator's warning of signals that move no belief, and deciders
below the leader (a command making its own decisions as a seat or under a policy)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from brinkmanship import new_game, simulate
from brinkmanship.cli import app
from brinkmanship.engine.index import Index
from brinkmanship.scenario import Scenario, parse_scenario
from brinkmanship.scenario.checks import belief_warnings
from brinkmanship.scenario.errors import ScenarioError

START = "2000-01-01T00:00:00Z"


def _data(bias: float = 1.5, decides: bool = True) -> dict[str, Any]:
    return {
        "scenario": {"id": "exercise", "title": "An exercise read as an attack (test)",
                     "start": START, "end": "2000-01-01T12:00:00Z",
                     "assumption": "a test scenario",
                     "clocks": [{"label": "HQ", "zone": "UTC"}]},
        "sides": [{"id": "blue", "name": "Blue", "leader": "blue_leader"},
                  {"id": "red", "name": "Red", "leader": "red_leader"}],
        "actors": [
            {"id": "blue_leader", "name": "Blue leader", "kind": "leader", "side": "blue",
             "zone": "UTC"},
            {"id": "blue_intel", "name": "Blue intelligence", "kind": "adviser",
             "side": "blue", "zone": "UTC", "serves": "blue_leader"},
            {"id": "red_leader", "name": "Red leader", "kind": "leader", "side": "red",
             "zone": "UTC"},
            {"id": "red_army", "name": "Red army command", "kind": "command", "side": "red",
             "zone": "UTC", "serves": "red_leader", "decides": decides}],
        "channels": [{"id": "intel", "name": "Intelligence summary",
                      "members": ["blue_intel", "blue_leader"], "visibility": "private",
                      "authority": "official", "bias": {"imminence": bias},
                      "latency": {"median_hours": 1, "assumption": "an hour to report"}}],
        "ladder": [{"id": "calm", "name": "Calm", "level": 0},
                   {"id": "war", "name": "War", "level": 1, "war": True}],
        "forces": [{"id": "red_units", "name": "Red units", "side": "red",
                    "command": "red_army", "initial": "garrison",
                    "postures": [{"id": "garrison", "name": "In garrison"},
                                 {"id": "alert", "name": "On alert"}]}],
        "actions": [
            {"id": "exercise", "name": "Field exercise", "actor": "red_leader",
             "kind": "posture", "public": False, "duration_hours": 1,
             "assumption": "a routine exercise, not seen by Blue itself"},
            {"id": "raise_alert", "name": "Raise the units' alert", "actor": "red_army",
             "kind": "posture", "public": False, "effects": {"postures": {"red_units": "alert"}},
             "assumption": "the command's own readiness"}],
        "standing_orders": [{"id": "fire_on_intruders", "name": "Fire on intruders",
                             "holder": "red_army", "issued_by": "red_leader",
                             "assumption": "a standing rule of engagement"}],
        "messages": [{"id": "exercise_report", "name": "Red forces preparing",
                      "sender": "blue_intel", "recipient": "blue_leader", "channel": "intel",
                      "kind": "statement", "about": "red", "signals": {"imminence": 0.5},
                      "sent_on": {"action": "exercise"},
                      "assumption": "the service reports what it saw"}],
        "beliefs": [{"actor": "blue_leader", "about": "red", "resolve": 0.5, "control": 0.9,
                     "imminence": 0.1, "assumption": "a calm start"},
                    {"actor": "red_army", "about": "blue", "resolve": 0.5, "control": 0.9,
                     "imminence": 0.3, "assumption": "the command's own view"}],
        "utilities": [{"actor": "red_army", "unresolved": 0,
                       "assumption": "the command's own payoffs"}],
        "decision_models": [{"actor": "red_army", "rationality": 1000,
                             "posture_values": {"red_units": {"alert": 1.0}},
                             "assumption": "a command that wants to be ready"}],
        "history": None,
    }


def _scenario(**kw: Any) -> Scenario:
    data = _data(**kw)
    data.pop("history")
    return parse_scenario(json.dumps(data), "exercise.yaml")


class _Exercises:
    name = "exercises"

    def bind(self, scenario: Scenario, actor: str) -> None:
        pass

    def decide(self, obs: Any, rng: Any) -> Any:
        from brinkmanship.policies.base import Decision, Option

        act = Option("act", "exercise")
        return Decision([act] if act in obs.options else [])


def _imminence_after(sc: Scenario) -> tuple[float, list[dict[str, Any]]]:
    run = simulate(sc, {"red_leader": _Exercises(), "blue_leader": "passive"}, 0)
    moved = [e for e in run.events if e["kind"] == "belief" and e["var"] == "imminence"]
    return (moved[-1]["after"] if moved else 0.1), run.events


def test_a_report_about_the_adversary_moves_the_leader_s_belief_about_the_adversary() -> None:
    """Red's exercise is not public; Blue's service sees it and reports over a channel that
    reads any move as preparation: Blue's leader's belief in Red's imminent attack rises,
    and the belief moved is about Red (the report's 'about'), not about Blue's own service."""
    after, events = _imminence_after(_scenario())
    belief = next(e for e in events if e["kind"] == "belief")
    assert (belief["actor"], belief["about"]) == ("blue_leader", "red")
    deliver = next(e for e in events if e["seq"] == belief["cause"])
    assert deliver["kind"] == "deliver" and deliver["draft"] == "exercise_report"
    assert deliver["signals"] == {"imminence": 2.0}  # 0.5 as sent, +1.5 the channel's bias
    send = next(e for e in events if e["kind"] == "send")
    assert events[send["cause"]]["kind"] == "action" and events[send["cause"]]["action"] == \
        "exercise"
    unbiased, _ = _imminence_after(_scenario(bias=0.0))
    assert 0.1 < unbiased < after


def _scheduled(called_off: bool = False) -> Scenario:
    """The exercise as a secret timetable of Red's army instead of a leader's action, the
    service reporting its live-firing phase (and nothing of the muster)."""
    data = _data()
    data.pop("history")
    data["actions"] = [a for a in data["actions"] if a["id"] != "exercise"]
    data["actions"].append({"id": "call_off", "name": "Call the exercise off",
                            "actor": "red_leader", "kind": "political", "public": False,
                            "effects": {"set_flags": ["called_off"]},
                            "assumption": "a test value"})
    data["timetables"] = [{
        "id": "autumn_drill", "name": "Autumn drill", "actor": "red_army", "public": False,
        "unless": {"flags": ["called_off"]}, "assumption": "a test value",
        "phases": [{"id": "muster", "name": "Muster", "at": "2000-01-01T02:00:00Z"},
                   {"id": "live_fire", "name": "Live firing", "at": "2000-01-01T04:00:00Z"}]}]
    data["messages"][0]["sent_on"] = {"phase": "autumn_drill:live_fire"}
    sc = parse_scenario(json.dumps(data), "exercise.yaml")
    return sc


class _CallsOff:
    name = "calls-off"

    def bind(self, scenario: Scenario, actor: str) -> None:
        pass

    def decide(self, obs: Any, rng: Any) -> Any:
        from brinkmanship.policies.base import Decision, Option

        off = Option("act", "call_off")
        return Decision([off] if off in obs.options and obs.now.hour >= 3 else [],
                        wake_at=None if obs.now.hour >= 3 else obs.now.replace(hour=3))


def test_a_report_can_be_sent_on_a_scheduled_phase_of_a_secret_exercise() -> None:
    """Blue never sees Red's drill, but its service reports the live firing when it begins,
    through the channel's bias; a drill called off before that phase sends no report."""
    run = simulate(_scheduled(), {"red_leader": "passive", "blue_leader": "passive"}, 0)
    send = next(e for e in run.events if e["kind"] == "send")
    phase = run.events[send["cause"]]
    assert (phase["kind"], phase["phase"], phase["status"]) == ("phase", "live_fire", "begun")
    assert send["s"] == 4 * 3600 and send["actor"] == "blue_intel"
    moved = next(e for e in run.events if e["kind"] == "belief")
    assert (moved["actor"], moved["about"], moved["var"]) == ("blue_leader", "red", "imminence")
    assert moved["after"] > moved["before"]
    off = simulate(_scheduled(), {"red_leader": _CallsOff(), "blue_leader": "passive"}, 0)
    assert [e["status"] for e in off.events if e["kind"] == "phase"] == ["begun", "called_off"]
    assert not any(e["kind"] in ("send", "belief") for e in off.events)


def test_a_phase_trigger_names_a_declared_phase_and_sends_only_reports() -> None:
    data = json.loads(json.dumps(_scheduled().model_dump(mode="json", exclude_none=True)))
    data["messages"][0]["sent_on"] = {"phase": "autumn_drill:dispersal"}
    with pytest.raises(ScenarioError) as bad:
        parse_scenario(json.dumps(data), "exercise.yaml")
    assert "$.messages[0].sent_on.phase: timetable 'autumn_drill' has no phase 'dispersal'" \
        in str(bad.value)
    data["messages"][0]["sent_on"] = {"phase": "spring_drill:muster"}
    data["responses"] = [{"id": "alert_on_drill", "name": "Alert on the drill",
                          "holder": "red_army", "authorised_by": "red_leader",
                          "trigger": {"phase": "autumn_drill:muster"}, "action": "raise_alert",
                          "assumption": "a test value"}]
    with pytest.raises(ScenarioError) as bad:
        parse_scenario(json.dumps(data), "exercise.yaml")
    text = str(bad.value)
    assert "$.messages[0].sent_on.phase: unknown timetable 'spring_drill'" in text
    assert "$.responses[0].trigger.phase: a response is set off by an incident or an action" \
        in text
    data["messages"][0]["sent_on"] = {"phase": "autumn_drill:muster", "action": "call_off"}
    with pytest.raises(ScenarioError) as bad:
        parse_scenario(json.dumps(data), "exercise.yaml")
    assert "exactly one of 'incident', 'action' or 'phase'" in str(bad.value)


def test_a_report_sent_on_a_trigger_is_nobody_s_decision() -> None:
    """The service sends the report when the exercise takes effect; it is not a decider and
    no policy is offered the draft."""
    ix = Index(_scenario())
    assert "blue_intel" not in ix.deciders
    game = new_game(_scenario(), seats=["blue_leader"], seed=0)
    turn = game.advance()
    assert turn is not None
    assert all(o.target != "exercise_report" for o in turn.observation.options)


def test_validate_warns_where_a_signal_can_move_no_belief() -> None:
    data = _data()
    data.pop("history")
    data["beliefs"] = [b for b in data["beliefs"] if b["actor"] != "blue_leader"]
    sc = parse_scenario(json.dumps(data), "x.yaml")
    found = belief_warnings(sc)
    assert [p for p, _ in found] == [("messages", 0, "signals")]
    assert "moves no belief" in found[0][1]
    assert belief_warnings(_scenario()) == []


def test_brink_validate_prints_the_warning_with_file_and_line(tmp_path: Any) -> None:
    import yaml

    data = _data()
    data.pop("history")
    data["beliefs"] = data["beliefs"][1:]
    path = tmp_path / "exercise.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("warning:"))
    assert f"{path}:" in line and "$.messages[0].signals" in line


def test_a_report_must_name_a_known_side_and_trigger() -> None:
    data = _data()
    data.pop("history")
    data["messages"][0]["about"] = "green"
    data["messages"][0]["sent_on"] = {"action": "parade"}
    with pytest.raises(ScenarioError) as err:
        parse_scenario(json.dumps(data), "x.yaml")
    text = str(err.value)
    assert "$.messages[0].about: unknown side 'green'" in text
    assert "$.messages[0].sent_on.action: unknown action 'parade'" in text


# -- deciders below the leader ----------------------------------------------------------------
def test_a_command_that_decides_is_a_seat_with_its_own_options() -> None:
    """The command is offered its own actions and the orders it holds (not the side's other
    orders, which stay the leader's), as a seat of the game API."""
    sc = _scenario()
    assert "red_army" in Index(sc).deciders
    game = new_game(sc, seats=["red_army"], seed=0)
    turn = game.advance()
    assert turn is not None and turn.observation.actor == "red_army"
    keys = {o.key for o in turn.observation.options}
    assert keys == {"act:raise_alert", "order_off:fire_on_intruders"}
    assert "blue" in turn.observation.beliefs


def test_a_command_decides_under_the_default_decision_maker_with_a_trace() -> None:
    """Valuing readiness at 1 an hour, the command raises its own alert at the start; the
    decision is its own, with the same trace as a leader's; the leader was never offered it."""
    run = simulate(_scenario(), {"red_leader": "passive", "blue_leader": "passive"}, 0)
    decision = next(e for e in run.events if e["kind"] == "decision" and
                    e["actor"] == "red_army")
    assert decision["choices"] == ["act:raise_alert"]
    assert decision["trace"]["model"] == "lenses"
    assert any(o["option"] == "act:raise_alert" for o in decision["trace"]["options"])
    started = next(e for e in run.events if e["kind"] == "action_start")
    assert started["actor"] == "red_army" and started["cause"] == decision["seq"]


def test_without_decides_the_command_only_acts_on_orders() -> None:
    sc = _scenario(decides=False)
    assert "red_army" not in Index(sc).deciders
    run = simulate(sc, {"red_leader": "passive", "blue_leader": "passive"}, 0)
    assert not any(e["kind"] == "decision" and e["actor"] == "red_army" for e in run.events)


def test_a_public_signal_moves_a_deciding_command_s_belief() -> None:
    data = _data()
    data.pop("history")
    data["actions"].append({"id": "blue_alert", "name": "Blue alert", "actor": "blue_leader",
                            "kind": "military", "effects": {"signals": {"imminence": 1.0}},
                            "assumption": "a public alert"})
    sc = parse_scenario(json.dumps(data), "x.yaml")

    class _Alerts(_Exercises):
        def decide(self, obs: Any, rng: Any) -> Any:
            from brinkmanship.policies.base import Decision, Option

            act = Option("act", "blue_alert")
            return Decision([act] if act in obs.options else [])

    run = simulate(sc, {"blue_leader": _Alerts(), "red_leader": "passive"}, 0)
    moved = [e for e in run.events if e["kind"] == "belief" and e["actor"] == "red_army"]
    assert moved and moved[0]["about"] == "blue" and moved[0]["after"] > 0.3
