"""Hostile and absurd scenario files: each is refused by name, or runs to an end, bounded.

Every case is a small change to the harbour test scenario. A refused case must give
`brink validate` exit status 2, a message naming the place, and no traceback. A case that
validates must finish `brink run` within TIME_LIMIT seconds of wall time under a memory
limit of MEMORY_LIMIT bytes (set in the child process), with exit status 0 (an outcome) or
1 (a budget spent, named in the message) and no traceback.
"""

from __future__ import annotations

import copy
import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from brinkmanship.scenario import ScenarioError, load_scenario

HERE = Path(__file__).resolve().parent
HARBOUR = HERE.parent / "scenarios" / "harbour.yaml"
ROOT = HERE.parents[1]
TIME_LIMIT = 60
MEMORY_LIMIT = 3 * 1024**3
Doc = dict[str, Any]


@dataclass(frozen=True)
class Case:
    name: str
    change: Callable[[Doc], None]
    expect: str  # a part of the error message; "" for a case that must reach an outcome
    args: tuple[str, ...] = ()


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    """A change that sets ``a.b.0.c`` (list items by index, or by id with ``[id]``)."""
    def change(doc: Doc) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = _child(node, part)
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return change


def _child(node: Any, part: str) -> Any:
    if isinstance(node, list):
        if part.startswith("["):
            return next(x for x in node if x.get("id") == part[1:-1])
        return node[int(part)]
    return node.setdefault(part, {})


def _all(*changes: Callable[[Doc], None]) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        for c in changes:
            c(doc)
    return change


def _add(section: str, item: Doc) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc.setdefault(section, []).append(item)
    return change


INF, NAN = float("inf"), float("nan")
ANY = "an outcome or a budget spent"
SPIN = {"id": "spin", "name": "Spin", "actor": "azure_navy", "repeatable": True,
        "duration_hours": 0, "assumption": "test value"}
SPIN2 = {**SPIN, "id": "spin2", "name": "Spin again"}
ON_SPIN = {"id": "again", "name": "Again", "holder": "azure_navy", "authorised_by": "azure_pm",
           "trigger": {"action": "spin"}, "action": "spin", "delay_hours": 0,
           "holdable": False, "assumption": "test value"}
FIRST = {"id": "spin_starts", "name": "Spin starts", "holder": "azure_navy",
         "authorised_by": "azure_pm", "trigger": {"incident": "warning_shots"},
         "action": "spin", "holdable": False, "assumption": "test value"}
LOUD = _all(_set("incidents.[warning_shots].hazard_per_hour", 3600),
            _set("incidents.[warning_shots].max_occurrences", 1_000_000))

REFUSED = [
    Case("decision point every 0.0001 h", _add("decision_points", {
        "actor": "azure_pm", "every_hours": 0.0001, "assumption": "x"}), "every_hours"),
    Case("decision point every 0 h", _add("decision_points", {
        "actor": "azure_pm", "every_hours": 0, "assumption": "x"}), "every_hours"),
    Case("a thousand-year horizon", _set("scenario.end", "3000-03-04T00:00:00Z"),
         "at most ten years"),
    Case("latency 1e300 h", _set("channels.[cable].latency.median_hours", 1e300),
         "median_hours"),
    Case("latency inf", _set("channels.[cable].latency.median_hours", INF), "median_hours"),
    Case("latency NaN", _set("channels.[cable].latency.min_hours", NAN), "min_hours"),
    Case("duration inf", _set("actions.[bombard_guns].duration_hours", INF), "duration_hours"),
    Case("offer deadline 1e300 h", _set("messages.[share_offer].deadline_hours", 1e300),
         "deadline_hours"),
    Case("war window NaN", _set("scenario.war_window_hours", NAN), "war_window_hours"),
    Case("utility NaN", _set("utilities.0.settlement", NAN), "settlement"),
    Case("war value -inf", _set("utilities.0.war.bombardment", -INF), "bombardment"),
    Case("term value 1e300", _set("utilities.1.terms.harbour.azure", 1e300), "azure"),
    Case("audience cost 1e12", _set("utilities.1.audience_cost", 1e12), "audience_cost"),
    Case("hazard one a millisecond", _set("incidents.[warning_shots].hazard_per_hour", 3.6e6),
         "hazard_per_hour"),
    Case("hazard NaN", _set("incidents.[warning_shots].hazard_per_hour", NAN),
         "hazard_per_hour"),
    Case("posture multiplier inf",
         _set("incidents.[warning_shots].posture_multipliers.coastal_guns.alert", INF), "alert"),
    Case("rung level beyond 64 bits", _set("ladder.3.level", 2**70), "level"),
    Case("rung level below -64 bits", _set("ladder.0.level", -(2**70)), "level"),
    Case("a trillion occurrences", _set("incidents.[warning_shots].max_occurrences", 10**12),
         "max_occurrences"),
    Case("trigger count 1e12", _set("responses.[reprisal].trigger.from_occurrence", 10**12),
         "from_occurrence"),
    Case("signal 1e300", _set("messages.[share_offer].signals.resolve", 1e300), "resolve"),
    Case("threat bias NaN", _add("beliefs", {
        "actor": "azure_pm", "about": "crimson", "resolve": 0.5, "control": 0.5,
        "imminence": 0.5, "threat_bias": NAN, "assumption": "x"}), "threat_bias"),
    Case("adviser influence inf", _set("actors.[azure_envoy].influence", INF), "influence"),
    Case("adviser weight 1e300", _set("actors.[azure_envoy].weights", {"war": 1e300}), "war"),
    Case("stress per hour 1e300", _set("perception.stress_per_hour", 1e300), "stress_per_hour"),
    Case("distortion strength 1e300", _set("channels.[cable].fidelity", {
        "distortion_probability": 0.5, "kinds": ["harden"], "strength": 1e300}), "strength"),
    Case("extra delay inf", _set("channels.[cable].fidelity", {
        "distortion_probability": 0.5, "kinds": ["delay"], "extra_delay_hours": INF}),
        "extra_delay_hours"),
    Case("reaction cost 1e300", _set("reactions.[gull_rejects].costs.azure_pm", 1e300),
         "azure_pm"),
    Case("decision model thinking through a million options", _add("decision_models", {
        "actor": "azure_pm", "considered": 10**6, "assumption": "x"}), "considered"),
    Case("rationality inf", _add("decision_models", {
        "actor": "azure_pm", "rationality": INF, "assumption": "x"}), "rationality"),
    Case("review every 0.00001 h", _add("decision_models", {
        "actor": "azure_pm", "review_hours": 1e-5, "assumption": "x"}), "review_hours"),
    Case("order value NaN", _add("decision_models", {
        "actor": "azure_pm", "order_values": {"fire_on_intruders": NAN}, "assumption": "x"}),
        "fire_on_intruders"),
    Case("reckoning horizon NaN", _add("decision_models", {
        "actor": "crimson_pm", "horizon_hours": NAN, "assumption": "x"}), "horizon_hours"),
    Case("a message to oneself", _set("messages.[gull_protest].recipient", "gull_chief"),
         "cannot send a message to itself"),
    Case("terminal escape in a name", _set("actors.[azure_pm].name", "Azure\x1b[2J\x1b[H"),
         "control character U+001B"),
    Case("NUL in a name", _set("issues.[harbour].name", "Har\x00bour"),
         "control character U+0000"),
    Case("C1 CSI in a text", _set("messages.[share_offer].text", "a\x9b31mred"),
         "control character U+009B"),
    Case("direction override in a title", _set("scenario.title", "The \u202eruobrah"),
         "control character U+202E"),
    Case("a response setting its own action off at one instant",
         _all(_add("actions", SPIN), _add("responses", ON_SPIN)), "all at one instant"),
    Case("two responses going round at one instant", _all(
        _add("actions", SPIN), _add("actions", SPIN2),
        _add("responses", {**ON_SPIN, "action": "spin2"}),
        _add("responses", {**ON_SPIN, "id": "back", "trigger": {"action": "spin2"}})),
        "all at one instant"),
]

# A deadline at the start sets the spinning action off before anyone can settle.
KICK = _add("deadlines", {"id": "kick", "name": "Kick", "at": "2000-03-01T00:00:00Z",
                          "action": "spin", "assumption": "x"})
PASSIVE = tuple(x for a in ("azure_pm", "crimson_pm", "azure_envoy", "gull_chief")
                for x in ("--policy", f"{a}=passive"))

BOUNDED = [
    Case("a chain going round with a tiny delay", _all(
        _add("actions", SPIN), _add("actions", SPIN2), KICK,
        _add("chains", {"id": "loop", "name": "Loop", "links": [
            {"id": "a", "after": "spin", "then": "spin2", "probability": 1,
             "delay": {"median_hours": 1e-9, "assumption": "x"}, "assumption": "x"},
            {"id": "b", "after": "spin2", "then": "spin", "probability": 1,
             "delay": {"median_hours": 1e-9, "assumption": "x"}, "assumption": "x"}]})),
        "the budget events", PASSIVE),
    Case("a response going round once a second", _all(
        _add("actions", SPIN), KICK, _add("responses", {**ON_SPIN, "delay_hours": 1 / 3600})),
        "the budget events", PASSIVE),
    Case("the same under the default decision-makers (who settle first, or not)", _all(
        _add("actions", SPIN), KICK, _add("responses", {**ON_SPIN, "delay_hours": 1 / 3600})),
        ANY),
    Case("an incident once a second for ten years", _all(
        LOUD, _set("scenario.end", "2010-02-27T00:00:00Z")), "the budget events", PASSIVE),
    Case("the same under the default decision-makers, a lower budget", _all(
        LOUD, _set("scenario.end", "2010-02-27T00:00:00Z")), "the budget events",
        ("--max-events", "3000")),
    Case("decision points every minute for ten years, a lower budget", _all(
        _set("scenario.end", "2010-02-27T00:00:00Z"),
        _set("incidents.[warning_shots].hazard_per_hour", 0), _set("deadlines", []),
        _add("decision_points", {"actor": "gull_chief", "every_hours": 1 / 60,
                                 "assumption": "x"})), "the budget steps",
        ("--max-steps", "100000", *PASSIVE)),
    Case("hazards at their bounds, the budget raised", LOUD, "more than 50000 events",
         ("--max-events", "50000", *PASSIVE)),
    Case("a six-deep look-ahead over forty options each", _all(
        *(_add("actions", {"id": f"gesture_{side}_{i}", "name": f"Gesture {i}",
                           "actor": f"{side}_pm", "repeatable": True, "kind": "diplomatic",
                           "effects": {"set_flags": [f"{side}_{i}"]},
                           "assumption": "x"})
          for side in ("azure", "crimson") for i in range(40)),
        *(_add("decision_models", {"actor": f"{side}_pm", "depth": 6, "considered": 1000,
                                   "assumption": "x"}) for side in ("azure", "crimson"))),
        ANY, ("--max-events", "400")),
    Case("numbers at their bounds", _all(
        _set("utilities.0.settlement", 1e9), _set("utilities.1.war.general_war", -1e9),
        _set("ladder.3.level", 10**9), _set("ladder.0.level", -(10**9)),
        _add("decision_models", {"actor": "azure_pm", "rationality": 1e6, "considered": 1000,
                                 "depth": 2, "assumption": "x"}),
        _set("messages.[share_offer].signals.resolve", 100)), ""),
]


def _write(case: Case, folder: Path) -> Path:
    doc = copy.deepcopy(yaml.safe_load(HARBOUR.read_text(encoding="utf-8")))
    case.change(doc)
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def brink(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("brink")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "brinkmanship"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=TIME_LIMIT, check=False, preexec_fn=_limit_memory,
                          env={**os.environ, "PYTHONFAULTHANDLER": "1"})


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_a_hostile_file_is_refused_by_name(case: Case, tmp_path: Path) -> None:
    path = _write(case, tmp_path)
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path)
    text = refused.value.render()
    assert case.expect in text, text
    assert re.search(re.escape(str(path)) + r":\d+: \$\.", text), text


def test_brink_validate_refuses_them_with_status_2_and_no_traceback(tmp_path: Path) -> None:
    for i, case in enumerate(REFUSED[::8]):
        folder = tmp_path / str(i)
        folder.mkdir()
        path = _write(case, folder)
        done = brink("validate", str(path))
        assert done.returncode == 2, (case.name, done.stdout, done.stderr)
        assert case.expect in done.stderr and str(path) in done.stderr, done.stderr
        assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("case", BOUNDED, ids=[c.name for c in BOUNDED])
def test_an_extreme_file_that_validates_runs_to_an_end(case: Case, tmp_path: Path) -> None:
    path = _write(case, tmp_path)
    assert brink("validate", str(path)).returncode == 0
    done = brink("run", "-s", str(path), "--json", *case.args)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-3000:]
    if case.expect == ANY:
        assert done.returncode == 0 or "raise it with --max" in done.stderr, done.stderr
    elif case.expect:
        assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
        assert case.expect in done.stderr and "raise it with --max" in done.stderr
    else:
        assert done.returncode == 0, done.stderr[-2000:]
        assert '"outcome"' in done.stdout


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "folder", "/dev/null"])
def test_a_special_file_is_refused_without_reading_it(special: str, tmp_path: Path) -> None:
    if special == "fifo":
        target = tmp_path / "pipe.yaml"
        os.mkfifo(target)
    elif special == "folder":
        target = tmp_path
    else:
        target = Path(special)
    done = brink("validate", str(target))
    assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
