"""Whatever it is given, the loader returns a Scenario or raises ScenarioError: nothing else."""

from __future__ import annotations

import copy
import typing
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from brinkmanship.scenario import Scenario, ScenarioError, parse_scenario

MINIMAL = Path(__file__).resolve().parent / "scenarios" / "minimal.yaml"
MINIMAL_TEXT = MINIMAL.read_text(encoding="utf-8")
MINIMAL_RAW: dict[str, Any] = yaml.safe_load(MINIMAL_TEXT)

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    """Every field name of the schema, so generated mappings often use real keys."""
    seen = set() if seen is None else seen
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                names |= _field_names(tp, seen)
            stack.extend(typing.get_args(tp))
    return names


FIELDS = sorted(_field_names(Scenario))
IDS = ["blue", "red", "blue_leader", "red_leader", "backchannel", "radio", "missiles", "war"]

ZONES = ["America/New_York", "Europe/Moscow", "UTC", "America", "Etc", "Europe/Atlantis", "",
         "../etc", "/etc/passwd", "America/"]
instants = st.builds(
    "{}-{:02d}-{:02d}T{:02d}:{:02d}{}".format,
    st.sampled_from(["0001", "1962", "9999"]),
    st.integers(0, 13), st.integers(0, 32), st.integers(0, 24), st.integers(0, 60),
    st.sampled_from(["", "Z", "+00:00", "-05:00", "+14:00"])
    | st.sampled_from(ZONES).map(" {}".format),
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(IDS)
    | st.sampled_from(ZONES)
    | instants
)
keys = st.sampled_from(FIELDS) | st.text(max_size=10)

# Plain YAML scalars as they would be typed in a file: these resolve to timestamps, ints and
# floats, which yaml.safe_dump would have quoted.
TIMESTAMP = (r"\A[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
             r"([Tt ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{0,7})?)?)?"
             r"( ?(Z|[+-][0-9]{1,2}(:[0-9]{2})?))?\Z")
raw_values = st.one_of(
    st.from_regex(TIMESTAMP),
    instants,
    st.integers(1, 6000).map(lambda n: "9" * n),
    st.from_regex(r"\A[-+]?(0x[0-9a-f]{1,8}|0o?[0-7]{1,8}|0b[01]{1,8}|[0-9]{1,3}(:[0-5]?[0-9]){1,3}"
                  r"|\.inf|\.nan|[0-9]*\.[0-9]*(e[-+]?[0-9]{1,4})?)\Z"),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 3000).map(lambda n: "{a: " * n + "1" + "}" * n),
    st.sampled_from(["~", "null", "yes", "no", "on", "off", "<<", "=", "!!binary aGk=",
                     "!!set {a}", "!!omap [a: 1]", "!!timestamp 2001-01-01", "!!float x",
                     "!!int 1_000", "'quoted'", '"\\x00"', "|", ">-", "&a 1", "*a", "[a, *a]"]),
)
json_like = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=40,
)


def parse_or_refuse(data: bytes | str) -> None:
    """The property: a Scenario, or a ScenarioError that names the file, and nothing else."""
    try:
        result = parse_scenario(data, "fuzz.yaml")
    except ScenarioError as exc:
        assert exc.problems
        assert exc.render().startswith("fuzz.yaml")
        return
    assert isinstance(result, Scenario)


@FUZZ
@given(json_like)
def test_json_like_documents(doc: Any) -> None:
    parse_or_refuse(yaml.safe_dump(doc))


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELDS), json_like, max_size=8))
def test_json_like_top_level_mappings(doc: dict[str, Any]) -> None:
    parse_or_refuse(yaml.safe_dump(doc))


@FUZZ
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    parse_or_refuse(text)


YAMLISH = st.text(alphabet=list("{}[]:-&*!|>'\"#%@`?,.~<=\\ \n\t\r\ufeffabcz0129TZ+/_"),
                  max_size=80)


@FUZZ
@given(YAMLISH)
def test_yaml_punctuation_soup(text: str) -> None:
    parse_or_refuse(text)


@FUZZ
@given(st.binary(max_size=200))
def test_arbitrary_bytes(data: bytes) -> None:
    parse_or_refuse(data)


# -- Mutations of the minimal scenario --------------------------------------------------------


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


PATHS = [p for p in _paths(MINIMAL_RAW) if p]


def test_minimal_is_valid() -> None:
    assert isinstance(parse_scenario(MINIMAL_TEXT, "minimal.yaml"), Scenario)
    assert len(PATHS) > 100


@FUZZ
@given(st.sampled_from(PATHS), st.sampled_from(["delete", "set"]), scalars | json_like)
def test_mutated_minimal(path: tuple[Any, ...], op: str, value: Any) -> None:
    doc = copy.deepcopy(MINIMAL_RAW)
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if op == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    parse_or_refuse(yaml.safe_dump(doc, sort_keys=False))


@FUZZ
@given(st.data())
def test_mutated_minimal_text(data: st.DataObject) -> None:
    """Line-level edits of the file itself: drop, duplicate or overwrite a line."""
    rows = MINIMAL_TEXT.splitlines()
    i = data.draw(st.integers(0, len(rows) - 1))
    op = data.draw(st.sampled_from(["drop", "duplicate", "replace", "indent", "splice", "value"]))
    if op == "value":
        # Retype the value of some field by hand: the likeliest way a person breaks a file.
        rows_with_values = [k for k, row in enumerate(rows) if ": " in row and "#" not in row]
        i = data.draw(st.sampled_from(rows_with_values))
        rows[i] = rows[i].split(": ", 1)[0] + ": " + data.draw(raw_values)
    elif op == "drop":
        del rows[i]
    elif op == "duplicate":
        rows.insert(i, rows[i])
    elif op == "indent":
        rows[i] = data.draw(st.sampled_from([" ", "  ", "\t", ""])) + rows[i].lstrip()
    elif op == "splice":
        cut = data.draw(st.integers(0, len(rows[i])))
        rows[i] = rows[i][:cut] + data.draw(YAMLISH) + rows[i][cut:]
    else:
        indent = rows[i][: len(rows[i]) - len(rows[i].lstrip())]
        rows[i] = indent + data.draw(st.text(max_size=40))
    parse_or_refuse("\n".join(rows) + "\n")
