"""Bad scenario files are refused with one short message naming the file, line and problem.

Every file in ``tests/bad_scenarios`` starts with ``# expect: <part of the message>`` and,
where the problem has a line, ``# line: N``. A few cases are generated at run time instead
(a file over the size limit, deep nesting, live Python-object payloads).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from brinkmanship.scenario import ScenarioError, load_scenario
from brinkmanship.scenario.loader import MAX_BYTES

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad_scenarios"
MINIMAL = HERE / "scenarios" / "minimal.yaml"
ROOT = HERE.parent


@dataclass(frozen=True)
class Case:
    path: Path
    expect: str
    line: int | None


def read_case(path: Path) -> Case:
    """The expectations in a bad file's first lines (read as bytes: some are not UTF-8)."""
    head = path.read_bytes().split(b"\n", 2)
    first = head[0].decode("ascii")
    assert first.startswith("# expect: "), f"{path.name}: first line must be '# expect: ...'"
    line = None
    if len(head) > 1 and (m := re.fullmatch(rb"# line: (\d+)", head[1].strip())):
        line = int(m.group(1))
    return Case(path, first.removeprefix("# expect: ").strip(), line)


CORPUS = sorted(BAD.glob("*.yaml"))


def _minimal_text() -> str:
    return MINIMAL.read_text(encoding="utf-8")


def _huge(tmp: Path) -> Case:
    # A valid scenario padded past the limit with a long description: refused before parsing.
    filler = "x" * (MAX_BYTES + 100_000)
    text = _minimal_text().replace("  title: ", f"  description: {filler}\n  title: ", 1)
    path = tmp / "huge.yaml"
    path.write_text("# expect: file too large\n" + text, encoding="utf-8")
    assert path.stat().st_size > 2_000_000
    return Case(path, "file too large", None)


def _deep_flow(tmp: Path) -> Case:
    # Far deeper than the recursion limit: must be refused without a RecursionError.
    n = 100_000
    path = tmp / "deep_flow.yaml"
    path.write_text("# expect: nested deeper than\nscenario: " + "[" * n + "]" * n + "\n")
    return Case(path, "nested deeper than", 2)


def _deep_block(tmp: Path) -> Case:
    # One level past the limit, in block style: the builder reports the line of the first
    # value too deep (41 nested mappings; the keys of the innermost sit at depth 41).
    rows = ["# expect: nested deeper than 40", "# line: 43"]
    rows += [" " * i + f"k{i}:" for i in range(41)]
    rows.append(" " * 41 + "bottom")
    path = tmp / "deep_block.yaml"
    path.write_text("\n".join(rows) + "\n")
    return Case(path, "nested deeper than 40", 43)


def _huge_integer(tmp: Path) -> Case:
    text = _minimal_text().replace("median_hours: 2.0", "median_hours: " + "9" * 5000, 1)
    path = tmp / "huge_integer.yaml"
    path.write_text("# expect: cannot read this int\n" + text, encoding="utf-8")
    line = 1 + next(i for i, row in enumerate(text.splitlines(), 1) if "9" * 5000 in row)
    return Case(path, "cannot read this int", line)


GENERATED: dict[str, Callable[[Path], Case]] = {
    "huge": _huge,
    "deep_flow": _deep_flow,
    "deep_block": _deep_block,
    "huge_integer": _huge_integer,
}


def check_message(message: str, case: Case, shown: str) -> None:
    """The rendered error: names the file (as ``shown``) and line, says what, and is short."""
    flat = " ".join(message.split())  # tolerate a CLI that wraps long lines
    assert shown in flat, message
    assert case.expect in flat, message
    if case.line is not None:
        assert f"{shown}:{case.line}:" in flat, message
    assert len(message.strip().splitlines()) < 5, message
    assert "Traceback" not in message


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 20
    for path in CORPUS:
        read_case(path)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_load_refuses_bad_file(path: Path) -> None:
    case = read_case(path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems
    check_message(info.value.render(), case, str(path))
    assert str(info.value) == info.value.render()


@pytest.mark.parametrize("make", GENERATED.values(), ids=GENERATED.keys())
def test_load_refuses_generated_file(make: Callable[[Path], Case], tmp_path: Path) -> None:
    case = make(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(case.path)
    check_message(info.value.render(), case, str(case.path))


def test_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    # Only the shape is fixed here: the file is named, the message is short.
    check_message(info.value.render(), Case(path, "", None), str(path))


# -- Nothing in a file is ever executed ------------------------------------------------------

PAYLOADS = {
    "sequence": "!!python/object/apply:builtins.open [{target}, w]",
    "mapping": "!!python/object/apply:builtins.open {{args: [{target}, w]}}",
    "new": "!!python/object/new:builtins.open [{target}, w]",
    "shell": "!!python/object/apply:os.system [{shell}]",
}


def _payload(form: str, target: Path) -> str:
    return PAYLOADS[form].format(target=json.dumps(str(target)),
                                 shell=json.dumps(f"touch '{target}'"))


def test_payload_is_live_under_an_unsafe_loader(tmp_path: Path) -> None:
    """Control: the payload really would create the file if a loader executed tags."""
    target = tmp_path / "control"
    made = yaml.unsafe_load("x: " + _payload("sequence", target))
    made["x"].close()
    assert target.exists()


@pytest.mark.parametrize("form", PAYLOADS)
@pytest.mark.parametrize("where", ["value", "document"])
def test_python_tag_executes_nothing(form: str, where: str, tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    payload = _payload(form, target)
    if where == "value":
        text = _minimal_text().replace("  title: A minimal two-sided crisis",
                                       f"  title: {payload}", 1)
    else:
        text = payload + "\n"
    path = tmp_path / "tagged.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    # A whole document that is a tagged sequence or scalar is refused as not a mapping.
    reasons = ["is not allowed"] if where == "value" else ["is not allowed", "must be a mapping"]
    assert any(r in info.value.render() for r in reasons), info.value.render()
    assert not target.exists()


# -- The command line: `brink validate FILE` --------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "brinkmanship", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def check_cli_refuses(case: Case) -> None:
    # Run beside the file and name it relatively, so the message stays short.
    done = run_cli("validate", case.path.name, cwd=case.path.parent)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout.strip() == ""
    assert "Traceback" not in done.stdout + done.stderr
    assert "was-pwned" not in done.stdout + done.stderr  # python_object_tag.yaml's echo
    check_message(done.stderr, case, case.path.name)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_cli_validate_refuses_bad_file(path: Path) -> None:
    check_cli_refuses(read_case(path))


@pytest.mark.parametrize("make", GENERATED.values(), ids=GENERATED.keys())
def test_cli_validate_refuses_generated_file(make: Callable[[Path], Case], tmp_path: Path) -> None:
    check_cli_refuses(make(tmp_path))


def test_cli_validate_accepts_minimal() -> None:
    done = run_cli("validate", str(MINIMAL.relative_to(ROOT)), cwd=ROOT)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert "ok" in done.stdout.lower()
    assert len(done.stdout.strip().splitlines()) <= 2
    assert "Traceback" not in done.stdout + done.stderr


def test_cli_schema_prints_json_schema() -> None:
    done = run_cli("schema", cwd=ROOT)
    assert done.returncode == 0, (done.stdout, done.stderr)
    schema = json.loads(done.stdout)
    assert "scenario" in schema["properties"]
