"""Mutation testing: small deliberate bugs planted in the code, and the tests that catch them.

    python scripts/mutate.py [--target mechanics] [--target engine] [--target policies]
                             [--jobs N] [--workdir DIR] [--show] [--fresh]

For each target, mutmut (https://mutmut.readthedocs.io) plants every mutation it knows in
the target's modules (an operator turned round, a constant moved by one, an argument
dropped...) and runs, for each mutant, the tests of a fast subset that reach the mutated
function. A mutant no test fails on *survived*: a bug the suite would let through. The
script prints each target's score (mutants killed out of those tested) and its survivors
with their diffs, marking those listed in ``EQUIVALENT`` (no test can tell them from the
code: ``--show`` prints their diffs too); it exits with 1 while any other survives.

It works on a copy of the working tree (``src``, ``tests``, ``docs``, ``pyproject.toml``) in
``--workdir`` (kept between runs, so that a second run only tests what changed; ``--fresh``
starts anew), never on the files themselves. Needs mutmut 3 (``pip install mutmut``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Target:
    """Modules to mutate (globs from the repository root) and the tests that guard them."""

    modules: tuple[str, ...]
    tests: tuple[str, ...]


TARGETS = {
    "mechanics": Target(("src/brinkmanship/mechanics/*.py",), ("tests/mechanics",)),
    "engine": Target(("src/brinkmanship/engine/*.py",),
                     ("tests/mechanics", "tests/test_streams.py", "tests/test_game.py",
                      "tests/test_event_log.py")),
    "policies": Target(("src/brinkmanship/policies/*.py",),
                       ("tests/decisions", "-m", "not slow")),
}

RESULT = re.compile(r"^\s+(?P<name>\S+): (?P<status>.+)$")

EQUIVALENT = [
    # (module, line as written, line as mutated, why no test can tell them apart)
    ("mechanics.channels", 'threatening = shift < 0 if var == "control" else shift > 0',
     'threatening = shift < 0 if var == "control" else shift >= 0',
     "a zero shift scales to zero either way"),
    ("mechanics.channels", 'threatening = shift < 0 if var == "control" else shift > 0',
     'threatening = shift <= 0 if var == "control" else shift > 0',
     "a zero shift scales to zero either way"),
    ("mechanics.channels",
     "kind = fid.kinds[min(int(pick * len(fid.kinds)), len(fid.kinds) - 1)]",
     "kind = fid.kinds[min(int(pick * len(fid.kinds)), len(fid.kinds) + 1)]",
     "int(u * n) <= n - 1 for a uniform u < 1: the bound never binds"),
    ("mechanics.channels", "lost = keys[min(int(which * len(keys)), len(keys) - 1)]",
     "lost = keys[min(int(which * len(keys)), len(keys) + 1)]",
     "int(u * n) <= n - 1 for a uniform u < 1: the bound never binds"),
    ("mechanics.channels", "if draw >= fid.distortion_probability or not fid.kinds:",
     "if draw > fid.distortion_probability or not fid.kinds:",
     "differs only when a uniform draw equals the probability exactly"),
    *(("mechanics.incidents",
       "if inc.under_order is not None and not world.orders.get(inc.under_order, False):",
       f"if inc.under_order is not None and not world.orders.get(inc.under_order, {d}):",
       "a world holds every standing order: the default is never used")
      for d in ("None", "", "True")),
    *(("mechanics.incidents", 'rate *= factors.get(world.postures.get(force, ""), 1.0)',
       f"rate *= factors.get(world.postures.get(force, {d}), 1.0)",
       "a world holds every force's posture: the default is never used")
      for d in ("None", "", '"XXXX"')),
    ("mechanics.perception", "threatening = shift * THREAT_DIRECTION.get(var, 1.0) > 0",
     "threatening = shift / THREAT_DIRECTION.get(var, 1.0) > 0",
     "the direction is +1 or -1: dividing by it is multiplying"),
    *(("mechanics.perception", "threatening = shift * THREAT_DIRECTION.get(var, 1.0) > 0",
       f"threatening = shift * THREAT_DIRECTION.get(var, {d}) > 0",
       "a signal names a belief variable (the schema checks): the default is never used")
      for d in ("None", "", "2.0")),
    ("mechanics.perception", "threatening = shift * THREAT_DIRECTION.get(var, 1.0) > 0",
     "threatening = shift * THREAT_DIRECTION.get(var, 1.0) >= 0",
     "a zero shift moves nothing, amplified or not"),
]
"""Survivors that are equivalent mutants: no behaviour differs, so no test can kill them.
A survivor not listed here is a gap in the tests (or a new equivalent to list, with why)."""


def _changed(diff: str) -> tuple[str, str]:
    """The line a mutant's diff removes and the line it adds, stripped."""
    removed = next((ln[1:].strip() for ln in diff.splitlines()
                    if ln.startswith("-") and not ln.startswith("---")), "")
    added = next((ln[1:].strip() for ln in diff.splitlines()
                  if ln.startswith("+") and not ln.startswith("+++")), "")
    return removed, re.sub(r", \)", ")", re.sub(r", , ", ", ", added))


def equivalent(mutant: str, diff: str) -> str | None:
    """Why ``mutant`` is equivalent, if it is one listed in ``EQUIVALENT``."""
    removed, added = _changed(diff)
    for module, before, after, why in EQUIVALENT:
        after = re.sub(r", \)", ")", after)
        if f".{module}." in f".{mutant}" and removed == before and added == after:
            return why
    return None


def _config(target: Target) -> str:
    """The ``[tool.mutmut]`` table for one target."""
    def toml_list(items: tuple[str, ...]) -> str:
        return "[" + ", ".join(f'"{item}"' for item in items) + "]"

    return ("\n[tool.mutmut]\n"
            'source_paths = ["src"]\n'
            f"only_mutate = {toml_list(target.modules)}\n"
            f"pytest_add_cli_args_test_selection = {toml_list(target.tests)}\n"
            'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
            'also_copy = ["docs"]\n')


def prepare(workdir: Path, target: Target, fresh: bool) -> None:
    """Lay the working tree's sources and tests in ``workdir``, configured for ``target``.

    mutmut keeps its mutants and results in ``workdir/mutants``; a file whose copy is
    unchanged keeps its results from the last run.
    """
    if fresh and workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for folder in ("src", "tests", "docs"):  # some tests read the published schemas
        _sync(ROOT / folder, workdir / folder, ignore)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r"\n\[tool\.mutmut\].*?(?=\n\[|\Z)", "", text, flags=re.S)
    (workdir / "pyproject.toml").write_text(text + _config(target), encoding="utf-8")


def _sync(source: Path, dest: Path, ignore: object) -> None:
    """Make ``dest`` a copy of ``source``, rewriting only files whose bytes changed (so that
    mutmut, which compares times, re-mutates only those)."""
    if dest.exists():
        for path in dest.rglob("*"):
            if path.is_file() and not (source / path.relative_to(dest)).exists():
                path.unlink()
    for path in source.rglob("*"):
        rel = path.relative_to(source)
        if "__pycache__" in rel.parts or path.suffix == ".pyc" or path.is_dir():
            continue
        out = dest / rel
        if out.exists() and out.read_bytes() == path.read_bytes():
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, out)


def mutmut(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("mutmut")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(exe), *args], cwd=workdir, env=env, capture_output=True,
                          text=True, check=False)


def results(workdir: Path, modules: tuple[str, ...]) -> dict[str, str]:
    """Each mutant of ``modules`` and its status (killed, survived, timeout, no tests...)."""
    done = mutmut(workdir, "results", "--all", "true")
    prefixes = tuple(m.removeprefix("src/").removesuffix("*.py").replace("/", ".")
                     for m in modules)
    out = {}
    for line in done.stdout.splitlines():
        match = RESULT.match(line)
        if match and match["name"].startswith(prefixes):
            out[match["name"]] = match["status"].strip()
    return out


def report(name: str, statuses: dict[str, str], workdir: Path, show: bool) -> int:
    """Print a target's score and survivors; the number of survivors not known to be
    equivalent mutants."""
    counts = Counter(statuses.values())
    tested = counts["killed"] + counts["survived"] + counts["timeout"]
    killed = counts["killed"] + counts["timeout"]
    survivors = sorted(m for m, status in statuses.items() if status == "survived")
    diffs = {m: mutmut(workdir, "show", m).stdout for m in survivors}
    why = {m: equivalent(m, diffs[m]) for m in survivors}
    same = sum(1 for m in survivors if why[m])
    score = f"{100 * killed / tested:.1f}%" if tested else "n/a"
    real = f"{100 * killed / (tested - same):.1f}%" if tested > same else "n/a"
    print(f"{name}: {killed} of {tested} mutants killed ({score}); {same} of the "
          f"{len(survivors)} survivors are equivalent, so {real} of the others; "
          + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    for mutant in survivors:
        print(f"  {'equivalent' if why[mutant] else 'SURVIVED'}: {mutant}"
              + (f" ({why[mutant]})" if why[mutant] else ""))
        if show or not why[mutant]:
            print("\n".join("    " + line for line in diffs[mutant].splitlines()[1:]))
    return len(survivors) - same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", action="append", choices=sorted(TARGETS),
                        help="what to mutate (repeatable; default: mechanics)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "brinkmanship-mutate")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results")
    args = parser.parse_args(argv)
    if shutil.which("mutmut", path=str(Path(sys.executable).parent)) is None:
        print("mutmut is not installed: pip install mutmut", file=sys.stderr)
        return 2
    survived = 0
    for name in args.target or ["mechanics"]:
        target = TARGETS[name]
        workdir = args.workdir / name
        prepare(workdir, target, args.fresh)
        done = mutmut(workdir, "run", "--max-children", str(args.jobs))
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
            return done.returncode
        survived += report(name, results(workdir, target.modules), workdir, args.show)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
