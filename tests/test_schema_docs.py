"""The scenario language documents itself: every field of the JSON Schema says what it is,
and the published schema (``docs/scenario.schema.json``) is what ``brink schema`` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from brinkmanship.cli import app
from brinkmanship.scenario.schema import Scenario

PUBLISHED = Path(__file__).resolve().parent.parent / "docs" / "scenario.schema.json"

# The descriptions of the shared field types say what kind of value a field holds, not what
# the field means: a field that only inherits one of them is undocumented.
GENERIC = ("Identifier:", "A probability,", "A duration in hours", "An instant:")


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    models = {"Scenario": schema, **schema.get("$defs", {})}
    return [(f"{model}.{prop}", spec) for model, node in models.items()
            for prop, spec in node.get("properties", {}).items()]


def test_every_field_is_described() -> None:
    undocumented = [name for name, spec in _properties(Scenario.model_json_schema())
                    if not spec.get("description", "").strip()
                    or spec["description"].startswith(GENERIC)]
    # A field description equal to its model's docstring is dropped from the JSON Schema:
    # say what the field is for, in other words than the model's.
    assert not undocumented, "fields without a description of their own: " + \
        ", ".join(undocumented)


def test_every_model_is_described() -> None:
    models = Scenario.model_json_schema()["$defs"]
    bare = sorted(name for name, node in models.items() if not node.get("description"))
    assert not bare, f"models without a docstring: {', '.join(bare)}"


def test_the_walk_finds_every_model() -> None:
    # Guards the two tests above against passing by finding nothing to check.
    names = {name.split(".")[0] for name, _ in _properties(Scenario.model_json_schema())}
    assert {"Scenario", "Meta", "Channel", "Message", "Incident", "History"} <= names
    assert len(_properties(Scenario.model_json_schema())) > 150


def test_published_schema_is_in_step_with_the_code() -> None:
    printed = CliRunner().invoke(app, ["schema"])
    assert printed.exit_code == 0, printed.output
    assert PUBLISHED.read_text(encoding="utf-8") == printed.output, (
        "docs/scenario.schema.json is out of date: regenerate it with `make schema` "
        "(or `brink schema > docs/scenario.schema.json`)")
