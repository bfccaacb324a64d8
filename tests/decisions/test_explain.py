"""``brink explain``: the decision traces of a run, by actor and time, as text or JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from brinkmanship import load_scenario, simulate
from brinkmanship.cli import app
from brinkmanship.engine import Interventions
from brinkmanship.explain import explanations

SCENARIOS = Path(__file__).parent / "scenarios"
STRAIT = str(SCENARIOS / "strait.yaml")
COUNCIL = str(SCENARIOS / "council.yaml")


def _explain(*args: str, scenario: str = STRAIT) -> Any:
    return CliRunner().invoke(app, ["explain", "--scenario", scenario, *args])


def test_text_shows_options_terms_advisers_and_why() -> None:
    done = _explain("--seed", "1", "--actor", "premier", scenario=COUNCIL)
    assert done.exit_code == 0, done.output
    for part in ("Premier (end of meeting cabinet_1)", "chose:", "options (expected utility",
                 "beliefs: about rival", "advisers (influence; weights; position)",
                 "Admiral", "-> act:strike_site"):
        assert part in done.output


def test_json_gives_every_traced_decision_with_its_beliefs() -> None:
    done = _explain("--seed", "1", "--json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["seed"] == 1 and data["decisions"]
    for d in data["decisions"]:
        assert {"t", "actor", "reason", "choices", "beliefs_moved", "trace"} <= set(d)
        assert d["trace"]["options"] and d["trace"]["why"]


def test_at_keeps_each_actors_latest_decision_up_to_that_time() -> None:
    done = _explain("--seed", "1", "--json", "--at", "2001-05-01T02:30:00Z")
    decisions = json.loads(done.output)["decisions"]
    actors = [d["actor"] for d in decisions]
    assert len(actors) == len(set(actors)) > 0
    assert all(d["t"] <= "2001-05-01T02:30:00Z" for d in decisions)
    done = _explain("--seed", "1", "--json", "--at", "2002-06-01T07:30:00Z", scenario=COUNCIL)
    (meeting,) = json.loads(done.output)["decisions"]
    assert meeting["trace"]["meeting"] == "cabinet_1"  # the 06:00-07:00 cabinet's end


def test_beliefs_moved_since_the_previous_decision_are_reported() -> None:
    sc = load_scenario(STRAIT)
    sc = sc.model_copy(update={"messages": [m for m in sc.messages if m.id != "south_trade"]})
    fire = Interventions(force_incidents=((datetime(2001, 5, 1, 0, 30, tzinfo=UTC),
                                           "battery_fire"),))
    found = explanations(sc, simulate(sc, {}, 2, fire).events, "north_pm")
    moved = [e.moved for e in found if e.moved]
    assert moved, "the batteries' fire should have moved North's beliefs"
    before, after = moved[0]["south"]["imminence"]
    assert after > before


def test_bad_selections_are_refused_in_one_line() -> None:
    for args, message in ((("--actor", "nobody"), "no actor 'nobody'"),
                          (("--at", "1999-01-01T00:00:00Z"), "outside the scenario"),
                          (("--at", "yesterday"), "--at:")):
        done = _explain(*args)
        assert done.exit_code == 2, done.output
        assert message in done.output and "Traceback" not in done.output


def test_a_rare_draw_is_written_with_its_significant_figures() -> None:
    """A choice drawn at 6e-5 is not "drawn with probability 0.000"."""
    from brinkmanship.chances import chance, rounded_chance
    from brinkmanship.explain import _options
    from brinkmanship.policies.lenses import _why

    why = _why(["act:strike", "wait"], [-50.0, 0.0], [6e-5, 1 - 6e-5], [1, 0], 0)
    assert "drawn with probability 6.0e-05" in why and "probability 0.000" not in why
    assert chance(0.25) == "0.250" and chance(0.0012) == "0.001" and chance(0.0) == "0.000"
    assert chance(6.4e-9) == "6.4e-09"
    trace = {"options": [{"option": "act:strike", "eu": -50.0, "p": 0.0001, "versus": "x",
                          "considered": True, "terms": {}},
                         {"option": "wait", "eu": 0.0, "p": 0.0, "versus": "x",
                          "considered": True, "terms": {}}]}
    table = "\n".join(_options(trace))
    assert "p=1.0e-04" in table and "p=<5e-05" in table and "p=0.000" not in table
    assert rounded_chance(0.5, 4) == "0.500"
