"""The default decision-makers never read the historical record, by any route.

Comparing a run with the scenario's history against one without it cannot see a
decision-maker that fetches the record anew (``load_scenario(scenario.scenario.id)`` of
the built-in copy, or the package's file itself). So the package's own built-in copies are
given another record (a third of the entries, and a war for an outcome) and the default
decision-makers must write the same logs as over the true record: in this process, with
the loader pointed at the altered copies; and in a fresh process importing a copy of the
whole package whose built-in files are the altered ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import brinkmanship
import brinkmanship.policies.crisis_model as crisis_model
import brinkmanship.scenario.loader as loader
from brinkmanship import builtin_names, load_scenario, simulate

SEEDS = (3,)
"""Seeds run in this process, each from cold models; the fresh process runs ``MORE_SEEDS``."""
MORE_SEEDS = (3, 8)


class _Plain(yaml.SafeDumper):
    """Writes repeated values out in full: the loader refuses YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def another_record(text: str) -> str:
    """The scenario text with a different history: every third entry of the record, and
    a war at the end of it instead of the recorded outcome."""
    doc = yaml.safe_load(text)
    history = doc["history"]
    history["record"] = history["record"][::3]
    history["outcome"] = {"kind": "war", "at": history["record"][-1]["at"],
                          "source": "altered for a test"}
    return yaml.dump(doc, Dumper=_Plain, sort_keys=False, allow_unicode=True)


def _altered_folder(folder: Path, altered: frozenset[str] | None = None) -> Path:
    """``folder/builtin`` holding every built-in scenario, those in ``altered`` (all by
    default) with another record."""
    out = folder / "builtin"
    out.mkdir(parents=True)
    for name in builtin_names():
        source = loader.builtin_path(name)
        if altered is None or name in altered:
            text = another_record(source.read_text(encoding="utf-8"))
            (out / source.name).write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(source, out / source.name)
    return folder


def _digest(name: str, seeds: tuple[int, ...] = SEEDS) -> list[str]:
    """The SHA-256 of each seed's log under the default decision-makers, from cold models
    (a model built once and kept would hide what a second build reads)."""
    sc = load_scenario(name)
    out = []
    for seed in seeds:
        crisis_model._MODELS.clear()
        out.append(hashlib.sha256(simulate(sc, {}, seed).jsonl().encode()).hexdigest())
    return out


class _Files:
    """``importlib.resources`` with the scenario package's files in another folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    def files(self, package: str) -> Any:
        import importlib.resources

        return self.folder if package == "brinkmanship.scenario" else \
            importlib.resources.files(package)


@pytest.mark.parametrize("name", builtin_names())
def test_a_record_fetched_anew_from_the_built_in_copy_changes_nothing(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    true_record = load_scenario(name)
    assert true_record.history is not None
    expected = _digest(name)
    monkeypatch.setattr(loader, "resources",
                        _Files(_altered_folder(tmp_path, frozenset({name}))))
    fetched = load_scenario(name)
    assert fetched.history is not None and fetched.history != true_record.history, \
        "the loader serves the altered copy"
    assert fetched.model_copy(update={"history": None}) == \
        true_record.model_copy(update={"history": None}), "and only the record differs"
    assert _digest(name) == expected


PROBE = """
import hashlib, json, sys
import brinkmanship.policies.crisis_model as crisis_model
from brinkmanship import builtin_names, load_scenario, simulate
out = {}
for name in builtin_names():
    assert load_scenario(name).history.outcome.kind == "war", "the copy's record is read"
    out[name] = []
    for seed in json.loads(sys.argv[1]):
        crisis_model._MODELS.clear()
        log = simulate(load_scenario(name), {}, seed).jsonl()
        out[name].append(hashlib.sha256(log.encode()).hexdigest())
print(json.dumps(out))
"""


@pytest.mark.slow
def test_a_package_whose_own_files_hold_another_record_writes_the_same_logs(
        tmp_path: Path) -> None:
    """Every route to the record inside the package (the loader, the package's files read
    directly, a cache) leads, in this copy, to the altered one."""
    package = Path(brinkmanship.__file__).parent
    copy = tmp_path / "src" / "brinkmanship"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(copy / "scenario" / "builtin")
    _altered_folder(copy / "scenario")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(MORE_SEEDS)], env=env,
                          capture_output=True, text=True, timeout=300, check=False,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    expected = {name: _digest(name, MORE_SEEDS) for name in builtin_names()}
    assert json.loads(done.stdout) == expected
