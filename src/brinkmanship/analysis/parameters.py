"""Setting one parameter of a scenario by a dotted path, e.g. for a counterfactual or a sweep.

A path walks the scenario's sections the way the YAML file reads:

    incidents[warning_shots].hazard_per_hour      an element of a list, by its id
    responses.reprisal.held                       the same, with a dot
    utilities[azure_pm].war.bombardment           by its actor, where elements have no id
    decision_points[0].every_hours                by position
    scenario.war_window_hours                     a field of a section

The new scenario is rebuilt from data and checked exactly like a loaded file (fields,
ranges, cross-references), so a value the file could not hold is refused too. Errors name
the assignment and the place: ``ParameterError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from brinkmanship.scenario.checks import check_references
from brinkmanship.scenario.schema import Scenario

_SEGMENT = re.compile(r"\.?([A-Za-z0-9_\-]+)|\[([^\]]+)\]")


class ParameterError(ValueError):
    """A parameter assignment that names no place of the scenario, or an invalid value."""


def parse_assignment(text: str) -> tuple[str, Any]:
    """``'PATH=VALUE'`` as (path, value); the value is read as a YAML scalar or list."""
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise ParameterError(f"{text!r}: a parameter is set as PATH=VALUE")
    return path.strip(), parse_value(raw)


def parse_value(raw: str) -> Any:
    """``'0.05'`` -> 0.05, ``'true'`` -> True, ``'[a, b]'`` -> ['a', 'b'], else the text."""
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw.strip()
    return raw.strip() if value is None and raw.strip() not in ("null", "~") else value


def split_path(path: str) -> list[str]:
    """The segments of a dotted path; ``ParameterError`` if it does not parse."""
    parts: list[str] = []
    pos = 0
    while pos < len(path):
        m = _SEGMENT.match(path, pos)
        if m is None or (pos == 0 and path.startswith(".")):
            raise ParameterError(f"{path!r}: cannot read the path at {path[pos:]!r}")
        parts.append((m.group(1) or m.group(2)).strip())
        pos = m.end()
    if not parts:
        raise ParameterError("an empty parameter path")
    return parts


def get_parameter(scenario: Scenario, path: str) -> Any:
    """The current value at ``path`` (as plain data)."""
    data = scenario.model_dump(mode="json")
    container, key, _ = _locate(scenario, data, path)
    return container[key]


@dataclass(frozen=True)
class Changed:
    """A scenario with one parameter set, and what that means for its historical record.

    ``record`` is None while the record still fits the changed scenario. Where the change
    contradicts it (a response the record holds made firm, an action it takes removed),
    the record is no longer a possible path of the scenario: the change is made all the
    same (the built-in decision-makers never read the record), the history is set aside in
    the changed scenario, and ``record`` says where and why.
    """

    scenario: Scenario
    record: str | None = None


def set_parameter(scenario: Scenario, path: str, value: Any) -> Scenario:
    """A new, checked scenario equal to ``scenario`` except for the value at ``path`` (see
    :func:`change_parameter` for a change that contradicts the historical record)."""
    return change_parameter(scenario, path, value).scenario


def change_parameter(scenario: Scenario, path: str, value: Any) -> Changed:
    """:func:`set_parameter`, saying what the change means for the historical record."""
    data = scenario.model_dump(mode="json")
    container, key, _ = _locate(scenario, data, path)
    container[key] = value
    where = f"{path}={value!r}"
    try:
        new = Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ParameterError(f"{where}: {_render(first['loc'])}: {first['msg']}") from None
    except (ValueError, OSError, ArithmeticError) as exc:
        raise ParameterError(f"{where}: {exc}") from None
    problems = check_references(new)
    beyond = [(loc, msg) for loc, msg in problems if loc[:1] != ("history",)]
    if beyond or (problems and path.split(".")[0].split("[")[0] == "history"):
        loc, msg = (beyond or problems)[0]
        raise ParameterError(f"{where}: {_render(loc)}: {msg}")
    if not problems:
        return Changed(new)
    loc, msg = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    record = (f"{where}: the historical record no longer fits ({_render(loc)}: {msg}{more}); "
              "it is not a possible path of the changed scenario, which is run without it "
              "(the decision-makers never read it; nothing can be replayed or scored "
              "against history there)")
    return Changed(new.model_copy(update={"history": None}), record)


def _locate(scenario: Scenario, data: dict[str, Any], path: str) -> tuple[Any, Any, str]:
    """The container in ``data`` and the key the last segment of ``path`` names in it."""
    parts = split_path(path)
    node: Any = scenario
    container: Any = data
    walked = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, BaseModel):
            fields = type(node).model_fields
            if part not in fields:
                raise ParameterError(f"{path}: {_where(walked)} has no field {part!r} "
                                     f"(fields: {', '.join(fields)})")
            key: Any = part
            child = getattr(node, part)
        elif isinstance(node, list):
            key = _element(node, part, path, walked)
            child = node[key]
        elif isinstance(node, dict):
            if part not in node and not last:
                raise ParameterError(f"{path}: {_where(walked)} has no entry {part!r} "
                                     f"(entries: {', '.join(map(str, node)) or 'none'})")
            key, child = part, node.get(part)
        else:
            raise ParameterError(f"{path}: {_where(walked)} is a value, not a section")
        walked += f"[{part}]" if isinstance(node, list) else (f".{part}" if walked else part)
        if last:
            return container, key, walked
        node, container = child, container[key]
        if container is None:
            raise ParameterError(f"{path}: {walked} is not set in this scenario")
    raise AssertionError("unreachable")


def _element(items: list[Any], part: str, path: str, walked: str) -> int:
    """The position of the element of ``items`` named ``part``: by id, by actor, by index."""
    for attr in ("id", "actor"):
        hits = [i for i, item in enumerate(items) if getattr(item, attr, None) == part]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise ParameterError(f"{path}: {len(hits)} elements of {walked} have {attr} "
                                 f"{part!r}; give a position instead, e.g. {walked}[{hits[0]}]")
    if part.isdigit() and int(part) < len(items):
        return int(part)
    names = [str(getattr(x, "id", None) or getattr(x, "actor", None) or i)
             for i, x in enumerate(items)]
    raise ParameterError(f"{path}: no element {part!r} in {_where(walked)} "
                         f"(known: {', '.join(names) or 'none'})")


def _where(walked: str) -> str:
    return walked or "the scenario"


def _render(loc: Any) -> str:
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def parse_sweep(text: str) -> tuple[str, list[Any]]:
    """``'PATH=a,b,c'`` as (path, [a, b, c]), each value read as by :func:`parse_value`."""
    path, sep, raw = text.partition("=")
    values = [v for v in raw.split(",") if v.strip()]
    if not sep or not path.strip() or not values:
        raise ParameterError(f"{text!r}: a sweep is PATH=VALUE,VALUE,... "
                             "e.g. incidents[x].hazard_per_hour=0.01,0.05")
    split_path(path.strip())
    return path.strip(), [parse_value(v) for v in values]
