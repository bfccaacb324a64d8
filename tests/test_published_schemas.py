"""The JSON Schemas published under docs/ are what ``brink schema --of ...`` prints, and
that is what the code defines: scenario files, one event of a log, a seat's turn, its
decision. (tests/test_schema_docs.py checks the scenario schema's descriptions.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from brinkmanship.cli import app
from brinkmanship.engine.events import log_schema
from brinkmanship.scenario.schema import Scenario
from brinkmanship.seat import DecisionForm, TurnView

DOCS = Path(__file__).resolve().parent.parent / "docs"
PUBLISHED: dict[str, tuple[str, Any]] = {
    "scenario": ("scenario.schema.json", Scenario.model_json_schema),
    "log": ("event-log.schema.json", log_schema),
    "turn": ("turn.schema.json", TurnView.model_json_schema),
    "decision": ("decision.schema.json", DecisionForm.model_json_schema),
}


@pytest.mark.parametrize("of", sorted(PUBLISHED))
def test_published_schema_is_in_step_with_the_code(of: str) -> None:
    file, build = PUBLISHED[of]
    printed = CliRunner().invoke(app, ["schema", "--of", of])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == build()
    assert (DOCS / file).read_text(encoding="utf-8") == printed.output, (
        f"docs/{file} is out of date: regenerate it with `make schema` "
        f"(or `brink schema --of {of} > docs/{file}`)")


def test_the_scenario_schema_is_the_default() -> None:
    assert CliRunner().invoke(app, ["schema"]).output == \
        CliRunner().invoke(app, ["schema", "--of", "scenario"]).output


def test_an_unknown_schema_is_refused() -> None:
    printed = CliRunner().invoke(app, ["schema", "--of", "treaty"])
    assert printed.exit_code == 2
    assert "--of 'treaty': choose one of scenario, log, turn, decision" in printed.output
