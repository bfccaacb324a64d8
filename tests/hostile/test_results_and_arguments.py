"""Hostile results files, command-line arguments, special files and signals.

Each case gets a clean error — exit 2, one ``brink: …`` line naming the place (file, table,
column, option), no traceback, and the file it was given left byte for byte as it was — or
runs to an end within the time and memory stated here, in a subprocess whose address space
is limited to :data:`MEMORY`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

from brinkmanship.analysis import monte_carlo, open_results  # noqa: E402
from brinkmanship.analysis.storage import MAX_SEED, StoreError  # noqa: E402
from brinkmanship.cli import MAX_SEED as CLI_MAX_SEED  # noqa: E402
from brinkmanship.cli import app  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HARBOUR = str(HERE.parent / "scenarios" / "harbour.yaml")
PLUGINS = HERE / "plugins"
MEMORY = 3 << 30
"""Address space per process of a subprocess case (3 GiB): DuckDB and the worker pool
reserve about 2 GiB of it; a list of a billion seeds would need some 36 GiB."""
QUICK = ("--default-policy", "baseline", "--jobs", "1")
RUNS = 12


# -- helpers ---------------------------------------------------------------------------------
def brink(*args: str) -> tuple[int, str, str]:
    """``brink ARGS`` in this process: exit code, stdout, stderr."""
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PLUGINS), env.get("PYTHONPATH", "")])
    return {**env, **extra}


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "brinkmanship", *args]


def brink_process(*args: str, timeout: float, **env: str) -> subprocess.CompletedProcess[str]:
    """``brink ARGS`` in a subprocess with :data:`MEMORY` of address space; it must end
    within ``timeout`` seconds."""
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limit_memory, env=environment(**env), cwd=ROOT)


def assert_clean(code: int, stderr: str, *names: str) -> None:
    """Exit 2, one short message naming every one of ``names``, no traceback."""
    flat = " ".join(stderr.split())
    assert code == 2, stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.startswith("brink: "), stderr
    assert len(stderr.strip().splitlines()) <= 3, stderr
    for name in names:
        assert name in flat, (name, stderr)


def state(path: Path) -> tuple[str, ...]:
    """What is on disk at ``path`` and beside it (its log): hashes, kinds and sizes."""
    out = []
    for p in (path, path.with_name(path.name + ".wal")):
        if p.is_file():
            out.append(f"{p.name}:{hashlib.sha256(p.read_bytes()).hexdigest()}")
        elif p.exists() or p.is_symlink():
            out.append(f"{p.name}:{'dir' if p.is_dir() else 'special'}")
    return tuple(out)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small, good results file of ``brink mc`` (the baseline decision-maker)."""
    out = tmp_path_factory.mktemp("good") / "good.duckdb"
    monte_carlo(HARBOUR, runs=RUNS, default_policy="baseline", out=out).close()
    return out


def edited(results: Path, tmp: Path, *sql: str) -> Path:
    """A copy of ``results`` changed by ``sql`` (run by DuckDB itself)."""
    path = tmp / "edited.duckdb"
    shutil.copy(results, path)
    con = duckdb.connect(str(path))
    for statement in sql:
        con.execute(statement)
    con.close()
    return path


def refused_untouched(path: Path, tmp: Path, *names: str, resume: bool = True) -> None:
    """``brink report`` and (with ``resume``) ``brink mc --out`` refuse ``path`` cleanly,
    naming it and ``names``, and leave it as it was."""
    before = state(path)
    code, _, stderr = brink("report", str(path), "-o", str(tmp / "report.html"))
    assert_clean(code, stderr, str(path), *names)
    assert not (tmp / "report.html").exists()
    if resume:
        code, _, stderr = brink("mc", HARBOUR, "--runs", str(RUNS), *QUICK, "--out", str(path))
        assert_clean(code, stderr, str(path), *names)
    assert state(path) == before


# -- results files: the file itself ------------------------------------------------------------
def _empty(tmp: Path, results: Path) -> Path:
    path = tmp / "empty.duckdb"
    path.write_bytes(b"")
    return path


def _scenario_text(tmp: Path, results: Path) -> Path:
    path = tmp / "scenario.yaml"
    shutil.copy(HARBOUR, path)
    return path


def _noise(tmp: Path, results: Path) -> Path:
    path = tmp / "noise.duckdb"
    path.write_bytes(bytes(range(256)) * 64)
    return path


def _half(tmp: Path, results: Path) -> Path:
    path = tmp / "half.duckdb"
    shutil.copy(results, path)
    os.truncate(path, path.stat().st_size // 2)
    return path


def _header_only(tmp: Path, results: Path) -> Path:
    path = tmp / "header.duckdb"
    shutil.copy(results, path)
    os.truncate(path, 4096)
    return path


def _folder(tmp: Path, results: Path) -> Path:
    path = tmp / "folder.duckdb"
    path.mkdir()
    (path / "keep").write_text("mine")
    return path


def _foreign(tmp: Path, results: Path) -> Path:
    path = tmp / "foreign.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE accounts (id INTEGER, balance DOUBLE)")
    con.execute("INSERT INTO accounts VALUES (1, 10.5)")
    con.close()
    return path


def _log_is_a_folder(tmp: Path, results: Path) -> Path:
    path = tmp / "logged.duckdb"
    shutil.copy(results, path)
    path.with_name(path.name + ".wal").mkdir()
    return path


FILES: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "empty file": (_empty, "an empty file"),
    "a scenario, not DuckDB": (_scenario_text, "not a DuckDB file"),
    "bytes, not DuckDB": (_noise, "not a DuckDB file"),
    "truncated to half": (_half, "damaged or truncated"),
    "truncated to its header": (_header_only, "damaged or truncated"),
    "a folder": (_folder, "a folder"),
    "another program's DuckDB file": (_foreign, "not a brink results file"),
    "its log is a folder": (_log_is_a_folder, "write-ahead log"),
}


@pytest.mark.parametrize("case", FILES, ids=list(FILES))
def test_a_file_that_is_no_results_file(case: str, results: Path, tmp_path: Path) -> None:
    make, expect = FILES[case]
    path = make(tmp_path, results)
    refused_untouched(path, tmp_path, expect)


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_as_results_or_out(device: str, tmp_path: Path) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    code, _, stderr = brink("report", device, "-o", str(tmp_path / "r.html"))
    assert_clean(code, stderr, device, "not a regular file")
    code, _, stderr = brink("mc", HARBOUR, "--runs", "2", *QUICK, "--out", device)
    assert_clean(code, stderr, device, "not a regular file")


# -- results files: their tables ---------------------------------------------------------------
NEW_META = ("DROP TABLE meta", "CREATE TABLE meta (key VARCHAR, value VARCHAR)")
RUNS_COPY = ("CREATE TABLE copy AS SELECT * FROM runs", "DROP TABLE runs",
             "ALTER TABLE copy RENAME TO runs")
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "no meta table": (("DROP TABLE meta",), ("not a brink results file",)),
    "meta without the study": (("DELETE FROM meta WHERE key = 'study'",),
                               ("table meta", "no key 'study'")),
    "meta's study is not JSON": (("UPDATE meta SET value = '{not json' WHERE key = 'study'",),
                                 ("table meta, key 'study'",)),
    "meta's study of the wrong shape": (
        ("UPDATE meta SET value = '{\"scenario\": 5, \"arms\": 7}' WHERE key = 'study'",),
        ("table meta, key 'study'",)),
    "meta's scenario refers to no one": (
        ("UPDATE meta SET value = replace(value, '\"leader\":\"azure_pm\"', "
         "'\"leader\":\"nobody\"') WHERE key = 'study'",),
        ("table meta, key 'study'", "nobody")),
    "meta of another format": (
        ("UPDATE meta SET value = 'brinkmanship-results/99' WHERE key = 'format'",),
        ("results format 'brinkmanship-results/99'",)),
    "meta of the wrong column types": (
        ("DROP TABLE meta", "CREATE TABLE meta (key VARCHAR, value INTEGER)"),
        ("table meta: columns key VARCHAR, value INTEGER",)),
    "meta with a key twice": (
        ("CREATE TABLE old AS SELECT * FROM meta", *NEW_META,
         "INSERT INTO meta SELECT * FROM old", "INSERT INTO meta SELECT * FROM old"),
        ("table meta: keys must be unique",)),
    "no runs table": (("DROP TABLE runs",), ("no table runs",)),
    "runs without a payoff column": (("ALTER TABLE runs DROP COLUMN payoff_azure_pm",),
                                     ("table runs", "no column payoff_azure_pm")),
    "runs with a column too many": (("ALTER TABLE runs ADD COLUMN extra INTEGER",),
                                    ("table runs", "unexpected column extra")),
    "runs with seeds as text": (
        ("CREATE TABLE copy AS SELECT * REPLACE (CAST(seed AS VARCHAR) AS seed) FROM runs",
         "DROP TABLE runs", "ALTER TABLE copy RENAME TO runs"),
        ("table runs", "column seed is VARCHAR, expected BIGINT")),
    "runs without its key": (RUNS_COPY, ("table runs", "key must be (arm, seed)")),
    "a run of no outcome": (("UPDATE runs SET outcome = 'banana' WHERE seed = 3",),
                            ("table runs, column outcome", "seed 3")),
    "a run of another arm": (("UPDATE runs SET arm = 'ghost' WHERE seed = 4",),
                             ("table runs, column arm", "seed 4")),
    "a run of a negative seed": (("UPDATE runs SET seed = -1 WHERE seed = 5",),
                                 ("table runs, column seed",)),
    "a run ending at NaN hours": (("UPDATE runs SET hours = 'nan'::DOUBLE WHERE seed = 6",),
                                  ("table runs, column hours", "seed 6")),
    "a run with terms that are not JSON": (
        ("UPDATE runs SET public_terms = '[1' WHERE seed = 7",),
        ("table runs, column public_terms", "seed 7")),
    "a run with rung times and levels apart": (
        ("UPDATE runs SET rung_hours = [1.0, 2.0], rung_levels = [1] WHERE seed = 8",),
        ("table runs, column rung_hours", "seed 8")),
    "a run at a level off the ladder": (
        ("UPDATE runs SET rung_hours = [1.0], rung_levels = [99] WHERE seed = 9",),
        ("table runs, column rung_levels", "seed 9")),
    "a run of an infinite payoff": (
        ("UPDATE runs SET payoff_azure_pm = 'inf'::DOUBLE WHERE seed = 10",),
        ("table runs, column payoff_azure_pm", "seed 10")),
}


@pytest.mark.parametrize("case", TABLES, ids=list(TABLES))
def test_a_malformed_results_file(case: str, results: Path, tmp_path: Path) -> None:
    sql, expect = TABLES[case]
    path = edited(results, tmp_path, *sql)
    # Resuming compares the study first: an edited study is "another study" or named.
    resume = not case.startswith("meta's")
    refused_untouched(path, tmp_path, *expect, resume=resume)
    if not resume:
        code, _, stderr = brink("mc", HARBOUR, "--runs", str(RUNS), *QUICK, "--out", str(path))
        assert_clean(code, stderr, str(path), "table meta")


def test_the_python_api_gets_the_same_errors(results: Path, tmp_path: Path) -> None:
    path = edited(results, tmp_path, "UPDATE runs SET outcome = 'banana' WHERE seed = 3")
    with pytest.raises(StoreError, match=r"table runs, column outcome: .*seed 3"):
        open_results(path)


def test_an_integer_beyond_64_bits_is_named_not_an_arrow_error(results: Path,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "fresh.duckdb"
    res = monte_carlo(HARBOUR, runs=2, default_policy="baseline", out=path)
    row = list(res.store.table(None).to_pylist()[0].values())
    row[1], row[17] = 50, 2**70  # seed, max_level
    with pytest.raises(StoreError, match=r"column max_level: arm 'baseline', seed 50: "
                                         r"1180591620717411303424 cannot be stored as BIGINT"):
        res.store.write([tuple(row)])
    assert res.store.count() == 2
    res.close()


# -- results files are data, never code ------------------------------------------------------
def test_report_never_imports_a_module_the_file_names(results: Path, tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    path = edited(results, tmp_path, "UPDATE meta SET value = replace(value, "
                  "'\"imports\":[]', '\"imports\":[\"hostile_marker\"]') WHERE key = 'study'")
    assert "hostile_marker" in duckdb.connect(str(path), read_only=True).execute(
        "SELECT value FROM meta WHERE key = 'study'").fetchone()[0]
    done = brink_process("report", str(path), "-o", str(tmp_path / "r.html"), timeout=60,
                         HOSTILE_MARKER=str(marker))
    assert done.returncode == 0, done.stderr
    assert not marker.exists()  # the module was importable, and not imported


@pytest.fixture()
def plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The plugin modules importable here; what they register is forgotten afterwards."""
    from brinkmanship.policies.registry import REGISTRY

    saved = dict(REGISTRY)
    monkeypatch.syspath_prepend(str(PLUGINS))
    yield
    REGISTRY.clear()
    REGISTRY.update(saved)
    for name in ("hostile_marker", "hostile_slow"):
        sys.modules.pop(name, None)


def test_custom_decision_makers_need_import_on_the_command_line(tmp_path: Path,
                                                                plugins: None) -> None:
    marker = tmp_path / "imported"
    out = tmp_path / "custom.duckdb"
    code, _, stderr = brink("mc", HARBOUR, "--runs", "4", *QUICK, "--policy",
                            "azure_pm=marked", "--import", "hostile_marker", "--out", str(out))
    assert code == 0, stderr  # --policy may name what an --import registers
    before = state(out)
    refused = brink_process("report", str(out), "-o", str(tmp_path / "r.html"), timeout=60,
                            HOSTILE_MARKER=str(marker))
    assert_clean(refused.returncode, refused.stderr, str(out), "'marked' is not registered",
                 "--import hostile_marker")
    assert not marker.exists()
    asked = brink_process("report", str(out), "-o", str(tmp_path / "r.html"), "--import",
                          "hostile_marker", timeout=60, HOSTILE_MARKER=str(marker))
    assert asked.returncode == 0, asked.stderr
    assert marker.read_text().split() == ["report"]
    assert state(out) == before


# -- special files as outputs -------------------------------------------------------------------
def test_a_fifo_as_results_out_or_output_never_blocks(results: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.duckdb"
    os.mkfifo(fifo)
    for args in (("report", str(fifo), "-o", str(tmp_path / "r.html")),
                 ("mc", HARBOUR, "--runs", "2", *QUICK, "--out", str(fifo)),
                 ("report", str(results), "-o", str(fifo))):
        done = brink_process(*args, timeout=30)
        assert_clean(done.returncode, done.stderr, str(fifo), "not a regular file")


def test_report_refuses_to_write_over_its_results_file(results: Path, tmp_path: Path) -> None:
    path = tmp_path / "same.duckdb"
    shutil.copy(results, path)
    before = state(path)
    code, _, stderr = brink("report", str(path), "-o", str(path))
    assert_clean(code, stderr, f"--output {path}", "that is the results file")
    assert state(path) == before


def test_report_figures_folder_that_is_a_file(results: Path, tmp_path: Path) -> None:
    (tmp_path / "r-figures").write_text("mine")
    code, _, stderr = brink("report", str(results), "-o", str(tmp_path / "r.html"))
    assert_clean(code, stderr, "r-figures", "not a folder")
    assert (tmp_path / "r-figures").read_text() == "mine"


def test_overwrite_removes_only_a_results_file(tmp_path: Path) -> None:
    folder = _folder(tmp_path, tmp_path)
    code, _, stderr = brink("mc", HARBOUR, "--runs", "2", *QUICK, "--out", str(folder),
                            "--overwrite")
    assert_clean(code, stderr, str(folder), "not a regular file")
    assert (folder / "keep").read_text() == "mine"


# -- arguments ------------------------------------------------------------------------------
ARGUMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "a first seed beyond 64 bits": (("mc", HARBOUR, "--seed-start", str(2**64)),
                                    (f"--seed-start {2**64}", f"at most {MAX_SEED}")),
    "seeds running past 64 bits": (
        ("compare", HARBOUR, "--close", "radio", "--seed-start", str(MAX_SEED - 5),
         "--runs", "10"), ("--seed-start", "--runs 10", "beyond")),
    "runs past 64 bits": (("mc", HARBOUR, "--runs", str(2**63 + 1)), ("--runs", "beyond")),
    "a report of a seed beyond 64 bits": (("report", "x.duckdb", "--run", str(2**70)),
                                          ("--run", f"at most {MAX_SEED}")),
    "a million worker processes": (("mc", HARBOUR, "--jobs", "1000000"),
                                   ("--jobs 1000000", "at most")),
    "no runs": (("mc", HARBOUR, "--runs", "0"), ("--runs",)),
    "a negative first seed": (("mc", HARBOUR, "--seed-start", "-1"), ("--seed-start",)),
    "a hundred arms": (("compare", HARBOUR, "--vary", "incidents[warning_shots]."
                        "hazard_per_hour=" + ",".join(f"0.{i:03d}" for i in range(100))),
                       ("101 arms", "at most 64")),
}


@pytest.mark.parametrize("case", ARGUMENTS, ids=list(ARGUMENTS))
def test_an_argument_out_of_bounds(case: str, tmp_path: Path) -> None:
    args, expect = ARGUMENTS[case]
    out = tmp_path / "never.duckdb"
    code, _, stderr = brink(*args, *(("--out", str(out)) if args[0] != "report" else ()))
    if code == 2 and stderr.startswith("Usage:"):  # refused by the option's own range
        assert "Invalid value" in stderr and expect[0] in stderr, stderr
    else:
        assert_clean(code, stderr, *expect)
    assert not out.exists()


def test_seed_bounds_agree() -> None:
    assert CLI_MAX_SEED == MAX_SEED == 2**63 - 1


def test_a_billion_runs_start_at_once_in_bounded_memory(tmp_path: Path) -> None:
    """The seeds of ``--runs 1000000000`` are never built as a list: the first rows are
    committed within 30 s under 3 GiB of address space, and SIGTERM then stops it cleanly."""
    out = tmp_path / "billion.duckdb"
    proc = subprocess.Popen(command("mc", HARBOUR, "--runs", "1000000000", *QUICK, "--out",
                                    str(out)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=limit_memory, env=environment(), cwd=ROOT)
    try:
        assert proc.stderr is not None
        first = _first_commit(proc, 30.0)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    assert first, stderr
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "stopped by SIGTERM" in stderr and "run the same command again" in stderr
    assert "Traceback" not in stderr
    with open_results(out) as res:
        assert res.store.count() > 0


def _first_commit(proc: subprocess.Popen[str], within: float) -> bool:
    """Read progress lines until one shows committed runs; False if none within time."""
    assert proc.stderr is not None
    deadline = time.monotonic() + within
    for line in proc.stderr:
        if re.match(r"runs: [1-9]\d*/\d+ saved", line):
            return True
        if time.monotonic() > deadline:
            return False
    return False


# -- signals: no orphans ------------------------------------------------------------------------
def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (from /proc)."""
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):
            found += [int(x) for x in Path(f"/proc/{pid}/task/{task}/children").read_text()
                      .split()]
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@contextlib.contextmanager
def busy_study(name: str, tmp: Path, jobs: int = 2) -> Iterator[tuple[subprocess.Popen[str],
                                                                        list[int]]]:
    """``brink NAME`` whose workers are all busy on a long run (each decision sleeps a
    minute), with its worker processes' ids; whatever is left is killed afterwards."""
    extra = ("--close", "radio") if name == "compare" else ()
    proc = subprocess.Popen(
        command(name, HARBOUR, *extra, "--runs", "100", "--jobs", str(jobs), "--import",
                "hostile_slow", "--default-policy", "slow", "--out", str(tmp / "busy.duckdb")),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        preexec_fn=limit_memory, env=environment(), cwd=ROOT, start_new_session=True)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while len(workers) < jobs and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            workers = children(proc.pid)
        assert len(workers) >= jobs, "the workers did not start"
        time.sleep(0.5)  # let them take their first tasks
        yield proc, workers
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)


def assert_gone(workers: list[int], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while any(running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if running(w)], "workers outlived their parent"


linux_only = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")


@linux_only
@pytest.mark.parametrize("name", ["mc", pytest.param("compare", marks=pytest.mark.slow)])
def test_sigkill_of_the_parent_leaves_no_worker(name: str, tmp_path: Path) -> None:
    with busy_study(name, tmp_path) as (proc, workers):
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert_gone(workers)


@linux_only
@pytest.mark.parametrize("sig", [signal.SIGTERM, pytest.param(signal.SIGHUP,
                                                               marks=pytest.mark.slow)],
                         ids=["SIGTERM", "SIGHUP"])
def test_termination_saves_and_stops_the_workers(sig: int, tmp_path: Path) -> None:
    with busy_study("mc", tmp_path) as (proc, workers):
        os.kill(proc.pid, sig)
        _, stderr = proc.communicate(timeout=20)
        assert proc.returncode == 128 + sig, stderr
        assert f"stopped by {signal.Signals(sig).name}" in stderr
        assert "Traceback" not in stderr
        assert_gone(workers)


@linux_only
def test_a_killed_worker_is_an_error_not_a_hang(tmp_path: Path) -> None:
    with busy_study("mc", tmp_path) as (proc, workers):
        os.kill(workers[0], signal.SIGKILL)
        _, stderr = proc.communicate(timeout=20)
        assert_clean(proc.returncode, stderr.splitlines()[-1] + "\n",
                     f"worker process {workers[0]} died", "SIGKILL")
        assert "Traceback" not in stderr
        assert_gone(workers)
