"""Results files: one DuckDB database per study, written in transactions keyed by seed.

Tables:

* ``runs`` — one row per run (columns: :data:`brinkmanship.analysis.rows.BASE_COLUMNS`
  and one ``payoff_<actor>`` per actor), primary key ``(arm, seed)``;
* ``arms`` — each arm's name, its counterfactual as JSON and a readable label;
* ``meta`` — the study (scenario, decision-makers, arms) as canonical JSON and its
  fingerprint, so that a later command can tell whether it asks for the same study.

Rows are committed in batches; a batch is all in or all out. A process killed mid-batch
loses only that batch's uncommitted rows, and the next command finds those seeds missing
and runs them again: no run is lost and, the key being unique, none is counted twice.

A results file is data, never code. Before anything is read from it or added to it, it is
checked, through a read-only connection that changes nothing on disk: a regular, non-empty
DuckDB file; every block readable (a truncated or damaged file is found here, not half-way
through a report); ``meta`` with its keys and a study that passes the checks a scenario
file passes; ``runs`` with the study's columns, types and key, and no value a run could not
have written. What fails is a :class:`StoreError` naming the file, the table and the
column, and the file is left as it was. Modules the study names are never imported here.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from brinkmanship.analysis.rows import OUTCOMES, Layout, Row
from brinkmanship.analysis.study import MAX_ARMS, Study
from brinkmanship.mechanics.outcome import outcome_kinds

FORMAT = "brinkmanship-results/2"
"""Version 2 added the escalation and language-model columns."""
MAX_SEED = 2**63 - 1
"""The largest seed a results table holds (its ``seed`` column is a signed 64-bit integer)."""
MAX_META_CHARS = 50_000_000
"""The longest ``meta`` value read (a study's JSON is far shorter): a bigger one is refused
rather than loaded into memory."""
MISSING_WINDOW = 65_536
"""Seeds asked about at a time when looking for the missing ones: memory stays flat however
many seeds a command plans."""

_DUCK = {"str": "VARCHAR", "json": "VARCHAR", "int": "BIGINT", "float": "DOUBLE",
         "str[]": "VARCHAR[]", "int[]": "BIGINT[]", "float[]": "DOUBLE[]"}
_META_KEYS = ("format", "fingerprint", "study")


class StoreError(ValueError):
    """A results file that cannot be used as asked: another study, in use, not ours,
    damaged, or holding values no run writes."""


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise StoreError("Monte Carlo tables need DuckDB and Arrow: "
                         "pip install 'brinkmanship[analysis]'") from None
    return duckdb


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    base = {"str": pa.string(), "json": pa.string(), "int": pa.int64(),
            "float": pa.float64()}
    if kind.endswith("[]"):
        return pa.list_(base[kind[:-2]])
    return base[kind]


class Store:
    """An open results file (or an in-memory one when ``path`` is None)."""

    def __init__(self, con: Any, path: Path | None, study: Study, read_only: bool):
        self.con = con
        self.path = path
        self.study = study
        self.read_only = read_only
        self.layout: Layout = study.layout
        import pyarrow as pa

        self.schema = pa.schema([(name, _arrow_type(kind)) for name, kind, _ in
                                 self.layout.columns])

    @property
    def name(self) -> str:
        """How errors name this table's file."""
        return str(self.path) if self.path is not None else "the in-memory results table"

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path | None, study: Study, overwrite: bool = False) -> Store:
        """Open ``path`` to add runs of ``study``: a new file, or one of the same study
        (checked first, read-only; a file that fails is left untouched)."""
        duckdb = _duckdb()
        if path is None:
            con = _connect(duckdb, None, read_only=False)
            _initialise(con, study)
            return cls(con, None, study, read_only=False)
        where = Path(path)
        if overwrite:
            _discard(where)
        fresh = not _existing_file(where, writing=True)
        if not fresh:
            fresh = _inspect_for_resume(duckdb, where, study)
        con = _connect(duckdb, where, read_only=False)
        if fresh:
            try:
                _initialise(con, study)
            except BaseException:
                con.close()
                raise
        return cls(con, where, study, read_only=False)

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open an existing results file to read it (every check of the module's docstring;
        the study's scenario is checked as a scenario file is)."""
        duckdb = _duckdb()
        where = Path(path)
        _existing_file(where, writing=False)
        con = _connect(duckdb, where, read_only=True)
        try:
            with _damage(duckdb, where):
                tables = _tables(con)
                if "meta" not in tables:
                    raise StoreError(f"{where}: not a brink results file (no 'meta' table)")
                meta = _read_meta(con, where)
                study = _stored_study(where, meta)
                _check_runs(con, where, study, tables)
        except BaseException:
            con.close()
            raise
        return cls(con, where, study, read_only=True)

    def close(self) -> None:
        self.con.close()

    def meta(self) -> dict[str, str]:
        """The ``meta`` table: format, fingerprint, study, version, command (when recorded)."""
        return {str(k): str(v) for k, v in
                self._execute("SELECT key, value FROM meta", []).fetchall()}

    # -- writing ---------------------------------------------------------------------------
    def missing(self, arm: str, seeds: range) -> Iterator[list[int]]:
        """The seeds of ``seeds`` that have no row yet for ``arm``, in order, a window of at
        most :data:`MISSING_WINDOW` seeds at a time (each window asked about only when the
        previous one has been consumed, so memory does not grow with ``seeds``)."""
        for lo in range(seeds.start, seeds.stop, MISSING_WINDOW):
            window = range(lo, min(lo + MISSING_WINDOW, seeds.stop))
            have = {s for (s,) in self._execute(
                "SELECT seed FROM runs WHERE arm = ? AND seed BETWEEN ? AND ?",
                [arm, window.start, window.stop - 1]).fetchall()}
            yield [s for s in window if s not in have]

    def write(self, rows: Sequence[Row]) -> None:
        """Commit ``rows`` in one transaction (all or none). A value that does not fit its
        column (an integer beyond 64 bits) is a ``StoreError`` naming the column and the
        run, and nothing of the batch is written."""
        if not rows:
            return
        batch = self._batch(rows)
        self.con.begin()
        try:
            self.con.register("_batch", batch)
            # The key makes a double count impossible; OR IGNORE lets a batch whose commit
            # was in doubt (an interrupt inside it) be written again without an error.
            self.con.execute("INSERT OR IGNORE INTO runs SELECT * FROM _batch")
            self.con.unregister("_batch")
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise

    def _batch(self, rows: Sequence[Row]) -> Any:
        import pyarrow as pa

        columns = list(zip(*rows, strict=True))
        arrays = []
        for i, (col, field) in enumerate(zip(columns, self.schema, strict=True)):
            try:
                arrays.append(pa.array(col, type=field.type))
            except (pa.ArrowException, OverflowError, TypeError, ValueError):
                raise self._unstorable(rows, i, field) from None
        return pa.Table.from_arrays(arrays, schema=self.schema)

    def _unstorable(self, rows: Sequence[Row], i: int, field: Any) -> StoreError:
        """The error naming the first row whose value ``i`` cannot be stored."""
        import pyarrow as pa

        for row in rows:
            try:
                pa.array([row[i]], type=field.type)
            except (pa.ArrowException, OverflowError, TypeError, ValueError) as exc:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                value = repr(row[i])
                value = value if len(value) <= 80 else value[:77] + "..."
                return StoreError(f"{self.name}: table runs, column {field.name}: arm "
                                  f"{row[0]!r}, seed {row[1]}: {value} cannot be stored as "
                                  f"{_duck_type(field.type)} ({reason})")
        return StoreError(f"{self.name}: table runs, column {field.name}: a batch of values "
                          f"that cannot be stored as {_duck_type(field.type)}")

    # -- reading ---------------------------------------------------------------------------
    def count(self, arm: str | None = None, seeds: range | None = None) -> int:
        where, params = self.where(arm, seeds)
        return int(self._execute(f"SELECT count(*) FROM runs {where}", params).fetchone()[0])

    def where(self, arm: str | None, seeds: range | None, alias: str = "") -> tuple[str, list]:
        """A WHERE clause (and its parameters) selecting an arm and a seed range."""
        p = f"{alias}." if alias else ""
        parts: list[str] = []
        params: list[Any] = []
        if arm is not None:
            parts.append(f"{p}arm = ?")
            params.append(arm)
        if seeds is not None:
            # BETWEEN the first and last seed: ``stop`` itself may lie beyond 64 bits.
            parts.append(f"{p}seed BETWEEN ? AND ?")
            params += [seeds.start, seeds.stop - 1]
        return ("WHERE " + " AND ".join(parts) if parts else ""), params

    def table(self, arm: str | None = None, seeds: range | None = None,
              columns: Iterable[str] | None = None,
              expressions: Sequence[str] | None = None) -> Any:
        """The rows as an Arrow table, ordered by arm (in study order) and seed; the
        columns as stored, or read through the SQL ``expressions`` when given."""
        if expressions:
            cols = ", ".join(expressions)
        else:
            cols = ", ".join(_quote(c) for c in columns) if columns else "runs.*"
        where, params = self.where(arm, seeds)
        order = " ".join(f"WHEN {_literal(a.name)} THEN {i}"
                         for i, a in enumerate(self.study.arms))
        sql = (f"SELECT {cols} FROM runs {where} "
               f"ORDER BY CASE arm {order} ELSE {len(self.study.arms)} END, seed")
        with _damage(_duckdb(), self.name):
            return _to_arrow(self.con.sql(sql, params=params))

    def batches(self, columns: Iterable[str], arm: str | None = None,
                seeds: range | None = None, size: int = 20_000) -> Any:
        """The chosen columns as a stream of Arrow record batches (flat memory)."""
        where, params = self.where(arm, seeds)
        sql = f"SELECT {', '.join(_quote(c) for c in columns)} FROM runs {where}"
        with _damage(_duckdb(), self.name):
            rel = self.con.sql(sql, params=params)
            reader = getattr(rel, "to_arrow_reader", None) or rel.fetch_arrow_reader
            return reader(size)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._execute(sql, list(params)).fetchall())

    def seed_range(self, arm: str | None = None) -> range | None:
        where, params = self.where(arm, None)
        lo, hi = self._execute(f"SELECT min(seed), max(seed) FROM runs {where}",
                               params).fetchone()
        return None if lo is None else range(int(lo), int(hi) + 1)

    def _execute(self, sql: str, params: list[Any]) -> Any:
        """``con.execute``, a damaged file's error made a ``StoreError`` naming it."""
        with _damage(_duckdb(), self.name):
            return self.con.execute(sql, params)


# -- checks before a file is used ----------------------------------------------------------
def _existing_file(where: Path, writing: bool) -> bool:
    """Whether ``where`` is an existing results file to use; ``StoreError`` for what cannot
    be one (a folder, a device, a pipe, an empty file), without opening it, so that nothing
    blocks on a FIFO or reads a device. A missing file is fine for writing only."""
    for path, what in ((where, "results file"),
                       (where.with_name(where.name + ".wal"), "write-ahead log")):
        try:
            st = path.stat()
        except FileNotFoundError:
            if path == where and not writing:
                raise StoreError(f"{where}: no such results file") from None
            continue
        except OSError as exc:
            raise StoreError(f"{path}: cannot open: {exc.strerror}") from None
        if stat.S_ISDIR(st.st_mode):
            raise StoreError(f"{path}: a folder, not a {what}")
        if not stat.S_ISREG(st.st_mode):
            raise StoreError(f"{path}: not a regular file (a device or a pipe), so not a "
                             f"{what}")
        if path == where and st.st_size == 0:
            hint = "; remove it or choose another --out" if writing else ""
            raise StoreError(f"{where}: an empty file, not a results file{hint}")
    return where.exists()


def holds_runs(where: Path) -> bool:
    """Whether ``where`` holds a Monte Carlo study (a ``meta`` table); False for a file
    that cannot be opened (reading it then says why)."""
    try:
        if not _existing_file(where, writing=True):
            return False
        con = _connect(_duckdb(), where, read_only=True)
    except StoreError:
        return False
    try:
        return "meta" in _tables(con)
    except Exception:
        return False
    finally:
        con.close()


def _discard(where: Path) -> None:
    """Remove the file ``--overwrite`` starts afresh from (and its log): regular files only."""
    for path in (where, where.with_name(where.name + ".wal")):
        try:
            st = path.lstat()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StoreError(f"{path}: cannot remove: {exc.strerror}") from None
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
            raise StoreError(f"{path}: not a regular file; --overwrite removes only a "
                             "results file")
        try:
            path.unlink()
        except OSError as exc:
            raise StoreError(f"{path}: cannot remove: {exc.strerror}") from None


def _inspect_for_resume(duckdb: Any, where: Path, study: Study) -> bool:
    """Check an existing file before runs of ``study`` are added to it, through a read-only
    connection; True if it is a DuckDB file with no tables yet (to be initialised)."""
    con = _connect(duckdb, where, read_only=True)
    try:
        with _damage(duckdb, where):
            tables = _tables(con)
            if not tables:
                return True
            if "meta" not in tables:
                raise StoreError(f"{where}: a DuckDB file, but not a brink results file "
                                 f"(tables: {', '.join(sorted(tables))})")
            meta = _read_meta(con, where)
            _same_study(where, meta, study)
            _check_runs(con, where, study, tables)
            return False
    finally:
        con.close()


@contextmanager
def _damage(duckdb: Any, where: Path | str) -> Iterator[None]:
    """DuckDB's errors inside as a ``StoreError`` naming the file (a truncated or damaged
    file fails on the first block that cannot be read)."""
    try:
        yield
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreError(f"{where}: damaged or truncated, or not written by brink "
                         f"({first})") from None


def _tables(con: Any) -> set[str]:
    """The tables of a Monte Carlo study; a sensitivity study's (``sensitivity_*``, see
    :mod:`.sensitivity.store`) may share the file and are not this module's."""
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = 'main'").fetchall()
            if not str(r[0]).startswith("sensitivity_")}


def _columns(con: Any, table: str) -> list[tuple[str, str]]:
    return [(str(n), str(t)) for n, t in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = "
        "'main' AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()]


def _read_meta(con: Any, where: Path) -> dict[str, str]:
    """The ``meta`` table as a dict, checked: its columns, size, keys and format."""
    cols = _columns(con, "meta")
    if cols != [("key", "VARCHAR"), ("value", "VARCHAR")]:
        raise StoreError(f"{where}: table meta: columns {_spell_columns(cols)}, expected "
                         "key VARCHAR, value VARCHAR")
    rows, keys, longest, nulls = con.execute(
        "SELECT count(*), count(DISTINCT key), max(length(value)), "
        "count(*) FILTER (key IS NULL OR value IS NULL) FROM meta").fetchone()
    if nulls or rows != keys:
        raise StoreError(f"{where}: table meta: keys must be unique and values set")
    if (longest or 0) > MAX_META_CHARS:
        raise StoreError(f"{where}: table meta: a value of {longest} characters (at most "
                         f"{MAX_META_CHARS})")
    meta = {str(k): str(v) for k, v in con.execute("SELECT key, value FROM meta").fetchall()}
    missing = [k for k in _META_KEYS if k not in meta]
    if missing:
        raise StoreError(f"{where}: table meta: no key {', '.join(map(repr, missing))}")
    if meta["format"] != FORMAT:
        raise StoreError(f"{where}: results format {meta['format']!r}, expected {FORMAT!r}")
    return meta


def _stored_study(where: Path, meta: dict[str, str]) -> Study:
    """The study of ``meta``, as data (nothing imported), its scenario checked as a scenario
    file is and its arms prepared; ``StoreError`` naming what is wrong."""
    from brinkmanship.analysis.counterfactual import CounterfactualError
    from brinkmanship.scenario import ScenarioError
    from brinkmanship.scenario.loader import parse_scenario

    place = f"{where}: table meta, key 'study'"

    def scenario_of(data: Any) -> Any:
        return parse_scenario(json.dumps(data, ensure_ascii=False), f"{place}, scenario")

    try:
        study = Study.from_blob(meta["study"].encode(), scenario_of)
    except ScenarioError as exc:
        raise StoreError(exc.render(limit=3)) from None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError,
            ArithmeticError) as exc:
        raise StoreError(f"{place}: not a study ({_reason(exc)})") from None
    _check_study_shape(place, study)
    for arm in study.arms:
        try:
            study.prepared(arm.name)
        except (CounterfactualError, ValueError) as exc:
            raise StoreError(f"{place}: arm {arm.name!r}: {exc}") from None
    return study


def _check_study_shape(place: str, study: Study) -> None:
    names = [a.name for a in study.arms]
    if not names or not all(isinstance(n, str) and n for n in names):
        raise StoreError(f"{place}: arms must be named")
    if len(names) > MAX_ARMS:
        raise StoreError(f"{place}: {len(names)} arms, at most {MAX_ARMS}")
    if len(set(names)) != len(names):
        raise StoreError(f"{place}: two arms share a name")
    if not all(isinstance(a, str) and isinstance(p, str) for a, p in study.policies.items()):
        raise StoreError(f"{place}: policies must map actors to decision-makers' names")
    if not all(isinstance(m, str) for m in study.imports):
        raise StoreError(f"{place}: imports must be module names")


def _check_runs(con: Any, where: Path, study: Study, tables: set[str]) -> None:
    """The ``runs`` table: the study's columns and key, every block readable, and no value
    a run could not have written."""
    if "runs" not in tables:
        raise StoreError(f"{where}: no table runs")
    expected = [(name, _DUCK[kind]) for name, kind, _ in study.layout.columns]
    actual = _columns(con, "runs")
    if actual != expected:
        raise StoreError(f"{where}: table runs: {_column_difference(actual, expected)}")
    keys = [list(c) for (c,) in con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() WHERE schema_name = 'main' "
        "AND table_name = 'runs' AND constraint_type = 'PRIMARY KEY'").fetchall()]
    if keys != [["arm", "seed"]]:
        raise StoreError(f"{where}: table runs: its key must be (arm, seed)")
    # Read every value once: a truncated file fails here, before anything uses it.
    con.execute(f"SELECT bit_xor(hash({', '.join(_quote(n) for n, _ in expected)})) "
                "FROM runs").fetchall()
    bad = con.execute(_bad_row_sql(study)).fetchone()
    if bad is not None:
        column, arm, seed = bad
        raise StoreError(f"{where}: table runs, column {column}: a value no run writes "
                         f"(arm {arm!r}, seed {seed}): {_EXPECT.get(column, 'see the docs')}")


_EXPECT = {
    "seed": "seeds are integers from 0",
    "arm": "every arm is one of the study's",
    "outcome": f"an outcome is one of {', '.join(OUTCOMES)} (or stand_down, where the "
               "scenario declares one)",
    "hours": "hours are finite and not negative",
    "public_terms": "terms are a JSON object",
    "private_terms": "terms are a JSON object",
    "rung_hours": "as many finite, non-negative hours as rung_levels",
    "rung_levels": "levels of the study's ladder",
    "incident_hours": "as many finite, non-negative hours as incidents",
    "payoff": "payoffs are finite numbers or missing",
}


def _bad_row_sql(study: Study) -> str:
    """A query of the first row (column, arm, seed) holding a value no run writes."""
    arms = ", ".join(_literal(a.name) for a in study.arms)
    outcomes = ", ".join(_literal(k) for k in outcome_kinds(study.scenario))
    levels = ", ".join(str(int(r.level)) for r in study.scenario.ladder)

    def hours(col: str) -> str:
        return (f"(len({col}) > 0 AND (list_count({col}) <> len({col}) OR NOT "
                f"isfinite(list_min({col})) OR NOT isfinite(list_max({col})) OR "
                f"list_min({col}) < 0))")

    def terms(col: str) -> str:
        return (f"CASE WHEN {col} IS NULL OR NOT json_valid({col}) THEN true "
                f"ELSE json_type({col}) <> 'OBJECT' END")

    tests = [
        ("seed", "seed < 0"),
        ("arm", f"arm NOT IN ({arms})"),
        ("outcome", f"outcome IS NULL OR outcome NOT IN ({outcomes})"),
        ("hours", "hours IS NULL OR NOT isfinite(hours) OR hours < 0"),
        ("public_terms", terms("public_terms")),
        ("private_terms", terms("private_terms")),
        ("rung_hours", "coalesce(len(rung_hours), 0) <> coalesce(len(rung_levels), 0) OR "
         + hours("rung_hours")),
        ("rung_levels", f"len(rung_levels) > 0 AND (list_count(rung_levels) <> "
         f"len(rung_levels) OR NOT list_has_all([{levels}], rung_levels))"),
        ("incident_hours", "coalesce(len(incidents), 0) <> coalesce(len(incident_hours), 0) "
         "OR " + hours("incident_hours")),
        *((f"payoff_{a}", f"{_quote('payoff_' + a)} IS NOT NULL AND NOT "
           f"isfinite({_quote('payoff_' + a)})") for a in study.layout.payoff_actors),
    ]
    cases = " ".join(f"WHEN {test} THEN {_literal(col)}" for col, test in tests)
    return (f"SELECT bad, arm, seed FROM (SELECT CASE {cases} END AS bad, arm, seed "
            "FROM runs) WHERE bad IS NOT NULL LIMIT 1")


def _column_difference(actual: list[tuple[str, str]], expected: list[tuple[str, str]]) -> str:
    have, want = dict(actual), dict(expected)
    missing = [n for n in want if n not in have]
    extra = [n for n in have if n not in want]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"no column {', '.join(missing[:5])}")
        if extra:
            parts.append(f"unexpected column {', '.join(extra[:5])}")
        return "; ".join(parts) + " (not the columns of this study's table)"
    for name, kind in expected:
        if have[name] != kind:
            return f"column {name} is {have[name]}, expected {kind}"
    return "columns out of order"


def _spell_columns(cols: list[tuple[str, str]]) -> str:
    return ", ".join(f"{n} {t}" for n, t in cols) or "none"


def _reason(exc: BaseException) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        return f"{loc}: {first['msg']}"
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r}"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _duck_type(arrow_type: Any) -> str:
    import pyarrow as pa

    if pa.types.is_list(arrow_type):
        return _duck_type(arrow_type.value_type) + "[]"
    return {"int64": "BIGINT (a 64-bit integer)", "double": "DOUBLE",
            "string": "VARCHAR"}.get(str(arrow_type), str(arrow_type))


def _connect(duckdb: Any, where: Path | None, read_only: bool) -> Any:
    # One thread: the workers need the cores, the queries are small, and a database without
    # background threads lets worker processes be forked safely while it is open.
    try:
        return duckdb.connect(str(where) if where is not None else ":memory:",
                              read_only=read_only, config={"threads": 1})
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreError(f"{where}: in use by another process (one writer at a time); "
                             "wait for it or use another file") from None
        if "not a valid DuckDB database" in text:
            raise StoreError(f"{where}: not a DuckDB file, so not a brink results file") \
                from None
        if "could not read" in text.lower():
            raise StoreError(f"{where}: damaged or truncated ({text.splitlines()[0]})") \
                from None
        raise StoreError(f"{where}: cannot open: {text.splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise StoreError(f"{where}: not a DuckDB file ({str(exc).splitlines()[0]})") from None


def _initialise(con: Any, study: Study) -> None:
    cols = ",\n  ".join(f"{_quote(name)} {_DUCK[kind]}" for name, kind, _ in
                        study.layout.columns)
    con.begin()
    con.execute(f"CREATE TABLE runs (\n  {cols},\n  PRIMARY KEY (arm, seed))")
    con.execute("CREATE TABLE arms (arm VARCHAR PRIMARY KEY, position INTEGER, "
                "label VARCHAR, change VARCHAR)")
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for i, arm in enumerate(study.arms):
        con.execute("INSERT INTO arms VALUES (?, ?, ?, ?)",
                    [arm.name, i, arm.label, json.dumps(arm.change.to_json(), sort_keys=True)])
    meta = {"format": FORMAT, "fingerprint": study.fingerprint,
            "study": study.blob.decode(), "scenario": study.scenario.scenario.id,
            "layout": json.dumps(study.layout.to_dict()), "version": _version(),
            "command": invocation()}
    for key, value in meta.items():
        con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])
    con.commit()


def _same_study(where: Path | None, stored: dict[str, str], study: Study) -> None:
    """``StoreError`` unless the file holds runs of ``study``: the same fingerprint and the
    same study text (a file edited by hand could keep one and change the other)."""
    if stored.get("fingerprint") == study.fingerprint:
        if stored["study"] != study.blob.decode():
            raise StoreError(f"{where}: table meta, key 'study': does not match its "
                             "fingerprint (the file was changed after it was written)")
        return
    try:
        old = json.loads(stored["study"])
        if not isinstance(old, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        raise StoreError(f"{where}: table meta, key 'study': not a study ({_reason(exc)})") \
            from None
    new = study.to_json()
    differs = [what for what in ("scenario", "policies", "arms", "imports")
               if old.get(what) != new.get(what)]
    detail = ""
    if "policies" in differs:
        detail = f" (file: {old['policies']}; now: {new['policies']})"
    raise StoreError(f"{where}: holds runs of another study — its "
                     f"{', '.join(differs) or 'definition'} differ{detail}. "
                     "Use another --out, or --overwrite to start afresh")


def _to_arrow(rel: Any) -> Any:
    fetch = getattr(rel, "to_arrow_table", None) or rel.fetch_arrow_table
    return fetch()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def invocation() -> str:
    """How this process was started, to be recorded with what it writes: the ``brink``
    command line, or the Python script that called the library."""
    import shlex
    import sys

    argv = sys.argv or [""]
    if Path(argv[0]).name in ("brink", "__main__.py", "-m"):
        return shlex.join(["brink", *argv[1:]])
    return "Python: " + (shlex.join(argv) if argv[0] else "(interactive)")


def _version() -> str:
    try:
        return metadata.version("brinkmanship")
    except metadata.PackageNotFoundError:
        return "unknown"
