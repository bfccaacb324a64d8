"""Loading scenario files: safe YAML, with the line of every field kept for error messages.

The YAML is composed into nodes (never into Python objects by tag), so hostile tags,
aliases used as memory bombs, duplicate keys, huge or deeply nested documents are refused
with the line they occur on, before anything is built from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from brinkmanship.scenario.checks import belief_warnings, check_references
from brinkmanship.scenario.errors import Problem, ScenarioError
from brinkmanship.scenario.schema import Scenario

MAX_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 200_000

Path_ = tuple[str | int, ...]


def builtin_names() -> list[str]:
    """Names of the scenarios that ship with the package."""
    folder = resources.files("brinkmanship.scenario") / "builtin"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def builtin_path(name: str) -> Path:
    """The file of a built-in scenario."""
    return Path(str(resources.files("brinkmanship.scenario") / "builtin" / f"{name}.yaml"))


def resolve(name_or_file: str) -> Path:
    """A built-in scenario's file if ``name_or_file`` names one, else the path given."""
    if name_or_file in builtin_names():
        return builtin_path(name_or_file)
    return Path(name_or_file)


def load_scenario(name_or_file: str | Path) -> Scenario:
    """Load, decode and check a scenario by built-in name or file path.

    Raises :class:`ScenarioError` naming the file, line and field path of each problem.
    """
    path = resolve(str(name_or_file))
    try:
        data = read_limited(path)
    except FileNotFoundError:
        known = ", ".join(builtin_names()) or "none"
        raise ScenarioError(str(path), [Problem(
            f"no such file, and no built-in scenario of that name (built-in: {known})")]) from None
    except OSError as exc:
        raise ScenarioError(str(path), [Problem(f"cannot read: {exc.strerror}")]) from None
    return parse_scenario(data, str(path))


def scenario_warnings(name_or_file: str | Path) -> list[Problem]:
    """What `brink validate` warns of in a scenario that loads (signals that can move no
    belief), each with its field path and line."""
    path = resolve(str(name_or_file))
    raw, lines = read_yaml(read_limited(path), str(path))
    scenario = Scenario.model_validate(raw)
    return [Problem(msg, _render_path(p), _line_of(p, lines))
            for p, msg in belief_warnings(scenario)]


def read_limited(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, never more than ``limit`` + 1 of them.

    A device (``/dev/zero``), a FIFO or a folder is refused before it is read, so reading
    never blocks or fills memory; ``OSError`` with a reason otherwise.
    """
    import errno
    import os
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the open
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a folder, device or pipe)")
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def parse_scenario(data: bytes | str, file: str = "<scenario>") -> Scenario:
    """Decode scenario text; ``file`` is only used to name it in errors."""
    raw, lines = read_yaml(data, file)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(file, [_problem(err, lines) for err in exc.errors()]) from None
    except (OSError, ArithmeticError) as exc:
        # Pydantic wraps only ValueError; instant parsing can also raise these (a zone name
        # that is a folder of the zone database; a date at the edge of datetime's range).
        reason = "names an unknown time zone" if isinstance(exc, OSError) else "is out of range"
        raise ScenarioError(file, [Problem(f"an instant {reason}")]) from None
    problems = [
        Problem(msg, _render_path(path), _line_of(path, lines))
        for path, msg in check_references(scenario)
    ]
    if problems:
        raise ScenarioError(file, problems)
    return scenario


def read_yaml(data: bytes | str, file: str) -> tuple[Any, dict[Path_, int]]:
    """Safely read one YAML document; returns it and the line of every path in it."""
    if len(data) > MAX_BYTES:
        raise ScenarioError(file, [Problem(f"file too large ({len(data)} bytes, at most "
                                           f"{MAX_BYTES})")])
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError(file, [Problem(f"not UTF-8 text (byte {exc.start})")]) from None
    try:
        _refuse_aliases(data)
        node = yaml.compose(data, Loader=yaml.SafeLoader)
    except ScenarioError as exc:
        raise ScenarioError(file, exc.problems) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(file, [Problem(f"YAML syntax: {reason}", "$", line)]) from None
    if node is None:
        raise ScenarioError(file, [Problem("the file is empty: a scenario is a mapping")])
    if not isinstance(node, yaml.MappingNode):
        line = node.start_mark.line + 1
        problem = Problem("the document must be a mapping of sections", "$", line)
        raise ScenarioError(file, [problem])
    lines: dict[Path_, int] = {}
    builder = _Builder(lines)
    try:
        value = builder.build(node, (), 0)
    except ScenarioError as exc:
        raise ScenarioError(file, exc.problems) from None
    return value, lines


def _refuse_aliases(text: str) -> None:
    """Scan the events: refuse aliases, a second document, and nesting too deep to compose."""
    documents = 0
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.AliasEvent):
            raise ScenarioError("", [Problem("YAML aliases (*name) are not allowed", "$", line)])
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise ScenarioError("", [Problem("one YAML document per file", "$", line)])
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            # The composer recurses; stop before it can. The builder reports lesser excess.
            if depth > MAX_DEPTH + 1:
                raise ScenarioError("", [Problem(f"nested deeper than {MAX_DEPTH}", "$", line)])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class _Builder:
    """Builds plain Python values from YAML nodes, recording the line of each path."""

    def __init__(self, lines: dict[Path_, int]):
        self.lines = lines
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if depth > MAX_DEPTH:
            raise ScenarioError("", [Problem(f"nested deeper than {MAX_DEPTH}", _render_path(path),
                                             line)])
        if self.count > MAX_NODES:
            raise ScenarioError("", [Problem(f"more than {MAX_NODES} values", _render_path(path),
                                             line)])
        self.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if node.tag not in _PLAIN_TAGS:
            raise ScenarioError("", [Problem(f"tag {node.tag} is not allowed",
                                             _render_path(path), line)])
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # 2024-13-45, an int of 5000 digits
            kind = node.tag.rsplit(":", 1)[-1]
            raise ScenarioError("", [Problem(f"cannot read this {kind}: {exc}",
                                             _render_path(path), line)]) from None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return node.value  # a bare date is no instant; as text it gets a clear error
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            raise ScenarioError("", [Problem(f"tag {node.tag} is not allowed", _render_path(path),
                                             node.start_mark.line + 1)])
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            kline = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ScenarioError("", [Problem("YAML merge keys (<<) are not allowed",
                                                 _render_path(path), kline)])
            key = self.build(key_node, path, depth + 1) if isinstance(key_node, yaml.ScalarNode) \
                else None
            if not isinstance(key, str | int | float | bool) or isinstance(key, bool):
                raise ScenarioError("", [Problem("mapping keys must be plain names",
                                                 _render_path(path), kline)])
            key = str(key)
            if key in out:
                raise ScenarioError("", [Problem(f"duplicate key {key!r}", _render_path(path),
                                                 kline)])
            self.lines[(*path, key)] = kline
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out


_PLAIN_TAGS = {
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


def _render_path(path: Path_) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _line_of(path: Path_, lines: dict[Path_, int]) -> int | None:
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


def _problem(err: Any, lines: dict[Path_, int]) -> Problem:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    path: Path_ = tuple(p for p in loc if isinstance(p, str | int))
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = f"unknown field {path[-1]!r}" if path else "unknown field"
    elif err["type"] == "missing":
        message = f"missing required field {path[-1]!r}" if path else "missing field"
    return Problem(message, _render_path(path), _line_of(path, lines))


def iter_numbers(raw: Any, path: Path_ = ()) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Every mapping of a raw document that holds a number directly, with its path."""
    if isinstance(raw, dict):
        if any(isinstance(v, int | float) and not isinstance(v, bool) for v in raw.values()):
            yield path, raw
        for key, value in raw.items():
            yield from iter_numbers(value, (*path, key))
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            yield from iter_numbers(value, (*path, i))
